"""Batch-level preprocessing on tensors: normalisation, random crop with padding, flips.

The whole dataset stays one uint8 tensor on the device; a batch is gathered by index, converted
and augmented in a handful of tensor ops, with no per-image Python (the airbench approach).
Random numbers come from a CPU generator so runs are identical on every device.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import torch
import torch.nn.functional as F


class Normalizer:
    """uint8 images -> float, per-channel ``(x / 255 - mean) / std``, channels_last."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], device: torch.device | str,
                 dtype: torch.dtype = torch.float32) -> None:
        self.scale = (1.0 / (255.0 * torch.tensor(std, dtype=dtype, device=device))).view(1, -1, 1, 1)
        self.shift = (torch.tensor(mean, dtype=dtype, device=device)
                      / torch.tensor(std, dtype=dtype, device=device)).view(1, -1, 1, 1)
        self.dtype = dtype

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.addcmul(-self.shift, x.to(self.dtype), self.scale)
        return out.contiguous(memory_format=torch.channels_last)


def random_crop_flip(x: torch.Tensor, pad: int, generator: torch.Generator) -> torch.Tensor:
    """Random ``pad``-pixel-padded crop and horizontal flip of every image in ``x`` [B, C, H, W].

    Padding is zero in normalised space (the mean colour); offsets and flips are drawn from
    ``generator`` (CPU) and applied with one gather.
    """
    b, _, h, w = x.shape
    offsets = torch.randint(0, 2 * pad + 1, (2, b), generator=generator).to(x.device)
    flips = (torch.rand(b, generator=generator) < 0.5).to(x.device)
    padded = F.pad(x, (pad, pad, pad, pad))
    rows = offsets[0][:, None] + torch.arange(h, device=x.device)  # [B, H]
    cols = offsets[1][:, None] + torch.arange(w, device=x.device)  # [B, W]
    cols = torch.where(flips[:, None], cols.flip(1), cols)
    idx_b = torch.arange(b, device=x.device)[:, None, None, None]
    idx_c = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    out = padded[idx_b, idx_c, rows[:, None, :, None], cols[:, None, None, :]]
    return out.contiguous(memory_format=torch.channels_last)


def eval_batches(x: torch.Tensor, norm: Normalizer, batch_size: int) -> Iterator[torch.Tensor]:
    """Normalised, un-augmented batches of ``x`` in order."""
    for start in range(0, x.shape[0], batch_size):
        yield norm(x[start:start + batch_size])
