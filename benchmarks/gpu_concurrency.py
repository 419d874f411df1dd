"""Concurrent training runs on one GPU: python benchmarks/gpu_concurrency.py [--jobs 1 4]

A VGG16_11 CIFAR run uses a few GB of a large GPU and does not fill it alone, so ``--jobs N``
(N worker processes, one run each) may train N runs in little more than the time of one. This
script measures it: for each N it starts N processes, each timing full-width VGG16_11 training
steps (batch 128, channels_last, the ``full`` profile's precision) on synthetic CIFAR-shaped
data for the same wall-clock window, and reports images/s per process and in total. From the
best total it estimates the hours the ``full`` profile's CIFAR experiments would take (their
distinct runs x epochs x 50,000 images, evaluation not included). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WINDOW_S = 30.0
BATCH = 128


def _worker(args: tuple[int, float, str, "mp.Queue"]) -> None:
    rank, window, precision, queue = args
    import torch

    from bnswap.runs.experiments import paper_spec
    from bnswap.core.models import build_model
    from bnswap.core.precision import prepare_model
    from bnswap.core.train import make_optimizer, train_step

    device = torch.device("cuda")
    torch.manual_seed(rank)
    model = prepare_model(build_model("vgg16_11", "swap", "tanh", 100, 1.0), precision)
    model = model.to(device, memory_format=torch.channels_last)
    opt = make_optimizer(model, paper_spec("vgg16_11", "swap", "tanh", "cifar100"))
    x = torch.randn(BATCH, 3, 32, 32, device=device).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 100, (BATCH,), device=device)
    for _ in range(20):  # warm-up: cuDNN autotuning, allocator
        train_step(model, opt, x, y, precision)
    torch.cuda.synchronize()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < window:
        train_step(model, opt, x, y, precision)
        steps += 1
        if steps % 10 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    queue.put(steps * BATCH / (time.perf_counter() - start))


def measure(jobs: int, window: float, precision: str) -> list[float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=((r, window, precision, queue),))
             for r in range(jobs)]
    for p in procs:
        p.start()
    rates = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return rates


def full_profile_cifar_images() -> tuple[int, int]:
    """(distinct runs, training images over all epochs) of every experiment's CIFAR runs under
    the ``full`` profile."""
    from bnswap.runs.experiments import EXPERIMENTS

    specs = {spec for exp in EXPERIMENTS.values() for _, spec in exp.expand("full")
             if spec.dataset in ("cifar10", "cifar100")}
    return len(specs), sum(spec.epochs * 50_000 for spec in specs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--window", type=float, default=WINDOW_S, help="seconds timed per process")
    args = ap.parse_args()
    import torch

    from bnswap.runs.profiles import get_profile

    if not torch.cuda.is_available():
        sys.exit("error: no CUDA GPU here; this script measures concurrent runs on one GPU")
    precision = get_profile("full").precision or "fp32"
    out: dict = {"gpu": torch.cuda.get_device_name(0), "precision": precision, "batch": BATCH,
                 "window_s": args.window, "by_jobs": {}}
    for jobs in args.jobs:
        rates = measure(jobs, args.window, precision)
        out["by_jobs"][str(jobs)] = {"per_process_images_per_second": [round(r, 1) for r in rates],
                                     "total_images_per_second": round(sum(rates), 1)}
        print(f"jobs {jobs}: {sum(rates):.0f} images/s in total "
              f"({', '.join(f'{r:.0f}' for r in rates)} per process)", flush=True)
    runs, images = full_profile_cifar_images()
    best = max(out["by_jobs"].items(), key=lambda kv: kv[1]["total_images_per_second"])
    out["full_profile_cifar_runs"] = runs
    out["full_profile_cifar_hours"] = {
        jobs: round(images / v["total_images_per_second"] / 3600, 1)
        for jobs, v in out["by_jobs"].items()}
    out["best_jobs"] = int(best[0])
    print(f"full profile, CIFAR experiments: {runs} distinct runs; estimated hours (training "
          f"steps only) by jobs: {out['full_profile_cifar_hours']}", flush=True)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
