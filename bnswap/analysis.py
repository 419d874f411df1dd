"""From records to numbers: the paper's figures as data, aggregation, correlations, the scoreboard.

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
* :func:`scoreboard` — one row per claim of the paper with the paper's number, ours and a verdict
  computed by the explicit rules in :data:`VERDICT_RULES` (never typed by hand).
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .paper import PAPER, TABLE1_COLUMNS, Cited, paper  # noqa: F401  (Cited, paper: re-exported)


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
    return {
        "profile": values(lambda r: r["profile"].get("name", r["spec"]["profile"])),
        "epochs": values(lambda r: r["spec"]["epochs"]),
        "milestones": values(lambda r: ", ".join(str(m) for m in r["spec"]["milestones"])),
        "width": values(lambda r: f"{r['spec']['width']:g}"),
        "seeds": min(seeds_per_configuration(records).values()),
        "seeds_max": max(seeds_per_configuration(records).values()),
        "train_per_class": values(lambda r: r["spec"].get("train_per_class") or "all"),
        "device": values(lambda r: env(r).get("gpu") or env(r).get("device", "?")),
        "threads": values(lambda r: env(r).get("threads", "?")),
        "torch": values(lambda r: env(r).get("torch", "?")),
        "data": values(lambda r: r.get("data", {}).get("source", "?")),
        "data_detail": values(lambda r: r.get("data", {}).get("detail", "")),
    }


def seeds_per_configuration(records: Sequence[dict]) -> dict[str, int]:
    """How many seeds each configuration (a spec up to its seed) has among ``records``."""
    counts: dict[str, int] = {}
    for r in records:
        config = json.dumps({k: v for k, v in r["spec"].items() if k != "seed"}, sort_keys=True)
        counts[config] = counts.get(config, 0) + 1
    return counts


def _seeds_text(s: dict) -> str:
    lo, hi = s["seeds"], s["seeds_max"]
    return f"{lo} seed(s)" if lo == hi else f"{lo}-{hi} seeds per configuration"


def setup_markdown(records: Sequence[dict]) -> str:
    """One sentence describing where the numbers below come from (read from the records)."""
    s = describe_setup(records)
    if not s:
        return "No records yet: every number below is shown as *not run*."
    return (f"Numbers below come from the **{s['profile']}** profile: {s['epochs']} epochs "
            f"(learning rate x0.1 after epochs {s['milestones']}), width multiplier {s['width']}, "
            f"{_seeds_text(s)}, training images per class: {s['train_per_class']}, trained on "
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
        out.append(f"{_seeds_text(s)} instead of {PAPER['seeds'].value}: no spread can be "
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
        noise = " (one seed per model, so no error bar)"
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


# ---- verdicts -------------------------------------------------------------------------------------

REPRODUCED, DIRECTION, NOT_REPRODUCED, NOT_RUN = ("reproduced", "direction only",
                                                  "not reproduced", "not run")
VERDICTS = (REPRODUCED, DIRECTION, NOT_REPRODUCED, NOT_RUN)
HALF = 0.5          # an effect counts as reproduced at >= HALF of the paper's size
STRONG_R = 0.5      # |r| for a reproduced correlation
WEAK_R = 0.2        # |r| below which a correlation counts as absent
NOISE_Z = 2.0       # a difference within NOISE_Z standard errors (n >= 2 on all sides) is noise
SYMMETRIC = 0.5     # |skewness| below this counts as (roughly) symmetric
SIMILAR = 2.0       # two scales within this factor of each other count as "similar"

VERDICT_RULES = [
    ("difference", f"Our difference has the paper's sign and at least {HALF:.0%} of the paper's "
                   f"size: **{REPRODUCED}**. Same sign but smaller, or within {NOISE_Z:g} "
                   f"standard errors of zero when every side has >= 2 seeds: **{DIRECTION}**. "
                   f"Opposite sign or zero: **{NOT_REPRODUCED}**. Where the paper states only "
                   f"a direction (no number), the right sign is enough for {REPRODUCED}."),
    ("correlation", f"Same sign as the paper and |r| >= {STRONG_R}: **{REPRODUCED}**; same sign "
                    f"with {WEAK_R} <= |r| < {STRONG_R}: **{DIRECTION}**; otherwise (or fewer "
                    f"than 3 points): **{NOT_REPRODUCED}** (Pearson r; Spearman for a swept "
                    f"setting, whose values are unevenly spaced)."),
    ("symmetry", f"Layer-level |skewness| of the pooled samples below {SYMMETRIC}: "
                 f"**{REPRODUCED}**; above that but below the layer's mean channel |skewness|: "
                 f"**{DIRECTION}**; otherwise **{NOT_REPRODUCED}**."),
    ("best", f"The paper's best setting is also ours: **{REPRODUCED}**; among our best three: "
             f"**{DIRECTION}**; otherwise **{NOT_REPRODUCED}**."),
    ("similar", f"Two scales within a factor {SIMILAR:g}: **{REPRODUCED}**; further apart, "
                f"but closer than the comparison they are set against: **{DIRECTION}**; "
                f"otherwise **{NOT_REPRODUCED}**."),
    ("combined", f"A claim with several parts gets its weakest part's verdict; any part "
                 f"without records makes it **{NOT_RUN}** (with the command that runs it)."),
]


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


def verdict_difference(ours: Contrast | float, paper_effect: float, sized: bool = True) -> str:
    """Verdict for a difference (see :data:`VERDICT_RULES`). ``paper_effect``'s sign is the
    claimed direction; with ``sized=False`` only the sign counts (the paper gives no number)."""
    c = ours if isinstance(ours, Contrast) else Contrast(float(ours), math.nan, 1)
    if c.n == 0 or not math.isfinite(c.value):
        return NOT_RUN
    if c.value == 0 or math.copysign(1, c.value) != math.copysign(1, paper_effect):
        return NOT_REPRODUCED
    if math.isfinite(c.se) and abs(c.value) <= NOISE_Z * c.se:
        return DIRECTION
    if not sized or abs(c.value) >= HALF * abs(paper_effect):
        return REPRODUCED
    return DIRECTION


def verdict_correlation(r: float | Correlation, paper_sign: int) -> str:
    if isinstance(r, Correlation):
        if r.n == 0:
            return NOT_RUN
        r = r.r if r.ok else math.nan
    if not math.isfinite(r):
        return NOT_REPRODUCED
    if r * paper_sign <= 0 or abs(r) < WEAK_R:
        return NOT_REPRODUCED
    return REPRODUCED if abs(r) >= STRONG_R else DIRECTION


def verdict_symmetric(layer_skew: float, channel_skew: float) -> str:
    if not (math.isfinite(layer_skew) and math.isfinite(channel_skew)):
        return NOT_RUN
    if abs(layer_skew) < SYMMETRIC:
        return REPRODUCED
    return DIRECTION if abs(layer_skew) < channel_skew else NOT_REPRODUCED


def verdict_best(values: dict, paper_best: Any) -> str:
    vals = {k: v for k, v in values.items() if v is not None and math.isfinite(v)}
    if paper_best not in vals:
        return NOT_RUN
    ranking = sorted(vals, key=vals.get, reverse=True)
    if ranking[0] == paper_best:
        return REPRODUCED
    return DIRECTION if paper_best in ranking[:3] else NOT_REPRODUCED


def verdict_similar(ratio: float, against_ratio: float) -> str:
    """``ratio``: one scale over the other; ``against_ratio``: the gap it is contrasted with."""
    if not (math.isfinite(ratio) and ratio > 0):
        return NOT_RUN
    gap = abs(math.log(ratio))
    if gap <= math.log(SIMILAR):
        return REPRODUCED
    if math.isfinite(against_ratio) and against_ratio > 0 and gap < abs(math.log(against_ratio)):
        return DIRECTION
    return NOT_REPRODUCED


def combine(verdicts: Iterable[str]) -> str:
    """The weakest verdict; ``not run`` if any part is not run."""
    vs = list(verdicts)
    if not vs or NOT_RUN in vs:
        return NOT_RUN
    return max(vs, key=VERDICTS.index)


# ---- the scoreboard -------------------------------------------------------------------------------

SCOREBOARD_EXPERIMENTS = ("headline", "beta_sweep", "affine_sweep", "table1", "table2", "depth")


@dataclass
class Row:
    claim: str
    section: str
    paper: str
    ours: str
    profile: str
    verdict: str
    command: str
    parts: list[str] = field(default_factory=list)
    topic: str = ""
    """The chapter that discusses the claim: saturation, asymmetry, sparsity or extended."""

    def as_dict(self) -> dict:
        return {"claim": self.claim, "section": self.section, "paper": self.paper,
                "ours": self.ours, "profile": self.profile, "verdict": self.verdict,
                "command": self.command}


def _pts(x: float) -> str:
    return f"{signed(x)} points" if math.isfinite(x) else "not run"


def signed(x: float, digits: int = 2) -> str:
    """``x`` with an explicit sign, never "-0.00"; "not run" for nan."""
    if x is None or not math.isfinite(x):
        return "not run"
    return f"{round(x, digits) + 0.0:+.{digits}f}"


_signed = signed


def _label_stats(groups: dict, fn: Callable[[Sequence[dict]], Stat]) -> dict[str, Stat]:
    return {label: fn(recs) for label, recs in groups.items()}


def _profile_text(profile: str, runs_list: Sequence[Runs]) -> str:
    records = [rec for runs in runs_list for _, _, rec in runs if is_complete(rec)]
    s = describe_setup(records)
    if not s:
        return profile
    return f"{s['profile']}: {s['epochs']} ep, width {s['width']}, {_seeds_text(s)}, {s['device']}"


def _headline_rows(data: dict, profile: str) -> list[Row]:
    runs = data.get("headline", [])
    g = by_label(runs)
    acc = _label_stats(g, accuracy)
    cmd = run_command("headline", profile)
    prof = _profile_text(profile, [runs])
    get = lambda d, k: d.get(k, Stat(math.nan, math.nan, 0))  # noqa: E731
    rows = []

    # 1. Swap beats Convention.
    c = contrast([(1, get(acc, "Swap")), (-1, get(acc, "Convention"))])
    rows.append(Row(
        "Swap beats Convention (Tanh, VGG16_11, CIFAR-100)", "Section 3.2, Table 2",
        f"Swap {paper('acc_swap')} % vs Convention {paper('acc_conv')} % "
        f"({paper('swap_gain'):+.2f} points)",
        f"Swap {get(acc, 'Swap').format(1, '%')} vs Convention "
        f"{get(acc, 'Convention').format(1, '%')}: {_pts(c.value)}",
        prof, verdict_difference(c, paper("swap_gain")), cmd))

    # 2. Swap's layers are more saturated (largest layer saturation).
    mx = _label_stats(g, lambda r: max_metric(r, "saturation"))
    c = contrast([(1, get(mx, "Swap")), (-1, get(mx, "Convention"))])
    rows.append(Row(
        "Swap's layers are more saturated (largest layer saturation)", "Section 3.2, Figure 3",
        f"Swap {paper('max_sat_swap')} vs Convention {paper('max_sat_conv')}",
        f"Swap {get(mx, 'Swap').format(2)} vs Convention {get(mx, 'Convention').format(2)}",
        prof, verdict_difference(c, paper("max_sat_swap") - paper("max_sat_conv")), cmd))

    # 3. Asymmetric channels, symmetric layers.
    sk = _label_stats(g, lambda r: average_metric(r, "skewness"))
    c = contrast([(1, get(sk, "Swap")), (-1, get(sk, "Convention"))])
    v_channels = verdict_difference(c, paper("table2_delta_skewness")["tanh"])
    layer_skew, chan_skew, where = _pooled_skewness(g.get("Swap", []))
    v_layer = verdict_symmetric(layer_skew, chan_skew)
    ours = (f"avg layer skewness Swap {get(sk, 'Swap').format(2)} vs Convention "
            f"{get(sk, 'Convention').format(2)} ({_signed(c.value)}); ")
    ours += (f"Swap block {where}: pooled layer skewness {signed(layer_skew)} vs mean channel "
             f"|skewness| {chan_skew:.2f}" if where else "no captured layer samples")
    rows.append(Row(
        "Swap's channels saturate asymmetrically while whole-layer distributions stay symmetric",
        "Section 4.1, Figures 1 and 4, Table 2",
        f"avg skewness Swap - Convention = {paper('table2_delta_skewness')['tanh']:+.2f} "
        "(Table 2); layer histograms roughly symmetric (Figure 1)",
        ours, prof, combine([v_channels, v_layer]), cmd, [v_channels, v_layer]))

    # 4. NWDBN between Convention and Swap.
    c1 = contrast([(1, get(acc, "NWDBN")), (-1, get(acc, "Convention"))])
    c2 = contrast([(1, get(acc, "Swap")), (-1, get(acc, "NWDBN"))])
    v1 = verdict_difference(c1, paper("acc_nwdbn") - paper("acc_conv"))
    v2 = verdict_difference(c2, paper("acc_swap") - paper("acc_nwdbn"))
    rows.append(Row(
        "NWDBN beats Convention but loses to Swap", "Sections 4.2, 5.2",
        f"Convention {paper('acc_conv')} < NWDBN {paper('acc_nwdbn')} < Swap {paper('acc_swap')} %",
        f"Convention {get(acc, 'Convention').format(1)} / NWDBN {get(acc, 'NWDBN').format(1)} / "
        f"Swap {get(acc, 'Swap').format(1)} %: NWDBN - Conv {_pts(c1.value)}, "
        f"Swap - NWDBN {_pts(c2.value)}",
        prof, combine([v1, v2]), cmd, [v1, v2]))

    # 5. Sparsity ordering.
    sp = _label_stats(g, lambda r: average_metric(r, "sparsity"))
    c1 = contrast([(1, get(sp, "Swap")), (-1, get(sp, "Convention"))])
    c2 = contrast([(1, get(sp, "Convention")), (-1, get(sp, "NWDBN"))])
    v1 = verdict_difference(c1, paper("sparsity_swap") - paper("sparsity_conv"))
    v2 = verdict_difference(c2, paper("sparsity_conv") - paper("sparsity_nwdbn"))
    rows.append(Row(
        "Swap is the sparsest and NWDBN the least sparse", "Section 5.2",
        f"Swap {paper('sparsity_swap'):.3f} > Convention {paper('sparsity_conv'):.3f} > NWDBN "
        f"{paper('sparsity_nwdbn'):.3f}",
        f"Swap {get(sp, 'Swap').format(3)} / Convention {get(sp, 'Convention').format(3)} / "
        f"NWDBN {get(sp, 'NWDBN').format(3)}",
        prof, combine([v1, v2]), cmd, [v1, v2]))

    # 6. NoBN: asymmetric but less accurate.
    c1 = contrast([(1, get(sk, "NoBN")), (-1, get(sk, "Convention"))])
    c2 = contrast([(1, get(acc, "Convention")), (-1, get(acc, "NoBN"))])
    v1 = verdict_difference(c1, 1.0, sized=False)
    v2 = verdict_difference(c2, paper("acc_conv_vs_nobn") - paper("acc_nobn"))
    rows.append(Row(
        "NoBN saturates asymmetrically but is less accurate than Convention",
        "Appendix A.2, Figure 10",
        f"NoBN skewness above Convention's (Figure 10); accuracy {paper('acc_nobn')} vs "
        f"{paper('acc_conv_vs_nobn')} % (VGG16)",
        f"avg skewness NoBN - Conv {_signed(c1.value)}; accuracy NoBN "
        f"{get(acc, 'NoBN').format(1, '%')} vs Conv {get(acc, 'Convention').format(1, '%')}",
        prof, combine([v1, v2]), cmd, [v1, v2]))

    # 7. A.7 gradients.
    rows.append(_gradient_row(g, prof, cmd))
    # 8. A.8 learning curves.
    rows.append(_curves_row(g, prof, cmd))
    return rows


def _pooled_skewness(records: Sequence[dict], prefer: int = 7) -> tuple[float, float, int | None]:
    """Layer-level skewness of the pooled ``act_layer`` samples of one captured block (Figure 1's
    block 8 if captured) and that block's mean channel |skewness|, averaged over seeds."""
    layer, chan, where = [], [], None
    for rec in records:
        layers = captured_layers(rec)
        if not layers:
            continue
        i = prefer if prefer in layers else layers[-1]
        pooled = captured(rec, i, "act_layer")
        if pooled is None:
            continue
        layer.append(sample_skewness(pooled.ravel()))
        chan.append(float(rec["layers"][i]["skewness"]))
        where = i + 1
    if not layer:
        return math.nan, math.nan, None
    return float(np.mean(layer)), float(np.mean(chan)), where


