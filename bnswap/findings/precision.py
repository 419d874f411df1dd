"""Is reduced-precision training equivalent? The ``precision`` experiment's numbers.

The headline pair (Convention and Swap, 3 seeds each) trained in fp32 and in ``bf16_mixed``
under one profile: bf16_mixed minus fp32 per order, set against that difference's own seed noise
(:data:`NOISE_Z` standard errors, from the two groups' sample standard deviations), for accuracy
and the three layer-averaged metrics of Sections 3-5 (:func:`precision_gaps`) and for each
metric in each layer (:func:`layer_gaps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.stats import t as student_t

from ..core.registries import COMPARED_ORDERS
from .records import METRICS as LAYER_METRICS
from .records import Runs, group_by, is_complete, layer_values, measure_of
from .stats import NOISE_Z, Stat, aggregate, contrast, within_bound

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
    layer: int | None = None
    """1-based block of a per-block gap (``quantity`` is then the metric's name); None for a
    layer average or the accuracy."""

    @property
    def within_noise(self) -> bool:
        return within_bound(self.difference, self.noise)


def _gap(order: str, quantity: str, fp32: Stat, reduced: Stat,
         layer: int | None = None) -> PrecisionGap:
    c = contrast([(1.0, reduced), (-1.0, fp32)])  # value and se are nan where a side is missing
    return PrecisionGap(order, quantity, fp32, reduced, c.value, NOISE_Z * c.se, layer)


def precision_groups(runs: Runs,
                     reduced: str = "bf16_mixed") -> list[tuple[str, list[dict], list[dict]]]:
    """``[(order, fp32 records, reduced records), ...]`` for the compared orders (complete
    records only; an order without any has empty lists)."""
    groups = group_by(runs, "order", "precision")
    return [(order, groups.get((order, "fp32"), []), groups.get((order, reduced), []))
            for order in COMPARED_ORDERS]


def precision_gaps(runs: Runs, reduced: str = "bf16_mixed") -> list[PrecisionGap]:
    """Every (order, quantity) of the ``precision`` experiment's ``runs`` (its ``collect``)."""
    return [_gap(order, name, *(measure_of(metric or "accuracy")(g) for g in (a, b)))
            for order, a, b in precision_groups(runs, reduced) for name, metric in METRICS]


def layer_gaps(runs: Runs, reduced: str = "bf16_mixed") -> list[PrecisionGap]:
    """bf16_mixed minus fp32 for every (order, metric, block) with records on both sides: the
    per-layer view of :func:`precision_gaps` (a block without a value, e.g. saturation of an
    unbounded layer, is left out)."""
    gaps = []
    for order, a, b in precision_groups(runs, reduced):
        if not (a and b):
            continue
        for metric in LAYER_METRICS:
            va, vb = (np.stack([layer_values(r, metric) for r in g]) for g in (a, b))
            for i in range(min(va.shape[1], vb.shape[1])):
                gap = _gap(order, metric, aggregate(va[:, i]), aggregate(vb[:, i]), i + 1)
                if gap.fp32.ok and gap.reduced.ok:
                    gaps.append(gap)
    return gaps


def chance_beyond_noise(n_fp32: int, n_reduced: int) -> float:
    """How often a difference lands beyond :data:`NOISE_Z` standard errors when the two groups
    do not differ at all: the two-sided tail of Student's t with ``n_fp32 + n_reduced - 2``
    degrees of freedom (0.12 for three seeds a side, against 0.046 for the normal). What the
    count of flagged blocks should be read against."""
    df = n_fp32 + n_reduced - 2
    return float(2 * student_t.sf(NOISE_Z, df)) if df > 0 else float("nan")


@dataclass(frozen=True)
class PrecisionCost:
    """Training throughput of one CPU in each precision, from records made on it."""

    cpu_model: str
    cpu_bf16: tuple[str, ...]
    width: float
    images_per_second: dict[str, Stat]
    """precision -> the records' training images per second."""


def cost_by_precision(records: Sequence[dict]) -> list[PrecisionCost]:
    """The CPUs whose records include more than one precision at one width (records that name
    their CPU, ``environment.cpu_model``, and ran with one thread): each precision's training
    throughput there. Only such records compare precisions fairly: the same model size on the
    same processor. A record passed several times (it serves several experiments) counts once."""
    groups: dict[tuple, dict[str, list[float]]] = {}
    flags: dict[str, tuple[str, ...]] = {}
    for r in {r.get("key") or id(r): r for r in records}.values():
        env = r.get("environment", {})
        if not (is_complete(r) and env.get("cpu_model") and env.get("threads") == 1):
            continue
        spec = r["spec"]
        key = (env["cpu_model"], spec["width"])
        flags[env["cpu_model"]] = tuple(env.get("cpu_bf16", ()))
        groups.setdefault(key, {}).setdefault(spec.get("precision", "fp32"), []).append(
            r["images_per_second"])
    return [PrecisionCost(model, flags[model], width,
                          {p: aggregate(v) for p, v in sorted(by.items())})
            for (model, width), by in groups.items() if len(by) > 1]
