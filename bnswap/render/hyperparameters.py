"""The appendix pages' computed tables: the paper's hyperparameters (Tables 3-6) beside what each
profile runs, the size of the ``full`` profile, and the results download (CSV files).

Everything here is read off :mod:`bnswap.runs.experiments` (``HYPERPARAMETERS``, ``SCHEDULE``)
and :mod:`bnswap.runs.profiles` (``PROFILES``, :meth:`Profile.apply`), the results store and the scoreboard, so the pages change
when the definitions or the records do. Tables are split by dataset or topic so each fits a
narrow text column.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..core.registries import ACTIVATION_NAMES, DATASET_NAMES, NUM_CLASSES
from ..runs.experiments import EXPERIMENTS, HYPERPARAMETERS, SCHEDULE, paper_spec
from ..runs.profiles import PROFILES, get_profile
from .markdown import markdown_table

TRAIN_IMAGES = {"cifar10": 50_000, "cifar100": 50_000, "tiny_imagenet": 100_000,
                "imagenet": 1_281_167}
"""Training-set sizes of the datasets' standard splits (the counts the data loaders see)."""

FAMILY_NAMES = {"vgg": "VGG", "mobilenet": "MobileNet"}
ORDER_NAMES = {"convention": "Convention", "swap": "Swap"}
_REPRESENTATIVE_ARCH = {"vgg": "vgg16", "mobilenet": "mobilenet"}


def _num(x: float) -> str:
    """A learning rate or weight decay as the paper's tables write it (0.1, 0.01, 0.0005)."""
    return f"{x:.10f}".rstrip("0").rstrip(".") if x else "0"


def profiles_in_order(profiles: Sequence[str] | None = None) -> list[str]:
    return list(profiles) if profiles is not None else list(PROFILES)


# ---- Tables 3-6 ----------------------------------------------------------------------------------


def hyperparameter_rows(dataset: str, profiles: Sequence[str] | None = None) -> list[dict]:
    """One row per (family, activation, order) of the paper's table for ``dataset``: the paper's
    learning rate and weight decay, and the learning rate each profile trains with
    (:meth:`Profile.lr_for`; no profile changes the weight decay)."""
    names = profiles_in_order(profiles)
    rows = []
    for (family, act, order, ds), hp in HYPERPARAMETERS.items():
        if ds != dataset:
            continue
        row = {"family": family, "activation": act, "order": order, "lr": hp["lr"],
               "wd": hp["wd"]}
        row["lr_by_profile"] = {p: get_profile(p).lr_for(hp["lr"]) for p in names}
        rows.append(row)
    return rows


def _capped_groups(names: Sequence[str]) -> "dict[float, list[str]]":
    """Profiles that cap the learning rate, grouped by their cap (the others train with the
    paper's rate everywhere)."""
    groups: dict[float, list[str]] = {}
    for p in names:
        cap = get_profile(p).lr_cap
        if cap is not None:
            groups.setdefault(cap, []).append(p)
    return groups


def hyperparameters_markdown(dataset: str, profiles: Sequence[str] | None = None) -> str:
    """Table 3-6's column for ``dataset`` as a narrow table: the paper's learning rate (which
    the profiles without a cap train with) and weight decay (which every profile keeps), then
    one column per learning-rate cap with the rate those profiles train with."""
    names = profiles_in_order(profiles)
    groups = _capped_groups(names)
    uncapped = [p for p in names if get_profile(p).lr_cap is None]
    body = [[FAMILY_NAMES[r["family"]], ACTIVATION_NAMES.get(r["activation"], r["activation"]),
             ORDER_NAMES[r["order"]], _num(r["lr"]), _num(r["wd"]),
             *(_num(r["lr_by_profile"][ps[0]]) for ps in groups.values())]
            for r in hyperparameter_rows(dataset, names)]
    paper_lr = "LR" + (f" (paper; {', '.join(uncapped)})" if uncapped else " (paper)")
    headers = ["Model", "Act.", "Order", paper_lr, "WD (paper; all)",
               *(f"LR ({', '.join(ps)})" for ps in groups.values())]
    return markdown_table(headers, body)


def lr_changes(profiles: Sequence[str] | None = None) -> dict[str, int]:
    """Per profile: in how many cells of Tables 3-6 its learning rate differs from the paper's."""
    names = profiles_in_order(profiles)
    return {p: sum(get_profile(p).lr_for(hp["lr"]) != hp["lr"] for hp in HYPERPARAMETERS.values())
            for p in names}


