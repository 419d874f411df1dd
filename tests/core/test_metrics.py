"""Metrics: closed forms, scipy agreement, Appendix A.10 properties, one pass vs three passes."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

from bnswap.core.metrics import (Capture, ChannelMoments, channel_skewness, gradient_scales,
                                 layer_skewness, measure, saturation, sparsity)
from bnswap.core.models import blocks, build_model
from bnswap.core.reference import measure_three_pass


def scipy_channel_skew(x: np.ndarray) -> np.ndarray:
    """Eq. 3 per channel, straight from scipy: channels are axis 1."""
    flat = np.moveaxis(x, 1, 0).reshape(x.shape[1], -1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):  # constant channels: nan
        return scipy.stats.skew(flat, axis=1, bias=False)


def numpy_sparsity(x: np.ndarray) -> float:
    """Section 5.2 written directly: 1 - mean over all elements of |g| / max |g| of its channel."""
    a = np.abs(x.astype(np.float64))
    axes = tuple(i for i in range(a.ndim) if i != 1)
    channel_max = a.max(axis=axes, keepdims=True)
    return float(1.0 - (a / channel_max).mean())


def sample(dist: str, shape: tuple[int, ...], seed: int, scale: float, shift: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dist == "normal":
        x = rng.normal(size=shape)
    elif dist == "exponential":
        x = rng.exponential(size=shape)
    elif dist == "lognormal":
        x = rng.lognormal(sigma=0.8, size=shape)
    elif dist == "uniform":
        x = rng.uniform(-1, 1, size=shape)
    elif dist == "saturated_tanh":  # one-sided saturation, as after a shifted Tanh input
        x = np.tanh(rng.normal(loc=rng.normal(size=(1, shape[1]) + (1,) * (len(shape) - 2)) * 3,
                               size=shape))
    else:  # "mixture": two bumps of unequal weight per channel
        x = np.where(rng.uniform(size=shape) < 0.8, rng.normal(-1, 0.3, shape),
                     rng.normal(2, 0.5, shape))
    return (x * scale + shift).astype(np.float32)


DISTS = st.sampled_from(["normal", "exponential", "lognormal", "uniform", "saturated_tanh",
                         "mixture"])
SHAPES = st.one_of(
    st.tuples(st.integers(3, 300), st.integers(1, 8)),
    st.tuples(st.integers(1, 12), st.integers(1, 6), st.integers(1, 7), st.integers(1, 7)),
)


# ---- saturation ---------------------------------------------------------------------------------


def test_saturation_of_uniform_is_one_half() -> None:
    gen = torch.Generator().manual_seed(0)
    n = 1_000_000
    x = torch.rand(n, 4, generator=gen, dtype=torch.float64) * 2 - 1
    # |U(-1, 1)| is U(0, 1): mean 1/2, standard deviation sqrt(1/12); allow 5 standard errors.
    tol = 5 * math.sqrt(1 / 12) / math.sqrt(x.numel())
    assert abs(saturation(x, 1.0) - 0.5) < tol
    assert abs(saturation(1.7159 * x, 1.7159) - 0.5) < tol
    assert abs(saturation(x.view(n // 4, 4, 2, 2), 1.0) - 0.5) < tol


def test_saturation_closed_forms() -> None:
    signs = torch.where(torch.rand(50, 3, 4, 4) < 0.5, -1.0, 1.0)
    assert saturation(signs, 1.0) == pytest.approx(1.0, abs=1e-12)
    assert saturation(torch.ones(10, 2), 1.0) == 1.0
    assert saturation(-1.7159 * torch.ones(10, 2, dtype=torch.float64), 1.7159) == \
        pytest.approx(1.0, abs=1e-12)
    assert saturation(torch.zeros(10, 2, 3, 3), 1.0) == 0.0
    with pytest.raises(ValueError):
        saturation(torch.ones(3, 2), None)


# ---- skewness -----------------------------------------------------------------------------------


@given(dist=DISTS, shape=SHAPES, seed=st.integers(0, 2**31), scale=st.floats(0.01, 100),
       shift=st.floats(-50, 50))
def test_channel_skewness_matches_scipy(dist, shape, seed, scale, shift) -> None:
    x = sample(dist, shape, seed, scale, shift)
    assume(x.shape[0] * int(np.prod(x.shape[2:])) >= 3)
    expected = scipy_channel_skew(x)
    assume(np.all(np.isfinite(expected)))  # scipy gives nan for a constant channel
    got = channel_skewness(torch.from_numpy(x))
    assert got.shape == (x.shape[1],)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-9)
    assert layer_skewness(torch.from_numpy(x)) == pytest.approx(
        float(np.mean(np.abs(expected))), rel=1e-6, abs=1e-9)


@given(dist=DISTS, n=st.integers(3, 400), c=st.integers(1, 5), seed=st.integers(0, 2**31),
       cuts=st.lists(st.integers(1, 399), max_size=12))
def test_merged_moments_over_uneven_batches_match_scipy(dist, n, c, seed, cuts) -> None:
    """Batches of any size (including 1) merge into the whole-set skewness."""
    x = torch.from_numpy(sample(dist, (n, c, 2, 2), seed, 1.0, 0.0))
    bounds = sorted({0, n, *(k for k in cuts if k < n)})
    m = ChannelMoments()
    for a, b in zip(bounds, bounds[1:]):
        m.update(x[a:b])
    expected = scipy_channel_skew(x.numpy())
    assume(np.all(np.isfinite(expected)))
    assert m.n == n * 4
    np.testing.assert_allclose(m.skewness().numpy(), expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(m.mean.numpy(), x.double().mean((0, 2, 3)).numpy(), rtol=1e-9,
                               atol=1e-12)


@given(dist=DISTS, shape=SHAPES, seed=st.integers(0, 2**31))
def test_symmetric_tensor_has_zero_skewness(dist, shape, seed) -> None:
    x = torch.from_numpy(sample(dist, shape, seed, 1.0, 0.0))
    sym = torch.cat([x, -x])
    assume(sym.shape[0] * int(np.prod(sym.shape[2:])) >= 3)
    assert torch.all(channel_skewness(sym).abs() < 1e-9)
    assert layer_skewness(sym) < 1e-9


def test_skewness_sign_and_constant_channels() -> None:
    gen = torch.Generator().manual_seed(1)
    right = torch.empty(20000, 1).exponential_(generator=gen)
    # The exponential distribution's skewness is 2.
    assert float(channel_skewness(right)) == pytest.approx(2.0, abs=0.15)
    assert float(channel_skewness(-right)) == pytest.approx(-2.0, abs=0.15)
    x = torch.cat([right, torch.full_like(right, 3.0)], 1)
    k = channel_skewness(x)
    assert float(k[1]) == 0.0  # a constant channel has no asymmetry (documented: 0, not nan)
    assert layer_skewness(x) == pytest.approx(abs(float(k[0])) / 2)
    with pytest.raises(ValueError):
        channel_skewness(torch.ones(2, 3))  # fewer than 3 values per channel
    with pytest.raises(ValueError):
        channel_skewness(torch.ones(5))  # no channel axis


# ---- sparsity -------------------------------------------------------------------------------------


@given(dist=DISTS, shape=SHAPES, seed=st.integers(0, 2**31), shift=st.floats(-2, 2))
def test_sparsity_matches_direct_formula(dist, shape, seed, shift) -> None:
    x = sample(dist, shape, seed, 1.0, shift)
    assume(np.all(np.abs(x).max(axis=tuple(i for i in range(x.ndim) if i != 1)) > 0))
    assert sparsity(torch.from_numpy(x)) == pytest.approx(numpy_sparsity(x), rel=1e-6, abs=1e-9)


def test_sparsity_closed_forms() -> None:
    assert sparsity(torch.ones(8, 3, 2, 2)) == 0.0  # every value at its channel's max
    one_hot = torch.zeros(10, 2)
    one_hot[3] = 5.0
    assert sparsity(one_hot) == pytest.approx(0.9)  # one nonzero value of ten per channel
    assert sparsity(torch.zeros(4, 2)) == 1.0  # all-zero channels count as fully sparse
    uniform = torch.linspace(0, 1, 100001, dtype=torch.float64)[:, None]
    assert sparsity(uniform) == pytest.approx(0.5, abs=1e-4)


# Appendix A.10 (Hurley & Rickard's criteria). A vector G is one channel: shape [N, 1]. Values are
# magnitudes (the metric only sees |g|), so they are drawn non-negative where the paper assumes so.
MAGNITUDES = arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 4)),
                    elements=st.floats(0, 100, allow_nan=False, allow_infinity=False))
SIGNED = arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 4)),
                elements=st.floats(-100, 100, allow_nan=False, allow_infinity=False))


def nonzero_channels(g: np.ndarray) -> bool:
    return bool(np.all(np.abs(g).max(axis=0) > 1e-3))


@given(g=SIGNED, alpha=st.floats(1e-3, 1e3))
def test_a10_scaling_invariance(g, alpha) -> None:
    """Theorem 1.1: S(alpha G) = S(G) for alpha > 0."""
    assume(nonzero_channels(g))
    t = torch.from_numpy(g)
    assert sparsity(alpha * t) == pytest.approx(sparsity(t), rel=1e-9, abs=1e-12)


@given(g=MAGNITUDES, alpha=st.floats(1e-2, 1e2))
def test_a10_rising_tide_lowers_sparsity(g, alpha) -> None:
    """Theorem 1.2: adding a constant alpha > 0 to every element lowers S (unless all are equal)."""
    assume(np.any(g.max(axis=0) - g.min(axis=0) > 1e-3))
    t = torch.from_numpy(g)
    assert sparsity(t + alpha) < sparsity(t)


@given(g=SIGNED, copies=st.integers(2, 5))
def test_a10_cloning_leaves_sparsity_unchanged(g, copies) -> None:
    """Theorem 1.3: S(G || G || ... || G) = S(G)."""
    assume(nonzero_channels(g))
    t = torch.from_numpy(g)
    assert sparsity(torch.cat([t] * copies)) == pytest.approx(sparsity(t), rel=1e-9, abs=1e-12)


@given(g=arrays(np.float64, st.tuples(st.integers(2, 40), st.just(1)),
                elements=st.floats(0, 100, allow_nan=False, allow_infinity=False)),
       i=st.integers(0, 39), alpha=st.floats(1e-2, 1e3), extra=st.floats(0.01, 10))
def test_a10_raising_the_largest_value_raises_sparsity(g, i, alpha, extra) -> None:
    """Theorem 1.4 as the paper states it: for every i there is a beta > 0 such that, once g_i + beta
    exceeds every other value, raising it further (by any alpha > 0) raises S."""
    i %= g.shape[0]
    others = np.delete(g[:, 0], i)
    assume(others.max() > 1e-3)  # with all others zero S is 1 - 1/N whatever g_i is
    beta = g[:, 0].max() - g[i, 0] + extra  # g_i + beta is now the channel's strict maximum
    base = g.copy()
    base[i, 0] += beta
    raised = base.copy()
    raised[i, 0] += alpha
    assert sparsity(torch.from_numpy(raised)) > sparsity(torch.from_numpy(base))


@given(g=SIGNED, zeros=st.integers(1, 5))
def test_a10_adding_zeros_raises_sparsity(g, zeros) -> None:
    """Theorem 1.5: S(G || 0) > S(G)."""
    assume(nonzero_channels(g))
    t = torch.from_numpy(g)
    padded = torch.cat([t, torch.zeros(zeros, t.shape[1], dtype=t.dtype)])
    assert sparsity(padded) > sparsity(t)


# ---- measure(): one streaming pass over a model ---------------------------------------------------


def tiny_model(order: str, activation: str = "tanh", arch: str = "vgg16_8",
               seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    model = build_model(arch, order, activation, 10, width=0.125)
    # Non-trivial BN running statistics and affine parameters, as after training.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
    return model


BATCH_SIZES = [7, 16, 3, 10, 1, 5]


def batch_list(sizes=BATCH_SIZES, seed: int = 0) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return [2 * torch.randn(n, 3, 32, 32, generator=gen) for n in sizes]


def collect_activations(model: nn.Module, batches: list[torch.Tensor]):
    """Every block's activation and block outputs over all batches, concatenated (eval mode)."""
    acts, outs = {}, {}
    handles = []
    for i, b in enumerate(blocks(model)):
        handles.append(b.act.register_forward_hook(
            lambda _m, _i, o, i=i: acts.setdefault(i, []).append(o.detach().clone())))
        handles.append(b.register_forward_hook(
            lambda _m, _i, o, i=i: outs.setdefault(i, []).append(o.detach().clone())))
    model.eval()
    with torch.no_grad():
        for x in batches:
            model(x)
    for h in handles:
        h.remove()
    return ({i: torch.cat(v) for i, v in acts.items()}, {i: torch.cat(v) for i, v in outs.items()})


