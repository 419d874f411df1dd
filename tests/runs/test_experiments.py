"""Experiment specs and profiles, checked against the paper's Appendix A.1 tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bnswap.core.registries import PRECISIONS
from bnswap.core.spec import RunSpec
from bnswap.runs.experiments import (CPU_LONG_EXPERIMENTS, EXPERIMENTS, HYPERPARAMETERS,
                                     get_experiment, paper_spec)
from bnswap.runs.profiles import PROFILES, get_profile
from bnswap.runs.results import Store

README = Path(__file__).parents[2] / "README.md"


def cpu_long_queue() -> set[RunSpec]:
    """The distinct runs of the README's cpu_long queue (``CPU_LONG_EXPERIMENTS``)."""
    return {spec for name in CPU_LONG_EXPERIMENTS
            for _, spec in EXPERIMENTS[name].expand("cpu_long")}

# Cells read off the paper's Tables 3-6 (Appendix A.1): (lr, weight decay).
PAPER_CELLS = {
    # Table 3, VGG16 Tanh
    ("vgg", "tanh", "convention", "cifar10"): (0.1, 0.0001),
    ("vgg", "tanh", "convention", "cifar100"): (0.01, 0.0005),
    ("vgg", "tanh", "swap", "cifar100"): (0.1, 0.0005),
    ("vgg", "tanh", "swap", "cifar10"): (0.01, 0.001),
    ("vgg", "tanh", "swap", "imagenet"): (0.01, 0.001),
    # Table 4, VGG16 ReLU
    ("vgg", "relu", "convention", "tiny_imagenet"): (0.1, 0.0001),
    ("vgg", "relu", "convention", "cifar100"): (0.01, 0.005),
    ("vgg", "relu", "swap", "imagenet"): (0.01, 0.0005),
    # Table 5, MobileNet Tanh
    ("mobilenet", "tanh", "convention", "tiny_imagenet"): (0.01, 0.0001),
    ("mobilenet", "tanh", "swap", "tiny_imagenet"): (0.1, 0.0001),
    ("mobilenet", "tanh", "convention", "cifar100"): (0.1, 0.0005),
    # Table 6, MobileNet ReLU
    ("mobilenet", "relu", "convention", "tiny_imagenet"): (0.01, 0.005),
    ("mobilenet", "relu", "swap", "imagenet"): (0.1, 0.0001),
    ("mobilenet", "relu", "convention", "imagenet"): (0.01, 0.0001),
}


@pytest.mark.parametrize("cell", sorted(PAPER_CELLS))
def test_hyperparameters_match_paper_tables(cell) -> None:
    lr, wd = PAPER_CELLS[cell]
    assert HYPERPARAMETERS[cell] == {"lr": lr, "wd": wd}
    family, act, order, ds = cell
    s = paper_spec("mobilenet" if family == "mobilenet" else "vgg16", order, act, ds)
    assert (s.lr, s.wd_weight, s.wd_gamma, s.wd_beta) == (lr, wd, wd, wd)


def test_hyperparameter_table_is_complete() -> None:
    # 2 architectures x 2 activations x 2 orders x 4 datasets, every value one the paper swept.
    assert len(HYPERPARAMETERS) == 32
    assert {v["lr"] for v in HYPERPARAMETERS.values()} <= {0.1, 0.01}
    assert {v["wd"] for v in HYPERPARAMETERS.values()} <= {0.005, 0.001, 0.0005, 0.0001}


@pytest.mark.parametrize("dataset,order,epochs,milestones,batch", [
    ("cifar10", "convention", 200, (100, 150), 128),
    ("tiny_imagenet", "swap", 200, (100, 150), 128),
    ("imagenet", "convention", 100, (30, 60), 256),
    ("imagenet", "swap", 100, (60, 90), 256),  # Tables 3-6: Swap drops the LR later on ImageNet
])
def test_schedules(dataset, order, epochs, milestones, batch) -> None:
    s = paper_spec("vgg16", order, "tanh", dataset)
    assert (s.epochs, s.milestones, s.batch_size, s.momentum) == (epochs, milestones, batch, 0.9)


def test_paper_spec_rules() -> None:
    # FC blocks keep BN on CIFAR only (Section 7.1).
    assert paper_spec("vgg16", "swap", "tanh", "cifar100").fc_bn
    assert not paper_spec("vgg16", "swap", "tanh", "tiny_imagenet").fc_bn
    assert not paper_spec("vgg16", "swap", "tanh", "imagenet").fc_bn
    # Other bounded activations use the Tanh tables; NoBN uses Convention's.
    tanh = paper_spec("vgg16_11", "swap", "tanh", "cifar100")
    assert paper_spec("vgg16_11", "swap", "lecun_tanh", "cifar100").replace(
        activation="tanh") == tanh
    nobn = paper_spec("vgg16_11", "nobn", "tanh", "cifar100")
    conv = paper_spec("vgg16_11", "convention", "tanh", "cifar100")
    assert (nobn.order, nobn.lr, nobn.wd_weight) == ("nobn", conv.lr, conv.wd_weight)
    assert paper_spec("vgg16_11", "swap", "tanh", "cifar100", seed=2, width=0.5).seed == 2


