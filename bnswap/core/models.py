"""VGG and MobileNet models with Convention, Swap or no BatchNorm (paper Section 2, Figure 2).

Every conv and hidden fully-connected layer is a :class:`Block` whose children run in order:

* ``convention``: weight -> bn -> act   (Ioffe & Szegedy's order)
* ``swap``:       weight -> act -> bn   (the paper's subject)
* ``nobn``:       weight -> act         (Appendix A.2)

A block exposes the paper's two measurement points (Figure 2): ``block.act`` is the activation
module (saturation and skewness are measured on its output) and the block itself is the block
output (sparsity is measured there). :func:`blocks` lists them in forward order.

The layer lists (VGG16, VGG11, VGG16_n, MobileNet) are data in :mod:`bnswap.core.registries`.
Weight layers carry a bias except in Convention blocks, where the following BN's beta makes it
redundant. In Swap blocks the bias shifts the bounded activation's input, which is what lets a
channel saturate to one side.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .activations import make_activation
from .registries import ARCHS, INITS, MOBILENET_CFG, ORDERS, VGG_FC, vgg_cfg


def _check_order(order: str) -> None:
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; choose one of: {', '.join(ORDERS)}")


class Block(nn.Module):
    """One weight layer with its activation and (optionally) BatchNorm, in the chosen order."""

    def __init__(self, weight: nn.Module, channels: int, order: str, activation: str) -> None:
        super().__init__()
        _check_order(order)
        self.order = order
        self.weight = weight
        bn_cls = nn.BatchNorm2d if isinstance(weight, nn.Conv2d) else nn.BatchNorm1d
        # Registration order is forward order, so module inspection reads the block's layout.
        if order == "convention":
            self.bn = bn_cls(channels)
            self.act = make_activation(activation)
        elif order == "swap":
            self.act = make_activation(activation)
            self.bn = bn_cls(channels)
        else:
            self.act = make_activation(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for module in self.children():
            x = module(x)
        return x


def conv_block(cin: int, cout: int, order: str, activation: str, stride: int = 1,
               groups: int = 1, kernel: int = 3) -> Block:
    conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, groups=groups,
                     bias=order != "convention")
    return Block(conv, cout, order, activation)


def linear_block(fin: int, fout: int, order: str, activation: str) -> Block:
    return Block(nn.Linear(fin, fout, bias=order != "convention"), fout, order, activation)


def scaled(channels: int, width: float) -> int:
    """Channel count scaled by ``width`` (at least 1)."""
    return max(1, int(round(channels * width)))


class VGG(nn.Module):
    """VGG with ``cfg`` conv layers, global average pooling and a 3-layer classifier.

    The two hidden FC layers are blocks (with BN when ``fc_bn``); the last layer is a plain Linear.
    """

    def __init__(self, cfg: Sequence[int | str], order: str, activation: str, num_classes: int,
                 width: float = 1.0, fc_bn: bool = True) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 3
        for item in cfg:
            if item == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                cout = scaled(int(item), width)
                layers.append(conv_block(cin, cout, order, activation))
                cin = cout
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        fc = scaled(VGG_FC, width)
        fc_order = order if fc_bn else "nobn"
        self.classifier = nn.Sequential(
            linear_block(cin, fc, fc_order, activation),
            linear_block(fc, fc, fc_order, activation),
            nn.Linear(fc, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.features(x)).flatten(1)
        return self.classifier(x)


class MobileNet(nn.Module):
    """MobileNet v1: a 3x3 stem then depthwise-separable pairs (each conv is its own block).

    The stem stride is 1 for inputs up to 32 px, 2 up to 64 px (Tiny ImageNet) and 2 beyond
    (ImageNet, where the first separable stride-1 blocks then follow the original network).
    """

    def __init__(self, order: str, activation: str, num_classes: int, width: float = 1.0,
                 image_size: int = 32) -> None:
        super().__init__()
        stem_stride = 1 if image_size <= 32 else 2
        cin = scaled(32, width)
        layers: list[nn.Module] = [conv_block(3, cin, order, activation, stride=stem_stride)]
        for cout, stride in MOBILENET_CFG:
            cout = scaled(cout, width)
            layers.append(conv_block(cin, cin, order, activation, stride=stride, groups=cin))
            layers.append(conv_block(cin, cout, order, activation, kernel=1))
            cin = cout
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(cin, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))


def build_model(arch: str, order: str, activation: str, num_classes: int, width: float = 1.0,
                fc_bn: bool = True, image_size: int = 32) -> nn.Module:
    """Build ``arch`` with every block in ``order`` using ``activation`` (Section 2).

    ``fc_bn=False`` drops BN from the hidden FC blocks (the paper's Tiny ImageNet/ImageNet VGG).
    """
    _check_order(order)
    if arch == "mobilenet":
        return MobileNet(order, activation, num_classes, width, image_size)
    if arch not in ARCHS:
        raise ValueError(f"unknown arch {arch!r}; choose one of: {', '.join(ARCHS)}")
    return VGG(vgg_cfg(arch), order, activation, num_classes, width, fc_bn)


def initialise(model: nn.Module, init: str) -> nn.Module:
    """Re-initialise ``model``'s conv and linear layers by ``init`` (:data:`INITS`): ``default``
    leaves PyTorch's own; ``tanh_gain`` draws Xavier-normal weights with gain 5/3 and zero
    biases."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
    if init == "tanh_gain":
        gain = nn.init.calculate_gain("tanh")
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_normal_(m.weight, gain=gain)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
    return model


def blocks(model: nn.Module) -> list[Block]:
    """The model's blocks in forward order: the paper's layers 1..L."""
    return [m for m in model.modules() if isinstance(m, Block)]


def block_output_stds(model: nn.Module, x: torch.Tensor) -> list[float]:
    """The standard deviation of each block's output for input ``x``, in eval mode and without
    gradients (the NoBN diagnosis: how far the signal shrinks with depth at initialisation)."""
    out: list[float] = []
    hooks = [b.register_forward_hook(lambda m, i, o: out.append(float(o.float().std())))
             for b in blocks(model)]
    was_training = model.training
    try:
        with torch.no_grad():
            model.eval()(x)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return out
