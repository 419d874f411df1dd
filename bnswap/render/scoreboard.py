"""The scoreboard in words: each claim of the paper, the paper's number, ours, the profile, the
verdict and the command that trains its runs, one :class:`Row` per
:class:`~bnswap.findings.claims.Finding` of :func:`bnswap.findings.score.score`, and the verdict
rules stated in words (:data:`VERDICT_RULES`). Every number is the finding's; this module only
writes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from ..core.registries import ACTIVATION_NAMES, DATASET_INFO, arch_name
from ..findings.claims import Finding
from ..findings.paper import paper
from ..findings.pilot import RuleShift
from ..findings.records import Runs, is_complete
from ..findings.score import score
from ..findings.stats import signed, within_bound
from ..findings.verdicts import SAME_LOSS, VERDICTS, Unlearned
from ..runs.experiments import get_experiment
from .claim_words import EXTRA_WORDS, gap_text as _gap
from .verdict_rules import VERDICT_RULES, rules_markdown  # noqa: F401  (the rules' home)
from .markdown import run_command
from .provenance import best_rate_words, describe_setup, seeds_text
# The tables' layout (the claims' table, the runs under it, the scale ladder) lives in
# scoreboard_tables; the chapters call them from here.
from .scoreboard_tables import (ladder_markdown, ladder_table, ladder_verdicts,  # noqa: F401
                                scoreboard_markdown)

@dataclass
class Row:
    claim: str
    section: str
    paper: str
    ours: str
    profile: str
    verdict: str
    command: str
    parts: list[str] = field(default_factory=list)
    topic: str = ""
    """The chapter that discusses the claim: saturation, asymmetry, sparsity or extended."""
    experiment: str = ""
    """The experiment whose runs the claim is scored from."""
    scope: str = ""
    """The part of the experiment the row covers (a dataset of Table 1), else empty."""
    caveat: str = ""
    """What the verdict must be read with (:func:`caveat`), else empty; also ends ``ours``."""


# ---- pieces of a row -----------------------------------------------------------------------------


def _times(ratio: float, note: str = "") -> str:
    """`` (x1.12{note})`` for a finite ratio of two scales, else nothing."""
    return f" (x{ratio:.2f}{note})" if math.isfinite(ratio) else ""


def unlearned_text(u: Unlearned) -> str:
    """"NoBN did not learn (final train loss 4.04, chance 4.61)", the seeds named when only some
    of a configuration's seeds did not learn."""
    name = u.name + (" seed " + ", ".join(map(str, u.seeds)) if u.seeds else "")
    return f"{name} did not learn (final train loss {u.train_loss:.2f}, chance {u.chance:.2f})"


def _profile_text(profile: str, runs: Runs) -> str:
    records = [rec for _, _, rec in runs if is_complete(rec)]
    s = describe_setup(records)
    if not s:
        return profile
    return f"{s['profile']}: {s['epochs']} ep, width {s['width']}, {seeds_text(s)}, {s['device']}"


# ---- each claim's words (claim, where, the paper's number, ours) ---------------------------------

Words = tuple[str, str, str, str]


def _swap_beats_convention(f: Finding) -> Words:
    v = f.values
    return ("Swap beats Convention (Tanh, VGG16_11, CIFAR-100)", "Section 3.2, Table 2",
            f"Swap {paper('acc_swap')} % vs Convention {paper('acc_conv')} % "
            f"({paper('swap_gain'):+.2f} points)",
            f"Swap {v['swap'].format(1, '%')} vs Convention "
            f"{v['convention'].format(1, '%')}: {_gap(v['gap'], ' points')}")


