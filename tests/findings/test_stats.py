"""Stats over seeds, correlations, contrasts and the seed-noise rule (bnswap.findings.stats)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from bnswap.findings import records as A, stats as St


def test_aggregate_and_format():
    s = St.aggregate([38.0, 38.5, 37.8])
    assert s.n == 3 and s.mean == pytest.approx(np.mean([38.0, 38.5, 37.8]))
    assert s.std == pytest.approx(np.std([38.0, 38.5, 37.8], ddof=1))
    assert s.format(1, "%") == f"{s.mean:.1f} ± {s.std:.1f} % (n=3)"
    one = St.aggregate([38.1, None, float("nan")])
    assert one.n == 1 and math.isnan(one.std)
    assert one.format(1, "%") == "38.1 % (n=1)"
    assert St.aggregate([]).format() == "not run"
    empty = St.Stat.empty()
    assert (empty.n, empty.values, empty.ok) == (0, (), False)
    assert math.isnan(empty.mean) and math.isnan(empty.std)
    assert St.aggregate([]) == empty and St.aggregate([None, float("nan")]) == empty


def test_correlation_pearson_spearman_and_degenerate_cases():
    x = [0, 1, 2, 3, 4]
    y = [0, 1, 8, 27, 64]
    c = St.correlation(x, y)
    assert c.n == 5 and c.rho == pytest.approx(1.0)
    assert c.r == pytest.approx(stats.pearsonr(x, y)[0])
    assert St.correlation([1, 2, -3, 4], [-1, -2, 3, float("nan")]).n == 3
    assert not St.correlation([1, 2], [3, 4]).ok
    assert not St.correlation([1, 1, 1], [1, 2, 3]).ok
    assert St.fit_line([0, 1, 2], [1, 3, 5]) == pytest.approx((2.0, 1.0))
    assert St.fit_line([1, 1], [0, 1]) is None


def test_seed_noise_is_the_larger_measured_spread():
    conv, swap = St.aggregate([30.0, 30.3, 29.7]), St.aggregate([36.0, 36.5, 35.5])
    assert St.seed_noise([conv, swap]) == pytest.approx(0.5)
    assert St.seed_noise([conv, St.aggregate([1.0])]) == pytest.approx(0.3)  # one seed: no spread
    assert math.isnan(St.seed_noise([St.aggregate([1.0]), St.Stat.empty()]))


def test_noisy_contrast_gives_single_seed_terms_the_seed_noise():
    conv = St.aggregate([30.0, 30.3, 29.7])  # sd 0.3, n=3
    one = St.aggregate([30.28])               # a single seed
    c = St.noisy_contrast([(1, one), (-1, conv)], 0.5)
    assert c.value == pytest.approx(0.28) and c.n == 1
    assert c.se == pytest.approx(math.sqrt(0.5**2 / 1 + 0.3**2 / 3))
    both_single = St.noisy_contrast([(1, one), (-1, St.aggregate([30.0]))], 0.5)
    assert both_single.se == pytest.approx(0.5 * math.sqrt(2))  # sd * sqrt(1/n1 + 1/n2)
    # Without a measured noise, or with every term measured, it is contrast().
    assert math.isnan(St.noisy_contrast([(1, one), (-1, conv)], math.nan).se)
    assert St.noisy_contrast([(1, conv), (-1, conv)], 9.0) == St.contrast([(1, conv), (-1, conv)])
    assert St.noisy_contrast([(1, one), (-1, St.Stat.empty())], 0.5).n == 0


def test_contrast_standard_error_is_the_closed_form():
    """SE of sum(c * mean) over independent configurations: sqrt(sum(c^2 sd^2 / n)), with the
    sample SD (ddof=1) of each, and n the smallest number of seeds."""
    rng = np.random.default_rng(4)
    a, b = rng.normal(40, 0.5, size=3), rng.normal(35, 0.3, size=5)
    sa, sb = St.aggregate(a), St.aggregate(b)
    c = St.contrast([(1, sa), (-1, sb)])
    assert c.value == pytest.approx(a.mean() - b.mean())
    assert c.se == pytest.approx(math.sqrt(a.var(ddof=1) / 3 + b.var(ddof=1) / 5))
    assert c.n == 3
    # A single-seed term has no SD: no SE, unless the seed noise is given.
    one = St.aggregate([37.0])
    assert math.isnan(St.contrast([(1, one), (-1, sb)]).se)
    assert St.noisy_contrast([(1, one), (-1, sb)], 0.4).se == pytest.approx(
        math.sqrt(0.4**2 / 1 + b.var(ddof=1) / 5))


def test_within_noise_edge_and_the_small_rules():
    assert St.within_noise(St.Contrast(2.0, 1.0, 3))          # exactly NOISE_Z standard errors
    assert not St.within_noise(St.Contrast(2.0001, 1.0, 3))
    assert St.within_noise(St.Contrast(-1.5, 1.0, 3))         # the sign does not matter
    assert not St.within_noise(St.Contrast(0.1, math.nan, 1))  # no SE: nothing says it is noise
    # the same rule against a noise already in NOISE_Z standard errors
    assert St.within_bound(-2.0, 2.0) and not St.within_bound(2.0001, 2.0)
    assert not St.within_bound(0.1, math.nan) and not St.within_bound(math.nan, 2.0)
    # and its word: an unmeasured noise never reads as "within"
    assert [St.noise_side(v, 2.0) for v in (-2.0, 2.5)] == ["within", "beyond"]
    assert St.noise_side(0.1, math.nan, outside="outside") == "outside"
    assert [A.shallow_layers(n) for n in (1, 3, 10, 15)] == [1, 1, 4, 5]  # ceil(n / 3)
    from bnswap.findings.records import early_epochs

    assert [early_epochs(n) for n in (1, 5, 10, 200)] == [1, 1, 2, 40]  # ceil(n / 5)
