"""Queries on records: aggregation over seeds, layer metrics, correlations, sweeps, contrasts.

No plotting (see :mod:`bnswap.plots`) and no chapter text (see :mod:`bnswap.report`) here;
everything is a pure function of results records, so the chapters stay short and the logic is
unit-tested (``tests/test_analysis.py``).

* :data:`PAPER` (from :mod:`bnswap.paper`) — every number of the paper the book compares against.
* Records — :func:`by_label` groups the ``(labelled run, spec, record or None)`` triples returned by
  :func:`bnswap.runner.collect` by label (the seeds of one configuration); :func:`aggregate` turns
  per-seed values into a :class:`Stat` (mean, sample std, n).
* Layer metrics — :func:`layer_values`, :func:`layer_profile`, :func:`layer_average` (saturation
  only over layers with a bounded activation), :func:`max_layer`.
* Sweeps — :func:`sweep_points` and :func:`correlation` (Pearson and Spearman, with n) for
  Figures 5 and 7.
* :class:`Contrast` — a difference between configurations with its standard error;
  :func:`seed_noise` and :func:`noisy_contrast` give a single-seed contrast the seed-to-seed
  spread measured elsewhere as its error.
* :func:`learned` and :func:`chance_loss` — whether a run fit its training set at all.
* The claims live in :mod:`bnswap.scoreboard`, their verdict rules in :mod:`bnswap.verdicts`;
  the chapters' sentences and
  tables in :mod:`bnswap.report`; synthetic distributions in :mod:`bnswap.distributions`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from .paper import NUM_CLASSES, PAPER, paper  # noqa: F401  (PAPER, paper: for the chapters)


# ---- records --------------------------------------------------------------------------------------

Runs = Sequence[tuple]  # [(LabelledRun, RunSpec, record or None)] as returned by runner.collect
METRICS = ("saturation", "skewness", "sparsity")


def is_complete(record: dict | None) -> bool:
    return bool(record) and record.get("status") == "complete" and "layers" in record


def by_label(runs: Runs) -> "OrderedDict[str, list[dict]]":
    """Complete records grouped by run label (one entry per seed), in experiment order.

    Labels whose records are all missing or failed map to an empty list.
    """
    out: OrderedDict[str, list[dict]] = OrderedDict()
    for run, _spec, record in runs:
        out.setdefault(run.label, [])
        if is_complete(record):
            out[run.label].append(record)
    return out


def group_by(runs: Runs, *tags: str) -> "OrderedDict[Any, list[dict]]":
    """Complete records grouped by the values of ``run.tags[tag]`` (a tuple for several tags),
    in experiment order; configurations without records map to an empty list."""
    out: OrderedDict[Any, list[dict]] = OrderedDict()
    for run, _spec, record in runs:
        key = tuple(run.tags[t] for t in tags)
        key = key[0] if len(key) == 1 else key
        out.setdefault(key, [])
        if is_complete(record):
            out[key].append(record)
    return out


def records_of(runs: Runs) -> list[dict]:
    """Every complete record of ``runs``."""
    return [rec for _, _, rec in runs if is_complete(rec)]


def missing(runs: Runs) -> list[tuple[str, int]]:
    """``(label, seed)`` of every run without a record."""
    return [(run.label, spec.seed) for run, spec, record in runs if record is None]


def failed(runs: Runs) -> list[tuple[str, int, str]]:
    """``(label, seed, error)`` of every run recorded as failed (diverged)."""
    return [(run.label, spec.seed, record.get("error", ""))
            for run, spec, record in runs if record is not None and record.get("status") != "complete"]


@dataclass(frozen=True)
class Stat:
    """A value over seeds: mean, sample standard deviation (nan when n < 2) and n."""

    mean: float
    std: float
    n: int
    values: tuple[float, ...] = ()

    @classmethod
    def empty(cls) -> "Stat":
        """No values: a configuration without records (``ok`` is False, formats as "not run")."""
        return cls(math.nan, math.nan, 0)

    @property
    def ok(self) -> bool:
        return self.n > 0 and math.isfinite(self.mean)

    def format(self, digits: int = 1, unit: str = "") -> str:
        """``"38.1 ± 0.4 % (n=3)"``, ``"38.1 % (n=1)"``, or ``"not run"``."""
        if not self.ok:
            return "not run"
        u = f" {unit}" if unit else ""
        if self.n >= 2 and math.isfinite(self.std):
            return f"{self.mean:.{digits}f} ± {self.std:.{digits}f}{u} (n={self.n})"
        return f"{self.mean:.{digits}f}{u} (n={self.n})"


def aggregate(values: Iterable[float | None]) -> Stat:
    """Mean, sample std (ddof=1) and count of the finite ``values``."""
    vals = tuple(float(v) for v in values if v is not None and math.isfinite(float(v)))
    if not vals:
        return Stat.empty()
    std = float(np.std(vals, ddof=1)) if len(vals) >= 2 else math.nan
    return Stat(float(np.mean(vals)), std, len(vals), vals)


def final_accuracy(record: dict) -> float:
    return float(record["final"]["test_acc"])


LEARNED_FRACTION = 0.2


def learned(record: dict) -> bool:
    """Whether a run fit its training set at all: its final training loss is at least
    ``LEARNED_FRACTION`` (20 %) below the loss of guessing uniformly, ln(number of classes).

    A run that did not learn (NoBN at the cpu profile, for one) has the
    saturation, skewness and accuracy of an untrained network, so a claim that compares it with a
    trained one cannot be scored from it.
    """
    return float(record["final"]["train_loss"]) <= (1 - LEARNED_FRACTION) * chance_loss(record)


def accuracy(records: Sequence[dict]) -> Stat:
    """Final test accuracy (%) over seeds."""
    return aggregate(final_accuracy(r) for r in records)


def layer_values(record: dict, metric: str) -> np.ndarray:
    """Per-layer ``metric`` (saturation, skewness, sparsity) of one record; None becomes nan."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of: {', '.join(METRICS)}")
    return np.array([np.nan if l.get(metric) is None else float(l[metric])
                     for l in record["layers"]])


