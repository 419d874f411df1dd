"""Closed forms and quadrature for Gaussian inputs: what a bounded activation does to N(mu, sigma^2)
(the explorer, Appendix A.4 and Figure 12; BN after Tanh, Figure 6), and the deterministic
reference samples of Figure 11 and Section 4.1. Numbers only: the explorer's figures, widget and
HTML are :mod:`bnswap.render.explorer`.

For X ~ N(mu, sigma^2) and a bounded, odd activation ``act`` (:data:`BOUNDED_ODD`: tanh, LeCun
tanh, softsign), this module computes, exactly up to quadrature error (no sampling), the mean,
standard deviation and skewness of Y = act(X), its saturation E|Y| / bound (eq. 1-2 in the limit of infinitely many
samples), and what a following batch normalization does to it: Z = (Y - E[Y]) / std(Y) has mean 0
and the block-output sparsity of Section 5.2,

    sparsity(Z) = 1 - E|Z| / sup|Z|,    sup|Z| = max(high - E[Y], E[Y] - low) / std(Y),

where [low, high] is the output range of ``act`` (the channel maximum of the sparsity metric,
taken over infinitely many samples).

Quadrature. With z = (x - mu) / sigma, every quantity is an integral of a function of z against
the standard normal density on [-L, L] (L = 10; the mass outside is below 1e-22). The integrands
have kinks where act(x) changes sign (x = 0: |Y|, and softsign's second derivative) and where
Y crosses its mean (|Y - E[Y]|), so the interval is cut at those points and each piece is
integrated with a composite Gauss-Legendre rule. Every piece is then analytic and the rule
converges geometrically (about 1e-10 absolute at the default sizes; tests compare with
``scipy.integrate.quad``). A grid of a few thousand (mu, sigma) points takes well under a second.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import integrate
from scipy.stats import beta, norm
from scipy.special import ndtr

from ..core.registries import BOUNDED_ODD, activation_info
from .records import sample_skewness

EXPLORER_ACTIVATIONS = BOUNDED_ODD

HALF_WIDTH = 10.0
"""Integration range in standard units: z in [-HALF_WIDTH, HALF_WIDTH]."""


def _check(activation: str) -> None:
    if activation not in EXPLORER_ACTIVATIONS:
        raise ValueError(f"the explorer covers {', '.join(EXPLORER_ACTIVATIONS)}; "
                         f"got {activation!r}")


def inverse(activation: str, y: np.ndarray) -> np.ndarray:
    """act^{-1}(y) for y strictly inside the output range (used for densities and cut points)."""
    _check(activation)
    return activation_info(activation).inverse(y)


def inverse_derivative(activation: str, y: np.ndarray) -> np.ndarray:
    """d act^{-1}(y) / dy."""
    _check(activation)
    return activation_info(activation).inverse_derivative(y)


# ---- quadrature -----------------------------------------------------------------------------


def _rule(cuts: np.ndarray, panels: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z and weights (standard normal density included) of a composite Gauss-Legendre rule
    on [-L, L] cut at ``cuts`` (shape [..., K]; values outside the range are clipped)."""
    t, w = np.polynomial.legendre.leggauss(order)
    cuts = np.clip(np.sort(cuts, axis=-1), -HALF_WIDTH, HALF_WIDTH)
    shape = cuts.shape[:-1]
    edges = np.concatenate([np.full(shape + (1,), -HALF_WIDTH), cuts,
                            np.full(shape + (1,), HALF_WIDTH)], axis=-1)
    lo, hi = edges[..., :-1], edges[..., 1:]                      # [..., K+1] segments
    frac = np.arange(panels + 1) / panels
    p_edges = lo[..., None] + (hi - lo)[..., None] * frac          # [..., K+1, P+1]
    a, b = p_edges[..., :-1], p_edges[..., 1:]                     # [..., K+1, P]
    half, mid = (b - a) / 2.0, (a + b) / 2.0
    z = mid[..., None] + half[..., None] * t                       # [..., K+1, P, m]
    weights = half[..., None] * w * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return z.reshape(shape + (-1,)), weights.reshape(shape + (-1,))


