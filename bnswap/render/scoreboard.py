"""The scoreboard: each claim of the paper, the paper's number, ours, and a verdict.

Verdicts are computed from the records by the fixed rules of :mod:`bnswap.verdicts` (never typed
by hand); a claim whose runs have no records is *not run*, with the command that runs it.
:func:`scoreboard_from` builds the rows of the experiments it is given, :func:`scoreboard` reads
all of them from a results store, and :func:`scoreboard_markdown` renders them for the chapters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.registries import ACTIVATION_NAMES, ARCH_NAMES, DATASET_NAMES, HOW_TO_GET
from ..findings.records import (GRADIENT_KEYS, Runs, accuracy, average_metric, by_label, captured,
                                captured_layers, gradient_profile, group_by, is_complete,
                                max_metric, sample_skewness, shallow_layers, sweep_points)
from ..findings.stats import (NOISE_Z, Contrast, Stat, aggregate, correlation, noisy_contrast,
                              seed_noise, signed, within_noise)
from ..findings.paper import paper, swap_gain
from ..runs.experiments import SCOREBOARD_EXPERIMENTS
from .markdown import markdown_table, run_command
from .provenance import describe_setup, seeds_text
from ..findings.verdicts import (NOISE_PAIR, NOT_RUN, SAME_LOSS, VERDICTS, VERDICT_RULES, judge, verdict_best,
                       verdict_correlation, verdict_difference, verdict_similar, verdict_symmetric)

# ---- rows ---------------------------------------------------------------------------------------



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
    experiment: str = ""
    """The experiment whose runs the claim is scored from."""


Measure = Callable[[Sequence[dict]], Stat]
"""A quantity over the seeds of one configuration: records -> :class:`Stat`."""


def _skewness(records: Sequence[dict]) -> Stat:
    return average_metric(records, "skewness")


def _sparsity(records: Sequence[dict]) -> Stat:
    return average_metric(records, "sparsity")


def _max_saturation(records: Sequence[dict]) -> Stat:
    return max_metric(records, "saturation")


def early_epochs(n_epochs: int) -> int:
    """How many leading epochs count as "early" (Appendix A.8): the first fifth, rounded up."""
    return max(1, math.ceil(n_epochs / 5))


def _early_train_loss(records: Sequence[dict]) -> Stat:
    """Mean training loss over each run's early epochs (Appendix A.8), over seeds."""
    def early(history: Sequence[dict]) -> float:
        return float(np.mean([h["train_loss"] for h in history[:early_epochs(len(history))]]))
    return aggregate(early(r["history"]) for r in records)


def _final_train_loss(records: Sequence[dict]) -> Stat:
    return aggregate(r["final"]["train_loss"] for r in records)


def _final_test_loss(records: Sequence[dict]) -> Stat:
    return aggregate(r["final"]["test_loss"] for r in records)


def _gap(c: Contrast, unit: str = "") -> str:
    """A contrast's value with its unit ("+0.28 points"), noting when it is within seed noise
    (:data:`NOISE_Z` standard errors); "not run" without one."""
    if not math.isfinite(c.value):
        return "not run"
    noise = f" (within seed noise, {NOISE_Z:g} SE = {NOISE_Z * c.se:.2f})" if within_noise(c) else ""
    return f"{signed(c.value)}{unit}{noise}"


def _times(ratio: float, note: str = "") -> str:
    """`` (x1.12{note})`` for a finite ratio of two scales, else nothing."""
    return f" (x{ratio:.2f}{note})" if math.isfinite(ratio) else ""


def _label_stats(groups: Mapping[Any, Sequence[dict]], measure: Measure) -> dict[Any, Stat]:
    return {label: measure(recs) for label, recs in groups.items()}


def _get(stats: Mapping, key: Any) -> Stat:
    """``stats[key]``, or an empty :class:`Stat` (*not run*) for a configuration without one."""
    return stats.get(key, Stat.empty())


def _pick(groups: Mapping[str, Sequence[dict]], *labels: str) -> dict[str, Sequence[dict]]:
    """The records of ``labels`` (empty for a label without any): what a claim rests on."""
    return {label: groups.get(label, []) for label in labels}


