"""Per-layer sentences of the saturation chapter (Section 3.2, Figures 1 and 3)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..findings.records import captured, layer_profile, sample_skewness
from ..findings.stats import signed


def saturation_summary(records: Sequence[dict], label: str) -> str:
    """One line on the layer saturation of ``label``'s ``records`` (mean over seeds, Figure 3):
    the largest layer and how many blocks lie above 0.7 and below 0.5 (the paper's thresholds)."""
    mean, _ = layer_profile(records, "saturation")
    if mean.size == 0:
        return f"{label}: not run"
    return (f"{label}: largest layer saturation {np.nanmax(mean):.2f} (block "
            f"{int(np.nanargmax(mean)) + 1}), {int((mean > 0.7).sum())} of {mean.size} "
            f"blocks above 0.7, {int((mean < 0.5).sum())} below 0.5")


def channel_summary(record: dict | None, block: int, label: str) -> str:
    """One line on block ``block`` (1-based) of one record (Figure 1): the skewness (eq. 3) of the
    pooled layer sample (the whole layer's Tanh outputs in one sample; not the paper's layer
    skewness k^l, which averages |channel skewness|) against the mean |skewness| of its captured
    channels (their number is read from the record: the runs capture ten, written as a word)."""
    pooled = captured(record, block - 1, "act_layer")
    chans = captured(record, block - 1, "act")
    if pooled is None or chans is None:
        return f"{label}: not run"
    per = [abs(sample_skewness(c)) for c in chans]
    n = len(per)
    count = "ten channels" if n == 10 else f"{n} channel{'' if n == 1 else 's'}"
    return (f"{label}: skewness of the pooled layer sample "
            f"{signed(sample_skewness(pooled.ravel()))}; "
            f"mean |skewness| of the {count} {np.mean(per):.2f} "
            f"(largest {max(per):.2f})")


def saturation_blocks_markdown(groups: dict[str, Sequence[dict]], high: str = "Swap",
                               low: str = "Convention") -> str:
    """In how many blocks ``high``'s mean layer saturation is above ``low``'s, and which are not."""
    a, _ = layer_profile(groups.get(high, []), "saturation")
    b, _ = layer_profile(groups.get(low, []), "saturation")
    if a.size == 0 or b.size == 0 or a.size != b.size:
        return f"No records for both {high} and {low} yet."
    above = a > b
    text = f"{high}'s layer saturation is above {low}'s in {int(above.sum())} of {a.size} blocks"
    if above.all():
        return text + "."
    rest = [f"block {i + 1} ({a[i]:.2f} vs {b[i]:.2f})" for i in np.flatnonzero(~above)]
    return text + "; not in " + ", ".join(rest) + "."

