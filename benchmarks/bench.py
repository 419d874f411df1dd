"""bnswap benchmark: python benchmarks/bench.py [--explore] [--quick]

Measures, in one run, and prints progress lines followed by ONE JSON line (the last line):

1. ``train_vs_dataloader``: images/s of bnswap's training loop (whole uint8 dataset as a tensor,
   Normalizer, random_crop_flip, channels_last, bnswap.core.train.train_step) divided by images/s of
   the conventional torchvision loop (a Dataset of PIL images, RandomCrop(32, padding=4),
   RandomHorizontalFlip, ToTensor, Normalize, DataLoader with worker processes), same model,
   same optimizer, same batch size and step count, alternated A/B/B/A... and taking medians.
   ``train_vs_dataloader_contiguous_model`` compares against the same DataLoader loop with the
   model in the default (contiguous) memory format, as most CIFAR code has it.
2. ``metrics_one_vs_three_pass``: time of reference.measure_three_pass (Appendix A.11's passes)
   divided by time of metrics.measure (one pass), same model and test batches; also checks that
   both give the same numbers.
3. ``step_fraction_of_peak``: FLOP/s of a full-width VGG16_11 training step (batch 128, fp32,
   channels_last; FLOPs counted by torch.utils.flop_counter) divided by this machine's best fp32
   matmul FLOP/s, measured in the same run.
4. ``bf16_vs_fp32_step``: images/s of a full-width VGG16_11 training step in ``bf16_mixed``
   (bf16 weight layers, fp32 activations and BN) over fp32, alternated in one run, with each
   mode's images/s (all-bf16 too) under ``precision_images_per_second``, the same at the CPU
   profiles' width 0.25 under ``..._at_cpu_width`` (what decides their precision); and
   ``step_fraction_of_bf16_peak``: that step's FLOP/s over the bf16 matmul FLOP/s measured in the
   same run. Without bf16 matrix units (AMX-BF16 on a CPU; the JSON lists the CPU's bf16 flags),
   bf16 is emulated and slower than fp32, which is why ``cpu_long`` names its own precision.
   ``train_vs_official_style`` is section 1's ratio: bnswap's loop as ``cpu_long`` runs it (its
   precision) over the PIL + torchvision + DataLoader fp32 loop most CIFAR code uses.
5. With a CUDA GPU: ``gpu_images_per_second`` and ``gpu_seconds_per_cifar100_epoch`` for
   full-width VGG16_11 in bf16_mixed and channels_last (null without one).

Data: CIFAR-100 through bnswap.core.data.load_dataset (set BNSWAP_DATA_DIR / BNSWAP_CACHE_DIR)
when it is found, otherwise synthetic uint8 images of CIFAR shape (the JSON says which).
``--explore`` also times the training step under other settings (memory format, threads, batch
size, oneDNN off). Like bnswap's trainer, the benchmark keeps freed memory in glibc's heap
(bnswap.core.allocator; ``BNSWAP_MALLOC=default`` turns that off). Timings on a machine shared with
other jobs are noisy; the JSON records the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bnswap.core.allocator import keep_freed_memory  # noqa: E402
from bnswap.core.cpu import cpu_bf16_features, cpu_model  # noqa: E402
from bnswap.core.augment import Normalizer, random_crop_flip  # noqa: E402
from bnswap.core.data import DatasetNotFoundError, ImageData, load_dataset  # noqa: E402
from bnswap.core.metrics import measure  # noqa: E402
from bnswap.core.models import build_model  # noqa: E402
from bnswap.core.precision import prepare_model  # noqa: E402
from bnswap.core.reference import measure_three_pass  # noqa: E402
from bnswap.core.train import make_optimizer, train_step  # noqa: E402
from bnswap.runs.experiments import paper_spec  # noqa: E402
from bnswap.runs.profiles import PROFILES  # noqa: E402

ARCH, ORDER, ACT, CLASSES = "vgg16_11", "swap", "tanh", 100
BATCH = 128
WARM = 2  # untimed steps at the start of every timed round of section 1
T0 = time.perf_counter()
CPU_LONG_PRECISION = PROFILES["cpu_long"].precision or "fp32"
REDUCED = "bf16_mixed"  # the reduced precision bnswap offers for bounded activations


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", flush=True)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# ---- data ---------------------------------------------------------------------------------------


def get_data() -> tuple[ImageData, str]:
    try:
        data = load_dataset("cifar100", download=False)
        return data, f"cifar100 ({data.source})"
    except DatasetNotFoundError:
        gen = torch.Generator().manual_seed(0)
        n_train, n_test = 10000, 2000
        data = ImageData(
            "cifar100",
            torch.randint(0, 256, (n_train, 3, 32, 32), dtype=torch.uint8, generator=gen),
            torch.randint(0, CLASSES, (n_train,), generator=gen),
            torch.randint(0, 256, (n_test, 3, 32, 32), dtype=torch.uint8, generator=gen),
            torch.randint(0, CLASSES, (n_test,), generator=gen),
            [str(i) for i in range(CLASSES)], "synthetic",
            mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25))
        return data, "synthetic uint8 of CIFAR shape (CIFAR-100 not found: set BNSWAP_DATA_DIR)"


def new_model(width: float, device: torch.device | str = "cpu",
              channels_last: bool = True) -> torch.nn.Module:
    torch.manual_seed(0)
    model = build_model(ARCH, ORDER, ACT, CLASSES, width=width)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    return model.to(device, memory_format=fmt)


def spec_for(width: float, batch: int = BATCH):
    return paper_spec(ARCH, ORDER, ACT, "cifar100", width=width, batch_size=batch)


# ---- 1. bnswap loop vs DataLoader loop ----------------------------------------------------------


class PILImages(torch.utils.data.Dataset):
    """What torchvision.datasets.CIFAR100 does per item: a numpy HWC image -> PIL -> transform."""

    def __init__(self, images_hwc: np.ndarray, targets: list[int], transform) -> None:
        self.data, self.targets, self.transform = images_hwc, targets, transform

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int):
        from PIL import Image
        return self.transform(Image.fromarray(self.data[i])), self.targets[i]


class BnswapLoop:
    """bnswap.core.train's per-step path, steps on demand (one 'epoch' permutation per round), in
    the precision the ``cpu_long`` profile trains with."""

    def __init__(self, data: ImageData, width: float, precision: str = CPU_LONG_PRECISION) -> None:
        self.x, self.y = data.train_x, data.train_y
        self.norm = Normalizer(data.mean, data.std, "cpu")
        self.precision = precision
        self.model = prepare_model(new_model(width), precision)
        self.opt = make_optimizer(self.model, spec_for(width))
        self.gen = torch.Generator().manual_seed(0)

    def run(self, steps: int, warm: int = WARM) -> float:
        """Seconds for ``steps`` steps, timed after ``warm`` untimed ones."""
        self.model.train()
        perm = torch.randperm(self.x.shape[0], generator=self.gen)
        loss_sum = torch.zeros((), dtype=torch.float64)
        correct = torch.zeros((), dtype=torch.int64)
        for step in range(warm + steps):
            if step == warm:
                t = time.perf_counter()
            idx = perm[step * BATCH:(step + 1) * BATCH]
            xb = random_crop_flip(self.norm(self.x[idx]), 4, self.gen)
            yb = self.y[idx]
            loss, logits = train_step(self.model, self.opt, xb, yb, self.precision)
            loss_sum += loss.detach() * idx.numel()
            correct += (logits.detach().argmax(1) == yb).sum()
        float(loss_sum)
        return time.perf_counter() - t


class DataLoaderLoop:
    """The usual CIFAR recipe: PIL dataset + torchvision transforms + DataLoader workers."""

    def __init__(self, data: ImageData, width: float, workers: int,
                 channels_last: bool = True) -> None:
        import torchvision.transforms as T
        transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(),
                               T.ToTensor(), T.Normalize(data.mean, data.std)])
        images = data.train_x.permute(0, 2, 3, 1).contiguous().numpy()
        self.dataset = PILImages(images, data.train_y.tolist(), transform)
        self.loader = torch.utils.data.DataLoader(self.dataset, batch_size=BATCH, shuffle=True,
                                                  num_workers=workers, drop_last=True)
        self.model = new_model(width, channels_last=channels_last)
        self.opt = make_optimizer(self.model, spec_for(width))

    def run(self, steps: int, warm: int = WARM) -> float:
        """Seconds for ``steps`` steps, timed after ``warm`` untimed ones: by then the workers'
        prefetch queue is as full as in the middle of an epoch, so this is the steady state."""
        self.model.train()
        loss_sum = torch.zeros((), dtype=torch.float64)
        correct = torch.zeros((), dtype=torch.int64)
        it = iter(self.loader)
        for step in range(warm + steps):
            if step == warm:
                t = time.perf_counter()
            xb, yb = next(it)
            loss, logits = train_step(self.model, self.opt, xb, yb)
            loss_sum += loss.detach() * yb.numel()
            correct += (logits.detach().argmax(1) == yb).sum()
        float(loss_sum)
        seconds = time.perf_counter() - t
        del it  # shut the workers down, so they take no CPU from the other loop's turn
        return seconds


def bench_train_vs_dataloader(data: ImageData, rounds: int, steps: int, workers: int,
                              width: float) -> tuple[dict, torch.nn.Module]:
    log(f"[1/5] train loop vs DataLoader: VGG16_11 width {width}, batch {BATCH}, "
        f"{rounds} rounds x {steps} steps each, DataLoader num_workers={workers}")
    # "dataloader_contiguous": the same loop with the model left in the default memory format,
    # as most CIFAR repositories have it (informative; the headline ratio uses the same model).
    loops = {"bnswap": BnswapLoop(data, width), "dataloader": DataLoaderLoop(data, width, workers),
             "dataloader_contiguous": DataLoaderLoop(data, width, workers, channels_last=False)}
    for loop in loops.values():  # warm-up (oneDNN primitive caches, allocator)
        loop.run(1, warm=1)
    ips: dict[str, list[float]] = {k: [] for k in loops}
    for r in range(rounds):
        order = list(loops) if r % 2 == 0 else list(loops)[::-1]
        for name in order:
            ips[name].append(steps * BATCH / loops[name].run(steps))
            log(f"  round {r + 1}/{rounds} {name:21s} {ips[name][-1]:8.1f} images/s")
    per_round = [a / b for a, b in zip(ips["bnswap"], ips["dataloader"])]
    per_round_contig = [a / b for a, b in zip(ips["bnswap"], ips["dataloader_contiguous"])]
    out = {"train_vs_dataloader": statistics.median(per_round),
           "train_vs_official_style": round(statistics.median(per_round), 3),
           "train_vs_dataloader_contiguous_model": round(statistics.median(per_round_contig), 3),
           "train_images_per_second": {k: [round(v, 1) for v in vs] for k, vs in ips.items()},
           "train_ratio_per_round": [round(v, 3) for v in per_round],
           "train_median_images_per_second": {k: round(statistics.median(v), 1)
                                              for k, v in ips.items()},
           "train_setup": {"width": width, "batch": BATCH, "steps_per_round": steps,
                           "bnswap_precision": CPU_LONG_PRECISION, "dataloader_precision": "fp32",
                           "rounds": rounds, "dataloader_workers": workers,
                           "model_memory_format": "channels_last in bnswap and dataloader; "
                                                  "default in dataloader_contiguous"}}
    log(f"  -> train_vs_dataloader = {out['train_vs_dataloader']:.2f} (median of per-round ratios; "
        f"{out['train_vs_dataloader_contiguous_model']:.2f} against the contiguous-model loop)")
    return out, loops["bnswap"].model


# ---- 2. one-pass vs three-pass metrics ----------------------------------------------------------


def _max_rel_diff(a: list[dict], b: list[dict]) -> float:
    worst = 0.0
    for ra, rb in zip(a, b, strict=True):
        for key in ("saturation", "skewness", "sparsity"):
            x, y = ra[key], rb[key]
            worst = max(worst, abs(x - y) / max(abs(y), 1e-12))
    return worst


def bench_metrics(model: torch.nn.Module, data: ImageData, images: int, rounds: int) -> dict:
    n = min(images, data.test_x.shape[0])
    log(f"[2/5] metrics: one pass (metrics.measure) vs three passes (reference), {n} test images, "
        f"{rounds} three-pass run(s) between {rounds + 1} one-pass runs")
    norm = Normalizer(data.mean, data.std, "cpu")
    batches = [norm(data.test_x[s:min(s + 500, n)]) for s in range(0, n, 500)]
    times: dict[str, list[float]] = {"one_pass": [], "three_pass": []}
    one = three = None
    order = ["one_pass"] + ["three_pass", "one_pass"] * rounds  # alternated: O T O (T O ...)
    for r, name in enumerate(order):
        t = time.perf_counter()
        if name == "one_pass":
            one = measure(model, iter(batches), 1.0)
        else:
            three = measure_three_pass(model, lambda: iter(batches), 1.0)
        times[name].append(time.perf_counter() - t)
        log(f"  run {r + 1}/{len(order)} {name:10s} {times[name][-1]:7.2f} s")
    t = time.perf_counter()
    with torch.no_grad():
        model.eval()
        for xb in batches:
            model(xb)
    forward = time.perf_counter() - t
    diff = _max_rel_diff(one, three)
    assert diff <= 1e-6, f"one-pass and three-pass metrics differ: max relative difference {diff}"
    ratio = statistics.median(times["three_pass"]) / statistics.median(times["one_pass"])
    log(f"  plain forward pass over the same batches: {forward:.2f} s")
    log(f"  -> metrics_one_vs_three_pass = {ratio:.2f}; max relative difference {diff:.2e}")
    return {"metrics_one_vs_three_pass": ratio,
            "metrics_seconds": {k: [round(v, 3) for v in vs] for k, vs in times.items()},
            "metrics_forward_only_seconds": round(forward, 3),
            "metrics_max_rel_diff": diff,
            "metrics_setup": {"width": 0.25, "images": n, "batch": 500, "three_pass_runs": rounds,
                              "model": "the bnswap loop's model after section 1's SGD steps"}}


# ---- 3. training step vs matmul peak ------------------------------------------------------------


def matmul_peak(sizes=(1024, 2048), reps=(5, 4)) -> tuple[float, dict]:
    best: dict[int, float] = {}
    for size, n in zip(sizes, reps):
        a, b = torch.randn(size, size), torch.randn(size, size)
        a @ b
        for _ in range(n):
            t = time.perf_counter()
            a @ b
            dt = time.perf_counter() - t
            best[size] = max(best.get(size, 0.0), 2 * size**3 / dt)
    return max(best.values()), {str(k): round(v / 1e9, 2) for k, v in best.items()}


def step_flops(width: float, batch: int, channels_last: bool = True) -> tuple[float, float]:
    """(FLOPs of one training step as executed, 3x the forward FLOPs), counted by
    torch.utils.flop_counter on a batch of 2 and scaled to ``batch``."""
    from torch.utils.flop_counter import FlopCounterMode
    model = new_model(width, channels_last=channels_last)
    opt = make_optimizer(model, spec_for(width))
    x = torch.randn(2, 3, 32, 32)
    y = torch.zeros(2, dtype=torch.long)
    with FlopCounterMode(display=False) as fwd:
        with torch.no_grad():
            model(x)
    with FlopCounterMode(display=False) as step:
        train_step(model, opt, x, y)
    scale = batch / 2
    return step.get_total_flops() * scale, 3 * fwd.get_total_flops() * scale


class StepTimer:
    """A model, optimizer and fixed batch; ``step()`` returns the seconds of one train_step."""

    def __init__(self, width: float, batch: int, channels_last: bool = True,
                 device: torch.device = torch.device("cpu"), precision: str = "fp32") -> None:
        self.model = prepare_model(new_model(width, device, channels_last), precision)
        self.opt = make_optimizer(self.model, spec_for(width, batch))
        gen = torch.Generator().manual_seed(0)
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        self.x = torch.randn(batch, 3, 32, 32, generator=gen).to(device).contiguous(
            memory_format=fmt)
        self.y = torch.randint(0, CLASSES, (batch,), generator=gen).to(device)
        self.device, self.precision = device, precision
        self.step()  # warm-up: oneDNN primitives, allocator

    def step(self) -> float:
        t = time.perf_counter()
        train_step(self.model, self.opt, self.x, self.y, self.precision)
        sync(self.device)
        return time.perf_counter() - t


def bench_step(steps: int, explore: bool) -> dict:
    log(f"[3/5] full-width VGG16_11 training step (batch {BATCH}, fp32, channels_last) vs fp32 "
        f"matmul peak; {steps} timed steps, each between two matmul measurements")
    flops, flops_3x = step_flops(1.0, BATCH)
    timer = StepTimer(1.0, BATCH)
    peaks, mms, times = [], [], []
    for i in range(steps + 1):
        peak, mm = matmul_peak()
        peaks.append(peak)
        mms.append(mm)
        if i < steps:
            times.append(timer.step())
            log(f"  matmul {mm} GFLOP/s; step {times[-1]:.2f} s "
                f"({flops / times[-1] / 1e9:.1f} GFLOP/s)")
    log(f"  matmul {mms[-1]} GFLOP/s")
    # Each step against the better of the matmul measurements on either side of it: pairs
    # measured seconds apart see the same share of a shared machine.
    paired = [flops / t / max(peaks[i], peaks[i + 1]) for i, t in enumerate(times)]
    peak, best = max(peaks), min(times)
    frac = statistics.median(paired)
    log(f"  {flops / 1e9:.1f} GFLOP per step as executed ({flops_3x / 1e9:.1f} by the "
        f"3x-forward rule); best step {flops / best / 1e9:.1f} GFLOP/s, best matmul "
        f"{peak / 1e9:.1f} GFLOP/s")
    log(f"  -> step_fraction_of_peak = {frac:.2f} (median of paired ratios; best/best "
        f"{flops / best / peak:.2f})")
    out = {"step_fraction_of_peak": frac,
           "step_fraction_of_peak_paired": [round(v, 3) for v in paired],
           "step_fraction_of_peak_best_over_best": round(flops / best / peak, 3),
           "step_seconds": [round(t, 3) for t in times],
           "step_gflop": round(flops / 1e9, 2), "step_gflop_3x_forward": round(flops_3x / 1e9, 2),
           "step_best_gflops_per_second": round(flops / best / 1e9, 2),
           "matmul_peak_gflops": round(peak / 1e9, 2),
           "matmul_gflops_by_size": mms}
    if explore:
        out["step_explore"] = explore_step(flops, peak)
    return out


def explore_step(flops: float, peak: float) -> dict:
    """Cheap knobs for the step's speed: memory format, threads, batch size, oneDNN."""
    results = {}
    threads = torch.get_num_threads()
    trials = [("channels_last", dict()), ("contiguous", dict(channels_last=False)),
              ("batch_256", dict(batch=256)), ("batch_64", dict(batch=64))]
    other = 1 if threads > 1 else (os.cpu_count() or 1)
    if other != threads:
        trials.append((f"threads_{other}", dict(threads=other)))
    trials.append(("mkldnn_off", dict(mkldnn=False)))
    for name, kw in trials:
        batch = kw.get("batch", BATCH)
        torch.set_num_threads(kw.get("threads", threads))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # oneDNN's note about TF32 on Intel GPUs
            with torch.backends.mkldnn.flags(enabled=kw.get("mkldnn", True)):
                timer = StepTimer(1.0, batch, kw.get("channels_last", True))
                times = [timer.step() for _ in range(2)]
        torch.set_num_threads(threads)
        f = flops * batch / BATCH
        results[name] = {"seconds": [round(t, 3) for t in times],
                         "images_per_second": round(batch / min(times), 1),
                         "fraction_of_peak": round(f / min(times) / peak, 3)}
        log(f"  explore {name:14s} {results[name]}")
    return results