def _profile_text(profile: str, runs_list: Sequence[Runs]) -> str:
    records = [rec for runs in runs_list for _, _, rec in runs if is_complete(rec)]
    s = describe_setup(records)
    if not s:
        return profile
    return f"{s['profile']}: {s['epochs']} ep, width {s['width']}, {seeds_text(s)}, {s['device']}"


@dataclass
class _Context:
    """What the row builders read: the collected runs (``data[name]``) under ``profile``."""

    data: Mapping[str, Runs]
    profile: str
    noise_runs: Runs | None = None
    """Headline runs to measure seed noise on when ``data`` holds no headline (nor Table 2)."""

    def runs(self, name: str) -> Runs:
        return self.data.get(name, [])

    @cached_property
    def headline(self) -> dict[str, list[dict]]:
        return by_label(self.runs("headline"))

    @cached_property
    def _noise_pair(self) -> list[list[dict]]:
        """The records of the headline Convention/Swap pair. Table 2's Tanh rows are the same
        runs, so a scoreboard given Table 2 but not the headline measures them there."""
        if "headline" in self.data:
            return list(_pick(self.headline, *NOISE_PAIR).values())
        if self.noise_runs is not None and "table2" not in self.data:
            return list(_pick(by_label(self.noise_runs), *NOISE_PAIR).values())
        tanh = group_by(self.runs("table2"), "activation", "order")
        return [tanh.get(("tanh", label.lower()), []) for label in NOISE_PAIR]

    def contrast(self, terms: Sequence[tuple[float, Stat]], measure: Measure) -> Contrast:
        """A contrast of ``measure`` whose single-seed terms carry the seed noise of ``measure``
        on the headline pair (:data:`VERDICT_RULES`, "difference")."""
        return noisy_contrast(terms, seed_noise(measure(recs) for recs in self._noise_pair))

    def row(self, name: str, claim: str, section: str, paper_text: str, ours: str,
            parts: Sequence[str], used: Mapping[str, Sequence[dict]], complete: bool | None = None,
            runs: Runs | None = None, command: str | None = None) -> Row:
        """A row of experiment ``name`` with its verdict from :func:`judge`; ``runs`` and
        ``command`` narrow it to part of the experiment (one dataset of Table 1)."""
        verdict, unlearned = judge(parts, used, complete)
        return Row(claim, section, paper_text, "; ".join(unlearned + [ours]),
                   _profile_text(self.profile, [self.runs(name) if runs is None else runs]),
                   verdict, command or run_command(name, self.profile), list(parts),
                   experiment=name)


# ---- headline claims (Sections 3-5, Appendices A.2, A.7, A.8) ------------------------------------


def _swap_beats_convention(ctx: _Context, name: str) -> Row:
    """Section 3.2, Table 2: Swap's test accuracy above Convention's."""
    acc = _label_stats(ctx.headline, accuracy)
    c = ctx.contrast([(1, _get(acc, "Swap")), (-1, _get(acc, "Convention"))], accuracy)
    return ctx.row(
        name, "Swap beats Convention (Tanh, VGG16_11, CIFAR-100)", "Section 3.2, Table 2",
        f"Swap {paper('acc_swap')} % vs Convention {paper('acc_conv')} % "
        f"({paper('swap_gain'):+.2f} points)",
        f"Swap {_get(acc, 'Swap').format(1, '%')} vs Convention "
        f"{_get(acc, 'Convention').format(1, '%')}: {_gap(c, ' points')}",
        [verdict_difference(c, paper("swap_gain"))], _pick(ctx.headline, "Swap", "Convention"))


def _swap_saturates(ctx: _Context, name: str) -> Row:
    """Section 3.2, Figure 3: Swap's most saturated layer is more saturated than Convention's."""
    mx = _label_stats(ctx.headline, _max_saturation)
    c = ctx.contrast([(1, _get(mx, "Swap")), (-1, _get(mx, "Convention"))], _max_saturation)
    return ctx.row(
        name, "Swap's layers are more saturated (largest layer saturation)",
        "Section 3.2, Figure 3",
        f"Swap {paper('max_sat_swap')} vs Convention {paper('max_sat_conv')}",
        f"Swap {_get(mx, 'Swap').format(2)} vs Convention {_get(mx, 'Convention').format(2)}",
        [verdict_difference(c, paper("max_sat_swap") - paper("max_sat_conv"))],
        _pick(ctx.headline, "Swap", "Convention"))


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


