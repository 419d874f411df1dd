"""The static explorer's HTML and JavaScript (Appendix A.4): sliders for mu and sigma, an
activation selector, readouts from a precomputed grid and SVG histograms with exact bin masses.
Placeholders (``@ID@``, ``@DATA@``, ...) are filled by :func:`bnswap.render.explorer.static_html`.
"""

TEMPLATE = r"""<div id="@ID@" class="bnswap-explorer" style="font-family:sans-serif;max-width:760px">
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
