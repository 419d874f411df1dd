"""Command line: ``python -m bnswap {list,train,experiment,measure} ...`` (``--help`` on each)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from .core.data import DatasetNotFoundError
from .core.registries import ACTIVATIONS, ARCHS, DATASETS, PAPER_ORDERS, PRECISIONS
from .findings.records import layer_average
from .runs.experiments import EXPERIMENTS, paper_spec
from .runs.profiles import PROFILES, get_profile
from .runs.results import CorruptRecordError, MissingRecordError, Store
from .runs.runner import RunOptions, run_experiments, run_specs


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", default="cpu", help="torch device: cpu (default), cuda, cuda:1 ...")
    p.add_argument("--data-dir", default=None,
                   help="where datasets are found (default: $BNSWAP_DATA_DIR, else download)")
    p.add_argument("--results-dir", default=None,
                   help="results store (default: $BNSWAP_RESULTS_DIR, else the repository's "
                   "results/)")
    p.add_argument("--threads", type=int, default=None, help="torch threads per run")
    p.add_argument("--jobs", type=int, default=1,
                   help="runs trained at once in separate processes (CPU: try 2 with --threads 1)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--precision", default=None, choices=PRECISIONS,
                   help="training precision, part of each run's key (default: the profile's). "
                   "bf16 pays off only with bf16 matrix units (a GPU, or a CPU with AMX-BF16: "
                   "check lscpu); on other CPUs it is about 10x slower than fp32")


def _opts(a: argparse.Namespace) -> RunOptions:
    return RunOptions(a.device, a.data_dir, a.results_dir, not a.no_progress, a.threads)


def _summary(label: str, record: dict) -> str:
    if record["status"] != "complete":
        return f"{label:28s} FAILED: {record.get('error', '')}"
    sat, skew, spars = (layer_average(record, m) for m in ("saturation", "skewness", "sparsity"))
    return (f"{label:28s} acc {record['final']['test_acc']:6.2f}%  "
            f"sat {sat:.3f}  skew {skew:.3f}  sparsity {spars:.3f}  "
            f"({record['train_seconds']:.0f} s, {record['key']})")


def cmd_list(a: argparse.Namespace) -> None:
    print("experiments:")
    for e in EXPERIMENTS.values():
        print(f"  {e.name:14s} {len(e.runs):3d} runs  {e.title} [{e.section}]")
    print("profiles:")
    for p in PROFILES.values():
        print(f"  {p.name:6s} {p.description}")


def cmd_experiment(a: argparse.Namespace) -> None:
    pairs = run_experiments(a.name, a.profile, _opts(a), a.jobs, a.dataset, a.precision)
    for run, record in pairs:
        print(_summary(f"{run.label} s{record['spec']['seed']}", record))


def cmd_train(a: argparse.Namespace) -> None:
    spec = paper_spec(a.arch, a.order, a.activation, a.dataset)
    changes = {k: v for k, v in (("lr", a.lr), ("wd_weight", a.wd), ("wd_gamma", a.wd_bn),
                                 ("wd_beta", a.wd_bn)) if v is not None}
    spec = spec.replace(**changes)
    prof = get_profile(a.profile)
    if a.epochs or a.width:  # a profile of its own, so the LR milestones scale with the epochs
        prof = dataclasses.replace(prof, epochs=a.epochs or prof.epochs,
                                   width=a.width or prof.width)
    if a.precision:
        prof = dataclasses.replace(prof, precision=a.precision)
    specs = prof.apply(spec)
    for s, record in zip(specs, run_specs(specs, prof, _opts(a), a.jobs)):
        print(_summary(s.short(), record))


def cmd_measure(a: argparse.Namespace) -> None:
    store = Store(a.results_dir)
    for record in store.records():
        if record["key"].startswith(a.key):
            if record["status"] != "complete":
                print(_summary(record["key"], record))
                return
            rows = [{k: l[k] for k in ("layer", "kind", "channels", "saturation", "skewness",
                                       "sparsity")} for l in record["layers"]]
            print(json.dumps({"spec": record["spec"], "final": record["final"], "layers": rows},
                             indent=1))
            return
    sys.exit(f"no record whose key starts with {a.key!r} in {store.root}: a key is the name of a "
             f"file there without .json; `python -m bnswap experiment NAME` prints the keys of "
             f"its runs")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bnswap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="experiments and profiles")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("experiment", help="run (or load) every run of named experiments, as one "
                       "queue")
    p.add_argument("name", nargs="+", choices=sorted(EXPERIMENTS))
    p.add_argument("--dataset", action="append", choices=DATASETS, default=None,
                   help="only the runs on this dataset (repeat for several)")
    p.add_argument("--profile", default="cpu", choices=sorted(PROFILES))
    _common(p)
    p.set_defaults(func=cmd_experiment)

    p = sub.add_parser("train", help="train one configuration at the paper's settings, scaled "
                       "by a profile")
    p.add_argument("--arch", default="vgg16_11", choices=ARCHS)
    p.add_argument("--order", default="swap", choices=PAPER_ORDERS)
    p.add_argument("--activation", default="tanh", choices=sorted(ACTIVATIONS))
    p.add_argument("--dataset", default="cifar100", choices=DATASETS)
    p.add_argument("--profile", default="cpu", choices=sorted(PROFILES))
    p.add_argument("--lr", type=float, default=None, help="override the paper's learning rate")
    p.add_argument("--wd", type=float, default=None, help="override the weight decay on weights")
    p.add_argument("--wd-bn", type=float, default=None, help="override weight decay on BN affine")
    p.add_argument("--epochs", type=int, default=None, help="override the profile's epochs")
    p.add_argument("--width", type=float, default=None, help="override the profile's width")
    _common(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("measure", help="print the per-layer metrics of a stored run")
    p.add_argument("key", help="record key (or a prefix of it)")
    p.add_argument("--results-dir", default=None)
    p.set_defaults(func=cmd_measure)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except (DatasetNotFoundError, CorruptRecordError, MissingRecordError, ValueError) as exc:
        sys.exit(f"error: {exc}")  # these messages say what to do; a traceback would bury them


if __name__ == "__main__":
    main()