def test_unknown_names_raise_value_error() -> None:
    with pytest.raises(ValueError) as err:
        get_experiment("table9")
    assert all(name in str(err.value) for name in EXPERIMENTS)
    with pytest.raises(ValueError) as err:
        get_profile("tpu")
    assert all(name in str(err.value) for name in PROFILES)
    with pytest.raises(ValueError, match="choose one of"):
        paper_spec("resnet", "swap", "tanh", "cifar10")
    with pytest.raises(ValueError, match="choose one of"):
        paper_spec("vgg16", "swap", "gelu", "cifar10")
    with pytest.raises(ValueError, match="choose one of"):
        paper_spec("vgg16", "sideways", "tanh", "cifar10")
    with pytest.raises(ValueError, match="choose one of"):
        paper_spec("vgg16", "swap", "tanh", "mnist")


# ---- profiles -------------------------------------------------------------------------------------


def test_cpu_profile_scales_milestones_and_caps_lr() -> None:
    cpu = get_profile("cpu")
    (s,) = cpu.apply(paper_spec("vgg16_11", "swap", "tanh", "cifar100"))
    assert (s.epochs, s.milestones) == (10, (5, 8))
    assert s.lr == 0.01 and s.width == 0.25 and s.profile == "cpu" and s.seed == 0
    (i,) = cpu.apply(paper_spec("vgg16", "swap", "tanh", "imagenet"))
    assert i.milestones == (6, 9)
    (c,) = cpu.apply(paper_spec("vgg16", "convention", "tanh", "imagenet"))
    assert c.milestones == (3, 6)


def test_full_profile_is_the_paper() -> None:
    paper = paper_spec("vgg16_11", "swap", "tanh", "cifar100")
    runs = get_profile("full").apply(paper)
    assert [r.seed for r in runs] == [0, 1, 2]
    assert all(r.replace(seed=0, precision="fp32") == paper for r in runs)
    assert {r.precision for r in runs} == {"bf16_mixed"}  # a GPU's bf16, Tanh kept in fp32


def test_precision_is_part_of_the_key_and_fp32_keeps_old_keys() -> None:
    spec = paper_spec("vgg16_11", "swap", "tanh", "cifar100")
    assert "precision" not in spec.to_dict()  # fp32 records made before the field keep keys
    keys = {spec.replace(precision=p).key() for p in PRECISIONS}
    assert len(keys) == len(PRECISIONS) and spec.key() in keys
    mixed = spec.replace(precision="bf16_mixed")
    assert mixed.to_dict()["precision"] == "bf16_mixed"
    assert RunSpec.from_dict(mixed.to_dict()) == mixed
    with pytest.raises(ValueError, match="bf16_mixed"):
        spec.replace(precision="fp16")


