"""The explorer's quadrature (bnswap.findings.gaussian): exact statistics of act(X),
X ~ N(mu, sigma^2)."""


import numpy as np
import pytest

from bnswap.core.registries import activation_info
from bnswap.findings import gaussian as G


POINTS = [(0.0, 1.0), (1.3, 0.7), (-2.5, 3.9), (3.0, 0.1), (0.05, 0.1), (2.0, 4.0)]


FIELDS = ("mean", "std", "skewness", "saturation", "bn_sparsity")


@pytest.mark.parametrize("activation", G.EXPLORER_ACTIVATIONS)
@pytest.mark.parametrize("mu,sigma", POINTS)
def test_agrees_with_adaptive_quad(activation, mu, sigma):
    ours = G.summary(activation, mu, sigma)
    ref = G.output_stats_quad(activation, mu, sigma)
    for field in FIELDS:
        assert ours[field] == pytest.approx(ref[field], abs=1e-8), field


@pytest.mark.parametrize("activation", G.EXPLORER_ACTIVATIONS)
def test_agrees_with_monte_carlo(activation):
    info = activation_info(activation)
    rng = np.random.default_rng(0)
    for mu, sigma in [(1.0, 1.5), (-0.5, 3.0)]:
        y = info.numpy_fn(rng.normal(mu, sigma, 2_000_000))
        m, s = y.mean(), y.std()
        ours = G.summary(activation, mu, sigma)
        assert ours["mean"] == pytest.approx(m, abs=3e-3)
        assert ours["std"] == pytest.approx(s, abs=3e-3)
        assert ours["skewness"] == pytest.approx(np.mean(((y - m) / s) ** 3), abs=1e-2)
        assert ours["saturation"] == pytest.approx(np.abs(y).mean() / info.bound, abs=3e-3)
        z = (y - m) / s
        sup = max(info.high - m, m - info.low) / s
        assert ours["bn_sparsity"] == pytest.approx(1 - np.abs(z).mean() / sup, abs=3e-3)
        assert ours["bn_mean_abs"] == pytest.approx(np.abs(z).mean(), abs=3e-3)


@pytest.mark.parametrize("activation", G.EXPLORER_ACTIVATIONS)
def test_symmetry_and_sign(activation):
    sigmas = np.array([0.2, 1.0, 3.0])
    zero = G.output_stats(activation, 0.0, sigmas)
    assert np.allclose(zero.skewness, 0.0, atol=1e-10)
    assert np.allclose(zero.mean, 0.0, atol=1e-12)
    pos = G.output_stats(activation, 1.5, sigmas)
    neg = G.output_stats(activation, -1.5, sigmas)
    # A positive input mean piles the output up at the upper asymptote: a long left tail.
    assert np.all(pos.skewness < -0.05)
    assert np.allclose(neg.skewness, -pos.skewness, atol=1e-10)
    assert np.allclose(neg.saturation, pos.saturation, atol=1e-12)


@pytest.mark.parametrize("activation", G.EXPLORER_ACTIVATIONS)
def test_saturation_grows_with_mean(activation):
    mus = np.array([0.0, 1.0, 2.0, 4.0, 8.0, 30.0, 300.0])
    s = G.output_stats(activation, mus, 0.5)
    assert np.all(np.diff(s.saturation[:5]) > 0)
    assert np.all(np.diff(s.saturation) >= 0)
    assert s.saturation[-1] > 0.99
    # a constant input (tiny sigma) has no spread after BN to be sparse about: BN output mass sits
    # at a single point, so the metric tends to 1
    assert G.summary(activation, 2.0, 1e-3)["bn_sparsity"] > 0.99


def test_known_values():
    # uniform-like check: tanh(X), X ~ N(0, 1): E|tanh X| from an independent quadrature
    from scipy import integrate, stats

    ref = integrate.quad(lambda x: abs(np.tanh(x)) * stats.norm.pdf(x), -np.inf, np.inf)[0]
    assert G.summary("tanh", 0.0, 1.0)["saturation"] == pytest.approx(ref, abs=1e-10)


def test_grid_shapes_and_validation():
    mus, sigmas = G.default_axes(0.5, 0.5)
    g = G.grid(mus, sigmas)
    assert set(g) == set(G.EXPLORER_ACTIVATIONS)
    assert g["tanh"].skewness.shape == (len(mus), len(sigmas))
    assert sigmas.min() > 0 and sigmas.max() == pytest.approx(4.0)
    with pytest.raises(ValueError, match="sigma"):
        G.output_stats("tanh", 0.0, 0.0)
    with pytest.raises(ValueError, match="explorer covers"):
        G.output_stats("relu", 0.0, 1.0)


@pytest.mark.parametrize("activation", G.EXPLORER_ACTIVATIONS)
def test_histograms_are_exact_probabilities(activation):
    edges, p = G.output_histogram(activation, 0.7, 1.3, bins=40)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    centres = (edges[:-1] + edges[1:]) / 2
    mean_from_bins = float(np.sum(p * centres))
    assert mean_from_bins == pytest.approx(G.summary(activation, 0.7, 1.3)["mean"], abs=0.01)
    y = np.linspace(edges[0], edges[-1], 20001)[1:-1]
    dens = G.output_density(activation, 0.7, 1.3, y)
    assert np.sum((dens[1:] + dens[:-1]) / 2 * np.diff(y)) == pytest.approx(1.0, abs=1e-3)
