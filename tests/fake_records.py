"""Synthetic records shaped like train()'s result, and collect()-shaped runs built from them.

Shared by the tests of :mod:`bnswap.findings.records`, :mod:`bnswap.render` and
:mod:`bnswap.render.scoreboard`.
"""

from __future__ import annotations

import numpy as np

from bnswap.findings.paper import paper
from bnswap.runs.experiments import get_experiment

PROFILE = "smoke"
LEARNED = 1.0
"""A final training loss every dataset counts as learned (below 0.8 ln 10 = 1.84): the records
that agree with the paper come from trained networks, the default ones (4.0) from untrained."""


def make_record(spec, acc=50.0, sat=None, skew=None, spars=None, layers=10, history=None,
                gradients=None, samples=None, status="complete", train_loss=None):
    """A record body shaped like train()'s result (values given per layer or as one number).

    The training loss falls by 0.1 an epoch to ``train_loss`` (default 4.0 - 0.1 (epochs - 1),
    which does not count as learned on CIFAR: see :data:`LEARNED`)."""
    def per_layer(v, default):
        v = default if v is None else v
        return list(v) if isinstance(v, (list, tuple, np.ndarray)) else [v] * layers

    sat, skew, spars = per_layer(sat, 0.3), per_layer(skew, 0.2), per_layer(spars, 0.6)
    rows = []
    for i in range(layers):
        row = {"layer": i + 1, "kind": "conv" if i < layers - 2 else "fc", "channels": 4,
               "saturation": sat[i], "skewness": skew[i], "sparsity": spars[i],
               "channel_skewness": [skew[i]] * 4, "channel_mean": [0.0] * 4}
        if samples and i in samples:
            row["samples"] = samples[i]
        rows.append(row)
    last = 4.0 - 0.1 * (spec.epochs - 1) if train_loss is None else train_loss
    history = history or curve([last + 0.1 * (spec.epochs - 1 - e) for e in range(spec.epochs)],
                               [4.0 - 0.1 * e for e in range(spec.epochs)], acc)
    body = {"status": status, "profile": {"name": spec.profile, "lr_cap": 0.01},
            "data": {"dataset": spec.dataset, "source": "jpeg-copy", "detail": "test"},
            "history": history, "layers": rows, "train_seconds": 12.0,
            "images_per_second": 100.0,
            "final": {"test_acc": acc, "test_loss": history[-1]["test_loss"],
                      "train_loss": history[-1]["train_loss"], "train_acc": 10.0},
            "environment": {"device": "cpu", "threads": 1, "torch": "test"}}
    if gradients is not None:
        body["gradients"] = gradients
    if status != "complete":
        body = {"status": status, "error": "diverged", "profile": body["profile"],
                "data": body["data"]}
    return body


def curve(train_loss, test_loss, acc):
    """A ``history``: one entry per epoch with these training and test losses."""
    return [{"epoch": e + 1, "lr": 0.01, "train_loss": tr, "train_acc": 10.0, "test_loss": te,
             "test_acc": acc, "seconds": 1.0}
            for e, (tr, te) in enumerate(zip(train_loss, test_loss))]


def as_saved(spec, body):
    """What Store.save would return, without touching disk."""
    return {"key": spec.key(), "spec": spec.to_dict(), **body}


def grads(act, inp, wgrad, layers=10):
    return [{"layer": i + 1, "act_input_grad": act, "weight_input": inp, "weight_grad": wgrad}
            for i in range(layers)]


def fake_runs(name, make):
    """collect()-shaped triples for experiment ``name`` with ``make(run, spec)`` -> body or None."""
    out = []
    for run, spec in get_experiment(name).expand(PROFILE):
        body = make(run, spec)
        out.append((run, spec, None if body is None else as_saved(spec, body)))
    return out


def first_seeds(runs, label, n=1):
    """``runs`` with only the first ``n`` seeds of ``label`` recorded, as in a queue that has run
    only those so far (e.g. one NWDBN seed against Convention's three)."""
    return [(run, spec, rec if run.label != label or spec.seed < n else None)
            for run, spec, rec in runs]


