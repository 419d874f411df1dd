"""Whether a finished training result may become a complete record: no NaN or infinity in its
losses, accuracies or per-layer metrics (a NaN never reaches a complete record)."""

from __future__ import annotations

import math
from typing import Any


def first_nonfinite(value: Any, where: str = "") -> str | None:
    """The path (e.g. ``layers[3].skewness``) of the first NaN or infinite number in ``value``
    (nested dicts and lists), or None when every number is finite."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if math.isfinite(value) else f"{where or 'value'} = {value}"
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = ((f"[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for k, v in items:
        sub = f"{where}{k}" if str(k).startswith("[") else (f"{where}.{k}" if where else str(k))
        found = first_nonfinite(v, sub)
        if found:
            return found
    return None


def result_problem(result: dict) -> str | None:
    """Why ``result`` (the trainer's fields) must be recorded as failed, or None."""
    for field in ("history", "final", "layers", "gradients"):
        found = first_nonfinite(result.get(field), field)
        if found:
            return (f"training ended with a non-finite number ({found}); the run diverged: try "
                    f"a lower learning rate")
    return None