@dataclass(frozen=True)
class OutputStats:
    """Exact statistics of Y = act(X), X ~ N(mu, sigma^2), broadcast over mu and sigma."""

    activation: str
    mu: np.ndarray
    sigma: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    skewness: np.ndarray
    """Population skewness E[(Y - E Y)^3] / std^3 (eq. 3 for infinitely many samples)."""
    saturation: np.ndarray
    """E|Y| / bound (eq. 1-2): 0 when every output is 0, 1 when all sit on the asymptotes."""
    bn_sparsity: np.ndarray
    """Sparsity (Section 5.2) of the BN output Z = (Y - E Y) / std: 1 - E|Z| / sup|Z|."""
    raw_sparsity: np.ndarray
    """Sparsity of Y itself with the channel maximum at the bound (= 1 - saturation): what a
    Convention block outputs."""
    bn_mean_abs: np.ndarray
    """E|Z|, the mean absolute BN output (BN makes E[Z] = 0 and std(Z) = 1)."""


def output_stats(activation: str, mu: float | np.ndarray, sigma: float | np.ndarray, *,
                 panels: int = 8, order: int = 16) -> OutputStats:
    """Exact (quadrature) statistics of act(X) for X ~ N(mu, sigma^2); ``mu`` and ``sigma``
    broadcast against each other (sigma > 0)."""
    _check(activation)
    info = activation_info(activation)
    fn = info.numpy_fn
    mu, sigma = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float))
    if np.any(sigma <= 0) or not np.all(np.isfinite(sigma)):
        raise ValueError("sigma must be positive and finite")
    m_, s_ = mu[..., None], sigma[..., None]
    # Pass 1: E[Y] and E|Y|; cut where x = 0, i.e. z = -mu / sigma.
    z0 = -mu / sigma
    z, w = _rule(z0[..., None], panels, order)
    y = fn(m_ + s_ * z)
    mean = np.sum(w * y, axis=-1)
    mean_abs = np.sum(w * np.abs(y), axis=-1)
    # Pass 2: central moments and E|Y - E Y|; also cut where Y crosses its mean.
    with np.errstate(divide="ignore", invalid="ignore"):
        z1 = np.nan_to_num((inverse(activation, mean) - mu) / sigma, nan=0.0)  # +-inf: clipped
    z, w = _rule(np.stack([z0, z1], axis=-1), panels, order)
    d = fn(m_ + s_ * z) - mean[..., None]
    var = np.sum(w * d * d, axis=-1)
    third = np.sum(w * d ** 3, axis=-1)
    dev = np.sum(w * np.abs(d), axis=-1)
    std = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(std > 0, third / std ** 3, 0.0)
        span = np.maximum(info.high - mean, mean - info.low)
        bn_sparsity = 1.0 - dev / span
        bn_mean_abs = np.where(std > 0, dev / std, 0.0)
    saturation = mean_abs / info.bound
    return OutputStats(activation, mu, sigma, mean, std, skew, saturation, bn_sparsity,
                       1.0 - saturation, bn_mean_abs)