def layer_profile(records: Sequence[dict], metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-layer mean and sample std (nan for one seed) of ``metric`` over seeds."""
    if not records:
        return np.array([]), np.array([])
    arr = np.stack([layer_values(r, metric) for r in records])
    std = arr.std(0, ddof=1) if len(records) >= 2 else np.full(arr.shape[1], np.nan)
    return arr.mean(0), std


def layer_average(record: dict, metric: str) -> float:
    """``metric`` averaged over layers. Saturation is averaged over the layers that have one
    (bounded activations); a record without any gives nan."""
    vals = layer_values(record, metric)
    vals = vals[np.isfinite(vals)]
    return float(vals.mean()) if vals.size else math.nan


def max_layer(record: dict, metric: str) -> float:
    vals = layer_values(record, metric)
    vals = vals[np.isfinite(vals)]
    return float(vals.max()) if vals.size else math.nan


def average_metric(records: Sequence[dict], metric: str) -> Stat:
    """Per-seed layer average of ``metric``, aggregated over seeds."""
    return aggregate(layer_average(r, metric) for r in records)


def max_metric(records: Sequence[dict], metric: str) -> Stat:
    """Per-seed largest layer value of ``metric``, aggregated over seeds."""
    return aggregate(max_layer(r, metric) for r in records)


@dataclass(frozen=True)
class Correlation:
    """Pearson's r (and its two-sided p) and Spearman's rho of n points."""

    r: float
    rho: float
    n: int
    p: float = math.nan

    @property
    def ok(self) -> bool:
        return self.n >= 3 and math.isfinite(self.r)

    def format(self) -> str:
        if not self.ok:
            return f"not enough points (n={self.n})"
        return f"r = {signed(self.r)}, Spearman ρ = {signed(self.rho)} (n={self.n})"


def correlation(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Pearson and Spearman correlation of paired values (nan pairs dropped; n < 3 or a constant
    series gives nan)."""
    from scipy import stats

    pts = [(float(a), float(b)) for a, b in zip(x, y)
           if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]
    n = len(pts)
    if n < 3:
        return Correlation(math.nan, math.nan, n)
    xa, ya = np.array(pts).T
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return Correlation(math.nan, math.nan, n)
    pr = stats.pearsonr(xa, ya)
    sr = stats.spearmanr(xa, ya)
    return Correlation(float(pr[0]), float(sr[0]), n, float(pr[1]))


def fit_line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float] | None:
    """Least-squares slope and intercept, or None with fewer than 2 distinct x."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[keep], ya[keep]
    if xa.size < 2 or np.ptp(xa) == 0:
        return None
    slope, intercept = np.polyfit(xa, ya, 1)
    return float(slope), float(intercept)


@dataclass(frozen=True)
class SweepPoint:
    label: str
    setting: float
    seed: int
    metric: float
    accuracy: float


def sweep_points(runs: Runs, tag: str, metric: str) -> list[SweepPoint]:
    """One point per complete record of a sweep: the swept setting (``run.tags[tag]``), the
    record's layer-averaged ``metric`` and its test accuracy (Figures 5 and 7 plot one point per
    seed)."""
    out = []
    for run, spec, record in runs:
        if is_complete(record):
            out.append(SweepPoint(run.label, float(run.tags[tag]), spec.seed,
                                  layer_average(record, metric), final_accuracy(record)))
    return out


def learning_curve(records: Sequence[dict], key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epochs, mean and sample std over seeds of a history column (``train_loss``, ``test_loss``,
    ``train_acc``, ``test_acc``) — Figures 16 and 17."""
    if not records:
        return np.array([]), np.array([]), np.array([])
    length = min(len(r["history"]) for r in records)
    arr = np.array([[h[key] for h in r["history"][:length]] for r in records], float)
    epochs = np.array([h["epoch"] for h in records[0]["history"][:length]])
    std = arr.std(0, ddof=1) if len(records) >= 2 else np.full(length, np.nan)
    return epochs, arr.mean(0), std