def shallow_layers(n_layers: int) -> int:
    """How many leading blocks count as "shallow" (Appendix A.7): the first third, rounded up."""
    return max(1, math.ceil(n_layers / 3))


def _gradient_row(g: dict, prof: str, cmd: str) -> Row:
    conv = [r for r in g.get("Convention", []) if r.get("gradients")]
    swap = [r for r in g.get("Swap", []) if r.get("gradients")]
    claim = ("Swap's Tanh-input gradients are smaller in shallow layers, yet its weight gradients "
             "match Convention's because its weight-layer inputs are larger")
    paper_text = "qualitative (Figure 15): smaller Tanh-input gradients, larger inputs, similar " \
                 "weight gradients"
    if not conv or not swap:
        return Row(claim, "Appendix A.7, Figure 15", paper_text, "not run", prof, NOT_RUN, cmd)
    k = shallow_layers(len(conv[0]["gradients"]))
    ratio = {key: float(np.exp(np.mean(np.log(gradient_profile(swap, key)[:k]))
                               - np.mean(np.log(gradient_profile(conv, key)[:k]))))
             for key in GRADIENT_KEYS}
    v1 = verdict_difference(-math.log(ratio["act_input_grad"]), 1.0, sized=False)
    v2 = verdict_difference(math.log(ratio["weight_input"]), 1.0, sized=False)
    v3 = verdict_similar(ratio["weight_grad"], ratio["act_input_grad"])
    ours = (f"first {k} blocks, Swap/Convention (geometric mean): Tanh-input gradient x"
            f"{ratio['act_input_grad']:.2g}, weight-layer input x{ratio['weight_input']:.2g}, "
            f"weight gradient x{ratio['weight_grad']:.2g}")
    return Row(claim, "Appendix A.7, Figure 15", paper_text, ours, prof, combine([v1, v2, v3]),
               cmd, [v1, v2, v3])