def caveat(f: Finding) -> str:
    """What the verdict of ``f`` must be read with, else "": today, that the profile's learning
    rates move Swap - Convention beyond the noise of a gap between two single-seed runs (its
    pilot has one seed per rate)."""
    shift: RuleShift | None = f.values.get("pilot")
    noise = f.values.get("pilot_noise", math.nan)
    if shift is None or not math.isfinite(noise) or within_bound(shift.shift, noise):
        return ""
    text = (f"this profile's learning rates favour {shift.favoured}: in its pilot (1 seed per "
            f"rate), Swap - Convention is {shift.with_rule:+.2f} points at these rates and "
            f"{shift.at_best:+.2f} with each order at its best rate (a shift beyond the "
            f"single-seed gap noise of {noise:.1f})")
    best = best_rate_words(f.values.get("best_rate"))
    return f"{text}; {best}" if best else text


def _swap_saturates(f: Finding) -> Words:
    v = f.values
    return ("Swap's layers are more saturated (largest layer saturation)", "Section 3.2, Figure 3",
            f"Swap {paper('max_sat_swap')} vs Convention {paper('max_sat_conv')}",
            f"Swap {v['swap'].format(2)} vs Convention {v['convention'].format(2)}")


def _asymmetric_channels(f: Finding) -> Words:
    v = f.values
    ours = (f"avg layer skewness Swap {v['swap'].format(2)} vs Convention "
            f"{v['convention'].format(2)} ({_gap(v['gap'])}); ")
    ours += (f"Swap block {v['block']}: skewness of the pooled layer sample "
             f"{signed(v['layer_skewness'])} vs mean channel |skewness| "
             f"{v['channel_skewness']:.2f}" if v["block"] else "no captured layer samples")
    return ("Swap's channels saturate asymmetrically while whole-layer distributions stay "
            "symmetric", "Section 4.1, Figures 1 and 4, Table 2",
            f"avg skewness Swap - Convention = {paper('table2_delta_skewness')['tanh']:+.2f} "
            "(Table 2); layer histograms roughly symmetric (Figure 1)", ours)


def _ordered(f: Finding, digits: tuple[int, int], unit: str = "") -> tuple[str, str]:
    """The paper's and our text of a claim "first > second > third" (``digits``: of the paper's
    values and of ours)."""
    v = f.values
    labels = list(v["paper"])
    return (" > ".join(f"{label} {v['paper'][label]:.{digits[0]}f}" for label in labels) + unit,
            " / ".join(f"{label} {v['stats'][label].format(digits[1])}" for label in labels)
            + unit + ": " + ", ".join(f"{hi} - {lo} {_gap(c)}" for hi, lo, c in v["steps"]))


def _nwdbn_between(f: Finding) -> Words:
    return ("NWDBN beats Convention but loses to Swap", "Sections 4.2, 5.2",
            *_ordered(f, (2, 1), " %"))


def _nwdbn_leans(f: Finding) -> Words:
    v = f.values
    return ("NWDBN's channels lean more than Convention's (higher average skewness)",
            "Sections 4.2, 5.2, 6, Figure 8",
            "direction only: NWDBN \"relatively high asymmetry\" vs Convention (no number)",
            f"avg skewness NWDBN {v['nwdbn'].format(2)} vs Convention "
            f"{v['convention'].format(2)}: {_gap(v['gap'])}")


def _sparsity_order(f: Finding) -> Words:
    return ("Swap is the sparsest and NWDBN the least sparse", "Section 5.2",
            *_ordered(f, (3, 3)))


def _nobn(f: Finding) -> Words:
    v = f.values
    return ("NoBN saturates asymmetrically but is less accurate than Convention",
            "Appendix A.2, Figure 10",
            f"NoBN skewness above Convention's (Figure 10); accuracy {paper('acc_nobn')} vs "
            f"{paper('acc_conv_vs_nobn')} % (VGG16)",
            f"avg skewness NoBN - Conv {_gap(v['skew_gap'])}; accuracy NoBN "
            f"{v['nobn'].format(1, '%')} vs Conv {v['convention'].format(1, '%')}")


