"""The paper's three metrics (Sections 3.1, 4.1, 5.2), on tensors and streamed over a model.

* saturation ``t^l`` (eq. 1-2): mean of ``|g| / bound`` over a layer's activation outputs, where
  ``bound`` is the activation's asymptote (1 for Tanh, 1.7159 for LeCun Tanh).
* channel skewness ``k^{l,c}`` (eq. 3): the adjusted Fisher-Pearson sample skewness of one
  channel's activation outputs (``scipy.stats.skew(..., bias=False)``); layer skewness ``k^l``
  (eq. 4) is the mean of its absolute values over channels.
* sparsity ``s^l`` (Section 5.2): ``1 - mean(|g| / max_c |g|)`` over a block's outputs, each value
  divided by the largest absolute value of its own channel.

:func:`measure` computes all three for every block of a model over a whole dataset in ONE
streaming pass. Appendix A.11's Algorithm 1 needs three passes (mean, variance, third moment);
we instead merge central moments of small chunks in float64 (Pebay 2008's update), which is
exact up to rounding, and keep per-channel sums of ``|g|`` and running channel maxima, so nothing
but O(channels) numbers per layer is ever held.

Channels whose values are all equal have no defined skewness; we report 0 for them (a constant
distribution has no asymmetry), where scipy would return nan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

import torch
from torch import nn

from .models import Block, blocks


def _channel_view(x: torch.Tensor) -> torch.Tensor:
    """``[N, C, ...]`` -> ``[C, N * ...]`` (a copy only when needed)."""
    if x.dim() < 2:
        raise ValueError(f"expected a tensor of shape [N, C] or [N, C, H, W], got {tuple(x.shape)}")
    return x.transpose(0, 1).reshape(x.shape[1], -1)


CHUNK_ELEMENTS = 262144
"""Elements per chunk in the streaming statistics on CPU: float64 temporaries of 2 MB. Chunks of
16,384 elements kept the temporaries in cache, but paid torch's per-operation overhead about
15,000 times per pass at width 0.25; with freed memory reused (:mod:`bnswap.allocator`) the
larger chunks measured 1.2-1.7 s against 1.9-2.4 s for a 2,000-image pass (2 threads), and the
reductions are large enough for torch to parallelise."""


def _row_chunks(x: torch.Tensor) -> Iterator[torch.Tensor]:
    """``[N, C, ...]`` -> consecutive ``[rows, C]`` pieces holding every value of ``x`` once.

    Each row holds one value per channel. A view (no copy) for ``[N, C]`` and channels_last
    ``[N, C, H, W]`` tensors, which is what the models produce.
    """
    if x.dim() < 2:
        raise ValueError(f"expected a tensor of shape [N, C] or [N, C, H, W], got {tuple(x.shape)}")
    c = x.shape[1]
    if x.device.type != "cpu":  # accelerators: one chunk per batch (few large kernels)
        yield x.movedim(1, -1).reshape(-1, c)
        return
    per_item = max(1, x[0].numel()) if x.shape[0] else c
    rows = max(1, CHUNK_ELEMENTS // max(c, 1))
    for part in x.split(max(1, CHUNK_ELEMENTS // per_item)):
        view = part.movedim(1, -1).reshape(-1, c)
        yield from (view.split(rows) if view.shape[0] > rows else (view,))


def _abs_max_rows(a: torch.Tensor) -> torch.Tensor:
    """Column maxima of a non-negative ``[rows, C]`` tensor (folding rows into wide rows first:
    torch reduces wide rows much faster than long narrow columns)."""
    rows, c = a.shape
    fold = 16
    while fold > 1 and rows % fold:
        fold //= 2
    if fold > 1 and a.is_contiguous():
        return a.view(rows // fold, fold * c).amax(0).view(fold, c).amax(0)
    return a.amax(0)


@dataclass
class ChannelMoments:
    """Per-channel count, mean and central moment sums M2, M3, merged batch by batch (float64).

    A batch is taken in small chunks whose exact float64 moments are combined with the multi-set
    form of Chan et al.'s / Pebay's (2008) update; the batch's moments are then merged into the
    running ones pairwise. Nothing larger than a chunk is ever held in float64.
    """

    n: int = 0
    mean: torch.Tensor | None = None
    m2: torch.Tensor | None = None
    m3: torch.Tensor | None = None

    def update(self, x: torch.Tensor) -> None:
        self._update(x)

    def _update(self, x: torch.Tensor, abs_stats: "AbsStats | None" = None) -> None:
        """Add every value of ``x`` [N, C, ...]; also add their per-channel |x| sums to
        ``abs_stats`` (without channel maxima), reusing the float64 chunks."""
        ns: list[int] = []
        means: list[torch.Tensor] = []
        m2s: list[torch.Tensor] = []
        m3s: list[torch.Tensor] = []
        abs_sums: list[torch.Tensor] = []
        for rows in _row_chunks(x):
            nb = rows.shape[0]
            if nb == 0:
                continue
            v = rows.double()
            mb = v.mean(0)
            d = v - mb
            if abs_stats is not None:
                abs_sums.append(v.abs().sum(0))
            d2 = d * d
            ns.append(nb)
            means.append(mb)
            m2s.append(d2.sum(0))
            m3s.append(d2.mul_(d).sum(0))
        if abs_stats is not None:
            abs_stats._add_sums(x.shape[1], abs_sums, None, sum(ns) * x.shape[1], x)
        if not ns:
            return
        if len(ns) == 1:
            self._merge(ns[0], means[0], m2s[0], m3s[0])
            return
        # Combine the chunks: with d_k = mean_k - mean,
        # M2 = sum M2_k + sum n_k d_k^2,  M3 = sum M3_k + 3 sum d_k M2_k + sum n_k d_k^3.
        nk = torch.tensor(ns, dtype=torch.float64, device=means[0].device)[:, None]
        mk, m2k = torch.stack(means), torch.stack(m2s)
        nb = sum(ns)
        mb = (nk * mk).sum(0) / nb
        dk = mk - mb
        ndk2 = nk * dk * dk
        m2b = m2k.sum(0) + ndk2.sum(0)
        m3b = torch.stack(m3s).sum(0) + 3.0 * (dk * m2k).sum(0) + (ndk2 * dk).sum(0)
        self._merge(nb, mb, m2b, m3b)

    def _merge(self, nb: int, mb: torch.Tensor, m2b: torch.Tensor, m3b: torch.Tensor) -> None:
        """Pebay's pairwise update: merge a set of ``nb`` values with moments (mb, m2b, m3b)."""
        if self.n == 0:
            self.n, self.mean, self.m2, self.m3 = nb, mb, m2b, m3b
            return
        na, n = self.n, self.n + nb
        delta = mb - self.mean
        self.m3 = (self.m3 + m3b + delta**3 * (na * nb * (na - nb) / n**2)
                   + 3.0 * delta * (na * m2b - nb * self.m2) / n)
        self.m2 = self.m2 + m2b + delta**2 * (na * nb / n)
        self.mean = self.mean + delta * (nb / n)
        self.n = n

    def skewness(self) -> torch.Tensor:
        """Eq. 3 per channel: sqrt(M(M-1))/(M-2) * m3 / m2^1.5 (0 where a channel is constant)."""
        m = self.n
        if m < 3:
            raise ValueError(f"skewness needs at least 3 values per channel, got {m}")
        m2, m3 = self.m2 / m, self.m3 / m
        g1 = torch.where(m2 > 0, m3 / m2.clamp_min(1e-300) ** 1.5, torch.zeros_like(m2))
        # Relative tiny variance is numerical noise around a constant channel.
        g1 = torch.where(m2 > 1e-24 * (self.mean**2 + 1.0), g1, torch.zeros_like(g1))
        return g1 * math.sqrt(m * (m - 1)) / (m - 2)


