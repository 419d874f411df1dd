"""Numbers over seeds and their noise: a :class:`Stat` over seeds, correlations (Figures 5, 7),
contrasts between configurations with their standard errors, and the one rule that says when a
difference is seed noise (:func:`within_noise`, :func:`within_bound`; the verdict rules of
:mod:`bnswap.findings.verdicts` and every chapter use it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from scipy.stats import pearsonr, spearmanr



@dataclass(frozen=True)
class Stat:
    """A value over seeds: mean, sample standard deviation (nan when n < 2) and n."""

    mean: float
    std: float
    n: int
    values: tuple[float, ...] = ()

    @classmethod
    def empty(cls) -> "Stat":
        """No values: a configuration without records (``ok`` is False, formats as "not run")."""
        return cls(math.nan, math.nan, 0)

    @property
    def ok(self) -> bool:
        return self.n > 0 and math.isfinite(self.mean)

    def format(self, digits: int = 1, unit: str = "") -> str:
        """``"38.1 ± 0.4 % (n=3)"``, ``"38.1 % (n=1)"``, or ``"not run"``."""
        if not self.ok:
            return "not run"
        u = f" {unit}" if unit else ""
        if self.n >= 2 and math.isfinite(self.std):
            return f"{self.mean:.{digits}f} ± {self.std:.{digits}f}{u} (n={self.n})"
        return f"{self.mean:.{digits}f}{u} (n={self.n})"


def aggregate(values: Iterable[float | None]) -> Stat:
    """Mean, sample std (ddof=1) and count of the finite ``values``."""
    vals = tuple(float(v) for v in values if v is not None and math.isfinite(float(v)))
    if not vals:
        return Stat.empty()
    std = float(np.std(vals, ddof=1)) if len(vals) >= 2 else math.nan
    return Stat(float(np.mean(vals)), std, len(vals), vals)


@dataclass(frozen=True)
class Correlation:
    """Pearson's r (and its two-sided p) and Spearman's rho of n points."""

    r: float
    rho: float
    n: int
    p: float = math.nan

    @property
    def ok(self) -> bool:
        return self.n >= 3 and math.isfinite(self.r)

    def format(self) -> str:
        if not self.ok:
            return f"not enough points (n={self.n})"
        return f"r = {signed(self.r)}, Spearman ρ = {signed(self.rho)} (n={self.n})"


def correlation(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Pearson and Spearman correlation of paired values (nan pairs dropped; n < 3 or a constant
    series gives nan)."""
    pts = [(float(a), float(b)) for a, b in zip(x, y)
           if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]
    n = len(pts)
    if n < 3:
        return Correlation(math.nan, math.nan, n)
    xa, ya = np.array(pts).T
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return Correlation(math.nan, math.nan, n)
    pr = pearsonr(xa, ya)
    sr = spearmanr(xa, ya)
    return Correlation(float(pr[0]), float(sr[0]), n, float(pr[1]))


def fit_line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float] | None:
    """Least-squares slope and intercept, or None with fewer than 2 distinct x."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[keep], ya[keep]
    if xa.size < 2 or np.ptp(xa) == 0:
        return None
    slope, intercept = np.polyfit(xa, ya, 1)
    return float(slope), float(intercept)


@dataclass(frozen=True)
class Contrast:
    """A linear combination of per-configuration stats, e.g. Swap minus Convention."""

    value: float
    se: float        # standard error (nan unless every term has >= 2 seeds)
    n: int           # smallest n among the terms (0: something is not run)
    borrowed: bool = False
    """Whether a single-seed term's spread was borrowed (:func:`noisy_contrast`)."""


def contrast(terms: Sequence[tuple[float, Stat]]) -> Contrast:
    """``sum(coef * stat.mean)`` with its standard error."""
    n = min((s.n for _, s in terms), default=0)
    if n == 0 or not all(s.ok for _, s in terms):
        return Contrast(math.nan, math.nan, 0)
    value = sum(c * s.mean for c, s in terms)
    if all(s.n >= 2 and math.isfinite(s.std) for _, s in terms):
        se = math.sqrt(sum((c * s.std) ** 2 / s.n for c, s in terms))
    else:
        se = math.nan
    return Contrast(float(value), se, n)


def seed_noise(stats: Iterable[Stat]) -> float:
    """The seed-to-seed noise of one configuration: the largest sample standard deviation among
    ``stats`` that have at least two seeds (nan when none has). The scoreboard measures it on the
    headline Convention/Swap pair, the configurations every profile runs with several seeds."""
    sds = [s.std for s in stats if s.n >= 2 and math.isfinite(s.std)]
    return max(sds) if sds else math.nan


NOISE_Z = 2.0
"""A difference within ``NOISE_Z`` standard errors of zero is seed noise (every chapter and the
scoreboard use this one rule, through :func:`within_noise`)."""


def within_noise(c: Contrast) -> bool:
    """Whether contrast ``c`` is within :data:`NOISE_Z` standard errors of zero (False while it
    has no standard error: then nothing says it is noise)."""
    return within_bound(c.value, NOISE_Z * c.se)


def within_bound(value: float, noise: float) -> bool:
    """Whether ``|value|`` is at most ``noise``, a seed-noise size already in :data:`NOISE_Z`
    standard errors (:func:`report.seed_gap_noise`); False when either is not finite."""
    return math.isfinite(value) and math.isfinite(noise) and abs(value) <= noise


def noise_side(value: float, noise: float, outside: str = "beyond") -> str:
    """The word a sentence sets ``value`` against ``noise`` with: "within" when
    :func:`within_bound` holds, else ``outside``."""
    return "within" if within_bound(value, noise) else outside


def noisy_contrast(terms: Sequence[tuple[float, Stat]], noise_sd: float) -> Contrast:
    """:func:`contrast`, with a standard error also when a term has a single seed.

    A term with >= 2 seeds keeps its own sample standard deviation; a single-seed term is given
    ``noise_sd`` (the seed noise measured elsewhere, see :func:`seed_noise`), so the standard error
    is ``sqrt(sum(coef**2 * sd**2 / n))`` -- for a difference of two single-seed-noise terms,
    ``noise_sd * sqrt(1/n1 + 1/n2)``. Without a measured ``noise_sd`` this is :func:`contrast`.
    """
    c = contrast(terms)
    if c.n == 0 or math.isfinite(c.se) or not math.isfinite(noise_sd):
        return c
    sd = [s.std if s.n >= 2 and math.isfinite(s.std) else noise_sd for _, s in terms]
    se = math.sqrt(sum((coef * d) ** 2 / s.n for (coef, s), d in zip(terms, sd)))
    return Contrast(c.value, se, c.n, borrowed=True)


def signed(x: float, digits: int = 2) -> str:
    """``x`` with an explicit sign, never "-0.00"; "not run" for nan."""
    if x is None or not math.isfinite(x):
        return "not run"
    return f"{round(x, digits) + 0.0:+.{digits}f}"
