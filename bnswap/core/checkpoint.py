"""Reading a run's epoch checkpoint: a damaged or foreign one is discarded with a warning, so the
run starts over instead of being blocked until someone deletes the file."""

from __future__ import annotations

import sys
from pathlib import Path

import torch


def load_checkpoint(path: Path | None, key: str, device: torch.device) -> dict | None:
    """The checkpoint of run ``key`` at ``path``, or None (no file, or one that was unreadable,
    truncated or of another run: it is deleted and a warning printed)."""
    if path is None or not path.exists():
        return None
    try:
        state = torch.load(path, map_location=device, weights_only=False)
        if not isinstance(state, dict) or state.get("key") != key:
            raise ValueError(f"it belongs to run {state.get('key') if isinstance(state, dict) else '?'}")
        for field in ("model", "optimizer", "history", "epoch", "elapsed"):
            if field not in state:
                raise ValueError(f"it has no {field!r}")
    except Exception as exc:  # noqa: BLE001 - any failure to read it means: start over
        print(f"warning: discarding the checkpoint {path} of run {key} ({type(exc).__name__}: "
              f"{exc}); the run starts over from epoch 1", file=sys.stderr, flush=True)
        path.unlink(missing_ok=True)
        return None
    return state