def early_epochs(n_epochs: int) -> int:
    """How many leading epochs count as "early" (Appendix A.8): the first fifth, rounded up."""
    return max(1, math.ceil(n_epochs / 5))


def _curves_row(g: dict, prof: str, cmd: str) -> Row:
    conv, swap = g.get("Convention", []), g.get("Swap", [])
    claim = "Swap's training loss falls faster early on, and its final test loss is lower"
    paper_text = "qualitative (Figures 16, 17)"
    if not conv or not swap:
        return Row(claim, "Appendix A.8, Figures 16-17", paper_text, "not run", prof, NOT_RUN, cmd)
    _, tr_c, _ = learning_curve(conv, "train_loss")
    _, tr_s, _ = learning_curve(swap, "train_loss")
    k = early_epochs(len(tr_c))
    early_c = aggregate(np.mean([h["train_loss"] for h in r["history"][:k]]) for r in conv)
    early_s = aggregate(np.mean([h["train_loss"] for h in r["history"][:k]]) for r in swap)
    end_c = aggregate(r["final"]["test_loss"] for r in conv)
    end_s = aggregate(r["final"]["test_loss"] for r in swap)
    c1 = contrast([(1, early_c), (-1, early_s)])
    c2 = contrast([(1, end_c), (-1, end_s)])
    v1 = verdict_difference(c1, 1.0, sized=False)
    v2 = verdict_difference(c2, 1.0, sized=False)
    ours = (f"mean train loss over the first {k} epoch(s): Swap {early_s.format(3)} vs Convention "
            f"{early_c.format(3)}; final test loss: Swap {end_s.format(3)} vs Convention "
            f"{end_c.format(3)}")
    return Row(claim, "Appendix A.8, Figures 16-17", paper_text, ours, prof, combine([v1, v2]),
               cmd, [v1, v2])


