"""The pages for readers (issue 13): every chapter opens with a how-to-run box and ends with
takeaways and exercises; the appendix pages are in the table of contents and registered with the
runner; the committed download files are what the results store gives now."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from bnswap import book
from bnswap import render as R

REPO = Path(__file__).resolve().parent.parent
DOWNLOADS = {"bnswap_records.csv": R.RECORD_FIELDS, "bnswap_scoreboard.csv": R.SCOREBOARD_FIELDS}
# A number typed into prose about our runs: a percentage or a metric value with decimals.
MEASURED = re.compile(r"\b\d+\.\d+\s*%|\b0\.\d{2,}\b")


def _cells(page: str) -> list:
    return nbformat.read(book.chapter_path(page), as_version=4).cells


@pytest.mark.parametrize("chapter", book.CHAPTERS)
def test_chapter_opens_with_how_to_run_and_ends_with_takeaways_and_exercises(chapter):
    cells = _cells(chapter)
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    box = cells[1]
    assert box.cell_type == "markdown" and "How to run this chapter" in box.source
    assert f"--chapter {chapter}" in box.source, "the exact command"
    assert "Colab" in box.source
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    takeaways = text.index("## Key takeaways")
    exercises = text.index("## Exercises")
    assert takeaways < exercises
    items = re.findall(r"^\d\. \*\*", text[exercises:], flags=re.M)
    assert 2 <= len(items) <= 3, "two or three exercises"


@pytest.mark.parametrize("chapter", book.CHAPTERS)
def test_added_prose_types_no_measured_number(chapter):
    """The how-to-run box and the takeaways quote no accuracy or metric value by hand (those come
    from code cells); costs in minutes are the README's."""
    cells = _cells(chapter)
    start = next(i for i, c in enumerate(cells) if "## Key takeaways" in c.source)
    added = [cells[1], *(c for c in cells[start:] if c.cell_type == "markdown")]
    for cell in added:
        prose = re.sub(r"`[^`]*`", "", cell.source)  # commands and code carry settings, not results
        assert not MEASURED.findall(prose), cell.source[:200]


@pytest.mark.parametrize("page", book.APPENDIX)
def test_appendix_pages_render_without_training(page):
    cells = _cells(page)
    params = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "train_missing = False" in params[0].source
    assert all(not any(o.get("output_type") == "error" for o in c.get("outputs", []))
               for c in cells if c.cell_type == "code")


def test_toc_lists_appendix_pages_after_the_chapters():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"], *(c["file"] for c in toc["chapters"])]
    assert files == ([f"book/{c}" for c in book.CHAPTERS] + ["book/glossary"]
                     + [f"book/{p}" for p in book.APPENDIX] + ["book/references"])
    assert (REPO / "book" / "glossary.md").is_file()


def test_runner_accepts_appendix_pages_and_runs_them_by_default():
    assert book.validate("smoke", ["downloads", "intro"]) == ["intro", "downloads"]
    assert book.validate("smoke", None) == list(book.PAGES)


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_download_files_are_linked_and_current(name):
    source = "\n".join(c.source for c in _cells("downloads"))
    assert f"{{download}}`{name} <{name}>`" in source
    path = REPO / "book" / name
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == DOWNLOADS[name]
        rows = list(reader)
    if name == "bnswap_records.csv":
        from bnswap.runs.results import Store

        expected = R.record_rows(Store(REPO / "results").records())
        assert R.csv_text(expected, R.RECORD_FIELDS) == path.read_text(), (
            "re-run the page: python -m bnswap.book run --profile cpu --chapter downloads")
        assert [r["key"] for r in rows] == sorted(r["key"] for r in rows)
    else:
        assert rows and {r["profile"] for r in rows} <= set(book_profiles())


def book_profiles() -> list[str]:
    from bnswap.runs.profiles import PROFILES

    return list(PROFILES)


def _paragraphs(text: str):
    """Paragraphs and list items of Markdown ``text`` (code blocks and tables left out), with
    whitespace collapsed."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for block in re.split(r"\n\s*\n", text):
        for item in re.split(r"\n(?=\s*(?:[-*]|\d+\.)\s)", block):
            item = " ".join(re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", item).split())
            if not item.startswith("|"):
                yield item


def test_no_long_paragraph_repeats_across_pages():
    """A caveat, a seed-noise paragraph or any other paragraph of 150+ characters is stated on one
    page (the methods page, for what every chapter relies on) and linked from the others: the
    Markdown cells and the Markdown the code cells displayed, of every page."""
    seen: dict[str, set[str]] = {}
    pages = {p: _cells(p) for p in book.PAGES}
    for page, cells in pages.items():
        for cell in cells:
            texts = [cell.source] if cell.cell_type == "markdown" else [
                "".join(o.get("data", {}).get("text/markdown", ""))
                for o in cell.get("outputs", [])]
            for text in texts:
                for para in _paragraphs(text):
                    if len(para) >= 150:
                        seen.setdefault(para, set()).add(page)
    glossary = (REPO / "book" / "glossary.md").read_text()
    for para in _paragraphs(glossary):
        if len(para) >= 150:
            seen.setdefault(para, set()).add("glossary")
    repeated = {p[:100]: sorted(v) for p, v in seen.items() if len(v) > 1}
    assert not repeated, repeated


PROSE_IMPORT = re.compile(r"(?:^\s*|`)(from bnswap[\w.]* import [\w ,]+|import bnswap[\w.]*(?: as \w+)?)",
                          re.M)  # at a line's start (a code block) or in a code span
PROSE_MODULE = re.compile(r"`(bnswap(?:\.\w+)+)`")
PROSE_PATH = re.compile(r"`(bnswap/[\w/]+\.py)`")


@pytest.mark.parametrize("page", book.PAGES)
def test_imports_modules_and_paths_named_in_prose_exist(page):
    """What the prose tells a reader to import, or names as a module or file, exists: an
    exercise that fails on its first line teaches nothing."""
    import importlib

    text = "\n".join(c.source for c in _cells(page) if c.cell_type == "markdown")
    for statement in PROSE_IMPORT.findall(text):
        exec(statement.split(" as ")[0] if statement.startswith("import") else
             statement.rstrip(" ,"), {})
    for dotted in PROSE_MODULE.findall(text):
        parts = dotted.split(".")
        # the longest importable prefix, then attributes
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
                break
            except ModuleNotFoundError:
                continue
        for attr in parts[cut:]:
            assert hasattr(obj, attr), f"{page}: `{dotted}` names no {attr!r}"
            obj = getattr(obj, attr)
    for path in PROSE_PATH.findall(text):
        assert (REPO / path).exists(), f"{page}: `{path}` does not exist"
