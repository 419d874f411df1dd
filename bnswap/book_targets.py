"""Where ``python -m bnswap.book run`` writes: the committed chapters and the repository's store
were made with one profile (the chapters' own ``profile`` parameter); a run with another profile
writes its executed chapters and records under ``_build/<profile>/`` unless ``--in-place``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path


def committed_profile(book: Path, chapters: tuple[str, ...]) -> str | None:
    """The ``profile = "..."`` of the first chapter's parameters cell (None if there is none)."""
    for chapter in chapters:
        path = book / f"{chapter}.ipynb"
        if not path.exists():
            continue
        try:
            cells = json.loads(path.read_text()).get("cells", [])
        except (OSError, ValueError):
            return None
        for cell in cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                match = re.search(r'^profile\s*=\s*["\'](\w+)["\']', "".join(cell["source"]), re.M)
                return match.group(1) if match else None
        return None
    return None


def targets(profile: str, committed: str | None, repo: Path, output: str | None,
            results_dir: str | None, in_place: bool) -> tuple[str | None, str | None, str]:
    """(notebook output folder, results folder, a note for the terminal) for a run of
    ``profile``; the note is empty when the run writes where it was asked to."""
    if in_place or committed is None or profile == committed:
        return output, results_dir, ""
    base = repo / "_build" / profile
    out = output or str(base / "book")
    res = results_dir or os.environ.get("BNSWAP_RESULTS_DIR") or str(base / "results")
    note = (f"profile {profile!r} is not the one the committed chapters were made with "
            f"({committed!r}): the executed chapters go to {out} and new records to {res} "
            f"(pass --in-place to write over book/ and the repository's results/)")
    return out, res, note
