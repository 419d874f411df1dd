"""From records to numbers: aggregation over seeds, layer metrics, correlations, tables.

No plotting here (see :mod:`bnswap.plots`); everything is a pure function of results records, so
the chapters stay short and the logic is unit-tested (``tests/test_analysis.py``).

* :data:`PAPER` (from :mod:`bnswap.paper`) — every number of the paper the book compares against.
* Records — :func:`by_label` groups the ``(labelled run, spec, record or None)`` triples returned by
  :func:`bnswap.runner.collect` by label (the seeds of one configuration); :func:`aggregate` turns
  per-seed values into a :class:`Stat` (mean, sample std, n).
* Layer metrics — :func:`layer_values`, :func:`layer_profile`, :func:`layer_average` (saturation
  only over layers with a bounded activation), :func:`max_layer`.
* Sweeps — :func:`sweep_points` and :func:`correlation` (Pearson and Spearman, with n) for
  Figures 5 and 7.
* :class:`Contrast` — a difference between configurations with its standard error.
* The claims and their verdicts live in :mod:`bnswap.scoreboard`.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .paper import PAPER, TABLE1_COLUMNS, paper  # noqa: F401  (paper: re-exported)


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


def run_command(name: str, profile: str) -> str:
    """The command that trains (or loads) experiment ``name`` under ``profile``."""
    return f"python -m bnswap experiment {name} --profile {profile}"


def status_markdown(name: str, profile: str, runs: Runs) -> str:
    """One Markdown paragraph: how many runs of ``name`` have records, and how to make the rest."""
    total, miss, bad = len(runs), missing(runs), failed(runs)
    done = total - len(miss) - len(bad)
    text = f"**{name}** ({profile} profile): {done} of {total} runs recorded."
    if miss:
        labels = list(dict.fromkeys(label for label, _ in miss))
        shown = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
        text += f" Not run yet: {shown}. Run them with `{run_command(name, profile)}`."
    if bad:
        text += " Diverged (recorded as failed): " + ", ".join(
            dict.fromkeys(label for label, _, _ in bad)) + "."
    return text


@dataclass(frozen=True)
class Stat:
    """A value over seeds: mean, sample standard deviation (nan when n < 2) and n."""

    mean: float
    std: float
    n: int
    values: tuple[float, ...] = ()

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
        return Stat(math.nan, math.nan, 0)
    std = float(np.std(vals, ddof=1)) if len(vals) >= 2 else math.nan
    return Stat(float(np.mean(vals)), std, len(vals), vals)


def final_accuracy(record: dict) -> float:
    return float(record["final"]["test_acc"])


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
    """Eq. 3 (adjusted Fisher-Pearson sample skewness) of a flat sample, signed."""
    v = np.asarray(values, float).ravel()
    m = v.size
    if m < 3:
        return math.nan
    d = v - v.mean()
    m2, m3 = (d**2).mean(), (d**3).mean()
    if m2 <= 0:
        return 0.0
    return float(math.sqrt(m * (m - 1)) / (m - 2) * m3 / m2**1.5)


# ---- what a record says about how it was made ----------------------------------------------------


def describe_setup(records: Sequence[dict]) -> dict:
    """Profile, epochs, width, seeds, device, data source of a set of records (empty when none).

    Values that differ between records are listed joined by " / ".
    """
    records = [r for r in records if r]
    if not records:
        return {}

    def values(fn: Callable[[dict], Any]) -> str:
        return " / ".join(str(v) for v in dict.fromkeys(fn(r) for r in records))

    env = lambda r: r.get("environment", {})  # noqa: E731
    seeds = seeds_per_configuration(records)
    return {
        "profile": values(lambda r: r["profile"].get("name", r["spec"]["profile"])),
        "epochs": values(lambda r: r["spec"]["epochs"]),
        "milestones": values(lambda r: ", ".join(str(m) for m in r["spec"]["milestones"])),
        "width": values(lambda r: f"{r['spec']['width']:g}"),
        "seeds": min(seeds.values()),
        "seeds_max": max(seeds.values()),
        "train_per_class": values(lambda r: r["spec"].get("train_per_class") or "all"),
        "device": values(lambda r: env(r).get("gpu") or env(r).get("device", "?")),
        "threads": values(lambda r: env(r).get("threads", "?")),
        "torch": values(lambda r: env(r).get("torch", "?")),
        "data": values(lambda r: r.get("data", {}).get("source", "?")),
        "data_detail": values(lambda r: r.get("data", {}).get("detail", "")),
    }


def seeds_per_configuration(records: Sequence[dict]) -> dict[str, int]:
    """How many distinct seeds each configuration (a spec up to its seed) has among ``records``
    (a record listed twice, e.g. by two experiments that share a run, counts once)."""
    seeds: dict[str, set[int]] = {}
    for r in records:
        config = json.dumps({k: v for k, v in r["spec"].items() if k != "seed"}, sort_keys=True)
        seeds.setdefault(config, set()).add(r["spec"]["seed"])
    return {config: len(s) for config, s in seeds.items()}


def seeds_text(s: dict) -> str:
    lo, hi = s["seeds"], s["seeds_max"]
    return f"{lo} seed(s)" if lo == hi else f"{lo}-{hi} seeds per configuration"


def setup_markdown(records: Sequence[dict]) -> str:
    """One sentence describing where the numbers below come from (read from the records)."""
    s = describe_setup(records)
    if not s:
        return "No records yet: every number below is shown as *not run*."
    return (f"Numbers below come from the **{s['profile']}** profile: {s['epochs']} epochs "
            f"(learning rate x0.1 after epochs {s['milestones']}), width multiplier {s['width']}, "
            f"{seeds_text(s)}, training images per class: {s['train_per_class']}, trained on "
            f"{s['device']} ({s['threads']} thread(s), torch {s['torch']}), data: {s['data']}.")


def differences_from_paper(records: Sequence[dict]) -> list[str]:
    """How the records' setup departs from the paper's (each item a sentence, Markdown)."""
    s = describe_setup(records)
    if not s:
        return []
    out = []
    specs = [r["spec"] for r in records]
    epochs = sorted({sp["epochs"] for sp in specs})
    if epochs != [PAPER["epochs"].value]:
        out.append(f"{'/'.join(map(str, epochs))} epochs instead of the paper's "
                   f"{PAPER['epochs'].value}: the networks are far from converged, so absolute "
                   "accuracies are much lower and late-training effects may not have appeared.")
    widths = sorted({sp["width"] for sp in specs})
    if widths != [1.0]:
        out.append(f"width multiplier {'/'.join(f'{w:g}' for w in widths)}: each layer has that "
                   "fraction of the paper's channels, so channel statistics average over fewer "
                   "channels and the models have far fewer parameters.")
    if s["seeds"] < PAPER["seeds"].value:
        more = (f" (the configurations with {s['seeds_max']} seeds show how large the seed "
                "spread is)" if s["seeds_max"] > s["seeds"] else "")
        out.append(f"{seeds_text(s)} instead of {PAPER['seeds'].value}: no spread can be "
                   f"estimated from one seed, and a gap of a point or two can be seed "
                   f"noise{more}.")
    if any(sp.get("train_per_class") for sp in specs):
        out.append("a subset of the training images per class (the smoke profile only checks "
                   "that the code runs; its numbers mean nothing).")
    lr_cap = {r["profile"].get("lr_cap") for r in records} - {None}
    if lr_cap:
        out.append(f"learning rate capped at {'/'.join(f'{c:g}' for c in sorted(lr_cap))} "
                   "(the paper's 0.1 for some settings diverges or underperforms in a short "
                   "schedule; see the pilot in the introduction).")
    if "jpeg-copy" in s["data"]:
        out.append("a JPEG-compressed copy of CIFAR (quality about 75) instead of the original "
                   "lossless images: slightly blurrier inputs, usually costing a little accuracy.")
    return out


def caveats_markdown(records: Sequence[dict]) -> str:
    """:func:`setup_markdown` plus a bullet list of :func:`differences_from_paper`."""
    text = setup_markdown(records)
    diffs = differences_from_paper(records)
    if diffs:
        text += "\n\nWhere this setup departs from the paper's:\n\n" + "\n".join(
            f"- {d}" for d in diffs)
    return text


def shifted_tanh_markdown(tanh: dict[str, list[dict]], shifted: dict[str, list[dict]]) -> str:
    """What the shifted-Tanh runs say: does built-in asymmetry help the Convention order, and
    how much of the Swap-minus-Convention gap is left? (``tanh``: headline groups by label,
    ``shifted``: shifted-Tanh groups by order.)"""
    acc = {"tanh_conv": accuracy(tanh.get("Convention", [])),
           "tanh_swap": accuracy(tanh.get("Swap", [])),
           "shift_conv": accuracy(shifted.get("convention", [])),
           "shift_swap": accuracy(shifted.get("swap", []))}
    if not (acc["shift_conv"].ok and acc["tanh_conv"].ok):
        return "No shifted-Tanh records yet."
    help_conv = contrast([(1, acc["shift_conv"]), (-1, acc["tanh_conv"])])
    text = (f"Shifted Tanh in the Convention order: {acc['shift_conv'].format(1, '%')}, "
            f"{signed(help_conv.value)} points against Tanh Convention "
            f"({acc['tanh_conv'].format(1, '%')}).")
    if acc["shift_swap"].ok and acc["tanh_swap"].ok:
        gap_tanh = contrast([(1, acc["tanh_swap"]), (-1, acc["tanh_conv"])])
        gap_shift = contrast([(1, acc["shift_swap"]), (-1, acc["shift_conv"])])
        text += (f" Swap minus Convention is {signed(gap_shift.value)} points with shifted Tanh "
                 f"and {signed(gap_tanh.value)} with Tanh: if built-in asymmetry does for "
                 "Convention what the Swap order does, the first gap should be much smaller "
                 "than the second.")
    return text


def seed_spread_markdown(groups: dict[str, list[dict]], labels: Sequence[str] = ("Convention",
                                                                                 "Swap")) -> str:
    """How much final accuracy moves between seeds of one configuration, measured on ``labels``
    (the headline pair, which every profile runs with several seeds)."""
    stats = {label: accuracy(groups.get(label, [])) for label in labels}
    measured = {k: s for k, s in stats.items() if s.n >= 2 and math.isfinite(s.std)}
    if not measured:
        return ("The seed-to-seed spread is not measured yet: the headline pair has fewer than two "
                "seeds on record.")
    parts = ", ".join(f"{k} {s.format(1, '%')}" for k, s in measured.items())
    ranges = ", ".join(f"{k} {max(s.values) - min(s.values):.1f}" for k, s in measured.items())
    worst = max(s.std for s in measured.values())
    return (f"Seed-to-seed spread, measured: {parts} (mean ± sample standard deviation over "
            f"seeds). The range from the worst to the best seed is {ranges} points. A difference "
            f"between two single-seed runs has a standard deviation of about "
            f"{math.sqrt(2) * worst:.1f} points (√2 × the larger spread), so single-seed gaps "
            f"smaller than about {2 * math.sqrt(2) * worst:.1f} points are within seed noise.")


def describe_gap(ours: "Contrast", paper_effect: float, unit: str = "points",
                 digits: int = 2) -> str:
    """A sentence comparing our difference with the paper's (direction and relative size)."""
    if ours.n == 0 or not math.isfinite(ours.value):
        return "We have no records for this comparison yet."
    p = f"{signed(paper_effect, digits)} {unit}".rstrip()
    o = f"{signed(ours.value, digits)} {unit}".rstrip()
    if ours.value == 0 or math.copysign(1, ours.value) != math.copysign(1, paper_effect):
        return f"Ours is {o} against the paper's {p}: the opposite direction."
    ratio = abs(ours.value / paper_effect)
    size = ("larger than the paper's" if ratio > 1.2 else "about the paper's size" if ratio >= 0.8
            else f"about {ratio:.0%} of the paper's size" if ratio >= 0.01
            else "less than 1% of the paper's size")
    noise = ""
    if math.isfinite(ours.se):
        noise = f" (standard error {ours.se:.{digits}f}, n={ours.n} seeds per model)"
    elif ours.n == 1:
        noise = " (a single seed on at least one side, so no error bar)"
    return f"Ours is {o} against the paper's {p}: the same direction, {size}{noise}."


