"""A run as a value: everything that determines a training run, frozen and hashable.

The hash of a :class:`RunSpec` names its record in the results store, so two runs share a record
exactly when they would compute the same thing. Imports no torch: the names it checks are the
registries' (:mod:`bnswap.core.registries`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from .registries import (ARCHS, DATASETS, DEFAULT_INIT, DEFAULT_PRECISION, INITS, ORDERS,
                         PRECISIONS, activation_info)


@dataclass(frozen=True)
class RunSpec:
    """One training run (paper Section 2 and Appendix A.1)."""

    arch: str
    order: str
    activation: str
    dataset: str
    lr: float
    wd_weight: float
    """Weight decay on conv/linear weights and biases."""
    wd_gamma: float
    """Weight decay on BN's scale (gamma). NWDBN sets it and ``wd_beta`` to 0."""
    wd_beta: float
    """Weight decay on BN's shift (beta): swept in Section 4.2."""
    epochs: int
    milestones: tuple[int, ...]
    """Epochs after which the learning rate is multiplied by 0.1."""
    batch_size: int = 128
    momentum: float = 0.9
    seed: int = 0
    width: float = 1.0
    fc_bn: bool = True
    train_per_class: int | None = None
    """Train on a stratified subset of this many images per class (None: all)."""
    profile: str = "full"
    capture_layers: tuple[int, ...] = ()
    """0-based blocks whose activation / block output samples are kept (Figures 1, 8)."""
    record_gradients: bool = False
    """Record Appendix A.7's gradient scales (Figure 15) at the end of training."""
    precision: str = DEFAULT_PRECISION
    """Training precision, one of :data:`PRECISIONS`. Left out of the record and the key when it
    is the default, so the fp32 records made before precision was a field keep their keys."""
    init: str = DEFAULT_INIT
    """Weight initialisation, one of :data:`INITS`; left out of the record and the key when it is
    the default, like ``precision``."""

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"unknown arch {self.arch!r}; choose one of: {', '.join(ARCHS)}")
        if self.order not in ORDERS:
            raise ValueError(f"unknown order {self.order!r}; choose one of: {', '.join(ORDERS)}")
        activation_info(self.activation)
        if self.dataset not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset!r}; choose one of: "
                             f"{', '.join(DATASETS)}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}; choose one of: "
                             f"{', '.join(PRECISIONS)}")
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}; choose one of: {', '.join(INITS)}")
        if self.epochs < 1 or self.batch_size < 2 or self.width <= 0:
            raise ValueError(f"epochs must be >= 1, batch_size >= 2 and width > 0 (got epochs="
                             f"{self.epochs}, batch_size={self.batch_size}, width={self.width})")
        object.__setattr__(self, "milestones", tuple(int(m) for m in self.milestones))
        object.__setattr__(self, "capture_layers", tuple(int(m) for m in self.capture_layers))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["milestones"] = list(self.milestones)
        d["capture_layers"] = list(self.capture_layers)
        if d["precision"] == DEFAULT_PRECISION:
            del d["precision"]
        if d["init"] == DEFAULT_INIT:
            del d["init"]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "RunSpec":
        return cls(**{**d, "milestones": tuple(d["milestones"]),
                      "capture_layers": tuple(d.get("capture_layers", ()))})

    def key(self) -> str:
        """Content hash naming this run's record (16 hex digits)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def lr_at(self, epoch: int) -> float:
        """Multi-step schedule: ``lr * 0.1 ** (number of milestones <= epoch)`` (0-based epoch)."""
        return self.lr * 0.1 ** sum(epoch >= m for m in self.milestones)

    def steps_per_epoch(self, images: int) -> int:
        """Optimizer steps in one epoch over ``images`` training images: the full batches, and a
        last, smaller batch unless it would hold a single image (BN needs two)."""
        return images // self.batch_size + (images % self.batch_size >= 2)

    def replace(self, **changes: Any) -> "RunSpec":
        return replace(self, **changes)

    def short(self) -> str:
        """A human-readable one-line summary."""
        wd = f"wd={self.wd_weight:g}/{self.wd_gamma:g}/{self.wd_beta:g}"
        return (f"{self.arch} {self.order} {self.activation} {self.dataset} lr={self.lr:g} {wd} "
                f"ep={self.epochs} w={self.width:g} seed={self.seed}"
                f"{'' if self.precision == DEFAULT_PRECISION else ' ' + self.precision}"
                f"{'' if self.init == DEFAULT_INIT else ' init=' + self.init}"
                f" [{self.profile}]")