GRADIENT_KEYS = ("weight_input", "weight_grad", "act_input_grad")


def gradient_profile(records: Sequence[dict], key: str) -> np.ndarray:
    """Per-layer mean over seeds of a gradient-scale column (Appendix A.7, Figure 15); records
    without gradients are skipped (empty array when none has them)."""
    if key not in GRADIENT_KEYS:
        raise ValueError(f"unknown gradient column {key!r}; choose one of: {GRADIENT_KEYS}")
    rows = [[g.get(key, math.nan) for g in r["gradients"]] for r in records if r.get("gradients")]
    return np.array(rows, float).mean(0) if rows else np.array([])


def captured(record: dict | None, layer: int, kind: str) -> np.ndarray | None:
    """Captured samples of 0-based block ``layer``: ``kind`` is ``act`` (activation output per
    channel), ``block`` (block output per channel) or ``act_layer`` (the whole layer pooled).
    Shape [channels, samples]; None when the record has no such capture."""
    if not is_complete(record) or layer >= len(record["layers"]):
        return None
    samples = record["layers"][layer].get("samples")
    if not samples or kind not in samples:
        return None
    return np.asarray(samples[kind], float)


def captured_layers(record: dict | None) -> list[int]:
    """0-based indices of the blocks whose samples a record holds."""
    if not is_complete(record):
        return []
    return [i for i, l in enumerate(record["layers"]) if l.get("samples")]


def sample_skewness(values: Sequence[float]) -> float:
    """Eq. 3 (adjusted Fisher-Pearson sample skewness) of a flat sample, signed: the numpy twin of
    :func:`bnswap.metrics.channel_skewness` (same formula, same 0 for a constant sample), kept
    here so that reading records needs no torch."""
    v = np.asarray(values, float).ravel()
    m = v.size
    if m < 3:
        return math.nan
    d = v - v.mean()
    m2, m3 = (d**2).mean(), (d**3).mean()
    if m2 <= 1e-24 * (v.mean() ** 2 + 1.0):  # relative round-off around a constant sample
        return 0.0
    return float(math.sqrt(m * (m - 1)) / (m - 2) * m3 / m2**1.5)


