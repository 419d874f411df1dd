"""Figures drawn without records: the two block designs (Figure 2), the reference distributions
(Figure 11), BN after Tanh (Figure 6) and the activations' shapes (Figure 13, left). Their numbers
come from :mod:`bnswap.findings.gaussian` and :mod:`bnswap.findings.synthetic`.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..core.registries import ACTIVATION_NAMES, BOUNDED_ODD, activation_info
from ..findings import gaussian as G, synthetic as D
from ..findings.stats import signed
from .figure import COLUMN_INCHES, CYCLE, color, new_figure


def block_diagram() -> Figure:
    """Figure 2: a Convention block (weight -> BN -> Tanh) and a Swap block (weight -> Tanh -> BN),
    with the points where saturation/skewness (activation output) and sparsity (block output) are
    measured."""
    fig = new_figure(COLUMN_INCHES, 4.4)
    ax = fig.add_subplot()
    ax.set_xlim(-0.3, 10.3)
    ax.set_ylim(0, 7.2)
    ax.axis("off")
    act_c, bn_c, w_c = "#fde0c5", "#c6dbef", "#e5e5e5"

    def box(x, y, text, fc):
        ax.add_patch(FancyBboxPatch((x - 1.1, y - 0.38), 2.2, 0.76,
                                    boxstyle="round,pad=0.05", fc=fc, ec="0.2"))
        ax.text(x, y, text, ha="center", va="center", fontsize=10)

    def arrow(x, y0, y1):
        ax.add_patch(FancyArrowPatch((x, y0), (x, y1), arrowstyle="-|>", mutation_scale=12,
                                     color="0.2"))

    def mark(x, y, text, c, side=1):
        ax.plot([x], [y], marker="o", color=c, ms=8, zorder=5)
        ax.annotate(text, (x, y), xytext=(x + side * 1.1, y), va="center", fontsize=8.5,
                    ha="left" if side > 0 else "right", color=c,
                    arrowprops=dict(arrowstyle="-", color=c))

    for x, title, order in ((2.6, "Convention", ("BatchNorm", "Tanh")),
                            (7.4, "Swap", ("Tanh", "BatchNorm"))):
        ax.text(x, 6.9, title, ha="center", fontsize=12, weight="bold", color=color(title))
        ax.text(x, 0.25, "input", ha="center", fontsize=9, color="0.3")
        arrow(x, 0.5, 1.12)
        box(x, 1.5, "Conv / Linear", w_c)
        ys = (3.1, 4.7)
        arrow(x, 1.88, ys[0] - 0.4)
        for y, name in zip(ys, order):
            box(x, y, name, act_c if name == "Tanh" else bn_c)
        arrow(x, ys[0] + 0.4, ys[1] - 0.4)
        arrow(x, ys[1] + 0.4, 6.35)
        ax.text(x, 6.45, "block output", ha="center", fontsize=9, color="0.3")
        tanh_y = ys[order.index("Tanh")]
        mark(x, tanh_y + 0.55, "saturation, skewness\n(Tanh output)", "#b35806")
        mark(x, 5.85, "sparsity\n(block output)", "#542788", side=-1)
    return fig


def reference_histograms(n: int = 20000) -> Figure:
    """Figure 11: reference distributions on [-1, 1] with their saturation and skewness."""
    dists = G.reference_distributions(n)
    metrics = {r["name"]: r for r in D.reference_metrics(n)}
    cols = 2
    rows = math.ceil(len(dists) / cols)
    fig = new_figure(COLUMN_INCHES, 2.3 * rows)
    axes = fig.subplots(rows, cols).ravel()
    for ax, (name, x) in zip(axes, dists.items()):
        m = metrics[name]
        ax.hist(x, bins=np.linspace(-1, 1, 41), color="0.45")
        ax.set_title(f"{name}\nsaturation {m['saturation']:.2f}, skewness {signed(m['skewness'])}",
                     fontsize=8)
        ax.set_yticks([])
        ax.set_xlabel("value", fontsize=8)
    for ax in axes[len(dists):]:
        ax.axis("off")
    return fig


def bn_after_tanh(settings: Sequence[tuple[float, float]] = ((0.0, 0.5), (0.0, 3.0), (2.0, 1.0),
                                                             (-1.5, 2.0))) -> Figure:
    """Figure 6: BN (gamma=1, beta=0) after Tanh as a function of Tanh's input, for inputs
    N(mu, sigma^2); dots are evenly spaced quantiles of each input distribution, so their density
    along the curve shows where the block outputs land."""
    fig = new_figure(COLUMN_INCHES, 8.0)
    ax, ax2 = fig.subplots(2, 1)
    x = np.linspace(-6, 6, 400)
    for i, (mu, sigma) in enumerate(settings):
        c = CYCLE[i]
        m, s = G.tanh_output_stats(mu, sigma)
        lab = f"input N({mu:g}, {sigma:g}²): μ̂={signed(m)}, σ̂={s:.2f}"
        ax.plot(x, G.bn_after_tanh(x, mu, sigma), color=c, lw=1.2, label=lab)
        pts = G.normal_quantile_points(mu, sigma, 41)
        pts = pts[np.abs(pts) <= 6]
        ax.plot(pts, G.bn_after_tanh(pts, mu, sigma), "o", color=c, ms=3.5)
        z = G.bn_after_tanh(G.normal_quantile_points(mu, sigma, 4000), mu, sigma)
        ax2.hist(z, bins=np.linspace(-4, 4, 61), histtype="step", color=c, lw=1.4, density=True,
                 label=f"N({mu:g}, {sigma:g}²): sparsity {D.sparsity_of(z):.2f}")
    ax.set_xlabel("Tanh input")
    ax.set_ylabel("BN(Tanh(input))")
    ax.set_ylim(-5, 5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5)
    ax.set_title("Tanh followed by BN, with BN's statistics of each input", fontsize=10)
    ax2.set_xlabel("block output")
    ax2.set_ylabel("density")
    ax2.legend(fontsize=7.5)
    ax2.set_title("distribution of the block output", fontsize=10)
    return fig


def activation_shapes(names: Sequence[str] = BOUNDED_ODD,
                      ax: Axes | None = None) -> Figure:
    """Figure 13 (left): the bounded activations on [-5, 5]."""
    fig = None
    if ax is None:
        fig = new_figure(5, 3.6)
        ax = fig.add_subplot()
    x = np.linspace(-5, 5, 400)
    for i, name in enumerate(names):
        ax.plot(x, activation_info(name).numpy_fn(x), color=CYCLE[i],
                label=ACTIVATION_NAMES.get(name, name))
    ax.axhline(0, color="0.6", lw=0.6)
    ax.axvline(0, color="0.6", lw=0.6)
    ax.set_xlabel("input")
    ax.set_ylabel("output")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig if fig is not None else ax.figure
