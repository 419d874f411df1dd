"""bnswap.render on synthetic records: the sentences and tables the chapters show."""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest
from scipy import stats
from fake_records import (PROFILE, all_like_paper, fake_runs, first_seeds, headline_like_paper,
                          make_record)

from bnswap import render as R
from bnswap.findings import records as A, stats as St
from bnswap.findings.compare import seed_gap_noise
from bnswap.findings.paper import paper
from bnswap.findings.pilot import best_rate_gap


def test_describe_setup_and_differences_from_paper():
    runs = fake_runs("headline", headline_like_paper)
    recs = [r for _, _, r in runs]
    s = R.describe_setup(recs)
    # Convention and Swap have three seeds, NWDBN and NoBN one; a record listed twice counts once.
    assert s["profile"] == "smoke" and (s["seeds"], s["seeds_max"]) == (1, 3)
    assert R.describe_setup(recs + recs[:1])["seeds_max"] == 3
    assert R.describe_setup(recs[:1] * 2)["seeds"] == 1
    assert s["data"] == "jpeg-copy"
    text = " ".join(R.differences_from_paper(recs))
    assert "epochs instead of the paper's 200" in text and "JPEG" in text
    assert "1-3 seeds per configuration instead of 3" in text
    assert "1-3 seeds per configuration" in R.setup_markdown(recs)
    assert "smoke" in R.setup_markdown(recs)
    assert R.setup_markdown([]).startswith("No records")
    assert R.cost_rows(runs)[0]["seconds_per_epoch"] == pytest.approx(12.0)


def test_status_markdown_counts_runs_and_gives_the_command():
    runs = fake_runs("headline", lambda run, spec: None if run.label == "NoBN" else
                     make_record(spec, status="failed" if run.label == "NWDBN" else "complete"))
    text = R.status_markdown("headline", PROFILE, runs)
    assert "6 of 10" in text and "python -m bnswap experiment headline --profile smoke" in text


def test_markdown_table_escapes_pipes():
    md = R.markdown_table(["a", "b"], [["x|y", 1]])
    assert md.splitlines()[2] == "| x\\|y | 1 |"


def test_describe_gap_sentences():
    same = R.describe_gap(St.Contrast(2.0, math.nan, 1), 4.61)
    assert same == "+2.00 points (paper: +4.61): same direction, 43% of the paper's size (one seed on a side, so no error bar)."
    assert "opposite direction" in R.describe_gap(St.Contrast(-1.0, math.nan, 1), 4.61)
    assert "about the paper's size" in R.describe_gap(St.Contrast(4.5, 0.3, 3), 4.61)
    assert "(SE 0.30, n=3 seeds each)" in R.describe_gap(St.Contrast(4.5, 0.3, 3), 4.61)
    assert "2.2x the paper's size" in R.describe_gap(St.Contrast(10.0, 0.3, 3), 4.61)
    assert R.describe_gap(St.Contrast(math.nan, math.nan, 0), 1.0).startswith("no records")
    # a single-seed gap is set against the seed noise when it is given
    assert R.describe_gap(St.Contrast(0.28, math.nan, 1), 2.77, noise=1.03) == (
        "+0.28 points (paper: +2.77): same direction, 10% of the paper's size; within seed noise "
        "(±1.03, 2 SE, borrowing the headline pair's spread for the single-seed side).")
    outside = R.describe_gap(St.Contrast(3.0, math.nan, 1), 2.77, noise=1.4)
    assert "within seed noise" not in outside and "; outside seed noise" in outside
    assert "within seed noise" not in R.describe_gap(St.Contrast(0.3, 0.1, 3), 2.77, noise=1.4)


