"""The paper's experiments as data: hyperparameters (Tables 3-6) and named specs.

An :class:`Experiment` is a list of labelled runs at the paper's settings (``full`` profile). A
:class:`~bnswap.runs.profiles.Profile` maps each of them to what is actually executed (epochs, LR
milestones, width, seeds, data subset, learning-rate rule) and is written into every record, so a
number in the book always says how it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..core.registries import (BOUNDED_ODD, CIFAR, COMPARED_ORDERS, DATASETS, PAPER_ORDERS,
                               INITS, TABLE1_ACTIVATIONS, TABLE1_ARCHS, VGG16_DEPTHS)
from ..core.spec import RunSpec
from .profiles import Profile, get_profile

# ---- Appendix A.1, Tables 3-6: (lr, weight decay) by (arch, activation, order, dataset) --------
# Columns of each table: CIFAR-10, CIFAR-100, Tiny ImageNet, ImageNet (the registry's order).
_COLUMNS = DATASETS
_TABLES = {
    ("vgg", "tanh", "convention"): ([0.1, 0.01, 0.01, 0.01], [1e-4, 5e-4, 1e-3, 1e-4]),
    ("vgg", "tanh", "swap"): ([0.01, 0.1, 0.01, 0.01], [1e-3, 5e-4, 1e-3, 1e-3]),
    ("vgg", "relu", "convention"): ([0.01, 0.01, 0.1, 0.1], [1e-3, 5e-3, 1e-4, 1e-4]),
    ("vgg", "relu", "swap"): ([0.01, 0.01, 0.01, 0.01], [1e-3, 5e-3, 1e-3, 5e-4]),
    ("mobilenet", "tanh", "convention"): ([0.1, 0.1, 0.01, 0.1], [1e-4, 5e-4, 1e-4, 1e-4]),
    ("mobilenet", "tanh", "swap"): ([0.1, 0.1, 0.1, 0.1], [1e-4, 5e-4, 1e-4, 1e-4]),
    ("mobilenet", "relu", "convention"): ([0.01, 0.01, 0.01, 0.01], [1e-3, 5e-3, 5e-3, 1e-4]),
    ("mobilenet", "relu", "swap"): ([0.01, 0.01, 0.01, 0.1], [1e-3, 5e-3, 5e-3, 1e-4]),
}
HYPERPARAMETERS: dict[tuple[str, str, str, str], dict] = {
    (arch, act, order, ds): {"lr": lrs[i], "wd": wds[i]}
    for (arch, act, order), (lrs, wds) in _TABLES.items() for i, ds in enumerate(_COLUMNS)
}
SCHEDULE = {  # epochs, LR milestones, batch size (Tables 3-6; Convention and Swap on ImageNet differ)
    "cifar10": (200, (100, 150), 128), "cifar100": (200, (100, 150), 128),
    "tiny_imagenet": (200, (100, 150), 128), "imagenet": (100, (30, 60), 256),
}
IMAGENET_SWAP_MILESTONES = (60, 90)
BETA_SWEEP_VALUES = [round(i * 1e-4, 6) for i in range(11)]
"""Weight decay on BN beta, NWDBN base (Section 2's setups, Figure 5)."""
AFFINE_SWEEP_VALUES = [0.0, 1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4]
"""Weight decay on BN gamma and beta, Swap base (Section 2's setups, Figure 7)."""
AFFINE_LARGE_VALUES = [5e-4, 1e-3, 5e-3, 1e-2]
"""Weight decay on BN gamma and beta beyond the Figure 7 sweep (Appendix A.9, Figure 18). The
paper does not list its values; these are ours, starting at the sweep's last (the Swap run's)."""


def paper_spec(arch: str, order: str, activation: str, dataset: str, **overrides: Any) -> RunSpec:
    """The paper's setting for one run (seed 0, width 1, ``full`` profile).

    Bounded activations other than Tanh use the Tanh tables (the paper gives no others); NoBN uses
    Convention's; ``nwdbn`` is Convention with no weight decay on BN's gamma and beta (Section 4.2).
    The hidden FC blocks keep BN on CIFAR and drop it on Tiny ImageNet/ImageNet (Section 7.1).
    """
    if order not in PAPER_ORDERS:
        raise ValueError(f"unknown order {order!r}; choose one of: {', '.join(PAPER_ORDERS)}")
    if dataset not in _COLUMNS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(_COLUMNS)}")
    family = "mobilenet" if arch == "mobilenet" else "vgg"
    act_family = "relu" if activation == "relu" else "tanh"
    nwdbn = order == "nwdbn"
    table_order = "convention" if order in ("nwdbn", "nobn") else order
    hp = HYPERPARAMETERS[(family, act_family, table_order, dataset)]
    epochs, milestones, batch = SCHEDULE[dataset]
    if dataset == "imagenet" and table_order == "swap":
        milestones = IMAGENET_SWAP_MILESTONES
    wd_bn = 0.0 if nwdbn else hp["wd"]
    base = dict(arch=arch, order="convention" if nwdbn else order, activation=activation,
                dataset=dataset, lr=hp["lr"], wd_weight=hp["wd"], wd_gamma=wd_bn, wd_beta=wd_bn,
                epochs=epochs, milestones=milestones, batch_size=batch,
                fc_bn=dataset in CIFAR)
    base.update(overrides)
    return RunSpec(**base)