@pytest.mark.parametrize("chunk", [None, 37])  # default chunks, and many tiny uneven ones
@pytest.mark.parametrize("order,activation", [("swap", "tanh"), ("convention", "lecun_tanh"),
                                              ("nobn", "softsign"), ("swap", "relu")])
def test_measure_equals_metrics_on_concatenated_activations(order, activation, chunk,
                                                            monkeypatch) -> None:
    import bnswap.core.metrics
    from bnswap.core.registries import activation_info

    if chunk:
        monkeypatch.setattr(bnswap.core.metrics, "CHUNK_ELEMENTS", chunk)
    bound = activation_info(activation).bound
    model = tiny_model(order, activation)
    batches = batch_list()
    layers = measure(model, iter(batches), bound)
    acts, outs = collect_activations(model, batches)
    assert [l["layer"] for l in layers] == list(range(1, len(blocks(model)) + 1))
    for i, row in enumerate(layers):
        a, o = acts[i], outs[i]
        assert a.shape[0] == sum(BATCH_SIZES)
        assert row["kind"] == ("conv" if a.dim() == 4 else "fc")
        assert row["channels"] == a.shape[1]
        if bound is None:
            assert row["saturation"] is None
        else:
            assert row["saturation"] == pytest.approx(saturation(a, bound), rel=1e-6)
            assert row["saturation"] == pytest.approx(
                float(np.abs(a.double().numpy()).mean() / bound), rel=1e-6)
        ref_skew = scipy_channel_skew(a.numpy())
        ref_skew = np.where(np.isfinite(ref_skew), ref_skew, 0.0)
        assert row["skewness"] == pytest.approx(float(np.mean(np.abs(ref_skew))), rel=1e-6,
                                                abs=1e-9)
        np.testing.assert_allclose(row["channel_skewness"], ref_skew, atol=1e-5 + 1e-5 * np.abs(
            ref_skew).max())  # stored rounded to 5 decimals
        np.testing.assert_allclose(row["channel_mean"], a.double().mean(
            [d for d in range(a.dim()) if d != 1]).numpy(), atol=1e-5)
        assert row["sparsity"] == pytest.approx(numpy_sparsity(o.numpy()), rel=1e-6, abs=1e-9)
        assert "samples" not in row


