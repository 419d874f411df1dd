"""The GPU scripts cannot run here; what they compute without a GPU is checked instead."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import torch

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_full_profile_cifar_runs_and_images() -> None:
    from bnswap.runs.experiments import EXPERIMENTS

    runs, images = load("gpu_concurrency").full_profile_cifar_images()
    distinct = {s for e in EXPERIMENTS.values() for _, s in e.expand("full")
                if s.dataset.startswith("cifar")}
    assert runs == len(distinct) > 50
    assert images == 200 * 50_000 * runs  # every CIFAR run of the paper is 200 epochs


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is here")
def test_gpu_concurrency_without_a_gpu_says_so_in_one_line() -> None:
    proc = subprocess.run([sys.executable, str(BENCH / "gpu_concurrency.py"), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert proc.stderr.strip() == ("error: no CUDA GPU here; this script measures concurrent runs "
                                   "on one GPU")


def test_device_check_script_parses() -> None:
    assert subprocess.run(["bash", "-n", str(BENCH / "device_check.sh")]).returncode == 0


def test_precision_benchmark_reports_both_widths_and_this_cpu() -> None:
    bench = load("bench")
    torch.set_num_threads(1)
    out = bench.bench_precision(rounds=1, width=0.125, cpu_width=0.0625)
    for key in ("precision_images_per_second", "precision_images_per_second_at_cpu_width"):
        assert set(out[key]) == {"fp32", "bf16_mixed", "bf16"}
        assert all(v > 0 for v in out[key].values())
    small = out["precision_images_per_second_at_cpu_width"]
    assert out["bf16_vs_fp32_step_at_cpu_width"] == pytest.approx(small["bf16_mixed"] / small["fp32"],
                                                                 rel=0.01)  # both rounded
    assert out["precision_setup"]["cpu_flags_bf16"] == bench.cpu_bf16_features()
