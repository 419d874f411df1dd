"""``python -m bnswap verify KEY``: re-train a stored record's spec in a temporary store, with
the record's thread count, device and precision, and compare the new record with the stored one
number by number (timings excepted)."""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any, Iterator

COMPARED = ("status", "history", "final", "layers", "gradients", "data")
TIMING_FIELDS = {"seconds"}
"""Per-epoch fields that measure the machine, not the run."""


def _leaves(value: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k in sorted(value):
            if k not in TIMING_FIELDS:
                yield from _leaves(value[k], f"{where}.{k}" if where else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{where}[{i}]")
    else:
        yield where, value


def differences(old: dict, new: dict) -> list[tuple[str, Any, Any, float]]:
    """``(path, recorded, new, size)`` for every compared value that differs (size: the absolute
    difference of numbers, infinity for anything else), largest first."""
    a = dict(p for f in COMPARED for p in _leaves(old.get(f), f))
    b = dict(p for f in COMPARED for p in _leaves(new.get(f), f))
    out = []
    for path in sorted(a.keys() | b.keys()):
        x, y = a.get(path), b.get(path)
        if x == y:
            continue
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
        size = abs(x - y) if numeric and math.isfinite(x - y) else math.inf
        out.append((path, x, y, size))
    return sorted(out, key=lambda d: -d[3])


def settings_of(record: dict) -> tuple[int | None, str]:
    """(torch threads, device) a record was trained with."""
    rep = record.get("reproduce") or {}
    env = record.get("environment") or {}
    return rep.get("threads", env.get("threads")), rep.get("device", env.get("device", "cpu"))


def retrain(record: dict, threads: int | None, device: str, data_dir: str | None,
            progress: bool) -> dict:
    """A new record of ``record``'s spec, trained in a temporary store and checkpoint folder."""
    import torch

    from .core.data import load_dataset
    from .runs.results import Store, run_or_load
    from .core.spec import RunSpec

    spec = RunSpec.from_dict(record["spec"])
    if threads:
        torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory(prefix="bnswap-verify-") as tmp:
        return run_or_load(spec, partial(load_dataset, spec.dataset, data_dir),
                           store=Store(Path(tmp) / "results"), device=device, progress=progress,
                           profile=record.get("profile"), checkpoint_dir=Path(tmp) / "checkpoints")


def verify_command(a: argparse.Namespace) -> int:
    """The ``verify`` subcommand: prints the verdict, returns the exit status (0: identical)."""
    from .cli_checks import matching_records
    from .runs.results import Store
    from .core.validate import InputError, check_device

    store = Store(a.results_dir)
    found = matching_records(store, a.key)
    if not found:
        raise InputError(f"no record whose key starts with {a.key!r} in {store.root}; "
                         f"`python -m bnswap list` counts the records of each experiment")
    record = found[0]
    threads, device = settings_of(record)
    threads, device = a.threads or threads, a.device or device
    check_device(device)
    print(f"verifying {record['key']}: re-training it with {threads or 'default'} thread(s) on "
          f"{device} in a temporary store", file=sys.stderr, flush=True)
    new = retrain(record, threads, device, a.data_dir, not a.no_progress)
    diffs = differences(record, new)
    if not diffs:
        print(f"identical: {record['key']} re-trained matches its record in every compared "
              f"number ({', '.join(COMPARED)}; timings excepted)")
        return 0
    path, old, now, size = diffs[0]
    print(f"differs: {len(diffs)} value(s) differ; the largest at {path}: recorded {old!r}, now "
          f"{now!r}" + (f" (difference {size:.3g})" if math.isfinite(size) else ""))
    return 1
