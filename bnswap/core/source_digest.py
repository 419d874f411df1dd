"""A digest of a data folder's content, naming its cache entry: when a file in the folder is
added, removed, resized or rewritten, the digest changes and the dataset is converted again."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def folder_digest(root: Path, length: int = 12) -> str:
    """SHA-256 (first ``length`` hex digits) of the folder's resolved location and of every
    file under it: relative path, size and modification time (nanoseconds)."""
    root = Path(root).resolve()
    h = hashlib.sha256(str(root).encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            try:
                st = path.stat()
            except OSError:
                continue
            rel = path.relative_to(root).as_posix()
            h.update(f"\0{rel}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()[:length]
