"""Where the book's repository lives, said once: ``repository: url:`` in ``_config.yml`` (Jupyter
Book builds each page's Colab and repository buttons from it). The chapters' Colab install cell
(tagged ``colab-install``) is written from :func:`install_source` with that URL; the book runner
rewrites it on every run (:func:`sync_install_cell`), and a test checks that every notebook's cell
is the one this module writes, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).resolve().parent.parent / "_config.yml"
INSTALL_TAG = "colab-install"
COLAB = "https://colab.research.google.com"
"""``launch_buttons: colab_url:`` in ``_config.yml``."""


def _repository(key: str, config: Path) -> str:
    """``repository: <key>:`` of the book's ``_config.yml`` (read without a YAML parser: the
    package does not depend on one)."""
    match = re.search(rf"^repository:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+{key}:[ \t]*(\S+)",
                      config.read_text(), re.MULTILINE)
    if not match:
        raise ValueError(f"{config} has no repository {key}")
    return match.group(1).strip("\"'")


def repository_url(config: Path = CONFIG) -> str:
    """``repository: url:`` of ``_config.yml``: the one place the repository's address is set."""
    return _repository("url", config)


def colab_url(page: str, config: Path = CONFIG) -> str:
    """The Colab link of ``book/<page>.ipynb``, as the built page's launch button has it."""
    repo = repository_url(config).removeprefix("https://github.com/")
    return f"{COLAB}/github/{repo}/blob/{_repository('branch', config)}/book/{page}.ipynb"


def install_source(url: str | None = None) -> str:
    """The source of a chapter's Colab install cell: clone the repository (the package and its
    recorded results) and install it, in Colab only."""
    url = url or repository_url()
    return (
        "# In Colab, fetch the repository (the package and its recorded results); elsewhere do "
        "nothing.\n"
        "import os, subprocess, sys\n\n"
        'if "google.colab" in sys.modules:\n'
        '    if not os.path.isdir("/content/bnswap"):\n'
        '        subprocess.run(["git", "clone", "-q", "--depth", "1",\n'
        f'                        "{url}", "/content/bnswap"], check=True)\n'
        '        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", '
        '"/content/bnswap"],\n'
        "                       check=True)\n"
        '    sys.path.insert(0, "/content/bnswap")')


def sync_install_cell(nb: Any, url: str | None = None) -> None:
    """Rewrite the source of ``nb``'s ``colab-install`` cells (in place) from
    :func:`install_source`."""
    for cell in nb.cells:
        if INSTALL_TAG in cell.get("metadata", {}).get("tags", []):
            cell.source = install_source(url)
