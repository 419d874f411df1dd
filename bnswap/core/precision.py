"""Training precision: fp32, all-bf16 autocast, or bf16 weight layers with fp32 elsewhere.

Why a mixed mode: bf16 has 8 significant bits, so a bf16 Tanh output rounds to exactly +-1 once
``|x| >= 3.5`` (the spacing of bf16 just below 1 is 2**-9) and its gradient ``1 - y**2`` becomes
exactly 0, where fp32 keeps 0.0036 at 3.5. Those are precisely the saturated units the paper
studies (Section 3). ``bf16_mixed`` runs only the weight layers (convolutions, linear layers) in
bf16 and casts their outputs back to fp32, so activations, BatchNorm and their gradients stay fp32.

In every mode the loss, BN statistics, optimizer state and every measurement pass (saturation,
skewness, sparsity, gradient scales) are fp32: only the training (and per-epoch test) forward and
backward passes use the reduced precision.
"""

from __future__ import annotations

import contextlib

import torch
from torch import nn

from .registries import PRECISIONS

__all__ = ["PRECISIONS", "autocast", "prepare_model", "reduced"]


def reduced(precision: str) -> bool:
    """Whether ``precision`` runs any layer in bf16."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of: {', '.join(PRECISIONS)}")
    return precision != "fp32"


def autocast(precision: str, device_type: str) -> contextlib.AbstractContextManager:
    """The autocast context of a training or evaluation forward pass in ``precision``."""
    return torch.autocast(device_type, dtype=torch.bfloat16, enabled=reduced(precision))


def _to_fp32(_module: nn.Module, _inputs: tuple, output: torch.Tensor) -> torch.Tensor:
    return output.float()


def prepare_model(model: nn.Module, precision: str) -> nn.Module:
    """For ``bf16_mixed``: make every conv and linear layer hand fp32 to what follows it (a
    forward hook; a no-op outside autocast, where the output is already fp32). Other modes leave
    the model as it is. Returns ``model``."""
    reduced(precision)  # refuses an unknown precision
    if precision == "bf16_mixed":
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                module.register_forward_hook(_to_fp32)
    return model