def test_extended_tables():
    data = all_like_paper()
    md1 = R.table1_markdown(data["table1"])
    assert "Tiny ImageNet (ours) | not run here" in md1
    assert "CIFAR-100 (ours) | 34.8 (n=1)" in md1  # 64.84 - 30
    how = R.dataset_instructions(data["table1"], PROFILE)
    assert "tiny-imagenet-200" in how and "--dataset tiny_imagenet --data-dir DIR" in how
    assert "CIFAR-10" not in R.dataset_instructions(data["table1"], PROFILE)
    md2 = R.table2_markdown(data["table2"])
    assert "| LeCun Tanh | 67.82 | 74.46 | +1.90 |" in md2 and "+6.6 | +1.90 |" in md2
    md7 = R.depth_markdown(data["depth"])
    lines7 = md7.splitlines()
    assert lines7[0] == "| Depth | paper (%) | ours (%) | ours: avg skewness |"
    assert lines7[2].startswith("| VGG16 | ") and lines7[3].startswith("| VGG16_15 | ")
    # one table per architecture, each with the four (activation, order) columns
    assert md1.count("| Dataset | Tanh Convention | Tanh Swap | ReLU Convention | ReLU Swap |") == 2


def test_table1_gaps_compare_sign_and_size_with_the_paper():
    t1 = paper("table1")

    def make(run, spec):  # CIFAR-10 only: Tanh gaps twice the paper's, ReLU's of opposite sign
        ds, arch, act, order = (run.tags[k] for k in ("dataset", "arch", "activation", "order"))
        if ds != "cifar10":
            return None
        gap = t1[(ds, arch, act, "swap")] - t1[(ds, arch, act, "convention")]
        acc = 50.0 + (0 if order == "convention" else (2 * gap if act == "tanh" else -gap))
        return make_record(spec, acc=acc)

    md = R.table1_gaps_markdown(fake_runs("table1", make))
    lines = md.splitlines()
    assert lines[0] == "| dataset | architecture | activation | paper | ours | ours / paper |"
    assert "| CIFAR-10 | VGG16 | Tanh | +1.15 | +2.30 | 2.0 |" in lines
    assert "| CIFAR-10 | MobileNet | ReLU | -0.27 | +0.27 | -1.0 |" in lines
    assert len(lines) == 2 + 4 + 2  # four pairs, a blank line, the sentence
    assert lines[-1] == ("Swap - Convention in points. Our gap has the paper's sign in 2 of 4 "
                         "recorded pairs, and its size is 1.0 to 2.0 times the paper's "
                         "(median 1.5).")
    assert R.table1_gaps_markdown(fake_runs("table1", lambda r, s: None)).startswith("No Table 1")


def test_cost_pilot_and_profiles_tables():
    data = {"headline": fake_runs("headline", headline_like_paper),
            "depth": fake_runs("depth", lambda run, spec: None)}
    md = R.cost_markdown(data)
    assert "| headline | 10 | 10 | 0.2 | 12 | 100 | 0.03 | cpu x1 |" in md
    assert "| depth | 9 | 0 |" in md
    # depth's VGG16_11 is the headline's Swap run (one spec): counted once, with its record
    assert "| **all (distinct runs)** | 18 | 10 | 0.2 |  |  | 0.03 |  |" in md
    pilot = fake_runs("pilot", lambda run, spec: make_record(spec, acc=10 * run.tags["lr"]))
    pm = R.pilot_markdown(pilot)
    # smoke caps the learning rate at 0.01: lr 0.01 is the one used for both orders.
    assert "| Swap | 0.01 | 0.10 | 0.1 | yes |" in pm and "| Convention | 0.1 | 1.00 | 0.01 |  |" in pm
    assert "| `cpu` |" in R.profiles_markdown() and "- `cpu`: CPU scale" in R.profiles_markdown()
    # the profiles' seeds are defaults: the headline pair always gets more
    assert "headline (Convention, Swap, NWDBN: at least 3)" in R.profiles_markdown()


def test_cost_by_arch_separates_models_and_counts_shared_runs_once():
    def timed(run, spec):
        if spec.dataset != "cifar10" or run.tags["activation"] == "relu":
            return None  # recorded: CIFAR-10 Tanh only
        rec = make_record(spec)
        rec["train_seconds"] = {"vgg16": 60.0, "mobilenet": 180.0}[spec.arch]
        return rec

    table1 = fake_runs("table1", timed)
    md = R.cost_by_arch_markdown({"table1": table1, "again": table1})
    # 4 datasets x 2 activations x 2 orders per model; CIFAR-10 Tanh (2 runs) recorded; 1 epoch
    assert "| VGG16 | 16 | 2 | 1.0 | 60 | 100 |" in md
    assert "| MobileNet | 16 | 2 | 3.0 | 180 | 100 |" in md
    assert R.cost_by_arch_markdown({"table1": fake_runs("table1", lambda r, s: None)}).count(
        "| 16 | 0 | - |") == 2


