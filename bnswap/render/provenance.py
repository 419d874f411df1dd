"""How the records were made: setup, differences from the paper, cost, profiles and the
learning-rate pilot (the methods page, which states the caveats once; the chapters quote
:func:`setup_line`)."""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..core.registries import arch_name
from ..findings.paper import PAPER
from ..findings.pilot import (BestRateGap, diverged, paper_rate, rate_choices, rule_rate,
                              rule_shift)
from ..findings.records import Runs, configuration, final_accuracy, is_complete
from ..findings.stats import noise_side
from ..runs.experiments import EXPERIMENTS
from ..runs.profiles import PROFILES
from .markdown import markdown_table


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
        seeds.setdefault(configuration(r["spec"]), set()).add(r["spec"]["seed"])
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


def setup_line(records: Sequence[dict]) -> str:
    """The setup of ``records`` in a few words, for a chapter's prose (plain text, no Markdown):
    profile, epochs, width, seeds and data source; the full list of how it departs from the
    paper's is the methods page's (:func:`caveats_markdown`)."""
    s = describe_setup(records)
    if not s:
        return "no records yet"
    return (f"the {s['profile']} profile ({s['epochs']} epochs, width {s['width']}, "
            f"{seeds_text(s)}, {s['data']} data)")


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
                   "paper's 0.1 for some settings was tuned for 200 epochs (the pilot compares "
                   "both rates in the short schedule).")
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


def _mean_cost(rows: list[dict]) -> list[str]:
    """Mean minutes per run, seconds per epoch and training images per second of cost rows."""
    return [f"{np.mean([r['train_seconds'] for r in rows]) / 60:.1f}",
            f"{np.mean([r['seconds_per_epoch'] for r in rows]):.0f}",
            f"{np.mean([r['images_per_second'] for r in rows]):.0f}"]


def cost_markdown(data: dict[str, Runs]) -> str:
    """Recorded cost per experiment (``data[name]`` as returned by collect): runs, how many are
    recorded, mean seconds per run and per epoch, images per second, total training time."""
    body = []
    for name, runs in data.items():
        rows = cost_rows(runs)
        if rows:
            hours = sum(r["train_seconds"] for r in rows) / 3600
            body.append([name, len(runs), len(rows), *_mean_cost(rows), f"{hours:.2f}",
                         " / ".join(dict.fromkeys(f"{r['device']} x{r['threads']}" for r in rows))])
        else:
            body.append([name, len(runs), 0, "-", "-", "-", "-", "-"])
    distinct = _distinct_runs(data)
    rows = cost_rows([(_Anon(), spec, rec) for spec, rec in distinct])
    if rows:
        sec = [r["train_seconds"] for r in rows]
        body.append(["**all (distinct runs)**", len(distinct), len(rows),
                     f"{np.mean(sec) / 60:.1f}", "", "", f"{sum(sec) / 3600:.2f}", ""])
    return markdown_table(["experiment", "runs", "recorded", "min per run", "s per epoch",
                           "train images/s", "total hours", "device x threads"], body)


def _distinct_runs(data: dict[str, Runs]) -> list[tuple]:
    """(spec, record) of every distinct run in ``data``: a run shared by experiments counts
    once, with its record if any copy has one."""
    distinct: dict[str, tuple] = {}
    for runs in data.values():
        for _, spec, rec in runs:
            if rec is not None or spec.key() not in distinct:
                distinct[spec.key()] = (spec, rec)
    return list(distinct.values())


def cost_by_arch_markdown(data: dict[str, Runs]) -> str:
    """Recorded cost per architecture over the distinct runs of ``data`` (as for
    :func:`cost_markdown`): what one run of each model costs, whichever experiment it serves."""
    by_arch: dict[str, list] = {}
    for spec, rec in _distinct_runs(data):
        by_arch.setdefault(spec.arch, []).append((_Anon(), spec, rec))
    body = []
    for arch, runs in by_arch.items():
        rows = cost_rows(runs)
        if not rows:
            body.append([arch_name(arch), len(runs), 0, "-", "-", "-"])
            continue
        body.append([arch_name(arch), len(runs), len(rows), *_mean_cost(rows)])
    return markdown_table(["architecture", "runs", "recorded", "min per run", "s per epoch",
                           "train images/s"], body)