def lr_changes_markdown(profiles: Sequence[str] | None = None) -> str:
    """One sentence: which profiles keep every learning rate of Tables 3-6, which cap some."""
    changes = lr_changes(profiles)
    cells = len(HYPERPARAMETERS)
    keep = [f"`{p}`" for p, n in changes.items() if n == 0]
    capped = [f"`{p}` ({n} of {cells}, capped at {_num(get_profile(p).lr_cap)})"
              for p, n in changes.items() if n]
    text = f"Tables 3-6 hold {cells} (learning rate, weight decay) cells."
    if keep:
        text += f" Trained with the paper's learning rate in every cell: {', '.join(keep)}."
    if capped:
        text += f" Learning rate lowered in some cells: {', '.join(capped)}."
    return text + " No profile changes a weight decay."


# ---- schedules and the profiles' other settings -------------------------------------------------


def _schedule_cell(epochs: int, milestones: Iterable[int]) -> str:
    ms = ", ".join(str(m) for m in milestones)
    return f"{epochs} ({ms})" if ms else str(epochs)


def schedule_rows(profiles: Sequence[str] | None = None) -> list[dict]:
    """Per dataset (ImageNet's Convention and Swap separately, their milestones differ): the
    paper's batch size, epochs and LR milestones, and what each profile runs
    (:meth:`Profile.apply` on the paper's spec)."""
    names = profiles_in_order(profiles)
    rows = []
    for dataset, (epochs, milestones, batch) in SCHEDULE.items():
        orders = ("convention", "swap") if dataset == "imagenet" else ("convention",)
        for order in orders:
            spec = paper_spec("vgg16", order, "tanh", dataset)
            label = DATASET_NAMES[dataset]
            if len(orders) > 1:
                label += f" ({ORDER_NAMES[order]})"
            by_profile = {}
            for p in names:
                run = get_profile(p).apply(spec)[0]
                by_profile[p] = (run.epochs, run.milestones)
            rows.append({"dataset": dataset, "label": label, "batch": batch,
                         "epochs": spec.epochs, "milestones": spec.milestones,
                         "by_profile": by_profile})
    return rows


def schedule_markdown(profiles: Sequence[str] | None = None) -> str:
    """Epochs and LR milestones (x0.1 after each) per dataset, the paper's and each profile's."""
    names = profiles_in_order(profiles)
    body = [[r["label"], r["batch"], *(_schedule_cell(*r["by_profile"][p]) for p in names)]
            for r in schedule_rows(names)]
    return markdown_table(["Dataset", "Batch", *(f"`{p}`" for p in names)], body)


def profile_settings_markdown(profiles: Sequence[str] | None = None) -> str:
    """The settings a profile changes besides the schedule: width, seeds, training subset,
    learning-rate rule and precision, one row per profile."""
    body = []
    for p in profiles_in_order(profiles):
        prof = get_profile(p)
        subset = (f"{prof.train_per_class} per class" if prof.train_per_class else "all")
        lr = f"min(paper, {_num(prof.lr_cap)})" if prof.lr_cap is not None else "paper's"
        body.append([f"`{p}`", f"{prof.width or 1:g}", prof.seeds, subset, lr,
                     prof.precision or "fp32"])
    return markdown_table(["Profile", "Width", "Seeds", "Train images", "LR", "Precision"], body)


# ---- the size of a profile ----------------------------------------------------------------------


def train_images(spec) -> int:
    """Training images one run of ``spec`` processes over all its epochs."""
    per_epoch = (spec.train_per_class * NUM_CLASSES[spec.dataset] if spec.train_per_class
                 else TRAIN_IMAGES[spec.dataset])
    return per_epoch * spec.epochs


def steps_per_epoch(spec) -> int:
    """Optimizer steps in one epoch of ``spec`` (:meth:`RunSpec.steps_per_epoch` of the images one
    epoch processes)."""
    return spec.steps_per_epoch(train_images(spec.replace(epochs=1)))