def cost_rows(runs: Runs) -> list[dict]:
    """Recorded training cost per complete record: label, seed, epochs, seconds, images/s."""
    rows = []
    for run, spec, record in runs:
        if is_complete(record):
            sec = float(record.get("train_seconds", math.nan))
            rows.append({"label": run.label, "seed": spec.seed, "epochs": spec.epochs,
                         "train_seconds": sec, "seconds_per_epoch": sec / max(1, spec.epochs),
                         "images_per_second": float(record.get("images_per_second", math.nan)),
                         "device": record.get("environment", {}).get("device", "?"),
                         "threads": record.get("environment", {}).get("threads", "?")})
    return rows


class _Anon:
    label = ""


def cost_markdown(data: dict[str, Runs]) -> str:
    """Recorded cost per experiment (``data[name]`` as returned by collect): runs, how many are
    recorded, mean seconds per run and per epoch, images per second, total training time."""
    body = []
    for name, runs in data.items():
        rows = cost_rows(runs)
        if rows:
            sec = [r["train_seconds"] for r in rows]
            body.append([name, len(runs), len(rows), f"{np.mean(sec) / 60:.1f}",
                         f"{np.mean([r['seconds_per_epoch'] for r in rows]):.0f}",
                         f"{np.mean([r['images_per_second'] for r in rows]):.0f}",
                         f"{sum(sec) / 3600:.2f}",
                         " / ".join(dict.fromkeys(f"{r['device']} x{r['threads']}" for r in rows))])
        else:
            body.append([name, len(runs), 0, "-", "-", "-", "-", "-"])
    distinct = {spec.key(): (spec, rec) for runs in data.values() for _, spec, rec in runs}
    rows = [r for r in cost_rows([(_Anon(), spec, rec) for spec, rec in distinct.values()])]
    if rows:
        sec = [r["train_seconds"] for r in rows]
        body.append(["**all (distinct runs)**", len(distinct), len(rows),
                     f"{np.mean(sec) / 60:.1f}", "", "", f"{sum(sec) / 3600:.2f}", ""])
    return markdown_table(["experiment", "runs", "recorded", "min per run", "s per epoch",
                           "train images/s", "total hours", "device x threads"], body)


