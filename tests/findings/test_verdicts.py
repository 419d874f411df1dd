"""The verdict rules (bnswap.findings.verdicts)."""

from __future__ import annotations

import math

from fake_records import LEARNED, PROFILE, make_record

from bnswap.findings import stats as St, verdicts as V
from bnswap.render import scoreboard as S
from bnswap.runs.experiments import get_experiment


def test_verdict_difference_rules():
    assert V.verdict_difference(3.0, 4.61) == V.REPRODUCED          # >= half the paper's effect
    assert V.verdict_difference(9.0, 4.61) == V.REPRODUCED          # <= twice the paper's
    assert V.verdict_difference(9.3, 4.61) == V.DIRECTION           # right sign, too large
    assert V.verdict_difference(1.0, 4.61) == V.DIRECTION           # right sign, too small
    assert V.verdict_difference(-1.0, 4.61) == V.NOT_REPRODUCED     # wrong sign
    assert V.verdict_difference(0.0, 4.61) == V.NOT_REPRODUCED
    assert V.verdict_difference(-0.1, -5.0, sized=False) == V.REPRODUCED
    assert V.verdict_difference(50.0, 1.0, sized=False) == V.REPRODUCED  # no size to exceed
    assert V.verdict_difference(St.Contrast(math.nan, math.nan, 0), 1.0) == V.NOT_RUN
    # Within NOISE_Z standard errors of zero and also of the paper's size: our noise cannot tell
    # the two apart, so inconclusive (right sign or wrong).
    noisy = St.Contrast(3.0, 2.0, 3)
    assert V.verdict_difference(noisy, 4.61) == V.INCONCLUSIVE
    assert V.verdict_difference(St.Contrast(-0.3, 0.7, 1), 1.0) == V.INCONCLUSIVE
    assert V.verdict_difference(St.Contrast(-0.3, 0.5, 1), 1.0) == V.NOT_REPRODUCED  # 1.3 > 2 SE
    assert V.verdict_difference(St.Contrast(0.3, 0.5, 1), 1.0, sized=False) == V.INCONCLUSIVE
    # Within noise of zero but more than 2 SE from the paper's size: the paper's effect would
    # have shown, so the null result is a failure to reproduce (either sign).
    assert V.verdict_difference(St.Contrast(0.28, 0.515, 1), 2.77) == V.NOT_REPRODUCED
    assert V.verdict_difference(St.Contrast(-0.28, 0.515, 1), 2.77) == V.NOT_REPRODUCED
    assert V.verdict_difference(St.Contrast(0.28, 0.515, 1), 2.77, sized=False) == V.INCONCLUSIVE
    # The boundary: the paper's size exactly 2 SE from ours is still within noise of it.
    assert V.verdict_difference(St.Contrast(0.0, 0.5, 3), 1.0) == V.INCONCLUSIVE
    assert V.verdict_difference(St.Contrast(0.0, 0.5, 3), 1.01) == V.NOT_REPRODUCED
    tight = St.Contrast(3.0, 0.5, 3)
    assert V.verdict_difference(tight, 4.61) == V.REPRODUCED
    assert V.verdict_difference(St.Contrast(12.0, 0.5, 3), 4.61) == V.DIRECTION


def test_size_ratio_and_would_show():
    assert V.size_ratio(9.22, 4.61) == 2.0 and V.size_ratio(-1.0, 4.0) == -0.25
    assert math.isnan(V.size_ratio(1.0, 0.0)) and math.isnan(V.size_ratio(math.nan, 1.0))
    assert V.would_show(St.Contrast(0.0, 0.4, 3), 1.0)
    assert not V.would_show(St.Contrast(0.5, 0.4, 3), 1.0)
    assert not V.would_show(St.Contrast(0.0, math.nan, 1), 10.0)   # no noise measured


def test_verdict_small_and_share():
    # Table 1's ReLU column: small is within noise of zero or at most twice the paper's size.
    assert V.verdict_small(-1.2, -0.65) == V.REPRODUCED
    assert V.verdict_small(1.3, -0.65) == V.REPRODUCED
    assert V.verdict_small(-1.4, -0.65) == V.NOT_REPRODUCED
    assert V.verdict_small(St.Contrast(-3.0, 2.0, 3), -0.65) == V.REPRODUCED   # within noise
    assert V.verdict_small(St.Contrast(-3.0, 1.0, 3), -0.65) == V.NOT_REPRODUCED
    assert V.verdict_small(St.Contrast(math.nan, math.nan, 0), 1.0) == V.NOT_RUN
    assert V.verdict_share(30, 30) == V.REPRODUCED
    assert V.verdict_share(16, 30) == V.DIRECTION
    assert V.verdict_share(15, 30) == V.NOT_REPRODUCED
    assert V.verdict_share(0, 0) == V.NOT_RUN


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
