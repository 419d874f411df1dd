"""What every figure shares: stand-alone matplotlib ``Figure`` objects (no pyplot state, so nothing
leaks between a chapter's cells), one colour per model family across chapters, the metric labels,
the "not run" mark of an empty panel, and :func:`show` for a figure with its caption.

Sized for the book's text column: a figure is at most :data:`COLUMN_INCHES` wide, drawn at
:data:`LAYOUT_DPI` pixels per inch (so it is shown at its own size, never shrunk) and saved at
twice that (:data:`PIXEL_RATIO`, sharp on a retina screen); :func:`legible` raises any text below
:data:`MIN_FONT_PT` (the caption's 16 px at that scale) before a figure is saved.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

COLUMN_PX = 676
"""The text column of the book's pages at a 1280 px window (sphinx-book-theme)."""
LAYOUT_DPI = 100
"""Pixels per inch of a figure as the page shows it."""
PIXEL_RATIO = 2
"""Saved pixels per shown pixel: PNGs are saved at ``PIXEL_RATIO * LAYOUT_DPI``."""
PAD_INCHES = 0.1
"""The blank margin matplotlib's tight bounding box adds on each side (``savefig.pad_inches``)."""
COLUMN_INCHES = COLUMN_PX / LAYOUT_DPI - 2 * PAD_INCHES
"""The widest figure: with its margins it is the text column's width."""
CAPTION_PX = 16
"""The caption's (body text's) font size on the page."""
MIN_FONT_PT = CAPTION_PX * 72 / LAYOUT_DPI
"""No text in a figure is smaller than the caption: 11.52 pt at :data:`LAYOUT_DPI`."""


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
    """A figure at most the text column wide (:data:`COLUMN_INCHES`)."""
    return Figure(figsize=(min(width, COLUMN_INCHES), height), dpi=LAYOUT_DPI,
                  layout="constrained")


def legible(fig: Figure, min_pt: float = MIN_FONT_PT) -> Figure:
    """Raise every text of ``fig`` (titles, labels, tick labels, legends, annotations) smaller
    than ``min_pt`` to ``min_pt``, in place; returns ``fig``."""
    fig.draw_without_rendering()  # makes the tick labels, so that they are found below
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels()
            if labels and min(t.get_fontsize() for t in labels) < min_pt:
                axis.set_tick_params(labelsize=min_pt)
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < min_pt:
            text.set_fontsize(min_pt)
    return fig


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