@dataclass
class AbsStats:
    """Per-channel sum of |g|, channel max |g| and element count: enough for eq. 2 and s^l."""

    n: int = 0
    abs_sum: torch.Tensor | None = None
    abs_max: torch.Tensor | None = None

    def update(self, x: torch.Tensor) -> None:
        sums, maxima = [], []
        for rows in _row_chunks(x):
            if rows.shape[0] == 0:
                continue
            a = rows.abs()
            sums.append(a.sum(0, dtype=torch.float64))
            maxima.append(_abs_max_rows(a))
        self._add_sums(x.shape[1], sums, maxima, x.numel(), x)

    def _add_sums(self, channels: int, sums: list[torch.Tensor],
                  maxima: list[torch.Tensor] | None, count: int, like: torch.Tensor) -> None:
        """Add per-chunk channel sums of |g| (and channel maxima, unless ``maxima`` is None)."""
        if self.abs_sum is None:
            self.abs_sum = like.new_zeros(channels, dtype=torch.float64)
            self.abs_max = like.new_zeros(channels, dtype=torch.float64)
        if sums:
            self.abs_sum = self.abs_sum + torch.stack(sums).sum(0)
        if maxima:
            self.abs_max = torch.maximum(self.abs_max, torch.stack(maxima).amax(0).double())
        self.n += count

    def saturation(self, bound: float) -> float:
        """Eq. 1-2: mean of |g| / bound."""
        return float(self.abs_sum.sum() / (self.n * bound))

    def sparsity(self) -> float:
        """Section 5.2: 1 - mean of |g| / (its channel's max |g|); all-zero channels count as 0."""
        per_channel = torch.where(self.abs_max > 0, self.abs_sum / self.abs_max.clamp_min(1e-300),
                                  torch.zeros_like(self.abs_sum))
        return float(1.0 - per_channel.sum() / self.n)