# ---- experiments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledRun:
    label: str
    spec: RunSpec
    """At the paper's settings; a profile scales it."""
    tags: dict = field(default_factory=dict, hash=False, compare=False)
    min_seeds: int = 1
    """Seeds under every profile, at least: the headline's Convention, Swap and NWDBN get 3 so that
    even a 1-seed profile measures the seed-to-seed spread of the claims between them."""


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    section: str
    runs: tuple[LabelledRun, ...]
    profile_overrides: dict = field(default_factory=dict, hash=False, compare=False)
    """Per-profile replacements of spec fields (e.g. the pilot's explicit learning rates)."""

    def expand(self, profile: str | Profile) -> list[tuple[LabelledRun, RunSpec]]:
        """Every (labelled run, executed spec) pair under ``profile``, seeds included."""
        prof = get_profile(profile) if isinstance(profile, str) else profile
        out = []
        for run in self.runs:
            for spec in prof.apply(run.spec, run.min_seeds):
                fixed = run.tags.get("fixed", {})
                out.append((run, spec.replace(**fixed) if fixed else spec))
        return out


HEADLINE_CAPTURES = (4, 7)  # block 5 (Figure 8) and block 8 (Figure 1), 0-based
_HEADLINE_EXTRAS = {"capture_layers": HEADLINE_CAPTURES, "record_gradients": True}
HEADLINE_SEEDS = 3  # under every profile: the spread of the central claim and of NWDBN's gap
HEADLINE_SEEDED_ORDERS = (*COMPARED_ORDERS, "nwdbn")
"""The headline orders that get :data:`HEADLINE_SEEDS` seeds: Convention and Swap, and NWDBN, whose
gap to Convention in the paper (+2.77 points, Section 4.2) needs its own seed spread."""
CIFAR100 = "cifar100"


def _headline_twin(spec: RunSpec) -> RunSpec:
    """``spec`` with the headline's captures when it is a headline configuration (a sweep's end
    point, the depth sweep's VGG16_11, Table 2's Tanh rows): it then *is* that headline run and
    shares its record, instead of training a twin that differs only in what it records."""
    plain = {paper_spec("vgg16_11", order, "tanh", CIFAR100) for order in PAPER_ORDERS}
    return spec.replace(**_HEADLINE_EXTRAS) if spec in plain else spec


def _headline_seeds(order: str) -> int:
    return HEADLINE_SEEDS if order in HEADLINE_SEEDED_ORDERS else 1


def _headline() -> Experiment:
    runs = [LabelledRun(label, paper_spec("vgg16_11", order, "tanh", CIFAR100, **_HEADLINE_EXTRAS),
                        min_seeds=_headline_seeds(order))
            for label, order in (("Convention", "convention"), ("Swap", "swap"),
                                 ("NWDBN", "nwdbn"), ("NoBN", "nobn"))]
    return Experiment("headline", "Convention vs Swap vs NWDBN vs NoBN (VGG16_11, CIFAR-100, Tanh)",
                      "Sections 3-6, A.2, A.7, A.8", tuple(runs))


