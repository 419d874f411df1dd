"""The names of things, declared once as data: block orders, architectures, activations, datasets
and training precisions (paper Sections 2 and 7). Imports no torch.

Every other module reads its lists of names from here: a new activation is one entry of
:data:`ACTIVATIONS` (its torch module is named by a dotted path, resolved by
:func:`bnswap.core.activations.make_activation`), a new dataset one entry of :data:`DATASET_INFO`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

# ---- block orders (Section 2, Figure 2; Section 4.2; Appendix A.2) ------------------------------

ORDERS = ("convention", "swap", "nobn")
"""How a block arranges BN and its activation: weight -> bn -> act, weight -> act -> bn, none."""
PAPER_ORDERS = ORDERS[:2] + ("nwdbn",) + ORDERS[2:]
"""The paper's four models: NWDBN is Convention without weight decay on BN (Section 4.2)."""
COMPARED_ORDERS = ORDERS[:2]
"""Convention and Swap: the pair every table of the paper compares."""

# ---- architectures (Section 2, Appendix A.6) ----------------------------------------------------

VGG16_CFG: list[int | str] = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
                              512, 512, 512, "M", 512, 512, 512, "M"]
"""Conv output channels of VGG16; ``"M"`` a 2x2 max-pool."""
VGG11_CFG: list[int | str] = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
VGG_FC = 512
"""Hidden width of VGG's two hidden fully-connected blocks (CIFAR-style VGG)."""
MOBILENET_CFG: list[tuple[int, int]] = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                                        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
                                        (1024, 2), (1024, 1)]
"""MobileNet v1 (Howard et al. 2017): (output channels, stride) of each depthwise-separable pair."""
VGG16_DEPTHS = range(8, 17)
"""The n of VGG16_n (Appendix A.6, Table 7)."""
ARCHS = ("vgg16", "vgg11", "mobilenet") + tuple(f"vgg16_{n}" for n in VGG16_DEPTHS)
ARCH_NAMES = {"vgg16": "VGG16", "mobilenet": "MobileNet"}
"""Display names that are not the key in capitals."""
TABLE1_ARCHS = ("vgg16", "mobilenet")
"""Table 1's architectures, in its column order."""


def arch_name(arch: str) -> str:
    """Display name of an architecture key: ``mobilenet`` -> MobileNet, ``vgg16_11`` -> VGG16_11."""
    return ARCH_NAMES.get(arch, arch.upper())


def vgg16_n_cfg(n: int) -> list[int | str]:
    """VGG16 with its last ``16 - n`` conv layers removed (Appendix A.6, Table 7).

    VGG16 has 13 conv + 3 FC layers; VGG16_n keeps ``n - 3`` conv layers. A pooling layer stays
    after every stage that keeps at least one conv.
    """
    if n not in VGG16_DEPTHS:
        raise ValueError(f"vgg16_n needs 8 <= n <= 16, got {n}")
    keep, cfg = n - 3, []
    for item in VGG16_CFG:
        if item == "M":
            if cfg and cfg[-1] != "M":
                cfg.append("M")
        elif keep > 0:
            cfg.append(item)
            keep -= 1
    return cfg


def vgg_cfg(arch: str) -> list[int | str]:
    """The layer list of VGG ``arch``: conv widths and ``"M"`` for max-pooling."""
    if arch == "vgg16":
        return VGG16_CFG
    if arch == "vgg11":
        return VGG11_CFG
    if arch.startswith("vgg16_") and arch in ARCHS:
        return vgg16_n_cfg(int(arch.split("_")[1]))
    raise ValueError(f"{arch!r} is not a VGG; choose one of: "
                     f"{', '.join(a for a in ARCHS if a.startswith('vgg'))}")


# ---- activations (Section 2, Section 7.2, the NeurIPS version's shifted Tanh) -------------------

LECUN_SCALE = 1.7159
SHIFT = 1.0
"""The shift s of ``shifted_tanh(x) = tanh(x - s) + tanh(s)``."""


@dataclass(frozen=True)
class Activation:
    """What the package knows about one activation."""

    name: str
    display: str
    """How the book names it (the paper's spelling)."""
    module: str
    """Dotted path of its torch module class."""
    bound: float | None
    """Largest absolute value the function approaches (the saturation metric's denominator,
    eq. 1); ``None`` for unbounded functions, whose saturation is undefined."""
    low: float
    """Lower end of the output range (used to check that BN inputs of Swap blocks lie in it)."""
    high: float
    numpy_fn: Callable[[np.ndarray], np.ndarray]
    """The same function on numpy arrays."""
    inverse: Callable[[np.ndarray], np.ndarray] | None = None
    """act^{-1}(y) inside the output range, for the odd bounded ones (the explorer's quadrature)."""
    inverse_derivative: Callable[[np.ndarray], np.ndarray] | None = None
    """d act^{-1}(y) / dy."""

    @property
    def bounded_odd(self) -> bool:
        """Bounded and odd: the paper's Table 2 activations, and the explorer's."""
        return self.inverse is not None


def _lecun(x):
    return LECUN_SCALE * np.tanh(2.0 * x / 3.0)