def test_gradient_markdown_ratios():
    runs = fake_runs("headline", headline_like_paper)
    g = A.by_label(runs)
    md = R.gradient_markdown(g["Convention"], g["Swap"])
    assert "| 1 (shallow) | 0.10 | 3.00 | 1.20 | 0.30 | 0.80 |" in md
    assert R.gradient_markdown([], g["Swap"]).startswith("No gradient records")


def test_seed_spread_is_measured_on_the_headline_pair():
    accs = {"Convention": [30.0, 31.0, 32.0], "Swap": [36.0, 36.0, 39.0]}
    runs = fake_runs("headline", lambda run, spec: make_record(
        spec, acc=accs[run.label][spec.seed] if run.label in accs else 20.0))
    text = R.seed_spread_markdown(A.by_label(runs))
    assert "Convention 31.0 ± 1.0 % (n=3)" in text and "Swap 37.0 ± 1.7 % (n=3)" in text
    assert "Convention 2.0, Swap 3.0 points" in text
    assert "about 2.4 points" in text  # sqrt(2) * 1.732 (Swap's spread, the larger)
    assert "within seed noise" in text and "4.9 points" in text
    one_seed = fake_runs("headline", lambda run, spec: make_record(spec) if spec.seed == 0 else None)
    assert "not measured yet" in R.seed_spread_markdown(A.by_label(one_seed))


def test_shifted_tanh_sentence_compares_gaps():
    tanh = A.by_label(fake_runs("headline", lambda run, spec: make_record(
        spec, acc={"Convention": 30.0, "Swap": 36.0}.get(run.label, 20.0))))
    shifted = A.group_by(fake_runs("shifted_tanh", lambda run, spec: make_record(
        spec, acc=34.0 if spec.order == "convention" else 35.0)), "order")
    text = R.shifted_tanh_markdown(tanh, shifted)
    assert "34.0 % (n=1), +4.00 points against Tanh Convention" in text
    assert "+1.00 points with shifted Tanh and +6.00 with Tanh" in text
    assert "seed noise" not in text  # no noise given: no judgement
    assert "is within the seed noise of a gap between two single-seed runs (2.0 points)" in \
        R.shifted_tanh_markdown(tanh, shifted, noise=2.0)
    assert "is beyond the seed noise" in R.shifted_tanh_markdown(tanh, shifted, noise=0.5)
    empty = A.group_by(fake_runs("shifted_tanh", lambda run, spec: None), "order")
    assert R.shifted_tanh_markdown(tanh, empty) == "No shifted-Tanh records yet."


def test_saturation_and_channel_summaries():
    g = A.by_label(fake_runs("headline", headline_like_paper))
    assert R.saturation_summary(g["Swap"], "Swap") == (
        "Swap: largest layer saturation 0.80 (block 1), 1 of 10 blocks above 0.7, 0 below 0.5")
    assert R.saturation_summary(g["Convention"], "Convention") == (
        "Convention: largest layer saturation 0.30 (block 1), 0 of 10 blocks above 0.7, "
        "10 below 0.5")
    assert R.saturation_summary([], "NoBN") == "NoBN: not run"
    rec = g["Swap"][0]
    samples = rec["layers"][7]["samples"]  # block 8 (1-based) is captured
    pooled = A.sample_skewness(np.ravel(samples["act_layer"]))
    chan = abs(A.sample_skewness(samples["act"][0]))  # both channels hold the same values
    assert len(samples["act"]) == 2
    assert R.channel_summary(rec, 8, "Swap") == (
        f"Swap: skewness of the pooled layer sample {St.signed(pooled)}; mean |skewness| of the 2 "
        f"channels {chan:.2f} (largest {chan:.2f})")
    # The count comes from the record: ten captured channels (what the runs capture) read "ten".
    ten = copy.deepcopy(rec)
    act = ten["layers"][7]["samples"]["act"]
    ten["layers"][7]["samples"]["act"] = [np.asarray(act[0]) * (k + 1) for k in range(9)] + [
        -np.asarray(act[0])]
    assert R.channel_summary(ten, 8, "Swap") == (
        f"Swap: skewness of the pooled layer sample {St.signed(pooled)}; mean |skewness| of the "
        f"ten channels {chan:.2f} (largest {chan:.2f})")
    one = copy.deepcopy(rec)
    one["layers"][7]["samples"]["act"] = act[:1]
    assert "mean |skewness| of the 1 channel " in R.channel_summary(one, 8, "Swap")
    assert R.channel_summary(rec, 5, "Swap") == "Swap: not run"
    assert R.channel_summary(None, 8, "Convention") == "Convention: not run"


