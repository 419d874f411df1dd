"""Models: block order (by inspection and by behaviour), sizes, parameter counts, activations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from bnswap.core.activations import LeCunTanh, make_activation
from bnswap.core.models import Block, blocks, build_model
from bnswap.core.registries import ACTIVATIONS, ARCHS, ORDERS, activation_info, vgg16_n_cfg

TINY = 0.0625

# The standard layer lists, written out here from the architectures' definitions (VGG: Simonyan &
# Zisserman 2015, configurations D and A; MobileNet v1: Howard et al. 2017, Table 1), so the
# counts below do not reuse the package's own configuration tables.
VGG16_CONVS = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
VGG11_CONVS = [64, 128, 256, 256, 512, 512, 512, 512]
VGG_HIDDEN = 512
MOBILENET_STEM = 32
MOBILENET_PAIRS = [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024]

LAYOUT = {"convention": ["weight", "bn", "act"], "swap": ["weight", "act", "bn"],
          "nobn": ["weight", "act"]}
ACT_TYPES = {"tanh": nn.Tanh, "softsign": nn.Softsign, "relu": nn.ReLU, "lecun_tanh": LeCunTanh}


def conv_count(arch: str) -> int:
    if arch == "vgg16":
        return 13
    if arch == "vgg11":
        return 8
    if arch == "mobilenet":
        return 1 + 2 * len(MOBILENET_PAIRS)
    return int(arch.split("_")[1]) - 3


def image_batch(size: int = 32, n: int = 4, scale: float = 3.0, seed: int = 0) -> torch.Tensor:
    return scale * torch.randn(n, 3, size, size, generator=torch.Generator().manual_seed(seed))


# ---- module inspection -------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("arch", ARCHS)
def test_block_layout_by_inspection(arch: str, order: str) -> None:
    model = build_model(arch, order, "tanh", 10, width=TINY)
    bl = blocks(model)
    hidden_fc = 0 if arch == "mobilenet" else 2
    assert len(bl) == conv_count(arch) + hidden_fc
    n_conv = sum(isinstance(b.weight, nn.Conv2d) for b in bl)
    assert n_conv == conv_count(arch)
    assert all(isinstance(b.weight, nn.Linear) for b in bl[n_conv:])
    for b in bl:
        names = [name for name, _ in b.named_children()]
        assert names == LAYOUT[order], f"{arch}/{order}: block children {names}"
        assert isinstance(b.act, nn.Tanh)
        if order == "nobn":
            assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in b.modules())
        else:
            bn_type = nn.BatchNorm2d if isinstance(b.weight, nn.Conv2d) else nn.BatchNorm1d
            assert type(b.bn) is bn_type
            out = (b.weight.out_channels if isinstance(b.weight, nn.Conv2d)
                   else b.weight.out_features)
            assert b.bn.num_features == out
        # Convention's BN beta makes the weight layer's bias redundant; the others keep it.
        assert (b.weight.bias is None) == (order == "convention")


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("arch", ARCHS)
def test_forward_runs_children_in_layout_order(arch: str, order: str) -> None:
    """Behaviour, not just registration: the modules fire in the documented order."""
    model = build_model(arch, order, "tanh", 10, width=TINY).train()
    calls: list[tuple[int, str]] = []
    for i, b in enumerate(blocks(model)):
        for name, child in b.named_children():
            child.register_forward_hook(lambda _m, _i, _o, key=(i, name): calls.append(key))
    out = model(image_batch())
    assert out.shape == (4, 10)
    expected = [(i, name) for i in range(len(blocks(model))) for name in LAYOUT[order]]
    assert calls == expected


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("arch", ARCHS)
def test_swap_bn_inputs_lie_in_activation_range(arch: str, activation: str) -> None:
    """In Swap every BN normalises the activation's output: its input is that output, in range."""
    info = activation_info(activation)
    model = build_model(arch, "swap", activation, 10, width=TINY).train()
    act_out: dict[int, torch.Tensor] = {}
    seen: list[int] = []
    eps = 1e-6 * (1.0 if info.bound is None else info.bound)

    for i, b in enumerate(blocks(model)):
        b.act.register_forward_hook(lambda _m, _i, out, i=i: act_out.__setitem__(i, out))

        def pre_bn(_m, inp, i=i):
            x = inp[0]
            assert x is act_out[i], f"block {i}: BN input is not the activation output"
            assert float(x.min()) >= info.low - eps
            assert float(x.max()) <= info.high + eps
            seen.append(i)

        b.bn.register_forward_pre_hook(pre_bn)
    with torch.no_grad():
        model(image_batch(scale=10.0))
    assert seen == list(range(len(blocks(model))))


