"""The trainer: SGD with momentum, three weight-decay groups, multi-step LR (Appendix A.1).

The dataset lives on the device as one uint8 tensor; batches are gathered, normalised and
augmented (4-pixel-padded random crop, horizontal flip) as tensors. channels_last always; the
precision is the spec's (:mod:`bnswap.precision`: fp32, bf16, or bf16 weight layers with fp32
activations and BN), on any device, and every measurement pass is fp32. Every epoch draws its shuffle and augmentation from a generator
seeded by (seed, epoch), and a checkpoint is written at every epoch end, so a resumed run ends in
exactly the state an uninterrupted one reaches.
"""

from __future__ import annotations

import math
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from . import interrupt
from .allocator import keep_freed_memory
from .cpu import cpu_facts
from .augment import Normalizer, eval_batches, random_crop_flip
from .checkpoint import load_checkpoint
from .data import ImageData, save_atomic, stratified_subset
from .metrics import Capture, gradient_scales, measure
from .models import build_model, initialise
from .precision import autocast as precision_autocast, prepare_model
from .registries import activation_info
from .spec import RunSpec

EVAL_BATCH = 500
GRADIENT_BATCH = 256


class DivergedError(RuntimeError):
    """Training produced a NaN or infinite loss; the run is recorded as failed."""


@dataclass
class WeightDecayGroups:
    """Parameters split the way Sections 4.2 and 5.3 need them."""

    weight: list[nn.Parameter]
    bn_gamma: list[nn.Parameter]
    bn_beta: list[nn.Parameter]


def weight_decay_groups(model: nn.Module) -> WeightDecayGroups:
    """Conv/linear weights and biases; BN scales (gamma); BN shifts (beta)."""
    groups = WeightDecayGroups([], [], [])
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            groups.bn_gamma.append(module.weight)
            groups.bn_beta.append(module.bias)
        elif isinstance(module, (nn.Conv2d, nn.Linear)):
            groups.weight.extend(p for p in (module.weight, module.bias) if p is not None)
    counted = sum(len(g) for g in (groups.weight, groups.bn_gamma, groups.bn_beta))
    if counted != len(list(model.parameters())):
        raise ValueError("model has parameters outside conv, linear and BN layers")
    return groups


def make_optimizer(model: nn.Module, spec: RunSpec) -> torch.optim.SGD:
    g = weight_decay_groups(model)
    return torch.optim.SGD(
        [{"params": g.weight, "weight_decay": spec.wd_weight, "name": "weight"},
         {"params": g.bn_gamma, "weight_decay": spec.wd_gamma, "name": "bn_gamma"},
         {"params": g.bn_beta, "weight_decay": spec.wd_beta, "name": "bn_beta"}],
        lr=spec.lr, momentum=spec.momentum)


def device_info(device: torch.device) -> dict:
    info = {"device": str(device), "torch": torch.__version__, "python": platform.python_version(),
            "threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine(),
            "code": code_version()}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    else:
        info["malloc_keeps_freed_memory"] = keep_freed_memory()
        info["cpu_model"], info["cpu_bf16"] = cpu_facts()
    return info


def code_version() -> str:
    """The git commit of this package's checkout (``+dirty`` with local edits), else its
    installed version: which code produced a record."""
    here = Path(__file__).resolve().parents[1]  # the bnswap package
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=here,
                                capture_output=True, text=True, timeout=10)
        if commit.returncode == 0 and commit.stdout.strip():
            dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=here,
                                   capture_output=True, text=True, timeout=10).stdout.strip()
            return commit.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return f"bnswap {version('bnswap')}"
    except PackageNotFoundError:
        return "unknown"


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed * 1_000_003 + epoch)


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, norm: Normalizer,
             precision: str = "fp32") -> tuple[float, float]:
    """Mean cross-entropy and accuracy (%) of ``model`` in eval mode, forward in ``precision``."""
    was = model.training
    model.eval()
    loss_sum, correct = 0.0, 0
    for start, xb in zip(range(0, x.shape[0], EVAL_BATCH), eval_batches(x, norm, EVAL_BATCH)):
        yb = y[start:start + EVAL_BATCH]
        with precision_autocast(precision, x.device.type):
            logits = model(xb)
        loss_sum += float(F.cross_entropy(logits.float(), yb, reduction="sum"))
        correct += int((logits.argmax(1) == yb).sum())
    model.train(was)
    return loss_sum / x.shape[0], 100.0 * correct / x.shape[0]


def train_step(model: nn.Module, opt: torch.optim.Optimizer, xb: torch.Tensor, yb: torch.Tensor,
               precision: str = "fp32") -> tuple[torch.Tensor, torch.Tensor]:
    """One SGD step on a batch: forward in ``precision`` (the model prepared for it by
    :func:`bnswap.precision.prepare_model`), fp32 cross-entropy, backward, optimizer step.
    Returns the (undetached) loss and the logits."""
    with precision_autocast(precision, xb.device.type):
        logits = model(xb)
        loss = F.cross_entropy(logits.float(), yb)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss, logits


