"""What a book run left untrained and why, for the last lines of its report: runs whose dataset
is not in the data folder (Tiny ImageNet, ImageNet), or every missing run when training is off."""

from __future__ import annotations

from collections import Counter

from ..core.paths import cache_dir, resolve_data_dir
from ..core.registries import DATASETS

DOWNLOADABLE = ("cifar10", "cifar100")
"""Datasets torchvision can fetch: their runs are never skipped for a missing folder."""
NAMES = {"cifar10": "CIFAR-10", "cifar100": "CIFAR-100", "tiny_imagenet": "Tiny ImageNet",
         "imagenet": "ImageNet"}


def dataset_available(name: str, data_dir: str | None = None) -> bool:
    """Whether ``name`` can be loaded here without a download it cannot make (a source in the
    data folder or a converted copy in the cache; CIFAR is always worth trying)."""
    from ..core.data import _candidates

    if name in DOWNLOADABLE:
        return True
    if any(_candidates(name, resolve_data_dir(data_dir))):
        return True
    return any(cache_dir().glob(f"{name}-*.pt"))


def missing_specs(profile: str, results_dir: str | None = None) -> list:
    """Every distinct run of every experiment under ``profile`` without a record."""
    from .experiments import EXPERIMENTS
    from .results import Store

    store = Store(results_dir)
    specs = dict.fromkeys(s for e in EXPERIMENTS.values() for _, s in e.expand(profile))
    return [s for s in specs if not store.exists(s)]


def skipped_report(profile: str, data_dir: str | None, results_dir: str | None,
                   trained: bool) -> str:
    """One line per reason for the runs a book run did not train ('' when none is missing)."""
    missing = missing_specs(profile, results_dir)
    if not missing:
        return ""
    if not trained:
        return (f"skipped: {len(missing)} run(s) of the {profile} profile have no record and "
                f"training was off (--no-train or BNSWAP_NO_TRAIN); the chapters show them as "
                f"not run")
    where = resolve_data_dir(data_dir)
    lines = []
    absent = Counter(s.dataset for s in missing if not dataset_available(s.dataset, data_dir))
    if absent:
        need = " and ".join(f"{NAMES[d]} ({n})" for d, n in sorted(absent.items(),
                                                                  key=lambda i: DATASETS.index(i[0])))
        lines.append(f"skipped: {sum(absent.values())} run(s) need {need}: not found in "
                     f"{where if where else 'any data folder (none set: BNSWAP_DATA_DIR or --data-dir)'}"
                     f"; see README › Data")
    rest = [s for s in missing if dataset_available(s.dataset, data_dir)]
    if rest:
        lines.append(f"not recorded: {len(rest)} run(s) still have no record (failed or "
                     f"interrupted); `python -m bnswap list` counts them per experiment")
    return "\n".join(lines)