def _asymmetric_channels(ctx: _Context, name: str) -> Row:
    """Section 4.1, Figures 1 and 4, Table 2: Swap's channels are skewed, its layers are not."""
    sk = _label_stats(ctx.headline, _skewness)
    c = ctx.contrast([(1, _get(sk, "Swap")), (-1, _get(sk, "Convention"))], _skewness)
    v_channels = verdict_difference(c, paper("table2_delta_skewness")["tanh"])
    layer_skew, chan_skew, where = _pooled_skewness(ctx.headline.get("Swap", []))
    v_layer = verdict_symmetric(layer_skew, chan_skew)
    ours = (f"avg layer skewness Swap {_get(sk, 'Swap').format(2)} vs Convention "
            f"{_get(sk, 'Convention').format(2)} ({_gap(c)}); ")
    ours += (f"Swap block {where}: skewness of the pooled layer sample {signed(layer_skew)} vs mean channel "
             f"|skewness| {chan_skew:.2f}" if where else "no captured layer samples")
    return ctx.row(
        name, "Swap's channels saturate asymmetrically while whole-layer distributions stay "
        "symmetric", "Section 4.1, Figures 1 and 4, Table 2",
        f"avg skewness Swap - Convention = {paper('table2_delta_skewness')['tanh']:+.2f} "
        "(Table 2); layer histograms roughly symmetric (Figure 1)",
        ours, [v_channels, v_layer], _pick(ctx.headline, "Swap", "Convention"))


def _ordered(ctx: _Context, name: str, claim: str, section: str, measure: Measure,
             paper_values: dict[str, float], digits: tuple[int, int], unit: str = "") -> Row:
    """A claim "first > second > third" on ``measure`` of the headline runs (``paper_values`` in
    the claimed order): each adjacent difference of ours against the paper's. ``digits``: of
    the paper's values and of ours."""
    stats = _label_stats(ctx.headline, measure)
    labels = list(paper_values)
    steps = [(hi, lo, ctx.contrast([(1, _get(stats, hi)), (-1, _get(stats, lo))], measure))
             for hi, lo in zip(labels, labels[1:])]
    return ctx.row(
        name, claim, section,
        " > ".join(f"{label} {paper_values[label]:.{digits[0]}f}" for label in labels) + unit,
        " / ".join(f"{label} {_get(stats, label).format(digits[1])}" for label in labels) + unit
        + ": " + ", ".join(f"{hi} - {lo} {_gap(c)}" for hi, lo, c in steps),
        [verdict_difference(c, paper_values[hi] - paper_values[lo]) for hi, lo, c in steps],
        _pick(ctx.headline, *labels))


def _nwdbn_between(ctx: _Context, name: str) -> Row:
    """Sections 4.2 and 5.2: NWDBN's accuracy lies between Convention's and Swap's."""
    return _ordered(ctx, name, "NWDBN beats Convention but loses to Swap", "Sections 4.2, 5.2",
                    accuracy, {"Swap": paper("acc_swap"), "NWDBN": paper("acc_nwdbn"),
                               "Convention": paper("acc_conv")}, (2, 1), " %")


def _nwdbn_leans(ctx: _Context, name: str) -> Row:
    """Sections 4.2, 5.2 and 6 (Figure 8): without weight decay on BN, Convention's Tanh inputs
    drift off zero, so NWDBN's channels are more asymmetric than Convention's. The paper states
    the direction only (Figure 5 plots NWDBN's average skewness, but not Convention's)."""
    sk = _label_stats(ctx.headline, _skewness)
    c = ctx.contrast([(1, _get(sk, "NWDBN")), (-1, _get(sk, "Convention"))], _skewness)
    return ctx.row(
        name, "NWDBN's channels lean more than Convention's (higher average skewness)",
        "Sections 4.2, 5.2, 6, Figure 8",
        "direction only: NWDBN \"relatively high asymmetry\" vs Convention (no number)",
        f"avg skewness NWDBN {_get(sk, 'NWDBN').format(2)} vs Convention "
        f"{_get(sk, 'Convention').format(2)}: {_gap(c)}",
        [verdict_difference(c, 1.0, sized=False)], _pick(ctx.headline, "NWDBN", "Convention"))


