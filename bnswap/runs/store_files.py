"""Which files of a results store are records: ``<16 hex digits>.json``. Anything else there
(notes, editor backups) is skipped with a warning instead of blocking the records around it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

KEY_NAME = re.compile(r"^[0-9a-f]{16}\.json$")
_warned: set[Path] = set()


def record_files(root: Path, prefix: str = "") -> list[Path]:
    """Record files under ``root`` whose key starts with ``prefix``, sorted; every other ``.json``
    there is reported once per process on stderr and left alone."""
    out = []
    for path in sorted(Path(root).glob("*.json")):
        if not KEY_NAME.match(path.name):
            if path not in _warned:
                _warned.add(path)
                print(f"warning: ignoring {path}: not a record (a record is named by its 16-digit "
                      f"key, e.g. 0123456789abcdef.json)", file=sys.stderr)
            continue
        if path.name.startswith(prefix):
            out.append(path)
    return out