def _sweep_row(data: dict, profile: str, name: str) -> Row:
    runs = data.get(name, [])
    cmd = run_command(name, profile)
    prof = _profile_text(profile, [runs])
    if name == "beta_sweep":
        tag, metric, sign_setting = "wd_beta", "skewness", -1
        claim = "More weight decay on BN's beta lowers skewness, and accuracy falls with it"
        section = "Section 4.2, Figure 5"
        paper_text = "skewness and accuracy fall as beta's weight decay grows (0 to 1e-3); " \
                     "accuracy rises with average skewness"
    else:
        tag, metric, sign_setting = "wd_affine", "sparsity", +1
        claim = "More weight decay on Swap's BN affine raises sparsity, and accuracy rises with it"
        section = "Section 5.3, Figure 7"
        paper_text = "sparsity and accuracy highly correlated over weight decays 0 to 5e-4"
    pts = sweep_points(runs, tag, metric)
    if not pts:
        return Row(claim, section, paper_text, "not run", prof, NOT_RUN, cmd)
    setting = correlation([p.setting for p in pts], [p.metric for p in pts])
    metric_acc = correlation([p.metric for p in pts], [p.accuracy for p in pts])
    v1 = verdict_correlation(setting.rho if setting.ok else math.nan, sign_setting)
    v2 = verdict_correlation(metric_acc, +1)
    expected = len(runs)
    ours = (f"Spearman ρ(weight decay, {metric}) = {_signed(setting.rho)}; Pearson r({metric}, "
            f"accuracy) = {_signed(metric_acc.r)} (n={metric_acc.n} of {expected} runs)")
    verdict = combine([v1, v2]) if len(pts) == expected else NOT_RUN
    return Row(claim, section, paper_text, ours, prof, verdict, cmd, [v1, v2])