# ---- 4. bf16 vs fp32 --------------------------------------------------------------------------


def bf16_matmul_peak(sizes=(512, 1024), reps=(3, 2)) -> float:
    """Best bf16 ``torch.mm`` FLOP/s (sizes kept small: without bf16 units a 2048 product takes
    minutes)."""
    best = 0.0
    for size, n in zip(sizes, reps):
        a, b = torch.randn(size, size).bfloat16(), torch.randn(size, size).bfloat16()
        a @ b
        for _ in range(n):
            t = time.perf_counter()
            a @ b
            best = max(best, 2 * size**3 / (time.perf_counter() - t))
    return best


def time_modes(width: float, rounds: int, modes: tuple[str, ...],
               steps: int = 1) -> dict[str, list[float]]:
    """Seconds per training step at ``width`` in each precision mode (the mean of ``steps``
    steps: a small model's single step is too short to time alone), alternated round by round
    (forward order, then reversed) so that drifting load hits every mode alike."""
    timers = {m: StepTimer(width, BATCH, precision=m) for m in modes}
    times: dict[str, list[float]] = {m: [] for m in modes}
    for r in range(rounds):
        for m in (modes if r % 2 == 0 else modes[::-1]):
            times[m].append(sum(timers[m].step() for _ in range(steps)) / steps)
            log(f"  width {width:g} round {r + 1}/{rounds} {m:10s} "
                f"{BATCH / times[m][-1]:8.1f} images/s")
    return times


