"""The Tanh explorer's pictures and words (Appendix A.4, Figure 12): heatmaps, profiles and
histograms of act(X), X ~ N(mu, sigma^2), tables of their readouts, a live ipywidgets panel and a
self-contained HTML panel for the built site. Every number comes from the quadrature of
:mod:`bnswap.findings.gaussian`; the HTML template is :mod:`bnswap.render.explorer_html`.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..core.registries import ACTIVATION_NAMES, activation_info
from ..findings.gaussian import (EXPLORER_ACTIVATIONS, OutputStats, grid, input_histogram,
                                 output_histogram, skewness_peaks, summary)
from ..findings.stats import signed
from .explorer_html import TEMPLATE
from .figure import COLUMN_INCHES, new_figure
from .markdown import markdown_table
from .stable import stable_figures

stable_figures()  # the same figure, the same PNG bytes (see bnswap.render.stable)

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.figure import Figure


def plot_skewness_heatmaps(stats: dict[str, OutputStats], absolute: bool = True) -> Figure:
    """One heatmap of (absolute) output skewness over (mu, sigma) per activation (Figure 12)."""
    acts = list(stats)
    cols = min(2, len(acts))
    rows = -(-len(acts) // cols)
    fig = new_figure(COLUMN_INCHES, 3.0 * rows + 0.6)
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    for ax in axes.ravel()[len(acts):]:
        ax.axis("off")
    vmax = max(float(np.nanmax(np.abs(s.skewness))) for s in stats.values())
    for ax, act in zip(axes.ravel(), acts):
        s = stats[act]
        mus, sigmas = s.mu[:, 0], s.sigma[0, :]
        values = np.abs(s.skewness) if absolute else s.skewness
        im = ax.pcolormesh(mus, sigmas, values.T, shading="nearest", cmap="magma" if absolute
                           else "RdBu_r", vmin=0 if absolute else -vmax, vmax=vmax)
        ax.set_title(ACTIVATION_NAMES[act])
        ax.set_xlabel(r"input mean $\mu$")
        ax.set_ylabel(r"input std $\sigma$")
    fig.colorbar(im, ax=axes.ravel().tolist(), location="bottom", shrink=0.7,
                 label="|skewness| of act(X)" if absolute
                 else "skewness of act(X)")
    return fig


def plot_skewness_profiles(stats: OutputStats,
                           mus: Sequence[float] = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)) -> Figure:
    """Skewness of act(X) against sigma for a few input means (one line per mu)."""
    fig = new_figure(6, 3.6)
    ax = fig.subplots()
    all_mus = stats.mu[:, 0]
    sigmas = stats.sigma[0, :]
    for m in mus:
        i = int(np.argmin(np.abs(all_mus - m)))
        ax.plot(sigmas, np.abs(stats.skewness[i]), label=fr"$\mu$ = {all_mus[i]:g}")
    ax.set_xlabel(r"input std $\sigma$")
    ax.set_ylabel(f"|skewness| of {ACTIVATION_NAMES[stats.activation]} output")
    ax.legend(fontsize=8, ncol=2)
    return fig


def plot_point(activation: str, mu: float, sigma: float, bins: int = 60) -> Figure:
    """Input, activation output and BN output histograms (exact bin masses) for one point."""
    s = summary(activation, mu, sigma)
    fig = new_figure(COLUMN_INCHES, 7.8)
    axes = fig.subplots(3, 1)
    e, p = input_histogram(mu, sigma, bins)
    axes[0].bar(e[:-1], p, width=np.diff(e), align="edge", color="tab:gray")
    axes[0].set_xlabel("x (input)")
    axes[0].set_title(fr"X ~ N({mu:.2f}, {sigma:.2f}$^2$)")
    e, p = output_histogram(activation, mu, sigma, bins)
    axes[1].bar(e[:-1], p, width=np.diff(e), align="edge", color="tab:blue")
    axes[1].axvline(s["mean"], color="k", lw=1, ls="--")
    axes[1].set_xlabel(f"y = {ACTIVATION_NAMES[activation]}(x)")
    axes[1].set_title(f"skewness {s['skewness']:+.3f}, saturation {s['saturation']:.3f}")
    z = (e - s["mean"]) / s["std"] if s["std"] > 0 else e * 0
    axes[2].bar(z[:-1], p, width=np.diff(z), align="edge", color="tab:orange")
    axes[2].axvline(0.0, color="k", lw=1, ls="--")
    axes[2].set_xlabel("z = BN(y)")
    axes[2].set_title(f"after BN: mean 0, sparsity {s['bn_sparsity']:.3f}")
    for ax in axes:
        ax.set_ylabel("probability")
    return fig


BATCH_ENV = "BNSWAP_BATCH"
"""Set (to anything non-empty) where notebooks are executed without a reader: the book runner's
kernels and nbval's (``book/conftest.py``)."""