def _lecun_inverse(y):
    return 1.5 * np.arctanh(np.asarray(y, float) / LECUN_SCALE)


def _lecun_inverse_derivative(y):
    u = np.asarray(y, float) / LECUN_SCALE
    return 1.5 / (LECUN_SCALE * (1.0 - u * u))


def _softsign(x):
    return x / (1.0 + np.abs(x))


def _softsign_inverse(y):
    y = np.asarray(y, float)
    return y / (1.0 - np.abs(y))


def _softsign_inverse_derivative(y):
    return 1.0 / (1.0 - np.abs(np.asarray(y, float))) ** 2


def _tanh_inverse_derivative(y):
    y = np.asarray(y, float)
    return 1.0 / (1.0 - y * y)


def _shifted(x):
    return np.tanh(x - SHIFT) + math.tanh(SHIFT)


_CORE = "bnswap.core.activations"
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("tanh", "Tanh", "torch.nn.Tanh", 1.0, -1.0, 1.0, np.tanh,
               lambda y: np.arctanh(np.asarray(y, float)), _tanh_inverse_derivative),
    Activation("lecun_tanh", "LeCun Tanh", f"{_CORE}.LeCunTanh", LECUN_SCALE, -LECUN_SCALE,
               LECUN_SCALE, _lecun, _lecun_inverse, _lecun_inverse_derivative),
    Activation("softsign", "Softsign", "torch.nn.Softsign", 1.0, -1.0, 1.0, _softsign,
               _softsign_inverse, _softsign_inverse_derivative),
    Activation("relu", "ReLU", "torch.nn.ReLU", None, 0.0, math.inf,
               lambda x: np.maximum(x, 0.0)),
    Activation("shifted_tanh", "shifted Tanh", f"{_CORE}.ShiftedTanh", 1.0 + math.tanh(SHIFT),
               -1.0 + math.tanh(SHIFT), 1.0 + math.tanh(SHIFT), _shifted),
)}
ACTIVATION_NAMES = {a.name: a.display for a in ACTIVATIONS.values()}
BOUNDED_ODD = tuple(a.name for a in ACTIVATIONS.values() if a.bounded_odd)
"""Tanh, LeCun Tanh and Softsign: Table 2's rows (largest skewness gain first) and the
explorer's activations."""
TABLE1_ACTIVATIONS = ("tanh", "relu")
"""Table 1's activations: the bounded one of the paper's claim and the unbounded baseline."""


def activation_info(name: str) -> Activation:
    """Look an activation up by name; unknown names raise a ValueError listing the valid ones."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}") from None


# ---- datasets (Section 7.1) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    name: str
    display: str
    classes: int
    how_to_get: str
    """Where to put it when it is missing (the data loader's and the book's instructions)."""
    downloadable: bool = False
    """torchvision can fetch it, so a chapter need not say how to get it."""


_CIFAR_HOW = ("run once with internet access (torchvision downloads it), or put {archive} / "
              "torchvision's {folder} in the data directory")
DATASET_INFO: dict[str, Dataset] = {d.name: d for d in (
    Dataset("cifar10", "CIFAR-10", 10, _CIFAR_HOW.format(archive="cifar10-jpg.tar.gz",
                                                         folder="cifar-10-batches-py"), True),
    Dataset("cifar100", "CIFAR-100", 100, _CIFAR_HOW.format(archive="cifar100-jpg.tar.gz",
                                                            folder="cifar-100-python"), True),
    Dataset("tiny_imagenet", "Tiny ImageNet", 200,
            "download http://cs231n.stanford.edu/tiny-imagenet-200.zip and unzip it into the "
            "data directory (giving tiny-imagenet-200/train, val, wnids.txt)"),
    Dataset("imagenet", "ImageNet", 1000,
            "put ILSVRC-2012 as `imagenet/train/<class>/*.JPEG` and "
            "`imagenet/val/<class>/*.JPEG` in the data directory (it is downsampled to 64x64 "
            "when cached)"),
)}
DATASETS = tuple(DATASET_INFO)
CIFAR = DATASETS[:2]
"""CIFAR-10 and CIFAR-100: 32x32 images, hidden FC blocks with BN (Section 7.1)."""
DATASET_NAMES = {d.name: d.display for d in DATASET_INFO.values()}
NUM_CLASSES = {d.name: d.classes for d in DATASET_INFO.values()}
HOW_TO_GET = {d.name: d.how_to_get for d in DATASET_INFO.values()}

# ---- training precision (see bnswap.core.precision) ---------------------------------------------

PRECISIONS = ("fp32", "bf16", "bf16_mixed")
"""``fp32``; ``bf16``, autocast of the whole forward pass; ``bf16_mixed``, bf16 weight layers with
fp32 activations and BatchNorm."""
DEFAULT_PRECISION = "fp32"

# ---- weight initialisation (see bnswap.core.models.initialise) ----------------------------------

INITS = ("default", "tanh_gain")
"""``default``: PyTorch's own initialisation of conv and linear layers (every record before this
field); ``tanh_gain``: Xavier-normal weights with Tanh's gain 5/3 and zero biases, which keeps a
network without BN from shrinking its signal block by block (the NoBN diagnosis)."""
DEFAULT_INIT = "default"
