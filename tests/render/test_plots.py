"""bnswap.render.plots: axis labels, human-readable legend names, and that what is drawn is the
records' values (every figure is also drawn, on and without records, by
tests/render/test_figures.py)."""

from __future__ import annotations

from fake_records import fake_runs, make_record, grads

from bnswap.core.registries import ACTIVATION_NAMES
from bnswap.findings import records as A
from bnswap.render import plots as P


def test_figure13_legends_use_activation_names():
    runs = fake_runs("table2", lambda run, spec: make_record(spec))
    fig = P.activation_skewness(A.group_by(runs, "activation", "order"))
    shapes, skew = fig.axes[:2]
    assert [t.get_text() for t in shapes.get_legend().get_texts()] == [
        ACTIVATION_NAMES[a] for a in ("tanh", "lecun_tanh", "softsign")]
    legend = [t.get_text() for t in skew.get_legend().get_texts()]
    assert "LeCun Tanh Convention (n=1)" in legend and "Softsign Swap (n=1)" in legend
    assert not any("lecun_tanh" in t or "convention" in t for t in legend)


def test_gradient_and_block_output_panels_have_y_labels():
    runs = fake_runs("headline", lambda run, spec: make_record(
        spec, gradients=grads(1e-3, 0.5, 1e-3), samples={4: {"block": [[0.0, 1.0, -1.0] * 10] * 3}}))
    g = A.by_label(runs)
    fig = P.gradient_scales({k: g[k] for k in ("Convention", "Swap")})
    assert all(ax.get_ylabel() == "mean magnitude (log scale)" for ax in fig.axes)
    fig = P.block_outputs({k: g[k][0] for k in ("Convention", "Swap")}, layer=4)
    first_column = fig.axes[::3]
    assert [ax.get_ylabel() for ax in first_column] == ["Convention\ndensity", "Swap\ndensity"]


def test_default_layers_are_the_headline_captures():
    import inspect

    from bnswap.runs.experiments import HEADLINE_CAPTURES

    def default(fn):
        return inspect.signature(fn).parameters["layer"].default

    assert (default(P.block_outputs), default(P.channel_vs_layer)) == HEADLINE_CAPTURES


def test_drawn_data_are_the_records_values():
    """The lines of a layer plot are the per-layer means over seeds, and the points of a sweep
    scatter are the sweep's (metric, accuracy) pairs: what is drawn is what the records say."""
    import numpy as np

    sat = {"Convention": [0.2, 0.3, 0.4], "Swap": [0.6, 0.7, 0.8]}

    def body(run, spec):
        base = sat.get(run.label, [0.5])[spec.seed % len(sat.get(run.label, [0.5]))]
        return make_record(spec, sat=[base + 0.01 * i for i in range(10)])

    g = A.by_label(fake_runs("headline", body))
    fig = P.layer_lines({k: g[k] for k in ("Convention", "Swap")}, "saturation")
    lines = {ln.get_label().split(" (")[0]: ln.get_ydata() for ln in fig.axes[0].get_lines()}
    for label in ("Convention", "Swap"):
        assert np.allclose(lines[label], A.layer_profile(g[label], "saturation")[0])
    assert np.allclose(lines["Swap"][:2], [0.7, 0.71])  # mean of seeds 0.6, 0.7, 0.8 (+0.01 i)

    runs = fake_runs("beta_sweep", lambda run, spec: make_record(
        spec, acc=50 - 1e4 * spec.wd_beta, skew=0.9 - 500 * spec.wd_beta))
    points = A.sweep_points(runs, "wd_beta", "skewness")
    fig = P.sweep_scatter(points, "skewness", "weight decay on beta")
    drawn = fig.axes[0].collections[0].get_offsets()
    assert np.allclose(sorted(map(tuple, drawn)), sorted((p.metric, p.accuracy) for p in points))


def test_sweep_by_profile_draws_each_profiles_means_on_one_setting_axis():
    """Each profile's line is its per-setting means at the positions of the union of settings;
    a profile without records is named "not run" in the legend."""
    import numpy as np

    def body(slope):
        return lambda run, spec: make_record(spec, acc=50 - slope * 1e4 * spec.wd_beta,
                                             skew=0.9 - slope * 500 * spec.wd_beta)

    short = A.sweep_points(fake_runs("beta_sweep", body(1)), "wd_beta", "skewness")
    long = [p for p in A.sweep_points(fake_runs("beta_sweep", body(2)), "wd_beta", "skewness")
            if p.setting >= 5e-4]  # a queue half done: only the larger decays
    fig = P.sweep_by_profile({"cpu": short, "cpu_long": long, "full": []}, "skewness", "wd")
    skew_ax, acc_ax = fig.axes
    values = sorted({p.setting for p in short})
    for ax, key in ((skew_ax, "metric"), (acc_ax, "accuracy")):
        lines = {ln.get_label(): ln for ln in ax.get_lines()}
        assert set(lines) == {f"cpu ({len(short)} runs)", f"cpu_long ({len(long)} runs)",
                              "full (not run)"}
        drawn = lines[f"cpu_long ({len(long)} runs)"]
        assert list(drawn.get_xdata()) == [values.index(p.setting) for p in
                                           sorted(long, key=lambda p: p.setting)]
        assert np.allclose(drawn.get_ydata(), [getattr(p, key) for p in
                                               sorted(long, key=lambda p: p.setting)])
    legend = [t.get_text() for t in skew_ax.get_legend().get_texts()]
    assert "full (not run)" in legend
    one = P.sweep_by_profile({"cpu_long": long[:1]}, "skewness", "wd")
    assert [ln.get_label() for ln in one.axes[0].get_lines()] == ["cpu_long (1 run)"]


def test_layers_by_profile_draws_each_label_at_each_profile():
    """One line per (label, profile), named "label, profile", dashed for the first profile and
    solid for the second, whose values are that profile's per-layer means over seeds."""
    import numpy as np

    short = A.by_label(fake_runs("headline", lambda run, spec: make_record(spec, skew=0.2)))
    long = A.by_label(fake_runs("headline", lambda run, spec: make_record(
        spec, skew=[0.5 + 0.1 * i + 0.01 * spec.seed for i in range(10)])))
    fig = P.layers_by_profile({"cpu": short, "cpu_long": long}, ["Convention", "Swap"], "skewness")
    lines = {ln.get_label().split(" (n=")[0]: ln for ln in fig.axes[0].get_lines()}
    assert set(lines) == {"Convention, cpu", "Swap, cpu", "Convention, cpu_long", "Swap, cpu_long"}
    assert lines["Swap, cpu"].get_linestyle() == "--"
    assert lines["Swap, cpu_long"].get_linestyle() == "-"
    assert np.allclose(lines["Swap, cpu_long"].get_ydata(),
                       A.layer_profile(long["Swap"], "skewness")[0])
    assert np.allclose(lines["Convention, cpu"].get_ydata(), 0.2)