def output_stats_quad(activation: str, mu: float, sigma: float) -> dict[str, float]:
    """The same statistics for one point with adaptive ``scipy.integrate.quad`` (slow; a check)."""
    _check(activation)
    info = activation_info(activation)
    fn = info.numpy_fn

    def expect(g, cuts=()):
        pdf = lambda x: math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))  # noqa: E731
        lo, hi = mu - HALF_WIDTH * sigma, mu + HALF_WIDTH * sigma
        pts = sorted(c for c in cuts if lo < c < hi)
        edges = [lo, *pts, hi]
        return sum(integrate.quad(lambda x: g(float(fn(x))) * pdf(x), a, b, epsabs=1e-13,
                                  epsrel=1e-12, limit=400)[0] for a, b in zip(edges, edges[1:]))

    mean = expect(lambda y: y, (0.0,))
    cut = float(inverse(activation, mean))
    var = expect(lambda y: (y - mean) ** 2, (0.0, cut))
    third = expect(lambda y: (y - mean) ** 3, (0.0, cut))
    dev = expect(lambda y: abs(y - mean), (0.0, cut))
    std = math.sqrt(var)
    return {"mean": mean, "std": std, "skewness": third / std ** 3,
            "saturation": expect(abs, (0.0,)) / info.bound,
            "bn_sparsity": 1.0 - dev / max(info.high - mean, mean - info.low)}