def headline_like_paper(run, spec):
    """Headline records that agree with every headline claim of the paper: every run learned;
    Swap's training loss falls faster, both end at the same training loss, Swap's test loss is
    lower (Appendix A.8)."""
    rng = np.random.default_rng(0)
    pooled = rng.normal(0, 1, 2000).tolist()
    samples = {7: {"act": [pooled[:100]] * 2, "block": [pooled[:100]] * 2, "act_layer": [pooled]}}
    spec_by_label = {
        "Convention": dict(acc=30.0, sat=0.3, skew=0.2, spars=0.7, gradients=grads(1e-3, 0.5, 1e-3)),
        "Swap": dict(acc=36.0, sat=[0.8] + [0.5] * 9, skew=2.0, spars=0.85,
                     gradients=grads(1e-4, 1.5, 1.2e-3)),
        "NWDBN": dict(acc=33.0, sat=0.4, skew=0.8, spars=0.3),
        "NoBN": dict(acc=25.0, sat=0.2, skew=0.6, spars=0.5),
    }
    kw = spec_by_label[run.label]
    hist = {"Convention": curve([4.0, 3.2, 2.4, 1.6, LEARNED], [4.0, 3.5, 3.2, 3.1, 3.0], 30.0),
            "Swap": curve([3.0, 2.0, 1.5, 1.2, LEARNED], [3.0, 2.5, 2.2, 2.1, 2.0], 36.0)}
    return make_record(spec, history=hist.get(run.label), samples=samples, train_loss=LEARNED,
                       **kw)


def sweep_like_paper(run, spec):
    if "wd_beta" in run.tags:
        v = run.tags["wd_beta"]
        return make_record(spec, acc=40 - 5000 * v, skew=1.0 - 500 * v, train_loss=LEARNED)
    v = run.tags["wd_affine"]
    return make_record(spec, acc=30 + 1000 * v, spars=0.7 + 200 * v, train_loss=LEARNED)


# Figure 9: Swap's skewness is front-heavy and reaches further back on CIFAR-100.
FIGURE9_SKEW = {"cifar10": [2.0] * 3 + [0.2] * 7, "cifar100": [2.0] * 5 + [0.2] * 5}


def table1_like_paper(run, spec):
    if run.tags["dataset"] not in ("cifar10", "cifar100"):
        return None
    t = paper("table1")
    swap_tanh = run.tags["order"] == "swap" and run.tags["activation"] == "tanh"
    return make_record(spec, acc=t[(run.tags["dataset"], run.tags["arch"], run.tags["activation"],
                                    run.tags["order"])] - 30, train_loss=LEARNED,
                       skew=FIGURE9_SKEW[run.tags["dataset"]] if swap_tanh else None)


def table2_like_paper(run, spec):
    acc = paper("table2_accuracy")[(run.tags["activation"], run.tags["order"])] - 30
    dsk = paper("table2_delta_skewness")[run.tags["activation"]]
    return make_record(spec, acc=acc, skew=0.2 + (dsk if run.tags["order"] == "swap" else 0),
                       train_loss=LEARNED)


def shifted_like_paper(run, spec):
    """The asymmetric Tanh beats the headline's plain Tanh Convention (30 %, skewness 0.2)."""
    return make_record(spec, acc=32.0, skew=0.8, train_loss=LEARNED)


def depth_like_paper(run, spec):
    return make_record(spec, acc=paper("table7")[run.tags["depth"]] - 30, train_loss=LEARNED)


def all_like_paper():
    return {"headline": fake_runs("headline", headline_like_paper),
            "beta_sweep": fake_runs("beta_sweep", sweep_like_paper),
            "affine_sweep": fake_runs("affine_sweep", sweep_like_paper),
            "table1": fake_runs("table1", table1_like_paper),
            "table2": fake_runs("table2", table2_like_paper),
            "shifted_tanh": fake_runs("shifted_tanh", shifted_like_paper),
            "depth": fake_runs("depth", depth_like_paper), "analytic": []}


def pilot_runs(accs, status=lambda order, lr: "complete"):
    """Pilot runs (both orders run at the capped 0.01 under this profile) with accuracy
    ``accs[order][lr]``; an order or rate missing from ``accs`` has no record."""
    def make(run, spec):
        order, lr = run.tags["order"], run.tags["lr"]
        if lr not in accs.get(order, {}):
            return None
        return make_record(spec, acc=accs[order][lr], status=status(order, lr))
    return fake_runs("pilot", make)
