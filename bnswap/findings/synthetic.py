"""The package's own metrics (:mod:`bnswap.core.metrics`) on small synthetic inputs: the
saturation and skewness of Figure 11's reference distributions (Appendix A.3) and Hurley &
Rickard's criteria for the sparsity metric (Section 5.2, Appendix A.10). Deterministic; torch,
because these are the very functions every record is measured with.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from ..core.metrics import channel_skewness, saturation, sparsity
from .gaussian import reference_distributions


def reference_metrics(n: int = 20000, bound: float = 1.0) -> list[dict]:
    """Saturation (eq. 1-2), signed skewness (eq. 3) and |skewness| (eq. 4 with one channel) of
    each reference distribution, computed with :mod:`bnswap.core.metrics`."""
    rows = []
    for name, x in reference_distributions(n).items():
        t = torch.as_tensor(x, dtype=torch.float64)[:, None]
        skew = float(channel_skewness(t)[0])
        rows.append({"name": name, "saturation": saturation(t, bound), "skewness": skew,
                     "abs_skewness": abs(skew)})
    return rows


def sparsity_of(values: Sequence[float]) -> float:
    """The sparsity metric (Section 5.2) of a single-channel vector."""
    return sparsity(torch.as_tensor(np.asarray(values, float))[:, None])


def sparsity_properties() -> list[dict]:
    """Hurley & Rickard's six criteria for a sparsity measure checked on small vectors
    (Appendix A.10): each row names the criterion, the two vectors, their sparsities, the
    direction the criterion demands, and whether our metric obeys it here."""
    cases = [
        ("Robin Hood (D1)", "taking from the richest and giving to a poorer entry lowers sparsity",
         [0, 1, 3, 3], [1, 1, 2, 3], "<"),
        ("Robin Hood (D1)", "... also when the largest entry is unique",
         [0, 1, 2, 4], [1, 1, 2, 3], "<"),
        ("Scaling (D2)", "multiplying by a positive constant changes nothing",
         [0, 1, 2, 4], [0, 3, 6, 12], "="),
        ("Rising tide (D3)", "adding a constant to every entry lowers sparsity",
         [0, 1, 2, 4], [1, 2, 3, 5], "<"),
        ("Cloning (D4)", "concatenating the vector with itself changes nothing",
         [0, 1, 2, 4], [0, 1, 2, 4, 0, 1, 2, 4], "="),
        ("Bill Gates (P1)", "one entry growing without bound raises sparsity",
         [0, 1, 2, 4], [0, 1, 2, 40], ">"),
        ("Babies (P2)", "appending a zero raises sparsity",
         [0, 1, 2, 4], [0, 1, 2, 4, 0], ">"),
    ]
    rows = []
    for name, meaning, before, after, want in cases:
        s0, s1 = sparsity_of(before), sparsity_of(after)
        holds = {"<": s1 < s0 - 1e-12, ">": s1 > s0 + 1e-12, "=": abs(s1 - s0) <= 1e-12}[want]
        rows.append({"criterion": name, "meaning": meaning, "before": before, "after": after,
                     "sparsity_before": s0, "sparsity_after": s1, "expected": want,
                     "holds": holds})
    return rows
