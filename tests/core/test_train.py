"""The trainer: it learns, resumes exactly, splits weight decay correctly, fails loudly."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from bnswap.core.augment import Normalizer, eval_batches, random_crop_flip
from bnswap.core.models import blocks, build_model
from bnswap.core.spec import RunSpec
from bnswap.core.train import DivergedError, make_optimizer, train, weight_decay_groups
from bnswap.runs.experiments import paper_spec
from bnswap.runs.results import Store, run_or_load


def tiny_spec(**changes) -> RunSpec:
    base = paper_spec("vgg16_8", "swap", "tanh", "cifar10", width=0.125, epochs=3,
                      milestones=(2,), batch_size=40, lr=0.05, profile="test")
    return base.replace(**changes)


def strip_seconds(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in h.items() if k != "seconds"} for h in history]


# ---- learning ---------------------------------------------------------------------------------------


def test_smoke_run_lowers_training_loss(tiny_data) -> None:
    spec = tiny_spec(epochs=4, milestones=(3,), batch_size=32)
    result = train(spec, tiny_data, progress=False)
    losses = [h["train_loss"] for h in result["history"]]
    assert len(losses) == 4 and result["complete"]
    assert losses[-1] < 0.8 * losses[0], losses
    assert [h["epoch"] for h in result["history"]] == [1, 2, 3, 4]
    assert [h["lr"] for h in result["history"]] == pytest.approx([0.05, 0.05, 0.05, 0.005])
    assert len(result["layers"]) == len(blocks(result["model"]))
    assert result["final"]["train_loss"] == losses[-1]
    assert 0.0 <= result["final"]["test_acc"] <= 100.0
    assert result["environment"]["device"] == "cpu"
    # The reported test accuracy and loss are those of the returned model: recompute them by hand
    # (eval mode, the whole test set in one batch, (x / 255 - mean) / std written out in float64,
    # cross-entropy as logsumexp minus the true logit).
    model = result["model"]
    assert model.training  # returned as it was trained (measure() restores the mode)
    mean = torch.tensor(tiny_data.mean, dtype=torch.float64).view(1, 3, 1, 1)
    std = torch.tensor(tiny_data.std, dtype=torch.float64).view(1, 3, 1, 1)
    x = ((tiny_data.test_x.double() / 255.0 - mean) / std).float()
    y = tiny_data.test_y
    model.eval()
    with torch.no_grad():
        logits = model(x).double()
    model.train()
    loss = float((torch.logsumexp(logits, 1) - logits[torch.arange(y.numel()), y]).mean())
    acc = 100.0 * int((logits.argmax(1) == y).sum()) / y.numel()
    # The history rounds to 3 (accuracy) and 5 (loss) decimals; float32 adds ~1e-6 to the loss.
    assert result["final"]["test_acc"] == pytest.approx(acc, abs=6e-4)
    assert result["final"]["test_loss"] == pytest.approx(loss, abs=1e-5)


def test_train_rejects_data_of_another_dataset(tiny_data) -> None:
    with pytest.raises(ValueError, match="cifar100"):
        train(tiny_spec(dataset="cifar100"), tiny_data, progress=False)


def test_train_per_class_subset_and_gradients(make_data, monkeypatch) -> None:
    import bnswap.core.train as train_module

    picked = []
    real = train_module.stratified_subset

    def spy(y, per_class, seed=0):
        idx = real(y, per_class, seed=seed)
        picked.append((y[idx], per_class, seed))
        return idx

    monkeypatch.setattr(train_module, "stratified_subset", spy)
    data = make_data(train_per_class=20)
    spec = tiny_spec(epochs=1, milestones=(), train_per_class=5, record_gradients=True,
                     capture_layers=(1,), seed=3)
    result = train(spec, data, progress=False)
    assert len(picked) == 1
    labels, per_class, seed = picked[0]
    assert (per_class, seed) == (5, 3)
    assert torch.bincount(labels).tolist() == [5, 5, 5, 5]
    assert result["images_per_second"] > 0
    assert len(result["gradients"]) == len(result["layers"])
    assert "samples" in result["layers"][1] and "samples" not in result["layers"][0]


# ---- resume -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stop,precision", [(1, "fp32"), (2, "fp32"), (1, "bf16_mixed")])
def test_resume_equals_uninterrupted_run(tiny_data, tmp_path, stop: int, precision: str) -> None:
    spec = tiny_spec(precision=precision)  # 96 images in batches of 40: two full batches and one of 16 per epoch
    full = train(spec, tiny_data, progress=False)

    ckpt = tmp_path / "run.pt"
    part = train(spec, tiny_data, checkpoint=ckpt, progress=False, stop_after=stop)
    assert not part["complete"] and len(part["history"]) == stop and ckpt.exists()
    assert "layers" not in part
    resumed = train(spec, tiny_data, checkpoint=ckpt, progress=False)
    assert resumed["complete"]

    a, b = full["model"].state_dict(), resumed["model"].state_dict()
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    assert strip_seconds(resumed["history"]) == strip_seconds(full["history"])
    assert resumed["layers"] == full["layers"]
    assert resumed["final"] == full["final"]


def test_checkpoint_of_another_spec_is_ignored(tiny_data, tmp_path) -> None:
    ckpt = tmp_path / "run.pt"
    train(tiny_spec(lr=0.02), tiny_data, checkpoint=ckpt, progress=False, stop_after=1)
    spec = tiny_spec(epochs=2, milestones=())
    resumed = train(spec, tiny_data, checkpoint=ckpt, progress=False)
    fresh = train(spec, tiny_data, progress=False)
    assert strip_seconds(resumed["history"]) == strip_seconds(fresh["history"])
    assert all(torch.equal(v, fresh["model"].state_dict()[k])
               for k, v in resumed["model"].state_dict().items())


def test_training_is_deterministic(tiny_data) -> None:
    spec = tiny_spec(epochs=1, milestones=())
    a = train(spec, tiny_data, progress=False)
    b = train(spec, tiny_data, progress=False)
    assert strip_seconds(a["history"]) == strip_seconds(b["history"])
    c = train(spec.replace(seed=1), tiny_data, progress=False)
    assert not torch.equal(a["model"].features[0].weight.weight,
                           c["model"].features[0].weight.weight)


# ---- weight decay groups -----------------------------------------------------------------------------


def expected_groups(model: nn.Module) -> tuple[set[int], set[int], set[int]]:
    """Identity sets built by walking the module tree independently of the trainer."""
    weights, gammas, betas = set(), set(), set()
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            gammas.add(id(m.weight))
            betas.add(id(m.bias))
        elif isinstance(m, (nn.Conv2d, nn.Linear)):
            weights.add(id(m.weight))
            if m.bias is not None:
                weights.add(id(m.bias))
    return weights, gammas, betas


@pytest.mark.parametrize("arch,order", list(itertools.product(
    ["vgg16_11", "mobilenet"], ["convention", "swap", "nobn"])))
def test_weight_decay_groups_hold_exactly_the_right_parameters(arch, order) -> None:
    model = build_model(arch, order, "tanh", 10, width=0.125)
    g = weight_decay_groups(model)
    got = [set(map(id, g.weight)), set(map(id, g.bn_gamma)), set(map(id, g.bn_beta))]
    assert got == list(expected_groups(model))
    # Disjoint and covering every parameter, each exactly once.
    listed = [id(p) for p in g.weight + g.bn_gamma + g.bn_beta]
    assert len(listed) == len(set(listed))
    assert set(listed) == {id(p) for p in model.parameters()}
    assert all(p.dim() == 1 for p in g.bn_gamma + g.bn_beta)
    if order == "nobn":
        assert g.bn_gamma == [] and g.bn_beta == []
    else:
        n_bn = len(blocks(model))
        assert len(g.bn_gamma) == len(g.bn_beta) == n_bn
        # Gammas start at 1 and betas at 0 (PyTorch's BN initialisation): the groups are not mixed.
        assert all(torch.all(p == 1) for p in g.bn_gamma)
        assert all(torch.all(p == 0) for p in g.bn_beta)


def test_weight_decay_groups_reject_unknown_parameters() -> None:
    model = build_model("vgg16_8", "swap", "tanh", 10, width=0.125)
    model.extra = nn.Parameter(torch.zeros(3))
    with pytest.raises(ValueError, match="outside"):
        weight_decay_groups(model)


def test_make_optimizer_uses_the_three_coefficients() -> None:
    spec = tiny_spec(wd_weight=1e-3, wd_gamma=2e-4, wd_beta=3e-5, lr=0.07)
    model = build_model(spec.arch, spec.order, spec.activation, 10, width=spec.width)
    opt = make_optimizer(model, spec)
    assert isinstance(opt, torch.optim.SGD)
    expected = expected_groups(model)
    assert [g["weight_decay"] for g in opt.param_groups] == [1e-3, 2e-4, 3e-5]
    assert [set(map(id, g["params"])) for g in opt.param_groups] == list(expected)
    assert all(g["momentum"] == 0.9 and g["lr"] == 0.07 for g in opt.param_groups)
    assert all(not g["nesterov"] for g in opt.param_groups)


def test_nwdbn_spec_has_no_weight_decay_on_bn() -> None:
    conv = paper_spec("vgg16_11", "convention", "tanh", "cifar100")
    nwdbn = paper_spec("vgg16_11", "nwdbn", "tanh", "cifar100")
    assert nwdbn.order == "convention"
    assert nwdbn.wd_gamma == 0.0 and nwdbn.wd_beta == 0.0
    assert nwdbn.wd_weight == conv.wd_weight > 0
    assert conv.wd_gamma == conv.wd_beta == conv.wd_weight
    assert nwdbn.lr == conv.lr and nwdbn.key() != conv.key()


def test_weight_decay_on_beta_only_changes_beta(tiny_data) -> None:
    """One SGD step from the same start: decaying only beta changes only the betas' update."""
    spec = tiny_spec(lr=0.1, wd_weight=0.0, wd_gamma=0.0, wd_beta=0.0)
    models = []
    for wd_beta in (0.0, 0.5):
        torch.manual_seed(0)
        model = build_model(spec.arch, spec.order, spec.activation, 4, width=spec.width)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.bias.fill_(0.3)
        opt = make_optimizer(model, spec.replace(wd_beta=wd_beta))
        norm = Normalizer(tiny_data.mean, tiny_data.std, "cpu")
        loss = nn.functional.cross_entropy(model(norm(tiny_data.train_x[:16])),
                                           tiny_data.train_y[:16])
        loss.backward()
        opt.step()
        models.append(model)
    g0, g1 = weight_decay_groups(models[0]), weight_decay_groups(models[1])
    assert all(torch.equal(a, b) for a, b in zip(g0.weight, g1.weight))
    assert all(torch.equal(a, b) for a, b in zip(g0.bn_gamma, g1.bn_gamma))
    # SGD adds wd * p to the gradient: beta moves by an extra -lr * wd * 0.3 = -0.015.
    for a, b in zip(g0.bn_beta, g1.bn_beta):
        torch.testing.assert_close(b - a, torch.full_like(a, -0.1 * 0.5 * 0.3))