def _sparsity_order(ctx: _Context, name: str) -> Row:
    """Section 5.2: sparsity Swap > Convention > NWDBN."""
    return _ordered(ctx, name, "Swap is the sparsest and NWDBN the least sparse", "Section 5.2",
                    _sparsity, {"Swap": paper("sparsity_swap"),
                                "Convention": paper("sparsity_conv"),
                                "NWDBN": paper("sparsity_nwdbn")}, (3, 3))


def _nobn(ctx: _Context, name: str) -> Row:
    """Appendix A.2, Figure 10: NoBN is skewed like Swap, but less accurate than Convention."""
    sk = _label_stats(ctx.headline, _skewness)
    acc = _label_stats(ctx.headline, accuracy)
    c1 = ctx.contrast([(1, _get(sk, "NoBN")), (-1, _get(sk, "Convention"))], _skewness)
    c2 = ctx.contrast([(1, _get(acc, "Convention")), (-1, _get(acc, "NoBN"))], accuracy)
    return ctx.row(
        name, "NoBN saturates asymmetrically but is less accurate than Convention",
        "Appendix A.2, Figure 10",
        f"NoBN skewness above Convention's (Figure 10); accuracy {paper('acc_nobn')} vs "
        f"{paper('acc_conv_vs_nobn')} % (VGG16)",
        f"avg skewness NoBN - Conv {_gap(c1)}; accuracy NoBN "
        f"{_get(acc, 'NoBN').format(1, '%')} vs Conv {_get(acc, 'Convention').format(1, '%')}",
        [verdict_difference(c1, 1.0, sized=False),
         verdict_difference(c2, paper("acc_conv_vs_nobn") - paper("acc_nobn"))],
        _pick(ctx.headline, "NoBN", "Convention"))


def _gradients(ctx: _Context, name: str) -> Row:
    """Appendix A.7, Figure 15: gradient scales of the shallow blocks, Swap over Convention."""
    used = _pick(ctx.headline, "Convention", "Swap")
    conv, swap = ([r for r in recs if r.get("gradients")] for recs in used.values())
    claim = ("Swap's Tanh-input gradients are smaller in shallow layers, yet its weight gradients "
             "match Convention's because its weight-layer inputs are larger")
    where = "Appendix A.7, Figure 15"
    paper_text = "qualitative (Figure 15): smaller Tanh-input gradients, larger inputs, similar " \
                 "weight gradients"
    if not conv or not swap:
        ours = "no gradient records" if any(used.values()) else "not run"
        return ctx.row(name, claim, where, paper_text, ours, [NOT_RUN], used)
    k = shallow_layers(len(conv[0]["gradients"]))
    # Block 1's weight layer reads the image in both orders: its input ratio is 1 by construction.
    start = {key: 1 if key == "weight_input" and k > 1 else 0 for key in GRADIENT_KEYS}
    ratio = {key: float(np.exp(np.mean(np.log(gradient_profile(swap, key)[start[key]:k]))
                               - np.mean(np.log(gradient_profile(conv, key)[start[key]:k]))))
             for key in GRADIENT_KEYS}
    parts = [verdict_difference(-math.log(ratio["act_input_grad"]), 1.0, sized=False),
             verdict_difference(math.log(ratio["weight_input"]), 1.0, sized=False),
             verdict_similar(ratio["weight_grad"], ratio["act_input_grad"])]
    inputs = f" (blocks 2-{k}: block 1 reads the image)" if start["weight_input"] else ""
    ours = (f"first {k} blocks, Swap/Convention (geometric mean): Tanh-input gradient x"
            f"{ratio['act_input_grad']:.2g}, weight-layer input x{ratio['weight_input']:.2g}"
            f"{inputs}, weight gradient x{ratio['weight_grad']:.2g}")
    return ctx.row(name, claim, where, paper_text, ours, parts, used)


