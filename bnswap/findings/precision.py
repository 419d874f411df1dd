"""Is reduced-precision training equivalent? The ``precision`` experiment's numbers.

The headline pair (Convention and Swap, 3 seeds each) trained in fp32 and in ``bf16_mixed``
under one profile: for accuracy and the three layer-averaged metrics of Sections 3-5, bf16_mixed
minus fp32 per order, set against that difference's own seed noise (:data:`NOISE_Z` standard
errors, from the two groups' sample standard deviations).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.registries import COMPARED_ORDERS
from .records import Runs, group_by, is_complete, measure_of
from .stats import NOISE_Z, Stat, contrast, within_bound

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
        return within_bound(self.difference, self.noise)


def precision_gaps(runs: Runs, reduced: str = "bf16_mixed") -> list[PrecisionGap]:
    """Every (order, quantity) of the ``precision`` experiment's ``runs`` (its ``collect``)."""
    groups = group_by([r for r in runs if is_complete(r[2])], "order", "precision")
    gaps = []
    for order in COMPARED_ORDERS:
        a, b = groups.get((order, "fp32"), []), groups.get((order, reduced), [])
        for name, metric in METRICS:
            sa, sb = (measure_of(metric or "accuracy")(g) for g in (a, b))
            c = contrast([(1.0, sb), (-1.0, sa)])  # value and se are nan where a side is missing
            gaps.append(PrecisionGap(order, name, sa, sb, c.value, NOISE_Z * c.se))
    return gaps
