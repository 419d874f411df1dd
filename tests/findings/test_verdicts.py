"""The verdict rules (bnswap.findings.verdicts)."""

from __future__ import annotations

import math

from fake_records import LEARNED, PROFILE, make_record

from bnswap.findings import stats as St, verdicts as V
from bnswap.render import scoreboard as S
from bnswap.runs.experiments import get_experiment


def test_verdict_difference_rules():
    assert V.verdict_difference(3.0, 4.61) == V.REPRODUCED          # >= half the paper's effect
    assert V.verdict_difference(1.0, 4.61) == V.DIRECTION           # right sign, too small
    assert V.verdict_difference(-1.0, 4.61) == V.NOT_REPRODUCED     # wrong sign
    assert V.verdict_difference(0.0, 4.61) == V.NOT_REPRODUCED
    assert V.verdict_difference(-0.1, -5.0, sized=False) == V.REPRODUCED
    assert V.verdict_difference(St.Contrast(math.nan, math.nan, 0), 1.0) == V.NOT_RUN
    # Within NOISE_Z standard errors of zero: inconclusive, whatever the size or n.
    noisy = St.Contrast(3.0, 2.0, 3)
    assert V.verdict_difference(noisy, 4.61) == V.INCONCLUSIVE
    assert V.verdict_difference(St.Contrast(0.3, 0.5, 1), 1.0, sized=False) == V.INCONCLUSIVE
    assert V.verdict_difference(St.Contrast(-0.3, 0.5, 1), 1.0) == V.NOT_REPRODUCED
    tight = St.Contrast(3.0, 0.5, 3)
    assert V.verdict_difference(tight, 4.61) == V.REPRODUCED


def test_verdict_correlation_symmetric_best_similar_combine():
    assert V.verdict_correlation(0.8, +1) == V.REPRODUCED
    assert V.verdict_correlation(0.3, +1) == V.DIRECTION
    assert V.verdict_correlation(0.1, +1) == V.NOT_REPRODUCED
    assert V.verdict_correlation(-0.9, +1) == V.NOT_REPRODUCED
    assert V.verdict_correlation(-0.9, -1) == V.REPRODUCED
    assert V.verdict_correlation(St.Correlation(math.nan, math.nan, 0), 1) == V.NOT_RUN
    assert V.verdict_symmetric(0.1, 2.0) == V.REPRODUCED
    assert V.verdict_symmetric(0.9, 2.0) == V.DIRECTION
    assert V.verdict_symmetric(2.5, 2.0) == V.NOT_REPRODUCED
    assert V.verdict_best({11: 5, 12: 4, 10: 3, 9: 1}, 11) == V.REPRODUCED
    assert V.verdict_best({11: 4, 12: 5, 10: 3, 9: 1}, 11) == V.DIRECTION
    assert V.verdict_best({11: 1, 12: 5, 10: 3, 9: 4}, 11) == V.NOT_REPRODUCED
    assert V.verdict_best({12: 5}, 11) == V.NOT_RUN
    assert V.verdict_similar(1.5, 0.1) == V.REPRODUCED
    assert V.verdict_similar(0.2, 0.01) == V.DIRECTION
    assert V.verdict_similar(0.2, 0.5) == V.NOT_REPRODUCED
    # Final training losses: within a factor SAME_LOSS (1.1), else closer than the test losses.
    assert V.verdict_similar(0.95, 0.5, V.SAME_LOSS) == V.REPRODUCED
    assert V.verdict_similar(0.85, 0.5, V.SAME_LOSS) == V.DIRECTION
    assert V.verdict_similar(0.895, 0.902, V.SAME_LOSS) == V.NOT_REPRODUCED
    assert V.combine([V.REPRODUCED, V.DIRECTION]) == V.DIRECTION
    assert V.combine([V.DIRECTION, V.INCONCLUSIVE]) == V.INCONCLUSIVE
    assert V.combine([V.INCONCLUSIVE, V.NOT_REPRODUCED]) == V.NOT_REPRODUCED
    assert V.combine([V.NOT_REPRODUCED, V.NOT_RUN]) == V.NOT_RUN
    assert V.combine([]) == V.NOT_RUN


def test_judge_not_run_not_comparable_incomplete():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    trained = {"spec": spec.to_dict(), **make_record(spec, train_loss=LEARNED)}
    untrained = {"spec": spec.to_dict(), **make_record(spec)}  # train loss 4.0 vs ln 100 = 4.61
    assert V.judge([V.REPRODUCED], {"A": [], "B": []}) == (V.NOT_RUN, [])
    assert V.judge([V.REPRODUCED], {"A": [trained], "B": []}) == (V.INCOMPLETE, [])
    assert V.judge([V.REPRODUCED], {"A": [trained]}, complete=False) == (V.INCOMPLETE, [])
    assert V.judge([V.REPRODUCED, V.DIRECTION], {"A": [trained]}) == (V.DIRECTION, [])
    verdict, notes = V.judge([V.REPRODUCED], {"A": [trained], "B": [untrained]})
    assert verdict == V.NOT_COMPARABLE
    assert [S.unlearned_text(u) for u in notes] == [
        "B did not learn (final train loss 4.00, chance 4.61)"]
    seed1 = {**untrained, "spec": {**untrained["spec"], "seed": 1}}
    assert [S.unlearned_text(u) for u in V.did_not_learn({"A": [trained, seed1]})] == [
        "A seed 1 did not learn (final train loss 4.00, chance 4.61)"]
