"""The computed Markdown that the chapters show: every sentence and table comes from records.

Nothing here is typed by hand into a chapter: the setup of the runs (:func:`caveats_markdown`),
how many runs are recorded and how to make the rest (:func:`status_markdown`), their cost
(:func:`cost_markdown`), the tables of the extended experiments (:func:`table1_markdown`,
:func:`table2_markdown`, :func:`depth_markdown`, :func:`gradient_markdown`) and the sentences that
compare ours with the paper (:func:`describe_gap`, :func:`seed_spread_markdown`, ...) are read off
the records with the queries of :mod:`bnswap.analysis`. :func:`show` displays any of them in a
notebook; :func:`markdown_table` builds the tables.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .analysis import (GRADIENT_KEYS, LEARNED_FRACTION, NOISE_Z, Contrast, Runs, Stat, accuracy,
                       aggregate, average_metric, captured, chance_loss, contrast, correlation,
                       failed, final_accuracy, gradient_profile, group_by, is_complete,
                       layer_profile, learned, missing, noisy_contrast, sample_skewness,
                       seed_noise, shallow_layers, signed, sweep_points, within_noise)
from .paper import NUM_CLASSES, PAPER, TABLE1_COLUMNS, paper


# ---- Markdown -------------------------------------------------------------------------------------


def show(text: str) -> None:
    """Display Markdown ``text`` (computed from the records) in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (pipes escaped)."""
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- status of an experiment ----------------------------------------------------------------------


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


# ---- what a record says about how it was made -----------------------------------------------------


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
        out.append(f"learning rate capped at {'/'.join(f'{c:g}' for c in sorted(lr_cap))}: the "
                   "paper's 0.1 for some settings was tuned for 200 epochs (the pilot in the "
                   "introduction compares both rates in the short schedule).")
    if "jpeg-copy" in s["data"]:
        out.append("a JPEG-compressed copy of CIFAR (quality about 75) instead of the original "
                   "lossless images: slightly blurrier inputs, usually costing a little accuracy.")
    sources = list(dict.fromkeys(r.get("data", {}).get("source", "?") for r in records))
    if len(sources) > 1:
        out.append(f"records made from different copies of the data ({' / '.join(sources)}): "
                   "a run's key does not include the data source, so these records share one "
                   "store and their numbers are not strictly comparable.")
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


def seed_gap_noise(groups: dict[str, list[dict]], a: str | None = None, b: str | None = None,
                   labels: Sequence[str] = ("Convention", "Swap")) -> float:
    """Twice the standard error of the accuracy gap between configurations ``a`` and ``b`` of
    ``groups`` (default: two single-seed runs), the size below which such a gap can be seed noise.

    A side with several seeds uses its own sample standard deviation; a single-seed side is given
    the larger seed spread of ``labels`` (the headline pair, which every profile runs with several
    seeds), as the scoreboard does. nan while that spread is not measured."""
    noise = seed_noise(accuracy(groups.get(label, [])) for label in labels)
    if not math.isfinite(noise):
        return math.nan

    def side(label: str | None) -> Stat:
        s = accuracy(groups.get(label, [])) if label else Stat.empty()
        return s if s.n else Stat(0.0, math.nan, 1)  # no records: as noisy as one seed

    return NOISE_Z * noisy_contrast([(1, side(a)), (-1, side(b))], noise).se


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
            f"smaller than about {NOISE_Z * math.sqrt(2) * worst:.1f} points are within seed noise.")


def describe_gap(ours: Contrast, paper_effect: float, unit: str = "points",
                 digits: int = 2, noise: float = math.nan) -> str:
    """A sentence comparing our difference with the paper's (direction and relative size).

    ``noise`` (:func:`seed_gap_noise` of the two configurations): for a gap without an error bar
    (one seed on a side), the size below which it can be seed noise; a smaller gap is said to be
    within it."""
    if ours.n == 0 or not math.isfinite(ours.value):
        return "We have no records for this comparison yet."
    p = f"{signed(paper_effect, digits)} {unit}".rstrip()
    o = f"{signed(ours.value, digits)} {unit}".rstrip()
    within = ""
    if not math.isfinite(ours.se) and math.isfinite(noise):
        side = "within" if abs(ours.value) < noise else "outside"
        within = (f"; that is {side} seed noise (twice its standard error, counting a single "
                  f"seed with the headline pair's spread: {noise:.{digits}f} {unit}".rstrip() + ")")
    if ours.value == 0 or math.copysign(1, ours.value) != math.copysign(1, paper_effect):
        return f"Ours is {o} against the paper's {p}: the opposite direction{within}."
    ratio = abs(ours.value / paper_effect)
    size = ("larger than the paper's" if ratio > 1.2 else "about the paper's size" if ratio >= 0.8
            else f"about {ratio:.0%} of the paper's size" if ratio >= 0.01
            else "less than 1% of the paper's size")
    note = ""
    if math.isfinite(ours.se):
        note = f" (standard error {ours.se:.{digits}f}, n={ours.n} seeds per model)"
    elif ours.n == 1:
        note = " (a single seed on at least one side, so no error bar)"
    return f"Ours is {o} against the paper's {p}: the same direction, {size}{note}{within}."


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
    distinct: dict[str, tuple] = {}
    for runs in data.values():  # a run shared by experiments counts once, with its record
        for _, spec, rec in runs:
            if rec is not None or spec.key() not in distinct:
                distinct[spec.key()] = (spec, rec)
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

    from .experiments import EXPERIMENTS

    body = [[p.name, p.epochs or "paper (200; ImageNet 100)", f"{p.width:g}" if p.width else "1",
             p.seeds, p.train_per_class or "all", f"{p.lr_cap:g}" if p.lr_cap else "none",
             p.description] for p in PROFILES.values()]
    table = markdown_table(["profile", "epochs", "width", "seeds", "train images per class",
                            "lr cap", "what it is for"], body)
    more = []
    for name, exp in EXPERIMENTS.items():
        runs = [r for r in exp.runs if r.min_seeds > 1]
        if runs:
            more.append(f"{name} ({', '.join(r.label for r in runs)}: at least "
                        f"{max(r.min_seeds for r in runs)})")
    if more:
        table += ("\n\nThe seeds column is a profile's default; some experiments ask for more "
                  "seeds under every profile: " + "; ".join(more) + ".")
    return table


# ---- the saturation chapter (Section 3.2, Figures 1 and 3) ----------------------------------------


def saturation_summary(records: Sequence[dict], label: str) -> str:
    """One line on the layer saturation of ``label``'s ``records`` (mean over seeds, Figure 3):
    the largest layer and how many blocks lie above 0.7 and below 0.5 (the paper's thresholds)."""
    mean, _ = layer_profile(records, "saturation")
    if mean.size == 0:
        return f"{label}: not run"
    return (f"{label}: largest layer saturation {np.nanmax(mean):.2f} (block "
            f"{int(np.nanargmax(mean)) + 1}), {int((mean > 0.7).sum())} of {mean.size} "
            f"blocks above 0.7, {int((mean < 0.5).sum())} below 0.5")


def channel_summary(record: dict | None, block: int, label: str) -> str:
    """One line on block ``block`` (1-based) of one record (Figure 1): the skewness (eq. 3) of the
    pooled layer sample (the whole layer's Tanh outputs in one sample; not the paper's layer
    skewness k^l, which averages |channel skewness|) against the mean |skewness| of its captured
    channels (their number is read from the record: the runs capture ten, written as a word)."""
    pooled = captured(record, block - 1, "act_layer")
    chans = captured(record, block - 1, "act")
    if pooled is None or chans is None:
        return f"{label}: not run"
    per = [abs(sample_skewness(c)) for c in chans]
    n = len(per)
    count = "ten channels" if n == 10 else f"{n} channel{'' if n == 1 else 's'}"
    return (f"{label}: skewness of the pooled layer sample "
            f"{signed(sample_skewness(pooled.ravel()))}; "
            f"mean |skewness| of the {count} {np.mean(per):.2f} "
            f"(largest {max(per):.2f})")


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


# ---- whether a comparison can be read at all ------------------------------------------------------


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


def fit_markdown(groups: dict[str, Sequence[dict]], labels: Sequence[str] = ("Convention", "Swap"),
                 similar: float = 1.1, overfit: float = 2.0) -> str:
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
                 "neither model fits its training images better than unseen ones. Our models "
                 "underfit at this schedule, so the accuracy gap between them is a gap in fitting "
                 "the training set, and the paper's reading (the same fit, better "
                 "generalisation) cannot be tested here.")
    else:
        text += (" Training minus test accuracy: " + ", ".join(
            f"{k} {signed(g, 1)} points" for k, g in gaps.items()) + ".")
    return text


