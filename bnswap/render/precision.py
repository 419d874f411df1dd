"""The ``precision`` experiment's comparison in words: fp32 against ``bf16_mixed`` per order, a
table and one sentence (the numbers: :mod:`bnswap.findings.precision`)."""

from __future__ import annotations

import math

from ..findings.precision import precision_gaps
from ..findings.records import Runs
from ..findings.stats import NOISE_Z
from .markdown import markdown_table


def precision_markdown(runs: Runs, reduced: str = "bf16_mixed") -> str:
    """The comparison as a table and one sentence, or what is missing."""
    gaps = precision_gaps(runs, reduced)
    if not any(g.reduced.ok for g in gaps):
        return (f"No {reduced} record yet: the comparison appears here once the `precision` "
                f"experiment's reduced-precision runs are recorded.")
    body = [[g.order.title(), g.quantity, g.fp32.format(3 if g.fp32.mean < 2 else 2),
             g.reduced.format(3 if g.reduced.mean < 2 else 2),
             f"{g.difference:+.3f}" if math.isfinite(g.difference) else "—",
             f"{g.noise:.3f}" if math.isfinite(g.noise) else "—",
             "yes" if g.within_noise else ("no" if math.isfinite(g.noise) else "—")]
            for g in gaps]
    beyond = [f"{g.order.title()} {g.quantity}" for g in gaps
              if math.isfinite(g.noise) and not g.within_noise]
    summary = ("Every difference is within its seed noise." if not beyond else
               "Beyond seed noise: " + ", ".join(beyond) + ".")
    return markdown_table(["order", "quantity", "fp32", reduced, f"{reduced} − fp32",
                           f"noise ({NOISE_Z:g} SE)", "within noise"], body) + "\n\n" + summary
