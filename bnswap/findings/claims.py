"""The paper's claims, each scored from the records as a :class:`Finding`: its numbers, the verdict
of each of its parts and of the whole (by the rules of :mod:`bnswap.findings.verdicts`, never by
hand). Numbers only: :mod:`bnswap.render.scoreboard` writes each finding's row.

This module holds the headline claims (Sections 3-5, Appendices A.2, A.7, A.8), one function per
claim; the sweeps and the extended chapter's claims are :mod:`bnswap.findings.claims_extended`,
and :mod:`bnswap.findings.score` lists them all in the paper's order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np

from .compare import NOISE_PAIR, SeedNoise, Terms, shallow_gradient_ratios
from .paper import paper
from .pilot import best_rate_gap, rate_choices, rule_shift
from .records import (Measure, Runs, accuracy, average_skewness, average_sparsity, by_label,
                      captured, captured_layers, early_epochs, early_train_loss, final_test_loss,
                      final_train_loss, group_by, max_saturation, sample_skewness,
                      seeds_unrecorded)
from .stats import Contrast, Stat
from .verdicts import (NOT_RUN, SAME_LOSS, Unlearned, judge, verdict_difference, verdict_similar,
                       verdict_symmetric)


@dataclass
class Finding:
    """One claim scored on the records."""

    claim: str
    """Which claim (the key of its row in :mod:`bnswap.render.scoreboard`)."""
    experiment: str
    parts: list[str]
    """The verdict of each part of the claim."""
    verdict: str
    unlearned: list[Unlearned]
    """Configurations it rests on that did not learn (then the verdict is *not comparable*)."""
    runs: Runs
    """The runs it is scored from (their setup is the row's profile)."""
    values: dict[str, Any] = field(default_factory=dict)
    """The numbers its row shows, by name."""
    scope: str = ""
    """The part of the experiment it covers (a dataset of Table 1), else empty."""
    topic: str = ""
    """The chapter that discusses it: saturation, asymmetry, sparsity or extended."""


@dataclass
class Context:
    """What the claim functions read: the collected runs (``data[name]``) of the experiments."""

    data: Mapping[str, Runs]
    noise_runs: Runs | None = None
    """Headline runs to measure seed noise on when ``data`` holds no headline (nor Table 2)."""

    def runs(self, name: str) -> Runs:
        return self.data.get(name, [])

    @cached_property
    def headline(self) -> dict[str, list[dict]]:
        return by_label(self.runs("headline"))

    @cached_property
    def noise(self) -> SeedNoise:
        """The headline Convention/Swap pair's seed noise. Table 2's Tanh rows are the same
        runs, so a scoreboard given Table 2 but not the headline measures it there."""
        if "headline" in self.data:
            return SeedNoise(tuple(self.headline.get(label, []) for label in NOISE_PAIR))
        if self.noise_runs is not None and "table2" not in self.data:
            pair = by_label(self.noise_runs)
            return SeedNoise(tuple(pair.get(label, []) for label in NOISE_PAIR))
        tanh = group_by(self.runs("table2"), "activation", "order")
        return SeedNoise(tuple(tanh.get(("tanh", label.lower()), []) for label in NOISE_PAIR))

    def stat(self, label: str, measure: Measure) -> Stat:
        """``measure`` over the headline records of ``label`` (*not run* without any)."""
        return measure(self.headline.get(label, []))

    def difference(self, high: str, low: str, measure: Measure) -> Contrast:
        """``high - low`` of ``measure`` on the headline runs, with the seed noise."""
        return self.noise.contrast(self.terms(high, low, measure), measure)

    def terms(self, high: str, low: str, measure: Measure) -> Terms:
        return [(1, self.stat(high, measure)), (-1, self.stat(low, measure))]

    def used(self, *labels: str) -> dict[str, Sequence[dict]]:
        """The headline records of ``labels`` (empty for a label without any)."""
        return {label: self.headline.get(label, []) for label in labels}

    def finding(self, claim: str, experiment: str, parts: Sequence[str],
                used: Mapping[str, Sequence[dict]], values: dict[str, Any],
                complete: bool | None = None, runs: Runs | None = None,
                scope: str = "") -> Finding:
        """A finding with its verdict from :func:`bnswap.findings.verdicts.judge`; ``runs``
        narrows it to part of the experiment (one dataset of Table 1). A configuration it rests
        on that still misses a planned seed makes it *incomplete*, as a missing configuration does."""
        runs = self.runs(experiment) if runs is None else runs
        if complete is None and seeds_unrecorded(runs, used):
            complete = False
        verdict, unlearned = judge(parts, used, complete)
        return Finding(claim, experiment, list(parts), verdict, unlearned, runs, values, scope)


# ---- headline claims (Sections 3-5, Appendices A.2, A.7, A.8) ------------------------------------


def swap_beats_convention(ctx: Context, name: str) -> Finding:
    """Section 3.2, Table 2: Swap's test accuracy above Convention's. With the profile's pilot in
    the data, the finding also carries how the profile's learning rates move the gap
    (:func:`bnswap.findings.pilot.rule_shift`) and the seed noise of a gap between two single-seed
    runs (:meth:`SeedNoise.gap`, as :func:`~bnswap.findings.compare.seed_gap_noise` gives it), so a
    reader learns when the rates rather than the order carry it."""
    c = ctx.difference("Swap", "Convention", accuracy)
    return ctx.finding("swap_beats_convention", name, [verdict_difference(c, paper("swap_gain"))],
                       ctx.used("Swap", "Convention"),
                       {"swap": ctx.stat("Swap", accuracy),
                        "convention": ctx.stat("Convention", accuracy), "gap": c,
                        "pilot": rule_shift(rate_choices(ctx.runs("pilot"))),
                        "pilot_noise": ctx.noise.gap(Stat.empty(), Stat.empty(), accuracy),
                        "best_rate": best_rate_gap(ctx.runs("pilot"), ctx.runs("headline"),
                                                   ctx.noise, [ctx.runs("rate_check")])})


def swap_saturates(ctx: Context, name: str) -> Finding:
    """Section 3.2, Figure 3: Swap's most saturated layer is more saturated than Convention's."""
    c = ctx.difference("Swap", "Convention", max_saturation)
    return ctx.finding("swap_saturates", name,
                       [verdict_difference(c, paper("max_sat_swap") - paper("max_sat_conv"))],
                       ctx.used("Swap", "Convention"),
                       {"swap": ctx.stat("Swap", max_saturation),
                        "convention": ctx.stat("Convention", max_saturation), "gap": c})


def pooled_skewness(records: Sequence[dict], prefer: int = 7) -> tuple[float, float, int | None]:
    """Layer-level skewness of the pooled ``act_layer`` samples of one captured block (Figure 1's
    block 8 if captured) and that block's mean channel |skewness|, averaged over seeds, with the
    block's 1-based index (None without captured samples)."""
    layer, chan, where = [], [], None
    for rec in records:
        layers = captured_layers(rec)
        if not layers:
            continue
        i = prefer if prefer in layers else layers[-1]
        pooled = captured(rec, i, "act_layer")
        if pooled is None:
            continue
        layer.append(sample_skewness(pooled.ravel()))
        chan.append(float(rec["layers"][i]["skewness"]))
        where = i + 1
    if not layer:
        return math.nan, math.nan, None
    return float(np.mean(layer)), float(np.mean(chan)), where


def asymmetric_channels(ctx: Context, name: str) -> Finding:
    """Section 4.1, Figures 1 and 4, Table 2: Swap's channels are skewed, its layers are not."""
    c = ctx.difference("Swap", "Convention", average_skewness)
    layer_skew, chan_skew, where = pooled_skewness(ctx.headline.get("Swap", []))
    parts = [verdict_difference(c, paper("table2_delta_skewness")["tanh"]),
             verdict_symmetric(layer_skew, chan_skew)]
    return ctx.finding("asymmetric_channels", name, parts, ctx.used("Swap", "Convention"),
                       {"swap": ctx.stat("Swap", average_skewness),
                        "convention": ctx.stat("Convention", average_skewness), "gap": c,
                        "layer_skewness": layer_skew, "channel_skewness": chan_skew,
                        "block": where})


def _ordered(ctx: Context, name: str, claim: str, measure: Measure,
             paper_values: dict[str, float]) -> Finding:
    """A claim "first > second > third" on ``measure`` of the headline runs (``paper_values`` in
    the claimed order): each adjacent difference of ours against the paper's."""
    labels = list(paper_values)
    steps = [(hi, lo, ctx.difference(hi, lo, measure)) for hi, lo in zip(labels, labels[1:])]
    return ctx.finding(claim, name,
                       [verdict_difference(c, paper_values[hi] - paper_values[lo])
                        for hi, lo, c in steps], ctx.used(*labels),
                       {"stats": {label: ctx.stat(label, measure) for label in labels},
                        "paper": paper_values, "steps": steps})


def nwdbn_between(ctx: Context, name: str) -> Finding:
    """Sections 4.2 and 5.2: NWDBN's accuracy lies between Convention's and Swap's."""
    return _ordered(ctx, name, "nwdbn_between", accuracy,
                    {"Swap": paper("acc_swap"), "NWDBN": paper("acc_nwdbn"),
                     "Convention": paper("acc_conv")})


def nwdbn_leans(ctx: Context, name: str) -> Finding:
    """Sections 4.2, 5.2 and 6 (Figure 8): without weight decay on BN, Convention's Tanh inputs
    drift off zero, so NWDBN's channels are more asymmetric than Convention's. The paper states
    the direction only (Figure 5 plots NWDBN's average skewness, but not Convention's)."""
    c = ctx.difference("NWDBN", "Convention", average_skewness)
    return ctx.finding("nwdbn_leans", name, [verdict_difference(c, 1.0, sized=False)],
                       ctx.used("NWDBN", "Convention"),
                       {"nwdbn": ctx.stat("NWDBN", average_skewness),
                        "convention": ctx.stat("Convention", average_skewness), "gap": c})


def sparsity_order(ctx: Context, name: str) -> Finding:
    """Section 5.2: sparsity Swap > Convention > NWDBN."""
    return _ordered(ctx, name, "sparsity_order", average_sparsity,
                    {"Swap": paper("sparsity_swap"), "Convention": paper("sparsity_conv"),
                     "NWDBN": paper("sparsity_nwdbn")})


def nobn(ctx: Context, name: str) -> Finding:
    """Appendix A.2, Figure 10: NoBN is skewed like Swap, but less accurate than Convention."""
    skew = ctx.difference("NoBN", "Convention", average_skewness)
    acc = ctx.difference("Convention", "NoBN", accuracy)
    parts = [verdict_difference(skew, 1.0, sized=False),
             verdict_difference(acc, paper("acc_conv_vs_nobn") - paper("acc_nobn"))]
    return ctx.finding("nobn", name, parts, ctx.used("NoBN", "Convention"),
                       {"skew_gap": skew, "nobn": ctx.stat("NoBN", accuracy),
                        "convention": ctx.stat("Convention", accuracy)})


def gradients(ctx: Context, name: str) -> Finding:
    """Appendix A.7, Figure 15: gradient scales of the shallow blocks, Swap over Convention."""
    used = ctx.used("Convention", "Swap")
    shallow = shallow_gradient_ratios(used["Convention"], used["Swap"])
    if shallow is None:
        return ctx.finding("gradients", name, [NOT_RUN], used,
                           {"shallow": None, "recorded": any(used.values())})
    ratio = shallow.ratio
    parts = [verdict_difference(-math.log(ratio["act_input_grad"]), 1.0, sized=False),
             verdict_difference(math.log(ratio["weight_input"]), 1.0, sized=False),
             verdict_similar(ratio["weight_grad"], ratio["act_input_grad"])]
    return ctx.finding("gradients", name, parts, used, {"shallow": shallow})


def learning_curves(ctx: Context, name: str) -> Finding:
    """Appendix A.8, Figures 16-17: Swap's training loss falls faster early on, both orders end
    at about the same training loss (within ``SAME_LOSS``, against the gap of the test
    losses), and Swap's test loss is lower: the gain is in generalization."""
    used = ctx.used("Convention", "Swap")
    early, test, train = ({label: ctx.stat(label, measure) for label in used}
                          for measure in (early_train_loss, final_test_loss, final_train_loss))
    c_early = ctx.difference("Convention", "Swap", early_train_loss)
    c_test = ctx.difference("Convention", "Swap", final_test_loss)
    train_ratio, test_ratio = (s["Swap"].mean / s["Convention"].mean for s in (train, test))
    parts = [verdict_difference(c_early, 1.0, sized=False),
             verdict_similar(train_ratio, test_ratio, SAME_LOSS),
             verdict_difference(c_test, 1.0, sized=False)]
    conv = used["Convention"]
    return ctx.finding("learning_curves", name, parts, used,
                       {"early": early, "test": test, "train": train, "train_ratio": train_ratio,
                        "test_ratio": test_ratio,
                        "early_epochs": early_epochs(len(conv[0]["history"])) if conv else 0})