def default_axes(mu_step: float = 0.1, sigma_step: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """mu in [-3, 3] and sigma in (0, 4] on regular steps (sigma starts at one step)."""
    n_mu = int(round(3.0 / mu_step))
    mus = np.round(np.arange(-n_mu, n_mu + 1) * mu_step, 10)
    sigmas = np.round(np.arange(1, int(round(4.0 / sigma_step)) + 1) * sigma_step, 10)
    return mus, sigmas


def grid(mus: Sequence[float] | np.ndarray | None = None,
         sigmas: Sequence[float] | np.ndarray | None = None,
         activations: Sequence[str] = EXPLORER_ACTIVATIONS) -> dict[str, OutputStats]:
    """:class:`OutputStats` on the (mu, sigma) grid for each activation: arrays [len(mu),
    len(sigma)]."""
    if mus is None or sigmas is None:
        d_mu, d_sigma = default_axes()
        mus = d_mu if mus is None else mus
        sigmas = d_sigma if sigmas is None else sigmas
    mus, sigmas = np.asarray(mus, dtype=float), np.asarray(sigmas, dtype=float)
    return {a: output_stats(a, mus[:, None], sigmas[None, :]) for a in activations}


def input_histogram(mu: float, sigma: float, bins: int = 60,
                    span: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Exact bin probabilities of X ~ N(mu, sigma^2) on [-span, span]: (edges, masses)."""
    edges = np.linspace(-span, span, bins + 1)
    return edges, np.diff(ndtr((edges - mu) / sigma))


def output_histogram(activation: str, mu: float, sigma: float,
                     bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Exact bin probabilities of Y = act(X) on the output range: (edges, masses)."""
    info = activation_info(activation)
    edges = np.linspace(info.low, info.high, bins + 1)
    with np.errstate(divide="ignore"):
        x = inverse(activation, edges)
    return edges, np.diff(ndtr((x - mu) / sigma))


def output_density(activation: str, mu: float, sigma: float, y: np.ndarray) -> np.ndarray:
    """Density of Y = act(X) at ``y`` (inside the output range), by change of variables."""
    x = inverse(activation, y)
    zz = (x - mu) / sigma
    return np.exp(-0.5 * zz * zz) / (sigma * math.sqrt(2 * math.pi)) * inverse_derivative(
        activation, y)


def summary(activation: str, mu: float, sigma: float) -> dict[str, float]:
    """The readouts of one point as plain floats."""
    s = output_stats(activation, mu, sigma)
    return {k: float(getattr(s, k)) for k in ("mean", "std", "skewness", "saturation",
                                               "bn_sparsity", "raw_sparsity", "bn_mean_abs")}


def skewness_peaks(stats: OutputStats) -> list[dict[str, float | None]]:
    """For each input mean on the grid: the input std at which |skewness| peaks, the peak, and
    the distance in sigma from the peak to the last grid sigma where |skewness| is still at least
    half of it, below (``half_below``) and above (``half_above``; ``None`` when it is still above
    half at the grid's largest sigma)."""
    rows = []
    sigmas = stats.sigma[0, :]
    for i, m in enumerate(stats.mu[:, 0]):
        a = np.abs(stats.skewness[i])
        j = int(np.argmax(a))
        half = a >= a[j] / 2
        lo = j
        while lo > 0 and half[lo - 1]:
            lo -= 1
        hi = j
        while hi + 1 < len(a) and half[hi + 1]:
            hi += 1
        rows.append({"mu": float(m), "sigma": float(sigmas[j]), "peak": float(a[j]),
                     "half_below": float(sigmas[j] - sigmas[lo]) if lo > 0 else None,
                     "half_above": float(sigmas[hi] - sigmas[j]) if hi + 1 < len(a) else None})
    return rows


# ---- Figures 6 and 11, Section 4.1: deterministic samples ---------------------------------------


def _quantiles(n: int) -> np.ndarray:
    return (np.arange(n) + 0.5) / n


def reference_distributions(n: int = 20000) -> "OrderedDict[str, np.ndarray]":
    """Deterministic samples (evenly spaced quantiles, no randomness) of distributions on [-1, 1]
    that span the range of saturation and skewness values (Appendix A.3, Figure 11)."""
    q = _quantiles(n)
    half = n // 2
    return OrderedDict([
        ("tanh(N(0, 0.1²)): near zero", np.tanh(norm.ppf(q, 0, 0.1))),
        ("tanh(N(0, 1))", np.tanh(norm.ppf(q, 0, 1))),
        ("uniform on [-1, 1]", 2 * q - 1),
        ("tanh(N(0, 3²)): both sides saturated", np.tanh(norm.ppf(q, 0, 3))),
        ("half -1, half +1", np.concatenate([-np.ones(half), np.ones(n - half)])),
        ("Beta(2, 5) on [-1, 1]: right-skewed", 2 * beta.ppf(q, 2, 5) - 1),
        ("tanh(N(1.5, 1)): one side saturated", np.tanh(norm.ppf(q, 1.5, 1))),
        ("tanh(N(3, 1)): one side, strongly", np.tanh(norm.ppf(q, 3, 1))),
    ])


def tanh_output_stats(mu: float, sigma: float) -> tuple[float, float]:
    """Mean and standard deviation of tanh(X), X ~ N(mu, sigma^2): the statistics a following BN
    estimates in a Swap block (Figure 6), by the explorer's quadrature (:func:`output_stats`)."""
    s = output_stats("tanh", mu, sigma)
    return float(s.mean), float(s.std)


def bn_after_tanh(x: np.ndarray, mu: float, sigma: float, eps: float = 1e-5) -> np.ndarray:
    """(tanh(x) - mu_hat) / sqrt(sigma_hat^2 + eps): BN (gamma=1, beta=0) after Tanh, with the
    statistics of tanh(N(mu, sigma^2)) (Figure 6)."""
    m, s = tanh_output_stats(mu, sigma)
    return (np.tanh(x) - m) / math.sqrt(s * s + eps)


def normal_quantile_points(mu: float, sigma: float, n: int = 41) -> np.ndarray:
    """``n`` evenly spaced quantiles of N(mu, sigma^2): deterministic "samples" for figures."""
    return norm.ppf(_quantiles(n), mu, sigma)


def mixed_channels_demo(n: int = 20000) -> dict:
    """Why a layer can look symmetric while its channels are not: half the channels saturate
    towards +1 (tanh of N(2, 1)), half towards -1. Returns the channels' skewness (eq. 3), the
    layer skewness k^l (eq. 4) and the skewness of all values pooled."""
    q = _quantiles(n)
    pos = np.tanh(norm.ppf(q, 2.0, 1.0))
    chans = np.stack([pos, -pos, pos, -pos])
    per = [sample_skewness(c) for c in chans]
    return {"channel_skewness": per, "layer_skewness": float(np.mean(np.abs(per))),
            "pooled_skewness": sample_skewness(chans.ravel()),
            "channel_means": [float(c.mean()) for c in chans]}
