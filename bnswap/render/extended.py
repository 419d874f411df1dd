"""The extended chapter: Tables 1, 2 and 7, gradients and learning curves (Appendices A.7, A.8),
NoBN and shifted Tanh."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..findings.records import GRADIENT_KEYS, LEARNED_FRACTION, Runs, accuracy, average_metric, chance_loss, gradient_profile, group_by, layer_profile, learned, shallow_layers
from ..findings.stats import aggregate, contrast, signed
from ..core.registries import ACTIVATION_NAMES, ARCH_NAMES, DATASET_NAMES, NUM_CLASSES, arch_name
from ..findings.paper import PAPER, TABLE1_COLUMNS, paper, swap_gain
from ..findings.verdicts import SAME_LOSS
from .comparison import describe_gap
from .markdown import markdown_table, run_command


def _acc_cell(recs: Sequence[dict]) -> str:
    s = accuracy(recs)
    return s.format(1) if s.ok else "not run"


def table1_markdown(runs: Runs) -> str:
    """Table 1: paper | ours per (dataset, arch, activation, order); datasets without any record
    say how to get them."""
    g = group_by(runs, "dataset", "arch", "activation", "order")
    t1 = paper("table1")
    headers = ["Dataset"] + [f"{ARCH_NAMES[a]} {ACTIVATION_NAMES[act]} {o.title()}"
                             for a, act, o in TABLE1_COLUMNS]
    body = []
    for ds, name in DATASET_NAMES.items():
        cells = [g.get((ds, *c), []) for c in TABLE1_COLUMNS]
        body.append([f"{name} (paper)"] + [f"{t1[(ds, *c)]:g}" for c in TABLE1_COLUMNS])
        if not any(cells) and ds in ("tiny_imagenet", "imagenet"):
            body.append([f"{name} (ours)"] + ["not run here"] * len(TABLE1_COLUMNS))
        else:
            body.append([f"{name} (ours)"] + [_acc_cell(c) for c in cells])
    return markdown_table(headers, body)


def table1_gaps_markdown(runs: Runs) -> str:
    """Swap - Convention per recorded (dataset, architecture, activation) of Table 1, ours next to
    the paper's, and a sentence on how their signs and sizes compare."""
    g = group_by(runs, "dataset", "arch", "activation", "order")
    t1 = paper("table1")
    body, ratios, same_sign = [], [], 0
    for ds, ds_name in DATASET_NAMES.items():
        for arch in ARCH_NAMES:
            for act in ("tanh", "relu"):
                conv, swap = (accuracy(g.get((ds, arch, act, o), []))
                              for o in ("convention", "swap"))
                if not (conv.ok and swap.ok):
                    continue
                ours = swap.mean - conv.mean
                theirs = swap_gain(t1, ds, arch, act)
                ratio = ours / theirs if theirs else math.nan
                same_sign += ours * theirs > 0
                ratios.append(ratio)
                body.append([ds_name, arch_name(arch), ACTIVATION_NAMES[act],
                             f"{round(theirs, 3):+g}", signed(ours), f"{ratio:.1f}"])
    if not body:
        return "No Table 1 pair (Convention and Swap) has records yet."
    table = markdown_table(["dataset", "architecture", "activation", "paper", "ours",
                            "ours / paper"], body)
    sizes = [abs(r) for r in ratios if math.isfinite(r)]
    return (f"{table}\n\nSwap - Convention in points. Our gap has the paper's sign in "
            f"{same_sign} of {len(body)} recorded pairs, and its size is {min(sizes):.1f} to "
            f"{max(sizes):.1f} times the paper's (median {float(np.median(sizes)):.1f}).")


def dataset_instructions(runs: Runs, profile: str) -> str:
    """For each dataset of ``runs`` with no record: where to put it and the command to run."""
    from ..core.registries import HOW_TO_GET

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


def _mean_final(records: Sequence[dict], key: str) -> float:
    return float(np.mean([r["final"][key] for r in records])) if records else math.nan


