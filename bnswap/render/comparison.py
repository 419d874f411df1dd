"""Ours against the paper in words: gaps with their seed noise, the NWDBN skewness premise and the
weight-decay sweeps (the asymmetry and sparsity chapters). The noise sizes and correlations are
:mod:`bnswap.findings.compare`'s."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from ..findings.compare import NOISE_PAIR, headline_noise, seed_gap_noise, sweep_correlations
from ..findings.records import Runs, accuracy, average_metric, average_skewness
from ..findings.stats import NOISE_Z, Contrast, noise_side, signed, within_bound, within_noise
from ..findings.verdicts import WEAK_R
from .markdown import markdown_table


def seed_spread_markdown(groups: dict[str, list[dict]],
                         labels: Sequence[str] = NOISE_PAIR) -> str:
    """How much final accuracy moves between seeds of one configuration, measured on ``labels``
    (the headline pair, which every profile runs with several seeds)."""
    stats = {label: accuracy(groups.get(label, [])) for label in labels}
    measured = {k: s for k, s in stats.items() if s.n >= 2 and math.isfinite(s.std)}
    if not measured:
        return ("The seed-to-seed spread is not measured yet: the headline pair has fewer than two "
                "seeds on record.")
    parts = ", ".join(f"{k} {s.format(1, '%')}" for k, s in measured.items())
    ranges = ", ".join(f"{k} {max(s.values) - min(s.values):.1f}" for k, s in measured.items())
    noise = seed_gap_noise(groups, labels=labels)  # two single-seed runs: NOISE_Z √2 spread
    return (f"Seed-to-seed spread, measured: {parts} (mean ± sample standard deviation over "
            f"seeds). The range from the worst to the best seed is {ranges} points. A difference "
            f"between two single-seed runs has a standard deviation of about "
            f"{noise / NOISE_Z:.1f} points (√2 × the larger spread), so single-seed gaps "
            f"smaller than about {noise:.1f} points are within seed noise.")


def describe_gap(ours: Contrast, paper_effect: float, unit: str = "points",
                 digits: int = 2, noise: float = math.nan) -> str:
    """Our difference beside the paper's, in one short phrase: its value, the paper's, the
    direction and relative size, and its noise, e.g. ``+0.28 points (paper: +2.77): same
    direction, 10% of the paper's size; within seed noise (±1.03, 2 SE, ...)``.

    ``noise`` (:func:`bnswap.findings.compare.seed_gap_noise` of the two configurations): for a
    gap without an error bar (one seed on a side), the size below which it can be seed noise; a
    smaller gap is said to be within it."""
    if ours.n == 0 or not math.isfinite(ours.value):
        return "no records for this comparison yet."
    o = f"{signed(ours.value, digits)} {unit}".rstrip()
    head = f"{o} (paper: {signed(paper_effect, digits)})"
    if math.isfinite(ours.se):
        tail = f" (SE {ours.se:.{digits}f}, n={ours.n} seeds each)"
    elif math.isfinite(noise):
        side = noise_side(ours.value, noise, outside="outside")
        tail = (f"; {side} seed noise (±{noise:.{digits}f}, {NOISE_Z:g} SE, borrowing the "
                f"headline pair's spread for the single-seed side)")
    else:
        tail = " (one seed on a side, so no error bar)" if ours.n == 1 else ""
    if ours.value == 0 or math.copysign(1, ours.value) != math.copysign(1, paper_effect):
        return f"{head}: the opposite direction{tail}."
    ratio = abs(ours.value / paper_effect)
    size = ("about the paper's size" if 0.8 <= ratio <= 1.25
            else f"{ratio:.1f}x the paper's size" if ratio > 1.25
            else f"{ratio:.0%} of the paper's size" if ratio >= 0.01
            else "under 1% of the paper's size")
    return f"{head}: same direction, {size}{tail}."


def skewness_order_markdown(groups: dict[str, Sequence[dict]], more: str = "NWDBN",
                            less: str = "Convention",
                            labels: Sequence[str] = NOISE_PAIR) -> str:
    """The paper says ``more``'s channels lean more than ``less``'s (Sections 4.2, 5.2, 6): our
    average layer skewness of both, with n and spread, and whether ours agrees.

    The noise rule is the scoreboard's (:func:`bnswap.findings.stats.within_noise`): a difference
    within ``NOISE_Z`` standard errors is no difference, a single-seed side being given the
    skewness spread of ``labels`` (the headline pair)."""
    s_more, s_less = (average_skewness(groups.get(k, [])) for k in (more, less))
    if not (s_more.ok and s_less.ok):
        return f"No records for both {more} and {less} yet."
    c = headline_noise(groups, labels).contrast([(1, s_more), (-1, s_less)], average_skewness)
    text = (f"In the paper, {more}'s channels lean more than {less}'s (it gives no skewness "
            f"values for {more}). Ours: average layer skewness {more} {s_more.format(2)}, "
            f"{less} {s_less.format(2)}, a difference of {signed(c.value)}")
    if math.isfinite(c.se):
        text += (f" against seed noise of {NOISE_Z * c.se:.2f} ({NOISE_Z:g} standard errors, "
                 f"counting a single seed with the headline pair's spread)")
        if within_noise(c):
            return text + (f": no difference beyond seed noise. Our {more} run does not lean "
                           f"measurably more than {less}, so the premise is not borne out at "
                           "this scale.")
    else:
        text += " (no seed spread measured yet)"
    if c.value > 0:
        return text + f": {more} leans more, as in the paper."
    return text + f": {more} leans less than {less}, the opposite of the paper's account."


def skewness_order_brief(groups: dict[str, Sequence[dict]], more: str = "NWDBN",
                         less: str = "Convention", labels: Sequence[str] = NOISE_PAIR) -> str:
    """:func:`skewness_order_markdown` in one short sentence (for a page that refers back to it):
    the two average skewnesses and whether the difference stands out of seed noise."""
    s_more, s_less = (average_skewness(groups.get(k, [])) for k in (more, less))
    if not (s_more.ok and s_less.ok):
        return f"No records for both {more} and {less} yet."
    c = headline_noise(groups, labels).contrast([(1, s_more), (-1, s_less)], average_skewness)
    text = f"Ours: {more} {s_more.format(2)} against {less} {s_less.format(2)}"
    if not math.isfinite(c.se):
        return text + " (no seed spread measured yet)."
    if within_noise(c):
        return text + f", no difference beyond seed noise (±{NOISE_Z * c.se:.2f})."
    return text + (f": {more} leans more." if c.value > 0 else f": {more} leans less.")


def sweep_markdown(runs: Runs, tag: str, metric: str, setting_sign: int, setting_name: str,
                   metric_name: str, paper_accuracy: str = "positive",
                   weak: float = WEAK_R, noise: float | None = None) -> str:
    """A sweep (Figures 5 and 7) on our records: Spearman's rho between the swept setting and the
    layer-averaged ``metric`` and Pearson's r between that metric and accuracy, each with the
    sign the paper reports (``setting_sign``; accuracy rises with the metric in both sweeps),
    "so far (n of N)" while runs are missing, and the range the metric spans (how far the swept
    setting moved it), set against ``noise`` when given (``seed_gap_noise`` of the metric, in
    :mod:`bnswap.findings.compare`: a range within it means the sweep did not move the metric
    measurably). A coefficient below ``weak`` in size has no sign."""
    sw = sweep_correlations(runs, tag, metric)
    pts, by_setting, with_acc, total = sw.points, sw.setting, sw.accuracy, len(runs)
    if not with_acc.ok:
        return f"Not enough runs of the sweep yet ({len(pts)} of {total})."

    def sign_text(value: float, expected: int, paper_text: str) -> str:
        if not math.isfinite(value) or abs(value) < weak:
            return f"too weak to have a sign (under {weak:g} in size; the paper: {paper_text})"
        return ("the paper's sign" if math.copysign(1, value) == expected
                else "the opposite of the paper's sign") + f" (the paper: {paper_text})"

    so_far = f"so far ({len(pts)} of {total} runs)" if len(pts) < total else \
        f"over all {total} runs"
    expect = "positive" if setting_sign > 0 else "negative"
    values = [p.metric for p in pts]
    return (f"{setting_name[:1].upper() + setting_name[1:]} against average {metric_name}, "
            f"{so_far}: Spearman ρ = {signed(by_setting.rho)}, "
            f"{sign_text(by_setting.rho, setting_sign, expect)}. Average {metric_name} against "
            f"accuracy: {with_acc.format()}, {sign_text(with_acc.r, 1, paper_accuracy)}. "
            f"Across the sweep our average {metric_name} spans {min(values):.3f} to "
            f"{max(values):.3f}{_range_against_noise(max(values) - min(values), noise)}.")


def _range_against_noise(spread: float, noise: float | None) -> str:
    if noise is None or not math.isfinite(noise):
        return ""
    if within_bound(spread, noise):
        return (f", a range of {spread:.3f}, within the seed noise of a single gap ({noise:.3f}):"
                " the swept setting did not move it measurably")
    return f", a range of {spread:.3f}, beyond the seed noise of a single gap ({noise:.3f})"


def metric_by_profile_markdown(groups: Mapping[str, Mapping[str, Sequence[dict]]],
                               labels: Sequence[str], metric: str, digits: int = 2) -> str:
    """A table of the layer-averaged ``metric`` (and test accuracy) of each of ``labels`` under
    each profile (``{profile: groups by label}``), mean ± std over seeds: how a longer
    schedule moves it."""
    profiles = list(groups)
    header = ["model"] + [f"avg {metric}, `{p}`" for p in profiles] + \
        [f"accuracy (%), `{p}`" for p in profiles]
    body = [[label] + [average_metric(groups[p].get(label, []), metric).format(digits)
                       for p in profiles]
            + [accuracy(groups[p].get(label, [])).format(1) for p in profiles]
            for label in labels]
    return markdown_table(header, body)