def widget_panel(mu: float = 1.0, sigma: float = 1.5,
                 activation: str = "tanh") -> ipywidgets.VBox | None:
    """An ipywidgets panel: sliders for mu and sigma, a dropdown for the activation; redraws the
    three histograms and the readouts on every change. Needs a live kernel with matplotlib's
    inline backend (``%matplotlib inline``, as every chapter starts), which displays figures.

    In a batch execution (:data:`BATCH_ENV` set) it draws nothing and returns None: no reader can
    move a slider there, the built page removes the cell's output anyway, and a live ``Output``
    widget can leave nbclient waiting forever for the cell to finish (jupyter/nbclient#312; seen
    here in about half of the runs of this chapter on a loaded machine)."""
    if os.environ.get(BATCH_ENV):
        return None
    import ipywidgets as widgets
    from IPython.display import display

    mu_w = widgets.FloatSlider(value=mu, min=-3, max=3, step=0.05, description="mu")
    sigma_w = widgets.FloatSlider(value=sigma, min=0.05, max=4, step=0.05, description="sigma")
    act_w = widgets.Dropdown(options=[(ACTIVATION_NAMES[a], a) for a in EXPLORER_ACTIVATIONS],
                             value=activation, description="activation")
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            display(plot_point(act_w.value, mu_w.value, sigma_w.value))
            s = summary(act_w.value, mu_w.value, sigma_w.value)
            print(f"output mean {s['mean']:+.4f}  std {s['std']:.4f}  skewness "
                  f"{s['skewness']:+.4f}  saturation {s['saturation']:.4f}  | after BN: "
                  f"mean 0, E|z| {s['bn_mean_abs']:.4f}, sparsity {s['bn_sparsity']:.4f}")

    for w in (mu_w, sigma_w, act_w):
        w.observe(redraw, names="value")
    redraw()
    panel = widgets.VBox([widgets.HBox([mu_w, sigma_w, act_w]), out])
    display(panel)
    return panel


_FIELDS = ("mean", "std", "skewness", "saturation", "bn_sparsity")


def static_payload(mus: Sequence[float] | np.ndarray | None = None,
                   sigmas: Sequence[float] | np.ndarray | None = None,
                   scale: int = 1000) -> dict[str, Any]:
    """The precomputed grid the HTML explorer carries: per activation and field, integers
    round(value * scale) in mu-major order (compact, and exact to 1/scale)."""
    stats = grid(mus, sigmas)
    first = next(iter(stats.values()))
    payload = {"mu": [float(m) for m in first.mu[:, 0]],
               "sigma": [float(s) for s in first.sigma[0, :]], "scale": scale,
               "activations": {}}
    for act, s in stats.items():
        info = activation_info(act)
        fields = {f: [int(v) for v in np.rint(getattr(s, f) * scale).ravel()] for f in _FIELDS}
        payload["activations"][act] = {"label": ACTIVATION_NAMES[act], "low": info.low,
                                       "high": info.high, **fields}
    return payload


