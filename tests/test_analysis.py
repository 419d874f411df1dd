"""bnswap.analysis on synthetic records: aggregation, correlations, verdict rules, the scoreboard
and the plots drawn from the records."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fake_records import (PROFILE, all_like_paper, as_saved, fake_runs, grads, headline_like_paper,
                          make_record, sweep_like_paper)
from scipy import stats

from bnswap import analysis as A
from bnswap import scoreboard as S
from bnswap.experiments import get_experiment
from bnswap.results import Store
from bnswap.runner import collect


# ---- the paper's numbers ------------------------------------------------------------------------


def test_paper_numbers_are_consistent_and_cited():
    assert A.paper("acc_swap") - A.paper("acc_conv") == pytest.approx(A.paper("swap_gain"))
    assert len(A.paper("table1")) == 32
    assert A.paper("table1")[("cifar100", "vgg16", "tanh", "swap")] == 72.17
    assert A.paper("table1")[("tiny_imagenet", "vgg16", "relu", "swap")] == 59.045
    assert A.paper("table2_accuracy")[("tanh", "swap")] == A.paper("acc_swap")
    assert max(A.paper("table7"), key=A.paper("table7").get) == 11
    assert A.paper("sparsity_swap") > A.paper("sparsity_conv") > A.paper("sparsity_nwdbn")
    assert all(c.source for c in A.PAPER.values())
    with pytest.raises(KeyError, match="known"):
        A.paper("nope")


# ---- aggregation --------------------------------------------------------------------------------


def test_aggregate_and_format():
    s = A.aggregate([38.0, 38.5, 37.8])
    assert s.n == 3 and s.mean == pytest.approx(np.mean([38.0, 38.5, 37.8]))
    assert s.std == pytest.approx(np.std([38.0, 38.5, 37.8], ddof=1))
    assert s.format(1, "%") == f"{s.mean:.1f} ± {s.std:.1f} % (n=3)"
    one = A.aggregate([38.1, None, float("nan")])
    assert one.n == 1 and math.isnan(one.std)
    assert one.format(1, "%") == "38.1 % (n=1)"
    assert A.aggregate([]).format() == "not run"
    empty = A.Stat.empty()
    assert (empty.n, empty.values, empty.ok) == (0, (), False)
    assert math.isnan(empty.mean) and math.isnan(empty.std)
    assert A.aggregate([]) == empty and A.aggregate([None, float("nan")]) == empty


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
    c = A.correlation(x, y)
    assert c.n == 5 and c.rho == pytest.approx(1.0)
    assert c.r == pytest.approx(stats.pearsonr(x, y)[0])
    assert A.correlation([1, 2, -3, 4], [-1, -2, 3, float("nan")]).n == 3
    assert not A.correlation([1, 2], [3, 4]).ok
    assert not A.correlation([1, 1, 1], [1, 2, 3]).ok
    assert A.fit_line([0, 1, 2], [1, 3, 5]) == pytest.approx((2.0, 1.0))
    assert A.fit_line([1, 1], [0, 1]) is None


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


# ---- verdict rules ----------------------------------------------------------------------------


def test_verdict_difference_rules():
    assert S.verdict_difference(3.0, 4.61) == S.REPRODUCED          # >= half the paper's effect
    assert S.verdict_difference(1.0, 4.61) == S.DIRECTION           # right sign, too small
    assert S.verdict_difference(-1.0, 4.61) == S.NOT_REPRODUCED     # wrong sign
    assert S.verdict_difference(0.0, 4.61) == S.NOT_REPRODUCED
    assert S.verdict_difference(-0.1, -5.0, sized=False) == S.REPRODUCED
    assert S.verdict_difference(A.Contrast(math.nan, math.nan, 0), 1.0) == S.NOT_RUN
    # Big enough, but within two standard errors of zero (3 seeds each side): only a direction.
    noisy = A.contrast([(1, A.aggregate([40, 30, 50])), (-1, A.aggregate([35, 36, 37]))])
    assert noisy.n == 3 and noisy.se > 0
    assert S.verdict_difference(noisy, 4.61) == S.DIRECTION
    tight = A.contrast([(1, A.aggregate([40, 40.1, 39.9])), (-1, A.aggregate([35, 35.1, 34.9]))])
    assert S.verdict_difference(tight, 4.61) == S.REPRODUCED


def test_verdict_correlation_symmetric_best_similar_combine():
    assert S.verdict_correlation(0.8, +1) == S.REPRODUCED
    assert S.verdict_correlation(0.3, +1) == S.DIRECTION
    assert S.verdict_correlation(0.1, +1) == S.NOT_REPRODUCED
    assert S.verdict_correlation(-0.9, +1) == S.NOT_REPRODUCED
    assert S.verdict_correlation(-0.9, -1) == S.REPRODUCED
    assert S.verdict_correlation(A.Correlation(math.nan, math.nan, 0), 1) == S.NOT_RUN
    assert S.verdict_symmetric(0.1, 2.0) == S.REPRODUCED
    assert S.verdict_symmetric(0.9, 2.0) == S.DIRECTION
    assert S.verdict_symmetric(2.5, 2.0) == S.NOT_REPRODUCED
    assert S.verdict_best({11: 5, 12: 4, 10: 3, 9: 1}, 11) == S.REPRODUCED
    assert S.verdict_best({11: 4, 12: 5, 10: 3, 9: 1}, 11) == S.DIRECTION
    assert S.verdict_best({11: 1, 12: 5, 10: 3, 9: 4}, 11) == S.NOT_REPRODUCED
    assert S.verdict_best({12: 5}, 11) == S.NOT_RUN
    assert S.verdict_similar(1.5, 0.1) == S.REPRODUCED
    assert S.verdict_similar(0.2, 0.01) == S.DIRECTION
    assert S.verdict_similar(0.2, 0.5) == S.NOT_REPRODUCED
    assert S.combine([S.REPRODUCED, S.DIRECTION]) == S.DIRECTION
    assert S.combine([S.REPRODUCED, S.NOT_REPRODUCED, S.DIRECTION]) == S.NOT_REPRODUCED
    assert S.combine([S.NOT_REPRODUCED, S.NOT_RUN]) == S.NOT_RUN
    assert S.combine([]) == S.NOT_RUN


# ---- the scoreboard ----------------------------------------------------------------------------


def test_scoreboard_all_reproduced_when_records_agree_with_paper():
    rows = S.scoreboard_from(all_like_paper(), PROFILE)
    by_claim = {r.claim: r for r in rows}
    assert len(rows) == 17
    not_run = [r for r in rows if r.verdict == S.NOT_RUN]
    # Only the datasets we cannot run are missing.
    assert {r.claim.split(":")[0] for r in not_run} == {"Tiny ImageNet", "ImageNet"}
    assert all("--data-dir" in r.command and "not run here" in r.ours for r in not_run)
    others = [r for r in rows if r.verdict != S.NOT_RUN]
    assert all(r.verdict == S.REPRODUCED for r in others), [
        (r.claim, r.verdict, r.parts, r.ours) for r in others if r.verdict != S.REPRODUCED]
    swap = by_claim["Swap beats Convention (Tanh, VGG16_11, CIFAR-100)"]
    assert "36.0 ± 0.0 % (n=3)" in swap.ours and "+6.00 points" in swap.ours
    assert swap.command == "python -m bnswap experiment headline --profile smoke"
    assert "smoke" in swap.profile and "cpu" in swap.profile


def test_scoreboard_detects_contradictions():
    data = all_like_paper()

    def flipped(run, spec):  # Convention wins, layers equally saturated
        body = headline_like_paper(run, spec)
        if run.label == "Convention":
            body["final"]["test_acc"] = 50.0
        return body

    data["headline"] = fake_runs("headline", flipped)
    data["beta_sweep"] = fake_runs("beta_sweep", lambda run, spec: make_record(
        spec, acc=30 + 5000 * run.tags["wd_beta"], skew=1.0 - 500 * run.tags["wd_beta"]))
    rows = {r.claim: r for r in S.scoreboard_from(data, PROFILE)}
    assert rows["Swap beats Convention (Tanh, VGG16_11, CIFAR-100)"].verdict == S.NOT_REPRODUCED
    assert rows["NWDBN beats Convention but loses to Swap"].verdict == S.NOT_REPRODUCED
    beta = [r for c, r in rows.items() if c.startswith("More weight decay on BN's beta")][0]
    assert beta.verdict == S.NOT_REPRODUCED and beta.parts == [S.REPRODUCED, S.NOT_REPRODUCED]


def test_scoreboard_without_records_is_all_not_run_with_commands():
    rows = S.scoreboard_from({}, PROFILE)
    assert rows and all(r.verdict == S.NOT_RUN for r in rows)
    assert all(r.command.startswith("python -m bnswap experiment ") for r in rows)
    md = S.scoreboard_markdown(rows)
    assert md.count("\n") == len(rows) + 1 and "not run" in md


def test_scoreboard_reads_the_store_through_collect(tmp_path):
    store = Store(tmp_path / "res")
    for run, spec in get_experiment("headline").expand(PROFILE):
        store.save(spec, headline_like_paper(run, spec))
    runs = collect("headline", PROFILE, A_opts(tmp_path), train=False)
    assert all(rec is not None for _, _, rec in runs)
    rows = S.scoreboard(PROFILE, results_dir=str(tmp_path / "res"))
    first = rows[0]
    assert first.verdict == S.REPRODUCED and "(n=3)" in first.ours
    assert rows[4].verdict == S.NOT_RUN  # the beta sweep has no records in this store


def A_opts(tmp_path):
    from bnswap.runner import RunOptions

    return RunOptions(results_dir=str(tmp_path / "res"), progress=False)


def test_group_by_and_scoreboard_topics():
    data = all_like_paper()
    groups = A.group_by(data["table2"], "activation", "order")
    assert len(groups) == 6
    assert {k: len(v) for k, v in groups.items() if len(v) != 1} == {
        ("tanh", "convention"): 3, ("tanh", "swap"): 3}
    rows = S.scoreboard_from(data, PROFILE)
    assert [r.topic for r in rows[:7]] == ["saturation"] * 2 + ["asymmetry"] * 3 + ["sparsity"] * 2
    assert len(S.rows_for(rows, "extended")) == len(rows) - 7


def test_partial_sweep_is_not_run():
    runs = fake_runs("affine_sweep", lambda run, spec: None if run.tags["wd_affine"] == 0.0
                     else sweep_like_paper(run, spec))
    row = S._sweep_row({"affine_sweep": runs}, PROFILE, "affine_sweep")
    assert row.verdict == S.NOT_RUN and "n=6 of 7" in row.ours


# ---- plots (bnswap.plots draws from the same records) ---------------------------------------------


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_plots_draw_records_and_mark_missing_panels():
    from matplotlib.figure import Figure

    from bnswap import plots as P

    data = all_like_paper()
    g = A.by_label(data["headline"])
    first = {k: v[0] for k, v in g.items()}
    figs = [
        P.block_diagram(),
        P.layer_lines(g, "saturation"),
        P.metric_panels({k: g[k] for k in ("Convention", "NoBN")}),
        P.sweep_scatter(A.sweep_points(data["beta_sweep"], "wd_beta", "skewness"), "skewness", "wd"),
        P.setting_lines(A.sweep_points(data["affine_sweep"], "wd_affine", "sparsity"), "sparsity",
                        "wd"),
        P.channel_vs_layer({"Convention": first["Convention"], "Swap": first["Swap"]}, layer=7),
        P.block_outputs({k: first[k] for k in ("Convention", "NWDBN", "Swap")}, layer=7, channels=2),
        P.learning_curves(g, "test_loss"),
        P.gradient_scales({k: g[k] for k in ("Convention", "Swap")}),
        P.reference_histograms(2000),
        P.bn_after_tanh(),
        P.activation_skewness(A.group_by(data["table2"], "activation", "order")),
        P.paired_bars(["Convention", "Swap"], {k: A.accuracy(v) for k, v in g.items()},
                      {"Convention": 69.5, "Swap": 74.11}),
        P.depth_panels(A.group_by(data["depth"], "depth"), A.paper("table7")),
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
    from bnswap import plots as P

    empty = {"Convention": [], "Swap": []}
    for fig in (P.layer_lines(empty, "skewness"), P.sweep_scatter([], "skewness", "wd"),
                P.channel_vs_layer({"Convention": None, "Swap": None}),
                P.block_outputs({"Convention": None}), P.learning_curves(empty),
                P.gradient_scales(empty),
                P.depth_panels({d: [] for d in A.paper("table7")}, A.paper("table7"))):
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
