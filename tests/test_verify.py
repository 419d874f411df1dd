"""Reproducible by command: each record says how it was made (command, threads, device,
precision), and ``verify KEY`` re-trains it in a temporary store and compares."""

from __future__ import annotations

import json

import pytest

from bnswap.__main__ import main
from bnswap.runs.experiments import get_experiment
from bnswap.runs.profiles import get_profile
from bnswap.runs.reproduce import command
from bnswap.verify import differences

from test_bad_input import write_tree

SMOKE_TRAIN = ["train", "--profile", "smoke", "--dataset", "cifar10", "--arch", "vgg16_8",
               "--no-progress", "--threads", "1"]


def test_verify_a_smoke_run_is_identical(tmp_path, capsys) -> None:
    data, results = write_tree(tmp_path / "data"), tmp_path / "results"
    main(SMOKE_TRAIN + ["--data-dir", str(data), "--results-dir", str(results)])
    (path,) = results.glob("*.json")
    record = json.loads(path.read_text())
    assert record["reproduce"] == {
        "command": "python -m bnswap train --arch vgg16_8 --order swap --activation tanh "
                   "--dataset cifar10 --profile smoke --threads 1 --device cpu",
        "threads": 1, "device": "cpu", "precision": "fp32"}
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["verify", record["key"][:10], "--data-dir", str(data), "--results-dir",
              str(results), "--no-progress"])
    out = capsys.readouterr().out
    assert exc.value.code == 0, out
    assert out.startswith(f"identical: {record['key']} re-trained matches its record")
    assert sorted(p.name for p in results.iterdir()) == [path.name], "verify wrote elsewhere"


def test_differences_reports_the_largest_first() -> None:
    old = {"status": "complete", "final": {"test_acc": 50.0},
           "history": [{"epoch": 1, "train_loss": 2.0, "seconds": 3.0}],
           "layers": [{"skewness": 0.5}]}
    new = {"status": "complete", "final": {"test_acc": 49.0},
           "history": [{"epoch": 1, "train_loss": 2.0, "seconds": 9.0}],
           "layers": [{"skewness": 0.25}]}
    diffs = differences(old, new)
    assert [d[0] for d in diffs] == ["final.test_acc", "layers[0].skewness"]
    assert diffs[0][1:] == (50.0, 49.0, 1.0)
    assert differences(old, old) == []


def test_experiment_runs_name_their_experiment() -> None:
    (_, spec), *_ = get_experiment("headline").expand(get_profile("cpu"))
    assert command(spec, 1, "cpu") == ("python -m bnswap experiment pilot --profile cpu "
                                       "--dataset cifar100 --threads 1 --device cpu")
