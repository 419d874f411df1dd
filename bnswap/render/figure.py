"""What every figure shares: stand-alone matplotlib ``Figure`` objects (no pyplot state, so nothing
leaks between a chapter's cells), one colour per model family across chapters, the metric labels,
the "not run" mark of an empty panel, and :func:`show` for a figure with its caption.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure


COLORS = {"Convention": "#1f77b4", "Swap": "#d62728", "NWDBN": "#2ca02c", "NoBN": "#9467bd"}


CYCLE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf"]


METRIC_LABELS = {"saturation": "layer saturation $t^l$", "skewness": "layer skewness $k^l$",
                 "sparsity": "block-output sparsity $s^l$"}


def color(label: str, i: int = 0) -> str:
    for key, c in COLORS.items():
        if label.lower().startswith(key.lower()):
            return c
    return CYCLE[i % len(CYCLE)]


def new_figure(width: float = 6.4, height: float = 4.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def not_run(ax: Axes, text: str = "not run") -> None:
    """Mark an empty panel: no records for it (yet)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=10,
            color="0.4", wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def show(fig: Figure, caption: str | None = None) -> None:
    """Display ``fig`` (and a Markdown caption under it) in a notebook."""
    from IPython.display import Markdown, display

    display(fig)
    if caption:
        display(Markdown(caption))
