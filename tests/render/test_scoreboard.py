"""The scoreboard on synthetic records: the claims scored (bnswap.findings.claims, .score) and
their rows (bnswap.render.scoreboard)."""

from __future__ import annotations


import pytest
from fake_records import (LEARNED, PROFILE, all_like_paper, fake_runs, headline_like_paper,
                          make_record, pilot_runs, sweep_like_paper, table1_like_paper,
                          table2_like_paper)

from bnswap import render as R
from bnswap.findings import records as A, verdicts as V
from bnswap.render import scoreboard as S
from bnswap.runs.experiments import SCOREBOARD_EXPERIMENTS, get_experiment
from bnswap.runs.results import Store
from bnswap.runs.runner import RunOptions, collect, collect_all, recorded_profiles


SWAP_BEATS = "Swap beats Convention (Tanh, VGG16_11, CIFAR-100)"
N_ROWS = 23  # 20 claims; Table 1's is one row per dataset
ANALYTIC = 3  # rows computed, not trained (Appendices A.3, A.4, A.10)


NWDBN_BETWEEN = "NWDBN beats Convention but loses to Swap"


NWDBN_LEANS = "NWDBN's channels lean more than Convention's (higher average skewness)"


SMALLEST = "Their skewness gains are smaller than Tanh's (Softsign's the smallest)"


def row(rows, start):
    """The one row whose claim starts with ``start``."""
    (found,) = [r for r in rows if r.claim.startswith(start)]
    return found


def headline_with(change):
    """Headline runs like the paper's, with ``change(run, spec, body)`` applied to each body."""
    def make(run, spec):
        body = headline_like_paper(run, spec)
        change(run, spec, body)
        return body
    return fake_runs("headline", make)


def set_layers(body, metric, value):
    for layer in body["layers"]:
        layer[metric] = value


def test_every_verdict_has_a_rule_and_a_count():
    rules = " ".join(text for _, text in S.VERDICT_RULES)
    assert all(f"**{v}**" in rules for v in V.VERDICTS)
    rows = S.scoreboard_from(all_like_paper(), PROFILE)
    counts = S.verdict_counts(rows)
    assert list(counts) == list(V.VERDICTS) and sum(counts.values()) == len(rows)
    tally = S.tally_markdown(rows)
    assert tally.startswith("Tally: ")
    assert tally.endswith(f"(of {len(rows)} rows: 20 claims, one of them scored per dataset).")
    assert S.claim_count(rows) == 20 and len(rows) == N_ROWS
    headline_only = S.scoreboard_from({"headline": all_like_paper()["headline"]}, PROFILE)
    assert S.tally_markdown(headline_only).endswith(f"(of {len(headline_only)} claims).")
    assert f"{counts[V.REPRODUCED]} reproduced, " in tally
    assert f"{counts[V.NOT_RUN]} not run (of" in tally
    listed = S.rules_markdown().split("\n")
    assert [line.split("*")[1] for line in listed] == [name for name, _ in S.VERDICT_RULES]


def test_scoreboard_all_reproduced_when_records_agree_with_paper():
    rows = S.scoreboard_from(all_like_paper(), PROFILE)
    assert len(rows) == N_ROWS
    assert len({r.claim for r in rows}) == len(rows)
    not_run = [r for r in rows if r.verdict == V.NOT_RUN]
    # Only the datasets we cannot run are missing.
    assert {r.claim.split(":")[0] for r in not_run} == {"Tiny ImageNet", "ImageNet"}
    assert all("--data-dir" in r.command and "not run here" in r.ours for r in not_run)
    others = [r for r in rows if r.verdict != V.NOT_RUN]
    assert all(r.verdict == V.REPRODUCED for r in others), [
        (r.claim, r.verdict, r.parts, r.ours) for r in others if r.verdict != V.REPRODUCED]
    swap = row(rows, SWAP_BEATS)
    assert "36.0 ± 0.0 % (n=3)" in swap.ours and "+6.00 points" in swap.ours
    assert swap.command == "python -m bnswap experiment headline --profile smoke"
    assert "smoke" in swap.profile and "cpu" in swap.profile


