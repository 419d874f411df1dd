"""The package's layers (README, "Repository layout"): imports point down, core -> runs -> findings
-> render -> the command lines, and reading records needs no torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bnswap"
LAYERS = ("core", "runs", "findings", "render")
"""Bottom first; ``book.py`` and ``__main__.py`` stand above them all."""


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def _imports(path: Path) -> list[str]:
    """Every bnswap module ``path`` imports, at the top or inside a function."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level \
                else []
            target = ".".join(base + ([node.module] if node.module else []))
            found += [target] if node.module else [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return [m for m in found if m.startswith("bnswap")]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_imports_a_higher_layer(path):
    here = _layer(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
    upward = [m for m in _imports(path) if _layer(m) > here]
    assert upward == []


def test_no_module_is_over_400_lines():
    sizes = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 400, sizes


def test_records_and_the_scoreboard_need_no_torch():
    """Importing the store, the experiments, the runner and the scoreboard loads no torch (a
    guard refuses it), so records can be read where torch is not installed."""
    code = (
        "import importlib.abc, sys\n"
        "class NoTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('no torch here')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "import bnswap.runs.experiments, bnswap.runs.results, bnswap.runs.runner\n"
        "import bnswap.findings.score, bnswap.render.scoreboard, bnswap.render\n"
        "assert 'torch' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_readme_layout_names_every_module_once_in_its_folder():
    """README's "Repository layout" lists each module under its folder (none stale, none left
    out): the map a new reader starts from."""
    text = (PACKAGE.parent / "README.md").read_text()
    for folder in (PACKAGE, *(PACKAGE / layer for layer in LAYERS)):
        listed = set()
        block = text.split(f"\n  {folder.name}/ " if folder != PACKAGE else "\nbnswap/ ", 1)[1]
        for line in block.splitlines()[1:]:
            indent = len(line) - len(line.lstrip())
            name = line.split()[0] if line.strip() else ""
            if folder == PACKAGE and indent == 2 and name.endswith("/"):
                continue
            if name.endswith(".py") and indent == (2 if folder == PACKAGE else 4):
                listed.add(name)
            elif name and indent <= (0 if folder == PACKAGE else 2) and not name.endswith(".py"):
                break
        modules = {p.name for p in folder.glob("*.py") if p.name != "__init__.py"}
        assert listed == modules, (folder.name, sorted(listed ^ modules))