def learning_markdown(groups: dict[str, Sequence[dict]], labels: Sequence[str]) -> str:
    """Whether the runs of ``labels`` fit their training sets (:func:`bnswap.analysis.learned`):
    a sentence for each that did not (final training loss against ln(classes), the loss of a
    uniform guess, and its accuracies against chance), saying that a comparison built on it
    is not meaningful; one short sentence when all of them learned."""
    failed_to_learn, done = [], []
    for label in labels:
        recs = list(groups.get(label, []))
        if not recs:
            continue
        done.append(label)
        bad = [r for r in recs if not learned(r)]
        if not bad:
            continue
        classes = NUM_CLASSES[bad[0]["spec"]["dataset"]]
        seeds = "" if len(bad) == len(recs) == 1 else f" ({len(bad)} of {len(recs)} seeds)"
        failed_to_learn.append(
            f"**{label} did not learn**{seeds}: its final training loss, "
            f"{_mean_final(bad, 'train_loss'):.2f}, is not even {LEARNED_FRACTION:.0%} below "
            f"ln {classes} = {chance_loss(bad[0]):.2f}, the loss of guessing uniformly among "
            f"{classes} classes, and it classifies {_mean_final(bad, 'train_acc'):.1f} % of the "
            f"training images and {_mean_final(bad, 'test_acc'):.1f} % of the test images "
            f"correctly (chance: {100 / classes:.1f} %).")
    if not done:
        return ""
    if not failed_to_learn:
        return (f"{' and '.join(done)} fit their training sets (final training loss at least "
                f"{LEARNED_FRACTION:.0%} below that of a uniform guess), so the comparison can be "
                "read.")
    return (" ".join(failed_to_learn) + " A network that has not fit its training set is barely "
            "trained: its saturation, skewness and accuracy say nothing about where BN should "
            "sit, so comparing it with a trained network is not meaningful, whatever the sign "
            "of the difference.")


def nobn_markdown(groups: dict[str, Sequence[dict]]) -> str:
    """Appendix A.2: NoBN's accuracy against Convention's, ours and the paper's (whose Convention
    number there is Table 1's VGG16, ours the headline VGG16_11), and whether NoBN learned at all
    (:func:`learning_markdown`)."""
    acc = {k: accuracy(groups.get(k, [])) for k in ("NoBN", "Convention")}
    if not (acc["NoBN"].ok and acc["Convention"].ok):
        return "No records for both NoBN and Convention yet."
    gap = contrast([(1, acc["Convention"]), (-1, acc["NoBN"])])
    return (f"Accuracy: NoBN {acc['NoBN'].format(1, '%')}, Convention "
            f"{acc['Convention'].format(1, '%')}. The paper reports {paper('acc_nobn')} % against "
            f"{paper('acc_conv_vs_nobn')} % ({PAPER['acc_nobn'].source}; its Convention number "
            "there is the VGG16 of Table 1, ours is VGG16_11). Convention minus NoBN: "
            + describe_gap(gap, paper("acc_conv_vs_nobn") - paper("acc_nobn"))
            + "\n\n" + learning_markdown(groups, ("NoBN", "Convention")))


def fit_markdown(groups: dict[str, Sequence[dict]], labels: Sequence[str] = ("Convention", "Swap"),
                 similar: float = SAME_LOSS, overfit: float = 2.0) -> str:
    """Appendix A.8 on our records: the final training loss of ``labels`` (the paper: about the
    same) and the gap between training and test accuracy of each (a gain "in generalisation"
    needs one). Losses within a factor ``similar`` count as the same; a model whose training
    accuracy is within ``overfit`` points of its test accuracy has not fit its training set
    better than unseen images."""
    recs = {k: list(groups.get(k, [])) for k in labels}
    if not all(recs.values()):
        return "No records for both models yet."
    loss = {k: aggregate(r["final"]["train_loss"] for r in v) for k, v in recs.items()}
    train = {k: aggregate(r["final"]["train_acc"] for r in v) for k, v in recs.items()}
    test = {k: accuracy(v) for k, v in recs.items()}
    a, b = labels
    text = ("Ours: final training loss " + ", ".join(f"{k} {loss[k].format(2)}" for k in labels)
            + "; training / test accuracy " + ", ".join(
                f"{k} {train[k].mean:.1f} / {test[k].mean:.1f} %" for k in labels)
            + " (training values from the augmented batches of the last epoch).")
    rel = (loss[a].mean - loss[b].mean) / max(loss[a].mean, loss[b].mean)
    if max(loss[a].mean, loss[b].mean) <= similar * min(loss[a].mean, loss[b].mean):
        text += " The two final training losses are about the same, as in the paper."
    else:
        low, high = (b, a) if rel > 0 else (a, b)
        text += (f" {low}'s final training loss is {abs(rel):.0%} lower than {high}'s: unlike "
                 "the paper's, our two models do not end at the same training loss.")
    gaps = {k: train[k].mean - test[k].mean for k in labels}
    if all(abs(g) < overfit for g in gaps.values()):
        text += (f" In both, training and test accuracy differ by less than {overfit:g} points: "
                 "neither model fits its (augmented) training batches better than unseen images. "
                 "At this schedule fit and generalisation cannot be told apart, so the paper's "
                 "reading (the same fit, better generalisation) cannot be tested here.")
    else:
        text += (" Training minus test accuracy: " + ", ".join(
            f"{k} {signed(g, 1)} points" for k, g in gaps.items()) + ".")
    return text