def _learning_curves(ctx: _Context, name: str) -> Row:
    """Appendix A.8, Figures 16-17: Swap's training loss falls faster early on, both orders end
    at about the same training loss (within :data:`SAME_LOSS`, against the gap of the test
    losses), and Swap's test loss is lower: the gain is in generalization."""
    used = _pick(ctx.headline, "Convention", "Swap")
    conv, swap = used.values()
    early, test, train = ({label: measure(recs) for label, recs in used.items()}
                          for measure in (_early_train_loss, _final_test_loss, _final_train_loss))
    c_early = ctx.contrast([(1, early["Convention"]), (-1, early["Swap"])], _early_train_loss)
    c_test = ctx.contrast([(1, test["Convention"]), (-1, test["Swap"])], _final_test_loss)
    train_ratio, test_ratio = (s["Swap"].mean / s["Convention"].mean for s in (train, test))
    parts = [verdict_difference(c_early, 1.0, sized=False),
             verdict_similar(train_ratio, test_ratio, SAME_LOSS),
             verdict_difference(c_test, 1.0, sized=False)]
    k = early_epochs(len(conv[0]["history"])) if conv else 0
    ours = (f"mean train loss over the first {k} epoch(s): Swap {early['Swap'].format(3)} vs "
            f"Convention {early['Convention'].format(3)}; final train loss: Swap "
            f"{train['Swap'].format(3)} vs Convention {train['Convention'].format(3)}"
            f"{_times(train_ratio, f'; the rule counts within x{SAME_LOSS:g} as the same')}; "
            f"final test loss: Swap {test['Swap'].format(3)} vs Convention "
            f"{test['Convention'].format(3)}{_times(test_ratio)}")
    return ctx.row(
        name, "Swap's training loss falls faster early on and ends about where Convention's "
        "does, and its final test loss is lower", "Appendix A.8, Figures 16-17",
        "qualitative (Figures 16, 17): Swap's training loss falls faster early, both end at "
        "almost the same training loss, Swap's test loss is lower", ours, parts, used)


# ---- sweeps (Sections 4.2 and 5.3) ---------------------------------------------------------------

_SWEEPS = {
    "beta_sweep": ("wd_beta", "skewness", -1,
                   "More weight decay on BN's beta lowers skewness, and accuracy falls with it",
                   "Section 4.2, Figure 5",
                   "skewness and accuracy fall as beta's weight decay grows (0 to 1e-3); "
                   "accuracy rises with average skewness"),
    "affine_sweep": ("wd_affine", "sparsity", +1,
                     "More weight decay on Swap's BN affine raises sparsity, and accuracy rises "
                     "with it", "Section 5.3, Figure 7",
                     "sparsity and accuracy highly correlated over weight decays 0 to 5e-4"),
}
"""Per sweep: the swept tag, the metric, the sign of its correlation with the setting, the claim,
where the paper makes it and what it says."""


def _sweep(ctx: _Context, name: str) -> Row:
    """Figures 5 and 7: the metric follows the swept weight decay, and accuracy the metric. Some
    but not all runs recorded: *incomplete*, with the correlations of the recorded ones."""
    tag, metric, sign_setting, claim, section, paper_text = _SWEEPS[name]
    runs = ctx.runs(name)
    pts = sweep_points(runs, tag, metric)
    setting = correlation([p.setting for p in pts], [p.metric for p in pts])
    metric_acc = correlation([p.metric for p in pts], [p.accuracy for p in pts])
    parts = [verdict_correlation(setting.rho if setting.ok else math.nan, sign_setting),
             verdict_correlation(metric_acc, +1)]
    if not pts:
        ours = "not run"
    elif not setting.ok:
        ours = f"{len(pts)} of {len(runs)} runs: too few points for a correlation"
    else:
        ours = (f"Spearman ρ(weight decay, {metric}) = {signed(setting.rho)}; Pearson "
                f"r({metric}, accuracy) = {signed(metric_acc.r)}")
        ours = (f"{len(pts)} of {len(runs)} runs: {ours}" if len(pts) < len(runs)
                else f"{ours} (n={len(pts)} runs)")
    return ctx.row(name, claim, section, paper_text, ours, parts, by_label(runs),
                   complete=len(pts) == len(runs))