def test_show_displays_markdown_and_ipython_is_imported_lazily(monkeypatch):
    import subprocess
    import sys

    code = "import sys, bnswap.render; assert 'IPython' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    R.show("**ours**")
    assert len(shown) == 1 and isinstance(shown[0], display.Markdown)
    assert shown[0].data == "**ours**"


# ---- sentences that qualify a comparison ----------------------------------------------------------


def _with_final(record, **final):
    out = copy.deepcopy(record)
    out["final"].update(final)
    return out


def _headline_groups(finals):
    """Headline groups whose records carry the given ``final`` values per label."""
    runs = fake_runs("headline", lambda run, spec: make_record(spec, skew=0.2))
    g = A.by_label(runs)
    return {label: [_with_final(r, **finals.get(label, {})) for r in recs]
            for label, recs in g.items()}


def test_caveats_do_not_claim_divergence_and_flag_mixed_data_sources():
    recs = [r for _, _, r in fake_runs("headline", headline_like_paper)]
    text = " ".join(R.differences_from_paper(recs))
    assert "learning rate capped at 0.01" in text and "diverge" not in text
    assert "different copies of the data" not in text
    mixed = copy.deepcopy(recs)
    mixed[0]["data"]["source"] = "torchvision"
    assert "different copies of the data (torchvision / jpeg-copy)" in " ".join(
        R.differences_from_paper(mixed))


def test_learning_markdown_says_when_a_run_did_not_learn():
    g = _headline_groups({"NoBN": dict(train_loss=4.04, train_acc=6.2, test_acc=6.22),
                          "Convention": dict(train_loss=2.5)})
    text = R.learning_markdown(g, ("NoBN", "Convention"))
    assert "**NoBN did not learn**: its final training loss, 4.04" in text
    assert "ln 100 = 4.61" in text and "6.2 % of the training images" in text
    assert "chance: 1.0 %" in text and "not meaningful" in text
    assert "Convention did not learn" not in text
    ok = R.learning_markdown(g, ("Convention",))
    assert ok.startswith("Convention fit their training sets") and "not meaningful" not in ok
    assert R.learning_markdown({}, ("NoBN",)) == ""


def test_nobn_markdown_compares_with_the_paper_and_says_whether_nobn_learned():
    g = _headline_groups({"NoBN": dict(train_loss=4.04, train_acc=6.2, test_acc=6.22),
                          "Convention": dict(train_loss=2.5, test_acc=35.22)})
    text = R.nobn_markdown(g)
    assert text.startswith("Accuracy: NoBN 6.2 % (n=1), Convention 35.2 ± 0.0 % (n=3).")
    assert "The paper reports 61.06 % against 64.84 %" in text
    assert "Convention − NoBN: +29.00 points (paper: +3.78)" in text
    assert "**NoBN did not learn**" in text
    assert R.nobn_markdown({"NoBN": g["NoBN"]}).startswith("No records for both")


