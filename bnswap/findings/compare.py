"""The numbers that two places compare, each computed in one function: the seed noise of a
difference (the headline pair's spread lent to single-seed configurations), Swap - Convention on
our records, Table 1's gaps against the paper's, the Swap/Convention gradient ratios of Appendix
A.7 and the sweeps' correlations (Figures 5, 7). The scoreboard's claims
(:mod:`bnswap.findings.claims`) and the chapters' sentences (:mod:`bnswap.render`) both read
them from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..core.registries import COMPARED_ORDERS, DATASETS, TABLE1_ACTIVATIONS, TABLE1_ARCHS
from .paper import paper, swap_gain
from .records import (GRADIENT_KEYS, Measure, Runs, SweepPoint, accuracy, gradient_profile,
                      group_by, measure_of, shallow_layers, sweep_points)
from .stats import (NOISE_Z, Contrast, Correlation, Stat, contrast, correlation, noisy_contrast,
                    seed_noise)

NOISE_PAIR = ("Convention", "Swap")
"""The headline pair, which every profile runs with several seeds: its spread is the noise floor."""

Terms = list[tuple[float, Stat]]


# ---- seed noise (the verdict rule "difference") -------------------------------------------------


@dataclass(frozen=True)
class SeedNoise:
    """The seed-to-seed spread lent to a configuration with a single seed: for a measure, the
    larger sample standard deviation of that measure on the headline pair's records."""

    pair: tuple[Sequence[dict], ...] = ()
    """The records of each configuration of the pair (Convention's, Swap's)."""

    def sd(self, measure: Measure) -> float:
        """The spread of ``measure`` (nan while no side of the pair has two seeds)."""
        return seed_noise(measure(records) for records in self.pair)

    def contrast(self, terms: Terms, measure: Measure) -> Contrast:
        """A contrast of ``measure`` whose single-seed terms carry :meth:`sd` as their spread."""
        return noisy_contrast(terms, self.sd(measure))

    def gap(self, a: Stat, b: Stat, measure: Measure) -> float:
        """``NOISE_Z`` standard errors of ``a - b``: the size below which that gap can be seed
        noise. A side without records counts as one seed; nan while :meth:`sd` is not measured."""
        sd = self.sd(measure)
        if not math.isfinite(sd):
            return math.nan
        a, b = (s if s.n else Stat(0.0, math.nan, 1) for s in (a, b))
        return NOISE_Z * noisy_contrast([(1, a), (-1, b)], sd).se


def headline_noise(groups: Mapping[str, Sequence[dict]],
                   labels: Sequence[str] = NOISE_PAIR) -> SeedNoise:
    """The seed noise measured on configurations ``labels`` of ``groups`` (records by label)."""
    return SeedNoise(tuple(groups.get(label, []) for label in labels))


def seed_gap_noise(groups: Mapping[str, Sequence[dict]], a: str | None = None,
                   b: str | None = None, labels: Sequence[str] = NOISE_PAIR,
                   metric: str = "accuracy") -> float:
    """``NOISE_Z`` standard errors of the gap in ``metric`` between configurations ``a`` and ``b``
    of ``groups`` (default: two single-seed runs): the size below which such a gap can be seed
    noise.

    ``metric`` is "accuracy" (final test accuracy) or a layer metric ("saturation", "skewness",
    "sparsity": its average over blocks). A side with several seeds uses its own sample standard
    deviation; a single-seed side is given the larger seed spread of ``labels`` (the headline
    pair), as the scoreboard does. nan while that spread is not measured."""
    measure = measure_of(metric)
    side = (lambda label: measure(groups.get(label, [])) if label else Stat.empty())
    return headline_noise(groups, labels).gap(side(a), side(b), measure)


def _contrast(terms: Terms, measure: Measure, noise: SeedNoise | None) -> Contrast:
    return noise.contrast(terms, measure) if noise is not None else contrast(terms)


# ---- Swap - Convention on our records -----------------------------------------------------------


def _key(cell: tuple, order: str) -> Any:
    return (*cell, order) if cell else order


def swap_terms(groups: Mapping[Any, Sequence[dict]], *cell: str, measure: Measure = accuracy,
               sign: int = 1) -> Terms:
    """The terms of ``sign`` x (Swap - Convention) of ``measure`` for configuration ``cell`` of
    ``groups`` (records keyed by ``(*cell, order)``, or by order alone)."""
    convention, swap = (measure(groups.get(_key(cell, o), [])) for o in COMPARED_ORDERS)
    return [(sign, swap), (-sign, convention)]