def bench_precision(rounds: int, width: float = 1.0, cpu_width: float = 0.25) -> dict:
    """Training step of VGG16_11 (batch 128, channels_last) in fp32, bf16_mixed and all-bf16,
    alternated round by round, at full width (the keys) and at the CPU profiles' width (what
    decides their precision); bf16_mixed's FLOP/s against this machine's bf16 matmul."""
    modes = ("fp32", REDUCED, "bf16")
    log(f"[4/5] VGG16_11 step at widths {width:g} and {cpu_width:g}: {', '.join(modes)} "
        f"alternated, {rounds} rounds; bf16 matmul peak (bf16 pays only with bf16 instructions: "
        f"{', '.join(cpu_bf16_features()) or 'this CPU has none'})")
    flops, _ = step_flops(width, BATCH)
    # about a second per measurement at either width (a step's cost grows with width squared)
    by_width = {w: {m: BATCH / statistics.median(ts) for m, ts in
                    time_modes(w, rounds, modes, steps=max(1, round((width / w) ** 2))).items()}
                for w in (width, cpu_width)}
    ips = by_width[width]
    peak = bf16_matmul_peak()
    ratio = ips[REDUCED] / ips["fp32"]
    frac = flops * ips[REDUCED] / BATCH / peak
    small = by_width[cpu_width]
    log(f"  -> bf16_vs_fp32_step = {ratio:.2f} ({REDUCED} over fp32; at width {cpu_width:g}: "
        f"{small[REDUCED] / small['fp32']:.2f}); bf16 matmul {peak / 1e9:.1f} GFLOP/s; "
        f"step_fraction_of_bf16_peak = {frac:.3f}; cpu_long trains {CPU_LONG_PRECISION}")
    return {"bf16_vs_fp32_step": round(ratio, 3), "step_fraction_of_bf16_peak": round(frac, 4),
            "bf16_vs_fp32_step_at_cpu_width": round(small[REDUCED] / small["fp32"], 3),
            "precision_images_per_second": {m: round(v, 1) for m, v in ips.items()},
            "precision_images_per_second_at_cpu_width": {m: round(v, 1) for m, v in small.items()},
            "bf16_matmul_peak_gflops": round(peak / 1e9, 2),
            "precision_setup": {"width": width, "cpu_width": cpu_width, "batch": BATCH,
                                "rounds": rounds, "reduced_mode": REDUCED,
                                "cpu_long_precision": CPU_LONG_PRECISION,
                                "cpu_model": cpu_model(), "cpu_flags_bf16": cpu_bf16_features()}}