@pytest.mark.parametrize("order,activation,arch", [("swap", "tanh", "vgg16_8"),
                                                   ("convention", "tanh", "mobilenet"),
                                                   ("nobn", "shifted_tanh", "vgg11"),
                                                   ("swap", "relu", "vgg16_8")])
def test_one_pass_equals_three_passes(order, activation, arch) -> None:
    from bnswap.core.registries import activation_info

    bound = activation_info(activation).bound
    model = tiny_model(order, activation, arch)
    batches = batch_list([9, 4, 13, 2])
    one = measure(model, batches, bound)
    three = measure_three_pass(model, lambda: iter(batches), bound)
    assert len(one) == len(three) == len(blocks(model))
    for a, b in zip(one, three):
        for key in ("saturation", "skewness", "sparsity"):
            if b[key] is None:
                assert a[key] is None
            else:
                assert a[key] == pytest.approx(b[key], rel=1e-6, abs=1e-12), (a["layer"], key)


def test_measure_restores_mode() -> None:
    model = tiny_model("swap")
    model.train()
    measure(model, batch_list([4, 4]), 1.0)
    assert model.training and all(m.training for m in model.modules())
    model.eval()
    measure(model, batch_list([4, 4]), 1.0)
    assert not any(m.training for m in model.modules())
    # No hooks are left behind.
    assert all(not b._forward_hooks and not b.act._forward_hooks for b in blocks(model))