# ---- contrasts between configurations ---------------------------------------------------------


@dataclass(frozen=True)
class Contrast:
    """A linear combination of per-configuration stats, e.g. Swap minus Convention."""

    value: float
    se: float        # standard error (nan unless every term has >= 2 seeds)
    n: int           # smallest n among the terms (0: something is not run)


def contrast(terms: Sequence[tuple[float, Stat]]) -> Contrast:
    """``sum(coef * stat.mean)`` with its standard error."""
    n = min((s.n for _, s in terms), default=0)
    if n == 0 or not all(s.ok for _, s in terms):
        return Contrast(math.nan, math.nan, 0)
    value = sum(c * s.mean for c, s in terms)
    if all(s.n >= 2 and math.isfinite(s.std) for _, s in terms):
        se = math.sqrt(sum((c * s.std) ** 2 / s.n for c, s in terms))
    else:
        se = math.nan
    return Contrast(float(value), se, n)


def shallow_layers(n_layers: int) -> int:
    """How many leading blocks count as "shallow" (Appendix A.7): the first third, rounded up."""
    return max(1, math.ceil(n_layers / 3))


def signed(x: float, digits: int = 2) -> str:
    """``x`` with an explicit sign, never "-0.00"; "not run" for nan."""
    if x is None or not math.isfinite(x):
        return "not run"
    return f"{round(x, digits) + 0.0:+.{digits}f}"


# ---- runs that did not learn, and the seed noise of single-seed contrasts ------------------------


def chance_loss(record: dict) -> float:
    """The training loss of guessing uniformly, ln(number of classes), for ``record``'s dataset:
    the reference :func:`learned` measures a run's final training loss against."""
    return math.log(NUM_CLASSES[record["spec"]["dataset"]])


def seed_noise(stats: Iterable[Stat]) -> float:
    """The seed-to-seed noise of one configuration: the largest sample standard deviation among
    ``stats`` that have at least two seeds (nan when none has). The scoreboard measures it on the
    headline Convention/Swap pair, the configurations every profile runs with several seeds."""
    sds = [s.std for s in stats if s.n >= 2 and math.isfinite(s.std)]
    return max(sds) if sds else math.nan


NOISE_Z = 2.0
"""A difference within ``NOISE_Z`` standard errors of zero is seed noise (every chapter and the
scoreboard use this one rule, through :func:`within_noise`)."""


def within_noise(c: Contrast) -> bool:
    """Whether contrast ``c`` is within :data:`NOISE_Z` standard errors of zero (False while it
    has no standard error: then nothing says it is noise)."""
    return within_bound(c.value, NOISE_Z * c.se)


def within_bound(value: float, noise: float) -> bool:
    """Whether ``|value|`` is at most ``noise``, a seed-noise size already in :data:`NOISE_Z`
    standard errors (:func:`report.seed_gap_noise`); False when either is not finite."""
    return math.isfinite(value) and math.isfinite(noise) and abs(value) <= noise


def noisy_contrast(terms: Sequence[tuple[float, Stat]], noise_sd: float) -> Contrast:
    """:func:`contrast`, with a standard error also when a term has a single seed.

    A term with >= 2 seeds keeps its own sample standard deviation; a single-seed term is given
    ``noise_sd`` (the seed noise measured elsewhere, see :func:`seed_noise`), so the standard error
    is ``sqrt(sum(coef**2 * sd**2 / n))`` -- for a difference of two single-seed-noise terms,
    ``noise_sd * sqrt(1/n1 + 1/n2)``. Without a measured ``noise_sd`` this is :func:`contrast`.
    """
    c = contrast(terms)
    if c.n == 0 or math.isfinite(c.se) or not math.isfinite(noise_sd):
        return c
    sd = [s.std if s.n >= 2 and math.isfinite(s.std) else noise_sd for _, s in terms]
    se = math.sqrt(sum((coef * d) ** 2 / s.n for (coef, s), d in zip(terms, sd)))
    return Contrast(c.value, se, c.n)