def _nobn_init() -> Experiment:
    """Why NoBN does not learn: the headline's NoBN (PyTorch's initialisation) against the same
    network with Tanh-gain Xavier weights (:data:`bnswap.core.registries.INITS`)."""
    runs = [LabelledRun(f"NoBN init={init}",
                        paper_spec("vgg16_11", "nobn", "tanh", CIFAR100, **_HEADLINE_EXTRAS),
                        {"fixed": {"init": init}, "init": init})
            for init in INITS]
    return Experiment("nobn_init", "NoBN with PyTorch's and with Tanh-gain initialisation "
                      "(VGG16_11, CIFAR-100)", "Appendix A.2 (diagnosis)", tuple(runs))


def _pilot() -> Experiment:
    runs = []
    for order in COMPARED_ORDERS:
        for lr in (0.1, 0.01):
            # Same captures as the headline runs: the pilot's runs at the profile's (capped)
            # learning rate are the headline's seed-0 records.
            spec = paper_spec("vgg16_11", order, "tanh", CIFAR100, **_HEADLINE_EXTRAS)
            runs.append(LabelledRun(f"{order.title()} lr={lr:g}", spec,
                                    {"fixed": {"lr": lr}, "order": order, "lr": lr}))
    return Experiment("pilot", "Learning-rate pilot: the paper's two rates for each order "
                      "(VGG16_11, CIFAR-100, Tanh)", "Appendix A.1", tuple(runs))


def _rate_check() -> Experiment:
    """Convention at 0.1, the paper's rate for Swap, with the headline's seeds. Both CPU pilots
    found 0.1 Convention's better rate, while the profiles' rules run it at 0.01, so this gives
    Swap - Convention with each order at its better rate three seeds a side
    (:func:`bnswap.findings.pilot.best_rate_gap`). Seed 0 is the pilot's Convention run at 0.1."""
    spec = paper_spec("vgg16_11", "convention", "tanh", CIFAR100, **_HEADLINE_EXTRAS)
    run = LabelledRun("Convention lr=0.1", spec,
                      {"fixed": {"lr": 0.1}, "order": "convention", "lr": 0.1},
                      min_seeds=HEADLINE_SEEDS)
    return Experiment("rate_check", "Convention at Swap's learning rate (0.1), three seeds "
                      "(VGG16_11, CIFAR-100, Tanh)", "Appendix A.1", (run,))


def _precision() -> Experiment:
    """The headline pair (3 seeds each) in fp32 and in bf16_mixed under one profile: is the
    reduced precision equivalent, measured against the seed noise? The fp32 runs are the
    headline's own records."""
    runs = [LabelledRun(f"{order.title()} {precision}",
                        paper_spec("vgg16_11", order, "tanh", CIFAR100, **_HEADLINE_EXTRAS),
                        {"fixed": {"precision": precision}, "order": order,
                         "precision": precision}, min_seeds=HEADLINE_SEEDS)
            for precision in ("fp32", "bf16_mixed") for order in COMPARED_ORDERS]
    return Experiment("precision", "fp32 vs bf16_mixed training (VGG16_11, CIFAR-100, Tanh, "
                      "headline pair)", "bnswap (issue 11)", tuple(runs))


def _beta_sweep() -> Experiment:
    values = BETA_SWEEP_VALUES
    runs = [LabelledRun(f"wd_beta={v:g}",
                        _headline_twin(paper_spec("vgg16_11", "nwdbn", "tanh", CIFAR100, wd_beta=v)),
                        {"wd_beta": v})
            for v in values]
    return Experiment("beta_sweep", "Weight decay on BN beta, NWDBN base (Figure 5)",
                      "Section 4.2", tuple(runs))


def _affine_runs(values: Sequence[float]) -> tuple[LabelledRun, ...]:
    """Swap runs with weight decay ``v`` on BN's gamma and beta, one per value."""
    return tuple(LabelledRun(f"wd_affine={v:g}",
                             _headline_twin(paper_spec("vgg16_11", "swap", "tanh", CIFAR100,
                                                       wd_gamma=v, wd_beta=v)),
                             {"wd_affine": v})
                 for v in values)