def test_fit_markdown_separates_fitting_from_generalisation():
    underfit = _headline_groups({"Convention": dict(train_loss=2.53, train_acc=35.1, test_acc=35.2),
                                 "Swap": dict(train_loss=2.27, train_acc=40.4, test_acc=40.1)})
    text = R.fit_markdown(underfit)
    assert "Swap's final training loss is 10% lower than Convention's" in text
    assert "fit and generalisation cannot be told apart" in text and "cannot be tested here" in text
    paper_like = _headline_groups({"Convention": dict(train_loss=0.50, train_acc=99.0,
                                                      test_acc=69.5),
                                   "Swap": dict(train_loss=0.49, train_acc=99.1, test_acc=74.1)})
    text = R.fit_markdown(paper_like)
    assert "about the same, as in the paper" in text
    assert "Training minus test accuracy: Convention +29.5 points, Swap +25.0 points." in text
    assert R.fit_markdown({"Swap": underfit["Swap"]}) == "No records for both models yet."


def test_skewness_order_markdown_answers_whether_nwdbn_leans_more():
    def skewed(nwdbn):  # NWDBN with one seed recorded, Convention with three
        return A.by_label(first_seeds(fake_runs("headline", lambda run, spec: make_record(
            spec, skew={"Convention": [0.14, 0.16, 0.15][spec.seed], "NWDBN": nwdbn}.get(
                run.label, 0.7))), "NWDBN"))

    g = skewed(0.15)
    text = R.skewness_order_markdown(g)
    assert text.startswith("In the paper, NWDBN's channels lean more than Convention's")
    assert "NWDBN 0.15 (n=1), Convention 0.15 ± 0.01 (n=3)" in text
    assert "no difference beyond seed noise" in text and "not borne out" in text
    more = skewed(0.8)
    assert R.skewness_order_markdown(more).endswith("NWDBN leans more, as in the paper.")
    one = {"Convention": more["Convention"][:1], "NWDBN": g["NWDBN"]}
    less = {"Convention": more["NWDBN"], "NWDBN": one["Convention"]}
    assert "no seed spread measured yet" in R.skewness_order_markdown(less)
    assert "the opposite of the paper's account" in R.skewness_order_markdown(less)
    assert R.skewness_order_markdown({}).startswith("No records")


def test_blocks_after_pooling_come_from_the_model_configuration():
    assert R.blocks_after_pooling("vgg16_11") == [3, 5, 8]
    assert R.blocks_after_pooling("vgg16") == [3, 5, 8, 11]
    assert R.blocks_after_pooling("vgg11") == [2, 3, 5, 7]
    text = R.pooling_markdown("vgg16_11")
    assert "In VGG16_11 the convolution blocks 3, 5 and 8" in text and "block 9" in text
    with pytest.raises(ValueError):
        R.blocks_after_pooling("mobilenet")


def _table2(acc, dskew):
    """Table 2 runs: Convention accuracy 30 and skewness 0.2; Swap 30 + acc[act], 0.2 + dskew."""
    def make(run, spec):
        a, o = run.tags["activation"], run.tags["order"]
        swap = o == "swap"
        return make_record(spec, acc=30.0 + (acc[a] if swap else 0),
                           skew=0.2 + (dskew[a] if swap else 0))
    return fake_runs("table2", make)


def test_activation_gains_markdown_ranks_softsign():
    like_paper = R.activation_gains_markdown(_table2(
        {"tanh": 4.6, "lecun_tanh": 6.6, "softsign": 3.6},
        {"tanh": 2.4, "lecun_tanh": 1.9, "softsign": 1.3}))
    assert "the paper's smallest is Softsign's (+3.64 points)" in like_paper
    assert like_paper.count("the smallest is Softsign's, as in the paper") == 2
    ours = R.activation_gains_markdown(_table2({"tanh": 4.8, "lecun_tanh": 2.9, "softsign": 6.6},
                                               {"tanh": 0.57, "lecun_tanh": 0.36, "softsign": 0.56}))
    assert "Softsign's is the largest, not the smallest (ours is smallest for LeCun Tanh)" in ours
    assert "Softsign's is the middle one, not the smallest" in ours
    assert "LeCun Tanh, Softsign: one seed per order" in ours
    none = fake_runs("table2", lambda run, spec: None)
    assert R.activation_gains_markdown(none).startswith("Not every activation")


