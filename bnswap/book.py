"""Run the book headless: ``python -m bnswap.book run --profile {smoke,cpu,full} [...]``.

Each chapter notebook (``book/<chapter>.ipynb``) is executed with papermill in the ``book/``
folder, on a kernel of the running Python interpreter, with the chapter parameters ``profile``,
``device`` and ``train_missing`` injected. Paths are never injected (they would end up in the
committed notebooks): ``--data-dir`` and ``--results-dir`` reach the kernel as
``BNSWAP_DATA_DIR`` / ``BNSWAP_RESULTS_DIR``, which the chapters' ``None`` defaults read.

Chapters train only what the results store lacks. A chapter that trained something is executed a
second time (unless ``--no-rerun``), so that its saved outputs hold no training logs or progress
bars and match what ``pytest --nbval`` reproduces from the stored records.

The committed chapters were made with one profile (their ``profile`` parameter, ``cpu``): a run
with another profile writes its chapters and records under ``_build/<profile>/`` unless
``--in-place`` (:mod:`bnswap.book_targets`), and the report ends with the runs that were not
trained and why (:mod:`bnswap.runs.skipped`). Outputs are byte-stable (:mod:`bnswap.render.stable`).

Notebooks are written in place (or into ``--output``) only when they succeed, with papermill's
timing metadata and the ipywidgets state removed so that reruns do not churn. The injected values
are written into each chapter's own parameters cell, except that ``train_missing`` is always
saved as ``False`` (:data:`SAVED_VALUES`): a saved chapter renders from the records it was
executed with, and a reader who re-runs it (in Colab, say) should not start hours of training
without asking for it. A failed chapter
is reported with the failing cell, its notebook is saved for inspection under
``_build/failed/`` (or ``--output``) and the command exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .colab import sync_install_cell
from .render.explorer import BATCH_ENV
from .render.stable import stable_widget_ids
from .runs.profiles import PROFILES
from .runs.results import results_dir as resolve_results_dir

PACKAGE_PARENT = Path(__file__).resolve().parent.parent
"""The folder holding the ``bnswap`` package (put on the kernels' PYTHONPATH)."""
REPO = PACKAGE_PARENT
BOOK = REPO / "book"
CHAPTERS = ("intro", "saturation", "asymmetry", "sparsity", "extended", "explorer")
"""Chapter notebooks in book order (``_toc.yml`` lists the same)."""
APPENDIX = ("methods", "hyperparameters", "full_scale", "downloads")
"""Notebook pages after the chapters (``_toc.yml`` lists them after the chapters and the
glossary): how the numbers were made (profiles, cost, the pilot, precision, seed noise, the
caveats and the verdict rules, stated once and linked from the chapters), the paper's
hyperparameters beside each profile, reproducing at full scale, and the results download. The
runner executes them like chapters (``--chapter`` accepts them)."""
PAGES = CHAPTERS + APPENDIX
"""Every notebook the runner executes, in book order."""
KERNEL_NAME = "python3"
SAVED_VALUES = {"train_missing": False}
"""Values a saved chapter's parameters cell gets whatever was injected (see the module doc): the
runner trains missing runs (unless ``--no-train``), but the notebook it saves defaults to not
training."""


class BookError(RuntimeError):
    """A usage error of the runner (unknown profile or chapter, missing notebook)."""


@dataclass
class ChapterReport:
    chapter: str
    status: str = "not run"
    """``ok``, ``failed`` or ``not run``."""
    seconds: float = 0.0
    trained: list[str] = field(default_factory=list)
    """Record files that appeared in the results store while the chapter ran."""
    passes: int = 0
    output: Path | None = None
    error: str = ""


# ---- notebooks ------------------------------------------------------------------------------


def chapter_path(chapter: str) -> Path:
    return BOOK / f"{chapter}.ipynb"


def validate(profile: str, chapters: list[str] | None) -> list[str]:
    """The chapters to run, in book order; clear errors for an unknown profile or chapter."""
    if profile not in PROFILES:
        raise BookError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    chosen = list(chapters or PAGES)
    unknown = [c for c in chosen if c not in PAGES]
    if unknown:
        raise BookError(f"unknown chapter(s) {', '.join(map(repr, unknown))}; valid chapters: "
                        f"{', '.join(CHAPTERS)}; appendix pages: {', '.join(APPENDIX)}")
    missing = [c for c in chosen if not chapter_path(c).exists()]
    if missing:
        raise BookError(f"chapter notebook(s) not found: "
                        f"{', '.join(str(chapter_path(c)) for c in missing)}; the chapters ship "
                        f"with a checkout of the repository, not with the installed package: "
                        f"run from a clone (git clone, then pip install -e .)")
    return [c for c in PAGES if c in chosen]


def clean_notebook(path: Path, fold_parameters: bool = True) -> None:
    """Remove what changes from run to run without changing the content: papermill's timing
    and path metadata, nbclient's execution timestamps and the ipywidgets state (which would
    also make the built site load widget scripts from a CDN); the Colab install cell is
    rewritten with the repository URL of ``_config.yml`` (:mod:`bnswap.colab`). The values
    papermill injected are written into the chapter's own ``parameters`` cell
    (``train_missing`` as in :data:`SAVED_VALUES`), and the injected cell is dropped."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    parameters = dict(nb.metadata.get("papermill", {}).get("parameters", {}))
    parameters.update({k: v for k, v in SAVED_VALUES.items() if k in parameters})
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if fold_parameters and "parameters" in cell.metadata.get("tags", []):
            cell.source = set_parameters(cell.source, parameters)
    if fold_parameters:
        nb.cells = [c for c in nb.cells
                    if "injected-parameters" not in c.metadata.get("tags", [])]
    stable_widget_ids(nb)
    sync_install_cell(nb)  # the repository URL of _config.yml (bnswap.colab)
    nbformat.write(nb, path)


def set_parameters(source: str, values: dict) -> str:
    """``source`` of a parameters cell with the assignments named in ``values`` rewritten in
    place (comments kept): an executed chapter shows the parameters it ran with in its own cell,
    and a reader who edits that cell (in Colab, say) is not overridden by a hidden injected cell."""
    lines = []
    for line in source.splitlines():
        match = re.match(r"^(\w+)(\s*=\s*)(.*?)(\s+#.*)?$", line)
        if match and match.group(1) in values:
            name, eq, _, comment = match.groups()
            value = json.dumps(values[name]) if isinstance(values[name], str) else repr(values[name])
            line = f"{name}{eq}{value}{comment or ''}"
        lines.append(line)
    return "\n".join(lines)


def _failed_cell(nb_path: Path) -> str:
    """'cell N' of the first cell with an error output in an executed notebook, if any."""
    try:
        nb = json.loads(nb_path.read_text())
    except (OSError, ValueError):
        return ""
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i} (In [{cell.get('execution_count')}])"
    return ""


# ---- kernel ----------------------------------------------------------------------------------


def kernel_environment(tmp: Path, data_dir: str | None, results_dir: str | None) -> dict:
    """Environment changes for the notebook kernels: a ``python3`` kernelspec that runs *this*
    interpreter (so a user-level ``python3`` kernel of another Python cannot be picked up), the
    repository on PYTHONPATH, and the data and results folders."""
    spec_dir = tmp / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    env = {"JUPYTER_PATH": os.pathsep.join(p for p in (str(tmp), os.environ.get("JUPYTER_PATH"))
                                           if p),
           "PYTHONPATH": os.pathsep.join(p for p in (str(PACKAGE_PARENT),
                                                     os.environ.get("PYTHONPATH")) if p),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           BATCH_ENV: "1"}  # no reader: the explorer's live panel is skipped
    if data_dir:
        env["BNSWAP_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if results_dir:
        env["BNSWAP_RESULTS_DIR"] = str(Path(results_dir).expanduser().resolve())
    return env


def _store_files(results_dir: str | None) -> set[str]:
    root = resolve_results_dir(results_dir)
    return {p.name for p in root.glob("*.json")} if root.is_dir() else set()


# ---- running ---------------------------------------------------------------------------------


def run_chapter(chapter: str, parameters: dict, work: Path, *, results_dir: str | None,
                progress: bool = True, log_output: bool = False) -> tuple[Path, list[str]]:
    """Execute one chapter into ``work``; returns (executed notebook, new record files).
    Raises papermill's exceptions on failure (the partial notebook stays in ``work``)."""
    import papermill as pm

    target = work / f"{chapter}.ipynb"
    before = _store_files(results_dir)
    ok = False
    try:
        pm.execute_notebook(str(chapter_path(chapter)), str(target), parameters=parameters,
                            kernel_name=KERNEL_NAME, cwd=str(BOOK), progress_bar=progress,
                            log_output=log_output, start_timeout=180)
        ok = True
    finally:
        if target.exists():
            # A failed notebook keeps papermill's injected cell, so reported cell numbers match.
            clean_notebook(target, fold_parameters=ok)
    return target, sorted(_store_files(results_dir) - before)


def run_book(profile: str, chapters: list[str] | None = None, *, device: str = "cpu",
             data_dir: str | None = None, results_dir: str | None = None,
             output: str | None = None, train: bool = True, rerun: bool = True,
             keep_going: bool = False, progress: bool = True,
             log_output: bool = False) -> list[ChapterReport]:
    """Execute ``chapters`` (default: all, in book order) and report each (see module doc)."""
    from tqdm.auto import tqdm

    chosen = validate(profile, chapters)
    out_dir = Path(output).expanduser().resolve() if output else None
    failed_dir = out_dir or REPO / "_build" / "failed"
    parameters = {"profile": profile, "device": device, "train_missing": bool(train)}
    reports = [ChapterReport(c) for c in chosen]
    saved_env = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "PYTHONPATH", "BNSWAP_DATA_DIR",
                                                "BNSWAP_RESULTS_DIR",
                                                "PYDEVD_DISABLE_FILE_VALIDATION")}
    with tempfile.TemporaryDirectory(prefix="bnswap-book-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ.update(kernel_environment(tmp, data_dir, results_dir))
        try:
            bar = tqdm(reports, desc="chapters", unit="chapter", disable=not progress)
            for rep in bar:
                bar.set_postfix_str(rep.chapter)
                work = tmp / "work"
                work.mkdir(exist_ok=True)
                start = time.perf_counter()
                try:
                    executed, trained = run_chapter(rep.chapter, parameters, work,
                                                    results_dir=results_dir, progress=progress,
                                                    log_output=log_output)
                    rep.trained, rep.passes = trained, 1
                    if trained and rerun:
                        executed, again = run_chapter(rep.chapter, parameters, work,
                                                      results_dir=results_dir,
                                                      progress=progress, log_output=log_output)
                        rep.trained += again
                        rep.passes = 2
                except Exception as exc:  # noqa: BLE001 - reported, then re-raised or recorded
                    rep.status, rep.seconds = "failed", time.perf_counter() - start
                    rep.error = _describe(exc, work / f"{rep.chapter}.ipynb")
                    partial = work / f"{rep.chapter}.ipynb"
                    if partial.exists():
                        failed_dir.mkdir(parents=True, exist_ok=True)
                        rep.output = failed_dir / f"{rep.chapter}.failed.ipynb"
                        shutil.move(str(partial), rep.output)
                    if not keep_going:
                        break
                    continue
                rep.seconds = time.perf_counter() - start
                dest = (out_dir or BOOK) / f"{rep.chapter}.ipynb"
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(executed), dest)
                rep.status, rep.output = "ok", dest
        finally:
            for k, v in saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return reports