def decay_shrink(spec, wd: float) -> float:
    """Sum of lr * ``wd`` over every optimizer step of ``spec``: how far weight decay alone pulls a
    parameter towards zero over the whole schedule, to first order (plain SGD multiplies it by
    1 - lr * wd each step; momentum enlarges every step by the same factor, so profiles compare
    alike). The weight-decay sweeps (Sections 4.2 and 5.3) need it large enough to act."""
    return steps_per_epoch(spec) * wd * sum(spec.lr_at(e) for e in range(spec.epochs))


def sweep_shrink_markdown(name: str, tag: str, profiles: Sequence[str]) -> str:
    """One sentence: the cumulative shrink (:func:`decay_shrink`) of sweep ``name``'s largest
    setting (``run.tags[tag]``) under each of ``profiles``."""
    parts = []
    for p in profiles:
        run, spec = max(EXPERIMENTS[name].expand(p), key=lambda rs: rs[0].tags[tag])
        parts.append(f"{decay_shrink(spec, run.tags[tag]):.2f} at `{p}` ({spec.epochs} epochs, "
                     f"learning rate {_num(spec.lr)})")
    largest = max(run.tags[tag] for run in EXPERIMENTS[name].runs)
    return (f"Summed over every step of a run, lr × weight decay for the sweep's largest decay "
            f"({largest:g}) is " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "")
            + parts[-1] + ".")


def experiment_size(profile: str, experiments: Sequence[str] | None = None,
                    datasets: Sequence[str] | None = None) -> list[dict]:
    """Per experiment under ``profile``: its distinct runs (specs; runs shared with another
    experiment count in both) and the training images they process, optionally restricted to
    ``datasets``."""
    out = []
    for name in experiments or EXPERIMENTS:
        specs = {spec for _, spec in EXPERIMENTS[name].expand(profile)
                 if datasets is None or spec.dataset in datasets}
        out.append({"experiment": name, "runs": len(specs),
                    "images": sum(train_images(s) for s in specs), "specs": specs})
    return out


def total_size(profile: str, datasets: Sequence[str] | None = None,
               experiments: Sequence[str] | None = None) -> dict:
    """Distinct runs and training images of every experiment (or of ``experiments``) together
    under ``profile`` (a run shared by several experiments counts once)."""
    specs = set().union(*(e["specs"] for e in experiment_size(profile, experiments, datasets)))
    return {"runs": len(specs), "images": sum(train_images(s) for s in specs)}


def _millions(n: int) -> str:
    return f"{n / 1e6:,.0f}"


def _in_words(n: int) -> str:
    return f"{n / 1e9:,.2f} billion" if n >= 1e9 else f"{n / 1e6:,.1f} million"


def experiment_size_markdown(profile: str, datasets: Sequence[str] | None = None) -> str:
    """Per experiment: distinct runs and training images under ``profile`` (plus the total over
    all experiments, with shared runs counted once)."""
    rows = experiment_size(profile, datasets=datasets)
    body = [[f"`{r['experiment']}`", r["runs"], _millions(r["images"])] for r in rows if r["runs"]]
    total = total_size(profile, datasets)
    body.append(["all (shared runs once)", total["runs"], _millions(total["images"])])
    return markdown_table(["Experiment", "Runs", "Training images (millions)"], body)


def size_ratio_markdown(larger: str, smaller: str, datasets: Sequence[str] | None = None,
                        experiments: Sequence[str] | None = None) -> str:
    """One sentence: how many times the training images of ``smaller`` the ``larger`` profile
    processes (over every experiment, or over ``experiments``; optionally on ``datasets`` only),
    and whether each image also costs more (a wider network)."""
    big = total_size(larger, datasets, experiments)
    small = total_size(smaller, datasets, experiments)
    scope = ("every experiment" if experiments is None else
             "the " + " and ".join(f"`{e}`" for e in experiments)
             + (" experiment" if len(experiments) == 1 else " experiments"))
    where = (" on " + " and ".join(DATASET_NAMES[d] for d in datasets)) if datasets else ""
    ratio = big["images"] / small["images"] if small["images"] else math.nan
    wide = (get_profile(larger).width or 1) / (get_profile(smaller).width or 1)
    cost = (f", and at {wide:g} times the width each image costs more" if wide > 1 else
            " at the same width")
    return (f"Over {scope}{where}, the `{larger}` profile trains {big['runs']} distinct runs on "
            f"{_in_words(big['images'])} training images, the `{smaller}` profile "
            f"{small['runs']} runs on {_in_words(small['images'])}: {ratio:,.0f} times the "
            f"images{cost}.")