def test_scoreboard_detects_contradictions():
    data = all_like_paper()

    def flipped(run, spec, body):  # Convention wins
        if run.label == "Convention":
            body["final"]["test_acc"] = 50.0

    data["headline"] = headline_with(flipped)
    data["beta_sweep"] = fake_runs("beta_sweep", lambda run, spec: make_record(
        spec, acc=30 + 5000 * run.tags["wd_beta"], skew=1.0 - 500 * run.tags["wd_beta"],
        train_loss=LEARNED))
    rows = S.scoreboard_from(data, PROFILE)
    assert row(rows, SWAP_BEATS).verdict == V.NOT_REPRODUCED
    assert row(rows, NWDBN_BETWEEN).verdict == V.NOT_REPRODUCED
    beta = row(rows, "More weight decay on BN's beta")
    assert beta.verdict == V.NOT_REPRODUCED and beta.parts == [V.REPRODUCED, V.NOT_REPRODUCED]


def test_scoreboard_without_records_is_all_not_run_with_commands():
    rows = S.scoreboard_from({name: [] for name in SCOREBOARD_EXPERIMENTS}, PROFILE)
    assert len(rows) == N_ROWS
    trained = [r for r in rows if r.experiment != "analytic"]
    assert len(trained) == N_ROWS - ANALYTIC and all(r.verdict == V.NOT_RUN for r in trained)
    assert all(r.command.startswith("python -m bnswap experiment ") for r in trained)
    # The analytic claims need no records: computed, with nothing to train.
    computed = [r for r in rows if r.experiment == "analytic"]
    assert [r.verdict for r in computed] == [V.REPRODUCED] * ANALYTIC
    assert all(r.command.startswith("none") for r in computed)
    md = S.scoreboard_markdown(rows)
    table = md.split("\n\n")[0]
    assert table.count("\n") == len(rows) + 1 and "not run" in table
    assert all(f"`{r.command}`" in md and f"`{r.command}`" not in table for r in rows)
    assert S.scoreboard_from({}, PROFILE) == []
    # The paper's gaps are exact: Tiny ImageNet VGG16 ReLU is 59.045 - 61.54.
    tiny = row(rows, "Tiny ImageNet: swapping helps Tanh")
    assert "VGG16: Tanh +7.76, ReLU -2.495; MobileNet: Tanh +0.94, ReLU -0.69" in tiny.paper


def test_scoreboard_reads_the_store_through_collect(tmp_path):
    store = Store(tmp_path / "res")
    for run, spec in get_experiment("headline").expand(PROFILE):
        store.save(spec, headline_like_paper(run, spec))
    opts = RunOptions(results_dir=str(tmp_path / "res"), progress=False)
    runs = collect("headline", PROFILE, opts, train=False)
    assert all(rec is not None for _, _, rec in runs)
    data = {name: collect(name, PROFILE, opts, train=False) for name in SCOREBOARD_EXPERIMENTS}
    rows = S.scoreboard_from(data, PROFILE)
    assert len(rows) == N_ROWS
    assert row(rows, SWAP_BEATS).verdict == V.REPRODUCED and "(n=3)" in rows[0].ours
    # The beta sweep's wd_beta=0 run is the headline's NWDBN run: 1 of its 11 runs is recorded.
    beta = row(rows, "More weight decay on BN's beta")
    assert beta.verdict == V.INCOMPLETE and beta.ours.startswith("1 of 11 runs")


def test_scoreboard_topics():
    rows = S.scoreboard_from(all_like_paper(), PROFILE)
    assert [r.topic for r in rows[:8]] == ["saturation"] * 2 + ["asymmetry"] * 4 + ["sparsity"] * 2
    assert len(S.rows_for(rows, "extended")) == len(rows) - 8 - ANALYTIC
    assert [r.topic for r in rows if r.experiment == "analytic"] == ["saturation", "asymmetry",
                                                                    "sparsity"]
    # The new NWDBN row sits with the other NWDBN rows, in the asymmetry chapter.
    claims = [r.claim for r in rows]
    assert claims.index(NWDBN_LEANS) == claims.index(NWDBN_BETWEEN) + 1