# ---- extended experiments (Section 7, Appendix A.6) ---------------------------------------------


def _table1(ctx: _Context, name: str) -> list[Row]:
    """Section 7.1, Table 1: per dataset, Swap's gain for Tanh, and that it exceeds ReLU's."""
    t1 = paper("table1")
    archs = ARCH_NAMES
    rows = []
    for ds, ds_name in DATASET_NAMES.items():
        sub = [t for t in ctx.runs(name) if t[0].tags.get("dataset") == ds]
        groups = group_by(sub, "arch", "activation", "order")
        acc = _label_stats(groups, accuracy)
        get = lambda *k: _get(acc, k)  # noqa: E731
        parts, ours, paper_bits = [], [], []
        for arch, arch_name in archs.items():
            gain = {act: ctx.contrast([(1, get(arch, act, "swap")),
                                       (-1, get(arch, act, "convention"))], accuracy)
                    for act in ("tanh", "relu")}
            pgain = {act: swap_gain(t1, ds, arch, act) for act in ("tanh", "relu")}
            did = ctx.contrast([(1, get(arch, "tanh", "swap")),
                                (-1, get(arch, "tanh", "convention")),
                                (-1, get(arch, "relu", "swap")),
                                (1, get(arch, "relu", "convention"))], accuracy)
            parts.append(verdict_difference(gain["tanh"], pgain["tanh"]))
            parts.append(verdict_difference(did, pgain["tanh"] - pgain["relu"]))
            # Paper cells have up to 3 decimals (59.045): print the exact difference, not a
            # float's rounding of it (61.54 - 59.045 must read -2.495, not -2.49).
            paper_bits.append(f"{arch_name}: Tanh {round(pgain['tanh'], 3):+g}, "
                              f"ReLU {round(pgain['relu'], 3):+g}")
            n = min(get(arch, a, o).n for a in ("tanh", "relu") for o in ("convention", "swap"))
            ours.append(f"{arch_name}: Tanh {_gap(gain['tanh'])}, ReLU "
                        f"{_gap(gain['relu'])}" + (f" (n={n})" if n else ""))
        used = {f"{archs[a]} {ACTIVATION_NAMES[act]} {o}": groups.get((a, act, o), [])
                for a in archs for act in ("tanh", "relu") for o in ("convention", "swap")}
        ours_text, command = "; ".join(ours), f"{run_command(name, ctx.profile)} --dataset {ds}"
        if ds in ("tiny_imagenet", "imagenet"):  # datasets we cannot download
            command += " --data-dir DIR"
            if not any(used.values()):
                ours_text = f"not run here (needs the dataset: {HOW_TO_GET[ds]})"
        elif not any(used.values()):
            ours_text = "not run"
        rows.append(ctx.row(
            name, f"{ds_name}: swapping helps Tanh (VGG16, MobileNet) much more than ReLU",
            "Section 7.1, Table 1", "Swap - Convention, points: " + "; ".join(paper_bits),
            ours_text, parts, used, runs=sub, command=command))
    return rows


