"""The scoreboard's words for Figure 9, shifted Tanh and the analytic claims (Appendices A.3,
A.4, A.10): claim, where, the paper's statement, ours. :data:`bnswap.render.scoreboard.WORDS`
takes them in; every number is the finding's.
"""

from __future__ import annotations

import math
from typing import Callable

from ..core.registries import DATASET_INFO
from ..findings.claims import Finding
from ..findings.claims_analytic import SATURATION_TOL
from ..findings.paper import paper
from ..findings.stats import Contrast, NOISE_Z, signed, within_noise

Words = tuple[str, str, str, str]


def gap_text(c: Contrast, unit: str = "") -> str:
    """A contrast's value with its unit ("+0.28 points"), noting when it is within seed noise
    (:data:`NOISE_Z` standard errors) and when a single seed borrowed the headline pair's
    spread; "not run" without one."""
    if not math.isfinite(c.value):
        return "not run"
    noise = ""
    if within_noise(c):
        lent = ", single seed given the headline pair's spread" if c.borrowed else ""
        noise = f" (within seed noise, {NOISE_Z:g} SE = {NOISE_Z * c.se:.2f}{lent})"
    return f"{signed(c.value)}{unit}{noise}"


def _figure9(f: Finding) -> Words:
    v = f.values
    fewer, more = v["datasets"]
    name = {ds: DATASET_INFO[ds].display for ds in v["datasets"]}
    ours = ("first third minus last third of the blocks, skewness: "
            + ", ".join(f"{name[ds]} {gap_text(v['lead'][ds])}" for ds in v["datasets"])
            + "; skewness-weighted depth (0-1): "
            + ", ".join(f"{name[ds]} {v['depth'][ds].format(2)}" for ds in v["datasets"])
            + f", {name[more]} - {name[fewer]} {gap_text(v['deeper'])}")
    return (f"Swap's asymmetry starts in the front layers and reaches deeper on {name[more]} "
            f"than on {name[fewer]} (VGG16, Tanh)", "Section 7.1, Figure 9",
            "qualitative (Figure 9, also Tiny ImageNet and ImageNet): skewed from the first "
            f"blocks on; on {name[more]} the skewed blocks reach further back", ours)


def _shifted_tanh(f: Finding) -> Words:
    v = f.values
    return ("A Tanh shifted to be asymmetric, tanh(x - 1) + tanh(1), beats plain Tanh in the "
            "Convention order, with more skewed channels", "NeurIPS version (our parametrisation)",
            "direction only: the asymmetric Tanh is more accurate (its number is not in our "
            "source)",
            f"shifted {v['shifted'].format(1, '%')} vs plain {v['plain'].format(1, '%')}: "
            f"{gap_text(v['gap'], ' points')}; avg skewness {gap_text(v['skew_gap'])}")


def _uniform_saturation(f: Finding) -> Words:
    v = f.values
    ours = ("needs torch (the package's metrics)" if not math.isfinite(v["uniform"]) else
            f"uniform {v['uniform']:.4f} (tolerance {SATURATION_TOL:g}); tanh(N(0, 0.1²)) "
            f"{v['near_zero']:.3f}")
    return ("Saturation is 0.5 for a uniform distribution and near 0 for one gathered at 0",
            "Appendix A.3, Figure 11", f"uniform: {paper('uniform_saturation')}; "
            "gathered at 0: near 0", ours)


def _tanh_skewness(f: Finding) -> Words:
    v = f.values
    lo, hi = v["peak_sigma"]
    ours = (f"{v['means']} input means in ({v['mu_range'][0]:g}, {v['mu_range'][1]:g}]: peak "
            f"|skewness| vs mean Spearman ρ = {signed(v['rise'].rho)}; interior peak (at σ "
            f"{lo:g}-{hi:g}) for {v['interior']}, falling faster below it for "
            f"{v['steeper_below']}")
    return ("Tanh's output skewness peaks at an intermediate input std, and the peak grows with "
            "the input mean", "Appendix A.4, Figure 12",
            "qualitative (Figure 12): peak rises with the mean; falls for small and large std, "
            "faster towards small", ours)


def _hurley_rickard(f: Finding) -> Words:
    v = f.values
    ours = ("needs torch (the package's metrics)" if not v["criteria"] else
            f"{v['met']} of {len(v['criteria'])} hold; fails: {', '.join(v['failed']) or 'none'}")
    return ("The sparsity metric meets 5 of Hurley & Rickard's 6 criteria",
            "Section 5.2, Appendix A.10",
            f"{paper('hurley_rickard_met')} of 6 proved; not {paper('hurley_rickard_missed')}",
            ours)


EXTRA_WORDS: dict[str, Callable[[Finding], Words]] = {
    "figure9": _figure9, "shifted_tanh": _shifted_tanh,
    "uniform_saturation": _uniform_saturation, "tanh_skewness": _tanh_skewness,
    "hurley_rickard": _hurley_rickard,
}
"""Words of the claims this module writes, by finding claim."""
