"""Every bad input is refused before any work starts: one line saying what was wrong and what is
valid, a non-zero exit, no traceback (``--debug`` shows one)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bnswap.__main__ import main
from bnswap.core.data import load_dataset
from bnswap.core.validate import DataError, InputError, check_device

REPO = Path(__file__).resolve().parents[1]


def write_tree(root: Path, classes=("cat", "dog", "airplane"), train=6, test=2,
               splits=("train", "test")) -> Path:
    """``root/cifar10/<split>/<class>/<i>.png``."""
    rng = np.random.default_rng(0)
    for split, n in zip(splits, (train, test)):
        for k, cls in enumerate(classes):
            folder = root / "cifar10" / split / cls
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                arr = np.clip(rng.normal(60 + 60 * k, 30, (32, 32, 3)), 0, 255).astype(np.uint8)
                buf = io.BytesIO()
                Image.fromarray(arr).save(buf, format="PNG")
                (folder / f"{i}.png").write_bytes(buf.getvalue())
    return root


def refused(capsys, *args: str) -> str:
    """Run the CLI in this process; assert it refused with one line; return that line."""
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    code, err = exc.value.code, capsys.readouterr().err
    message = code if isinstance(code, str) else err
    assert code not in (0, None), message
    lines = [line for line in message.strip().splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, message
    assert "Traceback" not in message
    return lines[0]


TRAIN = ("train", "--profile", "smoke", "--dataset", "cifar10", "--arch", "vgg16_8",
         "--no-progress")


@pytest.mark.parametrize("flag,value,expect", [
    ("--width", "0", "> 0"), ("--width", "-1", "> 0"), ("--width", "nan", "finite"),
    ("--width", "9", "(0, 4]"), ("--epochs", "0", ">= 1"), ("--epochs", "1.5", "whole number"),
    ("--lr", "nan", "finite"), ("--lr", "inf", "finite"), ("--lr", "-0.1", "> 0"),
    ("--lr", "abc", "finite number"), ("--wd", "-1", "[0, 1)"), ("--wd", "nan", "finite"),
    ("--wd-bn", "2", "[0, 1)"), ("--threads", "-1", ">= 1"), ("--threads", "0", ">= 1"),
    ("--jobs", "0", ">= 1"), ("--precision", "fp16", "bf16_mixed"),
    ("--profile", "nosuch", "smoke")])
def test_bad_values_are_one_line_usage_errors(capsys, tmp_path, flag, value, expect) -> None:
    line = refused(capsys, *TRAIN, flag, value, "--results-dir", str(tmp_path / "r"))
    assert flag in line and expect in line
    assert not (tmp_path / "r").exists(), "refused before any work"


@pytest.mark.parametrize("device,expect", [("nosuch", "unknown device"),
                                           ("cuda:99", "cuda")])
def test_unusable_devices_are_refused(capsys, tmp_path, device, expect) -> None:
    line = refused(capsys, *TRAIN, "--device", device, "--results-dir", str(tmp_path / "r"))
    assert expect in line and "valid" in line


def test_cuda_without_a_gpu_says_so(monkeypatch) -> None:
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    with pytest.raises(InputError, match="no CUDA GPU here; use --device cpu"):
        check_device("cuda")
    assert check_device("cpu") == "cpu"


def test_experiment_dataset_without_runs_is_refused(capsys) -> None:
    line = refused(capsys, "experiment", "headline", "--dataset", "cifar10")
    assert "no run on cifar10" in line and "cifar100" in line


@pytest.mark.parametrize("what", ["data", "results", "cache"])
def test_a_file_where_a_folder_belongs_is_refused(capsys, tmp_path, monkeypatch, what) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    data = write_tree(tmp_path / "data")
    args = {"data": str(data), "results": str(tmp_path / "r")}
    if what == "cache":
        monkeypatch.setenv("BNSWAP_CACHE_DIR", str(afile))
    else:
        args[what] = str(afile)
    line = refused(capsys, *TRAIN, "--data-dir", args["data"], "--results-dir", args["results"])
    assert str(afile) in line and "not a folder" in line


def test_unwritable_results_folder_is_refused_before_data_loads(tmp_path, monkeypatch) -> None:
    from bnswap.runs.results import Store, run_or_load
    from bnswap.core.spec import RunSpec

    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    spec = RunSpec("vgg16_8", "swap", "tanh", "cifar10", 0.01, 0, 0, 0, 1, ())
    loaded = []
    with pytest.raises(InputError, match="not writable"):
        run_or_load(spec, lambda: loaded.append(1), store=Store(tmp_path / "r"))
    assert not loaded


# ---- data sources ---------------------------------------------------------------------------------


def test_garbage_and_truncated_archives_are_named(tmp_path) -> None:
    garbage = tmp_path / "g"
    garbage.mkdir()
    (garbage / "cifar10-jpg.tar.gz").write_bytes(os.urandom(4000))
    with pytest.raises(DataError, match="cifar10-jpg.tar.gz is not a readable .tar.gz"):
        load_dataset("cifar10", garbage, download=False)
    tree = write_tree(tmp_path / "tree")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(tree / "cifar10", arcname="cifar10")
    trunc = tmp_path / "t"
    trunc.mkdir()
    (trunc / "cifar10-jpg.tar.gz").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(DataError, match="may be truncated"):
        load_dataset("cifar10", trunc, download=False)


def test_a_class_tree_without_test_names_the_layout(tmp_path) -> None:
    root = write_tree(tmp_path / "d", splits=("train",))
    with pytest.raises(FileNotFoundError, match="cifar10/test is missing"):
        load_dataset("cifar10", root, download=False)


def test_a_non_image_is_named(tmp_path) -> None:
    root = write_tree(tmp_path / "d")
    bad = root / "cifar10" / "train" / "cat" / "bad.png"
    bad.write_text("not an image")
    with pytest.raises(DataError, match=f"{bad} is not a readable image"):
        load_dataset("cifar10", root, download=False)


def test_too_few_classes_or_images_are_refused_unless_asked(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("BNSWAP_PARTIAL_DATA")
    root = write_tree(tmp_path / "d", classes=("cat", "dog"))
    with pytest.raises(DataError, match="2 of 10 classes.*BNSWAP_PARTIAL_DATA=1"):
        load_dataset("cifar10", root, download=False)
    monkeypatch.setenv("BNSWAP_PARTIAL_DATA", "1")
    assert load_dataset("cifar10", root, download=False).num_classes == 2


@pytest.mark.parametrize("content,kind", [("[]", "list"), ("null", "NoneType"), ("3", "int")])
def test_records_of_the_wrong_json_type_are_refused(capsys, tmp_path, content, kind) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "0123456789abcdef.json").write_text(content)
    line = refused(capsys, "measure", "0123", "--results-dir", str(store))
    assert f"holds {kind} JSON" in line and "0123456789abcdef.json" in line


def test_subprocess_errors_are_one_line_and_debug_shows_the_traceback(tmp_path) -> None:
    """As a user sees it: no traceback, one line on stderr, exit 1; ``--debug``: the traceback."""
    env = {k: v for k, v in os.environ.items() if k != "BNSWAP_RESULTS_DIR"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    afile = tmp_path / "afile"
    afile.write_text("x")
    base = [sys.executable, "-m", "bnswap", *TRAIN, "--data-dir", str(afile), "--results-dir",
            str(tmp_path / "r")]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for cmd in (base, base + ["--debug"])]
    (_, plain), (_, debug) = (p.communicate(timeout=300) for p in procs)
    assert procs[0].returncode == 1 and "Traceback" not in plain
    assert plain.strip().splitlines() == [plain.strip()] and "is a file, not a folder" in plain
    assert procs[1].returncode == 1 and "Traceback" in debug and "InputError" in debug