def _gradients(f: Finding) -> Words:
    shallow = f.values["shallow"]
    if shallow is None:
        ours = "no gradient records" if f.values["recorded"] else "not run"
    else:
        r, k = shallow.ratio, shallow.blocks
        inputs = f" (blocks 2-{k}: block 1 reads the image)" if shallow.skips_first_input else ""
        ours = (f"first {k} blocks, Swap/Convention (geometric mean): Tanh-input gradient x"
                f"{r['act_input_grad']:.2g}, weight-layer input x{r['weight_input']:.2g}"
                f"{inputs}, weight gradient x{r['weight_grad']:.2g}")
    return ("Swap's Tanh-input gradients are smaller in shallow layers, yet its weight gradients "
            "match Convention's because its weight-layer inputs are larger",
            "Appendix A.7, Figure 15",
            "qualitative (Figure 15): smaller Tanh-input gradients, larger inputs, similar "
            "weight gradients", ours)


def _learning_curves(f: Finding) -> Words:
    v = f.values
    early, test, train = v["early"], v["test"], v["train"]
    ours = (f"mean train loss over the first {v['early_epochs']} epoch(s): Swap "
            f"{early['Swap'].format(3)} vs Convention {early['Convention'].format(3)}; final "
            f"train loss: Swap {train['Swap'].format(3)} vs Convention "
            f"{train['Convention'].format(3)}"
            f"{_times(v['train_ratio'], f'; the rule counts within x{SAME_LOSS:g} as the same')}; "
            f"final test loss: Swap {test['Swap'].format(3)} vs Convention "
            f"{test['Convention'].format(3)}{_times(v['test_ratio'])}")
    return ("Swap's training loss falls faster early on and ends about where Convention's "
            "does, and its final test loss is lower", "Appendix A.8, Figures 16-17",
            "qualitative (Figures 16, 17): Swap's training loss falls faster early, both end at "
            "almost the same training loss, Swap's test loss is lower", ours)


_SWEEP_WORDS = {
    "beta_sweep": ("More weight decay on BN's beta lowers skewness, and accuracy falls with it",
                   "Section 4.2, Figure 5",
                   "skewness and accuracy fall as beta's weight decay grows (0 to 1e-3); "
                   "accuracy rises with average skewness"),
    "affine_sweep": ("More weight decay on Swap's BN affine raises sparsity, and accuracy rises "
                     "with it", "Section 5.3, Figure 7",
                     "sparsity and accuracy highly correlated over weight decays 0 to 5e-4"),
}
"""Per sweep: the claim, where the paper makes it and what it says."""


def _sweep(f: Finding) -> Words:
    v = f.values
    metric, points, runs, setting = v["metric"], v["points"], v["runs"], v["setting"]
    if not points:
        ours = "not run"
    elif not setting.ok:
        ours = f"{points} of {runs} runs: too few points for a correlation"
    else:
        ours = (f"Spearman ρ(weight decay, {metric}) = {signed(setting.rho)}; Pearson "
                f"r({metric}, accuracy) = {signed(v['metric_accuracy'].r)}")
        ours = (f"{points} of {runs} runs: {ours}" if points < runs
                else f"{ours} (n={points} runs)")
    return (*_SWEEP_WORDS[f.claim], ours)


