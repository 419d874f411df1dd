"""Activation functions used in the paper, each with the asymptote the saturation metric needs.

Section 2 / Section 7.2: Tanh, LeCun Tanh (1.7159 * tanh(2x/3)) and Softsign are bounded and odd;
ReLU is the unbounded baseline of Table 1. ``shifted_tanh`` is the asymmetric Tanh of the NeurIPS
version of the paper ("Tanh Works Better with Asymmetry"): we parametrise it as

    shifted_tanh(x) = tanh(x - s) + tanh(s),     s = 1 by default,

which still passes through the origin (so a zero-initialised network starts at zero), but whose
asymptotes are -1 + tanh(s) ~ -0.24 and 1 + tanh(s) ~ 1.76: one side saturates near zero, the
other far from it, like a soft, bounded ReLU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

LECUN_SCALE = 1.7159
SHIFT = 1.0


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


@dataclass(frozen=True)
class ActivationInfo:
    """What the package needs to know about one activation."""

    name: str
    factory: Callable[[], nn.Module]
    bound: float | None
    """Largest absolute value the function approaches (the saturation metric's denominator,
    eq. 1); ``None`` for unbounded functions, whose saturation is undefined."""
    low: float
    """Lower end of the output range (used to check that BN inputs of Swap blocks lie in it)."""
    high: float
    numpy_fn: Callable
    """The same function on numpy arrays (for the quadrature explorer)."""


def _np_tanh(x):
    import numpy as np

    return np.tanh(x)


def _np_lecun(x):
    import numpy as np

    return LECUN_SCALE * np.tanh(2.0 * x / 3.0)


def _np_softsign(x):
    import numpy as np

    return x / (1.0 + np.abs(x))


def _np_relu(x):
    import numpy as np

    return np.maximum(x, 0.0)


def _np_shifted(x):
    import numpy as np

    return np.tanh(x - SHIFT) + math.tanh(SHIFT)


ACTIVATIONS: dict[str, ActivationInfo] = {
    "tanh": ActivationInfo("tanh", nn.Tanh, 1.0, -1.0, 1.0, _np_tanh),
    "lecun_tanh": ActivationInfo(
        "lecun_tanh", LeCunTanh, LECUN_SCALE, -LECUN_SCALE, LECUN_SCALE, _np_lecun
    ),
    "softsign": ActivationInfo("softsign", nn.Softsign, 1.0, -1.0, 1.0, _np_softsign),
    "relu": ActivationInfo("relu", nn.ReLU, None, 0.0, math.inf, _np_relu),
    "shifted_tanh": ActivationInfo(
        "shifted_tanh",
        ShiftedTanh,
        1.0 + math.tanh(SHIFT),
        -1.0 + math.tanh(SHIFT),
        1.0 + math.tanh(SHIFT),
        _np_shifted,
    ),
}


def activation_info(name: str) -> ActivationInfo:
    """Look an activation up by name; unknown names raise a ValueError listing the valid ones."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}"
        ) from None


def make_activation(name: str) -> nn.Module:
    """A fresh module for activation ``name``."""
    return activation_info(name).factory()