# ---- single tensors -------------------------------------------------------------------------


def saturation(x: torch.Tensor, bound: float) -> float:
    """Layer saturation t^l (eq. 1-2) of activation outputs ``x`` for an activation with
    asymptote ``bound``. Uniform values on [-1, 1] give 0.5."""
    if bound is None or bound <= 0:
        raise ValueError("saturation needs the activation's positive asymptote (bound)")
    return float(x.abs().sum(dtype=torch.float64) / (x.numel() * bound))


def channel_skewness(x: torch.Tensor) -> torch.Tensor:
    """Channel skewness k^{l,c} (eq. 3) of ``x`` shaped [N, C] or [N, C, H, W]: C values."""
    m = ChannelMoments()
    m.update(x)
    return m.skewness()


def layer_skewness(x: torch.Tensor) -> float:
    """Layer skewness k^l (eq. 4): mean absolute channel skewness."""
    return float(channel_skewness(x).abs().mean())


def sparsity(x: torch.Tensor) -> float:
    """Block-output sparsity s^l (Section 5.2) of ``x`` shaped [N, C] or [N, C, H, W]."""
    s = AbsStats()
    s.update(x)
    return s.sparsity()


# ---- samples for distribution figures -------------------------------------------------------


class Reservoir:
    """A uniform random sample of ``k`` values per row, kept over a stream (smallest random keys)."""

    def __init__(self, k: int, generator: torch.Generator) -> None:
        self.k, self.gen = k, generator
        self.values: torch.Tensor | None = None
        self.keys: torch.Tensor | None = None

    def update(self, rows: torch.Tensor) -> None:
        rows = rows.detach().float().cpu()
        keys = torch.rand(rows.shape, generator=self.gen)
        if self.values is not None:
            rows = torch.cat([self.values, rows], 1)
            keys = torch.cat([self.keys, keys], 1)
        if rows.shape[1] > self.k:
            keys, idx = keys.topk(self.k, dim=1, largest=False)
            rows = rows.gather(1, idx)
        self.values, self.keys = rows, keys

    def tolist(self, digits: int = 4) -> list[list[float]]:
        return [[round(v, digits) for v in row] for row in self.values.tolist()]


@dataclass
class Capture:
    """Which layers (0-based block indices) to sample, and how much."""

    layers: Sequence[int] = ()
    channels: int = 10
    samples: int = 2000
    seed: int = 0


# ---- streaming over a model -----------------------------------------------------------------


@dataclass
class _LayerState:
    block: Block
    kind: str
    act_moments: ChannelMoments = field(default_factory=ChannelMoments)
    act_abs: AbsStats = field(default_factory=AbsStats)
    out_abs: AbsStats = field(default_factory=AbsStats)
    samples: dict[str, Reservoir] = field(default_factory=dict)


