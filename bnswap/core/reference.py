"""The paper's own metric computation, literally (Appendix A.11, Algorithms 1 and 2).

Three passes over the data: channel means, then variances around them, then third moments.
Kept only to check that :func:`bnswap.metrics.measure` (one pass) gives the same numbers and to
benchmark the difference; chapters and training use :mod:`bnswap.metrics`.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable

import torch
from torch import nn

from .models import blocks


def _collect(model: nn.Module, batches: Callable[[], Iterable[torch.Tensor]], where: str,
             fn: Callable[[int, torch.Tensor], None]) -> None:
    """Run one pass; call ``fn(layer, output)`` for every block's activation or block output."""
    hooks = []
    for i, b in enumerate(blocks(model)):
        target = b.act if where == "act" else b
        hooks.append(target.register_forward_hook(lambda _m, _i, out, i=i: fn(i, out)))
    try:
        for x in batches():
            model(x)
    finally:
        for h in hooks:
            h.remove()


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(0, 1).reshape(x.shape[1], -1).double()


@torch.no_grad()
def measure_three_pass(model: nn.Module, batches: Callable[[], Iterable[torch.Tensor]],
                       bound: float | None) -> list[dict]:
    """Saturation, layer skewness and sparsity per block by Algorithms 1-2 (plus the block-output
    pass for sparsity). ``batches`` is called once per pass and must yield the same inputs."""
    was = model.training
    model.eval()
    n_blocks = len(blocks(model))
    count = [0] * n_blocks
    mean: list[torch.Tensor | None] = [None] * n_blocks
    abs_sum = [0.0] * n_blocks

    def pass_mean(i, out):
        f = _flat(out)
        mean[i] = f.sum(1) if mean[i] is None else mean[i] + f.sum(1)
        count[i] += f.shape[1]
        abs_sum[i] += float(f.abs().sum())

    _collect(model, batches, "act", pass_mean)
    mean = [m / c for m, c in zip(mean, count)]
    var: list[torch.Tensor] = [torch.zeros_like(m) for m in mean]

    def pass_var(i, out):
        var[i] += ((_flat(out) - mean[i][:, None]) ** 2).sum(1) / count[i]

    _collect(model, batches, "act", pass_var)
    skew: list[torch.Tensor] = [torch.zeros_like(m) for m in mean]

    def pass_skew(i, out):
        d = count[i]
        term = ((_flat(out) - mean[i][:, None]) ** 3).sum(1) / var[i].clamp_min(1e-300) ** 1.5
        skew[i] += term / d * math.sqrt(d * (d - 1)) / (d - 2)

    _collect(model, batches, "act", pass_skew)
    out_sum: list[torch.Tensor | None] = [None] * n_blocks
    out_max: list[torch.Tensor | None] = [None] * n_blocks
    out_n = [0] * n_blocks

    def pass_block(i, out):
        f = _flat(out).abs()
        s, m = f.sum(1), f.amax(1)
        out_sum[i] = s if out_sum[i] is None else out_sum[i] + s
        out_max[i] = m if out_max[i] is None else torch.maximum(out_max[i], m)
        out_n[i] += f.numel()

    _collect(model, batches, "block", pass_block)
    model.train(was)
    rows = []
    for i in range(n_blocks):
        k = torch.where(var[i] > 0, skew[i], torch.zeros_like(skew[i]))
        ratio = torch.where(out_max[i] > 0, out_sum[i] / out_max[i].clamp_min(1e-300),
                            torch.zeros_like(out_sum[i]))
        rows.append({"layer": i + 1,
                     "saturation": None if bound is None else abs_sum[i] / (count[i]
                                                                            * mean[i].numel()
                                                                            * bound),
                     "skewness": float(k.abs().mean()),
                     "sparsity": float(1 - ratio.sum() / out_n[i])})
    return rows