def test_measure_uses_running_statistics() -> None:
    """Eval mode: BN uses running statistics, so measuring twice does not change them."""
    model = tiny_model("swap").train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    first = measure(model, batch_list([6, 6]), 1.0)
    second = measure(model, batch_list([6, 6]), 1.0)
    assert first == second
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_capture_samples_have_requested_shape() -> None:
    model = tiny_model("swap")
    batches = batch_list([8, 8])
    cap = Capture(layers=(0, 2, 6), channels=3, samples=50, seed=1)
    layers = measure(model, batches, 1.0, cap)
    acts, outs = collect_activations(model, batches)
    for i, row in enumerate(layers):
        if i not in cap.layers:
            assert "samples" not in row
            continue
        s = row["samples"]
        assert set(s) == {"act", "block", "act_layer"}
        per_channel = acts[i].shape[0] * int(np.prod(acts[i].shape[2:]))
        rows = min(cap.channels, acts[i].shape[1])
        width = min(cap.samples, per_channel)
        assert np.array(s["act"]).shape == (rows, width)
        assert np.array(s["block"]).shape == (rows, width)
        assert np.array(s["act_layer"]).shape == (1, min(cap.samples, acts[i].numel()))
        # Samples are real values of their channel (up to the 4 stored decimals).
        ch0 = acts[i].transpose(0, 1).reshape(acts[i].shape[1], -1)[0].numpy()
        assert all(np.min(np.abs(ch0 - v)) < 1e-4 for v in s["act"][0])
    assert measure(model, batches, 1.0, cap) == layers  # seeded: reproducible
    with pytest.raises(ValueError, match="out of range"):
        measure(model, batches, 1.0, Capture(layers=(99,)))


