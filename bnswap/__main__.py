"""Command line: ``python -m bnswap {list,train,experiment,measure,verify} ...`` (``--help`` on
each)."""

from __future__ import annotations

import argparse
import json
import sys

from . import cli_checks as checks
from .core.registries import ACTIVATIONS, ARCHS, DATASETS, PAPER_ORDERS, PRECISIONS
from .findings.records import layer_average
from .runs.experiments import EXPERIMENTS
from .runs.profiles import PROFILES
from .runs.results import Store
from .runs.runner import RunOptions, run_experiments, run_specs


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", default="cpu", help="torch device: cpu (default), cuda, cuda:1 ...")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    p.add_argument("--data-dir", default=None,
                   help="where datasets are found (default: $BNSWAP_DATA_DIR, else download)")
    p.add_argument("--results-dir", default=None,
                   help="results store (default: $BNSWAP_RESULTS_DIR, else the repository's "
                   "results/)")
    p.add_argument("--threads", type=checks.positive_int, default=None,
                   help=f"torch threads per run (default on a CPU: {checks.DEFAULT_CPU_THREADS}, "
                   f"as every committed record used; the numbers of a run depend on it, and "
                   f"each record states the threads it used)")
    p.add_argument("--jobs", type=checks.positive_int, default=1,
                   help="runs trained at once in separate processes (CPU: try 2 with --threads 1)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--precision", default=None, choices=PRECISIONS,
                   help="training precision, part of each run's key (default: the profile's). "
                   "bf16 pays off only with bf16 matrix units (a GPU, or a CPU with AMX-BF16: "
                   "check lscpu); on other CPUs it is about 10x slower than fp32")


def _opts(a: argparse.Namespace) -> RunOptions:
    return RunOptions(a.device, a.data_dir, a.results_dir, not a.no_progress,
                      checks.threads_for(a.device, a.threads))


def _summary(label: str, record: dict) -> str:
    if record["status"] != "complete":
        return f"{label:28s} FAILED: {record.get('error', '')}"
    sat, skew, spars = (layer_average(record, m) for m in ("saturation", "skewness", "sparsity"))
    return (f"{label:28s} acc {record['final']['test_acc']:6.2f}%  "
            f"sat {sat:.3f}  skew {skew:.3f}  sparsity {spars:.3f}  "
            f"({record['train_seconds']:.0f} s, {record['key']})")


def cmd_list(a: argparse.Namespace) -> None:
    from .runs.listing import experiment_table

    print(experiment_table(a.results_dir))
    print("profiles:")
    for p in PROFILES.values():
        print(f"  {p.name:9s} {p.description}")


def cmd_experiment(a: argparse.Namespace) -> None:
    checks.check_experiment_datasets(a.name, a.profile, a.dataset)
    pairs = run_experiments(a.name, a.profile, _opts(a), a.jobs, a.dataset, a.precision)
    for name in a.name:
        if not EXPERIMENTS[name].runs:
            print(f"{name}: nothing to train (its claims are computed when the scoreboard is "
                  "made)")
    for run, record in pairs:
        print(_summary(f"{run.label} s{record['spec']['seed']}", record))
    checks.exit_if_failed([record for _, record in pairs])


def cmd_train(a: argparse.Namespace) -> None:
    from .runs.cli_specs import train_specs

    prof, specs = train_specs(a.arch, a.order, a.activation, a.dataset, a.profile, lr=a.lr,
                              wd=a.wd, wd_bn=a.wd_bn, epochs=a.epochs, width=a.width,
                              precision=a.precision)
    records = run_specs(specs, prof, _opts(a), a.jobs)
    for s, record in zip(specs, records):
        print(_summary(s.short(), record))
    checks.exit_if_failed(records)


def cmd_measure(a: argparse.Namespace) -> None:
    store = Store(a.results_dir)
    for record in checks.matching_records(store, a.key):
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


def cmd_verify(a: argparse.Namespace) -> None:
    from .verify import verify_command

    sys.exit(verify_command(a))


def main(argv: list[str] | None = None) -> None:
    parser = checks.OneLineParser(prog="python -m bnswap", description=__doc__)
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
    p.add_argument("--lr", type=checks.learning_rate, default=None,
                   help="train at this learning rate, in (0, 10] (instead of the paper's, capped "
                   "by the profile; an override is part of the run's key)")
    p.add_argument("--wd", type=checks.weight_decay, default=None,
                   help="override the weight decay on weights, in [0, 1)")
    p.add_argument("--wd-bn", type=checks.weight_decay, default=None,
                   help="override weight decay on BN affine, in [0, 1)")
    p.add_argument("--epochs", type=checks.positive_int, default=None,
                   help="override the profile's epochs (>= 1)")
    p.add_argument("--width", type=checks.width_value, default=None,
                   help="override the profile's width, in (0, 4]")
    _common(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("measure", help="print the per-layer metrics of a stored run")
    p.add_argument("key", help="record key (or a prefix of it)")
    p.add_argument("--results-dir", default=None)
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    p.set_defaults(func=cmd_measure)

    p = sub.add_parser("verify", help="re-train a stored record's spec in a temporary store and "
                       "compare")
    p.add_argument("key", help="record key (or a prefix of it)")
    p.add_argument("--threads", type=checks.positive_int, default=None,
                   help="torch threads (default: the record's)")
    p.add_argument("--device", default=None, help="torch device (default: the record's)")
    p.add_argument("--data-dir", default=None,
                   help="where datasets are found (default: $BNSWAP_DATA_DIR, else download)")
    p.add_argument("--results-dir", default=None, help="the store holding the record")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    p.set_defaults(func=cmd_verify)

    p = sub.choices["list"]
    p.add_argument("--results-dir", default=None,
                   help="results store whose records are counted (default: $BNSWAP_RESULTS_DIR, "
                   "else the repository's results/)")

    args = parser.parse_args(argv)
    checks.run_command(args)


if __name__ == "__main__":
    main()
