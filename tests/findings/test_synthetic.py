"""bnswap.findings.gaussian and bnswap.findings.synthetic: the synthetic distributions of Appendix
A.3 (Figure 11), Figure 6 and Appendix A.10, each checked against its closed form or a Monte
Carlo estimate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from bnswap.findings import gaussian as G, synthetic as D


def test_reference_distributions_uniform_saturation_is_half():
    rows = {r["name"]: r for r in D.reference_metrics(2000)}
    assert rows["uniform on [-1, 1]"]["saturation"] == pytest.approx(0.5, abs=1e-12)
    assert abs(rows["uniform on [-1, 1]"]["skewness"]) < 1e-9
    assert rows["half -1, half +1"]["saturation"] == pytest.approx(1.0)
    near0 = rows["tanh(N(0, 0.1²)): near zero"]["saturation"]
    assert near0 < 0.1
    assert rows["tanh(N(3, 1)): one side, strongly"]["skewness"] < -1
    assert rows["Beta(2, 5) on [-1, 1]: right-skewed"]["skewness"] > 0


def test_tanh_output_stats_and_bn_after_tanh():
    m, s = G.tanh_output_stats(0.0, 0.01)
    assert m == pytest.approx(0.0, abs=1e-12) and s == pytest.approx(0.01, rel=1e-3)
    m, s = G.tanh_output_stats(2.0, 1.0)
    x = np.random.default_rng(0).normal(2.0, 1.0, 400_000)
    assert m == pytest.approx(np.tanh(x).mean(), abs=3e-3)
    assert s == pytest.approx(np.tanh(x).std(), abs=3e-3)
    pts = G.normal_quantile_points(2.0, 1.0, 2001)
    z = G.bn_after_tanh(pts, 2.0, 1.0)
    assert abs(z.mean()) < 0.02 and z.std() == pytest.approx(1.0, abs=0.02)
    # One-sided saturation: after BN the crowd sits nearer zero than a standard normal's does
    # (whose median |z| is scipy's halfnorm median, 0.674).
    assert np.median(np.abs(z)) < 0.9 * stats.halfnorm.median()


def test_sparsity_properties_match_appendix_a10():
    rows = D.sparsity_properties()
    holds = {(r["criterion"], r["meaning"]): r["holds"] for r in rows}
    assert all(v for (name, _), v in holds.items() if not name.startswith("Robin Hood"))
    robin = [r for r in rows if r["criterion"].startswith("Robin Hood")]
    assert [r["holds"] for r in robin] == [False, True]  # fails when the maximum is shared
    assert D.sparsity_of([0, 0, 0, 1]) == pytest.approx(0.75)


def test_mixed_channels_demo_layer_symmetric_channels_not():
    d = G.mixed_channels_demo(4000)
    assert abs(d["pooled_skewness"]) < 0.05
    assert d["layer_skewness"] > 1.0
    assert d["channel_skewness"][0] == pytest.approx(-d["channel_skewness"][1])