def _table2(ctx: _Context, name: str) -> list[Row]:
    """Section 7.2, Table 2, Appendix A.5: LeCun Tanh and Softsign gain from Swap with more
    skewness, and their skewness gains are smaller than Tanh's, Softsign's the smallest."""
    groups = group_by(ctx.runs(name), "activation", "order")
    acc, sk = _label_stats(groups, accuracy), _label_stats(groups, _skewness)
    pacc, pdsk = paper("table2_accuracy"), paper("table2_delta_skewness")
    acts = ("tanh", "lecun_tanh", "softsign")  # the paper's Table 2 rows, largest Δ skewness first
    names = ACTIVATION_NAMES

    def swap_minus_conv(stats: Mapping, a: str, sign: int = 1) -> list[tuple[float, Stat]]:
        """The terms of ``sign`` x (Swap - Convention) of activation ``a``."""
        return [(sign, _get(stats, (a, "swap"))), (-sign, _get(stats, (a, "convention")))]

    def used(*activations: str) -> dict[str, Sequence[dict]]:
        return {f"{names[a]} {o}": groups.get((a, o), []) for a in activations
                for o in ("convention", "swap")}

    gain = {a: ctx.contrast(swap_minus_conv(acc, a), accuracy) for a in acts}
    dsk = {a: ctx.contrast(swap_minus_conv(sk, a), _skewness) for a in acts}
    others = ("lecun_tanh", "softsign")
    parts = [v for a in others
             for v in (verdict_difference(gain[a], swap_gain(pacc, a)),
                       verdict_difference(dsk[a], pdsk[a]))]
    first = ctx.row(
        name, "LeCun Tanh and Softsign also gain from Swap, with higher skewness",
        "Section 7.2, Table 2, Figure 13",
        "; ".join(f"{names[a]}: {pacc[(a, 'swap')] - pacc[(a, 'convention')]:+.2f} points, "
                  f"Δ skewness {pdsk[a]:+.2f}" for a in others),
        "; ".join(f"{names[a]}: {_gap(gain[a], ' points')}, Δ skewness {_gap(dsk[a])}"
                  for a in others),
        parts, used(*others))
    # Δ skewness in the paper's order: Tanh > LeCun Tanh, Tanh > Softsign, LeCun Tanh > Softsign
    # (the last: "Softsign's the smallest"), each a difference of two Swap - Convention gaps.
    pairs = [("tanh", "lecun_tanh"), ("tanh", "softsign"), ("lecun_tanh", "softsign")]
    parts = [verdict_difference(ctx.contrast(swap_minus_conv(sk, hi)
                                             + swap_minus_conv(sk, lo, -1), _skewness),
                                pdsk[hi] - pdsk[lo]) for hi, lo in pairs]
    ran = [a for a in acts if dsk[a].n]
    second = ctx.row(
        name, "Their skewness gains are smaller than Tanh's (Softsign's the smallest)",
        "Section 7.2, Table 2, Appendix A.5",
        "Δ skewness: " + ", ".join(f"{names[a]} {pdsk[a]:+.2f}" for a in acts),
        "Δ skewness: " + ", ".join(f"{names[a]} {_gap(dsk[a])}" for a in acts)
        + (f" (smallest: {names[min(ran, key=lambda a: dsk[a].value)]})" if ran else ""),
        parts, used(*acts))
    return [first, second]


def _depth(ctx: _Context, name: str) -> Row:
    """Appendix A.6, Table 7: VGG16_11 is the most accurate depth (Swap, Tanh, CIFAR-100)."""
    groups = group_by(ctx.runs(name), "depth")
    stats = _label_stats(groups, accuracy)
    t7 = paper("table7")
    paper_best = max(t7, key=t7.get)
    done = {d: s for d, s in stats.items() if s.ok}
    ours = "not run"
    if done:
        ours = ("best: VGG16_" + str(max(done, key=lambda d: done[d].mean)) + "; "
                + ", ".join(f"{d}: {s.mean:.1f}" for d, s in sorted(done.items(), reverse=True))
                + f" % (n={min(s.n for s in done.values())}"
                + (f"; {len(done)} of {len(stats)} depths)" if len(done) < len(stats) else ")"))
    return ctx.row(name, "VGG16_11 is the best depth for CIFAR-100 (Swap, Tanh)",
                   "Appendix A.6, Table 7",
                   f"best: VGG16_{paper_best} ({t7[paper_best]} %); VGG16 {t7[16]} %", ours,
                   [verdict_best({d: s.mean for d, s in stats.items()}, paper_best)],
                   {f"VGG16_{d}": recs for d, recs in groups.items()})


# ---- the claims, in the paper's order -----------------------------------------------------------

