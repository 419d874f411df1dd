"""Synthetic distributions with closed forms: no records, no training.

* Appendix A.3, Figure 11 — :func:`reference_distributions` (deterministic samples on [-1, 1]) and
  their saturation (eq. 1-2) and skewness (eq. 3-4) in :func:`reference_metrics`.
* Figure 6 — BN after Tanh: :func:`tanh_output_stats` (exact moments, from
  :mod:`bnswap.explorer`), :func:`bn_after_tanh` and :func:`normal_quantile_points`.
* Section 5.2, Appendix A.10 — :func:`sparsity_of` and Hurley & Rickard's criteria in
  :func:`sparsity_properties`.
* Section 4.1 — :func:`mixed_channels_demo`: skewed channels, yet a symmetric layer.

"Samples" are evenly spaced quantiles, so every number here is deterministic.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Sequence

import numpy as np

from .analysis import sample_skewness


def _quantiles(n: int) -> np.ndarray:
    return (np.arange(n) + 0.5) / n


def reference_distributions(n: int = 20000) -> "OrderedDict[str, np.ndarray]":
    """Deterministic samples (evenly spaced quantiles, no randomness) of distributions on [-1, 1]
    that span the range of saturation and skewness values (Appendix A.3, Figure 11)."""
    from scipy import stats

    q = _quantiles(n)
    half = n // 2
    return OrderedDict([
        ("tanh(N(0, 0.1²)): near zero", np.tanh(stats.norm.ppf(q, 0, 0.1))),
        ("tanh(N(0, 1))", np.tanh(stats.norm.ppf(q, 0, 1))),
        ("uniform on [-1, 1]", 2 * q - 1),
        ("tanh(N(0, 3²)): both sides saturated", np.tanh(stats.norm.ppf(q, 0, 3))),
        ("half -1, half +1", np.concatenate([-np.ones(half), np.ones(n - half)])),
        ("Beta(2, 5) on [-1, 1]: right-skewed", 2 * stats.beta.ppf(q, 2, 5) - 1),
        ("tanh(N(1.5, 1)): one side saturated", np.tanh(stats.norm.ppf(q, 1.5, 1))),
        ("tanh(N(3, 1)): one side, strongly", np.tanh(stats.norm.ppf(q, 3, 1))),
    ])


def reference_metrics(n: int = 20000, bound: float = 1.0) -> list[dict]:
    """Saturation (eq. 1-2), signed skewness (eq. 3) and |skewness| (eq. 4 with one channel) of
    each reference distribution, computed with :mod:`bnswap.metrics`."""
    import torch

    from .metrics import channel_skewness, saturation

    rows = []
    for name, x in reference_distributions(n).items():
        t = torch.as_tensor(x, dtype=torch.float64)[:, None]
        skew = float(channel_skewness(t)[0])
        rows.append({"name": name, "saturation": saturation(t, bound), "skewness": skew,
                     "abs_skewness": abs(skew)})
    return rows


def tanh_output_stats(mu: float, sigma: float) -> tuple[float, float]:
    """Mean and standard deviation of tanh(X), X ~ N(mu, sigma^2): the statistics a following BN
    estimates in a Swap block (Figure 6). Computed by the explorer's quadrature
    (:func:`bnswap.explorer.output_stats`)."""
    from .explorer import output_stats

    s = output_stats("tanh", mu, sigma)
    return float(s.mean), float(s.std)


def bn_after_tanh(x: np.ndarray, mu: float, sigma: float, eps: float = 1e-5) -> np.ndarray:
    """(tanh(x) - mu_hat) / sqrt(sigma_hat^2 + eps): BN (gamma=1, beta=0) after Tanh, with the
    statistics of tanh(N(mu, sigma^2)) (Figure 6)."""
    m, s = tanh_output_stats(mu, sigma)
    return (np.tanh(x) - m) / math.sqrt(s * s + eps)


def normal_quantile_points(mu: float, sigma: float, n: int = 41) -> np.ndarray:
    """``n`` evenly spaced quantiles of N(mu, sigma^2): deterministic "samples" for figures."""
    from scipy import stats

    return stats.norm.ppf(_quantiles(n), mu, sigma)


def sparsity_of(values: Sequence[float]) -> float:
    """The sparsity metric (Section 5.2) of a single-channel vector."""
    import torch

    from .metrics import sparsity

    return sparsity(torch.as_tensor(np.asarray(values, float))[:, None])


def sparsity_properties() -> list[dict]:
    """Hurley & Rickard's six criteria for a sparsity measure checked on small vectors
    (Appendix A.10): each row names the criterion, the two vectors, their sparsities, the
    direction the criterion demands, and whether our metric obeys it here."""
    cases = [
        ("Robin Hood (D1)", "taking from the richest and giving to a poorer entry lowers sparsity",
         [0, 1, 3, 3], [1, 1, 2, 3], "<"),
        ("Robin Hood (D1)", "... also when the largest entry is unique",
         [0, 1, 2, 4], [1, 1, 2, 3], "<"),
        ("Scaling (D2)", "multiplying by a positive constant changes nothing",
         [0, 1, 2, 4], [0, 3, 6, 12], "="),
        ("Rising tide (D3)", "adding a constant to every entry lowers sparsity",
         [0, 1, 2, 4], [1, 2, 3, 5], "<"),
        ("Cloning (D4)", "concatenating the vector with itself changes nothing",
         [0, 1, 2, 4], [0, 1, 2, 4, 0, 1, 2, 4], "="),
        ("Bill Gates (P1)", "one entry growing without bound raises sparsity",
         [0, 1, 2, 4], [0, 1, 2, 40], ">"),
        ("Babies (P2)", "appending a zero raises sparsity",
         [0, 1, 2, 4], [0, 1, 2, 4, 0], ">"),
    ]
    rows = []
    for name, meaning, before, after, want in cases:
        s0, s1 = sparsity_of(before), sparsity_of(after)
        holds = {"<": s1 < s0 - 1e-12, ">": s1 > s0 + 1e-12, "=": abs(s1 - s0) <= 1e-12}[want]
        rows.append({"criterion": name, "meaning": meaning, "before": before, "after": after,
                     "sparsity_before": s0, "sparsity_after": s1, "expected": want,
                     "holds": holds})
    return rows


def mixed_channels_demo(n: int = 20000) -> dict:
    """Why a layer can look symmetric while its channels are not: half the channels saturate
    towards +1 (tanh of N(2, 1)), half towards -1. Returns the channels' skewness (eq. 3), the
    layer skewness k^l (eq. 4) and the skewness of all values pooled."""
    from scipy import stats

    q = _quantiles(n)
    pos = np.tanh(stats.norm.ppf(q, 2.0, 1.0))
    chans = np.stack([pos, -pos, pos, -pos])
    per = [sample_skewness(c) for c in chans]
    return {"channel_skewness": per, "layer_skewness": float(np.mean(np.abs(per))),
            "pooled_skewness": sample_skewness(chans.ravel()),
            "channel_means": [float(c.mean()) for c in chans]}