def chapter_rows(data):
    """The scoreboard rows each chapter shows, built as the chapters' cells build them."""
    def given(*names):
        return S.scoreboard_from({n: data[n] for n in names}, PROFILE)

    def section(rows, text):
        return [r for r in rows if text in r.section]

    return {
        "saturation": S.rows_for(given("headline", "analytic"), "saturation"),
        "asymmetry": S.rows_for(given("headline", "beta_sweep", "analytic"), "asymmetry"),
        "sparsity": S.rows_for(given("headline", "affine_sweep", "analytic"), "sparsity"),
        "extended": (section(given("table1"), "Section 7.1")
                     + section(given("table2"), "Section 7.2")
                     + section(given("headline", "shifted_tanh"), "NeurIPS")
                     + section(given("depth"), "Table 7")
                     + S.rows_for(given("headline"), "extended")),
    }


def test_a_subset_scoreboard_has_only_the_given_experiments_rows():
    data = all_like_paper()
    rows = S.scoreboard_from({"headline": data["headline"]}, PROFILE)
    assert {r.experiment for r in rows} == {"headline"} and len(rows) == 9
    assert all(r.verdict != V.NOT_RUN for r in rows)
    extended = S.rows_for(rows, "extended")
    assert [r.claim.split(" ")[0] for r in extended] == ["NoBN", "Swap's", "Swap's"]
    assert {r.experiment for r in S.scoreboard_from({"table1": data["table1"]}, PROFILE)} == {
        "table1"}
    # Unknown keys (experiments without claims) are ignored.
    assert S.scoreboard_from({"pilot": []}, PROFILE) == []


def test_the_chapters_show_each_claim_once_as_the_full_scoreboard_scores_it():
    data = all_like_paper()
    full = {r.claim: r for r in S.scoreboard_from(data, PROFILE)}
    shown = [r for rows in chapter_rows(data).values() for r in rows]
    claims = [r.claim for r in shown]
    assert len(claims) == len(set(claims)) and set(claims) == set(full)
    assert all(r.verdict == full[r.claim].verdict and r.ours == full[r.claim].ours for r in shown)


def test_table2_alone_measures_seed_noise_on_its_tanh_runs():
    """Table 2's Tanh rows are the headline runs: given alone, its single-seed contrasts get the
    same noise floor (and verdicts) as in the full scoreboard."""
    spread = {0: -0.5, 1: 0.0, 2: 0.5}

    def noisy(run, spec):
        body = table2_like_paper(run, spec)
        body["final"]["test_acc"] += spread[spec.seed] if run.tags["activation"] == "tanh" else 0
        if run.tags["activation"] == "softsign" and run.tags["order"] == "swap":
            body["final"]["test_acc"] -= 3.3  # Softsign's gain: +0.34 points, within the noise
        return body

    t2 = fake_runs("table2", noisy)
    alone = row(S.scoreboard_from({"table2": t2}, PROFILE), "LeCun Tanh and Softsign")
    # Within noise of zero (2 SE = 1.41) but 3.3 points from the paper's +3.64: not reproduced.
    assert alone.parts[2] == V.NOT_REPRODUCED and alone.verdict == V.NOT_REPRODUCED
    assert "Softsign: +0.34 points (within seed noise" in alone.ours
    # Given the headline, its pair is the one measured (these fake headline seeds agree exactly).
    headline = fake_runs("headline", headline_like_paper)
    both = row(S.scoreboard_from({"headline": headline, "table2": t2}, PROFILE),
               "LeCun Tanh and Softsign")
    assert both.parts[2] == V.DIRECTION


def test_a_claim_resting_on_a_run_that_did_not_learn_is_not_comparable():
    def nobn_untrained(run, spec, body):
        if run.label == "NoBN":
            body["final"]["train_loss"] = 4.04

    rows = S.scoreboard_from({"headline": headline_with(nobn_untrained)}, PROFILE)
    nobn = row(rows, "NoBN saturates")
    assert nobn.verdict == V.NOT_COMPARABLE and nobn.parts == [V.REPRODUCED, V.REPRODUCED]
    assert nobn.ours.startswith("NoBN did not learn (final train loss 4.04, chance 4.61); ")
    assert all(r.verdict == V.REPRODUCED for r in rows if r is not nobn)


