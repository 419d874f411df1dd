"""The learning-rate pilot as numbers (Appendix A.1 gives the paper's rates, Table 3): which rate a
profile's rule gives each order, which rate scored best, and how the rule's choice moves the gap
Swap - Convention that the headline claim is scored on.

The rule is fixed before the runs (the profile's ``lr_cap``); this module only measures what it
costs, so a verdict read at one profile can say when the rates, not the layer order, carry the
gap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..runs.experiments import HYPERPARAMETERS
from ..runs.profiles import get_profile
from .compare import SeedNoise, headline_noise
from .records import Runs, accuracy, by_label, configuration, final_accuracy, is_complete
from .stats import Stat


@dataclass(frozen=True)
class RateChoice:
    """One order in the pilot: the rate the profile's rule uses and the accuracy at each rate."""

    order: str
    used: float
    accuracy: Mapping[float, float]
    """Final test accuracy (%) by learning rate (complete runs only)."""

    @property
    def best(self) -> float:
        return max(self.accuracy, key=self.accuracy.get)

    @property
    def cost(self) -> float:
        """Points lost by running at the rule's rate instead of the best pilot rate (>= 0)."""
        return self.accuracy[self.best] - self.accuracy[self.used]


def paper_rate(order: str) -> float:
    """The paper's learning rate for ``order`` (VGG, Tanh, CIFAR-100: Table 3)."""
    return HYPERPARAMETERS[("vgg", "tanh", order, "cifar100")]["lr"]


def rule_rate(order: str, profile: str) -> float:
    """The learning rate ``profile`` runs ``order`` at: the paper's, after the profile's cap."""
    return get_profile(profile).lr_for(paper_rate(order))


def rate_choices(runs: Runs) -> dict[str, RateChoice]:
    """``{order: RateChoice}`` for the orders of ``runs`` (the pilot's ``collect``) with a
    record at the rule's rate and at least one other rate."""
    used: dict[str, float] = {}
    accs: dict[str, dict[float, float]] = {}
    for run, spec, rec in runs:
        order = run.tags["order"]
        used[order] = rule_rate(order, spec.profile)
        if is_complete(rec):
            accs.setdefault(order, {})[run.tags["lr"]] = final_accuracy(rec)
    return {order: RateChoice(order, used[order], acc) for order, acc in accs.items()
            if used[order] in acc and len(acc) >= 2}


def diverged(runs: Runs) -> list[str]:
    """The pilot runs that have a record but did not complete, as "Order at lr"."""
    return [f"{run.tags['order'].title()} at {run.tags['lr']:g}" for run, _, rec in runs
            if rec is not None and not is_complete(rec)]


@dataclass(frozen=True)
class RuleShift:
    """Swap - Convention in the pilot with the rule's rates and with each order's best rate."""

    with_rule: float
    at_best: float

    @property
    def shift(self) -> float:
        """How much the rule widens Swap - Convention (negative: it narrows it)."""
        return self.with_rule - self.at_best

    @property
    def favoured(self) -> str:
        return "Swap" if self.shift > 0 else "Convention"


def rule_shift(choices: Mapping[str, RateChoice]) -> RuleShift | None:
    """The rule's effect on Swap - Convention, or None unless both orders have a choice."""
    if not {"convention", "swap"} <= set(choices):
        return None
    conv, swap = choices["convention"], choices["swap"]
    shift = RuleShift(swap.accuracy[swap.used] - conv.accuracy[conv.used],
                      swap.accuracy[swap.best] - conv.accuracy[conv.best])
    return shift if math.isfinite(shift.shift) else None


@dataclass(frozen=True)
class BestRateGap:
    """Swap - Convention with each order at its best pilot rate, on every seed the store holds
    at that rate (the pilot's run is one; the headline's seeds, where the headline trains at that
    rate, and the rate check's are others)."""

    rates: Mapping[str, float]
    """The best pilot rate of each order."""
    accuracy: Mapping[str, Stat]
    """Test accuracy (%) over the seeds recorded at that rate, by order."""
    noise: float
    """The seed noise of the gap (``NOISE_Z`` standard errors; nan while not measured)."""

    @property
    def gap(self) -> float:
        return self.accuracy["swap"].mean - self.accuracy["convention"].mean


def best_rate_gap(pilot: Runs, headline: Runs, noise: SeedNoise | None = None,
                  extra: Sequence[Runs] = ()) -> BestRateGap | None:
    """:class:`BestRateGap` from the pilot's and the headline's runs of one profile and those of
    ``extra`` (the ``rate_check`` experiment's), with ``noise`` (default: the headline pair's),
    or None unless both orders have a rate choice. A record counts once, however many
    experiments hold it."""
    choices = rate_choices(pilot)
    if not {"convention", "swap"} <= set(choices):
        return None
    noise = noise if noise is not None else headline_noise(by_label(headline))
    pool = {rec["key"]: rec for runs in (pilot, headline, *extra) for _, _, rec in runs
            if is_complete(rec)}
    rates, acc = {}, {}
    for order in ("convention", "swap"):
        rates[order] = choices[order].best
        spec = next(spec for run, spec, _ in pilot
                    if run.tags["order"] == order and run.tags["lr"] == rates[order])
        wanted = configuration(spec.to_dict())
        acc[order] = accuracy([r for r in pool.values() if configuration(r["spec"]) == wanted])
    return BestRateGap(rates, acc, noise.gap(acc["swap"], acc["convention"], accuracy))