def _describe(exc: Exception, notebook: Path) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return (f"cell {exc.cell_index} (In [{exc.exec_count}]) raised {exc.ename}: "
                f"{exc.evalue}")
    where = _failed_cell(notebook)
    return f"{type(exc).__name__}: {exc}" + (f" (at {where})" if where else "")


def format_reports(reports: list[ChapterReport]) -> str:
    lines = [f"{'chapter':12s} {'status':8s} {'trained':>7s} {'passes':>6s} {'seconds':>8s}"]
    for r in reports:
        lines.append(f"{r.chapter:12s} {r.status:8s} {len(r.trained):7d} {r.passes:6d} "
                     f"{r.seconds:8.1f}")
    for r in reports:
        if r.status == "failed":
            lines.append(f"\nchapter {r.chapter!r} FAILED: {r.error}")
            if r.output:
                lines.append(f"  the failed notebook is at {r.output}")
        elif r.trained:
            lines.append(f"\nchapter {r.chapter!r} trained {len(r.trained)} record(s): "
                         f"{', '.join(r.trained)}")
    return "\n".join(lines)


# ---- command line ------------------------------------------------------------------------------


def _preflight(args: argparse.Namespace) -> None:
    """The device and folders a book run was given, checked before any chapter starts."""
    from .core.paths import resolve_data_dir
    from .runs.results import results_dir
    from .core.validate import InputError, check_data_dir, check_device

    check_device(args.device)
    check_data_dir(resolve_data_dir(args.data_dir))
    root = results_dir(args.results_dir)
    if root.exists() and not root.is_dir():
        raise InputError(f"the results folder {root} is a file, not a folder; choose a folder "
                         f"with --results-dir or BNSWAP_RESULTS_DIR")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bnswap.book", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the chapters")
    run = sub.add_parser("run", help="execute chapters with papermill")
    run.add_argument("--profile", required=True,
                     help=f"experiment profile: {', '.join(PROFILES)}")
    run.add_argument("--chapters", "--chapter", nargs="+", action="extend", metavar="CHAPTER",
                     help=f"chapters to run (default: all; repeatable): {', '.join(PAGES)}")
    run.add_argument("--device", default="cpu", help="torch device for training (cpu, cuda)")
    run.add_argument("--data-dir", default=None,
                     help="datasets folder (default: $BNSWAP_DATA_DIR, else download)")
    run.add_argument("--results-dir", default=None,
                     help="results store (default: $BNSWAP_RESULTS_DIR, else ./results)")
    run.add_argument("--output", default=None,
                     help="write executed notebooks here instead of over book/<chapter>.ipynb")
    run.add_argument("--no-train", action="store_true",
                     help="never train: missing runs are shown as 'not run' (train_missing=False)")
    run.add_argument("--no-rerun", action="store_true",
                     help="do not re-execute a chapter after it trained records")
    run.add_argument("--keep-going", action="store_true",
                     help="run the remaining chapters after a failure")
    run.add_argument("--log-output", action="store_true",
                     help="echo the notebooks' output (training progress) to this terminal")
    run.add_argument("--no-progress", action="store_true", help="hide progress bars")
    run.add_argument("--in-place", action="store_true",
                     help="with a profile other than the committed chapters' (cpu), still write "
                     "over book/ and the repository's results/ (default: under _build/PROFILE/)")
    args = parser.parse_args(argv)
    if args.command == "list":
        for c in PAGES:
            print(f"{c:15s} {chapter_path(c).relative_to(REPO)}"
                  f"{'' if chapter_path(c).exists() else '  (missing)'}")
        return 0
    from .book_targets import committed_profile, targets
    from .runs.skipped import skipped_report
    from .core.validate import InputError

    try:
        validate(args.profile, args.chapters)
        _preflight(args)
        output, results_dir, note = targets(args.profile, committed_profile(BOOK, CHAPTERS),
                                            REPO, args.output, args.results_dir, args.in_place)
        if note:
            print(note, flush=True)
        reports = run_book(args.profile, args.chapters, device=args.device,
                           data_dir=args.data_dir, results_dir=results_dir,
                           output=output, train=not args.no_train,
                           rerun=not args.no_rerun, keep_going=args.keep_going,
                           progress=not args.no_progress, log_output=args.log_output)
    except (BookError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume (chapters already saved are kept; "
              "runs in progress continue from their last epoch checkpoint)", file=sys.stderr)
        return 130
    print(format_reports(reports))
    from .runs.results import training_allowed

    skipped = skipped_report(args.profile, args.data_dir, results_dir,
                             not args.no_train and training_allowed())
    if skipped:
        print(skipped)
    if note:
        print(f"written to {output} (chapters) and {results_dir} (records), not over book/")
    return 0 if reports and all(r.status == "ok" for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
