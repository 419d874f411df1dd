"""The runs ``python -m bnswap train`` trains: the paper's setting scaled by a profile, then the
explicit overrides. An override is always honoured (and so part of the run's key): ``--lr 0.05``
under a profile with a learning-rate cap trains at 0.05, never at the cap."""

from __future__ import annotations

import dataclasses

from ..core.spec import RunSpec
from .experiments import paper_spec
from .profiles import Profile, get_profile


def train_specs(arch: str, order: str, activation: str, dataset: str, profile: str, *,
                lr: float | None = None, wd: float | None = None, wd_bn: float | None = None,
                epochs: int | None = None, width: float | None = None,
                precision: str | None = None) -> tuple[Profile, list[RunSpec]]:
    """(profile as executed, runs) for one configuration of ``train``."""
    prof = get_profile(profile)
    if epochs is not None or width is not None:  # a profile of its own: milestones scale
        prof = dataclasses.replace(prof, epochs=epochs or prof.epochs, width=width or prof.width)
    changes = {k: v for k, v in (("lr", lr), ("wd_weight", wd), ("wd_gamma", wd_bn),
                                 ("wd_beta", wd_bn), ("precision", precision)) if v is not None}
    specs = [s.replace(**changes) for s in prof.apply(paper_spec(arch, order, activation, dataset))]
    return prof, specs