def static_html(payload: dict[str, Any] | None = None, element_id: str = "bnswap-explorer",
                mu: float = 1.0, sigma: float = 1.5) -> str:
    """A self-contained HTML+JS explorer (no kernel, no external files): sliders for mu and sigma,
    an activation selector, readouts from the precomputed grid and SVG histograms with exact bin
    masses. Element ids: ``<id>-mu``, ``<id>-sigma``, ``<id>-activation``, ``<id>-readout``,
    ``<id>-plot``."""
    payload = payload or static_payload()
    i_mu = int(np.argmin(np.abs(np.asarray(payload["mu"]) - mu)))
    i_sigma = int(np.argmin(np.abs(np.asarray(payload["sigma"]) - sigma)))
    data = json.dumps(payload, separators=(",", ":"))
    options = "".join(f'<option value="{a}">{v["label"]}</option>'
                      for a, v in payload["activations"].items())
    return (TEMPLATE.replace("@ID@", element_id).replace("@DATA@", data)
            .replace("@OPTIONS@", options).replace("@NMU@", str(len(payload["mu"]) - 1))
            .replace("@NSIGMA@", str(len(payload["sigma"]) - 1))
            .replace("@IMU@", str(i_mu)).replace("@ISIGMA@", str(i_sigma)))


_PEAK_COLUMNS = ["input mean μ", "σ at the peak", "peak abs. skewness",
                 "σ can fall by this much before it halves", "σ can rise by this much before it halves"]


def _peak_cells(stats: OutputStats, mus: Sequence[float]) -> list[list[str]]:
    def width(v: float | None) -> str:
        return "beyond the grid" if v is None else f"{v:.1f}"

    return [[f"{r['mu']:g}", f"{r['sigma']:.1f}", f"{r['peak']:.2f}", width(r["half_below"]),
             width(r["half_above"])] for r in skewness_peaks(stats) if r["mu"] in mus]


def skewness_peaks_markdown(stats: OutputStats, mus: Sequence[float] = (1.0, 2.0, 3.0)) -> str:
    """:func:`skewness_peaks` at the input means ``mus`` as a Markdown table ("beyond the grid"
    where |skewness| is still above half its peak at the grid's edge)."""
    return markdown_table(_PEAK_COLUMNS, _peak_cells(stats, mus))


def peaks_by_activation_markdown(stats: dict[str, OutputStats],
                                 mus: Sequence[float] = (1.0, 2.0, 3.0)) -> str:
    """:func:`skewness_peaks_markdown` for several activations (``stats`` as returned by
    :func:`grid`) in one table, an activation per block of rows."""
    rows = [[ACTIVATION_NAMES[act], *cells] for act, st in stats.items()
            for cells in _peak_cells(st, mus)]
    return markdown_table(["activation", *_PEAK_COLUMNS], rows)


def points_markdown(points: Sequence[tuple[str, float, float]]) -> str:
    """The readouts of a few ``(activation, mu, sigma)`` points as a Markdown table: output
    skewness and saturation, and the sparsity of the output without and with a BN after it."""
    rows = []
    for act, mu, sigma in points:
        s = summary(act, mu, sigma)
        rows.append([f"{mu:g}", f"{sigma:g}", signed(s["skewness"]), f"{s['saturation']:.2f}",
                     f"{s['raw_sparsity']:.2f}", f"{s['bn_sparsity']:.2f}"])
    return markdown_table(["μ", "σ", "skewness", "saturation", "sparsity without BN",
                           "sparsity after BN"], rows)


def plot_sparsity_heatmaps(stats: OutputStats) -> Figure:
    """Sparsity of act(X) itself (what a Convention block outputs, 1 - saturation) next to the
    sparsity after a following BN (what a Swap block outputs), over (mu, sigma)."""
    fig = new_figure(COLUMN_INCHES, 4.2)
    axes = fig.subplots(1, 2, sharey=True)
    mus, sigmas = stats.mu[:, 0], stats.sigma[0, :]
    name = ACTIVATION_NAMES[stats.activation]
    panels = ((stats.raw_sparsity, f"{name} output (no BN after)"),
              (stats.bn_sparsity, f"BN({name} output)"))
    for ax, (values, title) in zip(axes, panels):
        im = ax.pcolormesh(mus, sigmas, values.T, shading="nearest", cmap="viridis", vmin=0,
                           vmax=1)
        ax.set_title(title)
        ax.set_xlabel(r"input mean $\mu$")
        ax.set_ylabel(r"input std $\sigma$")
    fig.colorbar(im, ax=axes.tolist(), location="bottom", shrink=0.7,
                 label="sparsity (Section 5.2)")
    return fig