@pytest.mark.parametrize("order", ["convention", "swap", "nobn"])
def test_gradient_scales_positive_and_finite(order: str) -> None:
    model = tiny_model(order).eval()
    x = batch_list([16])[0]
    y = torch.randint(0, 10, (16,), generator=torch.Generator().manual_seed(0))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    twin = copy.deepcopy(model)  # same weights and BN state, measured independently below
    rows = gradient_scales(model, x, y)
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # BN running stats untouched
    assert len(rows) == len(blocks(model))
    for i, row in enumerate(rows):
        assert row["layer"] == i + 1
        for key in ("weight_input", "weight_grad", "act_input_grad"):
            assert math.isfinite(row[key]) and row[key] > 0, (row, key)
    assert not model.training  # mode restored
    assert all(p.grad is None for p in model.parameters())  # gradients cleared

    # Independently: one train-mode pass of the twin keeping each block's weight-layer input and
    # activation input, then torch.autograd.grad for the weights and the activation inputs.
    twin.train()
    bl = blocks(twin)
    weight_in, act_in = {}, {}
    handles = []
    for i, b in enumerate(bl):
        handles.append(b.weight.register_forward_hook(
            lambda _m, inp, _out, i=i: weight_in.__setitem__(i, inp[0])))
        handles.append(b.act.register_forward_hook(
            lambda _m, inp, _out, i=i: act_in.__setitem__(i, inp[0])))
    loss = nn.functional.cross_entropy(twin(x), y)
    for h in handles:
        h.remove()
    n = len(bl)
    grads = torch.autograd.grad(loss, [b.weight.weight for b in bl] + [act_in[i] for i in range(n)])
    for i, row in enumerate(rows):
        expected = {"weight_input": weight_in[i].detach().double().abs().mean(),
                    "weight_grad": grads[i].double().abs().mean(),
                    "act_input_grad": grads[n + i].double().abs().mean()}
        for key, value in expected.items():
            assert row[key] == pytest.approx(float(value), rel=1e-5), (i, key)


@pytest.mark.parametrize("sample", [
    np.random.default_rng(2).exponential(size=300),          # skewed
    np.random.default_rng(3).normal(size=300),               # about symmetric
    np.full(50, 0.7) + np.r_[np.zeros(49), 1e-14],           # constant but for round-off
    np.full(50, -0.25),                                      # constant
])
def test_numpy_and_torch_skewness_agree(sample):
    """analysis.sample_skewness (numpy, for reading records) and metrics.channel_skewness (torch,
    for training) are the same eq. 3, down to a constant sample's 0."""
    from bnswap.findings.records import sample_skewness

    ours = float(channel_skewness(torch.as_tensor(sample, dtype=torch.float64)[:, None])[0])
    assert sample_skewness(sample) == pytest.approx(ours, abs=1e-9)


def test_reservoir_keeps_a_uniform_sample_of_the_stream():
    """Every position of a stream fed in uneven chunks is kept with probability k / N: over many
    seeded reservoirs, the counts per stream decile pass a chi-square test of uniformity."""
    from scipy import stats

    from bnswap.core.metrics import Reservoir

    n, k, trials = 200, 20, 300
    counts = np.zeros(10)
    for t in range(trials):
        res = Reservoir(k, torch.Generator().manual_seed(t))
        stream = torch.arange(n, dtype=torch.float32)[None, :]
        for a, b in ((0, 7), (7, 90), (90, 91), (91, 200)):
            res.update(stream[:, a:b])
        kept = res.values[0].long().numpy()
        assert len(set(kept.tolist())) == k  # k distinct positions
        counts += np.bincount(kept // (n // 10), minlength=10)
    assert stats.chisquare(counts).pvalue > 0.001