def _table1_rows(data: dict, profile: str) -> list[Row]:
    from .data import HOW_TO_GET

    runs = data.get("table1", [])
    cmd = run_command("table1", profile)
    rows = []
    names = {"cifar10": "CIFAR-10", "cifar100": "CIFAR-100", "tiny_imagenet": "Tiny ImageNet",
             "imagenet": "ImageNet"}
    t1 = paper("table1")
    for ds, ds_name in names.items():
        sub = [t for t in runs if t[0].tags.get("dataset") == ds]
        prof = _profile_text(profile, [sub])
        stats = {}
        for run, _spec, rec in sub:
            key = (run.tags["arch"], run.tags["activation"], run.tags["order"])
            stats.setdefault(key, [])
            if is_complete(rec):
                stats[key].append(rec)
        stats = {k: accuracy(v) for k, v in stats.items()}
        get = lambda k: stats.get(k, Stat(math.nan, math.nan, 0))  # noqa: E731
        parts, ours, paper_bits = [], [], []
        for arch, arch_name in (("vgg16", "VGG16"), ("mobilenet", "MobileNet")):
            gain = {act: contrast([(1, get((arch, act, "swap"))), (-1, get((arch, act, "convention")))])
                    for act in ("tanh", "relu")}
            pgain = {act: t1[(ds, arch, act, "swap")] - t1[(ds, arch, act, "convention")]
                     for act in ("tanh", "relu")}
            did = contrast([(1, get((arch, "tanh", "swap"))), (-1, get((arch, "tanh", "convention"))),
                            (-1, get((arch, "relu", "swap"))), (1, get((arch, "relu", "convention")))])
            parts.append(verdict_difference(gain["tanh"], pgain["tanh"]))
            parts.append(verdict_difference(did, pgain["tanh"] - pgain["relu"]))
            paper_bits.append(f"{arch_name}: Tanh {pgain['tanh']:+.2f}, ReLU {pgain['relu']:+.2f}")
            n = min(get((arch, a, o)).n for a in ("tanh", "relu") for o in ("convention", "swap"))
            ours.append(f"{arch_name}: Tanh {_signed(gain['tanh'].value)}, ReLU "
                        f"{_signed(gain['relu'].value)}" + (f" (n={n})" if n else ""))
        verdict = combine(parts)
        ours_text = "; ".join(ours)
        command = cmd
        if verdict == NOT_RUN and all(get(k).n == 0 for k in stats):
            ours_text = f"not run here (needs the dataset: {HOW_TO_GET[ds]})" \
                if ds in ("tiny_imagenet", "imagenet") else "not run"
            if ds in ("tiny_imagenet", "imagenet"):
                command = f"{cmd} --data-dir DIR"
        rows.append(Row(
            f"{ds_name}: swapping helps Tanh (VGG16, MobileNet) much more than ReLU",
            "Section 7.1, Table 1",
            "Swap - Convention, points: " + "; ".join(paper_bits), ours_text, prof, verdict,
            command, parts))
    return rows