def test_not_learning_applies_to_every_claim_and_names_the_seed():
    def conv_seed1(run, spec, body):
        if run.label == "Convention" and spec.seed == 1:
            body["final"]["train_loss"] = 4.5

    rows = S.scoreboard_from({"headline": headline_with(conv_seed1)}, PROFILE)
    assert all(r.verdict == V.NOT_COMPARABLE for r in rows)  # every headline claim uses Convention
    assert all("Convention seed 1 did not learn (final train loss 4.50" in r.ours for r in rows)

    def softsign_swap(run, spec):
        body = table2_like_paper(run, spec)
        if run.tags["activation"] == "softsign" and run.tags["order"] == "swap":
            body["final"]["train_loss"] = 4.2
        return body

    rows = S.scoreboard_from({"table2": fake_runs("table2", softsign_swap)}, PROFILE)
    assert [r.verdict for r in rows] == [V.NOT_COMPARABLE] * 2
    assert all("Softsign swap did not learn" in r.ours for r in rows)


def test_smoke_runs_that_did_not_learn_are_not_comparable():
    """Smoke runs (1 epoch) stay near chance: their claims cannot be scored."""
    runs = fake_runs("headline", lambda run, spec: make_record(spec))  # train loss 4.0
    rows = S.scoreboard_from({"headline": runs}, PROFILE)
    assert rows and all(r.verdict == V.NOT_COMPARABLE for r in rows)


def with_losses(conv_train, swap_train, conv_test, swap_test):
    def change(run, spec, body):
        losses = {"Convention": (conv_train, conv_test), "Swap": (swap_train, swap_test)}
        if run.label in losses:
            body["final"]["train_loss"], body["final"]["test_loss"] = losses[run.label]
    return headline_with(change)


@pytest.mark.parametrize("losses, part, verdict", [
    ((1.0, 1.0, 3.0, 2.0), V.REPRODUCED, V.REPRODUCED),          # the paper: same train loss
    ((1.0, 0.8, 3.0, 2.0), V.DIRECTION, V.DIRECTION),            # x0.8, closer than test's x0.67
    ((2.53, 2.27, 2.525, 2.278), V.NOT_REPRODUCED, V.NOT_REPRODUCED),  # ours (cpu): no closer
])
def test_learning_curves_need_the_same_final_training_loss(losses, part, verdict):
    curves = row(S.scoreboard_from({"headline": with_losses(*losses)}, PROFILE),
                 "Swap's training loss falls faster")
    assert curves.parts == [V.REPRODUCED, part, V.REPRODUCED]
    assert curves.verdict == verdict
    assert "final train loss: Swap" in curves.ours


def test_gradient_input_ratio_leaves_out_block_1_which_reads_the_image():
    # Swap's weight-layer inputs are four times Convention's, except block 1's (the image: x1).
    def change(run, spec, body):
        if run.label == "Swap":
            for g in body["gradients"][1:]:
                g["weight_input"] = 2.0  # Convention's are 0.5
            body["gradients"][0]["weight_input"] = 0.5

    grads = row(S.scoreboard_from({"headline": headline_with(change)}, PROFILE),
                "Swap's Tanh-input gradients")
    # 10 blocks: the first 4 are shallow; inputs over blocks 2-4 only, so exactly x4, not x2.8
    assert "first 4 blocks" in grads.ours
    assert "weight-layer input x4 (blocks 2-4: block 1 reads the image)" in grads.ours
    assert "Tanh-input gradient x0.1," in grads.ours
    assert grads.parts[1] == V.REPRODUCED


def with_headline(acc=None, skew=None, planned=False):
    """Headline runs like the paper's with per-(label, seed) accuracy and average skewness; a seed
    past the end of a label's list is not planned (``"NWDBN": [x]``: a profile that gives NWDBN one
    seed, as NoBN has), or with ``planned`` planned but not recorded yet (a queue half-way)."""
    def past_list(run, spec):
        given = [values[run.label] for values in (acc, skew) if values and run.label in values]
        return any(spec.seed >= len(v) for v in given)

    def make(run, spec):
        if past_list(run, spec):
            return None
        body = headline_like_paper(run, spec)
        if acc and run.label in acc:
            body["final"]["test_acc"] = acc[run.label][spec.seed]
        if skew and run.label in skew:
            set_layers(body, "skewness", skew[run.label][spec.seed])
        return body
    runs = fake_runs("headline", make)
    return runs if planned else [(r, s, rec) for r, s, rec in runs if not past_list(r, s)]