@pytest.mark.parametrize("arch", ["vgg16_11", "mobilenet"])
def test_convention_activation_reads_bn_output(arch: str) -> None:
    model = build_model(arch, "convention", "tanh", 10, width=TINY).train()
    bn_out: dict[int, torch.Tensor] = {}
    checked = []
    for i, b in enumerate(blocks(model)):
        b.bn.register_forward_hook(lambda _m, _i, out, i=i: bn_out.__setitem__(i, out))
        b.act.register_forward_pre_hook(
            lambda _m, inp, i=i: checked.append(inp[0] is bn_out[i]))
    model(image_batch())
    assert checked and all(checked)


@pytest.mark.parametrize("arch", ["vgg16", "vgg11", "vgg16_10"])
def test_fc_bn_false_drops_bn_only_in_fc_blocks(arch: str) -> None:
    for order in ("convention", "swap"):
        model = build_model(arch, order, "tanh", 10, width=TINY, fc_bn=False)
        bl = blocks(model)
        conv = [b for b in bl if isinstance(b.weight, nn.Conv2d)]
        fc = [b for b in bl if isinstance(b.weight, nn.Linear)]
        assert len(fc) == 2
        assert all([n for n, _ in b.named_children()] == LAYOUT[order] for b in conv)
        assert all([n for n, _ in b.named_children()] == ["weight", "act"] for b in fc)
        assert not any(isinstance(m, nn.BatchNorm1d) for m in model.modules())
        assert model(image_batch()).shape == (4, 10)  # still runs: (batch, classes)


@pytest.mark.parametrize("n", range(8, 17))
def test_vgg16_n_keeps_n_minus_3_convs(n: int) -> None:
    model = build_model(f"vgg16_{n}", "swap", "tanh", 10, width=TINY)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == n - 3
    # The kept convs are VGG16's first n - 3, at their VGG16 widths.
    assert [c.out_channels for c in convs] == [max(1, round(c * TINY))
                                               for c in VGG16_CONVS[:n - 3]]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert len(linears) == 3  # n counts the 3 FC layers too
    assert model(image_batch()).shape == (4, 10)


def test_vgg16_16_is_vgg16() -> None:
    assert vgg16_n_cfg(16) == [c for c in build_cfg_with_pools(VGG16_CONVS)]


def build_cfg_with_pools(convs: list[int]) -> list:
    """VGG16's layout: a 2x2 pool after stages of 2, 2, 3, 3, 3 convs."""
    out, i = [], 0
    for stage in (2, 2, 3, 3, 3):
        out += convs[i:i + stage] + ["M"]
        i += stage
    return out


@pytest.mark.parametrize("n", [7, 17, 0])
def test_vgg16_n_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="8 <= n <= 16"):
        vgg16_n_cfg(n)
    with pytest.raises(ValueError, match="unknown arch"):
        build_model(f"vgg16_{n}", "swap", "tanh", 10)


# ---- parameter counts, computed from the layer lists above ---------------------------------------


def per_unit(order: str) -> int:
    """Parameters per output unit besides the weights: bias and/or BN gamma + beta."""
    return {"convention": 2, "swap": 3, "nobn": 1}[order]


def vgg_param_count(convs: list[int], order: str, width: float, classes: int,
                    fc_bn: bool = True) -> int:
    r = lambda c: max(1, round(c * width))  # noqa: E731
    total, cin = 0, 3
    for c in map(r, convs):
        total += 3 * 3 * cin * c + per_unit(order) * c
        cin = c
    fc, fc_order = r(VGG_HIDDEN), order if fc_bn else "nobn"
    total += cin * fc + per_unit(fc_order) * fc
    total += fc * fc + per_unit(fc_order) * fc
    return total + fc * classes + classes


def mobilenet_param_count(order: str, width: float, classes: int) -> int:
    r = lambda c: max(1, round(c * width))  # noqa: E731
    cin = r(MOBILENET_STEM)
    total = 3 * 3 * 3 * cin + per_unit(order) * cin
    for c in map(r, MOBILENET_PAIRS):
        total += 3 * 3 * cin + per_unit(order) * cin  # depthwise 3x3
        total += cin * c + per_unit(order) * c  # pointwise 1x1
        cin = c
    return total + cin * classes + classes


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("arch,order,width,classes,fc_bn", [
    ("vgg16", "convention", 1.0, 100, True),
    ("vgg16_11", "swap", 0.25, 100, True),
    ("vgg11", "nobn", 0.5, 10, True),
    ("vgg16", "swap", 0.5, 200, False),
])
def test_vgg_parameter_counts(arch, order, width, classes, fc_bn) -> None:
    convs = {"vgg16": VGG16_CONVS, "vgg11": VGG11_CONVS}.get(arch)
    if convs is None:
        convs = VGG16_CONVS[:int(arch.split("_")[1]) - 3]
    model = build_model(arch, order, "tanh", classes, width=width, fc_bn=fc_bn)
    assert n_params(model) == vgg_param_count(convs, order, width, classes, fc_bn)


