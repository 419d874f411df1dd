"""Queries on records (bnswap.findings.records) and the paper's numbers (bnswap.findings.paper),
on synthetic records."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fake_records import (PROFILE, all_like_paper, as_saved, fake_runs, grads, make_record,
                          sweep_like_paper)
from scipy import stats

from bnswap.core.registries import arch_name
from bnswap.findings import records as A
from bnswap.findings.paper import PAPER, paper, swap_gain
from bnswap.runs.experiments import get_experiment


def test_paper_numbers_are_consistent_and_cited():
    assert paper("acc_swap") - paper("acc_conv") == pytest.approx(paper("swap_gain"))
    assert len(paper("table1")) == 32
    assert paper("table1")[("cifar100", "vgg16", "tanh", "swap")] == 72.17
    assert paper("table1")[("tiny_imagenet", "vgg16", "relu", "swap")] == 59.045
    assert paper("table2_accuracy")[("tanh", "swap")] == paper("acc_swap")
    assert swap_gain(paper("table1"), "cifar100", "vgg16", "tanh") == pytest.approx(72.17 - 64.84)
    assert swap_gain(paper("table2_accuracy"), "tanh") == pytest.approx(paper("swap_gain"))
    assert [arch_name(a) for a in ("mobilenet", "vgg16", "vgg16_11")] == [
        "MobileNet", "VGG16", "VGG16_11"]
    assert max(paper("table7"), key=paper("table7").get) == 11
    assert paper("sparsity_swap") > paper("sparsity_conv") > paper("sparsity_nwdbn")
    assert all(c.source for c in PAPER.values())
    with pytest.raises(KeyError, match="known"):
        paper("nope")


def test_layer_metrics_skip_undefined_saturation():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    rec = as_saved(spec, make_record(spec, sat=[None, 0.2, 0.4] + [None] * 7))
    assert A.layer_average(rec, "saturation") == pytest.approx(0.3)
    assert A.max_layer(rec, "saturation") == pytest.approx(0.4)
    assert np.isnan(A.layer_values(rec, "saturation")[0])
    with pytest.raises(ValueError, match="unknown metric"):
        A.layer_values(rec, "entropy")
    rec2 = as_saved(spec, make_record(spec, sat=[0.5, 0.4, 0.6] + [0.1] * 7))
    mean, std = A.layer_profile([rec, rec2], "skewness")
    assert mean.shape == (10,) and np.allclose(std, 0)
    assert A.max_metric([rec, rec2], "saturation").mean == pytest.approx(0.5)


def test_by_label_missing_and_failed():
    runs = fake_runs("headline", lambda run, spec: None if run.label == "NoBN" else
                     make_record(spec, status="failed" if run.label == "NWDBN" else "complete"))
    groups = A.by_label(runs)
    assert list(groups) == ["Convention", "Swap", "NWDBN", "NoBN"]
    assert len(groups["Convention"]) == 3 and groups["NWDBN"] == [] and groups["NoBN"] == []
    assert A.missing(runs) == [("NoBN", 0)]
    assert [f[0] for f in A.failed(runs)] == ["NWDBN"] * 3


def test_sweep_points_learning_curve_gradients():
    runs = fake_runs("beta_sweep", sweep_like_paper)
    pts = A.sweep_points(runs, "wd_beta", "skewness")
    assert len(pts) == 11 and pts[0].setting == 0.0
    assert pts[0].metric > pts[-1].metric and pts[0].accuracy > pts[-1].accuracy
    spec = runs[0][1].replace(epochs=3)
    recs = [as_saved(spec, make_record(spec)) for _ in range(2)]
    ep, mean, std = A.learning_curve(recs, "train_loss")
    assert list(ep) == [1, 2, 3] and mean[0] == pytest.approx(4.0) and np.allclose(std, 0)
    assert A.gradient_profile(recs, "weight_grad").size == 0
    recs = [as_saved(spec, make_record(spec, gradients=grads(1.0, 2.0, 3.0)))]
    assert np.allclose(A.gradient_profile(recs, "weight_input"), 2.0)


def test_captured_samples_and_sample_skewness():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    samples = {4: {"act": [[1, 2, 3]], "block": [[0, 1, 0]], "act_layer": [[1, 2, 3, 10]]}}
    rec = as_saved(spec, make_record(spec, samples=samples))
    assert A.captured_layers(rec) == [4]
    assert A.captured(rec, 4, "act_layer").shape == (1, 4)
    assert A.captured(rec, 3, "act") is None and A.captured(None, 4, "act") is None
    v = np.random.default_rng(1).exponential(size=500)
    assert A.sample_skewness(v) == pytest.approx(stats.skew(v, bias=False))


def test_group_by_tags():
    groups = A.group_by(all_like_paper()["table2"], "activation", "order")
    assert len(groups) == 6
    assert {k: len(v) for k, v in groups.items() if len(v) != 1} == {
        ("tanh", "convention"): 3, ("tanh", "swap"): 3}


@pytest.mark.parametrize("dataset, classes", [("cifar10", 10), ("cifar100", 100)])
def test_learned_compares_the_final_train_loss_with_guessing(dataset, classes):
    """A run 'learned' when its final training loss is at least 20 % below ln(classes)."""
    chance = math.log(classes)

    def record(train_loss):
        return {"spec": {"dataset": dataset}, "final": {"train_loss": train_loss}}

    assert A.learned(record(0.79 * chance))
    assert A.learned(record(0.1))
    assert not A.learned(record(0.81 * chance))
    assert not A.learned(record(chance))


def test_chance_loss_is_ln_classes():
    assert A.chance_loss({"spec": {"dataset": "cifar100"}}) == pytest.approx(math.log(100))
    assert A.chance_loss({"spec": {"dataset": "cifar10"}}) == pytest.approx(math.log(10))


def test_record_queries_skip_incomplete_records():
    spec = get_experiment("headline").expand(PROFILE)[0][1]
    good = as_saved(spec, make_record(spec, acc=41.5))
    failed = {**good, "status": "failed"}
    layerless = {k: v for k, v in good.items() if k != "layers"}
    assert A.is_complete(good) and not A.is_complete(failed)
    assert not A.is_complete(layerless) and not A.is_complete(None)
    runs = [(None, spec, good), (None, spec, failed), (None, spec, None), (None, spec, layerless)]
    assert A.records_of(runs) == [good]
    assert A.final_accuracy(good) == 41.5