def _table2_rows(data: dict, profile: str) -> list[Row]:
    runs = data.get("table2", [])
    cmd = run_command("table2", profile)
    prof = _profile_text(profile, [runs])
    g: dict[tuple, list] = {}
    for run, _spec, rec in runs:
        g.setdefault((run.tags["activation"], run.tags["order"]), [])
        if is_complete(rec):
            g[(run.tags["activation"], run.tags["order"])].append(rec)
    acc = {k: accuracy(v) for k, v in g.items()}
    sk = {k: average_metric(v, "skewness") for k, v in g.items()}
    get = lambda d, k: d.get(k, Stat(math.nan, math.nan, 0))  # noqa: E731
    pacc, pdsk = paper("table2_accuracy"), paper("table2_delta_skewness")
    names = {"tanh": "Tanh", "lecun_tanh": "LeCun Tanh", "softsign": "Softsign"}
    gain = {a: contrast([(1, get(acc, (a, "swap"))), (-1, get(acc, (a, "convention")))])
            for a in names}
    dsk = {a: contrast([(1, get(sk, (a, "swap"))), (-1, get(sk, (a, "convention")))])
           for a in names}
    rows = []
    parts = []
    for a in ("lecun_tanh", "softsign"):
        parts.append(verdict_difference(gain[a], pacc[(a, "swap")] - pacc[(a, "convention")]))
        parts.append(verdict_difference(dsk[a], pdsk[a]))
    rows.append(Row(
        "LeCun Tanh and Softsign also gain from Swap, with higher skewness",
        "Section 7.2, Table 2, Figure 13",
        "; ".join(f"{names[a]}: {pacc[(a, 'swap')] - pacc[(a, 'convention')]:+.2f} points, "
                  f"Δ skewness {pdsk[a]:+.2f}" for a in ("lecun_tanh", "softsign")),
        "; ".join(f"{names[a]}: {_pts(gain[a].value)}, Δ skewness {_signed(dsk[a].value)}"
                  for a in ("lecun_tanh", "softsign")),
        prof, combine(parts), cmd, parts))
    parts = [verdict_difference(contrast([(1, get(sk, ("tanh", "swap"))),
                                          (-1, get(sk, ("tanh", "convention"))),
                                          (-1, get(sk, (a, "swap"))),
                                          (1, get(sk, (a, "convention")))]),
                                pdsk["tanh"] - pdsk[a]) for a in ("lecun_tanh", "softsign")]
    rows.append(Row(
        "Their skewness gains are smaller than Tanh's (Softsign's the smallest)",
        "Section 7.2, Table 2, Appendix A.5",
        "Δ skewness: " + ", ".join(f"{names[a]} {pdsk[a]:+.2f}" for a in names),
        "Δ skewness: " + ", ".join(f"{names[a]} {_signed(dsk[a].value)}" for a in names),
        prof, combine(parts), cmd, parts))
    return rows