def skewness_order_markdown(groups: dict[str, Sequence[dict]], more: str = "NWDBN",
                            less: str = "Convention",
                            labels: Sequence[str] = ("Convention", "Swap")) -> str:
    """The paper says ``more``'s channels lean more than ``less``'s (Sections 4.2, 5.2, 6): our
    average layer skewness of both, with n and spread, and whether ours agrees.

    The noise rule is the scoreboard's (:func:`analysis.within_noise`): a difference within
    :data:`analysis.NOISE_Z` standard errors is no difference, a single-seed side being given the
    skewness spread of ``labels`` (the headline pair)."""
    s_more = average_metric(groups.get(more, []), "skewness")
    s_less = average_metric(groups.get(less, []), "skewness")
    if not (s_more.ok and s_less.ok):
        return f"No records for both {more} and {less} yet."
    noise = seed_noise(average_metric(groups.get(label, []), "skewness") for label in labels)
    c = noisy_contrast([(1, s_more), (-1, s_less)], noise)
    text = (f"In the paper, {more}'s channels lean more than {less}'s (it gives no skewness "
            f"values for {more}). Ours: average layer skewness {more} {s_more.format(2)}, "
            f"{less} {s_less.format(2)}, a difference of {signed(c.value)}")
    if math.isfinite(c.se):
        text += (f" against seed noise of {NOISE_Z * c.se:.2f} ({NOISE_Z:g} standard errors, "
                 f"counting a single seed with the headline pair's spread)")
        if within_noise(c):
            return text + (f": no difference beyond seed noise. Our {more} run does not lean "
                           f"measurably more than {less}, so the premise is not borne out at "
                           "this scale.")
    else:
        text += " (no seed spread measured yet)"
    if c.value > 0:
        return text + f": {more} leans more, as in the paper."
    return text + f": {more} leans less than {less}, the opposite of the paper's account."