def test_a_claim_on_a_configuration_missing_a_planned_seed_is_incomplete():
    """The combined rule counts runs, not configurations: NWDBN with one of its three seeds
    recorded is scored once all three are, and reads *incomplete* (with its figure) until then.
    Claims that do not rest on NWDBN keep their verdicts."""
    acc = {"Convention": [30.0, 30.3, 29.7], "Swap": [36.0, 36.5, 35.5], "NWDBN": [33.0]}
    half = S.scoreboard_from({"headline": with_headline(acc=acc, planned=True)}, PROFILE)
    whole = S.scoreboard_from({"headline": with_headline(acc=acc)}, PROFILE)
    assert row(whole, NWDBN_BETWEEN).verdict == V.REPRODUCED
    assert row(half, NWDBN_BETWEEN).verdict == V.INCOMPLETE
    assert "NWDBN - Convention +3.00" in row(half, NWDBN_BETWEEN).ours
    assert row(half, "Swap beats Convention").verdict == row(whole, "Swap beats Convention").verdict


@pytest.mark.parametrize("nwdbn, verdict", [
    (0.8, V.REPRODUCED),          # the paper's direction, far outside the noise
    (0.151, V.INCONCLUSIVE),      # ours (cpu): +0.001 against a spread of 0.01
    (0.14, V.INCONCLUSIVE),       # below Convention, within the noise: no size to miss
    (0.05, V.NOT_REPRODUCED),     # below Convention, outside the noise
])
def test_nwdbn_leans_more_than_convention(nwdbn, verdict):
    skew = {"Convention": [0.14, 0.15, 0.16], "Swap": [0.70, 0.72, 0.74], "NWDBN": [nwdbn]}
    leans = row(S.scoreboard_from({"headline": with_headline(skew=skew)}, PROFILE), NWDBN_LEANS)
    assert leans.verdict == verdict and leans.topic == "asymmetry"
    assert "avg skewness NWDBN" in leans.ours and "direction only" in leans.paper


@pytest.mark.parametrize("nwdbn", [0.13, 0.17, 0.18, 0.19, 0.20, 0.25])
def test_the_chapters_and_the_scoreboard_share_one_noise_rule(nwdbn):
    """The sentence on NWDBN's skewness says "no difference" exactly when the scoreboard finds the
    difference within noise. Noise: Swap's spread 0.02 for the single NWDBN seed, Convention's own 0.01,
    so 2 SE = 2 sqrt(0.02^2 + 0.01^2 / 3) = 0.042; a floor of 2 x the larger side's SD (0.02)
    would call +0.03 a difference."""
    skew = {"Convention": [0.14, 0.15, 0.16], "Swap": [0.70, 0.72, 0.74], "NWDBN": [nwdbn]}
    runs = with_headline(skew=skew)
    verdict = row(S.scoreboard_from({"headline": runs}, PROFILE), NWDBN_LEANS).verdict
    text = R.skewness_order_markdown(A.by_label(runs))
    assert "against seed noise of 0.04 (2 standard errors" in text
    noise = "no difference beyond seed noise" in text
    assert noise == (abs(nwdbn - 0.15) < 0.042)
    # The paper gives no size: noise of either sign is inconclusive, a wrong sign outside the
    # noise not reproduced.
    assert (verdict == V.INCONCLUSIVE) == noise
    assert (verdict == V.REPRODUCED) == text.endswith("as in the paper.")
    assert (verdict == V.NOT_REPRODUCED) == (nwdbn < 0.15 and not noise)


