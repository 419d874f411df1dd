"""The verdict rules of :mod:`bnswap.findings.verdicts` in words, as the chapters and the
methods page print them above a scoreboard. Every threshold is the rule's own constant."""

from __future__ import annotations

from ..findings.records import LEARNED_FRACTION
from ..findings.stats import NOISE_Z
from ..findings.verdicts import (DIRECTION, HALF, INCOMPLETE, INCONCLUSIVE, NOT_COMPARABLE,
                                 NOT_REPRODUCED, NOT_RUN, REPRODUCED, SAME_LOSS, SIMILAR,
                                 SIZE_FACTOR, STRONG_R, SYMMETRIC, WEAK_R)

VERDICT_RULES = [
    ("difference", f"Outside seed noise: our difference with the paper's sign and within a "
                   f"factor {SIZE_FACTOR:g} of its size (from {HALF:.0%} to {SIZE_FACTOR:.0%}) is "
                   f"**{REPRODUCED}**; the right sign but smaller or larger than that is "
                   f"**{DIRECTION}** (the row's numbers say which); the wrong sign is "
                   f"**{NOT_REPRODUCED}**. Within {NOISE_Z:g} standard errors of zero, the result "
                   f"is **{NOT_REPRODUCED}** when the paper's size lies more than {NOISE_Z:g} "
                   f"standard errors from ours (our noise would have shown the paper's effect), "
                   f"and **{INCONCLUSIVE}** when it does not (our noise is too large to see it). "
                   f"Where the paper states only a direction (no number), the right sign outside "
                   f"the noise is {REPRODUCED} and a result within the noise {INCONCLUSIVE}. The "
                   f"standard error is √(Σ sd²/n) over the configurations compared, sd being each "
                   f"one's standard deviation over seeds; a configuration with a single seed "
                   f"borrows the seed-to-seed spread of the headline Convention and Swap runs of "
                   f"the same profile (the larger of their two sample standard deviations of the "
                   f"same quantity), and its row says so. Two single-seed runs thus differ within "
                   f"noise below {NOISE_Z:g} × spread × √2."),
    ("small", f"A difference the paper finds small (Table 1's ReLU column): ours within "
              f"{NOISE_Z:g} standard errors of zero or at most {SIZE_FACTOR:g} times the paper's "
              f"size is **{REPRODUCED}**, otherwise **{NOT_REPRODUCED}**."),
    ("share", f"A property claimed everywhere (the analytic claims, checked on a grid): true in "
              f"every case, **{REPRODUCED}**; in more than half, **{DIRECTION}**; otherwise "
              f"**{NOT_REPRODUCED}**. A computed value checked against the paper's number (the "
              f"uniform distribution's saturation) must match within the row's tolerance."),
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
                 f"whose runs is recorded is **{NOT_RUN}**, one with some but not all of them (each "
                 f"seed a run) **{INCOMPLETE}** (with our partial figure), both with the command that runs "
                 f"them. A claim resting on a run that did not learn (final training loss not "
                 f"at least {LEARNED_FRACTION:.0%} below ln(classes), the loss of guessing) is "
                 f"**{NOT_COMPARABLE}**: such a run has the statistics of an untrained network."),
    ("caveat", f"A profile's learning rates are fixed before its runs (the pilot's rule). Where "
               f"that profile's pilot shows the rule moving Swap - Convention by more than the "
               f"noise of a gap between two single-seed runs ({NOISE_Z:g} × spread × √2), the "
               f"verdict on Swap against Convention stands but is marked †, and its row gives "
               f"the pilot's gap at the rule's rates and at each order's best rate."),
]


def rules_markdown() -> str:
    """The verdict rules (:data:`VERDICT_RULES`) as a Markdown list."""
    return "\n".join(f"- *{name}*: {text}" for name, text in VERDICT_RULES)
