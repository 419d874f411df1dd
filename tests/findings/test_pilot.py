"""The learning-rate pilot read as numbers: the rule's rate, the best rate and how the rule moves
Swap - Convention, in both directions."""

from __future__ import annotations

import pytest
from fake_records import pilot_runs as pilot

from bnswap.findings.pilot import diverged, rate_choices, rule_shift


def test_the_rule_favours_swap_when_convention_pays_for_it():
    choices = rate_choices(pilot({"convention": {0.1: 55.0, 0.01: 50.0},
                                  "swap": {0.1: 54.0, 0.01: 56.0}}))
    assert (choices["convention"].used, choices["convention"].best) == (0.01, 0.1)
    assert choices["convention"].cost == pytest.approx(5.0) and choices["swap"].cost == 0.0
    shift = rule_shift(choices)
    assert (shift.with_rule, shift.at_best) == (pytest.approx(6.0), pytest.approx(1.0))
    assert shift.shift == pytest.approx(5.0) and shift.favoured == "Swap"


def test_the_rule_favours_convention_when_swap_pays_for_it():
    shift = rule_shift(rate_choices(pilot({"convention": {0.1: 50.0, 0.01: 52.0},
                                           "swap": {0.1: 58.0, 0.01: 54.0}})))
    assert (shift.with_rule, shift.at_best) == (pytest.approx(2.0), pytest.approx(6.0))
    assert shift.shift == pytest.approx(-4.0) and shift.favoured == "Convention"


def test_an_order_needs_the_rules_rate_and_another_one():
    # Convention lacks its rule's rate (0.01), Swap has only one rate: no choice, no shift.
    choices = rate_choices(pilot({"convention": {0.1: 55.0}, "swap": {0.01: 56.0}}))
    assert choices == {} and rule_shift(choices) is None
    one = rate_choices(pilot({"convention": {0.1: 55.0, 0.01: 50.0}, "swap": {0.01: 56.0}}))
    assert list(one) == ["convention"] and rule_shift(one) is None


def test_diverged_runs_are_named_and_left_out_of_the_choice():
    runs = pilot({"convention": {0.1: 55.0, 0.01: 50.0}, "swap": {0.1: 54.0, 0.01: 56.0}},
                 status=lambda order, lr: "failed" if lr == 0.1 else "complete")
    assert diverged(runs) == ["Convention at 0.1", "Swap at 0.1"]
    assert rate_choices(runs) == {}


def test_best_rate_gap_pools_every_seed_recorded_at_each_orders_best_rate():
    """Convention is best at 0.1 (the pilot's one seed), Swap at 0.01, where this profile's
    headline also trains it (3 seeds; its seed 0 is the pilot's run, counted once). The noise
    is NOISE_Z standard errors of a 3-seed mean against a single seed lent the headline pair's
    larger spread: 2 * sqrt(0.6² / 3 + 0.6²)."""
    import math

    from fake_records import fake_runs, make_record

    from bnswap.findings.pilot import best_rate_gap

    accs = {"Convention": [30.0, 30.3, 29.7], "Swap": [56.0, 56.6, 55.4]}  # spreads 0.3, 0.6
    headline = fake_runs("headline", lambda run, spec: make_record(
        spec, acc=accs.get(run.label, [20.0] * 3)[spec.seed]))
    runs = pilot({"convention": {0.1: 55.0, 0.01: 30.0}, "swap": {0.1: 54.0, 0.01: 56.0}})
    best = best_rate_gap(runs, headline)
    assert best.rates == {"convention": 0.1, "swap": 0.01}
    assert (best.accuracy["convention"].n, best.accuracy["swap"].n) == (1, 3)
    assert best.accuracy["swap"].mean == pytest.approx(56.0)
    assert best.gap == pytest.approx(1.0)
    assert best.noise == pytest.approx(2 * math.sqrt(0.36 / 3 + 0.36))
    # The rate check's seeds 1 and 2 join Convention's side (its seed 0 is the pilot's run).
    check = fake_runs("rate_check", lambda run, spec: make_record(
        spec, acc=[55.0, 54.4, 55.6][spec.seed]))
    checked = best_rate_gap(runs, headline, extra=[check])
    assert checked.accuracy["convention"].n == 3 and checked.gap == pytest.approx(1.0)
    assert checked.noise == pytest.approx(2 * math.sqrt(0.36 / 3 + 0.36 / 3))
    # Without the headline the pilot's single seeds are all there is; no noise is measured.
    alone = best_rate_gap(runs, [])
    assert alone.accuracy["swap"].n == 1 and math.isnan(alone.noise)
    assert best_rate_gap(pilot({"convention": {0.1: 55.0}}), headline) is None