def _vgg_cfg(arch: str) -> list[int | str]:
    from ..core.registries import vgg_cfg

    return vgg_cfg(arch)


def _vgg_convs(arch: str) -> int:
    return sum(1 for item in _vgg_cfg(arch) if item != "M")


def blocks_after_pooling(arch: str) -> list[int]:
    """1-based indices of the convolution blocks of VGG ``arch`` that directly follow a
    max-pooling layer (read from the model configuration in :mod:`bnswap.models`)."""
    out, conv, after_pool = [], 0, False
    for item in _vgg_cfg(arch):
        if item == "M":
            after_pool = True
            continue
        conv += 1
        if after_pool:
            out.append(conv)
        after_pool = False
    return out


def pooling_markdown(arch: str) -> str:
    """Which blocks of VGG ``arch`` read a max-pooled input (a pooled input is larger: max-pooling
    keeps the largest value of each window), computed from the model configuration."""
    after = blocks_after_pooling(arch)
    convs = _vgg_convs(arch)
    listed = ", ".join(map(str, after[:-1])) + f" and {after[-1]}"
    return (f"In {arch_name(arch)} the convolution blocks {listed} each start a new stage behind a "
            f"2x2 max-pooling layer, which keeps the largest value of each window and so enlarges "
            f"their inputs in both orders; block {convs + 1}, the first fully-connected block, "
            f"reads the last stage after a max-pooling and a global average pooling.")


def activation_gains_markdown(runs: Runs) -> str:
    """Table 2 on our records: which activation gains the most and the least from Swap (accuracy
    and average skewness) next to the paper's ranking (the paper: Softsign gains least)."""
    g = group_by(runs, "activation", "order")
    pacc, pdsk = paper("table2_accuracy"), paper("table2_delta_skewness")
    acts = [a for a in dict.fromkeys(a for a, _ in g) if (a, "swap") in pacc]
    ours_gain, ours_dsk, n = {}, {}, {}
    for a in acts:
        conv, swap = g.get((a, "convention"), []), g.get((a, "swap"), [])
        gain = contrast([(1, accuracy(swap)), (-1, accuracy(conv))])
        dsk = contrast([(1, average_metric(swap, "skewness")),
                        (-1, average_metric(conv, "skewness"))])
        if gain.n:
            ours_gain[a], ours_dsk[a], n[a] = gain.value, dsk.value, gain.n
    if len(ours_gain) < len(acts) or len(acts) < 2:
        return "Not every activation of Table 2 has records yet."
    paper_gain = {a: swap_gain(pacc, a) for a in acts}
    name = lambda a: ACTIVATION_NAMES.get(a, a)  # noqa: E731

    def ranking(values: dict, paper_values: dict, what: str, unit: str, digits: int) -> str:
        p_low = min(paper_values, key=paper_values.get)
        o_low, o_high = min(values, key=values.get), max(values, key=values.get)
        listed = ", ".join(f"{name(a)} {signed(values[a], digits)}{unit}" for a in acts)
        verdict = (f"the smallest is {name(o_low)}'s, as in the paper" if o_low == p_low else
                   f"{name(p_low)}'s is the {'largest' if o_high == p_low else 'middle one'}, "
                   f"not the smallest (ours is smallest for {name(o_low)})")
        return (f"{what}: the paper's smallest is {name(p_low)}'s "
                f"({signed(paper_values[p_low], 2)}{unit}); ours are {listed}: {verdict}.")

    single = [name(a) for a in acts if n[a] == 1]
    text = (ranking(ours_gain, paper_gain, "Gain from Swap in accuracy", " points", 2) + " "
            + ranking(ours_dsk, {a: pdsk[a] for a in acts}, "Gain in average skewness", "", 2))
    if single:
        text += (f" ({', '.join(single)}: one seed per order, so each of these gains carries "
                 "the seed noise of single runs.)")
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