def pilot_markdown(runs: Runs) -> str:
    """The learning-rate pilot: test accuracy of each (order, learning rate), with the learning
    rate the paper used (Table 3) and the one the profile's rule picks."""
    from .experiments import HYPERPARAMETERS, get_profile

    body = []
    for run, spec, rec in runs:
        order = run.tags["order"]
        paper_lr = HYPERPARAMETERS[("vgg", "tanh", order, "cifar100")]["lr"]
        prof = get_profile(spec.profile)
        used = paper_lr if prof.lr_cap is None else min(paper_lr, prof.lr_cap)
        acc = f"{final_accuracy(rec):.2f}" if is_complete(rec) else (
            "diverged" if rec is not None else "not run")
        body.append([order.title(), f"{run.tags['lr']:g}", acc, f"{paper_lr:g}",
                     "yes" if math.isclose(run.tags["lr"], used) else ""])
    return markdown_table(["order", "learning rate", "test accuracy (%)", "paper's lr (Table 3)",
                           "used by this profile"], body)


def profiles_markdown() -> str:
    """The profiles (:data:`bnswap.experiments.PROFILES`) as a table."""
    from .experiments import PROFILES

    body = [[p.name, p.epochs or "paper (200; ImageNet 100)", f"{p.width:g}" if p.width else "1",
             p.seeds, p.train_per_class or "all", f"{p.lr_cap:g}" if p.lr_cap else "none",
             p.description] for p in PROFILES.values()]
    return markdown_table(["profile", "epochs", "width", "seeds", "train images per class",
                           "lr cap", "what it is for"], body)


