"""The book's figures drawn from records (matplotlib): per-layer metrics (Figures 3, 4, 9, 10, 13,
14; fp32 against bf16_mixed), sweeps (Figures 5, 7, from :mod:`.sweep_plots`), captured
distributions (Figures 1, 8), training dynamics (Figures 15-17), paper-against-ours bars and the
depth panels (Table 7). Each function returns a :class:`matplotlib.figure.Figure` and accepts
missing data: a panel without records shows a "not run" note instead of failing. Figure numbers
refer to the paper.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from ..core.registries import ACTIVATION_NAMES, activation_info
from ..findings.precision import precision_groups
from ..findings.records import (GRADIENT_KEYS, METRICS, Runs, accuracy, captured, gradient_profile,
                                layer_profile, learning_curve, sample_skewness)
from ..findings.stats import Stat, signed
from ..findings.synthetic import sparsity_of
from ..runs.experiments import HEADLINE_CAPTURES
from .figure import (COLORS, CYCLE, COLUMN_INCHES, METRIC_LABELS, color, new_figure,  # noqa: F401
                     not_run, show)
from .illustrations import activation_shapes
from .stable import stable_figures
from .sweep_plots import setting_lines, sweep_by_profile, sweep_scatter  # noqa: F401

stable_figures()  # the same figure, the same PNG bytes (see bnswap.render.stable)

# ``show`` and ``new_figure`` are the chapters' P.show and P.new_figure.


def layer_lines(groups: Mapping[str, Sequence[dict]], metric: str, ax: Axes | None = None,
                title: str | None = None, styles: Mapping[str, dict] | None = None,
                colors: Mapping[str, str] | None = None, legend: bool = True) -> Figure:
    """Per-layer ``metric`` (mean over seeds, shaded ± one std when there are several seeds) for
    each label of ``groups`` (``{label: [records]}``); labels without records are listed as not
    run."""
    fig = None
    if ax is None:
        fig = new_figure()
        ax = fig.add_subplot()
    drawn, absent = 0, []
    for i, (label, recs) in enumerate(groups.items()):
        mean, std = layer_profile(recs, metric)
        if mean.size == 0 or not np.isfinite(mean).any():
            absent.append(label)
            continue
        x = np.arange(1, mean.size + 1)
        st = dict((styles or {}).get(label, {}))
        c = (colors or {}).get(label) or st.pop("color", None) or color(label, i)
        st.pop("color", None)
        n = len(recs)
        ax.plot(x, mean, marker="o", ms=3.5, color=c, label=f"{label} (n={n})", **st)
        if n >= 2:
            ax.fill_between(x, mean - std, mean + std, color=c, alpha=0.15, lw=0)
        drawn += 1
    absent_text = ("not run: " + ", ".join(absent) if len(absent) <= 3
                   else f"not run: {len(absent)} configurations")
    if drawn == 0:
        not_run(ax, absent_text)
    else:
        ax.set_xlabel("layer (block) index")
        ax.set_ylabel(METRIC_LABELS.get(metric, metric))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        if absent:
            ax.plot([], [], " ", label=absent_text)
        if legend:
            ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig if fig is not None else ax.figure


def layers_by_profile(groups: Mapping[str, Mapping[str, Sequence[dict]]], labels: Sequence[str],
                      metric: str) -> Figure:
    """Per-layer ``metric`` of each of ``labels`` under each profile (``{profile: groups by
    label}``): one colour per label, one line style per profile (the first dashed, the second
    solid), so a reader sees what a longer schedule changes block by block."""
    series, styles = {}, {}
    for i, (profile, by_label) in enumerate(groups.items()):
        for label in labels:
            name = f"{label}, {profile}"
            series[name] = by_label.get(label, [])
            styles[name] = {"linestyle": ("--", "-", ":", "-.")[i % 4]}
    fig = layer_lines(series, metric, styles=styles)
    _legend_below(fig.axes[0], ncol=len(groups))  # one column per profile
    return fig


def _legend_below(ax: Axes, ncol: int) -> None:
    """Move ``ax``'s legend (if it has one) below the panel, where a long one hides no data."""
    if ax.get_legend() is not None:
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol)


