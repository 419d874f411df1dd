"""The headless book runner (``python -m bnswap.book run ...``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from bnswap import book

REPO = Path(__file__).resolve().parent.parent
SMOKE_CHAPTER = "saturation"


# ---- argument errors -----------------------------------------------------------------------------


def test_unknown_profile_is_a_clear_error(capsys):
    assert book.main(["run", "--profile", "huge"]) == 2
    err = capsys.readouterr().err
    assert "unknown profile 'huge'" in err
    for name in ("full", "cpu", "smoke"):
        assert name in err


def test_unknown_chapter_lists_the_valid_ones(capsys):
    assert book.main(["run", "--profile", "smoke", "--chapters", "saturation", "epilogue"]) == 2
    err = capsys.readouterr().err
    assert "'epilogue'" in err
    for chapter in book.CHAPTERS:
        assert chapter in err


def test_chapters_run_in_book_order():
    chosen = [c for c in ("explorer", "intro") if book.chapter_path(c).exists()]
    if len(chosen) < 2:
        pytest.skip("needs the intro and explorer notebooks")
    assert book.validate("smoke", chosen) == ["intro", "explorer"]


@pytest.mark.parametrize("chapter", book.CHAPTERS)
def test_committed_chapters_render_without_training(chapter):
    """A reader who opens a chapter (in Colab, say) and runs it all renders the committed records;
    training hours start only when asked for (``train_missing = True`` or the runner)."""
    nb = nbformat.read(book.chapter_path(chapter), as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "one parameters cell, for papermill"
    assert "train_missing = False" in params[0].source


def test_list_command(capsys):
    assert book.main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(c in out for c in book.CHAPTERS)


# ---- a fake book: injection, clean metadata, failures ----------------------------------------------


def _notebook(*sources: str, parameters: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    nb.cells = cells
    return nb


@pytest.fixture
def fake_book(tmp_path, monkeypatch):
    """A book folder with a failing 'intro' and a working 'explorer' (book order: intro first)."""
    bookdir = tmp_path / "book"
    bookdir.mkdir()
    params = ('profile = "cpu"\ndevice = "cpu"\ndata_dir = None\nresults_dir = None\n'
              'train_missing = True')
    good = _notebook(
        "import os\nprint(profile, device, train_missing, data_dir, results_dir)",
        "print(os.getcwd() == os.environ['EXPECTED_CWD'])\n"
        "print(os.environ['BNSWAP_RESULTS_DIR'] == os.environ['EXPECTED_RESULTS'])",
        "import bnswap, os, sys\nprint(os.path.dirname(bnswap.__file__) == os.environ['EXPECTED_PKG'],"
        " sys.executable == os.environ['EXPECTED_PYTHON'])",
        parameters=params)
    bad = _notebook("x = 1", "raise ValueError('deliberate failure')", "y = 2", parameters=params)
    nbformat.write(bad, bookdir / "intro.ipynb")
    nbformat.write(good, bookdir / "explorer.ipynb")
    monkeypatch.setattr(book, "BOOK", bookdir)
    monkeypatch.setattr(book, "REPO", tmp_path)
    results = tmp_path / "results"
    monkeypatch.setenv("EXPECTED_CWD", str(bookdir.resolve()))
    monkeypatch.setenv("EXPECTED_RESULTS", str(results.resolve()))
    monkeypatch.setenv("EXPECTED_PKG", str((REPO / "bnswap").resolve()))
    monkeypatch.setenv("EXPECTED_PYTHON", sys.executable)
    return bookdir, results


def _text(cell) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def test_runner_injects_parameters_and_cleans_metadata(fake_book, tmp_path, capsys):
    bookdir, results = fake_book
    out = tmp_path / "out"
    rc = book.main(["run", "--profile", "smoke", "--chapters", "explorer", "--no-train",
                    "--results-dir", str(results), "--output", str(out), "--no-progress"])
    report = capsys.readouterr().out
    assert rc == 0, report
    assert "explorer" in report and "ok" in report
    nb = json.loads((out / "explorer.ipynb").read_text())
    tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
    assert not any("injected-parameters" in t for t in tags), "values go into the chapter's cell"
    params = [c for c, t in zip(nb["cells"], tags) if "parameters" in t]
    assert len(params) == 1
    src = "".join(params[0]["source"])
    assert 'profile = "smoke"' in src and "train_missing = False" in src
    assert "data_dir = None" in src, "paths must never be injected into notebooks"
    outputs = [_text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    assert "smoke cpu False None None" in outputs[1]
    assert outputs[2].split() == ["True", "True"]
    assert outputs[3].split() == ["True", "True"], "kernel: this interpreter, this package"
    assert "papermill" not in nb["metadata"] and "widgets" not in nb["metadata"]
    for cell in nb["cells"]:
        assert "papermill" not in cell["metadata"] and "execution" not in cell["metadata"]
    # the source notebook is untouched when --output is given
    source = json.loads((bookdir / "explorer.ipynb").read_text())
    assert all(not c.get("outputs") for c in source["cells"])


def test_saved_chapter_does_not_train_though_the_runner_did(fake_book, tmp_path, capsys):
    """The runner executes with ``train_missing = True`` (it may train), but the chapter it saves
    says ``False``: a reader re-running it in Colab does not start hours of training unasked."""
    _, results = fake_book
    out = tmp_path / "out"
    rc = book.main(["run", "--profile", "smoke", "--chapters", "explorer", "--results-dir",
                    str(results), "--output", str(out), "--no-progress"])
    assert rc == 0, capsys.readouterr().out
    nb = json.loads((out / "explorer.ipynb").read_text())
    params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert "train_missing = False" in "".join(params[0]["source"])
    assert "train_missing = True" not in "".join(params[0]["source"])
    executed = [_text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    assert "smoke cpu True None None" in executed[1], "the run itself had training allowed"


def test_failure_names_chapter_and_cell_and_keeps_the_notebook(fake_book, tmp_path, capsys):
    bookdir, results = fake_book
    before = (bookdir / "intro.ipynb").read_text()
    rc = book.main(["run", "--profile", "smoke", "--chapters", "explorer", "intro",
                    "--no-train", "--results-dir", str(results), "--no-progress", "--in-place"])
    report = capsys.readouterr().out
    assert rc == 1
    assert "chapter 'intro' FAILED" in report
    # a failed notebook keeps papermill's injected cell after the parameters cell: the raise is
    # cell 3, In [4], in the notebook left for inspection too
    assert "cell 3 (In [4]) raised ValueError: deliberate failure" in report, report
    failed = tmp_path / "_build" / "failed" / "intro.failed.ipynb"
    assert f"the failed notebook is at {failed}" in report
    nb = json.loads(failed.read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "ValueError"
    # in-place run: the committed chapter is not overwritten by a failed run...
    assert (bookdir / "intro.ipynb").read_text() == before
    # ...and the chapters after it are not run (no --keep-going)
    assert "explorer     not run" in report
    explorer = json.loads((bookdir / "explorer.ipynb").read_text())
    assert all(not c.get("outputs") for c in explorer["cells"])


def test_keep_going_runs_the_rest_in_place(fake_book, tmp_path, capsys):
    bookdir, results = fake_book
    rc = book.main(["run", "--profile", "smoke", "--no-train", "--results-dir", str(results),
                    "--chapters", "intro", "explorer", "--keep-going", "--no-progress",
                    "--in-place"])
    capsys.readouterr()
    assert rc == 1
    explorer = json.loads((bookdir / "explorer.ipynb").read_text())
    assert any(c.get("outputs") for c in explorer["cells"]), "explorer should have run in place"


def test_clean_notebook_is_idempotent(tmp_path):
    nb = _notebook("print(1)", parameters="profile = 'cpu'")
    nb.metadata["papermill"] = {"start_time": "2024-01-01T00:00:00", "duration": 1.5}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells[1].metadata["papermill"] = {"duration": 0.1, "status": "completed"}
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    book.clean_notebook(path)
    once = path.read_text()
    book.clean_notebook(path)
    assert path.read_text() == once
    cleaned = json.loads(once)
    assert "papermill" not in cleaned["metadata"] and "widgets" not in cleaned["metadata"]
    assert cleaned["cells"][1]["metadata"] == {}


# ---- the real thing: one chapter in the smoke profile from an empty results store ----------------


# tests/conftest.py gives every test a private, empty cache; the smoke run would then convert
# CIFAR-100 from its JPEGs first. Use the session's cache (as the caller set it) when there is one.
SESSION_CACHE_DIR = os.environ.get("BNSWAP_CACHE_DIR")


def test_smoke_chapter_trains_from_an_empty_store(tmp_path, shared_data_dir):
    if not ((shared_data_dir / "cifar100-jpg.tar.gz").exists()
            or (shared_data_dir / "cifar-100-python").is_dir()):
        pytest.skip(f"{shared_data_dir} holds neither cifar100-jpg.tar.gz nor cifar-100-python "
                    "(the smoke run trains on CIFAR-100)")
    if not book.chapter_path(SMOKE_CHAPTER).exists():
        pytest.skip(f"book/{SMOKE_CHAPTER}.ipynb does not exist yet")
    results, out = tmp_path / "results", tmp_path / "out"
    committed = book.chapter_path(SMOKE_CHAPTER).read_bytes()
    env = {k: v for k, v in os.environ.items() if k != "BNSWAP_NO_TRAIN"}
    env["BNSWAP_DATA_DIR"] = str(shared_data_dir)
    if SESSION_CACHE_DIR:
        env["BNSWAP_CACHE_DIR"] = SESSION_CACHE_DIR
    proc = subprocess.run(
        [sys.executable, "-m", "bnswap.book", "run", "--profile", "smoke", "--chapters",
         SMOKE_CHAPTER, "--results-dir", str(results), "--output", str(out), "--no-progress"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    records = sorted(results.glob("*.json"))
    assert records, "the chapter trained nothing into the empty store"
    for path in records:
        record = json.loads(path.read_text())
        assert record["profile"]["name"] == "smoke" and record["status"] in ("complete", "failed")
    # the report names the chapter, what it trained, and the second (clean) pass
    line = next(l for l in proc.stdout.splitlines() if l.startswith(SMOKE_CHAPTER))
    status, trained, passes = line.split()[1:4]
    assert (status, int(trained), int(passes)) == ("ok", len(records), 2)
    nb = json.loads((out / f"{SMOKE_CHAPTER}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code)
    images = sum("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", []))
    assert images > 0, "the executed chapter shows no figures"
    assert not any(o["output_type"] == "error" for c in code for o in c.get("outputs", []))
    # with --output, the committed chapter is not touched
    assert book.chapter_path(SMOKE_CHAPTER).read_bytes() == committed


def test_chapters_given_twice_are_both_run(monkeypatch):
    """``--chapter a --chapter b`` (or ``--chapters a b``) runs both, in book order; argparse
    would otherwise keep only the last."""
    seen = []
    monkeypatch.setattr(book, "run_book", lambda profile, chapters, **kw: seen.append(chapters)
                        or [])
    book.main(["run", "--profile", "smoke", "--chapter", "sparsity", "--chapter", "intro"])
    book.main(["run", "--profile", "smoke", "--chapters", "sparsity", "intro"])
    assert seen == [["sparsity", "intro"], ["sparsity", "intro"]]
    assert book.validate("smoke", seen[0]) == ["intro", "sparsity"]


def test_another_profile_writes_under_build_unless_in_place(fake_book, tmp_path, capsys):
    """The fake book's chapters were made with profile "cpu": a smoke run writes its chapters
    and records under _build/smoke/ and says so; the committed chapter is untouched."""
    bookdir, _ = fake_book
    before = (bookdir / "explorer.ipynb").read_text()
    monkey_results = os.environ.pop("BNSWAP_RESULTS_DIR")
    try:
        rc = book.main(["run", "--profile", "smoke", "--chapters", "explorer", "--no-train",
                        "--no-progress"])
    finally:
        os.environ["BNSWAP_RESULTS_DIR"] = monkey_results
    out = capsys.readouterr().out
    assert rc == 0, out
    target = tmp_path / "_build" / "smoke"
    assert f"the executed chapters go to {target / 'book'}" in out and "--in-place" in out
    assert (target / "book" / "explorer.ipynb").exists()
    assert (bookdir / "explorer.ipynb").read_text() == before


def test_widget_ids_are_numbered(tmp_path):
    nb = _notebook("print(1)", parameters="profile = 'cpu'")
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": "5f2c0e9d1a7b4c3e8d6f0a1b2c3d4e5f", "version_major": 2}})]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    book.clean_notebook(path)
    view = json.loads(path.read_text())["cells"][1]["outputs"][0]["data"]
    assert view["application/vnd.jupyter.widget-view+json"]["model_id"] == "0" * 32
