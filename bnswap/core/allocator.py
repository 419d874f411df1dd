"""CPU memory allocator setting for training.

A full-width VGG16 training step on CIFAR allocates activation tensors of 30-70 MB. glibc's
``malloc`` serves blocks above its mmap threshold (at most 32 MB by default) with fresh ``mmap``
pages and unmaps them on ``free``, so every step page-faults and zeroes those tensors again
(tens of thousands of minor faults per step). Raising the mmap and trim thresholds keeps freed
memory in the heap for the next step. Results are unchanged: only where memory comes from.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # from glibc's <malloc.h>
_MMAP_THRESHOLD = 1 << 30  # blocks up to 1 GiB come from (and go back to) the heap
_TRIM_THRESHOLD = (1 << 31) - 1  # never return free heap memory to the system mid-run
_done: bool | None = None


def keep_freed_memory() -> bool:
    """Make glibc ``malloc`` reuse freed large blocks (once per process; idempotent).

    Returns whether the setting is in effect: False off glibc (macOS, Windows, musl), or when
    ``BNSWAP_MALLOC=default`` asks to leave the allocator alone.
    """
    global _done
    if _done is None:
        _done = False
        if os.environ.get("BNSWAP_MALLOC", "").lower() != "default":
            name = ctypes.util.find_library("c")
            try:
                libc = ctypes.CDLL(name) if name else None
                mallopt = getattr(libc, "mallopt", None)
                if mallopt is not None and getattr(libc, "gnu_get_libc_version", None):
                    _done = bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
                                 and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
            except OSError:
                _done = False
    return _done
