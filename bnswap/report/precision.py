"""Is reduced-precision training equivalent? The ``precision`` experiment's comparison.

The headline pair (Convention and Swap, 3 seeds each) trained in fp32 and in ``bf16_mixed``
under one profile: for accuracy and the three layer-averaged metrics of Sections 3-5, bf16_mixed
minus fp32 per order, set against that difference's own seed noise (:data:`NOISE_Z` standard
errors, from the two groups' sample standard deviations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..analysis import (NOISE_Z, Runs, Stat, accuracy, average_metric, contrast, group_by,
                        is_complete)
from .markdown import markdown_table

METRICS = (("test accuracy (%)", None), ("saturation", "saturation"),
           ("skewness", "skewness"), ("sparsity", "sparsity"))
"""(what the table calls it, the record's per-layer metric or None for accuracy)."""


@dataclass(frozen=True)
class PrecisionGap:
    order: str
    quantity: str
    fp32: Stat
    reduced: Stat
    difference: float
    """``reduced - fp32`` (nan while either side has no record)."""
    noise: float
    """:data:`NOISE_Z` standard errors of the difference (nan below two seeds a side)."""

    @property
    def within_noise(self) -> bool:
        return math.isfinite(self.noise) and abs(self.difference) <= self.noise


def precision_gaps(runs: Runs, reduced: str = "bf16_mixed") -> list[PrecisionGap]:
    """Every (order, quantity) of the ``precision`` experiment's ``runs`` (its ``collect``)."""
    groups = group_by([r for r in runs if is_complete(r[2])], "order", "precision")
    gaps = []
    for order in ("convention", "swap"):
        a, b = groups.get((order, "fp32"), []), groups.get((order, reduced), [])
        for name, metric in METRICS:
            sa, sb = ((accuracy(g) if metric is None else average_metric(g, metric))
                      for g in (a, b))
            c = contrast([(1.0, sb), (-1.0, sa)])
            noise = NOISE_Z * c.se if math.isfinite(c.se) else math.nan
            gaps.append(PrecisionGap(order, name, sa, sb, c.value if c.n else math.nan, noise))
    return gaps


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
