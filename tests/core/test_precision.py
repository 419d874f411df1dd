"""Training precision (bnswap.core.precision): what runs in bf16, what stays fp32, and how far a
reduced-precision run may drift from fp32."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from bnswap.core.activations import make_activation
from bnswap.core.models import build_model
from bnswap.core.precision import autocast, prepare_model, reduced
from bnswap.core.train import make_optimizer, train, train_step
from bnswap.runs.experiments import paper_spec


def _dtypes_seen(precision: str) -> dict[str, set[torch.dtype]]:
    """The dtypes that reach each kind of layer's input in one training forward pass."""
    torch.manual_seed(0)
    model = prepare_model(build_model("vgg16_8", "swap", "tanh", 10, 0.125), precision)
    seen: dict[str, set[torch.dtype]] = {}

    def hook(module: nn.Module, inputs: tuple, _out) -> None:
        seen.setdefault(type(module).__name__, set()).add(inputs[0].dtype)

    for m in model.modules():
        if not list(m.children()):
            m.register_forward_hook(hook)
    with autocast(precision, "cpu"):
        model(torch.randn(4, 3, 32, 32))
    return seen


def test_mixed_keeps_activations_and_bn_in_fp32() -> None:
    seen = _dtypes_seen("bf16_mixed")
    assert seen["Tanh"] == {torch.float32}
    assert seen["BatchNorm2d"] == {torch.float32} and seen["BatchNorm1d"] == {torch.float32}
    all_bf16 = _dtypes_seen("bf16")
    assert torch.bfloat16 in all_bf16["Tanh"]  # the trap the mixed mode avoids
    assert _dtypes_seen("fp32")["Tanh"] == {torch.float32}


def test_bf16_tanh_saturates_to_exactly_one() -> None:
    """Why the mixed mode exists: in bf16, tanh(3.5) rounds to 1, so its gradient is 0."""
    x = torch.tensor([3.5, 3.9])
    y16 = make_activation("tanh")(x.bfloat16()).float()
    assert torch.equal(y16, torch.ones(2))
    assert torch.all(1 - torch.tanh(x) ** 2 > 1e-3)


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="bf16_mixed"):
        reduced("fp16")


def test_one_mixed_step_matches_fp32_within_bf16_rounding() -> None:
    """Same weights, same batch: the loss of a bf16_mixed step is within 2 % of fp32's and the
    gradients point the same way (cosine > 0.95; measured 0.988)."""
    torch.manual_seed(0)
    base = build_model("vgg16_8", "swap", "tanh", 10, 0.25).to(memory_format=torch.channels_last)
    spec = paper_spec("vgg16_8", "swap", "tanh", "cifar10")
    x = torch.randn(32, 3, 32, 32).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (32,))
    out = {}
    for precision in ("fp32", "bf16_mixed"):
        model = prepare_model(build_model("vgg16_8", "swap", "tanh", 10, 0.25), precision)
        model.load_state_dict(base.state_dict())
        model = model.to(memory_format=torch.channels_last)
        opt = make_optimizer(model, spec.replace(lr=0.0))
        loss, _ = train_step(model, opt, x, y, precision)
        grads = torch.cat([p.grad.flatten() for p in model.parameters()])
        out[precision] = (float(loss.detach()), grads)
    (l32, g32), (l16, g16) = out["fp32"], out["bf16_mixed"]
    assert abs(l16 - l32) < 0.02 * l32
    assert float(torch.nn.functional.cosine_similarity(g16, g32, dim=0)) > 0.95
    assert not torch.equal(g16, g32)  # the weight layers really ran in bf16


def test_mixed_smoke_run_stays_close_to_fp32(tiny_data) -> None:
    """A short bf16_mixed run against the same run in fp32: per-epoch training loss within 0.1
    nats and every per-layer metric within 0.1 (metrics are measured in fp32 in both)."""
    spec = paper_spec("vgg16_8", "swap", "tanh", "cifar10", width=0.125, epochs=2,
                      milestones=(), batch_size=32, lr=0.02, profile="test")
    a = train(spec, tiny_data, progress=False)
    b = train(spec.replace(precision="bf16_mixed"), tiny_data, progress=False)
    for ha, hb in zip(a["history"], b["history"]):
        assert abs(ha["train_loss"] - hb["train_loss"]) < 0.1
    for la, lb in zip(a["layers"], b["layers"]):
        for metric in ("saturation", "skewness", "sparsity"):
            assert abs(la[metric] - lb[metric]) < 0.1, (la["layer"], metric)
