"""Where data is read from and where converted tensors and checkpoints are cached (the data
directory and the cache directory of the README's *Data* section). Imports no torch."""

from __future__ import annotations

import os
from pathlib import Path


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """The data directory: ``explicit`` if given, else ``$BNSWAP_DATA_DIR``, else None."""
    value = explicit or os.environ.get("BNSWAP_DATA_DIR")
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where converted tensors live: ``$BNSWAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/bnswap``, else
    ``~/.cache/bnswap``."""
    value = os.environ.get("BNSWAP_CACHE_DIR")
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bnswap"
