"""The weight-decay sweeps' figures (Figures 5, 7 and 18): accuracy against the averaged metric,
the metric and accuracy against the swept setting, and one sweep at several profiles. Each
function returns a :class:`matplotlib.figure.Figure`; the chapters reach them as ``P.*`` through
:mod:`bnswap.render.plots`."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..findings.records import SweepPoint
from ..findings.stats import correlation, fit_line
from .figure import COLUMN_INCHES, CYCLE, METRIC_LABELS, new_figure, not_run


def _setting_means(points: Sequence[SweepPoint], key: str) -> tuple[list[float], list[float]]:
    """The swept settings of ``points`` in order, and the mean of ``key`` ("metric" or
    "accuracy") over the points at each (several seeds share a setting)."""
    settings = sorted({p.setting for p in points})
    return settings, [float(np.mean([getattr(p, key) for p in points if p.setting == v]))
                      for v in settings]


def sweep_scatter(points: Sequence[SweepPoint], metric: str, setting_name: str,
                  title: str | None = None) -> Figure:
    """Accuracy against the layer-averaged ``metric``, one point per record coloured by the swept
    setting, with a least-squares line and Pearson's r (Figures 5 and 7)."""
    fig = new_figure(6.4, 4.2)
    ax = fig.add_subplot()
    if not points:
        not_run(ax)
        return fig
    x = np.array([p.metric for p in points])
    y = np.array([p.accuracy for p in points])
    settings = np.array([p.setting for p in points])
    order = {v: i for i, v in enumerate(sorted(set(settings)))}
    sc = ax.scatter(x, y, c=[order[s] for s in settings], cmap="viridis", s=40, zorder=3,
                    edgecolor="k", lw=0.4)
    cbar = fig.colorbar(sc, ax=ax, ticks=list(order.values()))
    cbar.ax.set_yticklabels([f"{v:g}" for v in order])
    cbar.set_label(setting_name)
    line = fit_line(x, y)
    corr = correlation(x, y)
    if line:
        xs = np.linspace(x.min(), x.max(), 50)
        ax.plot(xs, line[0] * xs + line[1], "k--", lw=1, label=f"least squares, {corr.format()}")
        ax.legend(fontsize=8, loc="best")
    ax.set_xlabel(f"average {METRIC_LABELS.get(metric, metric)} over layers")
    ax.set_ylabel("test accuracy (%)")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def setting_lines(points: Sequence[SweepPoint], metric: str, setting_name: str) -> Figure:
    """The swept setting on x (equally spaced, labelled with its values) against the averaged
    metric (left axis) and accuracy (right axis)."""
    fig = new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    if not points:
        not_run(ax)
        return fig
    values, met = _setting_means(points, "metric")
    acc = _setting_means(points, "accuracy")[1]
    pos = {v: i for i, v in enumerate(values)}
    ax.plot(range(len(values)), met, "o-", color="#b35806", label=METRIC_LABELS.get(metric))
    ax.set_ylabel(f"average {METRIC_LABELS.get(metric, metric)}", color="#b35806")
    ax2 = ax.twinx()
    ax2.plot(range(len(values)), acc, "s--", color="#542788", label="test accuracy")
    ax2.set_ylabel("test accuracy (%)", color="#542788")
    ax.set_xticks(list(pos.values()), [f"{v:g}" for v in values], rotation=45, fontsize=8)
    ax.set_xlabel(setting_name)
    ax.grid(alpha=0.3)
    return fig


def sweep_by_profile(points: Mapping[str, Sequence[SweepPoint]], metric: str,
                     setting_name: str) -> Figure:
    """One sweep at several profiles (``{profile: points}``): the averaged metric (left panel) and
    accuracy (right panel) against the swept setting, one line per profile, so a reader sees
    whether a longer schedule lets the setting move the metric. A profile without points is
    named in the legend as "not run"."""
    fig = new_figure(COLUMN_INCHES, 3.4)
    axes = fig.subplots(1, 2)
    values = sorted({p.setting for pts in points.values() for p in pts})
    if not values:
        for ax in axes:
            not_run(ax)
        return fig
    pos = {v: i for i, v in enumerate(values)}
    for i, (profile, pts) in enumerate(points.items()):
        label = (f"{profile} ({len(pts)} run{'s' * (len(pts) != 1)})" if pts
                 else f"{profile} (not run)")
        for ax, key in zip(axes, ("metric", "accuracy")):
            settings, ys = _setting_means(pts, key)
            ax.plot([pos[v] for v in settings], ys, "os^D"[i % 4] + "-",
                    color=CYCLE[i % len(CYCLE)], label=label)
    for ax, ylabel in zip(axes, (f"average {METRIC_LABELS.get(metric, metric)}",
                                 "test accuracy (%)")):
        ax.set_xticks(list(pos.values()), [f"{v:g}" for v in values], rotation=60, fontsize=8)
        ax.set_xlabel(setting_name)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="best")
    return fig
