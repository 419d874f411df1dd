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