# ---- 5. GPU -------------------------------------------------------------------------------------


def bench_gpu(data: ImageData, steps: int) -> dict:
    if not torch.cuda.is_available():
        log("[5/5] no CUDA GPU: gpu keys are null")
        return {"gpu": None, "gpu_images_per_second": None, "gpu_seconds_per_cifar100_epoch": None}
    device = torch.device("cuda")
    name = torch.cuda.get_device_name(device)
    log(f"[5/5] GPU {name}: full-width VGG16_11, {REDUCED}, channels_last, {steps} steps")
    model = prepare_model(new_model(1.0, device), REDUCED)
    opt = make_optimizer(model, spec_for(1.0))
    x, y = data.train_x.to(device), data.train_y.to(device)
    norm = Normalizer(data.mean, data.std, device)
    gen = torch.Generator().manual_seed(0)

    def run(n: int) -> None:
        perm = torch.randperm(x.shape[0], generator=gen).to(device)
        for step in range(n):
            idx = perm[(step * BATCH) % (x.shape[0] - BATCH):][:BATCH]
            xb = random_crop_flip(norm(x[idx]), 4, gen)
            train_step(model, opt, xb, y[idx], REDUCED)

    run(20)
    sync(device)
    t = time.perf_counter()
    run(steps)
    sync(device)
    dt = time.perf_counter() - t
    ips = steps * BATCH / dt
    log(f"  -> {ips:.0f} images/s, {50000 / ips:.1f} s per CIFAR-100 epoch (50k training images, "
        f"evaluation not included)")
    return {"gpu": name, "gpu_images_per_second": round(ips, 1),
            "gpu_seconds_per_cifar100_epoch": round(50000 / ips, 2)}