# ---- reference distributions (Appendix A.3, Figure 11) and Figure 6 -------------------------------


def _quantiles(n: int) -> np.ndarray:
    return (np.arange(n) + 0.5) / n


def reference_distributions(n: int = 20000) -> "OrderedDict[str, np.ndarray]":
    """Deterministic samples (evenly spaced quantiles, no randomness) of distributions on [-1, 1]
    that span the range of saturation and skewness values (Appendix A.3, Figure 11)."""
    from scipy import stats

    q = _quantiles(n)
    half = n // 2
    return OrderedDict([
        ("tanh(N(0, 0.1²)): near zero", np.tanh(stats.norm.ppf(q, 0, 0.1))),
        ("tanh(N(0, 1))", np.tanh(stats.norm.ppf(q, 0, 1))),
        ("uniform on [-1, 1]", 2 * q - 1),
        ("tanh(N(0, 3²)): both sides saturated", np.tanh(stats.norm.ppf(q, 0, 3))),
        ("half -1, half +1", np.concatenate([-np.ones(half), np.ones(n - half)])),
        ("Beta(2, 5) on [-1, 1]: right-skewed", 2 * stats.beta.ppf(q, 2, 5) - 1),
        ("tanh(N(1.5, 1)): one side saturated", np.tanh(stats.norm.ppf(q, 1.5, 1))),
        ("tanh(N(3, 1)): one side, strongly", np.tanh(stats.norm.ppf(q, 3, 1))),
    ])


