"""The Tanh explorer (Appendix A.4, Figure 12): what a bounded activation does to a Gaussian input.

For X ~ N(mu, sigma^2) and a bounded, odd activation ``act`` (tanh, LeCun tanh, softsign), this
module computes, exactly up to quadrature error (no sampling), the mean, standard deviation and
skewness of Y = act(X), its saturation E|Y| / bound (eq. 1-2 in the limit of infinitely many
samples), and what a following batch normalization does to it: Z = (Y - E[Y]) / std(Y) has mean 0
and the block-output sparsity of Section 5.2,

    sparsity(Z) = 1 - E|Z| / sup|Z|,    sup|Z| = max(high - E[Y], E[Y] - low) / std(Y),

where [low, high] is the output range of ``act`` (the channel maximum of the sparsity metric,
taken over infinitely many samples).

Quadrature. With z = (x - mu) / sigma, every quantity is an integral of a function of z against
the standard normal density on [-L, L] (L = 10; the mass outside is below 1e-22). The integrands
have kinks where act(x) changes sign (x = 0: |Y|, and softsign's second derivative) and where
Y crosses its mean (|Y - E[Y]|), so the interval is cut at those points and each piece is
integrated with a composite Gauss-Legendre rule. Every piece is then analytic and the rule
converges geometrically (about 1e-10 absolute at the default sizes; tests compare with
``scipy.integrate.quad``). A grid of a few thousand (mu, sigma) points takes well under a second.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .activations import LECUN_SCALE, activation_info
from .paper import ACTIVATION_NAMES
from .stable import stable_figures

stable_figures()  # the same figure, the same PNG bytes (see bnswap.stable)

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.figure import Figure

EXPLORER_ACTIVATIONS = ("tanh", "lecun_tanh", "softsign")
HALF_WIDTH = 10.0
"""Integration range in standard units: z in [-HALF_WIDTH, HALF_WIDTH]."""


def _check(activation: str) -> None:
    if activation not in EXPLORER_ACTIVATIONS:
        raise ValueError(f"the explorer covers {', '.join(EXPLORER_ACTIVATIONS)}; "
                         f"got {activation!r}")


def inverse(activation: str, y: np.ndarray) -> np.ndarray:
    """act^{-1}(y) for y strictly inside the output range (used for densities and cut points)."""
    _check(activation)
    y = np.asarray(y, dtype=float)
    if activation == "tanh":
        return np.arctanh(y)
    if activation == "lecun_tanh":
        return 1.5 * np.arctanh(y / LECUN_SCALE)
    return y / (1.0 - np.abs(y))


def inverse_derivative(activation: str, y: np.ndarray) -> np.ndarray:
    """d act^{-1}(y) / dy."""
    _check(activation)
    y = np.asarray(y, dtype=float)
    if activation == "tanh":
        return 1.0 / (1.0 - y * y)
    if activation == "lecun_tanh":
        u = y / LECUN_SCALE
        return 1.5 / (LECUN_SCALE * (1.0 - u * u))
    return 1.0 / (1.0 - np.abs(y)) ** 2


# ---- quadrature -----------------------------------------------------------------------------


def _rule(cuts: np.ndarray, panels: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z and weights (standard normal density included) of a composite Gauss-Legendre rule
    on [-L, L] cut at ``cuts`` (shape [..., K]; values outside the range are clipped)."""
    t, w = np.polynomial.legendre.leggauss(order)
    cuts = np.clip(np.sort(cuts, axis=-1), -HALF_WIDTH, HALF_WIDTH)
    shape = cuts.shape[:-1]
    edges = np.concatenate([np.full(shape + (1,), -HALF_WIDTH), cuts,
                            np.full(shape + (1,), HALF_WIDTH)], axis=-1)
    lo, hi = edges[..., :-1], edges[..., 1:]                      # [..., K+1] segments
    frac = np.arange(panels + 1) / panels
    p_edges = lo[..., None] + (hi - lo)[..., None] * frac          # [..., K+1, P+1]
    a, b = p_edges[..., :-1], p_edges[..., 1:]                     # [..., K+1, P]
    half, mid = (b - a) / 2.0, (a + b) / 2.0
    z = mid[..., None] + half[..., None] * t                       # [..., K+1, P, m]
    weights = half[..., None] * w * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return z.reshape(shape + (-1,)), weights.reshape(shape + (-1,))


