"""Every claim of the paper scored from the records, in the paper's order (numbers and verdicts:
:mod:`bnswap.render.scoreboard` writes the rows)."""

from __future__ import annotations

from typing import Callable, Mapping

from ..runs.experiments import SCOREBOARD_EXPERIMENTS
from . import claims as C, claims_analytic as A, claims_extended as X
from .claims import Context, Finding
from .records import Runs

Claim = Callable[[Context, str], "Finding | list[Finding]"]

CLAIMS: tuple[tuple[str, str, Claim], ...] = (
    ("headline", "saturation", C.swap_beats_convention),
    ("headline", "saturation", C.swap_saturates),
    ("headline", "asymmetry", C.asymmetric_channels),
    ("headline", "asymmetry", C.nwdbn_between),
    ("headline", "asymmetry", C.nwdbn_leans),
    ("beta_sweep", "asymmetry", X.sweep),
    ("headline", "sparsity", C.sparsity_order),
    ("affine_sweep", "sparsity", X.sweep),
    ("headline", "extended", C.nobn),
    ("headline", "extended", C.gradients),
    ("headline", "extended", C.learning_curves),
    ("table1", "extended", X.table1),
    ("table1", "extended", X.figure9),
    ("table2", "extended", X.table2),
    ("shifted_tanh", "extended", X.shifted_tanh),
    ("depth", "extended", X.depth),
    ("analytic", "saturation", A.uniform_saturation),
    ("analytic", "asymmetry", A.tanh_skewness),
    ("analytic", "sparsity", A.hurley_rickard),
)
"""Per claim (or group of claims): its experiment (one of :data:`SCOREBOARD_EXPERIMENTS`), the
chapter that discusses it (saturation, asymmetry, sparsity or extended) and its function."""


def score(data: Mapping[str, Runs], noise_runs: Runs | None = None) -> list[Finding]:
    """The findings of the claims whose experiment is in ``data`` (``data[name]`` is
    ``collect(name, profile, ...)``), in the paper's order. Only the experiments given are
    scored; ``noise_runs`` (the headline's ``collect``) lends a partial scoreboard the seed noise
    that single-seed contrasts are judged against, as the full scoreboard has it."""
    ctx = Context(data, noise_runs)
    findings: list[Finding] = []
    for name, topic, claim in CLAIMS:
        if name not in data:
            continue
        built = claim(ctx, name)
        for finding in built if isinstance(built, list) else [built]:
            finding.topic = topic
            findings.append(finding)
    return findings
