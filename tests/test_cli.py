"""The command line, run as a user would: ``python -m bnswap ...`` in a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bnswap.__main__ import main
from bnswap.runs.experiments import EXPERIMENTS
from bnswap.runs.profiles import PROFILES

REPO = Path(__file__).resolve().parents[1]


def cli_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BNSWAP_NO_TRAIN", "BNSWAP_DATA_DIR", "BNSWAP_RESULTS_DIR")}
    env["BNSWAP_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


COMMANDS = {
    ("--help",): ["list", "experiment", "train", "measure"],
    ("list",): [*EXPERIMENTS, *PROFILES],
    ("experiment", "--help"): ["--profile", "--dataset", "--data-dir", "--results-dir",
                               *EXPERIMENTS],
}


def test_entry_point_help_and_list(tmp_path) -> None:
    """``python -m bnswap`` as a user runs it (started together: each pays torch's import)."""
    procs = {args: subprocess.Popen([sys.executable, "-m", "bnswap", *args], cwd=tmp_path,
                                    env=cli_env(tmp_path), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
             for args in COMMANDS}
    for args, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, (args, stderr)
        for word in COMMANDS[args]:
            assert word in stdout, (args, word)
    assert not any(tmp_path.iterdir())  # listing and help write nothing


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """``bnswap.__main__.main`` in this process: exit code, stdout, stderr."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("args,expected", [
    (("train", "--help"), ["--arch", "--order", "nwdbn", "--activation", "--epochs", "--width"]),
    (("measure", "--help"), ["key", "--results-dir"]),
])
def test_subcommand_help(capsys, args, expected) -> None:
    code, out, _ = run_main(capsys, *args)
    assert code == 0
    for word in expected:
        assert word in out


def test_bad_choices_are_rejected(capsys, tmp_path) -> None:
    code, _, err = run_main(capsys, "experiment", "no_such_experiment")
    assert code == 2 and "invalid choice" in err
    code, _, err = run_main(capsys, "train", "--order", "sideways")
    assert code == 2 and "invalid choice" in err
    code, _, err = run_main(capsys, "measure", "ffffffffffff", "--results-dir",
                            str(tmp_path / "empty"))
    assert code != 0 and "no record" in err


def write_fake_cifar10(root: Path, classes=("cat", "airplane", "dog"), train=10, test=3) -> None:
    rng = np.random.default_rng(0)
    for split, n in (("train", train), ("test", test)):
        for k, cls in enumerate(classes):
            folder = root / "cifar10" / split / cls
            folder.mkdir(parents=True)
            for i in range(n):
                arr = np.clip(rng.normal(60 + 60 * k, 30, (32, 32, 3)), 0, 255).astype(np.uint8)
                buf = io.BytesIO()
                Image.fromarray(arr).save(buf, format="PNG")
                (folder / f"{i}.png").write_bytes(buf.getvalue())


def test_train_smoke_writes_a_record(capsys, tmp_path) -> None:
    data_dir, results = tmp_path / "data", tmp_path / "results"
    write_fake_cifar10(data_dir)
    code, out, err = run_main(capsys, "train", "--dataset", "cifar10", "--arch", "vgg16_8",
                              "--profile", "smoke", "--data-dir", str(data_dir),
                              "--results-dir", str(results), "--no-progress", "--threads", "1")
    assert code == 0, err
    files = list(results.glob("*.json"))
    assert len(files) == 1
    record = json.loads(files[0].read_text())
    assert record["status"] == "complete"
    assert files[0].name == f"{record['key']}.json" and record["key"] in out
    assert record["spec"]["profile"] == "smoke" and record["profile"]["name"] == "smoke"
    assert record["spec"]["arch"] == "vgg16_8" and record["spec"]["order"] == "swap"
    assert record["spec"]["width"] == PROFILES["smoke"].width
    assert record["data"]["source"] == "jpeg-copy"
    assert record["data"]["train_size"] == 30 and record["data"]["test_size"] == 9
    assert len(record["history"]) == record["spec"]["epochs"] == 1
    assert len(record["layers"]) == 5 + 2
    assert sorted(p.name for p in data_dir.iterdir()) == ["cifar10"]  # nothing written there
    assert list((tmp_path / "cache").glob("cifar10-*.pt"))  # the converted data is cached

    code, out, err = run_main(capsys, "train", "--dataset", "cifar10", "--arch", "vgg16_8",
                              "--profile", "smoke", "--data-dir", str(data_dir),
                              "--results-dir", str(results), "--no-progress", "--threads", "1",
                              "--precision", "bf16_mixed")
    assert code == 0, err
    (mixed,) = [json.loads(f.read_text()) for f in results.glob("*.json") if f != files[0]]
    assert mixed["spec"]["precision"] == "bf16_mixed" and "precision" not in record["spec"]
    assert mixed["status"] == "complete" and mixed["key"] != record["key"]

    code, out, err = run_main(capsys, "measure", record["key"][:8], "--results-dir", str(results))
    assert code == 0, err
    summary = json.loads(out)
    assert summary["final"] == record["final"]
    assert [row["layer"] for row in summary["layers"]] == list(range(1, 8))

    # Asking again loads the record instead of training.
    code, out, _ = run_main(capsys, "train", "--dataset", "cifar10", "--arch", "vgg16_8",
                            "--profile", "smoke", "--data-dir", str(tmp_path / "gone"),
                            "--results-dir", str(results), "--no-progress")
    assert code == 0 and record["key"] in out


def test_every_package_folder_is_installed() -> None:
    """A non-editable install (``pip install .``, as a wheel) ships only the packages that
    pyproject.toml lists: each folder of ``bnswap`` with an ``__init__.py`` must be among them."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    folders = {".".join(p.parent.relative_to(REPO).parts)
               for p in (REPO / "bnswap").rglob("__init__.py")}
    assert folders == listed | {"bnswap"} and "bnswap.render" in folders


def test_train_epochs_override_scales_the_lr_milestones(monkeypatch) -> None:
    """``train --epochs 20`` under the cpu profile (10 epochs, drops after 5 and 8) drops the
    learning rate after epochs 10 and 15, as the paper's 200-epoch schedule scaled to 20."""
    import bnswap.__main__ as cli

    seen = []
    monkeypatch.setattr(cli, "run_specs", lambda specs, prof, opts, jobs: seen.extend(
        (s, prof) for s in specs) or [])
    main(["train", "--profile", "cpu", "--epochs", "20", "--width", "0.5"])
    (spec, prof), = seen
    assert (spec.epochs, spec.milestones, spec.width) == (20, (10, 15), 0.5)
    assert (prof.epochs, prof.width) == (20, 0.5)  # the record's profile says so too


def test_cli_errors_say_what_to_do_without_a_traceback(tmp_path, monkeypatch) -> None:
    store = tmp_path / "res"
    store.mkdir()
    with pytest.raises(SystemExit) as exc:
        main(["measure", "0123", "--results-dir", str(store)])
    assert "no record whose key starts with '0123'" in str(exc.value)
    assert "python -m bnswap experiment NAME" in str(exc.value)
    def offline(*args, **kwargs):  # the test must not depend on the network either way
        raise OSError("offline")

    monkeypatch.setattr("bnswap.core.data._cifar_torchvision", offline)
    env_missing = str(tmp_path / "nowhere")
    with pytest.raises(SystemExit) as exc:
        main(["train", "--profile", "smoke", "--dataset", "cifar10", "--data-dir", env_missing,
              "--results-dir", str(store), "--no-progress"])
    assert str(exc.value).startswith("error: dataset 'cifar10' not found")
    assert "in the data directory" in str(exc.value)


def test_list_counts_runs_and_records_per_profile(capsys) -> None:
    """``list`` shows recorded/runs per experiment and profile: the headline is 10 runs at the
    cpu profile (Convention, Swap and NWDBN with 3 seeds, NoBN with 1), all recorded in the repository's store."""
    main(["list", "--results-dir", str(REPO / "results")])
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "cpu_long" in line).split()
    row = next(line for line in out.splitlines() if line.strip().startswith("headline")).split()
    assert row[1 + header.index("cpu")] == "10/10"
    assert row[1 + header.index("full")] == "0/12"
    assert "all (distinct)" in out