@dataclass(frozen=True)
class OutputStats:
    """Exact statistics of Y = act(X), X ~ N(mu, sigma^2), broadcast over mu and sigma."""

    activation: str
    mu: np.ndarray
    sigma: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    skewness: np.ndarray
    """Population skewness E[(Y - E Y)^3] / std^3 (eq. 3 for infinitely many samples)."""
    saturation: np.ndarray
    """E|Y| / bound (eq. 1-2): 0 when every output is 0, 1 when all sit on the asymptotes."""
    bn_sparsity: np.ndarray
    """Sparsity (Section 5.2) of the BN output Z = (Y - E Y) / std: 1 - E|Z| / sup|Z|."""
    raw_sparsity: np.ndarray
    """Sparsity of Y itself with the channel maximum at the bound (= 1 - saturation): what a
    Convention block outputs."""
    bn_mean_abs: np.ndarray
    """E|Z|, the mean absolute BN output (BN makes E[Z] = 0 and std(Z) = 1)."""


def output_stats(activation: str, mu: float | np.ndarray, sigma: float | np.ndarray, *,
                 panels: int = 8, order: int = 16) -> OutputStats:
    """Exact (quadrature) statistics of act(X) for X ~ N(mu, sigma^2); ``mu`` and ``sigma``
    broadcast against each other (sigma > 0)."""
    _check(activation)
    info = activation_info(activation)
    fn = info.numpy_fn
    mu, sigma = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float))
    if np.any(sigma <= 0) or not np.all(np.isfinite(sigma)):
        raise ValueError("sigma must be positive and finite")
    m_, s_ = mu[..., None], sigma[..., None]
    # Pass 1: E[Y] and E|Y|; cut where x = 0, i.e. z = -mu / sigma.
    z0 = -mu / sigma
    z, w = _rule(z0[..., None], panels, order)
    y = fn(m_ + s_ * z)
    mean = np.sum(w * y, axis=-1)
    mean_abs = np.sum(w * np.abs(y), axis=-1)
    # Pass 2: central moments and E|Y - E Y|; also cut where Y crosses its mean.
    with np.errstate(divide="ignore", invalid="ignore"):
        z1 = np.nan_to_num((inverse(activation, mean) - mu) / sigma, nan=0.0)  # +-inf: clipped
    z, w = _rule(np.stack([z0, z1], axis=-1), panels, order)
    d = fn(m_ + s_ * z) - mean[..., None]
    var = np.sum(w * d * d, axis=-1)
    third = np.sum(w * d ** 3, axis=-1)
    dev = np.sum(w * np.abs(d), axis=-1)
    std = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(std > 0, third / std ** 3, 0.0)
        span = np.maximum(info.high - mean, mean - info.low)
        bn_sparsity = 1.0 - dev / span
        bn_mean_abs = np.where(std > 0, dev / std, 0.0)
    saturation = mean_abs / info.bound
    return OutputStats(activation, mu, sigma, mean, std, skew, saturation, bn_sparsity,
                       1.0 - saturation, bn_mean_abs)


def output_stats_quad(activation: str, mu: float, sigma: float) -> dict[str, float]:
    """The same statistics for one point with adaptive ``scipy.integrate.quad`` (slow; a check)."""
    from scipy import integrate

    _check(activation)
    info = activation_info(activation)
    fn = info.numpy_fn

    def expect(g, cuts=()):
        pdf = lambda x: math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))  # noqa: E731
        lo, hi = mu - HALF_WIDTH * sigma, mu + HALF_WIDTH * sigma
        pts = sorted(c for c in cuts if lo < c < hi)
        edges = [lo, *pts, hi]
        return sum(integrate.quad(lambda x: g(float(fn(x))) * pdf(x), a, b, epsabs=1e-13,
                                  epsrel=1e-12, limit=400)[0] for a, b in zip(edges, edges[1:]))

    mean = expect(lambda y: y, (0.0,))
    cut = float(inverse(activation, mean))
    var = expect(lambda y: (y - mean) ** 2, (0.0, cut))
    third = expect(lambda y: (y - mean) ** 3, (0.0, cut))
    dev = expect(lambda y: abs(y - mean), (0.0, cut))
    std = math.sqrt(var)
    return {"mean": mean, "std": std, "skewness": third / std ** 3,
            "saturation": expect(abs, (0.0,)) / info.bound,
            "bn_sparsity": 1.0 - dev / max(info.high - mean, mean - info.low)}


