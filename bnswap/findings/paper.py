"""The paper's numbers as data: every figure the book compares against, with its source.

Tables 1, 2 and 7 and the numbers quoted in the text (Sections 2-5, Appendix A.2), each as a
:class:`Cited` value that says where in the paper it comes from. The swept settings of Figures 5
and 7 are the experiments' (:mod:`bnswap.runs.experiments`), cited here as the paper's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.registries import COMPARED_ORDERS, TABLE1_ACTIVATIONS, TABLE1_ARCHS
from ..runs.experiments import AFFINE_SWEEP_VALUES, BETA_SWEEP_VALUES


@dataclass(frozen=True)
class Cited:
    """A number (or table) from the paper and where it is printed."""

    value: Any
    source: str
    what: str
    unit: str = ""


# Table 1's columns, left to right: (arch, activation, order).
TABLE1_COLUMNS = [(arch, act, order) for act in TABLE1_ACTIVATIONS for arch in TABLE1_ARCHS
                  for order in COMPARED_ORDERS]
_T1_ROWS = {
    "cifar10": [91.75, 92.90, 91.54, 92.48, 93.69, 93.04, 92.2, 91.93],
    "cifar100": [64.84, 72.17, 64.47, 70.63, 73.68, 71.79, 70.06, 69.49],
    "tiny_imagenet": [49.29, 57.05, 50.85, 51.79, 61.54, 59.045, 59.79, 59.1],
    "imagenet": [60.85, 67.04, 64.26, 72.07, 73.83, 72.95, 70.48, 71.1],
}

PAPER: dict[str, Cited] = {
    # Section 2 (models): VGG16_11 vs VGG11, Tanh, CIFAR-100.
    "acc_conv": Cited(69.5, "Section 2", "VGG16_11 Convention, Tanh, CIFAR-100 test accuracy", "%"),
    "acc_swap": Cited(74.11, "Section 2", "VGG16_11 Swap, Tanh, CIFAR-100 test accuracy", "%"),
    "acc_vgg11_conv": Cited(64.55, "Section 2", "VGG11 Convention, Tanh, CIFAR-100", "%"),
    "acc_vgg11_swap": Cited(69.94, "Section 2", "VGG11 Swap, Tanh, CIFAR-100", "%"),
    # Section 3.2
    "swap_gain": Cited(4.61, "Section 3.2", "Swap minus Convention test accuracy", "points"),
    "max_sat_swap": Cited(0.86, "Section 3.2, Figure 3", "largest layer saturation, Swap"),
    "max_sat_conv": Cited(0.45, "Section 3.2, Figure 3", "largest layer saturation, Convention"),
    # Section 4.2
    "acc_nwdbn": Cited(72.27, "Section 4.2", "NWDBN (no weight decay on BN) test accuracy", "%"),
    "beta_sweep_values": Cited(BETA_SWEEP_VALUES, "Section 2 (setups)",
                               "weight decay on BN beta, NWDBN base (Figure 5)"),
    # Section 5.2: sparsity averaged over layers.
    "sparsity_conv": Cited(0.717951, "Section 5.2", "average sparsity, Convention"),
    "sparsity_nwdbn": Cited(0.287974, "Section 5.2", "average sparsity, NWDBN"),
    "sparsity_swap": Cited(0.848927, "Section 5.2", "average sparsity, Swap"),
    "affine_sweep_values": Cited(AFFINE_SWEEP_VALUES, "Section 2 (setups)",
                                 "weight decay on BN gamma and beta, Swap base (Figure 7)"),
    # Section 7 / appendix tables.
    "table1": Cited({(ds, *col): v for ds, row in _T1_ROWS.items() for col, v in zip(TABLE1_COLUMNS, row)},
                    "Table 1", "test accuracy by (dataset, arch, activation, order)", "%"),
    "table2_accuracy": Cited({("tanh", "convention"): 69.5, ("tanh", "swap"): 74.11,
                              ("lecun_tanh", "convention"): 67.82, ("lecun_tanh", "swap"): 74.46,
                              ("softsign", "convention"): 70.01, ("softsign", "swap"): 73.65},
                             "Table 2", "VGG16_11 CIFAR-100 test accuracy by (activation, order)",
                             "%"),
    "table2_delta_skewness": Cited({"tanh": 2.38, "lecun_tanh": 1.90, "softsign": 1.28}, "Table 2",
                                   "Swap minus Convention average layer skewness"),
    "table7": Cited({16: 72.17, 15: 73.02, 14: 73.48, 13: 73.85, 12: 73.76, 11: 73.92, 10: 72.57,
                     9: 70.91, 8: 70.69}, "Table 7 (Appendix A.6)",
                    "Swap VGG16_n test accuracy on CIFAR-100, by n", "%"),
    # Appendix A.2 (compared on the Table 1 VGG16 Convention model).
    "acc_nobn": Cited(61.06, "Appendix A.2", "NoBN test accuracy", "%"),
    "acc_conv_vs_nobn": Cited(64.84, "Appendix A.2", "Convention test accuracy it is compared to",
                              "%"),
    # Appendix A.3
    "uniform_saturation": Cited(0.5, "Appendix A.3", "saturation of a uniform distribution"),
    # Section 5.2, Appendix A.10: Theorems 1.1-1.5 prove five of Hurley & Rickard's six criteria
    # (scaling, rising tide, cloning, Bill Gates, babies); Robin Hood is the one left.
    "hurley_rickard_met": Cited(5, "Section 5.2, Appendix A.10",
                                "Hurley & Rickard criteria the sparsity metric meets (of 6)"),
    "hurley_rickard_missed": Cited("Robin Hood (D1)", "Appendix A.10",
                                   "the criterion without a proof"),
    # Setup (Section 2, Appendix A.1)
    "epochs": Cited(200, "Appendix A.1, Tables 3-6", "training epochs (CIFAR)"),
    "seeds": Cited(3, "Section 2", "random seeds per configuration (all but ImageNet)"),
    "width": Cited(1.0, "Section 2", "channel width (the standard VGG/MobileNet widths)"),
}


def paper(key: str) -> Any:
    """The value of ``PAPER[key]`` (KeyError names the valid keys)."""
    try:
        return PAPER[key].value
    except KeyError:
        raise KeyError(f"no paper number {key!r}; known: {', '.join(PAPER)}") from None


def swap_gain(table: dict[tuple, float], *cell: str) -> float:
    """Swap minus Convention in a paper table keyed by (..., order): for example
    ``swap_gain(paper("table1"), "cifar100", "vgg16", "tanh")`` or
    ``swap_gain(paper("table2_accuracy"), "softsign")``."""
    return table[(*cell, "swap")] - table[(*cell, "convention")]