def _depth_row(data: dict, profile: str) -> Row:
    runs = data.get("depth", [])
    cmd = run_command("depth", profile)
    prof = _profile_text(profile, [runs])
    acc: dict[int, list] = {}
    for run, _spec, rec in runs:
        acc.setdefault(run.tags["depth"], [])
        if is_complete(rec):
            acc[run.tags["depth"]].append(rec)
    stats = {d: accuracy(v) for d, v in acc.items()}
    t7 = paper("table7")
    paper_best = max(t7, key=t7.get)
    verdict = verdict_best({d: s.mean for d, s in stats.items()}, paper_best)
    if any(s.n == 0 for s in stats.values()) or not stats:
        verdict = NOT_RUN
    done = {d: s for d, s in stats.items() if s.ok}
    ours = ("best: VGG16_" + str(max(done, key=lambda d: done[d].mean)) + "; " +
            ", ".join(f"{d}: {s.mean:.1f}" for d, s in sorted(done.items(), reverse=True))
            + f" % (n={min(s.n for s in done.values())})") if done else "not run"
    return Row("VGG16_11 is the best depth for CIFAR-100 (Swap, Tanh)",
               "Appendix A.6, Table 7",
               f"best: VGG16_{paper_best} ({t7[paper_best]} %); VGG16 {t7[16]} %",
               ours, prof, verdict, cmd)