def test_sweep_markdown_counts_runs_and_compares_signs():
    def make(run, spec, keep=3):
        v = run.tags["wd_affine"]
        if v not in sorted(paper("affine_sweep_values"))[:keep]:
            return None
        return make_record(spec, acc=40 + 1e5 * v, spars=0.7 - 2e3 * v)  # both signs opposite
    partial = fake_runs("affine_sweep", make)
    text = R.sweep_markdown(partial, "wd_affine", "sparsity", +1, "weight decay on gamma and beta",
                            "sparsity", paper_accuracy="positive, and strong")
    assert text.startswith("Weight decay on gamma and beta against average sparsity, so far "
                           "(3 of 7 runs): Spearman ρ = -1.00, the opposite of the paper's sign "
                           "(the paper: positive).")
    assert "(n=3), the opposite of the paper's sign (the paper: positive, and strong)." in text
    full = fake_runs("affine_sweep", lambda run, spec: make_record(
        spec, acc=30 + 1000 * run.tags["wd_affine"], spars=0.7 + 200 * run.tags["wd_affine"]))
    text = R.sweep_markdown(full, "wd_affine", "sparsity", +1, "weight decay", "sparsity")
    assert "over all 7 runs" in text and text.count("the paper's sign") == 2
    spars = dict(zip(sorted(paper("affine_sweep_values")),
                     [0.5, 0.7, 0.6, 0.4, 0.45, 0.65, 0.55]))
    flat = fake_runs("affine_sweep", lambda run, spec: make_record(
        spec, acc=30 + 1e4 * run.tags["wd_affine"], spars=spars[run.tags["wd_affine"]]))
    text = R.sweep_markdown(flat, "wd_affine", "sparsity", +1, "weight decay", "sparsity")
    rho = stats.spearmanr(sorted(spars), [spars[v] for v in sorted(spars)]).statistic
    assert f"Spearman ρ = {rho:+.2f}, too weak to have a sign (under 0.2 in size; the paper: " \
        "positive)." in text
    assert text.endswith(f"Across the sweep our average sparsity spans {min(spars.values()):.3f} "
                         f"to {max(spars.values()):.3f}.")
    # The range (0.7 - 0.4 = 0.3) against a given seed noise, on either side of it; no noise
    # measured (nan) adds nothing.
    args = (flat, "wd_affine", "sparsity", +1, "weight decay", "sparsity")
    assert R.sweep_markdown(*args, noise=0.31).endswith(
        "a range of 0.300, within the seed noise of a single gap (0.310): the swept setting did "
        "not move it measurably.")
    assert R.sweep_markdown(*args, noise=0.29).endswith(
        "a range of 0.300, beyond the seed noise of a single gap (0.290).")
    assert R.sweep_markdown(*args, noise=math.nan) == R.sweep_markdown(*args)
    few = fake_runs("affine_sweep", lambda run, spec, k=2: make(run, spec, keep=k))
    assert R.sweep_markdown(few, "wd_affine", "sparsity", +1, "x", "y") == \
        "Not enough runs of the sweep yet (2 of 7)."


def test_pilot_summary_says_which_order_the_rule_favours():
    accs = {("convention", 0.1): 35.86, ("convention", 0.01): 35.22, ("swap", 0.1): 36.47,
            ("swap", 0.01): 40.08}
    pilot = fake_runs("pilot", lambda run, spec: make_record(
        spec, acc=accs[(run.tags["order"], run.tags["lr"])]))
    text = R.pilot_summary_markdown(pilot, noise=1.4)
    # the smoke profile caps at 0.01, so both orders run at 0.01
    assert "Convention (0.1: 35.86 %, 0.01: 35.22 %) runs at 0.01, the worse of its two rates, " \
           "by 0.64 points" in text
    assert "Swap (0.1: 36.47 %, 0.01: 40.08 %) runs at 0.01, its better rate" in text
    assert "the rule favours Swap" in text and "0.64 points smaller" in text
    assert "within the seed noise of a gap between two single-seed runs, about 1.4 points" in text
    assert text.endswith("No pilot run diverged.")
    assert "on every seed recorded" not in text  # no best-rate gap given
    best = best_rate_gap(pilot, [])
    with_best = R.pilot_summary_markdown(pilot, noise=1.4, best=best)
    assert math.isnan(best.noise) and with_best == text  # its noise unmeasured: nothing to say
    best = dataclasses.replace(best, noise=1.1)
    assert ("0.64 points smaller than with the rule (within the seed noise of a gap between two "
            "single-seed runs, about 1.4 points). On every seed recorded at those best rates "
            "(Swap at 0.01, n=1; Convention at 0.1, n=1), Swap - Convention is +4.22 points, "
            "beyond the seed noise of that gap (1.1). No pilot run diverged.") in \
        R.pilot_summary_markdown(pilot, noise=1.4, best=best)
    failed = fake_runs("pilot", lambda run, spec: make_record(
        spec, status="failed" if run.tags["lr"] == 0.1 else "complete"))
    assert "Diverged: Convention at 0.1, Swap at 0.1." in R.pilot_summary_markdown(failed)


