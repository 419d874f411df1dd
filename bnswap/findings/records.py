"""Queries on records (paper Sections 3-5, Appendices A.7, A.8): configurations grouped over
seeds, final accuracy, layer metrics, sweeps, learning curves, gradient scales and captured
samples. Pure functions of the records the chapters pass in: nothing here loads or trains.

``runs`` is what :func:`bnswap.runs.runner.collect` returns: ``[(labelled run, spec, record or
None), ...]``.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.registries import NUM_CLASSES
from .stats import Stat, aggregate



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


def configuration(spec: dict) -> str:
    """A spec (``RunSpec.to_dict()``, a record's ``spec``) up to its seed, as a comparable string:
    the runs of one configuration differ only in their seeds."""
    return json.dumps({k: v for k, v in spec.items() if k != "seed"}, sort_keys=True)


def seeds_unrecorded(runs: Runs, used: Mapping[str, Sequence[dict]]) -> bool:
    """Whether some seed that ``runs`` plans for a configuration in ``used`` (name -> its records)
    has no record yet: a claim resting on that configuration is scored on part of its seeds.
    A run recorded as failed counts as recorded."""
    configs = {configuration(r["spec"]) for records in used.values() for r in records}
    return any(record is None and configuration(spec.to_dict()) in configs
               for _run, spec, record in runs)


def failed(runs: Runs) -> list[tuple[str, int, str]]:
    """``(label, seed, error)`` of every run recorded as failed (diverged)."""
    return [(run.label, spec.seed, record.get("error", ""))
            for run, spec, record in runs if record is not None and record.get("status") != "complete"]


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


def chance_loss(record: dict) -> float:
    """The training loss of guessing uniformly, ln(number of classes), for ``record``'s dataset:
    the reference :func:`learned` measures a run's final training loss against."""
    return math.log(NUM_CLASSES[record["spec"]["dataset"]])


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
    :func:`bnswap.core.metrics.channel_skewness` (same formula, same 0 for a constant sample), kept
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


def shallow_layers(n_layers: int) -> int:
    """How many leading blocks count as "shallow" (Appendix A.7): the first third, rounded up."""
    return max(1, math.ceil(n_layers / 3))


def early_epochs(n_epochs: int) -> int:
    """How many leading epochs count as "early" (Appendix A.8): the first fifth, rounded up."""
    return max(1, math.ceil(n_epochs / 5))


# ---- measures: a quantity over the seeds of one configuration (records -> Stat) -----------------

Measure = Callable[[Sequence[dict]], Stat]
"""A quantity over the seeds of one configuration: records -> :class:`Stat`."""


def average_skewness(records: Sequence[dict]) -> Stat:
    """Layer skewness averaged over blocks (eq. 4, Table 2), over seeds."""
    return average_metric(records, "skewness")


def average_sparsity(records: Sequence[dict]) -> Stat:
    """Block-output sparsity averaged over blocks (Section 5.2), over seeds."""
    return average_metric(records, "sparsity")


def max_saturation(records: Sequence[dict]) -> Stat:
    """The largest layer saturation (Section 3.2, Figure 3), over seeds."""
    return max_metric(records, "saturation")


def skewness_depth(record: dict) -> float:
    """How deep a run's asymmetry reaches (Figure 9): the skewness-weighted mean depth of its
    blocks, block l of L at depth l / L, so 1 means all skewness sits in the last block."""
    k = layer_values(record, "skewness")
    depth = np.arange(1, k.size + 1) / k.size
    keep = np.isfinite(k)
    total = float(k[keep].sum())
    return float((depth[keep] * k[keep]).sum() / total) if total > 0 else math.nan


def skewness_front_lead(record: dict) -> float:
    """Mean skewness of the first third of a run's blocks minus that of the last third
    (Figure 9: asymmetry starts in the front layers)."""
    k = layer_values(record, "skewness")
    third = max(1, k.size // 3)
    return float(np.nanmean(k[:third]) - np.nanmean(k[-third:]))


def asymmetry_depth(records: Sequence[dict]) -> Stat:
    """:func:`skewness_depth` over seeds."""
    return aggregate(skewness_depth(r) for r in records)


def front_lead(records: Sequence[dict]) -> Stat:
    """:func:`skewness_front_lead` over seeds."""
    return aggregate(skewness_front_lead(r) for r in records)


def early_train_loss(records: Sequence[dict]) -> Stat:
    """Mean training loss over each run's early epochs (Appendix A.8), over seeds."""
    def early(history: Sequence[dict]) -> float:
        return float(np.mean([h["train_loss"] for h in history[:early_epochs(len(history))]]))
    return aggregate(early(r["history"]) for r in records)


def final_train_loss(records: Sequence[dict]) -> Stat:
    return aggregate(r["final"]["train_loss"] for r in records)


def final_test_loss(records: Sequence[dict]) -> Stat:
    return aggregate(r["final"]["test_loss"] for r in records)


def final_train_accuracy(records: Sequence[dict]) -> Stat:
    return aggregate(r["final"]["train_acc"] for r in records)


def measure_of(metric: str) -> Measure:
    """The measure of ``metric``: "accuracy" (final test accuracy) or a layer metric
    ("saturation", "skewness", "sparsity": its average over blocks)."""
    if metric == "accuracy":
        return accuracy
    return lambda records: average_metric(records, metric)