def test_vgg16_full_width_count_is_about_15_million() -> None:
    # The CIFAR VGG16 that bnswap builds (Convention order, Tanh, 100 classes, width 1), counted
    # layer by layer in closed form from the written-out layer list: 13 bias-free 3x3 convs, each
    # followed by a BN (gamma + beta per channel); global pooling to 512 features; two bias-free
    # 512-wide FC layers, each with a BN1d; a plain 512 -> 100 Linear with bias.
    cins = [3] + VGG16_CONVS[:-1]
    conv_weights = sum(3 * 3 * cin * cout for cin, cout in zip(cins, VGG16_CONVS))
    conv_bn = sum(2 * cout for cout in VGG16_CONVS)
    fc_weights = VGG16_CONVS[-1] * VGG_HIDDEN + VGG_HIDDEN * VGG_HIDDEN
    fc_bn = 2 * (2 * VGG_HIDDEN)
    head = VGG_HIDDEN * 100 + 100
    expected = conv_weights + conv_bn + fc_weights + fc_bn + head
    model = build_model("vgg16", "convention", "tanh", 100, width=1.0)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    bns = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert sum(n_params(c) for c in convs) == conv_weights
    assert sum(n_params(b) for b in bns) == conv_bn + fc_bn
    assert sum(n_params(lin) for lin in linears) == fc_weights + head
    assert n_params(model) == expected
    # An order-of-magnitude anchor: ~15.3 M (the ImageNet VGG16's 138 M is mostly its 4096-wide
    # FC layers on 7x7x512 features, which the CIFAR variant replaces).
    assert 15.0e6 < expected < 15.5e6


@pytest.mark.parametrize("order,width", [("swap", 1.0), ("convention", 0.25), ("nobn", 0.5)])
def test_mobilenet_parameter_counts(order: str, width: float) -> None:
    model = build_model("mobilenet", order, "tanh", 10, width=width)
    assert n_params(model) == mobilenet_param_count(order, width, 10)


@pytest.mark.parametrize("size", [32, 64])
def test_mobilenet_downsamples_to_2x2(size: int) -> None:
    model = build_model("mobilenet", "swap", "tanh", 10, width=TINY, image_size=size)
    shapes = []
    model.pool.register_forward_pre_hook(lambda _m, inp: shapes.append(inp[0].shape[-2:]))
    model(image_batch(size))
    assert tuple(shapes[0]) == (2, 2)


# ---- width scaling --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [0.25, 0.125, 0.5])
def test_width_scales_every_channel_count(width: float) -> None:
    model = build_model("vgg16", "swap", "tanh", 10, width=width)
    bl = blocks(model)
    conv_out = [b.weight.out_channels for b in bl if isinstance(b.weight, nn.Conv2d)]
    assert conv_out == [round(c * width) for c in VGG16_CONVS]
    fc_out = [b.weight.out_features for b in bl if isinstance(b.weight, nn.Linear)]
    assert fc_out == [round(VGG_HIDDEN * width)] * 2
    assert all(b.bn.num_features == o for b, o in zip(bl, conv_out + fc_out))

    mob = build_model("mobilenet", "swap", "tanh", 10, width=width)
    pw = [b.weight.out_channels for b in blocks(mob)[2::2]]
    assert pw == [round(c * width) for c in MOBILENET_PAIRS]


def test_tiny_width_keeps_at_least_one_channel() -> None:
    model = build_model("vgg11", "swap", "tanh", 10, width=0.001)
    assert all(b.bn.num_features == 1 for b in blocks(model))
    assert model(image_batch()).shape == (4, 10)


# ---- bad names -------------------------------------------------------------------------------------


def test_unknown_arch_lists_valid_names() -> None:
    with pytest.raises(ValueError) as err:
        build_model("resnet18", "swap", "tanh", 10)
    assert "resnet18" in str(err.value)
    for name in ("vgg16", "vgg11", "mobilenet", "vgg16_8", "vgg16_11", "vgg16_16"):
        assert name in str(err.value)


def test_unknown_order_lists_valid_names() -> None:
    with pytest.raises(ValueError) as err:
        build_model("vgg16", "bn_first", "tanh", 10)
    for name in ("convention", "swap", "nobn"):
        assert name in str(err.value)


def test_unknown_activation_lists_valid_names() -> None:
    for call in (lambda: build_model("vgg11", "swap", "gelu", 10, width=TINY),
                 lambda: make_activation("gelu"), lambda: activation_info("gelu")):
        with pytest.raises(ValueError) as err:
            call()
        for name in ("tanh", "lecun_tanh", "softsign", "relu", "shifted_tanh"):
            assert name in str(err.value)