def swap_minus_convention(groups: Mapping[Any, Sequence[dict]], *cell: str,
                          measure: Measure = accuracy,
                          noise: SeedNoise | None = None) -> Contrast:
    """Swap - Convention of ``measure`` for ``cell`` (Tables 1 and 2, the shifted Tanh), with the
    seed noise of ``noise`` where a side has a single seed."""
    return _contrast(swap_terms(groups, *cell, measure=measure), measure, noise)


def gain_difference(groups: Mapping[Any, Sequence[dict]], first: tuple, second: tuple,
                    measure: Measure = accuracy, noise: SeedNoise | None = None) -> Contrast:
    """(Swap - Convention of ``first``) - (Swap - Convention of ``second``): Table 1's Tanh gain
    over ReLU's, Table 2's skewness gains against each other."""
    terms = swap_terms(groups, *first, measure=measure) + swap_terms(
        groups, *second, measure=measure, sign=-1)
    return _contrast(terms, measure, noise)


# ---- Table 1 (Section 7.1) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Table1Gap:
    """Swap - Convention of one (dataset, architecture, activation) of Table 1, ours and the
    paper's."""

    dataset: str
    arch: str
    activation: str
    ours: Contrast
    paper: float

    @property
    def ratio(self) -> float:
        """Ours over the paper's (nan where the paper's is 0 or ours is not recorded)."""
        return self.ours.value / self.paper if self.paper else math.nan


def table1_groups(runs: Runs) -> dict:
    """Table 1's records keyed by (dataset, arch, activation, order)."""
    return group_by(runs, "dataset", "arch", "activation", "order")


def table1_gaps(runs: Runs, noise: SeedNoise | None = None) -> list[Table1Gap]:
    """Every (dataset, architecture, activation) of Table 1, in the table's order."""
    groups, t1 = table1_groups(runs), paper("table1")
    return [Table1Gap(ds, arch, act, swap_minus_convention(groups, ds, arch, act, noise=noise),
                      swap_gain(t1, ds, arch, act))
            for ds in DATASETS for arch in TABLE1_ARCHS for act in TABLE1_ACTIVATIONS]


# ---- gradients (Appendix A.7, Figure 15) --------------------------------------------------------


def gradient_ratios(convention: Sequence[dict],
                    swap: Sequence[dict]) -> dict[str, np.ndarray] | None:
    """Per block, Swap over Convention of each gradient-scale column (the seed means of
    :func:`bnswap.findings.records.gradient_profile`); None unless both have gradient records."""
    profiles = {k: (gradient_profile(swap, k), gradient_profile(convention, k))
                for k in GRADIENT_KEYS}
    if any(not s.size or not c.size for s, c in profiles.values()):
        return None
    return {k: s / c for k, (s, c) in profiles.items()}


@dataclass(frozen=True)
class ShallowGradients:
    """The geometric mean of the Swap/Convention ratios over the shallow blocks."""

    blocks: int
    """How many leading blocks are shallow (:func:`bnswap.findings.records.shallow_layers`)."""
    skips_first_input: bool
    """Block 1's weight layer reads the image in both orders: its input ratio is 1 by
    construction, so the weight-input ratio starts at block 2."""
    ratio: dict[str, float]


def shallow_gradient_ratios(convention: Sequence[dict],
                            swap: Sequence[dict]) -> ShallowGradients | None:
    """:func:`gradient_ratios` summarised over the shallow blocks (the scoreboard's claim)."""
    ratios = gradient_ratios(convention, swap)
    if ratios is None:
        return None
    k = shallow_layers(len(ratios[GRADIENT_KEYS[0]]))
    start = {key: 1 if key == "weight_input" and k > 1 else 0 for key in GRADIENT_KEYS}
    return ShallowGradients(k, start["weight_input"] == 1,
                            {key: float(np.exp(np.mean(np.log(r[start[key]:k]))))
                             for key, r in ratios.items()})


# ---- sweeps (Figures 5, 7) ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepCorrelations:
    """A sweep's points and its two correlations: the swept setting against the layer-averaged
    metric (Spearman's rho counts: the settings are unevenly spaced) and the metric against
    accuracy (Pearson's r)."""

    points: list[SweepPoint]
    setting: Correlation
    accuracy: Correlation


def sweep_correlations(runs: Runs, tag: str, metric: str) -> SweepCorrelations:
    """The correlations of a sweep's recorded runs (``run.tags[tag]`` is the swept setting)."""
    pts = sweep_points(runs, tag, metric)
    return SweepCorrelations(pts, correlation([p.setting for p in pts], [p.metric for p in pts]),
                             correlation([p.metric for p in pts], [p.accuracy for p in pts]))
