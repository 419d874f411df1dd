"""The scoreboard: each claim of the paper, the paper's number, ours, and a verdict.

Verdicts are computed from the records by the fixed rules in :data:`VERDICT_RULES` (never typed by
hand); a claim whose runs have no records is *not run*, with the command that runs it.
:func:`scoreboard_from` builds the rows from collected experiments, :func:`scoreboard` reads them
from a results store, and :func:`scoreboard_markdown` renders them for the chapters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .analysis import (GRADIENT_KEYS, Contrast, Correlation, Runs, Stat, accuracy, aggregate,
                       average_metric, by_label, captured, captured_layers, contrast, correlation,
                       gradient_profile, group_by, is_complete, learning_curve, max_metric,
                       sample_skewness, shallow_layers, signed, sweep_points)
from .paper import paper
from .report import (ACTIVATION_NAMES, DATASET_NAMES, describe_setup, markdown_table,
                     run_command, seeds_text)

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


def _label_stats(groups: dict, fn: Callable[[Sequence[dict]], Stat]) -> dict[str, Stat]:
    return {label: fn(recs) for label, recs in groups.items()}


def _get(stats: dict, key: Any) -> Stat:
    """``stats[key]``, or an empty :class:`Stat` (*not run*) for a configuration without one."""
    return stats.get(key, Stat.empty())


def _claimed_order(stats: dict[str, Stat], paper_values: dict[str, float]
                   ) -> list[tuple[Contrast, str]]:
    """A claim "first > second > third ..." (``paper_values`` in claimed order): each adjacent
    difference of ours, with its verdict against the paper's difference."""
    labels = list(paper_values)
    out = []
    for hi, lo in zip(labels, labels[1:]):
        c = contrast([(1, _get(stats, hi)), (-1, _get(stats, lo))])
        out.append((c, verdict_difference(c, paper_values[hi] - paper_values[lo])))
    return out


def _profile_text(profile: str, runs_list: Sequence[Runs]) -> str:
    records = [rec for runs in runs_list for _, _, rec in runs if is_complete(rec)]
    s = describe_setup(records)
    if not s:
        return profile
    return f"{s['profile']}: {s['epochs']} ep, width {s['width']}, {seeds_text(s)}, {s['device']}"