# ---- the results download -----------------------------------------------------------------------

RECORD_FIELDS = ("key", "profile", "experiments", "arch", "order", "activation", "dataset", "seed",
                 "precision", "epochs", "width", "lr", "wd_weight", "wd_gamma", "wd_beta",
                 "test_acc", "train_acc", "saturation", "skewness", "sparsity", "train_seconds",
                 "status")
SCOREBOARD_FIELDS = ("profile", "claim", "section", "paper", "ours", "verdict")


def _fmt(value, digits: int) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:.{digits}f}"


def experiment_labels(profiles: Sequence[str] | None = None) -> dict[str, list[str]]:
    """Record key -> ``["experiment: label", ...]`` over every experiment and profile."""
    labels: dict[str, list[str]] = {}
    for p in profiles_in_order(profiles):
        for name, exp in EXPERIMENTS.items():
            for run, spec in exp.expand(p):
                entry = f"{name}: {run.label}"
                got = labels.setdefault(spec.key(), [])
                if entry not in got:
                    got.append(entry)
    return labels


def record_rows(records: Iterable[dict]) -> list[dict]:
    """The main fields of each record as strings (fixed float formats), sorted by key."""
    from ..findings.records import layer_average

    labels = experiment_labels()
    rows = []
    for rec in records:
        spec, final = rec.get("spec", {}), rec.get("final") or {}
        row = {"key": rec["key"], "profile": (rec.get("profile") or {}).get("name", ""),
               "experiments": "; ".join(labels.get(rec["key"], [])),
               "arch": spec.get("arch", ""), "order": spec.get("order", ""),
               "activation": spec.get("activation", ""), "dataset": spec.get("dataset", ""),
               "seed": spec.get("seed", ""), "precision": spec.get("precision", "fp32"),
               "epochs": spec.get("epochs", ""), "width": f"{spec.get('width', 1):g}",
               "lr": f"{spec.get('lr', math.nan):g}",
               **{k: f"{spec.get(k, math.nan):g}" for k in ("wd_weight", "wd_gamma", "wd_beta")},
               "test_acc": _fmt(final.get("test_acc"), 2),
               "train_acc": _fmt(final.get("train_acc"), 2),
               "train_seconds": _fmt(rec.get("train_seconds"), 1),
               "status": rec.get("status", "")}
        for metric in ("saturation", "skewness", "sparsity"):
            try:
                row[metric] = _fmt(layer_average(rec, metric), 4) if rec.get("layers") else ""
            except (KeyError, TypeError, ValueError):
                row[metric] = ""
        rows.append(row)
    return sorted(rows, key=lambda r: r["key"])


def scoreboard_rows(by_profile: Mapping[str, Sequence]) -> list[dict]:
    """Scoreboard rows (:class:`bnswap.render.scoreboard.Row`) per profile as dicts, in profile order
    and the paper's claim order within a profile."""
    return [{"profile": p, "claim": r.claim, "section": r.section, "paper": r.paper,
             "ours": r.ours, "verdict": r.verdict}
            for p, rows in by_profile.items() for r in rows]


def csv_text(rows: Sequence[Mapping], fields: Sequence[str]) -> str:
    """``rows`` as CSV text with a header, Unix line ends (deterministic for fixed rows)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(fields), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(path: str | Path, rows: Sequence[Mapping], fields: Sequence[str]) -> Path:
    """Write :func:`csv_text` to ``path`` only when it changes (so re-running a page does not
    touch an unchanged file); returns the path."""
    path = Path(path)
    text = csv_text(rows, fields)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def download_summary_markdown(records: Sequence[Mapping], scoreboard: Sequence[Mapping]) -> str:
    """One sentence: what the two files hold."""
    profiles = sorted({r["profile"] for r in records}, key=lambda p: (p not in PROFILES,
                      list(PROFILES).index(p) if p in PROFILES else 0, p))
    scored = list(dict.fromkeys(r["profile"] for r in scoreboard))
    return (f"The records file has {len(records)} rows (one per record; profiles: "
            f"{', '.join(f'`{p}`' for p in profiles) or 'none'}) and {len(RECORD_FIELDS)} "
            f"columns; the scoreboard file has {len(scoreboard)} rows ("
            f"{', '.join(f'`{p}`' for p in scored) or 'no profile'} "
            f"{'profile' if len(scored) == 1 else 'profiles'}).")
