"""The tables of the extended chapter in words: Table 1 (datasets x architectures x activations,
Section 7.1), Table 2 (other bounded activations, Section 7.2) and Table 7 (depth, Appendix A.6),
each paper next to ours, with the gaps of :mod:`bnswap.findings.compare`."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..core.registries import ACTIVATION_NAMES, DATASET_INFO, DATASET_NAMES, arch_name
from ..findings.compare import swap_minus_convention, table1_gaps, table1_groups
from ..findings.paper import TABLE1_COLUMNS, paper, swap_gain
from ..findings.records import Runs, accuracy, average_skewness, group_by
from ..findings.stats import signed
from .markdown import markdown_table, run_command


def _acc_cell(recs: Sequence[dict]) -> str:
    s = accuracy(recs)
    return s.format(1) if s.ok else "not run"


def table1_markdown(runs: Runs) -> str:
    """Table 1, one table per architecture (so each fits the text column): paper | ours per
    (dataset, activation, order); datasets without any record say how to get them."""
    g = table1_groups(runs)
    t1 = paper("table1")
    parts = []
    for arch in dict.fromkeys(a for a, _, _ in TABLE1_COLUMNS):
        cols = [c for c in TABLE1_COLUMNS if c[0] == arch]
        headers = ["Dataset"] + [f"{ACTIVATION_NAMES[act]} {o.title()}" for _, act, o in cols]
        body = []
        for ds, name in DATASET_NAMES.items():
            cells = [g.get((ds, *c), []) for c in cols]
            body.append([f"{name} (paper)"] + [f"{t1[(ds, *c)]:g}" for c in cols])
            if not any(cells) and not DATASET_INFO[ds].downloadable:
                body.append([f"{name} (ours)"] + ["not run here"] * len(cols))
            else:
                body.append([f"{name} (ours)"] + [_acc_cell(c) for c in cells])
        parts.append(f"**{arch_name(arch)}**, test accuracy (%):\n\n"
                     + markdown_table(headers, body))
    return "\n\n".join(parts)


def table1_gaps_markdown(runs: Runs) -> str:
    """Swap - Convention per recorded (dataset, architecture, activation) of Table 1, ours next to
    the paper's, and a sentence on how their signs and sizes compare."""
    body, ratios, same_sign = [], [], 0
    for gap in table1_gaps(runs):
        if not gap.ours.n:
            continue
        same_sign += gap.ours.value * gap.paper > 0
        ratios.append(gap.ratio)
        body.append([DATASET_NAMES[gap.dataset], arch_name(gap.arch),
                     ACTIVATION_NAMES[gap.activation], f"{round(gap.paper, 3):+g}",
                     signed(gap.ours.value), f"{gap.ratio:.1f}"])
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
    g = group_by(runs, "dataset")
    lines = []
    for ds, recs in g.items():
        if not recs and not DATASET_INFO[ds].downloadable:  # CIFAR is found or downloaded
            lines.append(f"- **{DATASET_NAMES[ds]}**: {DATASET_INFO[ds].how_to_get}; then "
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
        d = swap_minus_convention(g, act, measure=average_skewness)
        gap = swap_minus_convention(g, act)
        body.append([ACTIVATION_NAMES.get(act, act),
                     pacc.get((act, "convention"), "-"), pacc.get((act, "swap"), "-"),
                     f"{pdsk[act]:+.2f}" if act in pdsk else "-",
                     _acc_cell(conv), _acc_cell(swap), signed(gap.value, 1),
                     signed(d.value)])
    return markdown_table(["Activation", "paper Conv (%)", "paper Swap (%)", "paper Δ avg skew",
                           "ours Conv (%)", "ours Swap (%)", "ours Swap - Conv", "ours Δ avg skew"],
                          body)


def depth_markdown(runs: Runs) -> str:
    """Table 7: Swap VGG16_n accuracy by depth, paper next to ours, with the average skewness
    (one row per depth, so the table stays narrow however many depths there are)."""
    g = group_by(runs, "depth")
    t7 = paper("table7")
    return markdown_table(["Depth", "paper (%)", "ours (%)", "ours: avg skewness"], [
        ["VGG16" if d == 16 else f"VGG16_{d}", f"{t7[d]:g}", _acc_cell(r),
         average_skewness(r).format(2) if r else "not run"] for d, r in g.items()])


def activation_gains_markdown(runs: Runs) -> str:
    """Table 2 on our records: which activation gains the most and the least from Swap (accuracy
    and average skewness) next to the paper's ranking (the paper: Softsign gains least)."""
    g = group_by(runs, "activation", "order")
    pacc, pdsk = paper("table2_accuracy"), paper("table2_delta_skewness")
    acts = [a for a in dict.fromkeys(a for a, _ in g) if (a, "swap") in pacc]
    ours_gain, ours_dsk, n = {}, {}, {}
    for a in acts:
        gain = swap_minus_convention(g, a)
        dsk = swap_minus_convention(g, a, measure=average_skewness)
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
