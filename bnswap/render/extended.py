"""The extended chapter's sentences beyond the tables: gradients and learning curves (Appendices
A.7, A.8), NoBN (Appendix A.2), the pooled inputs of VGG and the shifted Tanh."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..core.registries import COMPARED_ORDERS, NUM_CLASSES, arch_name, vgg_cfg
from ..findings.compare import gradient_ratios, swap_minus_convention
from ..findings.paper import PAPER, paper
from ..findings.records import (LEARNED_FRACTION, accuracy, average_metric, chance_loss,
                                final_train_accuracy, final_train_loss, layer_profile, learned,
                                shallow_layers)
from ..findings.stats import contrast, noise_side, signed
from ..findings.verdicts import SAME_LOSS
from .comparison import describe_gap
from .markdown import markdown_table


def gradient_markdown(conv: Sequence[dict], swap: Sequence[dict]) -> str:
    """Per block: Swap/Convention ratios of the three gradient-scale columns (Appendix A.7) next
    to both models' layer saturation (a saturated Tanh passes back less gradient)."""
    ratios = gradient_ratios(conv, swap)
    if ratios is None:
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
    """Whether the runs of ``labels`` fit their training sets (``learned`` of
    :mod:`bnswap.findings.records`): a sentence for each that did not (final training loss against ln(classes), the loss of a
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
            "there is the VGG16 of Table 1, ours is VGG16_11). Convention − NoBN: "
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
    loss = {k: final_train_loss(v) for k, v in recs.items()}
    train = {k: final_train_accuracy(v) for k, v in recs.items()}
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


def _vgg_convs(arch: str) -> int:
    return sum(1 for item in vgg_cfg(arch) if item != "M")


def blocks_after_pooling(arch: str) -> list[int]:
    """1-based indices of the convolution blocks of VGG ``arch`` that directly follow a
    max-pooling layer (read from the layer list in :mod:`bnswap.core.registries`)."""
    out, conv, after_pool = [], 0, False
    for item in vgg_cfg(arch):
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


def shifted_tanh_markdown(tanh: dict[str, list[dict]], shifted: dict[str, list[dict]],
                          noise: float | None = None) -> str:
    """What the shifted-Tanh runs say: does built-in asymmetry help the Convention order, and
    how much of the Swap-minus-Convention gap is left? (``tanh``: headline groups by label,
    ``shifted``: shifted-Tanh groups by order; ``noise``: the seed noise of a gap between two
    single-seed runs, which the shifted gap is set against when given.)"""
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
        gap_tanh = swap_minus_convention({o: tanh.get(o.title(), []) for o in COMPARED_ORDERS})
        gap_shift = swap_minus_convention(shifted)
        text += (f" Swap minus Convention is {signed(gap_shift.value)} points with shifted Tanh "
                 f"and {signed(gap_tanh.value)} with Tanh: if built-in asymmetry does for "
                 "Convention what the Swap order does, the first gap should be much smaller "
                 "than the second.")
        if noise is not None and math.isfinite(noise):
            where = noise_side(gap_shift.value, noise)
            text += (f" The shifted gap is {where} the seed noise of a gap between two "
                     f"single-seed runs ({noise:.1f} points).")
    return text


def shifted_comparison(tanh: dict[str, list[dict]],
                       shifted: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The four models the shifted-Tanh section compares, by display name (``tanh``: headline
    groups by label, ``shifted``: shifted-Tanh groups by order)."""
    return {"Tanh Convention": tanh.get("Convention", []), "Tanh Swap": tanh.get("Swap", []),
            "shifted Tanh Convention": shifted.get("convention", []),
            "shifted Tanh Swap": shifted.get("swap", [])}


def shifted_table_markdown(compare: dict[str, list[dict]]) -> str:
    """Accuracy, average skewness and average sparsity of each model of
    :func:`shifted_comparison`."""
    return markdown_table(["model", "test accuracy (%)", "avg skewness", "avg sparsity"],
                          [[k, accuracy(v).format(1), average_metric(v, "skewness").format(2),
                            average_metric(v, "sparsity").format(3)] for k, v in compare.items()])
