"""The ``precision`` experiment's comparison in words: fp32 against ``bf16_mixed`` per order,
layer-averaged (a table and a sentence) and per block (a sentence; the figure is
:func:`bnswap.render.plots.precision_layers`). The numbers: :mod:`bnswap.findings.precision`."""

from __future__ import annotations

import math
from typing import Sequence

from ..core.registries import COMPARED_ORDERS
from ..findings.precision import (chance_beyond_noise, cost_by_precision, layer_gaps,
                                  precision_gaps)
from ..findings.records import METRICS, Runs
from ..findings.stats import NOISE_Z
from .markdown import markdown_table

LISTED = 6
"""At most this many blocks beyond noise are named; the rest are counted."""


def precision_markdown(runs: Runs, reduced: str = "bf16_mixed") -> str:
    """The comparison as a table and one sentence, or what is missing."""
    gaps = precision_gaps(runs, reduced)
    if not any(g.reduced.ok for g in gaps):
        return (f"No {reduced} record yet: the comparison appears here once the `precision` "
                f"experiment's reduced-precision runs are recorded.")
    body = [[g.order.title(), g.quantity, g.fp32.format(3 if g.fp32.mean < 2 else 2),
             g.reduced.format(3 if g.reduced.mean < 2 else 2),
             f"{g.difference:+.3f}" if math.isfinite(g.difference) else "—",
             f"{g.noise:.3f}" if math.isfinite(g.noise) else "—",
             "yes" if g.within_noise else ("no" if math.isfinite(g.noise) else "—")]
            for g in gaps]
    beyond = [f"{g.order.title()} {g.quantity}" for g in gaps
              if math.isfinite(g.noise) and not g.within_noise]
    summary = ("Every difference is within its seed noise." if not beyond else
               "Beyond seed noise: " + ", ".join(beyond) + ".")
    return markdown_table(["order", "quantity", "fp32", reduced, f"{reduced} − fp32",
                           f"noise ({NOISE_Z:g} SE)", "within noise"], body) + "\n\n" + summary


def layer_precision_markdown(runs: Runs, reduced: str = "bf16_mixed") -> str:
    """Per block: how many of the (order, metric, block) differences lie within their seed
    noise, which do not, and how many would be flagged by chance alone."""
    gaps = [g for g in layer_gaps(runs, reduced) if math.isfinite(g.noise)]
    if not gaps:
        return (f"The per-block comparison needs at least two seeds in fp32 and in {reduced} "
                f"for an order.")
    beyond = sorted((g for g in gaps if not g.within_noise),
                    key=lambda g: -abs(g.difference) / g.noise)
    n = min(g.fp32.n for g in gaps), min(g.reduced.n for g in gaps)
    chance = chance_beyond_noise(*n)
    text = (f"Block by block ({len(gaps)} differences: {len(COMPARED_ORDERS)} orders, "
            f"{len(METRICS)} metrics, every block), {len(gaps) - len(beyond)} lie within "
            f"{NOISE_Z:g} standard errors of zero. With {n[0]} and {n[1]} seeds a side, "
            f"a difference lands beyond that by chance alone with probability {chance:.2f}, "
            f"about {chance * len(gaps):.0f} of {len(gaps)} when nothing changed.")
    if beyond:
        named = [f"{g.order.title()} {g.quantity} in block {g.layer} ({g.difference:+.3f} "
                 f"against {g.noise:.3f})" for g in beyond[:LISTED]]
        more = len(beyond) - LISTED
        text += (f" Beyond it{' (the largest first)' if len(beyond) > 1 else ''}: "
                 + "; ".join(named) + (f"; and {more} more" if more > 0 else "") + ".")
    return text


def precision_cost_markdown(records: Sequence[dict]) -> str:
    """What each precision cost on the CPUs that made records in more than one (the records'
    own throughput: the real training loop, evaluation included)."""
    costs = cost_by_precision(records)
    if not costs:
        return ("No CPU in the results store has made records in two precisions at one width "
                "yet, so the records cannot compare their cost.")
    lines = []
    for c in costs:
        ips = c.images_per_second
        base = ips.get("fp32")
        parts = [f"{p} {s.mean:,.0f} images/s ({s.n} run{'s' if s.n > 1 else ''})"
                 + (f", {s.mean / base.mean:.2f}x fp32" if base and p != "fp32" else "")
                 for p, s in ips.items()]
        flags = ", ".join(c.cpu_bf16) or "no bf16 instructions"
        lines.append(f"- {c.cpu_model} ({flags}), width {c.width:g}: " + "; ".join(parts) + ".")
    return ("Training throughput from the records themselves (one torch thread per run, "
            "evaluation included, on a machine that usually ran two runs side by side):\n\n"
            + "\n".join(lines))
