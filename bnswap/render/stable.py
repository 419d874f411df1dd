"""Byte-stable notebook outputs: the same data gives the same bytes on every run.

* Figures: PNGs are rendered without matplotlib's version stamp (``Software`` metadata) and SVGs
  with a fixed hash salt, so a re-executed chapter does not change when nothing it draws does.
* Widgets: ipywidgets gives each widget a random ``model_id``; a saved chapter gets ids numbered
  in output order instead (the widget state is not saved, so the ids refer to nothing anyway).
"""

from __future__ import annotations

import base64
import io
from typing import Any

SALT = "bnswap"


def stable_figures() -> None:
    """Fix matplotlib's SVG hash salt and, inside IPython, display figures as PNGs without
    version metadata (call after ``%matplotlib inline``: it replaces that backend's formatter)."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = SALT
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    shell.display_formatter.formatters["image/png"].for_type(Figure, png_base64)


def png_base64(fig: Any) -> tuple[str, dict] | None:
    """``fig`` as a base64 PNG, minus the ``Software`` stamp, with its display size: made
    :func:`~bnswap.render.figure.legible`, saved at ``PIXEL_RATIO`` times the layout's dpi and
    shown at the layout's size (the ``width``/``height`` metadata, as IPython's "retina" format
    does), so a page shows it sharp and at the size its fonts were chosen for."""
    from .figure import LAYOUT_DPI, PAD_INCHES, PIXEL_RATIO, legible

    if not fig.axes and not fig.lines:
        return None
    legible(fig)
    buf = io.BytesIO()
    fig.canvas.print_figure(buf, format="png", facecolor=fig.get_facecolor(),
                            edgecolor=fig.get_edgecolor(), dpi=PIXEL_RATIO * LAYOUT_DPI,
                            bbox_inches="tight", pad_inches=PAD_INCHES,
                            metadata={"Software": None})
    data = buf.getvalue()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return (base64.b64encode(data).decode("ascii"),
            {"width": width // PIXEL_RATIO, "height": height // PIXEL_RATIO})


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def stable_widget_ids(nb: Any) -> None:
    """Renumber the ``model_id`` of every widget output of ``nb`` (in place) in output order."""
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_MIME)
            if isinstance(view, dict) and "model_id" in view:
                view["model_id"] = f"{n:032x}"
                n += 1
