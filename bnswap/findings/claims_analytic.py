"""The paper's analytic claims (Appendices A.3, A.4, A.10), scored like the trained ones but from
computation instead of records: the metrics on reference distributions, the Tanh output's exact
skewness over the input's mean and std (the explorer's quadrature), and Hurley & Rickard's
criteria checked on small vectors. They train nothing, so they read the same under every profile.
"""

from __future__ import annotations

import math

import numpy as np

from .claims import Context, Finding
from .gaussian import default_axes, output_stats, skewness_peaks
from .paper import paper
from .stats import correlation
from .verdicts import (NOT_REPRODUCED, NOT_RUN, REPRODUCED, combine, verdict_correlation,
                       verdict_share)

SATURATION_TOL = 1e-3
"""How close to the paper's 0.5 the uniform distribution's saturation must come."""
NEAR_ZERO = "tanh(N(0, 0.1²)): near zero"
UNIFORM = "uniform on [-1, 1]"
LOW_SATURATION = 0.1
"""A distribution gathered at 0 must measure below this (the paper: "becomes 0")."""


def _torch_metrics():
    """:mod:`bnswap.findings.synthetic` (the package's torch metrics), or None without torch:
    the records can be read without torch, these two claims then read *not run*."""
    try:
        from . import synthetic
    except ImportError:
        return None
    return synthetic


def _analytic(claim: str, name: str, parts: list[str], values: dict) -> Finding:
    return Finding(claim, name, parts, combine(parts), [], [], values)


def uniform_saturation(ctx: Context, name: str) -> Finding:
    """Appendix A.3, Figure 11: saturation is 0.5 for the uniform distribution on the bound's
    range and near 0 for a distribution gathered at 0."""
    synthetic = _torch_metrics()
    if synthetic is None:
        return _analytic("uniform_saturation", name, [NOT_RUN],
                         {"uniform": math.nan, "near_zero": math.nan})
    rows = {r["name"]: r for r in synthetic.reference_metrics()}
    uniform, near_zero = rows[UNIFORM]["saturation"], rows[NEAR_ZERO]["saturation"]
    parts = [REPRODUCED if abs(uniform - paper("uniform_saturation")) <= SATURATION_TOL
             else NOT_REPRODUCED,
             REPRODUCED if near_zero < LOW_SATURATION else NOT_REPRODUCED]
    return _analytic("uniform_saturation", name, parts,
                     {"uniform": uniform, "near_zero": near_zero})


def tanh_skewness(ctx: Context, name: str) -> Finding:
    """Appendix A.4, Figure 12: for X ~ N(mu, sigma²), the peak of |skewness(tanh X)| over sigma
    rises with the mean; at a fixed mean it falls for small and for large sigma (an interior
    peak), and faster below the peak than above it. On the explorer's grid (mu > 0)."""
    mus, sigmas = default_axes()
    mus = mus[mus > 0]
    peaks = skewness_peaks(output_stats("tanh", mus[:, None], sigmas[None, :]))
    rise = correlation([p["mu"] for p in peaks], [p["peak"] for p in peaks])
    interior = [p for p in peaks if p["half_below"] is not None and p["half_above"] is not None]
    steeper = [p for p in interior if p["half_below"] < p["half_above"]]
    parts = [verdict_correlation(rise.rho if rise.ok else math.nan, +1),
             verdict_share(len(interior), len(peaks)),
             verdict_share(len(steeper), len(peaks))]
    sig = np.array([p["sigma"] for p in peaks])
    return _analytic("tanh_skewness", name, parts,
                     {"rise": rise, "means": len(peaks), "interior": len(interior),
                      "steeper_below": len(steeper), "peak_sigma": (float(sig.min()),
                                                                   float(sig.max())),
                      "mu_range": (float(mus.min()), float(mus.max()))})


def hurley_rickard(ctx: Context, name: str) -> Finding:
    """Section 5.2, Appendix A.10: the sparsity metric meets 5 of Hurley & Rickard's 6 criteria;
    the paper proves scaling, rising tide, cloning, Bill Gates and babies, so the one it misses is
    Robin Hood. A criterion holds when every case checked for it does."""
    synthetic = _torch_metrics()
    if synthetic is None:
        return _analytic("hurley_rickard", name, [NOT_RUN], {"criteria": {}})
    criteria: dict[str, bool] = {}
    for r in synthetic.sparsity_properties():
        criteria[r["criterion"]] = criteria.get(r["criterion"], True) and r["holds"]
    failed = sorted(c for c, ok in criteria.items() if not ok)
    parts = [REPRODUCED if sum(criteria.values()) == paper("hurley_rickard_met") else
             NOT_REPRODUCED,
             REPRODUCED if failed == [paper("hurley_rickard_missed")] else NOT_REPRODUCED]
    return _analytic("hurley_rickard", name, parts,
                     {"criteria": criteria, "met": sum(criteria.values()), "failed": failed})