# ---- the extended chapter ---------------------------------------------------------------------


def _vgg_cfg(arch: str) -> list[int | str]:
    from .models import vgg_cfg  # torch: imported only when a chapter asks

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
    return (f"In {arch.upper()} the convolution blocks {listed} each start a new stage behind a "
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
    paper_gain = {a: pacc[(a, "swap")] - pacc[(a, "convention")] for a in acts}
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


# ---- sweeps ---------------------------------------------------------------------------------------


def sweep_markdown(runs: Runs, tag: str, metric: str, setting_sign: int, setting_name: str,
                   metric_name: str, paper_accuracy: str = "positive", weak: float = 0.2) -> str:
    """A sweep (Figures 5 and 7) on our records: Spearman's rho between the swept setting and the
    layer-averaged ``metric`` and Pearson's r between that metric and accuracy, each with the
    sign the paper reports (``setting_sign``; accuracy rises with the metric in both sweeps),
    "so far (n of N)" while runs are missing. A coefficient below ``weak`` in size has no sign."""
    pts = sweep_points(runs, tag, metric)
    total = len(runs)
    by_setting = correlation([p.setting for p in pts], [p.metric for p in pts])
    with_acc = correlation([p.metric for p in pts], [p.accuracy for p in pts])
    if not with_acc.ok:
        return f"Not enough runs of the sweep yet ({len(pts)} of {total})."

    def sign_text(value: float, expected: int, paper_text: str) -> str:
        if not math.isfinite(value) or abs(value) < weak:
            return f"too weak to have a sign (under {weak:g} in size; the paper: {paper_text})"
        return ("the paper's sign" if math.copysign(1, value) == expected
                else "the opposite of the paper's sign") + f" (the paper: {paper_text})"

    so_far = f"so far ({len(pts)} of {total} runs)" if len(pts) < total else \
        f"over all {total} runs"
    expect = "positive" if setting_sign > 0 else "negative"
    return (f"{setting_name[:1].upper() + setting_name[1:]} against average {metric_name}, "
            f"{so_far}: Spearman ρ = {signed(by_setting.rho)}, "
            f"{sign_text(by_setting.rho, setting_sign, expect)}. Average {metric_name} against "
            f"accuracy: {with_acc.format()}, {sign_text(with_acc.r, 1, paper_accuracy)}.")


# ---- the learning-rate pilot ---------------------------------------------------------------------


def pilot_summary_markdown(runs: Runs, noise: float = math.nan) -> str:
    """What the profile's learning-rate rule does to each order in the pilot: the rate it picks,
    the rate that scored best, how much the rule costs each order (set against ``noise``, see
    :func:`seed_gap_noise`), and whether any run diverged."""
    from .experiments import HYPERPARAMETERS, get_profile

    by_order: dict[str, dict[float, float]] = {}
    used: dict[str, float] = {}
    diverged = []
    for run, spec, rec in runs:
        order = run.tags["order"]
        paper_lr = HYPERPARAMETERS[("vgg", "tanh", order, "cifar100")]["lr"]
        cap = get_profile(spec.profile).lr_cap
        used[order] = paper_lr if cap is None else min(paper_lr, cap)
        if is_complete(rec):
            by_order.setdefault(order, {})[run.tags["lr"]] = final_accuracy(rec)
        elif rec is not None:
            diverged.append(f"{order.title()} at {run.tags['lr']:g}")
    parts, cost = [], {}
    for order, accs in by_order.items():
        if used[order] not in accs or len(accs) < 2:
            continue
        best = max(accs, key=accs.get)
        cost[order] = accs[best] - accs[used[order]]
        rates = ", ".join(f"{lr:g}: {a:.2f} %" for lr, a in sorted(accs.items(), reverse=True))
        verdict = ("its better rate" if best == used[order] else
                   f"the worse of its two rates, by {cost[order]:.2f} points")
        parts.append(f"{order.title()} ({rates}) runs at {used[order]:g}, {verdict}")
    if not parts:
        return "The pilot has no records for both rates of an order yet." + (
            " Diverged: " + ", ".join(diverged) + "." if diverged else "")
    text = "With the rule, " + "; ".join(parts) + "."
    if len(cost) == 2 and cost["convention"] != cost["swap"]:
        favoured = "Swap" if cost["convention"] > cost["swap"] else "Convention"
        shift = abs(cost["convention"] - cost["swap"])
        text += (f" So the rule favours {favoured}: with each order at its best pilot rate, Swap "
                 f"minus Convention in the pilot would be {shift:.2f} points "
                 f"{'smaller' if favoured == 'Swap' else 'larger'} than with the rule")
        if math.isfinite(noise):
            text += (f" ({'within' if shift < noise else 'beyond'} the seed noise of a gap "
                     f"between two single-seed runs, about {noise:.1f} points)")
        text += "."
    text += (" " + ("Diverged: " + ", ".join(diverged) + "." if diverged else
                    "No pilot run diverged."))
    return text


# ---- the saturation chapter -------------------------------------------------------------------


def saturation_blocks_markdown(groups: dict[str, Sequence[dict]], high: str = "Swap",
                               low: str = "Convention") -> str:
    """In how many blocks ``high``'s mean layer saturation is above ``low``'s, and which are not."""
    a, _ = layer_profile(groups.get(high, []), "saturation")
    b, _ = layer_profile(groups.get(low, []), "saturation")
    if a.size == 0 or b.size == 0 or a.size != b.size:
        return f"No records for both {high} and {low} yet."
    above = a > b
    text = f"{high}'s layer saturation is above {low}'s in {int(above.sum())} of {a.size} blocks"
    if above.all():
        return text + "."
    rest = [f"block {i + 1} ({a[i]:.2f} vs {b[i]:.2f})" for i in np.flatnonzero(~above)]
    return text + "; not in " + ", ".join(rest) + "."
