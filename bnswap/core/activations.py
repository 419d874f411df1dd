"""The activations' torch modules (Section 2, Section 7.2); their names, bounds and numpy twins are
data in :mod:`bnswap.core.registries`.

Tanh, LeCun Tanh (1.7159 * tanh(2x/3)) and Softsign are bounded and odd; ReLU is the unbounded
baseline of Table 1. ``shifted_tanh`` is the asymmetric Tanh of the NeurIPS version of the paper
("Tanh Works Better with Asymmetry"): we parametrise it as

    shifted_tanh(x) = tanh(x - s) + tanh(s),     s = 1 by default,

which still passes through the origin (so a zero-initialised network starts at zero), but whose
asymptotes are -1 + tanh(s) ~ -0.24 and 1 + tanh(s) ~ 1.76: one side saturates near zero, the
other far from it, like a soft, bounded ReLU.
"""

from __future__ import annotations

import importlib
import math

import torch
from torch import nn

from .registries import LECUN_SCALE, SHIFT, activation_info


class LeCunTanh(nn.Module):
    """LeCun et al. (2012): 1.7159 * tanh(2x / 3)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return LECUN_SCALE * torch.tanh(x * (2.0 / 3.0))


class ShiftedTanh(nn.Module):
    """tanh(x - s) + tanh(s): an asymmetric Tanh through the origin (see module docstring)."""

    def __init__(self, shift: float = SHIFT) -> None:
        super().__init__()
        self.shift = shift
        self.offset = math.tanh(shift)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x - self.shift) + self.offset

    def extra_repr(self) -> str:
        return f"shift={self.shift}"


def activation_module(name: str) -> type[nn.Module]:
    """The torch module class that the registry names for activation ``name``."""
    path, _, cls = activation_info(name).module.rpartition(".")
    return getattr(importlib.import_module(path), cls)


def make_activation(name: str) -> nn.Module:
    """A fresh module for activation ``name``."""
    return activation_module(name)()
