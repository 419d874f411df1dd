"""Every figure drawn on synthetic records and without them (bnswap.render.plots,
bnswap.render.illustrations)."""

from __future__ import annotations


from fake_records import all_like_paper, fake_runs, make_record

from bnswap.findings import records as A
from bnswap.findings.paper import paper


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
        P.precision_layers(fake_runs("precision", lambda run, spec: make_record(spec))),
        P.layers_by_profile({"cpu": g, "cpu_long": g}, ["Convention", "NWDBN", "Swap"], "sparsity"),
        P.sweep_by_profile({"cpu": A.sweep_points(data["beta_sweep"], "wd_beta", "skewness"),
                            "cpu_long": []}, "skewness", "weight decay on beta"),
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
    # Sized for the text column: shown at most 676 px wide, saved at twice that, no text
    # smaller than the caption (16 px, 11.52 pt at 100 px per inch).
    from matplotlib.text import Text

    from bnswap.render.figure import COLUMN_PX, MIN_FONT_PT, PIXEL_RATIO
    from bnswap.render.stable import png_base64

    for fig in figs:
        data, meta = png_base64(fig)
        assert meta["width"] <= COLUMN_PX, (fig, meta)
        png = __import__("base64").b64decode(data)
        assert int.from_bytes(png[16:20], "big") >= PIXEL_RATIO * meta["width"]
        small = [t.get_text() for t in fig.findobj(Text)
                 if t.get_text() and t.get_fontsize() < MIN_FONT_PT]
        assert not small, small


def test_plots_with_missing_records_show_not_run():
    from bnswap.render import plots as P

    empty = {"Convention": [], "Swap": []}
    for fig in (P.layer_lines(empty, "skewness"), P.sweep_scatter([], "skewness", "wd"),
                P.channel_vs_layer({"Convention": None, "Swap": None}),
                P.block_outputs({"Convention": None}), P.learning_curves(empty),
                P.gradient_scales(empty), P.sweep_by_profile({"cpu": []}, "skewness", "wd"),
                P.layers_by_profile({"cpu": empty, "cpu_long": {}}, ["Convention"], "skewness"),
                P.depth_panels({d: [] for d in paper("table7")}, paper("table7"))):
        assert any("not run" in t for t in _texts(fig)), fig
