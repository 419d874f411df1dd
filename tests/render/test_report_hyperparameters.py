"""bnswap.render.hyperparameters and .takeaways: the appendix pages' tables, the size of a
profile, the results download, and the chapters' computed takeaways."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fake_records import PROFILE, as_saved, make_record

from bnswap import render as R
from bnswap.render.scoreboard import Row
from bnswap.runs.experiments import EXPERIMENTS, HYPERPARAMETERS, SCHEDULE, paper_spec
from bnswap.runs.profiles import PROFILES, get_profile

REPO = Path(__file__).resolve().parents[2]


def _table(markdown: str) -> tuple[list[str], list[list[str]]]:
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    return cells[0], cells[2:]


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "tiny_imagenet", "imagenet"])
def test_hyperparameter_tables_are_the_papers_and_each_profiles(dataset):
    headers, body = _table(R.hyperparameters_markdown(dataset))
    assert len(headers) <= 6, "narrow enough for the text column"
    assert len(body) == 8, "2 families x 2 activations x 2 orders"
    capped = [p for p in PROFILES if get_profile(p).lr_cap is not None]
    assert all(p in headers[-1] for p in capped)
    for family, act, order, lr, wd, lr_capped in body:
        key = ({"VGG": "vgg", "MobileNet": "mobilenet"}[family], act.lower(), order.lower(),
               dataset)
        hp = HYPERPARAMETERS[key]
        assert float(lr) == hp["lr"] and float(wd) == pytest.approx(hp["wd"])
        assert float(lr_capped) == min(hp["lr"], 0.01)


def test_lr_changes_count_the_capped_cells():
    changes = R.lr_changes()
    assert changes["full"] == 0 and changes["cpu_long"] == 0
    expected = sum(hp["lr"] > 0.01 for hp in HYPERPARAMETERS.values())
    assert changes["cpu"] == changes["gpu_pair"] == expected > 0
    text = R.lr_changes_markdown()
    assert f"{len(HYPERPARAMETERS)} (learning rate" in text and "No profile changes" in text


def test_schedule_scales_milestones_with_the_epochs():
    rows = {r["label"]: r for r in R.schedule_rows()}
    assert rows["CIFAR-100"]["by_profile"]["full"] == (200, (100, 150))
    assert rows["CIFAR-100"]["by_profile"]["cpu"] == (10, (5, 8))
    assert rows["ImageNet (Swap)"]["by_profile"]["full"][1] == (60, 90)
    assert rows["ImageNet (Convention)"]["by_profile"]["full"][1] == SCHEDULE["imagenet"][1]
    headers, body = _table(R.schedule_markdown())
    assert len(body) == 5 and headers[2:] == [f"`{p}`" for p in PROFILES]
    assert "10 (5, 8)" in body[0]


def test_profile_settings_table():
    headers, body = _table(R.profile_settings_markdown(("cpu", "full")))
    assert [r[0] for r in body] == ["`cpu`", "`full`"]
    assert body[0][1] == "0.25" and body[1][-1] == "bf16_mixed" and body[1][4] == "paper's"


def test_full_profile_size_matches_the_gpu_benchmark_count():
    path = REPO / "benchmarks" / "gpu_concurrency.py"
    spec = importlib.util.spec_from_file_location("gpu_concurrency", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    runs, images = module.full_profile_cifar_images()
    assert R.total_size("full", datasets=("cifar10", "cifar100")) == {"runs": runs,
                                                                      "images": images}
    headline = next(e for e in R.experiment_size("full") if e["experiment"] == "headline")
    assert headline["runs"] == 12 and headline["images"] == 12 * 200 * 50_000
    everything = R.total_size("full")
    assert everything["runs"] < sum(e["runs"] for e in R.experiment_size("full")), \
        "runs shared between experiments count once in the total"
    headers, body = _table(R.experiment_size_markdown("full"))
    assert body[-1][1] == str(everything["runs"])
    assert "at 4 times the width" in R.size_ratio_markdown("full", "cpu")
    assert "same width" in R.size_ratio_markdown("full", "gpu_pair", experiments=("headline",))


def test_train_images_count_a_training_subset():
    spec = get_profile("smoke").apply(paper_spec("vgg16_11", "swap", "tanh", "cifar100"))[0]
    assert R.train_images(spec) == 10 * 100 * 1


def _records():
    specs = [s for _, s in EXPERIMENTS["headline"].expand(PROFILE)][:3]
    recs = [as_saved(s, make_record(s, acc=40.0 + i, sat=0.5, skew=0.25, spars=0.125))
            for i, s in enumerate(specs)]
    failed = as_saved(specs[-1].replace(seed=9), make_record(specs[-1], status="failed"))
    return recs + [failed]


def test_record_rows_are_sorted_with_fixed_formats():
    rows = R.record_rows(reversed(_records()))
    assert [r["key"] for r in rows] == sorted(r["key"] for r in rows)
    done = [r for r in rows if r["status"] == "complete"]
    assert {r["saturation"] for r in done} == {"0.5000"}
    assert {r["sparsity"] for r in done} == {"0.1250"}
    assert all(r["test_acc"].endswith(".00") for r in done)
    assert all("headline: " in r["experiments"] for r in done)
    failed = next(r for r in rows if r["status"] == "failed")
    assert failed["test_acc"] == "" and failed["saturation"] == ""


def test_csv_is_deterministic_and_written_only_when_it_changes(tmp_path):
    rows = R.record_rows(_records())
    text = R.csv_text(rows, R.RECORD_FIELDS)
    assert text == R.csv_text(R.record_rows(reversed(_records())), R.RECORD_FIELDS)
    assert text.splitlines()[0] == ",".join(R.RECORD_FIELDS)
    path = R.write_csv(tmp_path / "r.csv", rows, R.RECORD_FIELDS)
    stamp = path.stat().st_mtime_ns
    R.write_csv(path, rows, R.RECORD_FIELDS)
    assert path.stat().st_mtime_ns == stamp and path.read_text() == text


def _row(claim, verdict, section="Section 1"):
    return Row(claim=claim, section=section, paper="p", ours="o", profile="long text",
               verdict=verdict, command="c")


def test_scoreboard_rows_take_the_profile_name():
    rows = R.scoreboard_rows({"cpu": [_row("A", "reproduced")], "full": [_row("A", "not run")]})
    assert [(r["profile"], r["verdict"]) for r in rows] == [("cpu", "reproduced"),
                                                             ("full", "not run")]
    assert "long text" not in R.csv_text(rows, R.SCOREBOARD_FIELDS)
    summary = R.download_summary_markdown(R.record_rows(_records()), rows)
    assert "`cpu`, `full` profiles" in summary


def test_takeaways_group_claims_by_verdict_strongest_first():
    rows = [_row("B holds", "not reproduced"), _row("A holds", "reproduced"),
            _row("C holds", "not reproduced", "Section 3")]
    text = R.takeaways_markdown(rows, "cpu")
    assert "`cpu` profile (width 0.25, 10 epochs, 1 seed; 3 for headline Convention, Swap and NWDBN)" in text
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- **reproduced** (1 of 3): A holds (Section 1)")
    assert lines[1] == ("- **not reproduced** (2 of 3): B holds (Section 1); "
                        "C holds (Section 3).")
    assert "No claim" in R.takeaways_markdown([], "cpu")


def test_decay_shrink_is_the_sum_of_lr_times_wd_over_every_step():
    """Closed forms: a constant rate gives epochs x steps x lr x wd; each milestone divides the
    rest of the schedule's rate by 10. The trainer's steps per epoch: 50,000 // 128 = 390 full
    batches and one of 80 images."""
    import math

    from bnswap.render.hyperparameters import decay_shrink, steps_per_epoch

    spec = paper_spec("vgg16_11", "convention", "tanh", "cifar100").replace(
        lr=0.01, epochs=10, milestones=())
    assert steps_per_epoch(spec) == 391
    assert math.isclose(decay_shrink(spec, 1e-3), 10 * 391 * 0.01 * 1e-3)
    stepped = spec.replace(milestones=(5, 8))
    assert math.isclose(decay_shrink(stepped, 1e-3), 391 * 1e-3 * (5 * 0.01 + 3 * 1e-3 + 2 * 1e-4))
    assert decay_shrink(spec, 0.0) == 0.0


def test_sweep_shrink_names_each_profiles_sum_for_the_largest_setting():
    from bnswap.render.hyperparameters import decay_shrink

    text = R.sweep_shrink_markdown("beta_sweep", "wd_beta", ["cpu", "cpu_long"])
    assert "largest decay (0.001)" in text
    for profile in ("cpu", "cpu_long"):
        _, spec = max(EXPERIMENTS["beta_sweep"].expand(profile),
                      key=lambda rs: rs[0].tags["wd_beta"])
        assert f"{decay_shrink(spec, 1e-3):.2f} at `{profile}` ({spec.epochs} epochs" in text
    assert "0.02 at `cpu`" in text and "0.14 at `cpu_long`" in text  # issue 11 (a): a third of 0.41