# ---- main ---------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--explore", action="store_true",
                    help="also time the training step under other settings")
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a rough run)")
    ap.add_argument("--workers", type=int, default=2, help="DataLoader num_workers (default 2)")
    ap.add_argument("--threads", default="auto",
                    help="torch threads: a number, or 'auto' (default): all CPUs, fewer when the "
                         "load average says other jobs hold some of them")
    args = ap.parse_args()
    quick = args.quick
    # As bnswap.core.train does on a CPU (both loops of section 1 share this process, so both get
    # it);
    # BNSWAP_MALLOC=default measures without it.
    malloc_kept = keep_freed_memory()

    cpus = os.cpu_count() or 1
    load_before = os.getloadavg()
    if args.threads == "auto":
        # Threads beyond the idle cores make every parallel region wait for descheduled threads:
        # under load that slowed a training step here several-fold.
        threads = max(1, min(torch.get_num_threads(), cpus - math.ceil(load_before[0] - 0.5)))
        reason = f"auto: {cpus} CPUs, 1-minute load average {load_before[0]:.2f} before start"
    else:
        threads, reason = int(args.threads), "--threads"
    torch.set_num_threads(threads)
    facts = {"torch": torch.__version__, "python": platform.python_version(),
             "threads": torch.get_num_threads(), "threads_choice": reason, "cpu_count": cpus,
             "cpu": platform.processor() or platform.machine(), "cpu_model": cpu_model(),
             "mkldnn": torch.backends.mkldnn.is_available(),
             "malloc_keeps_freed_memory": malloc_kept,
             "loadavg_before": [round(v, 2) for v in load_before]}
    log(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {cpus} CPUs, "
        f"load average {load_before[0]:.2f}")
    log("loading CIFAR-100 (its first use builds bnswap's cache, which takes a while)")
    data, data_desc = get_data()
    log(f"data: {data_desc}, {data.train_x.shape[0]} train / {data.test_x.shape[0]} test images")

    result: dict = {}
    r1, model = bench_train_vs_dataloader(data, rounds=2 if quick else 4, steps=4 if quick else 8,
                                          workers=args.workers, width=0.25)
    result.update(r1)
    result.update(bench_metrics(model, data, images=1000 if quick else 2000,
                                rounds=1 if quick else 2))
    result.update(bench_step(steps=2 if quick else 3, explore=args.explore))
    result.update(bench_precision(rounds=2 if quick else 4))
    result.update(bench_gpu(data, steps=50 if quick else 200))

    load_after = os.getloadavg()
    facts["loadavg_after"] = [round(v, 2) for v in load_after]
    # Before we start, our own process is idle: a 1-minute load near the core count means others.
    shared = load_before[0] > 0.5 * cpus or load_after[0] > 1.5 * cpus
    facts["shared_machine"] = shared
    if shared:
        facts["note"] = ("other jobs were running (see loadavg): timings are noisy and ratios are "
                         "medians of alternated repeats")
    facts["seconds_total"] = round(time.perf_counter() - T0, 1)
    out = {"train_vs_dataloader": round(result.pop("train_vs_dataloader"), 3),
           "metrics_one_vs_three_pass": round(result.pop("metrics_one_vs_three_pass"), 3),
           "step_fraction_of_peak": round(result.pop("step_fraction_of_peak"), 3),
           "bf16_vs_fp32_step": result.pop("bf16_vs_fp32_step"),
           "step_fraction_of_bf16_peak": result.pop("step_fraction_of_bf16_peak"),
           "train_vs_official_style": result.pop("train_vs_official_style"),
           "gpu_images_per_second": result.pop("gpu_images_per_second"),
           "gpu_seconds_per_cifar100_epoch": result.pop("gpu_seconds_per_cifar100_epoch"),
           "gpu": result.pop("gpu"), "data": data_desc, "machine": facts, **result}
    log("done")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