def test_saturation_blocks_markdown_names_the_exceptions():
    g = A.by_label(fake_runs("headline", lambda run, spec: make_record(
        spec, sat=[0.4] + [0.6] * 9 if run.label == "Swap" else 0.5)))
    assert R.saturation_blocks_markdown(g) == (
        "Swap's layer saturation is above Convention's in 9 of 10 blocks; not in block 1 "
        "(0.40 vs 0.50).")
    assert R.saturation_blocks_markdown({}).startswith("No records")


def test_seed_gap_noise():
    accs = {"Convention": [30.0, 31.0, 32.0], "Swap": [36.0, 36.0, 39.0]}
    g = A.by_label(first_seeds(fake_runs("headline", lambda run, spec: make_record(
        spec, acc=accs[run.label][spec.seed] if run.label in accs else 20.0)), "NWDBN"))
    swap_sd = math.sqrt(3)  # the larger of the pair's spreads (Convention's is 1)
    assert seed_gap_noise(g) == pytest.approx(2 * math.sqrt(2) * swap_sd)
    # NWDBN (one seed) against Convention (three): sqrt(swap_sd**2 / 1 + 1**2 / 3), twice
    assert seed_gap_noise(g, "NWDBN", "Convention") == pytest.approx(
        2 * math.sqrt(swap_sd ** 2 + 1 / 3))
    assert math.isnan(seed_gap_noise({}))


def test_seed_gap_noise_of_a_layer_metric():
    """The same rule on average sparsity: the noise comes from the pair's sparsity spread, not
    from their accuracy."""
    spars = {"Convention": [0.50, 0.52, 0.54], "Swap": [0.60, 0.60, 0.66]}
    g = A.by_label(first_seeds(fake_runs("headline", lambda run, spec: make_record(
        spec, spars=spars[run.label][spec.seed] if run.label in spars else 0.4)), "NWDBN"))
    swap_sd = A.average_metric(g["Swap"], "sparsity").std  # 0.03 sqrt(3), the larger spread
    assert seed_gap_noise(g, "Convention", "NWDBN", metric="sparsity") == pytest.approx(
        2 * math.sqrt(0.02 ** 2 / 3 + swap_sd ** 2))
    assert seed_gap_noise(g, "Convention", "NWDBN") == 0.0  # every seed has accuracy 50


def test_metric_by_profile_markdown_has_each_profiles_means():
    def at(acc, skew):
        return A.by_label(fake_runs("headline", lambda run, spec: make_record(spec, acc=acc,
                                                                              skew=skew)))

    short, long = at(40.0, 0.2), at(55.0, 1.5)
    text = R.metric_by_profile_markdown({"cpu": short, "cpu_long": long, "full": {}},
                                        ["Convention", "Swap"], "skewness")
    header, _, conv, swap = text.splitlines()
    assert header.split(" | ")[1:4] == ["avg skewness, `cpu`", "avg skewness, `cpu_long`",
                                        "avg skewness, `full`"]
    n = len(short["Swap"])
    assert swap.split(" | ")[1:3] == [f"0.20 ± 0.00 (n={n})", f"1.50 ± 0.00 (n={n})"]
    assert "not run" in swap.split(" | ")[3] and f"55.0 ± 0.0 (n={n})" in swap
