"""bnswap.analysis on synthetic records: aggregation, correlations, contrasts and the plots drawn
from the records (the verdict rules and the scoreboard: tests/test_scoreboard.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fake_records import (PROFILE, all_like_paper, as_saved, fake_runs, grads, make_record,
                          sweep_like_paper)
from scipy import stats

from bnswap.findings import records as A
from bnswap.findings import stats as St
from bnswap.runs.experiments import get_experiment
from bnswap.core.registries import arch_name
from bnswap.findings.paper import PAPER, paper, swap_gain


# ---- the paper's numbers ------------------------------------------------------------------------


def test_paper_numbers_are_consistent_and_cited():
    assert paper("acc_swap") - paper("acc_conv") == pytest.approx(paper("swap_gain"))
    assert len(paper("table1")) == 32
    assert paper("table1")[("cifar100", "vgg16", "tanh", "swap")] == 72.17
    assert paper("table1")[("tiny_imagenet", "vgg16", "relu", "swap")] == 59.045
    assert paper("table2_accuracy")[("tanh", "swap")] == paper("acc_swap")
    assert swap_gain(paper("table1"), "cifar100", "vgg16", "tanh") == pytest.approx(72.17 - 64.84)
    assert swap_gain(paper("table2_accuracy"), "tanh") == pytest.approx(paper("swap_gain"))
    assert [arch_name(a) for a in ("mobilenet", "vgg16", "vgg16_11")] == [
        "MobileNet", "VGG16", "VGG16_11"]
    assert max(paper("table7"), key=paper("table7").get) == 11
    assert paper("sparsity_swap") > paper("sparsity_conv") > paper("sparsity_nwdbn")
    assert all(c.source for c in PAPER.values())
    with pytest.raises(KeyError, match="known"):
        paper("nope")


# ---- aggregation --------------------------------------------------------------------------------


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


def test_layer_metrics_skip_undefined_saturation():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    rec = as_saved(spec, make_record(spec, sat=[None, 0.2, 0.4] + [None] * 7))
    assert A.layer_average(rec, "saturation") == pytest.approx(0.3)
    assert A.max_layer(rec, "saturation") == pytest.approx(0.4)
    assert np.isnan(A.layer_values(rec, "saturation")[0])
    with pytest.raises(ValueError, match="unknown metric"):
        A.layer_values(rec, "entropy")
    rec2 = as_saved(spec, make_record(spec, sat=[0.5, 0.4, 0.6] + [0.1] * 7))
    mean, std = A.layer_profile([rec, rec2], "skewness")
    assert mean.shape == (10,) and np.allclose(std, 0)
    assert A.max_metric([rec, rec2], "saturation").mean == pytest.approx(0.5)


def test_by_label_missing_and_failed():
    runs = fake_runs("headline", lambda run, spec: None if run.label == "NoBN" else
                     make_record(spec, status="failed" if run.label == "NWDBN" else "complete"))
    groups = A.by_label(runs)
    assert list(groups) == ["Convention", "Swap", "NWDBN", "NoBN"]
    assert len(groups["Convention"]) == 3 and groups["NWDBN"] == [] and groups["NoBN"] == []
    assert A.missing(runs) == [("NoBN", 0)]
    assert [f[0] for f in A.failed(runs)] == ["NWDBN"]


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


def test_sweep_points_learning_curve_gradients():
    runs = fake_runs("beta_sweep", sweep_like_paper)
    pts = A.sweep_points(runs, "wd_beta", "skewness")
    assert len(pts) == 11 and pts[0].setting == 0.0
    assert pts[0].metric > pts[-1].metric and pts[0].accuracy > pts[-1].accuracy
    spec = runs[0][1].replace(epochs=3)
    recs = [as_saved(spec, make_record(spec)) for _ in range(2)]
    ep, mean, std = A.learning_curve(recs, "train_loss")
    assert list(ep) == [1, 2, 3] and mean[0] == pytest.approx(4.0) and np.allclose(std, 0)
    assert A.gradient_profile(recs, "weight_grad").size == 0
    recs = [as_saved(spec, make_record(spec, gradients=grads(1.0, 2.0, 3.0)))]
    assert np.allclose(A.gradient_profile(recs, "weight_input"), 2.0)


def test_captured_samples_and_sample_skewness():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    samples = {4: {"act": [[1, 2, 3]], "block": [[0, 1, 0]], "act_layer": [[1, 2, 3, 10]]}}
    rec = as_saved(spec, make_record(spec, samples=samples))
    assert A.captured_layers(rec) == [4]
    assert A.captured(rec, 4, "act_layer").shape == (1, 4)
    assert A.captured(rec, 3, "act") is None and A.captured(None, 4, "act") is None
    v = np.random.default_rng(1).exponential(size=500)
    assert A.sample_skewness(v) == pytest.approx(stats.skew(v, bias=False))


# ---- grouping -----------------------------------------------------------------------------------


def test_group_by_tags():
    groups = A.group_by(all_like_paper()["table2"], "activation", "order")
    assert len(groups) == 6
    assert {k: len(v) for k, v in groups.items() if len(v) != 1} == {
        ("tanh", "convention"): 3, ("tanh", "swap"): 3}


# ---- plots (bnswap.plots draws from the same records) ---------------------------------------------


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_plots_draw_records_and_mark_missing_panels():
    from matplotlib.figure import Figure

    from bnswap.render import plots as P
    from bnswap.render import illustrations as I

    data = all_like_paper()
    g = A.by_label(data["headline"])
    first = {k: v[0] for k, v in g.items()}
    figs = [
        I.block_diagram(),
        P.layer_lines(g, "saturation"),
        P.metric_panels({k: g[k] for k in ("Convention", "NoBN")}),
        P.sweep_scatter(A.sweep_points(data["beta_sweep"], "wd_beta", "skewness"), "skewness", "wd"),
        P.setting_lines(A.sweep_points(data["affine_sweep"], "wd_affine", "sparsity"), "sparsity",
                        "wd"),
        P.channel_vs_layer({"Convention": first["Convention"], "Swap": first["Swap"]}, layer=7),
        P.block_outputs({k: first[k] for k in ("Convention", "NWDBN", "Swap")}, layer=7, channels=2),
        P.learning_curves(g, "test_loss"),
        P.gradient_scales({k: g[k] for k in ("Convention", "Swap")}),
        I.reference_histograms(2000),
        I.bn_after_tanh(),
        P.activation_skewness(A.group_by(data["table2"], "activation", "order")),
        P.paired_bars(["Convention", "Swap"], {k: A.accuracy(v) for k, v in g.items()},
                      {"Convention": 69.5, "Swap": 74.11}),
        P.depth_panels(A.group_by(data["depth"], "depth"), paper("table7")),
    ]
    assert any(t.get_text() == "Swap" for t in figs[0].axes[0].texts)  # the block diagram
    for fig in figs[1:]:
        assert isinstance(fig, Figure)
        labelled = [ax for ax in fig.axes if ax.get_xlabel() or ax.get_title()]
        assert labelled, fig
        assert not any(t.startswith("not run") for t in _texts(fig))
    sc = figs[3]
    assert any("r = " in t.get_text() for ax in sc.axes if ax.get_legend()
               for t in ax.get_legend().get_texts())


def test_plots_with_missing_records_show_not_run():
    from bnswap.render import plots as P

    empty = {"Convention": [], "Swap": []}
    for fig in (P.layer_lines(empty, "skewness"), P.sweep_scatter([], "skewness", "wd"),
                P.channel_vs_layer({"Convention": None, "Swap": None}),
                P.block_outputs({"Convention": None}), P.learning_curves(empty),
                P.gradient_scales(empty),
                P.depth_panels({d: [] for d in paper("table7")}, paper("table7"))):
        assert any("not run" in t for t in _texts(fig)), fig


@pytest.mark.parametrize("dataset, classes", [("cifar10", 10), ("cifar100", 100)])
def test_learned_compares_the_final_train_loss_with_guessing(dataset, classes):
    """A run 'learned' when its final training loss is at least 20 % below ln(classes)."""
    chance = math.log(classes)

    def record(train_loss):
        return {"spec": {"dataset": dataset}, "final": {"train_loss": train_loss}}

    assert A.learned(record(0.79 * chance))
    assert A.learned(record(0.1))
    assert not A.learned(record(0.81 * chance))
    assert not A.learned(record(chance))


def test_chance_loss_is_ln_classes():
    assert A.chance_loss({"spec": {"dataset": "cifar100"}}) == pytest.approx(math.log(100))
    assert A.chance_loss({"spec": {"dataset": "cifar10"}}) == pytest.approx(math.log(10))


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


# ---- closed forms of the contrast rules ---------------------------------------------------------


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
    assert [A.shallow_layers(n) for n in (1, 3, 10, 15)] == [1, 1, 4, 5]  # ceil(n / 3)
    from bnswap.findings.records import early_epochs

    assert [early_epochs(n) for n in (1, 5, 10, 200)] == [1, 1, 2, 40]  # ceil(n / 5)


def test_record_queries_skip_incomplete_records():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    good = as_saved(spec, make_record(spec, acc=41.5))
    failed = {**good, "status": "failed"}
    layerless = {k: v for k, v in good.items() if k != "layers"}
    assert A.is_complete(good) and not A.is_complete(failed)
    assert not A.is_complete(layerless) and not A.is_complete(None)
    runs = [(None, spec, good), (None, spec, failed), (None, spec, None), (None, spec, layerless)]
    assert A.records_of(runs) == [good]
    assert A.final_accuracy(good) == 41.5
