"""The command line's checks and error handling: one-line errors, ``--debug`` tracebacks, Ctrl-C,
thread defaults, failed runs as a non-zero exit, record look-up by key prefix."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from .core import interrupt
from .runs.runner import DEFAULT_CPU_THREADS, threads_for  # noqa: F401 (the CLI's)
from .core.validate import (InputError, check_data_dir, check_device, learning_rate,  # noqa: F401
                       positive_float, positive_int, weight_decay, width_value)

class OneLineParser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line: ``PROG: error: MESSAGE (see --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def preflight(args: argparse.Namespace) -> None:
    """Check the device and folders a command was given before it does any work."""
    from .core.paths import cache_dir, resolve_data_dir
    from .runs.results import results_dir

    if getattr(args, "device", None):
        check_device(args.device)
    if hasattr(args, "data_dir"):
        check_data_dir(resolve_data_dir(args.data_dir))
    if hasattr(args, "results_dir"):
        root = results_dir(args.results_dir)
        if root.exists() and not root.is_dir():
            raise InputError(f"the results folder {root} is a file, not a folder; choose a "
                             f"folder with --results-dir or BNSWAP_RESULTS_DIR")
    if args.command in ("train", "experiment", "verify"):
        cache = cache_dir()
        if cache.exists() and not cache.is_dir():
            raise InputError(f"the cache folder {cache} is a file, not a folder; choose a folder "
                             f"with BNSWAP_CACHE_DIR")


def run_command(args: argparse.Namespace) -> None:
    """Run ``args.func`` after :func:`preflight`; expected errors end in one line on stderr and
    a non-zero exit (``--debug``: the traceback), Ctrl-C in one line saying how to resume."""
    from .core.data import DatasetNotFoundError
    from .runs.results import CorruptRecordError, MissingRecordError

    debug = getattr(args, "debug", False)
    interrupted = False
    try:
        preflight(args)
        args.func(args)
    except KeyboardInterrupt:
        if debug:
            raise
        interrupted = True  # exit below, once the traceback (and any worker pool) is released
    except (DatasetNotFoundError, CorruptRecordError, MissingRecordError, ValueError,
            OSError) as exc:
        if debug:
            raise
        text = " ".join(str(exc).split())  # these messages say what to do: one line, no traceback
        sys.exit(f"error: {text} (--debug shows a traceback)" if isinstance(exc, OSError)
                 and not isinstance(exc, DatasetNotFoundError) else f"error: {text}")
    if interrupted:
        import gc

        gc.collect()  # a pool's semaphores are released here, not warned about at exit
        print(interrupt.message(), file=sys.stderr)
        sys.exit(130)


def exit_if_failed(records: list[dict]) -> None:
    """Exit 1 with one line when any run failed (its record is kept, marked failed)."""
    failed = [r for r in records if r.get("status") != "complete"]
    if failed:
        first = failed[0]
        sys.exit(f"error: {len(failed)} of {len(records)} run(s) failed, e.g. {first['key']}: "
                 f"{first.get('error', 'no error recorded')}; delete its record "
                 f"({first['key']}.json in the results folder) to train it again")


def matching_records(store, prefix: str) -> list[dict]:
    """The one record whose key starts with ``prefix`` (a list of it), [] when none does; an
    :class:`InputError` listing them when several do."""
    from .runs.results import read_record

    paths = store.record_paths(prefix.lower())
    exact = [p for p in paths if p.stem == prefix.lower()]
    paths = exact or paths
    if len(paths) > 1:
        shown = ", ".join(p.stem for p in paths[:10])
        more = f" and {len(paths) - 10} more" if len(paths) > 10 else ""
        raise InputError(f"key prefix {prefix!r} matches {len(paths)} records in {store.root}: "
                         f"{shown}{more}; give more digits")
    return [read_record(p) for p in paths]


def check_experiment_datasets(names: list[str], profile: str, datasets: list[str] | None) -> None:
    """Refuse ``--dataset`` values that leave the named experiments without any run."""
    from .runs.experiments import get_experiment

    if not datasets:
        return
    have = sorted({s.dataset for n in names for _, s in get_experiment(n).expand(profile)})
    if not set(datasets) & set(have):
        raise InputError(f"{', '.join(names)} has no run on {', '.join(datasets)}; its datasets: "
                         f"{', '.join(have)}")


def cpu_count() -> int:
    return os.cpu_count() or 1