def test_cpu_long_lets_weight_decay_act() -> None:
    """Issue 11's test (a): the largest beta decay's cumulative shrink, sum of lr * wd over all
    steps, is at least a third of the paper's 200 epochs (0.41)."""
    steps = -(-50_000 // 128)
    def shrink(profile: str) -> float:
        s = get_profile(profile).apply(
            paper_spec("vgg16_11", "nwdbn", "tanh", "cifar100", wd_beta=1e-3))[0]
        return sum(steps * s.lr_at(e) * s.wd_beta for e in range(s.epochs))
    assert shrink("cpu") < 0.03
    assert shrink("cpu_long") >= 0.14 and shrink("full") > 0.4


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_seed_count_and_fields(name: str) -> None:
    prof = get_profile(name)
    paper = paper_spec("vgg16_11", "convention", "tanh", "cifar100")
    runs = prof.apply(paper)
    assert len(runs) == prof.seeds
    assert [r.seed for r in runs] == list(range(prof.seeds))
    assert len({r.key() for r in runs}) == prof.seeds
    for r in runs:
        assert r.profile == name
        assert r.epochs == (prof.epochs or paper.epochs)
        assert r.width == (prof.width or paper.width)
        assert r.train_per_class == prof.train_per_class
        assert all(1 <= m <= r.epochs for m in r.milestones)
        assert list(r.milestones) == sorted(set(r.milestones))
    assert prof.to_dict()["name"] == name


def test_smoke_profile_is_small() -> None:
    (s,) = get_profile("smoke").apply(paper_spec("vgg16_11", "swap", "tanh", "cifar100"))
    assert s.epochs == 1 and s.width <= 0.125 and s.train_per_class is not None


# ---- experiments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_every_experiment_expands_under_every_profile(name: str, profile: str) -> None:
    exp = get_experiment(name)
    prof = get_profile(profile)
    pairs = exp.expand(profile)
    # Only the analytic claims' experiment trains nothing.
    assert len(pairs) == sum(max(prof.seeds, run.min_seeds) for run in exp.runs)
    assert (len(pairs) > 0) == (name != "analytic")
    assert exp.expand(prof) == pairs
    keys = [spec.key() for _, spec in pairs]
    assert len(set(keys)) == len(keys), "two runs of one experiment would share a record"
    for run, spec in pairs:
        assert isinstance(spec, RunSpec) and spec.profile == profile
        assert run in exp.runs and run.label
        assert RunSpec.from_dict(spec.to_dict()) == spec


def test_experiment_contents() -> None:
    headline = get_experiment("headline")
    orders = [(r.spec.order, r.spec.wd_gamma == 0) for r in headline.runs]
    assert orders == [("convention", False), ("swap", False), ("convention", True),
                      ("nobn", False)]
    assert all(r.spec.arch == "vgg16_11" and r.spec.dataset == "cifar100" for r in headline.runs)
    # Convention, Swap and NWDBN carry three seeds under every profile (the spread of the claims
    # between them), and Table 2's Tanh rows are the very same runs.
    seeds = {}
    for run, spec in headline.expand("cpu"):
        seeds.setdefault(run.label, []).append(spec.seed)
    assert seeds == {"Convention": [0, 1, 2], "Swap": [0, 1, 2], "NWDBN": [0, 1, 2], "NoBN": [0]}
    assert len(headline.expand("full")) == 4 * 3
    tanh_rows = {spec.key() for run, spec in get_experiment("table2").expand("cpu")
                 if run.spec.activation == "tanh"}
    assert tanh_rows == {spec.key() for run, spec in headline.expand("cpu")
                         if run.label in ("Convention", "Swap")}

    beta = [r.spec for r in get_experiment("beta_sweep").runs]
    assert [s.wd_beta for s in beta] == pytest.approx([i * 1e-4 for i in range(11)])
    assert all(s.wd_gamma == 0 and s.order == "convention" for s in beta)  # NWDBN base

    affine = [r.spec for r in get_experiment("affine_sweep").runs]
    assert [s.wd_gamma for s in affine] == [0, 1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4]
    assert all(s.wd_beta == s.wd_gamma and s.order == "swap" for s in affine)

    table1 = get_experiment("table1").runs
    assert len(table1) == 4 * 2 * 2 * 2
    assert {(r.spec.dataset, r.spec.arch, r.spec.activation, r.spec.order) for r in table1} == {
        (d, a, f, o) for d in ("cifar10", "cifar100", "tiny_imagenet", "imagenet")
        for a in ("vgg16", "mobilenet") for f in ("tanh", "relu") for o in ("convention", "swap")}

    table2 = get_experiment("table2").runs
    assert {(r.spec.activation, r.spec.order) for r in table2} == {
        (a, o) for a in ("tanh", "lecun_tanh", "softsign") for o in ("convention", "swap")}

    depth = sorted(r.spec.arch for r in get_experiment("depth").runs)
    assert depth == sorted(["vgg16"] + [f"vgg16_{n}" for n in range(8, 16)])

    assert {r.spec.activation for r in get_experiment("shifted_tanh").runs} == {"shifted_tanh"}


def test_pilot_fixes_its_learning_rates_under_every_profile() -> None:
    for profile in PROFILES:
        lrs = sorted({spec.lr for _, spec in get_experiment("pilot").expand(profile)})
        assert lrs == [0.01, 0.1]


@pytest.mark.parametrize("change,message", [
    ({"arch": "resnet"}, "unknown arch"), ({"order": "nwdbn"}, "unknown order"),
    ({"activation": "gelu"}, "unknown activation"), ({"dataset": "mnist"}, "unknown dataset"),
    ({"epochs": 0}, "epochs"), ({"batch_size": 1}, "batch_size"), ({"width": 0.0}, "width"),
])
def test_run_spec_rejects_bad_values(change, message) -> None:
    # nwdbn is a paper_spec name, not a model order: RunSpec must get "convention" + zero BN decay.
    good = paper_spec("vgg16_11", "swap", "tanh", "cifar100")
    with pytest.raises(ValueError, match=message):
        good.replace(**change)


def test_several_experiments_train_as_one_queue(monkeypatch) -> None:
    """``python -m bnswap experiment A B --dataset D``: one queue, shared runs once, D only."""
    import bnswap.runs.runner as runner

    queued: list[list[RunSpec]] = []

    def fake_run_specs(specs, profile, opts, jobs=1):
        queued.append(list(specs))
        return [{"key": s.key()} for s in specs]

    monkeypatch.setattr(runner, "run_specs", fake_run_specs)
    pairs = runner.run_experiments(["table2", "table1"], "cpu", runner.RunOptions(), jobs=2,
                                   datasets=["cifar100"])
    assert len(queued) == 1  # one pool for both experiments
    specs = queued[0]
    assert {s.dataset for s in specs} == {"cifar100"}
    assert len(specs) == 6 + 4 + 8  # Table 2 (its Tanh pair with 3 seeds), Table 1 CIFAR-100
    assert [run.label for run, _ in pairs[:10]] == [run.label for run, _ in
                                                   EXPERIMENTS["table2"].expand("cpu")]
    assert all(rec["key"] == spec.key() for (_, rec), spec in zip(pairs, specs))
    everything = runner.run_experiments(["table1"], "cpu", runner.RunOptions())
    assert len(everything) == 32  # no filter: all four datasets


@pytest.mark.parametrize("profile", ["cpu", "full"])
def test_headline_configurations_elsewhere_share_the_headline_records(profile):
    """A sweep's end point (beta 0 = NWDBN, affine 5e-4 = Swap), the depth sweep's VGG16_11 and
    Table 2's Tanh rows are headline runs: same spec, so one record, never a retrained twin."""
    def keys(name, label):
        return {s.key() for r, s in get_experiment(name).expand(profile) if r.label == label}

    nwdbn, swap = keys("headline", "NWDBN"), keys("headline", "Swap")
    assert keys("beta_sweep", "wd_beta=0") <= nwdbn
    assert keys("affine_sweep", "wd_affine=0.0005") <= swap
    assert keys("depth", "VGG16_11") <= swap
    assert keys("table2", "tanh swap") == swap
    # ... and only those: other points are configurations of their own
    assert not keys("affine_sweep", "wd_affine=0.0001") & swap
    assert not keys("depth", "VGG16_12") & swap


def test_readme_states_the_cpu_long_queue_it_runs() -> None:
    """The README's cpu_long queue command names exactly CPU_LONG_EXPERIMENTS (the pilot on its
    own line first), and its count of distinct runs is theirs."""
    readme = README.read_text()
    runs = len(cpu_long_queue())
    assert re.search(rf"Table 2 and shifted Tanh\) are {runs} distinct runs", readme)
    commands = re.findall(r"python -m bnswap experiment ([a-z0-9_ \\\n]+?)\s+--profile cpu_long",
                          readme)
    named = {n for c in commands for n in c.replace("\\", " ").split()}
    assert set(CPU_LONG_EXPERIMENTS) <= named


@pytest.mark.parametrize("profile", ["cpu", "cpu_long"])
def test_rate_check_is_convention_at_0_1_whose_seed_0_is_the_pilots_run(profile: str) -> None:
    """Three seeds of Convention at 0.1 under every profile (the rules run it at 0.01 on both
    CPU profiles); seed 0 is the pilot's Convention run at 0.1, so it shares that record."""
    specs = [spec for _, spec in EXPERIMENTS["rate_check"].expand(profile)]
    assert [s.seed for s in specs] == [0, 1, 2]
    assert {(s.order, s.lr, s.wd_gamma) for s in specs} == {("convention", 0.1, 5e-4)}
    pilot = {(run.tags["order"], run.tags["lr"]): spec
             for run, spec in EXPERIMENTS["pilot"].expand(profile)}
    assert specs[0] == pilot[("convention", 0.1)]


def test_readme_example_of_list_counts_the_headline_runs() -> None:
    """The README's example of ``bnswap list``'s column ("N/N for the headline at the cpu
    profile") is the headline's distinct run count there."""
    readme = README.read_text()
    shown = re.search(r"`(\d+)/(\d+)` for the headline at the `cpu` profile", readme)
    n = len({spec for _, spec in EXPERIMENTS["headline"].expand("cpu")})
    assert shown and (int(shown[1]), int(shown[2])) == (n, n)


def test_readme_says_the_cpu_long_queue_is_recorded_only_when_it_is() -> None:
    """The README calls the cpu_long queue 'all recorded' exactly when every one of its runs has a
    record in the repository's store (a spec change that moved a key breaks this, as it should)."""
    store = Store(README.parent / "results")
    missing = sorted(spec.key() for spec in cpu_long_queue() if not store.exists(spec))
    claimed = "distinct runs, all recorded" in README.read_text()
    assert claimed == (not missing), (
        f"README says all recorded: {claimed}; runs without a record: {len(missing)} {missing[:3]}")