def pilot_markdown(runs: Runs) -> str:
    """The learning-rate pilot: test accuracy of each (order, learning rate), with the learning
    rate the paper used (Table 3) and the one the profile's rule picks."""
    body = []
    for run, spec, rec in runs:
        order = run.tags["order"]
        paper_lr, used = paper_rate(order), rule_rate(order, spec.profile)
        acc = f"{final_accuracy(rec):.2f}" if is_complete(rec) else (
            "diverged" if rec is not None else "not run")
        body.append([order.title(), f"{run.tags['lr']:g}", acc, f"{paper_lr:g}",
                     "yes" if math.isclose(run.tags["lr"], used) else ""])
    return markdown_table(["order", "learning rate", "test accuracy (%)", "paper's lr (Table 3)",
                           "used by this profile"], body)


def profiles_markdown() -> str:
    """The profiles (:data:`bnswap.runs.profiles.PROFILES`) as a table of their settings, with
    what each is for listed under it (one column fewer, so the table fits the text column)."""
    body = [[f"`{p.name}`", p.epochs or "200 (ImageNet 100)", f"{p.width:g}" if p.width else "1",
             p.seeds, p.train_per_class or "all", f"{p.lr_cap:g}" if p.lr_cap else "none",
             p.precision or "fp32"] for p in PROFILES.values()]
    table = markdown_table(["profile", "epochs", "width", "seeds", "images per class",
                            "lr cap", "precision"], body)
    table += "\n\n" + "\n".join(f"- `{p.name}`: {p.description}" for p in PROFILES.values())
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


def pilot_summary_markdown(runs: Runs, noise: float = math.nan,
                           best: BestRateGap | None = None) -> str:
    """What the profile's learning-rate rule does to each order in the pilot: the rate it picks,
    the rate that scored best, how much the rule costs each order (set against ``noise``, see
    :func:`bnswap.findings.compare.seed_gap_noise`), Swap - Convention on every seed recorded
    at the best rates (``best``, :func:`bnswap.findings.pilot.best_rate_gap`, when the rule
    moves the gap) and whether any run diverged."""
    choices = rate_choices(runs)
    failed = diverged(runs)
    ended = " " + ("Diverged: " + ", ".join(failed) + "." if failed else "No pilot run diverged.")
    if not choices:
        return "The pilot has no records for both rates of an order yet." + (
            ended if failed else "")
    parts = []
    for order, c in choices.items():
        rates = ", ".join(f"{lr:g}: {a:.2f} %"
                          for lr, a in sorted(c.accuracy.items(), reverse=True))
        verdict = ("its better rate" if c.best == c.used else
                   f"the worse of its two rates, by {c.cost:.2f} points")
        parts.append(f"{order.title()} ({rates}) runs at {c.used:g}, {verdict}")
    text = "With the rule, " + "; ".join(parts) + "."
    shift = rule_shift(choices)
    if shift is not None and shift.shift != 0:
        text += (f" So the rule favours {shift.favoured}: with each order at its best pilot rate, "
                 f"Swap minus Convention in the pilot would be {abs(shift.shift):.2f} points "
                 f"{'smaller' if shift.favoured == 'Swap' else 'larger'} than with the rule")
        if math.isfinite(noise):
            side = noise_side(shift.shift, noise)
            text += (f" ({side} the seed noise of a gap between two single-seed runs, about "
                     f"{noise:.1f} points)")
        text += "."
        words = best_rate_words(best)
        if words:
            text += " " + words[:1].upper() + words[1:] + "."
    return text + ended


def best_rate_words(best: BestRateGap | None) -> str:
    """Swap - Convention at each order's best pilot rate, on every seed recorded there, set
    against the seed noise of that gap ("" without a gap or a measured noise)."""
    if best is None or not (math.isfinite(best.gap) and math.isfinite(best.noise)):
        return ""
    n = {o: best.accuracy[o].n for o in ("swap", "convention")}
    side = noise_side(best.gap, best.noise)
    return (f"on every seed recorded at those best rates (Swap at {best.rates['swap']:g}, n="
            f"{n['swap']}; Convention at {best.rates['convention']:g}, n={n['convention']}), "
            f"Swap - Convention is {best.gap:+.2f} points, {side} the seed noise of that gap "
            f"({best.noise:.1f})")
