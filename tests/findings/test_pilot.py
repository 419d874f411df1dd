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