@torch.no_grad()
def measure(model: nn.Module, batches: Iterable[torch.Tensor], bound: float | None,
            capture: Capture | None = None) -> list[dict]:
    """Saturation, skewness and sparsity of every block of ``model`` over ``batches`` (one pass).

    ``batches`` yields model inputs (already normalised, on the model's device). The model is put
    in eval mode (BN uses running statistics, as at test time) and restored afterwards. ``bound``
    is the activation's asymptote; ``None`` (ReLU) reports saturation as ``None``.
    Returns one dict per block: saturation, skewness (eq. 4), channel_skewness, channel_mean,
    sparsity, and the captured samples for the layers named in ``capture``.
    """
    was_training = model.training
    model.eval()
    states = [_LayerState(b, "conv" if isinstance(b.weight, nn.Conv2d) else "fc")
              for b in blocks(model)]
    capture = capture or Capture()
    gen = torch.Generator().manual_seed(capture.seed)
    for i in capture.layers:
        if not 0 <= i < len(states):
            raise ValueError(f"capture layer {i} out of range: the model has {len(states)} blocks")
        states[i].samples = {name: Reservoir(capture.samples, gen)
                             for name in ("act", "block", "act_layer")}

    def on_act(state: _LayerState):
        def hook(_module, _inp, out):
            state.act_moments._update(out, abs_stats=state.act_abs)
            if state.samples:
                view = _channel_view(out)
                state.samples["act"].update(view[: capture.channels])
                state.samples["act_layer"].update(view.reshape(1, -1))
        return hook

    def on_block(state: _LayerState):
        def hook(_module, _inp, out):
            state.out_abs.update(out)
            if state.samples:
                state.samples["block"].update(_channel_view(out)[: capture.channels])
        return hook

    handles = []
    for st in states:
        handles.append(st.block.act.register_forward_hook(on_act(st)))
        handles.append(st.block.register_forward_hook(on_block(st)))
    try:
        for x in batches:
            model(x)
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)

    layers = []
    for i, st in enumerate(states):
        skew = st.act_moments.skewness()
        entry = {
            "layer": i + 1,
            "kind": st.kind,
            "channels": int(skew.numel()),
            "saturation": None if bound is None else st.act_abs.saturation(bound),
            "skewness": float(skew.abs().mean()),
            "sparsity": st.out_abs.sparsity(),
            "channel_skewness": [round(float(v), 5) for v in skew],
            "channel_mean": [round(float(v), 5) for v in st.act_moments.mean],
        }
        if st.samples:
            entry["samples"] = {name: r.tolist() for name, r in st.samples.items()}
        layers.append(entry)
    return layers


def gradient_scales(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[dict]:
    """Appendix A.7 / Figure 15 for one batch, per block: mean |input of the weight layer|,
    mean |gradient of the weight|, mean |gradient at the activation's input|.

    Runs one forward/backward pass in train mode (BN in batch mode, as during training); the
    model's gradients are cleared and its buffers (BN's running statistics) restored afterwards,
    so the pass leaves the trained model as it was.
    """
    was_training = model.training
    buffers = {name: b.detach().clone() for name, b in model.named_buffers()}
    model.train()
    model.zero_grad(set_to_none=True)
    bl = blocks(model)
    rows = [{"layer": i + 1} for i in range(len(bl))]
    handles = []
    for row, b in zip(rows, bl):
        def pre_weight(_m, inp, row=row):
            row["weight_input"] = float(inp[0].detach().abs().mean())

        def pre_act(_m, inp, row=row):
            if inp[0].requires_grad:
                inp[0].register_hook(lambda g, row=row: row.__setitem__(
                    "act_input_grad", float(g.abs().mean())))

        handles.append(b.weight.register_forward_pre_hook(pre_weight))
        handles.append(b.act.register_forward_pre_hook(pre_act))
    try:
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    for row, b in zip(rows, bl):
        row["weight_grad"] = float(b.weight.weight.grad.abs().mean())
    model.zero_grad(set_to_none=True)
    with torch.no_grad():
        for name, b in model.named_buffers():
            b.copy_(buffers[name])
    model.train(was_training)
    return rows