def _headline_rows(data: dict, profile: str) -> list[Row]:
    runs = data.get("headline", [])
    g = by_label(runs)
    acc = _label_stats(g, accuracy)
    cmd = run_command("headline", profile)
    prof = _profile_text(profile, [runs])
    rows = []

    # 1. Swap beats Convention.
    c = contrast([(1, _get(acc, "Swap")), (-1, _get(acc, "Convention"))])
    rows.append(Row(
        "Swap beats Convention (Tanh, VGG16_11, CIFAR-100)", "Section 3.2, Table 2",
        f"Swap {paper('acc_swap')} % vs Convention {paper('acc_conv')} % "
        f"({paper('swap_gain'):+.2f} points)",
        f"Swap {_get(acc, 'Swap').format(1, '%')} vs Convention "
        f"{_get(acc, 'Convention').format(1, '%')}: {_pts(c.value)}",
        prof, verdict_difference(c, paper("swap_gain")), cmd))

    # 2. Swap's layers are more saturated (largest layer saturation).
    mx = _label_stats(g, lambda r: max_metric(r, "saturation"))
    c = contrast([(1, _get(mx, "Swap")), (-1, _get(mx, "Convention"))])
    rows.append(Row(
        "Swap's layers are more saturated (largest layer saturation)", "Section 3.2, Figure 3",
        f"Swap {paper('max_sat_swap')} vs Convention {paper('max_sat_conv')}",
        f"Swap {_get(mx, 'Swap').format(2)} vs Convention {_get(mx, 'Convention').format(2)}",
        prof, verdict_difference(c, paper("max_sat_swap") - paper("max_sat_conv")), cmd))

    # 3. Asymmetric channels, symmetric layers.
    sk = _label_stats(g, lambda r: average_metric(r, "skewness"))
    c = contrast([(1, _get(sk, "Swap")), (-1, _get(sk, "Convention"))])
    v_channels = verdict_difference(c, paper("table2_delta_skewness")["tanh"])
    layer_skew, chan_skew, where = _pooled_skewness(g.get("Swap", []))
    v_layer = verdict_symmetric(layer_skew, chan_skew)
    ours = (f"avg layer skewness Swap {_get(sk, 'Swap').format(2)} vs Convention "
            f"{_get(sk, 'Convention').format(2)} ({signed(c.value)}); ")
    ours += (f"Swap block {where}: pooled layer skewness {signed(layer_skew)} vs mean channel "
             f"|skewness| {chan_skew:.2f}" if where else "no captured layer samples")
    rows.append(Row(
        "Swap's channels saturate asymmetrically while whole-layer distributions stay symmetric",
        "Section 4.1, Figures 1 and 4, Table 2",
        f"avg skewness Swap - Convention = {paper('table2_delta_skewness')['tanh']:+.2f} "
        "(Table 2); layer histograms roughly symmetric (Figure 1)",
        ours, prof, combine([v_channels, v_layer]), cmd, [v_channels, v_layer]))

    # 4. NWDBN between Convention and Swap.
    (c2, v2), (c1, v1) = _claimed_order(acc, {"Swap": paper("acc_swap"),
                                              "NWDBN": paper("acc_nwdbn"),
                                              "Convention": paper("acc_conv")})
    rows.append(Row(
        "NWDBN beats Convention but loses to Swap", "Sections 4.2, 5.2",
        f"Convention {paper('acc_conv')} < NWDBN {paper('acc_nwdbn')} < Swap {paper('acc_swap')} %",
        f"Convention {_get(acc, 'Convention').format(1)} / NWDBN {_get(acc, 'NWDBN').format(1)} / "
        f"Swap {_get(acc, 'Swap').format(1)} %: NWDBN - Conv {_pts(c1.value)}, "
        f"Swap - NWDBN {_pts(c2.value)}",
        prof, combine([v1, v2]), cmd, [v1, v2]))

    # 5. Sparsity ordering.
    sp = _label_stats(g, lambda r: average_metric(r, "sparsity"))
    (c1, v1), (c2, v2) = _claimed_order(sp, {"Swap": paper("sparsity_swap"),
                                             "Convention": paper("sparsity_conv"),
                                             "NWDBN": paper("sparsity_nwdbn")})
    rows.append(Row(
        "Swap is the sparsest and NWDBN the least sparse", "Section 5.2",
        f"Swap {paper('sparsity_swap'):.3f} > Convention {paper('sparsity_conv'):.3f} > NWDBN "
        f"{paper('sparsity_nwdbn'):.3f}",
        f"Swap {_get(sp, 'Swap').format(3)} / Convention {_get(sp, 'Convention').format(3)} / "
        f"NWDBN {_get(sp, 'NWDBN').format(3)}",
        prof, combine([v1, v2]), cmd, [v1, v2]))

    # 6. NoBN: asymmetric but less accurate.
    c1 = contrast([(1, _get(sk, "NoBN")), (-1, _get(sk, "Convention"))])
    c2 = contrast([(1, _get(acc, "Convention")), (-1, _get(acc, "NoBN"))])
    v1 = verdict_difference(c1, 1.0, sized=False)
    v2 = verdict_difference(c2, paper("acc_conv_vs_nobn") - paper("acc_nobn"))
    rows.append(Row(
        "NoBN saturates asymmetrically but is less accurate than Convention",
        "Appendix A.2, Figure 10",
        f"NoBN skewness above Convention's (Figure 10); accuracy {paper('acc_nobn')} vs "
        f"{paper('acc_conv_vs_nobn')} % (VGG16)",
        f"avg skewness NoBN - Conv {signed(c1.value)}; accuracy NoBN "
        f"{_get(acc, 'NoBN').format(1, '%')} vs Conv {_get(acc, 'Convention').format(1, '%')}",
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
    ours = (f"Spearman ρ(weight decay, {metric}) = {signed(setting.rho)}; Pearson r({metric}, "
            f"accuracy) = {signed(metric_acc.r)} (n={metric_acc.n} of {expected} runs)")
    verdict = combine([v1, v2]) if len(pts) == expected else NOT_RUN
    return Row(claim, section, paper_text, ours, prof, verdict, cmd, [v1, v2])


def _table1_rows(data: dict, profile: str) -> list[Row]:
    from .data import HOW_TO_GET

    runs = data.get("table1", [])
    cmd = run_command("table1", profile)
    rows = []
    t1 = paper("table1")
    for ds, ds_name in DATASET_NAMES.items():
        sub = [t for t in runs if t[0].tags.get("dataset") == ds]
        prof = _profile_text(profile, [sub])
        stats = {k: accuracy(v) for k, v in group_by(sub, "arch", "activation", "order").items()}
        get = lambda k: _get(stats, k)  # noqa: E731
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
            ours.append(f"{arch_name}: Tanh {signed(gain['tanh'].value)}, ReLU "
                        f"{signed(gain['relu'].value)}" + (f" (n={n})" if n else ""))
        verdict = combine(parts)
        ours_text = "; ".join(ours)
        command = f"{cmd} --dataset {ds}"  # one dataset's rows (others may not be available)
        if verdict == NOT_RUN and all(get(k).n == 0 for k in stats):
            ours_text = f"not run here (needs the dataset: {HOW_TO_GET[ds]})" \
                if ds in ("tiny_imagenet", "imagenet") else "not run"
            if ds in ("tiny_imagenet", "imagenet"):
                command += " --data-dir DIR"
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
    g = group_by(runs, "activation", "order")
    acc = {k: accuracy(v) for k, v in g.items()}
    sk = {k: average_metric(v, "skewness") for k, v in g.items()}
    pacc, pdsk = paper("table2_accuracy"), paper("table2_delta_skewness")
    acts = ("tanh", "lecun_tanh", "softsign")  # the paper's Table 2 rows
    names = ACTIVATION_NAMES
    gain = {a: contrast([(1, _get(acc, (a, "swap"))), (-1, _get(acc, (a, "convention")))])
            for a in acts}
    dsk = {a: contrast([(1, _get(sk, (a, "swap"))), (-1, _get(sk, (a, "convention")))])
           for a in acts}
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
        "; ".join(f"{names[a]}: {_pts(gain[a].value)}, Δ skewness {signed(dsk[a].value)}"
                  for a in ("lecun_tanh", "softsign")),
        prof, combine(parts), cmd, parts))
    parts = [verdict_difference(contrast([(1, _get(sk, ("tanh", "swap"))),
                                          (-1, _get(sk, ("tanh", "convention"))),
                                          (-1, _get(sk, (a, "swap"))),
                                          (1, _get(sk, (a, "convention")))]),
                                pdsk["tanh"] - pdsk[a]) for a in ("lecun_tanh", "softsign")]
    rows.append(Row(
        "Their skewness gains are smaller than Tanh's (Softsign's the smallest)",
        "Section 7.2, Table 2, Appendix A.5",
        "Δ skewness: " + ", ".join(f"{names[a]} {pdsk[a]:+.2f}" for a in acts),
        "Δ skewness: " + ", ".join(f"{names[a]} {signed(dsk[a].value)}" for a in acts),
        prof, combine(parts), cmd, parts))
    return rows


def _depth_row(data: dict, profile: str) -> Row:
    runs = data.get("depth", [])
    cmd = run_command("depth", profile)
    prof = _profile_text(profile, [runs])
    stats = {d: accuracy(v) for d, v in group_by(runs, "depth").items()}
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