# ---- divergence ---------------------------------------------------------------------------------------


def test_diverged_run_raises(tiny_data) -> None:
    spec = tiny_spec(order="convention", activation="relu", lr=1e6, epochs=2, milestones=())
    with pytest.raises(DivergedError, match="lower learning rate"):
        train(spec, tiny_data, progress=False)


def test_diverged_run_is_stored_as_failed(tiny_data, tmp_path) -> None:
    spec = tiny_spec(order="convention", activation="relu", lr=1e6, epochs=2, milestones=())
    store = Store(tmp_path / "store")
    record = run_or_load(spec, lambda: tiny_data, store=store, progress=False,
                         checkpoint_dir=tmp_path / "ckpt")
    assert record["status"] == "failed"
    assert "nan" in record["error"] or "inf" in record["error"]
    for key in ("final", "layers", "history"):
        assert key not in record
    assert store.load(spec) == record
    # Loading again returns the failure; it never turns into a result.
    again = run_or_load(spec, lambda: pytest.fail("must not reload data"), store=store)
    assert again["status"] == "failed"


# ---- augmentation -----------------------------------------------------------------------------------


def find_crop(out: torch.Tensor, x: torch.Tensor, pad: int) -> list[tuple[int, int, bool]]:
    """Every (row offset, column offset, flipped) whose crop of the zero-padded ``x`` is ``out``."""
    padded = nn.functional.pad(x, (pad,) * 4)
    h, w = x.shape[-2:]
    found = []
    for r in range(2 * pad + 1):
        for c in range(2 * pad + 1):
            crop = padded[:, r:r + h, c:c + w]
            for flipped in (False, True):
                if torch.equal(out, crop.flip(-1) if flipped else crop):
                    found.append((r, c, flipped))
    return found


