"""What was training when the user pressed Ctrl-C, for a one-line message instead of a traceback."""

from __future__ import annotations

_current: tuple[str, int] | None = None


def note(label: str, epoch: int) -> None:
    """Record that ``label`` is training its 0-based ``epoch`` (called at each epoch start)."""
    global _current
    _current = (label, epoch)


def message() -> str:
    """``interrupted at epoch N of RUN; rerun the same command to resume`` (or without the epoch
    when nothing was training in this process, e.g. with worker processes)."""
    if _current is None:
        return ("interrupted; rerun the same command to resume (runs in progress continue from "
                "their last epoch checkpoint)")
    label, epoch = _current
    where = f"from the end of epoch {epoch}" if epoch else "it starts epoch 1 again"
    return f"interrupted at epoch {epoch + 1} of {label}; rerun the same command to resume ({where})"