CLAIMS: tuple[tuple[str, str, Callable[[_Context, str], Row | list[Row]]], ...] = (
    ("headline", "saturation", _swap_beats_convention),
    ("headline", "saturation", _swap_saturates),
    ("headline", "asymmetry", _asymmetric_channels),
    ("headline", "asymmetry", _nwdbn_between),
    ("headline", "asymmetry", _nwdbn_leans),
    ("beta_sweep", "asymmetry", _sweep),
    ("headline", "sparsity", _sparsity_order),
    ("affine_sweep", "sparsity", _sweep),
    ("headline", "extended", _nobn),
    ("headline", "extended", _gradients),
    ("headline", "extended", _learning_curves),
    ("table1", "extended", _table1),
    ("table2", "extended", _table2),
    ("depth", "extended", _depth),
)
"""Per claim (or group of claims): its experiment, the chapter that discusses it (saturation,
asymmetry, sparsity or extended) and the function that builds its row(s)."""


def scoreboard_from(data: Mapping[str, Runs], profile: str,
                    noise_runs: Runs | None = None) -> list[Row]:
    """The rows of the claims whose experiment is in ``data``, in the paper's order:
    ``data[name]`` is ``collect(name, profile, ...)``.

    Only the experiments given are scored: a chapter that passes the headline runs alone gets
    the headline claims alone, never a *not run* row for an experiment it did not pass (nor a
    row it shows elsewhere). Keys that are not in :data:`SCOREBOARD_EXPERIMENTS` are ignored.
    ``noise_runs`` (the headline's ``collect``) lends such a partial scoreboard the seed noise
    that single-seed contrasts are judged against, as the full scoreboard has it.
    """
    ctx = _Context(data, profile, noise_runs)
    rows: list[Row] = []
    for name, topic, build in CLAIMS:
        if name not in data:
            continue
        built = build(ctx, name)
        for row in built if isinstance(built, list) else [built]:
            row.topic = topic
            rows.append(row)
    return rows


def rows_for(rows: Sequence[Row], topic: str) -> list[Row]:
    """The scoreboard rows a chapter discusses."""
    return [r for r in rows if r.topic == topic]


def scoreboards_by_profile(data: Mapping[str, Mapping[str, Runs]]) -> dict[str, list[Row]]:
    """Every claim scored separately under each profile: ``data[profile]`` is that profile's
    runs per experiment (:func:`bnswap.runs.runner.collect_all`), so a reader sees which claims
    firm up with training scale."""
    return {profile: scoreboard_from(runs, profile) for profile, runs in data.items()}


def verdict_ladder(by_profile: Mapping[str, Sequence[Row]]) -> list[tuple[str, dict[str, str]]]:
    """``[(claim, {profile: verdict}), ...]`` in the paper's order: one claim's verdicts side by
    side across profiles (rows are matched by claim text and section)."""
    ladder: dict[tuple[str, str], dict[str, str]] = {}
    for profile, rows in by_profile.items():
        for r in rows:
            ladder.setdefault((r.claim, r.section), {})[profile] = r.verdict
    return [(claim, verdicts) for (claim, _), verdicts in ladder.items()]


def verdict_counts(rows: Sequence[Row]) -> dict[str, int]:
    """How many rows have each verdict, for every verdict in :data:`VERDICTS` (zeros included)."""
    return {v: sum(r.verdict == v for r in rows) for v in VERDICTS}


def tally_markdown(rows: Sequence[Row]) -> str:
    """One line counting the rows of each verdict (:func:`verdict_counts`)."""
    counts = ", ".join(f"{n} {v}" for v, n in verdict_counts(rows).items())
    return f"Tally: {counts} (of {len(rows)} claims)."


def rules_markdown() -> str:
    """The verdict rules (:data:`verdicts.VERDICT_RULES`) as a Markdown list."""
    return "\n".join(f"- *{name}*: {text}" for name, text in VERDICT_RULES)


def scoreboard_markdown(rows: Sequence[Row], with_command: bool = True) -> str:
    """The rows as a Markdown table, with the command that trains each claim's runs."""
    headers = ["Claim", "Where", "Paper", "Ours", "Profile", "Verdict"]
    body = []
    for r in rows:
        verdict = f"**{r.verdict}**"
        line = [r.claim, r.section, r.paper, r.ours, r.profile, verdict]
        if with_command:
            line.append(f"`{r.command}`")
        body.append(line)
    return markdown_table(headers + (["Command"] if with_command else []), body)
