"""The verdict rules of the scoreboard: how one claim's numbers become a verdict.

Each rule compares ours with the paper's in one way (a difference, a correlation, a symmetry, a
best depth, a similar scale) and :func:`judge` combines a claim's parts with the records it rests
on. The rules' thresholds are here; :data:`bnswap.render.scoreboard.VERDICT_RULES` states them in
words, and the chapters print that above the scoreboard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .records import chance_loss, learned
from .stats import Contrast, Correlation, within_noise

REPRODUCED, DIRECTION, INCONCLUSIVE, NOT_REPRODUCED = ("reproduced", "direction only",
                                                       "inconclusive", "not reproduced")
NOT_COMPARABLE, INCOMPLETE, NOT_RUN = "not comparable", "incomplete", "not run"
VERDICTS = (REPRODUCED, DIRECTION, INCONCLUSIVE, NOT_REPRODUCED, NOT_COMPARABLE, INCOMPLETE,
            NOT_RUN)
"""Every verdict, strongest first; a part of a claim gets one of the first four or *not run*."""
SIZE_FACTOR = 2.0   # an effect within this factor of the paper's, either way, is its size
HALF = 1 / SIZE_FACTOR  # the smallest reproduced size, as a fraction of the paper's
STRONG_R = 0.5      # |r| for a reproduced correlation
WEAK_R = 0.2        # |r| below which a correlation counts as absent
SYMMETRIC = 0.5     # |skewness| below this counts as (roughly) symmetric
SIMILAR = 2.0       # two scales within this factor of each other count as "similar"
SAME_LOSS = 1.1     # two final training losses within this factor count as "about the same"


def _contrast(ours: Contrast | float) -> Contrast:
    return ours if isinstance(ours, Contrast) else Contrast(float(ours), math.nan, 1)


def would_show(ours: Contrast, paper_effect: float) -> bool:
    """Whether our noise tells the paper's effect from ours: the two differ by more than
    ``NOISE_Z`` standard errors of our difference (False without a standard error)."""
    return math.isfinite(ours.se) and not within_noise(
        Contrast(ours.value - paper_effect, ours.se, ours.n))


def size_ratio(ours: Contrast | float, paper_effect: float) -> float:
    """Our difference over the paper's (nan when either is missing or the paper's is zero)."""
    c = _contrast(ours)
    if not (math.isfinite(c.value) and math.isfinite(paper_effect) and paper_effect):
        return math.nan
    return c.value / paper_effect


def verdict_difference(ours: Contrast | float, paper_effect: float, sized: bool = True) -> str:
    """Verdict for a difference (rule "difference"); ``paper_effect``'s sign is the claimed
    direction, and with ``sized=False`` only the sign counts (the paper gives no number).

    Outside the noise: the paper's sign and within a factor :data:`SIZE_FACTOR` of its size,
    *reproduced*; the right sign but smaller or larger than that, *direction only*; the wrong
    sign, *not reproduced*. Within ``NOISE_Z`` standard errors of zero (the standard error of a
    single-seed contrast comes from :func:`stats.noisy_contrast`): *not reproduced* when the
    paper's size is more than ``NOISE_Z`` standard errors from ours (its effect would have
    shown), else *inconclusive* (our noise is too large to see it).
    """
    c = _contrast(ours)
    if c.n == 0 or not math.isfinite(c.value):
        return NOT_RUN
    if within_noise(c):
        return NOT_REPRODUCED if sized and would_show(c, paper_effect) else INCONCLUSIVE
    if c.value == 0 or math.copysign(1, c.value) != math.copysign(1, paper_effect):
        return NOT_REPRODUCED
    if not sized or HALF <= size_ratio(c, paper_effect) <= SIZE_FACTOR:
        return REPRODUCED
    return DIRECTION


def verdict_small(ours: Contrast | float, paper_effect: float) -> str:
    """Verdict for "this difference is small" (rule "small"; Table 1's ReLU gap): ours within
    ``NOISE_Z`` standard errors of zero, or no larger than :data:`SIZE_FACTOR` times the paper's
    size, is *reproduced*; otherwise *not reproduced*."""
    c = _contrast(ours)
    if c.n == 0 or not math.isfinite(c.value):
        return NOT_RUN
    small = within_noise(c) or abs(c.value) <= SIZE_FACTOR * abs(paper_effect)
    return REPRODUCED if small else NOT_REPRODUCED


def verdict_share(hits: int, total: int) -> str:
    """Verdict for "this holds everywhere" over ``total`` cases (rule "share"): all of them,
    *reproduced*; more than half, *direction only*; otherwise *not reproduced*."""
    if total <= 0:
        return NOT_RUN
    if hits == total:
        return REPRODUCED
    return DIRECTION if hits > total / 2 else NOT_REPRODUCED


def verdict_correlation(r: float | Correlation, paper_sign: int) -> str:
    if isinstance(r, Correlation):
        if r.n == 0:
            return NOT_RUN
        r = r.r if r.ok else math.nan
    if not math.isfinite(r):
        return NOT_REPRODUCED
    if r * paper_sign <= 0 or abs(r) < WEAK_R:
        return NOT_REPRODUCED
    return REPRODUCED if abs(r) >= STRONG_R else DIRECTION


def verdict_symmetric(layer_skew: float, channel_skew: float) -> str:
    if not (math.isfinite(layer_skew) and math.isfinite(channel_skew)):
        return NOT_RUN
    if abs(layer_skew) < SYMMETRIC:
        return REPRODUCED
    return DIRECTION if abs(layer_skew) < channel_skew else NOT_REPRODUCED


def verdict_best(values: dict, paper_best: Any) -> str:
    vals = {k: v for k, v in values.items() if v is not None and math.isfinite(v)}
    if paper_best not in vals:
        return NOT_RUN
    ranking = sorted(vals, key=vals.get, reverse=True)
    if ranking[0] == paper_best:
        return REPRODUCED
    return DIRECTION if paper_best in ranking[:3] else NOT_REPRODUCED


def verdict_similar(ratio: float, against_ratio: float, factor: float = SIMILAR) -> str:
    """``ratio``: one scale over the other; ``against_ratio``: the gap it is contrasted with;
    ``factor``: how far apart two scales may be and still count as similar."""
    if not (math.isfinite(ratio) and ratio > 0):
        return NOT_RUN
    gap = abs(math.log(ratio))
    if gap <= math.log(factor):
        return REPRODUCED
    if math.isfinite(against_ratio) and against_ratio > 0 and gap < abs(math.log(against_ratio)):
        return DIRECTION
    return NOT_REPRODUCED


def combine(verdicts: Iterable[str]) -> str:
    """The weakest verdict; ``not run`` if any part is not run."""
    vs = list(verdicts)
    if not vs or NOT_RUN in vs:
        return NOT_RUN
    return max(vs, key=VERDICTS.index)


@dataclass(frozen=True)
class Unlearned:
    """A configuration with runs that did not learn (:func:`bnswap.findings.records.learned`)."""

    name: str
    seeds: tuple[int, ...]
    """The seeds that did not learn when only some did; empty when all did."""
    train_loss: float
    """Their mean final training loss."""
    chance: float
    """ln(number of classes), the loss of guessing uniformly."""


def did_not_learn(used: Mapping[str, Sequence[dict]]) -> list[Unlearned]:
    """One :class:`Unlearned` per configuration in ``used`` (name -> its records) with a run that
    did not learn; its seeds are named when only some of the configuration's seeds did not."""
    out = []
    for name, records in used.items():
        bad = [r for r in records if not learned(r)]
        if not bad:
            continue
        seeds = tuple(r["spec"]["seed"] for r in bad) if len(bad) < len(records) else ()
        loss = float(np.mean([float(r["final"]["train_loss"]) for r in bad]))
        out.append(Unlearned(name, seeds, loss, chance_loss(bad[0])))
    return out


def judge(parts: Sequence[str], used: Mapping[str, Sequence[dict]],
          complete: bool | None = None) -> tuple[str, list[Unlearned]]:
    """A claim's verdict from its parts' verdicts and the records it rests on (``used``: one entry
    per configuration, empty when not recorded), with the configurations that did not learn.

    Rules ("combined"): nothing recorded: *not run*; a run that did not learn: *not comparable*;
    some configurations not recorded (or ``complete`` False, e.g. a configuration still missing
    a planned seed): *incomplete*; otherwise the weakest
    part (:func:`combine`).
    """
    if not any(used.values()):
        return NOT_RUN, []
    unlearned = did_not_learn(used)
    if unlearned:
        return NOT_COMPARABLE, unlearned
    if not (all(used.values()) if complete is None else complete):
        return INCOMPLETE, []
    return combine(parts), []
