"""The README's main job, ``python -m bnswap.book run --profile cpu``, on a copy of the
repository whose records are all there: it trains nothing, says what it skipped and why, and
leaves ``git status`` clean (every output byte-identical to the committed one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def copy_of_repo(dest: Path) -> Path:
    """The tracked files of this checkout (as they are now) in a fresh one-commit repository."""
    files = git(REPO, "ls-files", "-z").split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "copy")
    return dest


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_main_job_leaves_git_status_clean(tmp_path) -> None:
    repo = copy_of_repo(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items()
           if k not in ("BNSWAP_NO_TRAIN", "BNSWAP_RESULTS_DIR")}
    env["PYTHONPATH"] = str(repo)
    env["BNSWAP_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([sys.executable, "-m", "bnswap.book", "run", "--profile", "cpu",
                           "--no-progress"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == "", \
        git(repo, "status", "--short") + git(repo, "diff", "--stat")
    assert "skipped: 16 run(s) need Tiny ImageNet (8) and ImageNet (8)" in proc.stdout
    assert "see README › Data" in proc.stdout