def _affine_sweep() -> Experiment:
    return Experiment("affine_sweep", "Weight decay on BN gamma and beta, Swap base (Figure 7)",
                      "Section 5.3", _affine_runs(AFFINE_SWEEP_VALUES))


def _affine_large() -> Experiment:
    return Experiment("affine_large", "Large weight decay on Swap's BN affine (Figure 18)",
                      "Appendix A.9", _affine_runs(AFFINE_LARGE_VALUES))


def _table1() -> Experiment:
    runs = []
    for ds in DATASETS:
        for arch in TABLE1_ARCHS:
            for act in TABLE1_ACTIVATIONS:
                for order in COMPARED_ORDERS:
                    runs.append(LabelledRun(f"{ds} {arch} {act} {order}",
                                            paper_spec(arch, order, act, ds),
                                            {"dataset": ds, "arch": arch, "activation": act,
                                             "order": order}))
    return Experiment("table1", "Datasets x architectures x activations x order (Table 1)",
                      "Section 7.1", tuple(runs))


def _table2() -> Experiment:
    # Tanh rows are the headline runs themselves (same specs and seeds, same records).
    runs = [LabelledRun(f"{act} {order}",
                        _headline_twin(paper_spec("vgg16_11", order, act, CIFAR100)),
                        {"activation": act, "order": order},
                        min_seeds=_headline_seeds(order) if act == "tanh" else 1)
            for act in BOUNDED_ODD for order in COMPARED_ORDERS]
    return Experiment("table2", "Other bounded activations (Table 2, Figure 13)", "Section 7.2, "
                      "A.5", tuple(runs))


def _shifted() -> Experiment:
    runs = [LabelledRun(f"shifted_tanh {order}", paper_spec("vgg16_11", order, "shifted_tanh",
                                                            CIFAR100), {"order": order})
            for order in COMPARED_ORDERS]
    return Experiment("shifted_tanh", "An asymmetric (shifted) Tanh", "NeurIPS version",
                      tuple(runs))


def _depth() -> Experiment:
    runs = [LabelledRun(f"VGG16_{n}" if n < 16 else "VGG16",
                        _headline_twin(paper_spec(f"vgg16_{n}" if n < 16 else "vgg16", "swap",
                                                  "tanh", CIFAR100)),
                        {"depth": n})
            for n in reversed(VGG16_DEPTHS)]
    return Experiment("depth", "Depth sweep of Swap VGG16_n (Table 7, Figure 14)", "Appendix A.6",
                      tuple(runs))


ANALYTIC = Experiment("analytic", "Closed forms and synthetic checks of the metrics (no "
                      "training)", "Appendices A.3, A.4, A.10", ())
"""The claims scored by computation, not by training: an experiment without runs."""

EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (
    _pilot(), _rate_check(), _headline(), _nobn_init(), _precision(), _beta_sweep(),
    _affine_sweep(), _affine_large(), _table1(), _table2(), _shifted(), _depth(), ANALYTIC)}


def get_experiment(name: str) -> Experiment:
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise ValueError(f"unknown experiment {name!r}; choose one of: "
                         f"{', '.join(EXPERIMENTS)}") from None


SCOREBOARD_EXPERIMENTS = ("headline", "beta_sweep", "affine_sweep", "table1", "table2",
                          "shifted_tanh", "depth", "analytic", "pilot", "rate_check")
"""The experiments whose runs the paper's claims are scored from (:mod:`bnswap.findings.claims`);
the pilot and the rate check score no claim but qualify the headline's (its rates may carry the
gap)."""


CPU_LONG_EXPERIMENTS = ("pilot", "headline", "nobn_init", "table2", "shifted_tanh", "beta_sweep",
                        "affine_sweep", "rate_check")
"""The experiments the ``cpu_long`` profile is run for (the README's queue): the claims that need
weight decay to act or the networks to fit. Table 1 and the depth sweep stay at ``cpu``."""