# ---- grids, densities and histograms -------------------------------------------------------


def default_axes(mu_step: float = 0.1, sigma_step: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """mu in [-3, 3] and sigma in (0, 4] on regular steps (sigma starts at one step)."""
    n_mu = int(round(3.0 / mu_step))
    mus = np.round(np.arange(-n_mu, n_mu + 1) * mu_step, 10)
    sigmas = np.round(np.arange(1, int(round(4.0 / sigma_step)) + 1) * sigma_step, 10)
    return mus, sigmas


def grid(mus: Sequence[float] | np.ndarray | None = None,
         sigmas: Sequence[float] | np.ndarray | None = None,
         activations: Sequence[str] = EXPLORER_ACTIVATIONS) -> dict[str, OutputStats]:
    """:class:`OutputStats` on the (mu, sigma) grid for each activation: arrays [len(mu),
    len(sigma)]."""
    if mus is None or sigmas is None:
        d_mu, d_sigma = default_axes()
        mus = d_mu if mus is None else mus
        sigmas = d_sigma if sigmas is None else sigmas
    mus, sigmas = np.asarray(mus, dtype=float), np.asarray(sigmas, dtype=float)
    return {a: output_stats(a, mus[:, None], sigmas[None, :]) for a in activations}


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(x)


def input_histogram(mu: float, sigma: float, bins: int = 60,
                    span: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Exact bin probabilities of X ~ N(mu, sigma^2) on [-span, span]: (edges, masses)."""
    edges = np.linspace(-span, span, bins + 1)
    return edges, np.diff(_norm_cdf((edges - mu) / sigma))


def output_histogram(activation: str, mu: float, sigma: float,
                     bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Exact bin probabilities of Y = act(X) on the output range: (edges, masses)."""
    info = activation_info(activation)
    edges = np.linspace(info.low, info.high, bins + 1)
    with np.errstate(divide="ignore"):
        x = inverse(activation, edges)
    return edges, np.diff(_norm_cdf((x - mu) / sigma))


def output_density(activation: str, mu: float, sigma: float, y: np.ndarray) -> np.ndarray:
    """Density of Y = act(X) at ``y`` (inside the output range), by change of variables."""
    x = inverse(activation, y)
    zz = (x - mu) / sigma
    return np.exp(-0.5 * zz * zz) / (sigma * math.sqrt(2 * math.pi)) * inverse_derivative(
        activation, y)


def summary(activation: str, mu: float, sigma: float) -> dict[str, float]:
    """The readouts of one point as plain floats."""
    s = output_stats(activation, mu, sigma)
    return {k: float(getattr(s, k)) for k in ("mean", "std", "skewness", "saturation",
                                               "bn_sparsity", "raw_sparsity", "bn_mean_abs")}


# ---- figures ----------------------------------------------------------------------------------


def plot_skewness_heatmaps(stats: dict[str, OutputStats], absolute: bool = True) -> Figure:
    """One heatmap of (absolute) output skewness over (mu, sigma) per activation (Figure 12)."""
    from .plots import new_figure

    acts = list(stats)
    fig = new_figure(4.2 * len(acts), 3.6)
    axes = fig.subplots(1, len(acts), squeeze=False)
    vmax = max(float(np.nanmax(np.abs(s.skewness))) for s in stats.values())
    for ax, act in zip(axes[0], acts):
        s = stats[act]
        mus, sigmas = s.mu[:, 0], s.sigma[0, :]
        values = np.abs(s.skewness) if absolute else s.skewness
        im = ax.pcolormesh(mus, sigmas, values.T, shading="nearest", cmap="magma" if absolute
                           else "RdBu_r", vmin=0 if absolute else -vmax, vmax=vmax)
        ax.set_title(ACTIVATION_NAMES[act])
        ax.set_xlabel(r"input mean $\mu$")
        ax.set_ylabel(r"input std $\sigma$")
    fig.colorbar(im, ax=axes[0].tolist(), label="|skewness| of act(X)" if absolute
                 else "skewness of act(X)")
    return fig


def plot_skewness_profiles(stats: OutputStats,
                           mus: Sequence[float] = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)) -> Figure:
    """Skewness of act(X) against sigma for a few input means (one line per mu)."""
    from .plots import new_figure

    fig = new_figure(6, 3.6)
    ax = fig.subplots()
    all_mus = stats.mu[:, 0]
    sigmas = stats.sigma[0, :]
    for m in mus:
        i = int(np.argmin(np.abs(all_mus - m)))
        ax.plot(sigmas, np.abs(stats.skewness[i]), label=fr"$\mu$ = {all_mus[i]:g}")
    ax.set_xlabel(r"input std $\sigma$")
    ax.set_ylabel(f"|skewness| of {ACTIVATION_NAMES[stats.activation]} output")
    ax.legend(fontsize=8, ncol=2)
    return fig


def plot_point(activation: str, mu: float, sigma: float, bins: int = 60) -> Figure:
    """Input, activation output and BN output histograms (exact bin masses) for one point."""
    from .plots import new_figure

    s = summary(activation, mu, sigma)
    fig = new_figure(11, 3.0)
    axes = fig.subplots(1, 3)
    e, p = input_histogram(mu, sigma, bins)
    axes[0].bar(e[:-1], p, width=np.diff(e), align="edge", color="tab:gray")
    axes[0].set_xlabel("x (input)")
    axes[0].set_title(fr"X ~ N({mu:.2f}, {sigma:.2f}$^2$)")
    e, p = output_histogram(activation, mu, sigma, bins)
    axes[1].bar(e[:-1], p, width=np.diff(e), align="edge", color="tab:blue")
    axes[1].axvline(s["mean"], color="k", lw=1, ls="--")
    axes[1].set_xlabel(f"y = {ACTIVATION_NAMES[activation]}(x)")
    axes[1].set_title(f"skewness {s['skewness']:+.3f}, saturation {s['saturation']:.3f}")
    z = (e - s["mean"]) / s["std"] if s["std"] > 0 else e * 0
    axes[2].bar(z[:-1], p, width=np.diff(z), align="edge", color="tab:orange")
    axes[2].axvline(0.0, color="k", lw=1, ls="--")
    axes[2].set_xlabel("z = BN(y)")
    axes[2].set_title(f"after BN: mean 0, sparsity {s['bn_sparsity']:.3f}")
    for ax in axes:
        ax.set_ylabel("probability")
    return fig


# ---- live panel (Jupyter / Colab) ---------------------------------------------------------------


def widget_panel(mu: float = 1.0, sigma: float = 1.5,
                 activation: str = "tanh") -> ipywidgets.VBox:
    """An ipywidgets panel: sliders for mu and sigma, a dropdown for the activation; redraws the
    three histograms and the readouts on every change. Needs a live kernel with matplotlib's
    inline backend (``%matplotlib inline``, as every chapter starts), which displays figures."""
    import ipywidgets as widgets
    from IPython.display import display

    mu_w = widgets.FloatSlider(value=mu, min=-3, max=3, step=0.05, description="mu")
    sigma_w = widgets.FloatSlider(value=sigma, min=0.05, max=4, step=0.05, description="sigma")
    act_w = widgets.Dropdown(options=[(ACTIVATION_NAMES[a], a) for a in EXPLORER_ACTIVATIONS],
                             value=activation, description="activation")
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            display(plot_point(act_w.value, mu_w.value, sigma_w.value))
            s = summary(act_w.value, mu_w.value, sigma_w.value)
            print(f"output mean {s['mean']:+.4f}  std {s['std']:.4f}  skewness "
                  f"{s['skewness']:+.4f}  saturation {s['saturation']:.4f}  | after BN: "
                  f"mean 0, E|z| {s['bn_mean_abs']:.4f}, sparsity {s['bn_sparsity']:.4f}")

    for w in (mu_w, sigma_w, act_w):
        w.observe(redraw, names="value")
    redraw()
    panel = widgets.VBox([widgets.HBox([mu_w, sigma_w, act_w]), out])
    display(panel)
    return panel


# ---- static panel (built HTML, no kernel) -------------------------------------------------------

_FIELDS = ("mean", "std", "skewness", "saturation", "bn_sparsity")


def static_payload(mus: Sequence[float] | np.ndarray | None = None,
                   sigmas: Sequence[float] | np.ndarray | None = None,
                   scale: int = 1000) -> dict[str, Any]:
    """The precomputed grid the HTML explorer carries: per activation and field, integers
    round(value * scale) in mu-major order (compact, and exact to 1/scale)."""
    stats = grid(mus, sigmas)
    first = next(iter(stats.values()))
    payload = {"mu": [float(m) for m in first.mu[:, 0]],
               "sigma": [float(s) for s in first.sigma[0, :]], "scale": scale,
               "activations": {}}
    for act, s in stats.items():
        info = activation_info(act)
        fields = {f: [int(v) for v in np.rint(getattr(s, f) * scale).ravel()] for f in _FIELDS}
        payload["activations"][act] = {"label": ACTIVATION_NAMES[act], "low": info.low,
                                       "high": info.high, **fields}
    return payload


def static_html(payload: dict[str, Any] | None = None, element_id: str = "bnswap-explorer",
                mu: float = 1.0, sigma: float = 1.5) -> str:
    """A self-contained HTML+JS explorer (no kernel, no external files): sliders for mu and sigma,
    an activation selector, readouts from the precomputed grid and SVG histograms with exact bin
    masses. Element ids: ``<id>-mu``, ``<id>-sigma``, ``<id>-activation``, ``<id>-readout``,
    ``<id>-plot``."""
    payload = payload or static_payload()
    i_mu = int(np.argmin(np.abs(np.asarray(payload["mu"]) - mu)))
    i_sigma = int(np.argmin(np.abs(np.asarray(payload["sigma"]) - sigma)))
    data = json.dumps(payload, separators=(",", ":"))
    options = "".join(f'<option value="{a}">{v["label"]}</option>'
                      for a, v in payload["activations"].items())
    return (_TEMPLATE.replace("@ID@", element_id).replace("@DATA@", data)
            .replace("@OPTIONS@", options).replace("@NMU@", str(len(payload["mu"]) - 1))
            .replace("@NSIGMA@", str(len(payload["sigma"]) - 1))
            .replace("@IMU@", str(i_mu)).replace("@ISIGMA@", str(i_sigma)))


_TEMPLATE = r"""<div id="@ID@" class="bnswap-explorer" style="font-family:sans-serif;max-width:760px">
<div style="display:flex;flex-wrap:wrap;gap:1em;align-items:center">
<label>&mu; <input type="range" id="@ID@-mu" min="0" max="@NMU@" step="1" value="@IMU@">
<span id="@ID@-mu-value"></span></label>
<label>&sigma; <input type="range" id="@ID@-sigma" min="0" max="@NSIGMA@" step="1" value="@ISIGMA@">
<span id="@ID@-sigma-value"></span></label>
<label>activation <select id="@ID@-activation">@OPTIONS@</select></label>
</div>
<pre id="@ID@-readout" style="margin:0.5em 0;white-space:pre-wrap"></pre>
<svg id="@ID@-plot" viewBox="0 0 750 210" style="width:100%;max-width:750px;height:auto" role="img"
 aria-label="input, activation output and BN output histograms"></svg>
<script type="application/json" id="@ID@-data">@DATA@</script>
<script>
(function () {
  var id = "@ID@";
  var D = JSON.parse(document.getElementById(id + "-data").textContent);
  var muEl = document.getElementById(id + "-mu"), sgEl = document.getElementById(id + "-sigma");
  var actEl = document.getElementById(id + "-activation");
  var out = document.getElementById(id + "-readout"), svg = document.getElementById(id + "-plot");
  var NS = "http://www.w3.org/2000/svg", LECUN = 1.7159;
  function erf(x) {  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough for drawing
    var s = x < 0 ? -1 : 1; x = Math.abs(x);
    var t = 1 / (1 + 0.3275911 * x);
    var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
                 + 0.254829592) * t * Math.exp(-x * x);
    return s * y;
  }
  function cdf(z) { return z === Infinity ? 1 : z === -Infinity ? 0 : 0.5 * (1 + erf(z / Math.SQRT2)); }
  function atanh(y) { return 0.5 * Math.log((1 + y) / (1 - y)); }
  function inv(act, y) {
    if (act === "tanh") return Math.abs(y) >= 1 ? y * Infinity : atanh(y);
    if (act === "lecun_tanh") return Math.abs(y) >= LECUN ? y * Infinity : 1.5 * atanh(y / LECUN);
    return Math.abs(y) >= 1 ? y * Infinity : y / (1 - Math.abs(y));
  }
  function fmt(v, d) { return (v >= 0 ? "+" : "") + v.toFixed(d); }
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e); return e;
  }
  function panel(x0, title, edges, masses, xlabel, mark) {
    var W = 230, H = 150, top = 22, n = masses.length, peak = Math.max.apply(null, masses) || 1;
    var lo = edges[0], hi = edges[n];
    el("text", {x: x0 + W / 2, y: 14, "text-anchor": "middle", "font-size": 12}, title);
    el("line", {x1: x0, y1: top + H, x2: x0 + W, y2: top + H, stroke: "#444"});
    for (var i = 0; i < n; i++) {
      var a = x0 + W * (edges[i] - lo) / (hi - lo), b = x0 + W * (edges[i + 1] - lo) / (hi - lo);
      var h = H * masses[i] / peak;
      el("rect", {x: a, y: top + H - h, width: Math.max(b - a - 0.5, 0.5), height: h,
                  fill: "#4c78a8"});
    }
    if (mark !== undefined && mark >= lo && mark <= hi) {
      var m = x0 + W * (mark - lo) / (hi - lo);
      el("line", {x1: m, y1: top, x2: m, y2: top + H, stroke: "#000", "stroke-dasharray": "4 3"});
    }
    el("text", {x: x0, y: top + H + 14, "font-size": 10}, lo.toFixed(2));
    el("text", {x: x0 + W, y: top + H + 14, "font-size": 10, "text-anchor": "end"}, hi.toFixed(2));
    el("text", {x: x0 + W / 2, y: top + H + 28, "font-size": 11, "text-anchor": "middle"}, xlabel);
  }
  function update() {
    var i = +muEl.value, j = +sgEl.value, act = actEl.value, A = D.activations[act];
    var k = i * D.sigma.length + j, mu = D.mu[i], sigma = D.sigma[j];
    function g(f) { return A[f][k] / D.scale; }
    var mean = g("mean"), std = g("std");
    document.getElementById(id + "-mu-value").textContent = mu.toFixed(2);
    document.getElementById(id + "-sigma-value").textContent = sigma.toFixed(2);
    out.textContent = A.label + "(X), X ~ N(" + mu.toFixed(2) + ", " + sigma.toFixed(2) + "\u00b2)\n" +
      "output:   mean " + fmt(mean, 3) + "   std " + std.toFixed(3) + "   skewness " +
      fmt(g("skewness"), 3) + "   saturation " + g("saturation").toFixed(3) + "\n" +
      "after BN: mean +0.000   std 1.000   sparsity " + g("bn_sparsity").toFixed(3);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var n = 50, xe = [], xm = [], ye = [], ym = [], ze = [];
    for (var b = 0; b <= n; b++) {
      xe.push(-6 + 12 * b / n);
      ye.push(A.low + (A.high - A.low) * b / n);
      ze.push(std > 0 ? (ye[b] - mean) / std : 0);
    }
    for (b = 0; b < n; b++) {
      xm.push(cdf((xe[b + 1] - mu) / sigma) - cdf((xe[b] - mu) / sigma));
      ym.push(cdf((inv(act, ye[b + 1]) - mu) / sigma) - cdf((inv(act, ye[b]) - mu) / sigma));
    }
    panel(10, "input X", xe, xm, "x", mu);
    panel(260, A.label + " output Y", ye, ym, "y", mean);
    panel(510, "BN output Z", ze, ym, "z = (y - mean) / std", 0);
  }
  muEl.addEventListener("input", update);
  sgEl.addEventListener("input", update);
  actEl.addEventListener("change", update);
  update();
})();
</script>
</div>"""


def skewness_peaks(stats: OutputStats) -> list[dict[str, float | None]]:
    """For each input mean on the grid: the input std at which |skewness| peaks, the peak, and
    the distance in sigma from the peak to the last grid sigma where |skewness| is still at least
    half of it, below (``half_below``) and above (``half_above``; ``None`` when it is still above
    half at the grid's largest sigma)."""
    rows = []
    sigmas = stats.sigma[0, :]
    for i, m in enumerate(stats.mu[:, 0]):
        a = np.abs(stats.skewness[i])
        j = int(np.argmax(a))
        half = a >= a[j] / 2
        lo = j
        while lo > 0 and half[lo - 1]:
            lo -= 1
        hi = j
        while hi + 1 < len(a) and half[hi + 1]:
            hi += 1
        rows.append({"mu": float(m), "sigma": float(sigmas[j]), "peak": float(a[j]),
                     "half_below": float(sigmas[j] - sigmas[lo]) if lo > 0 else None,
                     "half_above": float(sigmas[hi] - sigmas[j]) if hi + 1 < len(a) else None})
    return rows


_PEAK_COLUMNS = ["input mean μ", "σ at the peak", "peak abs. skewness",
                 "σ can fall by this much before it halves", "σ can rise by this much before it halves"]


def _peak_cells(stats: OutputStats, mus: Sequence[float]) -> list[list[str]]:
    def width(v: float | None) -> str:
        return "beyond the grid" if v is None else f"{v:.1f}"

    return [[f"{r['mu']:g}", f"{r['sigma']:.1f}", f"{r['peak']:.2f}", width(r["half_below"]),
             width(r["half_above"])] for r in skewness_peaks(stats) if r["mu"] in mus]


def skewness_peaks_markdown(stats: OutputStats, mus: Sequence[float] = (1.0, 2.0, 3.0)) -> str:
    """:func:`skewness_peaks` at the input means ``mus`` as a Markdown table ("beyond the grid"
    where |skewness| is still above half its peak at the grid's edge)."""
    from .report import markdown_table

    return markdown_table(_PEAK_COLUMNS, _peak_cells(stats, mus))


def peaks_by_activation_markdown(stats: dict[str, OutputStats],
                                 mus: Sequence[float] = (1.0, 2.0, 3.0)) -> str:
    """:func:`skewness_peaks_markdown` for several activations (``stats`` as returned by
    :func:`grid`) in one table, an activation per block of rows."""
    from .paper import ACTIVATION_NAMES
    from .report import markdown_table

    rows = [[ACTIVATION_NAMES[act], *cells] for act, st in stats.items()
            for cells in _peak_cells(st, mus)]
    return markdown_table(["activation", *_PEAK_COLUMNS], rows)


def points_markdown(points: Sequence[tuple[str, float, float]]) -> str:
    """The readouts of a few ``(activation, mu, sigma)`` points as a Markdown table: output
    skewness and saturation, and the sparsity of the output without and with a BN after it."""
    from .analysis import signed
    from .report import markdown_table

    rows = []
    for act, mu, sigma in points:
        s = summary(act, mu, sigma)
        rows.append([f"{mu:g}", f"{sigma:g}", signed(s["skewness"]), f"{s['saturation']:.2f}",
                     f"{s['raw_sparsity']:.2f}", f"{s['bn_sparsity']:.2f}"])
    return markdown_table(["μ", "σ", "skewness", "saturation", "sparsity without BN",
                           "sparsity after BN"], rows)


def plot_sparsity_heatmaps(stats: OutputStats) -> Figure:
    """Sparsity of act(X) itself (what a Convention block outputs, 1 - saturation) next to the
    sparsity after a following BN (what a Swap block outputs), over (mu, sigma)."""
    from .plots import new_figure

    fig = new_figure(9.5, 3.6)
    axes = fig.subplots(1, 2)
    mus, sigmas = stats.mu[:, 0], stats.sigma[0, :]
    name = ACTIVATION_NAMES[stats.activation]
    panels = ((stats.raw_sparsity, f"{name} output (no BN after)"),
              (stats.bn_sparsity, f"BN({name} output)"))
    for ax, (values, title) in zip(axes, panels):
        im = ax.pcolormesh(mus, sigmas, values.T, shading="nearest", cmap="viridis", vmin=0,
                           vmax=1)
        ax.set_title(title)
        ax.set_xlabel(r"input mean $\mu$")
        ax.set_ylabel(r"input std $\sigma$")
    fig.colorbar(im, ax=axes.tolist(), label="sparsity (Section 5.2)")
    return fig