@pytest.mark.parametrize("convention, swap, favoured", [
    ({0.1: 55.0, 0.01: 50.0}, {0.1: 56.0, 0.01: 55.0}, "Swap"),  # cpu_long's pilot, rounded
    ({0.1: 50.0, 0.01: 52.0}, {0.1: 58.0, 0.01: 54.0}, "Convention"),
    ({0.1: 50.5, 0.01: 50.0}, {0.1: 54.0, 0.01: 56.0}, None),  # a 0.5 shift: within noise
])
def test_the_headline_row_says_when_the_profiles_rates_carry_the_gap(convention, swap, favoured):
    acc = {"Convention": [30.0, 30.3, 29.7], "Swap": [36.0, 36.5, 35.5]}  # 2-run noise 1.41
    data = {"headline": with_headline(acc=acc),
            "pilot": pilot_runs({"convention": convention, "swap": swap})}
    rows = S.scoreboard_from(data, PROFILE)
    beats = row(rows, "Swap beats Convention")
    plain = row(S.scoreboard_from({"headline": data["headline"]}, PROFILE),
                "Swap beats Convention")
    assert beats.verdict == plain.verdict  # a caveat, never a different verdict
    ladder = S.ladder_table({PROFILE: rows})
    if favoured is None:
        assert beats.ours == plain.ours and beats.caveat == "" and "†" not in ladder
    else:
        assert beats.caveat.startswith(f"this profile's learning rates favour {favoured}:")
        assert beats.ours == f"{plain.ours}; but {beats.caveat}"
        assert "single-seed gap noise of 1.4" in beats.caveat
        assert "; on every seed recorded at those best rates (Swap at " in beats.caveat
        if favoured == "Swap":  # both best at 0.1, which only the pilot ran: one seed each
            assert beats.caveat.endswith("Swap - Convention is +1.00 points, within the seed "
                                         "noise of that gap (1.4)")
        assert f"| {beats.verdict} †1 |" in ladder  # the only caveat, stated under the table
        assert ladder.endswith(f"†1 `{PROFILE}`, {beats.claim}: {beats.caveat}.")


def test_single_seed_difference_within_the_headline_spread():
    acc = {"Convention": [30.0, 30.3, 29.7], "Swap": [36.0, 36.5, 35.5]}  # spreads 0.3 and 0.5
    rows = S.scoreboard_from({"headline": with_headline(acc={**acc, "NWDBN": [30.28]})}, PROFILE)
    between = row(rows, NWDBN_BETWEEN)
    # NWDBN - Convention = +0.28 < 2 * sqrt(0.5^2/1 + 0.3^2/3) = 1.06: noise, but the paper's
    # +2.77 is 2.49 points away, so its effect would have shown: not reproduced. Swap - NWDBN is
    # +5.72 against the paper's +1.84, more than twice its size: direction only.
    assert between.parts == [V.DIRECTION, V.NOT_REPRODUCED]
    assert between.verdict == V.NOT_REPRODUCED
    assert ("NWDBN - Convention +0.28 (within seed noise, 2 SE = 1.06, single seed given the "
            "headline pair's spread)") in between.ours
    rows = S.scoreboard_from({"headline": with_headline(acc={**acc, "NWDBN": [33.0]})}, PROFILE)
    assert row(rows, NWDBN_BETWEEN).verdict == V.REPRODUCED
    # A spread of 2 points: 2 SE = 4.62 also covers the paper's +2.77, so the same null result
    # cannot tell; inconclusive.
    wide = {"Convention": [28.0, 30.0, 32.0], "Swap": [34.0, 36.0, 38.0], "NWDBN": [30.5]}
    rows = S.scoreboard_from({"headline": with_headline(acc=wide)}, PROFILE)
    assert row(rows, NWDBN_BETWEEN).parts == [V.DIRECTION, V.INCONCLUSIVE]


def test_softsign_smallest_skewness_gain_is_its_own_part():
    def lecun_smallest(run, spec):  # ours (cpu): Tanh +0.57, LeCun Tanh +0.36, Softsign +0.56
        dsk = {"tanh": 0.57, "lecun_tanh": 0.36, "softsign": 0.56}[run.tags["activation"]]
        return make_record(spec, skew=0.2 + (dsk if run.tags["order"] == "swap" else 0),
                           train_loss=LEARNED)

    smallest = row(S.scoreboard_from({"table2": fake_runs("table2", lecun_smallest)}, PROFILE),
                   SMALLEST)
    # Tanh - LeCun Tanh +0.21 (paper +0.48), Tanh - Softsign +0.01 (+1.10), LeCun - Softsign -0.20.
    assert smallest.parts == [V.DIRECTION, V.DIRECTION, V.NOT_REPRODUCED]
    assert smallest.verdict == V.NOT_REPRODUCED and "(smallest: LeCun Tanh)" in smallest.ours
    like_paper = row(S.scoreboard_from({"table2": fake_runs("table2", table2_like_paper)},
                                       PROFILE), SMALLEST)
    assert like_paper.parts == [V.REPRODUCED] * 3 and "(smallest: Softsign)" in like_paper.ours


