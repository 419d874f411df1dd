"""The fp32 vs bf16_mixed comparison (bnswap.findings.precision, bnswap.render.precision)
on synthetic records."""

from __future__ import annotations

import math

import pytest
from fake_records import fake_runs, make_record

from bnswap import render as R
from bnswap.findings.precision import precision_gaps


def precision_runs(shift: float):
    """Records whose bf16_mixed accuracy is fp32's + ``shift``, with a seed spread of 0.5."""
    def make(run, spec):
        base = 40.0 + 0.5 * (spec.seed - 1) + (shift if spec.precision == "bf16_mixed" else 0)
        return make_record(spec, acc=base, sat=0.5 + 0.01 * spec.seed)
    return fake_runs("precision", make)


def test_equal_runs_are_within_noise_and_a_shift_is_not() -> None:
    gaps = {(g.order, g.quantity): g for g in precision_gaps(precision_runs(0.0))}
    acc = gaps[("swap", "test accuracy (%)")]
    assert acc.fp32.n == acc.reduced.n == 3
    assert acc.difference == pytest.approx(0.0) and acc.within_noise
    # two groups with sd 0.5 and n = 3: 2 * sqrt(0.25/3 + 0.25/3) = 0.816
    assert acc.noise == pytest.approx(2 * math.sqrt(2 * 0.25 / 3))
    shifted = {(g.order, g.quantity): g for g in precision_gaps(precision_runs(2.0))}
    assert shifted[("convention", "test accuracy (%)")].difference == pytest.approx(2.0)
    assert not shifted[("convention", "test accuracy (%)")].within_noise
    assert shifted[("convention", "saturation")].within_noise
    md = R.precision_markdown(precision_runs(2.0))
    assert "Beyond seed noise: Convention test accuracy (%), Swap test accuracy (%)." in md
    assert "Every difference is within its seed noise." in R.precision_markdown(precision_runs(0))


def test_without_reduced_records_it_says_so() -> None:
    runs = [(run, spec, rec if spec.precision == "fp32" else None)
            for run, spec, rec in precision_runs(0.0)]
    assert R.precision_markdown(runs).startswith("No bf16_mixed record yet")


def layered_runs(block_shift: float, block: int = 3):
    """Precision records identical per seed except ``block_shift`` added to bf16_mixed Swap's
    skewness in ``block`` (1-based); the seed spread of every metric is 0.01."""
    def make(run, spec):
        skew = [0.2 + 0.01 * spec.seed] * 10
        if spec.precision == "bf16_mixed" and spec.order == "swap":
            skew[block - 1] += block_shift
        return make_record(spec, acc=40.0 + 0.5 * spec.seed, sat=0.5 + 0.01 * spec.seed,
                           skew=skew, spars=0.6 + 0.01 * spec.seed)
    return fake_runs("precision", make)


def test_layer_gaps_find_the_one_shifted_block() -> None:
    from bnswap.findings.precision import layer_gaps

    gaps = layer_gaps(layered_runs(0.5))
    assert len(gaps) == 2 * 3 * 10  # orders x metrics x blocks
    beyond = [(g.order, g.quantity, g.layer) for g in gaps if not g.within_noise]
    assert beyond == [("swap", "skewness", 3)]
    shifted = next(g for g in gaps if g.layer == 3 and g.quantity == "skewness"
                   and g.order == "swap")
    assert shifted.difference == pytest.approx(0.5)
    # sd 0.01 on both sides, n = 3: 2 * sqrt(2 * 0.0001 / 3)
    assert shifted.noise == pytest.approx(2 * math.sqrt(2e-4 / 3))
    md = R.layer_precision_markdown(layered_runs(0.5))
    assert "59 lie within 2 standard errors" in md
    assert "Beyond it: Swap skewness in block 3 (+0.500" in md
    assert "Beyond it" not in R.layer_precision_markdown(layered_runs(0.0))


def test_chance_rate_is_students_t_tail() -> None:
    from scipy.stats import t

    from bnswap.findings.precision import chance_beyond_noise

    assert chance_beyond_noise(3, 3) == pytest.approx(2 * t.sf(2.0, 4))
    assert 0.11 < chance_beyond_noise(3, 3) < 0.12
    assert chance_beyond_noise(200, 200) == pytest.approx(0.046, abs=0.001)
    assert math.isnan(chance_beyond_noise(1, 1))


def test_layer_comparison_needs_two_seeds_a_side() -> None:
    runs = [(run, spec, rec if spec.precision == "fp32" else None)
            for run, spec, rec in layered_runs(0.0)]
    assert R.layer_precision_markdown(runs).startswith("The per-block comparison needs")


def test_precision_figure_draws_both_precisions_of_both_orders() -> None:
    from bnswap.render import plots as P

    fig = P.precision_layers(layered_runs(0.5))
    assert len(fig.axes) == 3
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Convention fp32 (n=3)", "Convention bf16_mixed (n=3)", "Swap fp32 (n=3)",
                      "Swap bf16_mixed (n=3)"]
    dashed = [line.get_linestyle() for line in fig.axes[1].get_lines()]
    assert dashed.count("--") == 2


def test_cost_compares_precisions_only_on_one_cpu_and_width() -> None:
    from bnswap.findings.precision import cost_by_precision

    def rec(cpu, precision, ips, width=0.25, threads=1):
        spec = {"width": width, **({"precision": precision} if precision != "fp32" else {})}
        return {"status": "complete", "layers": [], "spec": spec, "images_per_second": ips,
                "key": f"{cpu}-{precision}-{ips}-{width}-{threads}",
                "environment": {"cpu_model": cpu, "cpu_bf16": ["avx512_bf16"],
                                "threads": threads}}

    records = [rec("EPYC", "fp32", 1000.0), rec("EPYC", "fp32", 1200.0),
               rec("EPYC", "bf16_mixed", 1650.0),
               rec("Other", "fp32", 500.0),  # one precision only: nothing to compare
               rec("EPYC", "bf16_mixed", 9999.0, width=1.0),  # another width
               rec("EPYC", "bf16_mixed", 9999.0, threads=2)]  # another thread count
    (cost,) = cost_by_precision(records + records[:1])  # a record in two experiments counts once
    assert (cost.cpu_model, cost.width) == ("EPYC", 0.25)
    assert cost.images_per_second["fp32"].mean == 1100.0
    assert cost.images_per_second["bf16_mixed"].n == 1
    md = R.precision_cost_markdown(records)
    assert "- EPYC (avx512_bf16), width 0.25: bf16_mixed 1,650 images/s (1 run), 1.50x fp32; " \
           "fp32 1,100 images/s (2 runs)." in md
    assert R.precision_cost_markdown(records[3:4]).startswith("No CPU")
