"""The verdict rules of the scoreboard: how one claim's numbers become a verdict.

Each rule compares ours with the paper's in one way (a difference, a correlation, a symmetry, a
best depth, a similar scale) and :func:`judge` combines a claim's parts with the records it rests
on. :data:`VERDICT_RULES` states every rule in words; the chapters print it above the scoreboard.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .records import LEARNED_FRACTION, chance_loss, learned
from .stats import NOISE_Z, Contrast, Correlation, within_noise

REPRODUCED, DIRECTION, INCONCLUSIVE, NOT_REPRODUCED = ("reproduced", "direction only",
                                                       "inconclusive", "not reproduced")
NOT_COMPARABLE, INCOMPLETE, NOT_RUN = "not comparable", "incomplete", "not run"
VERDICTS = (REPRODUCED, DIRECTION, INCONCLUSIVE, NOT_REPRODUCED, NOT_COMPARABLE, INCOMPLETE,
            NOT_RUN)
"""Every verdict, strongest first; a part of a claim gets one of the first four or *not run*."""
HALF = 0.5          # an effect counts as reproduced at >= HALF of the paper's size
STRONG_R = 0.5      # |r| for a reproduced correlation
WEAK_R = 0.2        # |r| below which a correlation counts as absent
SYMMETRIC = 0.5     # |skewness| below this counts as (roughly) symmetric
SIMILAR = 2.0       # two scales within this factor of each other count as "similar"
SAME_LOSS = 1.1     # two final training losses within this factor count as "about the same"
NOISE_PAIR = ("Convention", "Swap")  # the headline pair whose seed spread is the noise floor

VERDICT_RULES = [
    ("difference", f"Our difference has the paper's sign and at least {HALF:.0%} of the paper's "
                   f"size: **{REPRODUCED}**; same sign but smaller: **{DIRECTION}**; same sign "
                   f"but within {NOISE_Z:g} standard errors of zero: **{INCONCLUSIVE}**. "
                   f"Opposite sign or zero: **{NOT_REPRODUCED}**. Where the paper states only a "
                   f"direction (no number), the right sign outside the noise is enough for "
                   f"{REPRODUCED}. The standard error is √(Σ sd²/n) over the configurations "
                   f"compared, sd being each one's standard deviation over seeds; a configuration "
                   f"with a single seed is given the seed-to-seed spread of the headline "
                   f"Convention and Swap runs of the same profile (the larger of their two sample "
                   f"standard deviations of the same quantity). Two single-seed runs thus differ "
                   f"within noise below {NOISE_Z:g} × spread × √2."),
    ("correlation", f"Same sign as the paper and |r| >= {STRONG_R}: **{REPRODUCED}**; same sign "
                    f"with {WEAK_R} <= |r| < {STRONG_R}: **{DIRECTION}**; otherwise (or fewer "
                    f"than 3 points): **{NOT_REPRODUCED}** (Pearson r; Spearman for a swept "
                    f"setting, whose values are unevenly spaced)."),
    ("symmetry", f"Layer-level |skewness| of the pooled samples below {SYMMETRIC}: "
                 f"**{REPRODUCED}**; above that but below the layer's mean channel |skewness|: "
                 f"**{DIRECTION}**; otherwise **{NOT_REPRODUCED}**."),
    ("best", f"The paper's best setting is also ours: **{REPRODUCED}**; among our best three: "
             f"**{DIRECTION}**; otherwise **{NOT_REPRODUCED}**."),
    ("similar", f"Two scales within a factor {SIMILAR:g} (two final training losses: within "
                f"{SAME_LOSS - 1:.0%}, a factor {SAME_LOSS:g}): **{REPRODUCED}**; further "
                f"apart, but closer than the comparison they are set against (for training "
                f"losses: the final test losses): **{DIRECTION}**; otherwise "
                f"**{NOT_REPRODUCED}**."),
    ("combined", f"A claim with several parts gets its weakest part's verdict. A claim none of "
                 f"whose runs is recorded is **{NOT_RUN}**, one with some but not all of them "
                 f"**{INCOMPLETE}** (with our partial figure), both with the command that runs "
                 f"them. A claim resting on a run that did not learn (final training loss not "
                 f"at least {LEARNED_FRACTION:.0%} below ln(classes), the loss of guessing) is "
                 f"**{NOT_COMPARABLE}**: such a run has the statistics of an untrained network."),
]


def verdict_difference(ours: Contrast | float, paper_effect: float, sized: bool = True) -> str:
    """Verdict for a difference (see :data:`VERDICT_RULES`). ``paper_effect``'s sign is the
    claimed direction; with ``sized=False`` only the sign counts (the paper gives no number).
    A right-signed difference within :data:`NOISE_Z` standard errors of zero is *inconclusive*
    (the standard error of a single-seed contrast comes from :func:`analysis.noisy_contrast`)."""
    c = ours if isinstance(ours, Contrast) else Contrast(float(ours), math.nan, 1)
    if c.n == 0 or not math.isfinite(c.value):
        return NOT_RUN
    if c.value == 0 or math.copysign(1, c.value) != math.copysign(1, paper_effect):
        return NOT_REPRODUCED
    if within_noise(c):
        return INCONCLUSIVE
    if not sized or abs(c.value) >= HALF * abs(paper_effect):
        return REPRODUCED
    return DIRECTION


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


def did_not_learn(used: Mapping[str, Sequence[dict]]) -> list[str]:
    """One phrase per configuration in ``used`` (name -> its records) with a run that did not
    learn (:func:`analysis.learned`), e.g. "NoBN did not learn (final train loss 4.04, chance
    4.61)"; seeds are named when only some of a configuration's seeds did not learn."""
    out = []
    for name, records in used.items():
        bad = [r for r in records if not learned(r)]
        if not bad:
            continue
        if len(bad) < len(records):
            name += " seed " + ", ".join(str(r["spec"]["seed"]) for r in bad)
        loss = np.mean([float(r["final"]["train_loss"]) for r in bad])
        out.append(f"{name} did not learn (final train loss {loss:.2f}, "
                   f"chance {chance_loss(bad[0]):.2f})")
    return out


def judge(parts: Sequence[str], used: Mapping[str, Sequence[dict]],
          complete: bool | None = None) -> tuple[str, list[str]]:
    """A claim's verdict from its parts' verdicts and the records it rests on (``used``: one entry
    per configuration, empty when not recorded), with the phrases naming runs that did not learn.

    Rules (see :data:`VERDICT_RULES`, "combined"): nothing recorded: *not run*; a run that did not
    learn: *not comparable*; some configurations not recorded (or ``complete`` False): *incomplete*;
    otherwise the weakest part (:func:`combine`).
    """
    if not any(used.values()):
        return NOT_RUN, []
    unlearned = did_not_learn(used)
    if unlearned:
        return NOT_COMPARABLE, unlearned
    if not (all(used.values()) if complete is None else complete):
        return INCOMPLETE, []
    return combine(parts), []