def reference_metrics(n: int = 20000, bound: float = 1.0) -> list[dict]:
    """Saturation (eq. 1-2), signed skewness (eq. 3) and |skewness| (eq. 4 with one channel) of
    each reference distribution, computed with :mod:`bnswap.metrics`."""
    import torch

    from .metrics import channel_skewness, saturation

    rows = []
    for name, x in reference_distributions(n).items():
        t = torch.as_tensor(x, dtype=torch.float64)[:, None]
        skew = float(channel_skewness(t)[0])
        rows.append({"name": name, "saturation": saturation(t, bound), "skewness": skew,
                     "abs_skewness": abs(skew)})
    return rows


def _normal_expectation(fn: Callable[[np.ndarray], np.ndarray], mu: float, sigma: float,
                        order: int = 120) -> float:
    """E[fn(X)] for X ~ N(mu, sigma^2) by Gauss-Hermite quadrature."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(order)
    return float((weights * fn(mu + sigma * nodes)).sum() / math.sqrt(2 * math.pi))


def tanh_output_stats(mu: float, sigma: float) -> tuple[float, float]:
    """Mean and standard deviation of tanh(X), X ~ N(mu, sigma^2): the statistics a following BN
    estimates in a Swap block (Figure 6)."""
    m1 = _normal_expectation(np.tanh, mu, sigma)
    m2 = _normal_expectation(lambda v: np.tanh(v) ** 2, mu, sigma)
    return m1, math.sqrt(max(m2 - m1 * m1, 0.0))


def bn_after_tanh(x: np.ndarray, mu: float, sigma: float, eps: float = 1e-5) -> np.ndarray:
    """(tanh(x) - mu_hat) / sqrt(sigma_hat^2 + eps): BN (gamma=1, beta=0) after Tanh, with the
    statistics of tanh(N(mu, sigma^2)) (Figure 6)."""
    m, s = tanh_output_stats(mu, sigma)
    return (np.tanh(x) - m) / math.sqrt(s * s + eps)


def normal_quantile_points(mu: float, sigma: float, n: int = 41) -> np.ndarray:
    """``n`` evenly spaced quantiles of N(mu, sigma^2): deterministic "samples" for figures."""
    from scipy import stats

    return stats.norm.ppf(_quantiles(n), mu, sigma)


def sparsity_of(values: Sequence[float]) -> float:
    """The sparsity metric (Section 5.2) of a single-channel vector."""
    import torch

    from .metrics import sparsity

    return sparsity(torch.as_tensor(np.asarray(values, float))[:, None])


def sparsity_properties() -> list[dict]:
    """Hurley & Rickard's six criteria for a sparsity measure checked on small vectors
    (Appendix A.10): each row names the criterion, the two vectors, their sparsities, the
    direction the criterion demands, and whether our metric obeys it here."""
    cases = [
        ("Robin Hood (D1)", "taking from the richest and giving to a poorer entry lowers sparsity",
         [0, 1, 3, 3], [1, 1, 2, 3], "<"),
        ("Robin Hood (D1)", "... also when the largest entry is unique",
         [0, 1, 2, 4], [1, 1, 2, 3], "<"),
        ("Scaling (D2)", "multiplying by a positive constant changes nothing",
         [0, 1, 2, 4], [0, 3, 6, 12], "="),
        ("Rising tide (D3)", "adding a constant to every entry lowers sparsity",
         [0, 1, 2, 4], [1, 2, 3, 5], "<"),
        ("Cloning (D4)", "concatenating the vector with itself changes nothing",
         [0, 1, 2, 4], [0, 1, 2, 4, 0, 1, 2, 4], "="),
        ("Bill Gates (P1)", "one entry growing without bound raises sparsity",
         [0, 1, 2, 4], [0, 1, 2, 40], ">"),
        ("Babies (P2)", "appending a zero raises sparsity",
         [0, 1, 2, 4], [0, 1, 2, 4, 0], ">"),
    ]
    rows = []
    for name, meaning, before, after, want in cases:
        s0, s1 = sparsity_of(before), sparsity_of(after)
        holds = {"<": s1 < s0 - 1e-12, ">": s1 > s0 + 1e-12, "=": abs(s1 - s0) <= 1e-12}[want]
        rows.append({"criterion": name, "meaning": meaning, "before": before, "after": after,
                     "sparsity_before": s0, "sparsity_after": s1, "expected": want,
                     "holds": holds})
    return rows


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


# ---- tables of the extended experiments -----------------------------------------------------------

DATASET_NAMES = {"cifar10": "CIFAR-10", "cifar100": "CIFAR-100", "tiny_imagenet": "Tiny ImageNet",
                 "imagenet": "ImageNet"}
ACTIVATION_NAMES = {"tanh": "Tanh", "lecun_tanh": "LeCun Tanh", "softsign": "Softsign",
                    "relu": "ReLU", "shifted_tanh": "shifted Tanh"}


def _acc_cell(recs: Sequence[dict]) -> str:
    s = accuracy(recs)
    return s.format(1) if s.ok else "not run"


def table1_markdown(runs: Runs) -> str:
    """Table 1: paper | ours per (dataset, arch, activation, order); datasets without any record
    say how to get them."""
    g = group_by(runs, "dataset", "arch", "activation", "order")
    t1 = paper("table1")
    headers = ["Dataset"] + [f"{'VGG16' if a == 'vgg16' else 'MobileNet'} {ACTIVATION_NAMES[act]} "
                             f"{o.title()}" for a, act, o in TABLE1_COLUMNS]
    body = []
    for ds, name in DATASET_NAMES.items():
        cells = [g.get((ds, *c), []) for c in TABLE1_COLUMNS]
        if not any(cells) and ds in ("tiny_imagenet", "imagenet"):
            body.append([f"{name} (paper)"] + [f"{t1[(ds, *c)]:g}" for c in TABLE1_COLUMNS])
            body.append([f"{name} (ours)"] + ["not run here"] * len(TABLE1_COLUMNS))
            continue
        body.append([f"{name} (paper)"] + [f"{t1[(ds, *c)]:g}" for c in TABLE1_COLUMNS])
        body.append([f"{name} (ours)"] + [_acc_cell(c) for c in cells])
    return markdown_table(headers, body)


def dataset_instructions(runs: Runs, profile: str) -> str:
    """For each dataset of ``runs`` with no record: where to put it and the command to run."""
    from .data import HOW_TO_GET

    g = group_by(runs, "dataset")
    lines = []
    for ds, recs in g.items():
        if not recs and ds in ("tiny_imagenet", "imagenet"):  # CIFAR is found or downloaded
            lines.append(f"- **{DATASET_NAMES[ds]}**: {HOW_TO_GET[ds]}; then "
                         f"`{run_command('table1', profile)} --dataset {ds} --data-dir DIR` "
                         "(only that dataset's rows).")
    return "\n".join(lines)


def table2_markdown(runs: Runs) -> str:
    """Table 2: accuracy of Convention and Swap and the change of average skewness, per
    activation, paper next to ours."""
    g = group_by(runs, "activation", "order")
    pacc, pdsk = paper("table2_accuracy"), paper("table2_delta_skewness")
    body = []
    for act in dict.fromkeys(a for a, _ in g):
        conv, swap = g.get((act, "convention"), []), g.get((act, "swap"), [])
        d = contrast([(1, average_metric(swap, "skewness")),
                      (-1, average_metric(conv, "skewness"))])
        gap = contrast([(1, accuracy(swap)), (-1, accuracy(conv))])
        body.append([ACTIVATION_NAMES.get(act, act),
                     pacc.get((act, "convention"), "-"), pacc.get((act, "swap"), "-"),
                     f"{pdsk[act]:+.2f}" if act in pdsk else "-",
                     _acc_cell(conv), _acc_cell(swap), signed(gap.value, 1),
                     signed(d.value)])
    return markdown_table(["Activation", "paper Conv (%)", "paper Swap (%)", "paper Δ avg skew",
                           "ours Conv (%)", "ours Swap (%)", "ours Swap - Conv", "ours Δ avg skew"],
                          body)


def depth_markdown(runs: Runs) -> str:
    """Table 7: Swap VGG16_n accuracy by depth, paper next to ours, with the average skewness."""
    g = group_by(runs, "depth")
    t7 = paper("table7")
    heads = ["", *[("VGG16" if d == 16 else f"VGG16_{d}") for d in g]]
    return markdown_table(heads, [
        ["paper (%)", *[f"{t7[d]:g}" for d in g]],
        ["ours (%)", *[_acc_cell(r) for r in g.values()]],
        ["ours: avg skewness", *[average_metric(r, "skewness").format(2) if r else "not run"
                                 for r in g.values()]],
    ])


def gradient_markdown(conv: Sequence[dict], swap: Sequence[dict]) -> str:
    """Per block: Swap/Convention ratios of the three gradient-scale columns (Appendix A.7) next
    to both models' layer saturation (a saturated Tanh passes back less gradient)."""
    ratios = {k: gradient_profile(swap, k) / gradient_profile(conv, k)
              if gradient_profile(swap, k).size and gradient_profile(conv, k).size else None
              for k in GRADIENT_KEYS}
    if any(v is None for v in ratios.values()):
        return "No gradient records for both models yet."
    sat_c, _ = layer_profile(conv, "saturation")
    sat_s, _ = layer_profile(swap, "saturation")
    k = shallow_layers(len(sat_c))
    body = [[f"{i + 1}{' (shallow)' if i < k else ''}", f"{ratios['act_input_grad'][i]:.2f}",
             f"{ratios['weight_input'][i]:.2f}", f"{ratios['weight_grad'][i]:.2f}",
             f"{sat_c[i]:.2f}", f"{sat_s[i]:.2f}"] for i in range(len(sat_c))]
    return markdown_table(["block", "Tanh-input gradient, Swap/Conv", "weight-layer input, Swap/Conv",
                           "weight gradient, Swap/Conv", "saturation Conv", "saturation Swap"],
                          body)


def mixed_channels_demo(n: int = 20000) -> dict:
    """Why a layer can look symmetric while its channels are not: half the channels saturate
    towards +1 (tanh of N(2, 1)), half towards -1. Returns the channels' skewness (eq. 3), the
    layer skewness k^l (eq. 4) and the skewness of all values pooled."""
    from scipy import stats

    q = _quantiles(n)
    pos = np.tanh(stats.norm.ppf(q, 2.0, 1.0))
    chans = np.stack([pos, -pos, pos, -pos])
    per = [sample_skewness(c) for c in chans]
    return {"channel_skewness": per, "layer_skewness": float(np.mean(np.abs(per))),
            "pooled_skewness": sample_skewness(chans.ravel()),
            "channel_means": [float(c.mean()) for c in chans]}


# ---- Markdown -------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (pipes escaped)."""
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
