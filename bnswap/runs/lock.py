"""One trainer per run: an exclusive lock per record key in the results store.

The lock is ``<store>/.<key>.lock`` held with ``flock`` (released by the kernel when its process
ends, however it ends). A second process asking for the same run says which process trains it
and waits for that run's record instead of training it again. Where ``fcntl`` does not exist
(Windows), locking is a no-op.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux / macOS
    fcntl = None


def lock_path(root: Path, key: str) -> Path:
    return Path(root) / f".{key}.lock"


def holder(path: Path) -> str:
    """The process id written into a lock file (``"another process"`` if unreadable)."""
    try:
        pid = path.read_text().strip()
    except OSError:
        pid = ""
    return f"process {pid}" if pid else "another process"


@contextlib.contextmanager
def run_lock(root: Path, key: str, label: str = "") -> Iterator[bool]:
    """Hold the lock of run ``key`` in the store ``root``; yields whether this process had to
    wait for another one (whose record may now exist: check the store again)."""
    if fcntl is None:
        yield False
        return
    path = lock_path(root, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    waited = False
    while True:
        f = open(path, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not waited:
                print(f"{label or key} is being trained by {holder(path)} (lock {path}); "
                      f"waiting for its record", file=sys.stderr, flush=True)
            waited = True
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            same = os.fstat(f.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:  # its holder removed it on release: lock the new one
            same = False
        if same:
            break
        f.close()
    try:
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        yield waited
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        f.close()
