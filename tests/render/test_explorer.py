"""The explorer's words and pictures (bnswap.render.explorer): the static HTML panel, the
peak and point tables and the stand-alone figures."""

import json
import re

import numpy as np
import pytest

from bnswap.findings import gaussian as G
from bnswap.render import explorer as ex


FIELDS = ("mean", "std", "skewness", "saturation", "bn_sparsity")


def test_static_html_is_self_contained():
    payload = ex.static_payload(*G.default_axes(0.5, 0.5))
    html = ex.static_html(payload)
    for suffix in ("mu", "sigma", "activation", "readout", "plot"):
        assert f'id="bnswap-explorer-{suffix}"' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "external resource"
    data = re.search(r'<script type="application/json" id="bnswap-explorer-data">(.*?)</script>',
                     html, re.S).group(1)
    back = json.loads(data)
    n = len(back["mu"]) * len(back["sigma"])
    assert all(len(back["activations"]["tanh"][f]) == n for f in FIELDS)
    i, j = back["mu"].index(1.0), back["sigma"].index(1.5)
    stored = back["activations"]["tanh"]["skewness"][i * len(back["sigma"]) + j] / back["scale"]
    assert stored == pytest.approx(G.summary("tanh", 1.0, 1.5)["skewness"], abs=1e-3)


def _tanh_abs_skewness(mu, sigmas, n=20001):
    """|skewness| of tanh(X), X ~ N(mu, sigma^2), for each sigma: a plain trapezoid rule in
    z = (x - mu) / sigma on [-10, 10] (no cut points, no Gauss-Legendre panels). The integrand is
    analytic in a strip around the real axis, so the trapezoid rule converges geometrically; at
    this step it is exact to rounding for every sigma <= 4."""
    z = np.linspace(-10.0, 10.0, n)
    w = np.full(n, z[1] - z[0])
    w[[0, -1]] /= 2
    w *= np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    y = np.tanh(mu + np.asarray(sigmas, dtype=float)[:, None] * z)
    mean = y @ w
    d = y - mean[:, None]
    return np.abs((d ** 3 @ w) / (d ** 2 @ w) ** 1.5)


def _peak_row(sigmas, a):
    """(sigma at the peak, peak, half_below, half_above) from |skewness| ``a`` on ``sigmas``;
    each width runs from the peak to the last grid point before |skewness| drops below half the
    peak, ``None`` when it never does on the grid."""
    j = int(np.argmax(a))
    below = np.flatnonzero(a[:j] < a[j] / 2)
    above = j + 1 + np.flatnonzero(a[j + 1:] < a[j] / 2)
    half_below = None if below.size == 0 else sigmas[j] - sigmas[below[-1] + 1]
    half_above = None if above.size == 0 else sigmas[above[0] - 1] - sigmas[j]
    return sigmas[j], a[j], half_below, half_above


def _width_cell(v):
    return "beyond the grid" if v is None else f"{v:.1f}"


def test_skewness_peaks_markdown():
    mus, sigmas = G.default_axes()
    md = ex.skewness_peaks_markdown(G.grid(mus, sigmas, ("tanh",))["tanh"])
    lines = md.splitlines()
    assert lines[:2] == [
        "| input mean μ | σ at the peak | peak abs. skewness | σ can fall by this much before it halves "
        "| σ can rise by this much before it halves |",
        "|---|---|---|---|---|"]
    assert len(lines) == 2 + 3
    for line, mu in zip(lines[2:], (1.0, 2.0, 3.0)):
        cells = [c.strip() for c in line.strip("|").split("|")]
        a = _tanh_abs_skewness(mu, sigmas)
        sigma_peak, peak, half_below, half_above = _peak_row(sigmas, a)
        # the independent scan's peak agrees with the package's adaptive-quadrature reference
        ref = G.output_stats_quad("tanh", mu, float(sigma_peak))
        assert abs(ref["skewness"]) == pytest.approx(peak, abs=1e-8)
        # a peak strictly inside the grid, with room on both sides, so the widths are real
        assert 0 < int(np.argmax(a)) < len(sigmas) - 1
        assert half_below is not None and half_above is not None
        assert cells == [f"{mu:g}", f"{sigma_peak:.1f}", f"{peak:.2f}", _width_cell(half_below),
                         _width_cell(half_above)]
    # On a grid that stops at sigma = 1, |skewness| at mu = 1 never falls to half above its peak.
    cut = sigmas[sigmas <= 1.0]
    assert _peak_row(cut, _tanh_abs_skewness(1.0, cut))[3] is None
    short = G.grid(mus, cut, ("tanh",))["tanh"]
    assert ex.skewness_peaks_markdown(short, mus=(1.0,)).splitlines()[2].endswith(
        "| beyond the grid |")


