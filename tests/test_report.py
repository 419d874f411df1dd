"""bnswap.report on synthetic records: the sentences and tables the chapters show."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from fake_records import PROFILE, all_like_paper, fake_runs, headline_like_paper, make_record

from bnswap import analysis as A
from bnswap import report as R


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
    assert "6 of 8" in text and "python -m bnswap experiment headline --profile smoke" in text


def test_markdown_table_escapes_pipes():
    md = R.markdown_table(["a", "b"], [["x|y", 1]])
    assert md.splitlines()[2] == "| x\\|y | 1 |"


def test_describe_gap_sentences():
    same = R.describe_gap(A.Contrast(2.0, math.nan, 1), 4.61)
    assert "same direction" in same and "43%" in same and "single seed" in same
    assert "opposite direction" in R.describe_gap(A.Contrast(-1.0, math.nan, 1), 4.61)
    assert "about the paper's size" in R.describe_gap(A.Contrast(4.5, 0.3, 3), 4.61)
    assert "standard error 0.30" in R.describe_gap(A.Contrast(4.5, 0.3, 3), 4.61)
    assert R.describe_gap(A.Contrast(math.nan, math.nan, 0), 1.0).startswith("We have no records")


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
    assert md7.splitlines()[0].startswith("|  | VGG16 | VGG16_15")


def test_cost_pilot_and_profiles_tables():
    data = {"headline": fake_runs("headline", headline_like_paper),
            "depth": fake_runs("depth", lambda run, spec: None)}
    md = R.cost_markdown(data)
    assert "| headline | 8 | 8 | 0.2 | 12 | 100 | 0.03 | cpu x1 |" in md
    assert "| depth | 9 | 0 |" in md
    assert "| **all (distinct runs)** | 17 | 8 | 0.2 |  |  | 0.03 |  |" in md
    pilot = fake_runs("pilot", lambda run, spec: make_record(spec, acc=10 * run.tags["lr"]))
    pm = R.pilot_markdown(pilot)
    # smoke caps the learning rate at 0.01: lr 0.01 is the one used for both orders.
    assert "| Swap | 0.01 | 0.10 | 0.1 | yes |" in pm and "| Convention | 0.1 | 1.00 | 0.01 |  |" in pm
    assert "| cpu |" in R.profiles_markdown()


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
        f"Swap: whole-layer skewness {A.signed(pooled)}; mean |skewness| of the 2 channels "
        f"{chan:.2f} (largest {chan:.2f})")
    # The count comes from the record: ten captured channels (what the runs capture) read "ten".
    ten = copy.deepcopy(rec)
    act = ten["layers"][7]["samples"]["act"]
    ten["layers"][7]["samples"]["act"] = [np.asarray(act[0]) * (k + 1) for k in range(9)] + [
        -np.asarray(act[0])]
    assert R.channel_summary(ten, 8, "Swap") == (
        f"Swap: whole-layer skewness {A.signed(pooled)}; mean |skewness| of the ten channels "
        f"{chan:.2f} (largest {chan:.2f})")
    one = copy.deepcopy(rec)
    one["layers"][7]["samples"]["act"] = act[:1]
    assert "mean |skewness| of the 1 channel " in R.channel_summary(one, 8, "Swap")
    assert R.channel_summary(rec, 5, "Swap") == "Swap: not run"
    assert R.channel_summary(None, 8, "Convention") == "Convention: not run"


def test_show_displays_markdown_and_ipython_is_imported_lazily(monkeypatch):
    import subprocess
    import sys

    code = "import sys, bnswap.report; assert 'IPython' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    R.show("**ours**")
    assert len(shown) == 1 and isinstance(shown[0], display.Markdown)
    assert shown[0].data == "**ours**"