def _table1(f: Finding) -> Words:
    ds, gaps, n = f.scope, f.values["gaps"], f.values["n"]
    archs = list(dict.fromkeys(arch for arch, _ in gaps))
    bounded, unbounded = list(dict.fromkeys(act for _, act in gaps))
    # Paper cells have up to 3 decimals (59.045): print the exact difference, not a float's
    # rounding of it (61.54 - 59.045 must read -2.495, not -2.49).
    b, u = ACTIVATION_NAMES[bounded], ACTIVATION_NAMES[unbounded]
    paper_bits = [f"{arch_name(a)}: {b} {round(gaps[(a, bounded)].paper, 3):+g}, "
                  f"{u} {round(gaps[(a, unbounded)].paper, 3):+g}" for a in archs]
    ours = "; ".join(f"{arch_name(a)}: {b} {_gap(gaps[(a, bounded)].ours)}, {u} "
                     f"{_gap(gaps[(a, unbounded)].ours)}" + (f" (n={n[a]})" if n[a] else "")
                     for a in archs)
    recorded = any(rec for _, _, rec in f.runs if is_complete(rec))
    if not DATASET_INFO[ds].downloadable and not recorded:
        # Where to get it is in the extended chapter (a URL would not wrap in a table cell).
        ours = (f"not run here: it needs the {DATASET_INFO[ds].display} files, which are not "
                "downloaded automatically (the extended chapter says where to put them)")
    elif not recorded:
        ours = "not run"
    return (f"{DATASET_INFO[ds].display}: swapping helps Tanh (VGG16, MobileNet) much more than "
            "ReLU, whose change is small", "Section 7.1, Table 1", "Swap - Convention, points: " + "; ".join(paper_bits),
            ours)


def _table1_command(f: Finding, profile: str) -> str:
    """Table 1's command for one dataset (with ``--data-dir`` where it cannot be downloaded)."""
    command = f"{run_command(f.experiment, profile)} --dataset {f.scope}"
    return command if DATASET_INFO[f.scope].downloadable else command + " --data-dir DIR"


def _table2_gains(f: Finding) -> Words:
    v = f.values
    acts, name = v["activations"], ACTIVATION_NAMES
    return ("LeCun Tanh and Softsign also gain from Swap, with higher skewness",
            "Section 7.2, Table 2, Figure 13",
            "; ".join(f"{name[a]}: {v['paper_gain'][a]:+.2f} points, "
                      f"Δ skewness {v['paper_skewness_gain'][a]:+.2f}" for a in acts),
            "; ".join(f"{name[a]}: {_gap(v['gain'][a], ' points')}, Δ skewness "
                      f"{_gap(v['skewness_gain'][a])}" for a in acts))


def _table2_order(f: Finding) -> Words:
    v = f.values
    acts, name, smallest = v["activations"], ACTIVATION_NAMES, v["smallest"]
    return ("Their skewness gains are smaller than Tanh's (Softsign's the smallest)",
            "Section 7.2, Table 2, Appendix A.5",
            "Δ skewness: " + ", ".join(f"{name[a]} {v['paper_skewness_gain'][a]:+.2f}"
                                       for a in acts),
            "Δ skewness: " + ", ".join(f"{name[a]} {_gap(v['skewness_gain'][a])}" for a in acts)
            + (f" (smallest: {name[smallest]})" if smallest else ""))


def _depth(f: Finding) -> Words:
    v = f.values
    stats, done, t7 = v["stats"], v["done"], paper("table7")
    ours = "not run"
    if done:
        ours = (f"best: VGG16_{v['best']}; "
                + ", ".join(f"{d}: {s.mean:.1f}" for d, s in sorted(done.items(), reverse=True))
                + f" % (n={min(s.n for s in done.values())}"
                + (f"; {len(done)} of {len(stats)} depths)" if len(done) < len(stats) else ")"))
    return ("VGG16_11 is the best depth for CIFAR-100 (Swap, Tanh)", "Appendix A.6, Table 7",
            f"best: VGG16_{v['paper_best']} ({t7[v['paper_best']]} %); VGG16 {t7[16]} %", ours)


WORDS: dict[str, Callable[[Finding], Words]] = {
    "swap_beats_convention": _swap_beats_convention, "swap_saturates": _swap_saturates,
    "asymmetric_channels": _asymmetric_channels, "nwdbn_between": _nwdbn_between,
    "nwdbn_leans": _nwdbn_leans, "beta_sweep": _sweep, "sparsity_order": _sparsity_order,
    "affine_sweep": _sweep, "nobn": _nobn, "gradients": _gradients,
    "learning_curves": _learning_curves, "table1": _table1, "table2_gains": _table2_gains,
    "table2_order": _table2_order, "depth": _depth, **EXTRA_WORDS,
}
"""Each claim's words, by the :attr:`~bnswap.findings.claims.Finding.claim` of its finding."""