def test_peaks_by_activation_and_the_lecun_rescaling():
    mus, sigmas = G.default_axes()
    stats = G.grid(mus, sigmas)
    lines = ex.peaks_by_activation_markdown(stats).splitlines()
    assert lines[0].startswith("| activation | input mean μ |") and len(lines) == 2 + 3 * 3
    for act, name in (("tanh", "Tanh"), ("lecun_tanh", "LeCun Tanh"), ("softsign", "Softsign")):
        own = ex.skewness_peaks_markdown(stats[act]).splitlines()[2:]
        assert [ln for ln in lines[2:] if ln.startswith(f"| {name} |")] == [
            f"| {name} " + ln for ln in own]
    # 1.7159 tanh(2X/3) with X ~ N(mu, s^2) has the skewness of tanh(Y), Y ~ N(2mu/3, (2s/3)^2):
    # LeCun Tanh's ridge at mu = 3 is Tanh's at mu = 2, at 3/2 times the sigma (grid step 0.1).
    rows = {(r[0], r[1]): r for r in (
        [c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:])}
    lecun, tanh = rows[("LeCun Tanh", "3")], rows[("Tanh", "2")]
    assert float(lecun[2]) == pytest.approx(1.5 * float(tanh[2]), abs=0.1)
    assert float(lecun[3]) == pytest.approx(float(tanh[3]), rel=0.02)


def test_points_markdown():
    points = [("tanh", 2.0, 1.0), ("tanh", 0.0, 2.5), ("softsign", -1.5, 0.5)]
    lines = ex.points_markdown(points).splitlines()
    assert lines[:2] == [
        "| μ | σ | skewness | saturation | sparsity without BN | sparsity after BN |",
        "|---|---|---|---|---|---|"]
    assert len(lines) == 2 + len(points)
    for line, (act, mu, sigma) in zip(lines[2:], points):
        cells = [c.strip() for c in line.strip("|").split("|")]
        ref = G.output_stats_quad(act, mu, sigma)  # adaptive quadrature, not the grid rule
        assert cells[:2] == [f"{mu:g}", f"{sigma:g}"]
        assert float(cells[2]) == pytest.approx(ref["skewness"], abs=0.006)
        assert float(cells[3]) == pytest.approx(ref["saturation"], abs=0.006)
        assert float(cells[4]) == pytest.approx(1 - ref["saturation"], abs=0.006)
        assert float(cells[5]) == pytest.approx(ref["bn_sparsity"], abs=0.006)
    # A centred input is symmetric: its skewness reads +0.00 (never -0.00); shifted to the right,
    # the output skews left.
    assert lines[3].split("|")[3].strip() == "+0.00"
    assert lines[2].split("|")[3].strip().startswith("-")
    assert lines[4].split("|")[3].strip().startswith("+")


def test_figures_are_stand_alone():
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from bnswap.core.registries import ACTIVATION_NAMES

    before = plt.get_fignums()
    stats = G.grid(*G.default_axes(0.5, 0.5))
    figs = [ex.plot_skewness_heatmaps(stats), ex.plot_skewness_profiles(stats["tanh"]),
            ex.plot_point("softsign", 1.0, 1.5), ex.plot_sparsity_heatmaps(stats["lecun_tanh"])]
    assert all(isinstance(f, Figure) for f in figs)
    assert plt.get_fignums() == before, "the explorer's figures must not go through pyplot"
    assert [ax.get_title() for ax in figs[0].axes[:3]] == [
        ACTIVATION_NAMES[a] for a in G.EXPLORER_ACTIVATIONS]
    assert figs[2].axes[1].get_xlabel() == "y = Softsign(x)"


def test_live_panel_is_skipped_in_batch_runs(monkeypatch, tmp_path):
    """A batch execution (the book runner's kernels, nbval's) draws no live panel: nbclient can
    wait forever on a cell with a live Output widget (jupyter/nbclient#312)."""
    from bnswap import book
    from bnswap.render import explorer as ex

    assert book.kernel_environment(tmp_path, None, None)[ex.BATCH_ENV] == "1"
    monkeypatch.setenv(ex.BATCH_ENV, "1")
    assert ex.widget_panel() is None
    monkeypatch.delenv(ex.BATCH_ENV)
    panel = ex.widget_panel(mu=0.5, sigma=1.0)
    assert [w.description for w in panel.children[0].children] == ["mu", "sigma", "activation"]