# ---- activations -----------------------------------------------------------------------------------


def test_bounds_of_bounded_activations() -> None:
    assert activation_info("tanh").bound == 1.0
    assert activation_info("lecun_tanh").bound == 1.7159
    assert activation_info("softsign").bound == 1.0
    assert activation_info("relu").bound is None
    for name in ("tanh", "lecun_tanh", "softsign"):
        info = activation_info(name)
        assert (info.low, info.high) == (-info.bound, info.bound)


@pytest.mark.parametrize("name", ["tanh", "lecun_tanh", "softsign", "shifted_tanh"])
def test_bounded_activations_approach_their_asymptotes(name: str) -> None:
    info = activation_info(name)
    f = make_activation(name)
    x = torch.linspace(-1e4, 1e4, 20001, dtype=torch.float64)
    y = f(x)
    assert float(y.max()) <= info.high and float(y.min()) >= info.low
    assert max(abs(info.low), abs(info.high)) == pytest.approx(info.bound)
    big = torch.tensor([-1e6, 1e6], dtype=torch.float64)
    # Softsign approaches its bound only like 1/x.
    tol = 1e-5 if name == "softsign" else 1e-9
    assert f(big).tolist() == pytest.approx([info.low, info.high], abs=tol)


def test_lecun_tanh_formula() -> None:
    x = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    expected = 1.7159 * np.tanh(2.0 * x.numpy() / 3.0)
    np.testing.assert_allclose(make_activation("lecun_tanh")(x).numpy(), expected, rtol=1e-12)
    assert isinstance(make_activation("lecun_tanh"), LeCunTanh)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_numpy_twin_matches_module(name: str) -> None:
    x = torch.linspace(-8, 8, 401, dtype=torch.float64)
    info = activation_info(name)
    np.testing.assert_allclose(info.numpy_fn(x.numpy()), make_activation(name)(x).numpy(),
                               rtol=1e-12, atol=1e-12)
    if name in ACT_TYPES:
        assert isinstance(make_activation(name), ACT_TYPES[name])


def test_shifted_tanh_is_asymmetric_through_origin() -> None:
    info = activation_info("shifted_tanh")
    f = make_activation("shifted_tanh")
    zero = torch.zeros(1, dtype=torch.float64)
    assert float(f(zero)) == pytest.approx(0.0, abs=1e-12)
    # Documented parametrisation: tanh(x - 1) + tanh(1), asymptotes -1 + tanh(1) and 1 + tanh(1).
    assert info.low == pytest.approx(-1 + math.tanh(1.0))
    assert info.high == pytest.approx(1 + math.tanh(1.0))
    assert info.bound == pytest.approx(info.high)
    x = torch.linspace(-5, 5, 101, dtype=torch.float64)
    np.testing.assert_allclose(f(x).numpy(), np.tanh(x.numpy() - 1) + math.tanh(1), rtol=1e-12)
    assert torch.all(torch.diff(f(x)) > 0)  # increasing
    assert -info.low < 0.5 < info.high  # one side saturates near zero, the other far from it


def test_block_rejects_unknown_order() -> None:
    with pytest.raises(ValueError, match="convention"):
        Block(nn.Linear(2, 2), 2, "sideways", "tanh")


def test_tanh_gain_init_keeps_a_nobn_signal_that_the_default_init_shrinks():
    """The NoBN diagnosis (experiment nobn_init): with PyTorch's initialisation a Tanh network
    without BN shrinks its block outputs by an order of magnitude by block 7; Xavier weights with
    Tanh's gain keep them near their first block's scale."""
    from bnswap.core.models import block_output_stds, build_model, initialise
    torch.manual_seed(0)
    x = torch.randn(32, 3, 32, 32)
    default = block_output_stds(build_model("vgg16_11", "nobn", "tanh", 100, width=0.25), x)
    gain = block_output_stds(initialise(build_model("vgg16_11", "nobn", "tanh", 100,
                                                     width=0.25), "tanh_gain"), x)
    assert default[6] < default[0] / 5
    assert min(gain) > gain[0] / 2
    with pytest.raises(ValueError, match="unknown init"):
        initialise(build_model("vgg16_11", "nobn", "tanh", 100, width=0.25), "he")


def test_init_is_part_of_the_key_only_when_not_the_default():
    from bnswap.core.spec import RunSpec
    base = RunSpec("vgg16_11", "nobn", "tanh", "cifar100", 0.01, 5e-4, 5e-4, 5e-4, 2, (1,))
    assert "init" not in base.to_dict()
    other = base.replace(init="tanh_gain")
    assert other.to_dict()["init"] == "tanh_gain" and other.key() != base.key()
    assert RunSpec.from_dict(other.to_dict()) == other
    with pytest.raises(ValueError, match="unknown init"):
        base.replace(init="he")
