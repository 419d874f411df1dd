"""Run many specs: skip those with records, train the rest, optionally several at once.

On a CPU, ``jobs`` worker processes with ``threads`` torch threads each usually beat one process
using every core (small convolutions parallelise poorly); on a GPU use ``jobs=1``. Importing it
needs no torch: :func:`run_one` reaches down into :mod:`bnswap.core` when a run is to be made.
"""

from __future__ import annotations

import ctypes
import dataclasses
import multiprocessing as mp
import os
import signal
import sys
from dataclasses import dataclass
from functools import partial
from typing import Sequence

from ..core.spec import RunSpec
from .experiments import get_experiment
from .profiles import PROFILES, Profile, get_profile
from .results import Store, checkpoint_path, run_or_load, training_allowed


DEFAULT_CPU_THREADS = 1
"""Torch threads per run on a CPU unless ``--threads`` says otherwise: every committed record
was made with 1 thread, and a run's numbers depend on the thread count."""


def threads_for(device: str | None, threads: int | None) -> int | None:
    """``threads`` if given, else :data:`DEFAULT_CPU_THREADS` on a CPU (None elsewhere: torch's
    default)."""
    if threads is not None:
        return threads
    return DEFAULT_CPU_THREADS if (device or "cpu").split(":")[0] == "cpu" else None


@dataclass(frozen=True)
class RunOptions:
    device: str = "cpu"
    data_dir: str | None = None
    results_dir: str | None = None
    progress: bool = True
    threads: int | None = None


def run_one(spec: RunSpec, profile: Profile, opts: RunOptions) -> dict:
    """The record of ``spec`` (trained if missing)."""
    threads = threads_for(opts.device, opts.threads)
    if threads:
        import torch

        torch.set_num_threads(threads)
    return run_or_load(spec, partial(_load_dataset, spec.dataset, opts.data_dir),
                       store=Store(opts.results_dir), device=opts.device, progress=opts.progress,
                       profile=profile.to_dict())


def _load_dataset(name: str, data_dir: str | None) -> object:
    """:func:`bnswap.core.data.load_dataset`, imported only when a run is trained."""
    from ..core.data import load_dataset

    return load_dataset(name, data_dir)


def _die_with_parent(parent: int) -> None:
    """Pool initializer: on Linux, ask the kernel to send SIGTERM to this worker when the process
    that started it dies, however it dies (even SIGKILL), so that no orphaned run keeps training.
    Elsewhere a no-op. An interrupted run loses at most its current epoch (checkpoints resume it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent reports it, then ends us
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)


def worker_pool(processes: int) -> mp.pool.Pool:
    """A pool of ``processes`` spawned workers that end when this process ends."""
    return mp.get_context("spawn").Pool(processes, initializer=_die_with_parent,
                                          initargs=(os.getpid(),))


def _worker(args: tuple[RunSpec, Profile, RunOptions]) -> tuple[str, str]:
    spec, profile, opts = args
    record = run_one(spec, profile, opts)
    return spec.key(), record["status"]


def training_queue(specs: list[RunSpec], store: Store) -> list[RunSpec]:
    """The specs without a record, once each, in the given order except that interrupted runs
    (those with a checkpoint) come first: a restarted queue finishes what it began."""
    missing = [s for s in dict.fromkeys(specs) if not store.exists(s)]
    return sorted(missing, key=lambda s: not checkpoint_path(s).exists())  # sorted() is stable


def run_specs(specs: list[RunSpec], profile: Profile, opts: RunOptions, jobs: int = 1) -> list[dict]:
    """Records for ``specs`` in order; missing ones are trained (``jobs`` at a time, in the
    order of :func:`training_queue`)."""
    store = Store(opts.results_dir)
    missing = training_queue(specs, store)
    if jobs > 1 and len(missing) > 1:
        threads = opts.threads or max(1, (os.cpu_count() or 1) // jobs)
        worker_opts = RunOptions(opts.device, opts.data_dir, opts.results_dir, opts.progress,
                                 threads)
        with worker_pool(min(jobs, len(missing))) as pool:
            for key, status in pool.imap_unordered(
                    _worker, [(s, profile, worker_opts) for s in missing]):
                print(f"{key}: {status}", flush=True)
    return [run_one(s, profile, opts) for s in specs]


def run_experiments(names: list[str], profile: str, opts: RunOptions, jobs: int = 1,
                    datasets: list[str] | None = None,
                    precision: str | None = None) -> list[tuple]:
    """``[(labelled run, record), ...]`` for several experiments trained as one queue.

    One queue keeps every worker busy across experiment boundaries (an experiment with an odd
    number of missing runs would otherwise leave a core idle). ``datasets`` keeps only the runs
    on those datasets (e.g. the CIFAR rows of Table 1 on a machine without ImageNet).
    ``precision`` replaces the profile's training precision (and so the runs' keys).
    """
    prof = get_profile(profile)
    if precision is not None:
        prof = dataclasses.replace(prof, precision=precision)
    pairs = [pair for name in names for pair in get_experiment(name).expand(prof)
             if datasets is None or pair[1].dataset in datasets]
    records = run_specs([spec for _, spec in pairs], prof, opts, jobs)
    return [(run, rec) for (run, _), rec in zip(pairs, records)]


def collect(name: str, profile: str, opts: RunOptions | None = None, train: bool = True,
            jobs: int = 1) -> list[tuple]:
    """``[(labelled run, spec, record or None), ...]`` for experiment ``name`` under ``profile``.

    With ``train`` (and training allowed, see :func:`bnswap.runs.results.training_allowed`), missing
    records are trained; otherwise they come back as ``None`` so a chapter can say "not run".
    """
    opts = opts or RunOptions()
    prof = get_profile(profile)
    pairs = get_experiment(name).expand(prof)
    store = Store(opts.results_dir)
    if train and training_allowed():
        from .skipped import dataset_available

        # runs whose dataset is not here (Tiny ImageNet, ImageNet) stay "not run"; the book's
        # report says so at its end
        usable = [spec for _, spec in pairs if dataset_available(spec.dataset, opts.data_dir)]
        trained = dict(zip(usable, run_specs(usable, prof, opts, jobs)))
        records = [trained[spec] if spec in trained else store.load(spec) for _, spec in pairs]
    else:
        records = [store.load(spec) for _, spec in pairs]
    return [(run, spec, rec) for (run, spec), rec in zip(pairs, records)]


def collect_all(names: Sequence[str], profile: str,
                opts: RunOptions | None = None) -> dict[str, list[tuple]]:
    """``{name: collect(name, profile, opts, train=False)}``: the stored records of several
    experiments (never trains), as the scoreboard takes them."""
    return {name: collect(name, profile, opts, train=False) for name in names}


def recorded_profiles(names: Sequence[str], results_dir: str | None = None) -> list[str]:
    """The profiles (in :data:`bnswap.runs.profiles.PROFILES` order) with at least one record of
    a run of the experiments ``names`` in the store: the rungs of the scale ladder."""
    store = Store(results_dir)
    return [p for p in PROFILES
            if any(store.exists(spec) for name in names
                   for _, spec in get_experiment(name).expand(p))]