def test_random_crop_flip_contents() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(300, 3, 8, 8, generator=gen) + 1.0  # no zeros in the images themselves
    out = random_crop_flip(x, 4, torch.Generator().manual_seed(1))
    assert out.shape == x.shape and out.dtype == x.dtype
    assert out.is_contiguous(memory_format=torch.channels_last)
    placements = []
    for i in range(x.shape[0]):
        found = find_crop(out[i], x[i], 4)
        assert len(found) == 1, f"image {i}: output is not a single crop of the padded input"
        placements.append(found[0])
        r, c, _ = found[0]
        # Padding is zero: exactly the pixels outside the image are 0.
        zeros = int((out[i] == 0).sum())
        inside = (8 - abs(r - 4)) * (8 - abs(c - 4))
        assert zeros == 3 * (64 - inside)
    rows, cols, flips = zip(*placements)
    assert set(rows) == set(range(9)) and set(cols) == set(range(9))
    assert 0.35 < sum(flips) / len(flips) < 0.65
    # An un-flipped crop at offset (4, 4) is the image itself; flipped, its mirror image.
    for i, (r, c, f) in enumerate(placements):
        if (r, c) == (4, 4):
            assert torch.equal(out[i], x[i].flip(-1) if f else x[i])


def test_random_crop_flip_is_seeded_and_pad_zero_only_flips() -> None:
    x = torch.rand(64, 3, 6, 6)
    a = random_crop_flip(x, 4, torch.Generator().manual_seed(5))
    b = random_crop_flip(x, 4, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    same = random_crop_flip(x, 0, torch.Generator().manual_seed(5))
    flipped = [torch.equal(same[i], x[i].flip(-1)) for i in range(64)]
    kept = [torch.equal(same[i], x[i]) for i in range(64)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)


def test_normalizer_and_eval_batches() -> None:
    x = torch.randint(0, 256, (10, 3, 4, 4), dtype=torch.uint8)
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.25, 0.3)
    norm = Normalizer(mean, std, "cpu")
    expected = (x.double() / 255 - torch.tensor(mean).view(1, 3, 1, 1).double()) / torch.tensor(
        std).view(1, 3, 1, 1).double()
    torch.testing.assert_close(norm(x).double(), expected, rtol=1e-5, atol=1e-5)
    chunks = list(eval_batches(x, norm, 4))
    assert [c.shape[0] for c in chunks] == [4, 4, 2]
    assert torch.equal(torch.cat(chunks), norm(x))