def train(spec: RunSpec, data: ImageData, device: str | torch.device = "cpu",
          checkpoint: str | os.PathLike | None = None, progress: bool = True,
          stop_after: int | None = None) -> dict:
    """Train ``spec`` on ``data`` and measure the result; returns the record's result fields.

    ``checkpoint``: a file written atomically at every epoch end and resumed from if present.
    ``stop_after``: stop (as if interrupted) after this many epochs in total; for tests.
    Raises :class:`DivergedError` on a NaN/inf loss.
    """
    device = torch.device(device)
    if data.name != spec.dataset:
        raise ValueError(f"spec is for {spec.dataset!r} but data is {data.name!r}")
    cuda = device.type == "cuda"
    if not cuda:
        keep_freed_memory()
    torch.manual_seed(spec.seed)
    model = build_model(spec.arch, spec.order, spec.activation, data.num_classes, spec.width,
                        spec.fc_bn, image_size=data.train_x.shape[-1])
    model = initialise(model, spec.init)
    model = prepare_model(model.to(device, memory_format=torch.channels_last), spec.precision)
    opt = make_optimizer(model, spec)

    train_x, train_y = data.train_x, data.train_y
    if spec.train_per_class is not None:
        idx = stratified_subset(train_y, spec.train_per_class, seed=spec.seed)
        train_x, train_y = train_x[idx], train_y[idx]
    train_x, train_y = train_x.to(device), train_y.to(device)
    test_x, test_y = data.test_x.to(device), data.test_y.to(device)
    norm = Normalizer(data.mean, data.std, device)
    n = train_x.shape[0]
    steps = spec.steps_per_epoch(n)

    history: list[dict] = []
    start_epoch, elapsed = 0, 0.0
    ckpt = Path(checkpoint) if checkpoint else None
    state = load_checkpoint(ckpt, spec.key(), device)
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        history, start_epoch, elapsed = state["history"], state["epoch"], state["elapsed"]

    last = spec.epochs if stop_after is None else min(spec.epochs, stop_after)
    bar = tqdm(range(start_epoch, last), desc=spec.short(), disable=not progress,
               initial=start_epoch, total=spec.epochs, leave=True)
    for epoch in bar:
        interrupt.note(spec.short(), epoch)
        t0 = time.perf_counter()
        lr = spec.lr_at(epoch)
        for group in opt.param_groups:
            group["lr"] = lr
        gen = epoch_generator(spec.seed, epoch)
        perm = torch.randperm(n, generator=gen).to(device)
        model.train()
        loss_sum = torch.zeros((), device=device, dtype=torch.float64)
        correct = torch.zeros((), device=device, dtype=torch.int64)
        for step in range(steps):
            idx = perm[step * spec.batch_size:(step + 1) * spec.batch_size]
            xb = random_crop_flip(norm(train_x[idx]), 4, gen)
            yb = train_y[idx]
            loss, logits = train_step(model, opt, xb, yb, spec.precision)
            loss_sum += loss.detach() * idx.numel()
            correct += (logits.detach().argmax(1) == yb).sum()
        seen = min(n, steps * spec.batch_size)
        train_loss = float(loss_sum) / seen
        if not math.isfinite(train_loss):
            raise DivergedError(f"{spec.short()}: loss became {train_loss} in epoch {epoch + 1}; "
                                f"try a lower learning rate (now {lr:g})")
        test_loss, test_acc = evaluate(model, test_x, test_y, norm, spec.precision)
        seconds = time.perf_counter() - t0
        elapsed += seconds
        history.append({"epoch": epoch + 1, "lr": lr, "train_loss": round(train_loss, 5),
                        "train_acc": round(100.0 * float(correct) / seen, 3),
                        "test_loss": round(test_loss, 5), "test_acc": round(test_acc, 3),
                        "seconds": round(seconds, 2)})
        bar.set_postfix(loss=f"{train_loss:.3f}", test_acc=f"{test_acc:.2f}")
        if ckpt:
            save_atomic({"key": spec.key(), "model": model.state_dict(),
                          "optimizer": opt.state_dict(), "history": history,
                          "epoch": epoch + 1, "elapsed": elapsed}, ckpt)
    bar.close()
    result = {"history": history, "model": model, "complete": len(history) == spec.epochs,
              "train_seconds": round(elapsed, 2),
              "images_per_second": round(n * len(history) / max(elapsed, 1e-9), 1)}
    if not result["complete"]:
        return result

    bound = activation_info(spec.activation).bound
    t0 = time.perf_counter()
    result["layers"] = measure(model, eval_batches(test_x, norm, EVAL_BATCH), bound,
                               Capture(layers=spec.capture_layers, seed=spec.seed))
    if spec.record_gradients:
        gen = torch.Generator().manual_seed(spec.seed)
        idx = torch.randperm(n, generator=gen)[:GRADIENT_BATCH].to(device)
        result["gradients"] = gradient_scales(model, norm(train_x[idx]), train_y[idx])
    result["measure_seconds"] = round(time.perf_counter() - t0, 2)
    result["final"] = {"test_acc": history[-1]["test_acc"], "test_loss": history[-1]["test_loss"],
                       "train_loss": history[-1]["train_loss"],
                       "train_acc": history[-1]["train_acc"]}
    result["environment"] = device_info(device)
    return result
