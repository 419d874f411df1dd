"""An explicit override is honoured and part of the run's key; a run that produces NaN or inf is
recorded as failed, never complete, and the command exits non-zero."""

from __future__ import annotations

import math

import pytest

import bnswap.__main__ as cli
from bnswap.core.spec import RunSpec
from bnswap.runs.cli_specs import train_specs
from bnswap.runs.health import first_nonfinite, result_problem
from bnswap.runs.results import Store, run_or_load


def test_lr_override_is_not_capped_and_changes_the_key() -> None:
    _, (default,) = train_specs("vgg16_11", "swap", "tanh", "cifar100", "cpu")
    _, (capped,) = train_specs("vgg16_11", "swap", "tanh", "cifar100", "cpu", lr=0.05)
    assert default.lr == 0.01 and capped.lr == 0.05
    assert capped.key() != default.key()
    _, (same,) = train_specs("vgg16_11", "swap", "tanh", "cifar100", "cpu", lr=0.01)
    assert same.key() == default.key(), "asking for the default value is the default run"


def test_precision_and_weight_decay_overrides_are_honoured() -> None:
    _, (spec,) = train_specs("vgg16_11", "swap", "tanh", "cifar100", "cpu", wd=0.0,
                             wd_bn=0.001, precision="bf16")
    assert (spec.wd_weight, spec.wd_gamma, spec.wd_beta, spec.precision) == (0, 0.001, 0.001,
                                                                            "bf16")


def test_first_nonfinite_finds_nested_nans() -> None:
    assert first_nonfinite({"a": [1.0, {"b": 2}], "c": True}) is None
    assert first_nonfinite({"layers": [{"skewness": 0.1}, {"skewness": math.nan}]}) == \
        "layers[1].skewness = nan"
    assert "final.test_loss" in result_problem({"final": {"test_loss": math.inf}})


def test_nan_metrics_make_a_failed_record_and_a_failing_command(tmp_path, tiny_data,
                                                                 monkeypatch, capsys) -> None:
    """One step (loss still finite) then NaN weights: the test loss and the metrics are NaN.
    The record is failed, and ``train`` exits 1 with one line."""
    spec = RunSpec("vgg16_8", "swap", "tanh", "cifar10", lr=1e30, wd_weight=0, wd_gamma=0,
                   wd_beta=0, epochs=1, milestones=(), width=0.125, batch_size=128)
    record = run_or_load(spec, lambda: tiny_data, store=Store(tmp_path / "r"), progress=False)
    assert record["status"] == "failed"
    assert "non-finite" in record["error"] or "loss became" in record["error"]
    assert "final" not in record and "layers" not in record

    monkeypatch.setattr(cli, "run_specs", lambda specs, prof, opts, jobs: [record])
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--profile", "smoke", "--no-progress"])
    assert "1 of 1 run(s) failed" in str(exc.value) and "delete its record" in str(exc.value)