def scoreboard_from(data: dict[str, Runs], profile: str) -> list[Row]:
    """The scoreboard rows from collected runs: ``data[name]`` is ``collect(name, profile, ...)``
    for each experiment in :data:`SCOREBOARD_EXPERIMENTS` (absent ones count as not run)."""
    head = _headline_rows(data, profile)
    # Paper order: accuracy, saturation, asymmetry, NWDBN, beta sweep, sparsity, affine sweep, ...
    rows = head[:4] + [_sweep_row(data, profile, "beta_sweep"), head[4],
                       _sweep_row(data, profile, "affine_sweep")] + head[5:]
    rows.extend(_table1_rows(data, profile))
    rows.extend(_table2_rows(data, profile))
    rows.append(_depth_row(data, profile))
    topics = ["saturation"] * 2 + ["asymmetry"] * 3 + ["sparsity"] * 2
    for row, topic in zip(rows, topics + ["extended"] * (len(rows) - len(topics))):
        row.topic = topic
    return rows


def rows_for(rows: Sequence[Row], topic: str) -> list[Row]:
    """The scoreboard rows a chapter discusses."""
    return [r for r in rows if r.topic == topic]


def scoreboard(profile: str, results_dir: str | None = None, data_dir: str | None = None,
               device: str = "cpu") -> list[Row]:
    """Every claim of the paper with its number, ours under ``profile`` and the verdict.

    Reads records only (never trains): missing runs show as ``not run`` with their command.
    """
    from .runner import RunOptions, collect

    opts = RunOptions(device=device, data_dir=data_dir, results_dir=results_dir, progress=False)
    data = {name: collect(name, profile, opts, train=False) for name in SCOREBOARD_EXPERIMENTS}
    return scoreboard_from(data, profile)


def verdict_counts(rows: Sequence[Row]) -> dict[str, int]:
    return {v: sum(r.verdict == v for r in rows) for v in VERDICTS}


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
                         f"`{run_command('table1', profile)} --data-dir DIR`.")
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
                     _acc_cell(conv), _acc_cell(swap), _signed(gap.value, 1),
                     _signed(d.value)])
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


def scoreboard_markdown(rows: Sequence[Row], with_command: bool = True) -> str:
    headers = ["Claim", "Where", "Paper", "Ours", "Profile", "Verdict"]
    body = []
    for r in rows:
        verdict = f"**{r.verdict}**"
        line = [r.claim, r.section, r.paper, r.ours, r.profile, verdict]
        if with_command:
            line.append(f"`{r.command}`")
        body.append(line)
    return markdown_table(headers + (["Command"] if with_command else []), body)