# ---- the scoreboard ------------------------------------------------------------------------------


def row(f: Finding, profile: str) -> Row:
    """The row of finding ``f`` under ``profile``: its words, the runs that did not learn ahead
    of our numbers, the setup of its runs and the command that trains them."""
    claim, section, paper_text, ours = WORDS[f.claim](f)
    warning = caveat(f)
    ours += f"; but {warning}" if warning else ""
    command = (_table1_command(f, profile) if f.scope else run_command(f.experiment, profile)
               if get_experiment(f.experiment).runs else "none: computed, nothing to train")
    return Row(claim, section, paper_text, "; ".join([unlearned_text(u) for u in f.unlearned]
                                                    + [ours]),
               _profile_text(profile, f.runs), f.verdict, command, list(f.parts), f.topic,
               f.experiment, f.scope, warning)


def scoreboard_from(data: Mapping[str, Runs], profile: str,
                    noise_runs: Runs | None = None) -> list[Row]:
    """The rows of the claims whose experiment is in ``data``, in the paper's order:
    ``data[name]`` is ``collect(name, profile, ...)``.

    Only the experiments given are scored: a chapter that passes the headline runs alone gets
    the headline claims alone, never a *not run* row for an experiment it did not pass (nor a
    row it shows elsewhere). Keys that are not in
    :data:`bnswap.runs.experiments.SCOREBOARD_EXPERIMENTS` are ignored. ``noise_runs`` (the
    headline's ``collect``) lends such a partial scoreboard the seed noise that single-seed
    contrasts are judged against, as the full scoreboard has it.
    """
    return [row(f, profile) for f in score(data, noise_runs)]


def rows_for(rows: Sequence[Row], topic: str) -> list[Row]:
    """The scoreboard rows a chapter discusses."""
    return [r for r in rows if r.topic == topic]


def scoreboards_by_profile(data: Mapping[str, Mapping[str, Runs]]) -> dict[str, list[Row]]:
    """Every claim scored separately under each profile: ``data[profile]`` is that profile's
    runs per experiment (:func:`bnswap.runs.runner.collect_all`), so a reader sees which claims
    firm up with training scale."""
    return {profile: scoreboard_from(runs, profile) for profile, runs in data.items()}


def verdict_ladder(by_profile: Mapping[str, Sequence[Row]]) -> list[tuple[str, dict[str, str]]]:
    """``[(claim, {profile: verdict}), ...]`` in the paper's order: one claim's verdicts side by
    side across profiles (rows are matched by claim text and section)."""
    return [(claim, verdicts) for (claim, _), verdicts in ladder_verdicts(by_profile).items()]


def verdict_counts(rows: Sequence[Row]) -> dict[str, int]:
    """How many rows have each verdict, for every verdict in :data:`VERDICTS` (zeros included)."""
    return {v: sum(r.verdict == v for r in rows) for v in VERDICTS}


def claim_count(rows: Sequence[Row]) -> int:
    """How many claims ``rows`` score: a claim split into rows by scope (Table 1's datasets)
    counts once."""
    return len({(r.experiment, r.section) if r.scope else (r.experiment, r.claim) for r in rows})


def tally_markdown(rows: Sequence[Row]) -> str:
    """One line counting the rows of each verdict (:func:`verdict_counts`)."""
    counts = ", ".join(f"{n} {v}" for v, n in verdict_counts(rows).items())
    claims = claim_count(rows)
    if claims == len(rows):
        return f"Tally: {counts} (of {len(rows)} claims)."
    return (f"Tally: {counts} (of {len(rows)} rows: {claims} claims, one of them scored per "
            f"dataset).")