def test_partial_sweep_is_incomplete_with_the_partial_correlation():
    runs = fake_runs("affine_sweep", lambda run, spec: None if run.tags["wd_affine"] == 0.0
                     else sweep_like_paper(run, spec))
    sweep = row(S.scoreboard_from({"affine_sweep": runs}, PROFILE), "More weight decay on Swap")
    assert sweep.verdict == V.INCOMPLETE
    assert sweep.ours.startswith("6 of 7 runs: Spearman ρ(weight decay, sparsity) = +1.00")
    two = fake_runs("affine_sweep", lambda run, spec: sweep_like_paper(run, spec)
                    if run.tags["wd_affine"] in (0.0, 1e-4) else None)
    sweep = row(S.scoreboard_from({"affine_sweep": two}, PROFILE), "More weight decay on Swap")
    assert sweep.verdict == V.INCOMPLETE and sweep.ours == (
        "2 of 7 runs: too few points for a correlation")
    none = fake_runs("beta_sweep", lambda run, spec: None)
    sweep = row(S.scoreboard_from({"beta_sweep": none}, PROFILE), "More weight decay on BN")
    assert sweep.verdict == V.NOT_RUN and sweep.ours == "not run"


def test_partial_depths_are_incomplete():
    runs = fake_runs("depth", lambda run, spec: make_record(spec, acc=40.0, train_loss=LEARNED)
                     if run.tags["depth"] == 11 else None)
    (depth,) = S.scoreboard_from({"depth": runs}, PROFILE)
    assert depth.verdict == V.INCOMPLETE and "1 of 9 depths" in depth.ours


def test_table1_alone_borrows_the_headline_seed_noise():
    """Table 1 has one seed per cell; a chapter that shows it alone passes the headline runs as
    ``noise_runs`` and gets the full scoreboard's verdicts, not ones judged by size alone."""
    spread = {0: -0.5, 1: 0.0, 2: 0.5}

    def noisy(run, spec):
        body = headline_like_paper(run, spec)
        body["final"]["test_acc"] += spread[spec.seed]
        return body

    headline, t1 = fake_runs("headline", noisy), fake_runs("table1", table1_like_paper)
    full = row(S.scoreboard_from({"headline": headline, "table1": t1}, PROFILE), "CIFAR-10:")
    lent = row(S.scoreboard_from({"table1": t1}, PROFILE, noise_runs=headline), "CIFAR-10:")
    alone = row(S.scoreboard_from({"table1": t1}, PROFILE), "CIFAR-10:")
    assert (lent.verdict, lent.ours) == (full.verdict, full.ours)
    # VGG16 Tanh's +1.15 points is inside 2 SE of that noise (0.5 * sqrt(2) * 2 = 1.41) ...
    assert "within seed noise" in lent.ours
    # ... which a Table 1 judged on its own cannot know
    assert "within seed noise" not in alone.ours


def test_verdicts_per_profile_score_each_recorded_profile_apart(tmp_path):
    """The scale ladder: a store with headline records under two profiles is scored under each
    one; a profile without records is no rung."""
    store = Store(tmp_path / "res")
    for profile in ("cpu", "cpu_long"):
        for run, spec in get_experiment("headline").expand(profile):
            store.save(spec, headline_like_paper(run, spec))
    recorded = recorded_profiles(SCOREBOARD_EXPERIMENTS, str(tmp_path / "res"))
    assert recorded == ["cpu", "cpu_long"]
    opts = RunOptions(results_dir=str(tmp_path / "res"), progress=False)
    by_profile = S.scoreboards_by_profile(
        {p: collect_all(SCOREBOARD_EXPERIMENTS, p, opts) for p in recorded})
    assert list(by_profile) == ["cpu", "cpu_long"]
    ladder = dict(S.verdict_ladder(by_profile))
    assert ladder[SWAP_BEATS] == {"cpu": V.REPRODUCED, "cpu_long": V.REPRODUCED}
    assert len(ladder) == len(by_profile["cpu"])
    assert recorded_profiles(SCOREBOARD_EXPERIMENTS, str(tmp_path / "empty")) == []