def metric_panels(groups: Mapping[str, Sequence[dict]], metrics: Sequence[str] = ("saturation",
                  "skewness"), width: float = 10.0, **kw: Any) -> Figure:
    """One :func:`layer_lines` panel per metric, one above the other (e.g. Figure 10)."""
    fig = new_figure(width, 3.4 * len(metrics))
    axes = fig.subplots(len(metrics), 1)
    for ax, m in zip(np.atleast_1d(axes), metrics):
        layer_lines(groups, m, ax=ax, **kw)
    return fig


def _hist(ax: Axes, values, c, bins=np.linspace(-1, 1, 41), density=True):
    ax.hist(values, bins=bins, color=c, alpha=0.85, density=density)


def channel_vs_layer(records: Mapping[str, dict | None], layer: int = HEADLINE_CAPTURES[1],
                     channels: int = 10) -> Figure:
    """Figure 1: for each model, the histogram of a whole layer's activation outputs (left) and of
    ``channels`` single channels of it (right), from the captured samples of 0-based block
    ``layer``."""
    labels = list(records)
    fig = new_figure(COLUMN_INCHES, 3.4 * len(labels))
    grid = fig.add_gridspec(2 * len(labels), 2 + math.ceil(channels / 2))
    for row, label in enumerate(labels):
        rec = records[label]
        pooled = captured(rec, layer, "act_layer")
        per_ch = captured(rec, layer, "act")
        ax = fig.add_subplot(grid[2 * row:2 * row + 2, :2])
        c = color(label)
        if pooled is None or per_ch is None:
            not_run(ax, f"{label}: no samples of block {layer + 1} (not run)")
            continue
        bound = _bound(rec)
        bins = np.linspace(min(-bound, pooled.min()), max(bound, pooled.max()), 41)
        _hist(ax, pooled.ravel(), c, bins)
        ax.set_title(f"{label}: whole layer\nblock {layer + 1}, skewness "
                     f"{signed(sample_skewness(pooled.ravel()))}")
        ax.set_xlabel("activation output")
        ax.set_ylabel("density")
        ncols = math.ceil(channels / 2)
        for k in range(min(channels, per_ch.shape[0])):
            a = fig.add_subplot(grid[2 * row + k // ncols, 2 + k % ncols])
            _hist(a, per_ch[k], c, bins)
            a.set_title(signed(sample_skewness(per_ch[k]), 1))
            a.set_yticks([])
            a.set_xticks([-bound, bound], [f"{-bound:g}", f"{bound:g}"])
    return fig


def _bound(rec: dict | None) -> float:
    if not rec:
        return 1.0
    return activation_info(rec["spec"]["activation"]).bound or 1.0


def block_outputs(records: Mapping[str, dict | None], layer: int = HEADLINE_CAPTURES[0],
                  channels: int = 3) -> Figure:
    """Figure 8: block-output distributions of ``channels`` channels of 0-based block ``layer``,
    one row per model (Convention, NWDBN, Swap). Each panel states the channel's sparsity."""
    labels = list(records)
    fig = new_figure(COLUMN_INCHES, 2.4 * len(labels))
    axes = np.atleast_2d(fig.subplots(len(labels), channels, squeeze=False))
    for row, label in enumerate(labels):
        rec = records[label]
        block = captured(rec, layer, "block")
        for k in range(channels):
            ax = axes[row, k]
            if block is None or k >= block.shape[0]:
                not_run(ax, f"{label}: not run")
                continue
            v = block[k]
            span = max(np.abs(v).max(), 1e-9)
            ax.hist(v, bins=np.linspace(-span, span, 41), color=color(label), alpha=0.85,
                    density=True)
            ax.set_title(f"ch {k + 1}: sparsity {sparsity_of(v):.2f}")
            ax.set_yticks([])
            if k == 0:
                ax.set_ylabel(f"{label}\ndensity")
            if row == len(labels) - 1:
                ax.set_xlabel(f"block {layer + 1} output")
    return fig


def learning_curves(groups: Mapping[str, Sequence[dict]], key: str = "train_loss",
                    ax: Axes | None = None) -> Figure:
    """Figures 16 (``train_loss``) and 17 (``test_loss``): mean over seeds per epoch."""
    fig = None
    if ax is None:
        fig = new_figure()
        ax = fig.add_subplot()
    drawn = 0
    for i, (label, recs) in enumerate(groups.items()):
        ep, mean, std = learning_curve(recs, key)
        if ep.size == 0:
            continue
        c = color(label, i)
        ax.plot(ep, mean, marker="o", ms=3, color=c, label=f"{label} (n={len(recs)})")
        if len(recs) >= 2:
            ax.fill_between(ep, mean - std, mean + std, color=c, alpha=0.15, lw=0)
        drawn += 1
    if not drawn:
        not_run(ax)
    else:
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel(key.replace("_", " "))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig if fig is not None else ax.figure


def gradient_scales(groups: Mapping[str, Sequence[dict]]) -> Figure:
    """Figure 15: per layer, mean |input of the weight layer|, mean |weight gradient| and mean
    |gradient at the activation's input| (log scale), one line per model."""
    titles = {"weight_input": "mean |weight-layer input|", "weight_grad": "mean |weight gradient|",
              "act_input_grad": "mean |gradient at Tanh input|"}
    fig = new_figure(COLUMN_INCHES, 8.4)
    axes = fig.subplots(3, 1, sharex=True)
    for ax, key in zip(axes, GRADIENT_KEYS):
        drawn = 0
        for i, (label, recs) in enumerate(groups.items()):
            prof = gradient_profile(recs, key)
            if prof.size == 0:
                continue
            ax.plot(np.arange(1, prof.size + 1), prof, marker="o", ms=3, color=color(label, i),
                    label=label)
            drawn += 1
        if not drawn:
            not_run(ax)
            continue
        ax.set_yscale("log")
        ax.set_title(titles[key])
        ax.set_ylabel("mean magnitude (log scale)")
        if ax is axes[-1]:
            ax.set_xlabel("layer (block) index")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    return fig


def activation_skewness(groups: Mapping[tuple[str, str], Sequence[dict]]) -> Figure:
    """Figure 13: activation shapes (left) and layer skewness per activation (right), dashed for
    Convention and solid for Swap. ``groups`` maps (activation, order) to records."""
    fig = new_figure(COLUMN_INCHES, 7.6)
    ax0, ax1 = fig.subplots(2, 1, height_ratios=[1, 1.3])
    acts = list(dict.fromkeys(a for a, _ in groups))
    activation_shapes(acts, ax=ax0)
    ax0.set_title("activation functions", fontsize=10)
    name = {(a, o): f"{ACTIVATION_NAMES.get(a, a)} {o.title()}" for a, o in groups}
    lines = {name[k]: groups[k] for k in groups}
    styles = {name[(a, o)]: {"ls": "--" if o == "convention" else "-"} for a, o in groups}
    cols = {name[(a, o)]: CYCLE[acts.index(a)] for a, o in groups}
    layer_lines(lines, "skewness", ax=ax1, styles=styles, colors=cols,
                title="layer skewness (dashed: Convention, solid: Swap)")
    _legend_below(ax1, ncol=2)  # six lines
    return fig


def paired_bars(labels: Sequence[str], ours: Mapping[str, Stat], paper: Mapping[str, float],
                ylabel: str = "test accuracy (%)", ours_title: str = "ours",
                paper_title: str = "paper", digits: int = 1) -> Figure:
    """The paper's values and ours side by side (two panels: their scales differ)."""
    fig = new_figure(COLUMN_INCHES, 3.8)
    ax_p, ax_o = fig.subplots(1, 2)
    x = np.arange(len(labels))
    cols = [color(l, i) for i, l in enumerate(labels)]
    pv = [paper.get(l, np.nan) for l in labels]
    ax_p.bar(x, pv, color=cols, alpha=0.8)
    for xi, v in zip(x, pv):
        if np.isfinite(v):
            ax_p.text(xi, v, f"{v:g}", ha="center", va="bottom", fontsize=8)
    ov = [ours[l].mean if l in ours and ours[l].ok else np.nan for l in labels]
    err = [ours[l].std if l in ours and ours[l].ok and ours[l].n >= 2 else 0 for l in labels]
    ax_o.bar(x, np.nan_to_num(ov), yerr=err, color=cols, alpha=0.8, capsize=3)
    bottom = blended_transform_factory(ax_o.transData, ax_o.transAxes)
    for xi, l, v in zip(x, labels, ov):
        if np.isfinite(v):
            ax_o.text(xi, v, f"{v:.{digits}f}\n(n={ours[l].n})", ha="center", va="bottom",
                      fontsize=8)
        else:
            ax_o.text(xi, 0.05, "not run", ha="center", va="bottom", fontsize=8, color="0.4",
                      transform=bottom)
    for ax, t in ((ax_p, paper_title), (ax_o, ours_title)):
        ax.set_xticks(x, labels, fontsize=9)
        ax.set_ylabel(ylabel)
        ax.set_title(t, fontsize=10)
        ax.grid(alpha=0.3, axis="y")
    def limits(vals):
        vals = np.asarray(vals, float)
        vals = vals[np.isfinite(vals)]
        if not vals.size:
            return 0, 1
        return 0, max(vals.max(), 1e-9) * 1.18  # bars start at zero

    ax_p.set_ylim(*limits(pv))
    ax_o.set_ylim(*limits(ov))
    return fig


def depth_panels(groups: Mapping[int, Sequence[dict]], paper: Mapping[int, float]) -> Figure:
    """Table 7 and Figure 14: accuracy by depth (ours and the paper's) and layer skewness of each
    depth."""
    fig = new_figure(COLUMN_INCHES, 7.6)
    ax0, ax1 = fig.subplots(2, 1)
    depths = sorted(paper)
    stats = {d: accuracy(groups.get(d, [])) for d in depths}
    ax0.plot(depths, [paper[d] for d in depths], "o--", color="0.4", label="paper (Table 7)")
    ax0.set_ylabel("paper: test accuracy (%)")
    ok = [d for d in depths if stats[d].ok]
    if ok:
        axr = ax0.twinx()
        axr.plot(ok, [stats[d].mean for d in ok], "s-", color=COLORS["Swap"], label="ours")
        axr.set_ylabel("ours: test accuracy (%)", color=COLORS["Swap"])
        best = max(ok, key=lambda d: stats[d].mean)
        axr.plot([best], [stats[best].mean], "*", ms=14, color=COLORS["Swap"])
    else:
        ax0.text(0.5, 0.1, "ours: not run", transform=ax0.transAxes, ha="center", color="0.4")
    ax0.set_xlabel("n in VGG16_n (conv layers kept + 3)")
    ax0.set_xticks(depths)
    ax0.grid(alpha=0.3)
    ax0.legend(fontsize=8, loc="lower left")
    ax0.set_title("accuracy by depth (star: our best)", fontsize=10)
    lines = {f"VGG16_{d}" if d < 16 else "VGG16": groups.get(d, []) for d in sorted(groups,
                                                                                    reverse=True)}
    cmap_cols = {k: _viridis(i, len(lines)) for i, k in enumerate(lines)}
    layer_lines(lines, "skewness", ax=ax1, colors=cmap_cols, title="layer skewness by depth")
    return fig


def _viridis(i: int, n: int) -> str:
    return to_hex(colormaps["viridis"](i / max(1, n - 1)))


def precision_layers(runs: Runs, reduced: str = "bf16_mixed") -> Figure:
    """Per-block saturation, skewness and sparsity of each order in fp32 (solid) and in
    ``reduced`` (dashed), mean over seeds with ± one std shaded."""
    series, styles = {}, {}
    for i, (order, *groups) in enumerate(precision_groups(runs, reduced)):
        for precision, line, recs in zip(("fp32", reduced), ("-", "--"), groups):
            label = f"{order.title()} {precision}"
            series[label] = recs
            styles[label] = {"color": color(order.title(), i), "linestyle": line}
    return metric_panels(series, METRICS, width=COLUMN_INCHES, styles=styles)
