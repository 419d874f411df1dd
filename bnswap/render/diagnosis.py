"""Two follow-ups of the extended and sparsity chapters, in words: why NoBN does not learn here
(its block outputs at initialisation, and the ``nobn_init`` runs), and Appendix A.9's large
affine weight decays (Figure 18, the ``affine_large`` runs). Numbers from records and from
:func:`bnswap.core.models.block_output_stds`; sentences only here.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..findings.compare import sweep_correlations
from ..findings.records import (Runs, accuracy, average_skewness, by_label, chance_loss,
                               final_train_loss, learned)
from ..findings.paper import PAPER, paper
from ..findings.stats import signed
from .markdown import run_command

INIT_NAMES = {"default": "PyTorch's default initialisation",
              "tanh_gain": "Xavier-normal weights with Tanh's gain 5/3"}


def init_scales_markdown(stds: Mapping[str, Sequence[float]], depth: int = 7) -> str:
    """How the NoBN network's block-output std changes with depth at initialisation, per init
    (``stds[init]``: :func:`bnswap.core.models.block_output_stds`, block 1 first)."""
    parts = []
    for init, s in stds.items():
        k = min(depth, len(s)) - 1
        parts.append(f"with {INIT_NAMES.get(init, init)}, the output std is {s[0]:.2f} after "
                     f"block 1 and {s[k]:.2f} after block {k + 1} (smallest over all blocks "
                     f"{min(s):.2f})")
    return "At initialisation, on one batch of random images: " + "; ".join(parts) + "."


def nobn_init_markdown(runs: Runs, profile: str, convention: Sequence[dict] = ()) -> str:
    """What training NoBN with each initialisation gave (the ``nobn_init`` experiment): accuracy,
    average skewness and whether it fit its training set, or the command that runs what is
    missing; with ``convention`` (the headline's records), Convention's two numbers beside."""
    groups = by_label(runs)
    sentences, missing, gaps = [], [], []
    for label, records in groups.items():
        init = label.split("init=", 1)[-1]
        name = INIT_NAMES.get(init, init)
        if not records:
            missing.append(name)
            continue
        fit, acc = all(learned(r) for r in records), accuracy(records)
        if fit and convention:
            gaps.append(f"{signed(accuracy(convention).mean - acc.mean, 1)} points with {name}")
        loss = final_train_loss(records).mean
        sentences.append(f"with {name}, NoBN reaches {acc.format(1, '%')} test "
                         f"accuracy, average skewness {average_skewness(records).format(2)} and a "
                         f"final training loss of {loss:.2f} (chance {chance_loss(records[0]):.2f}): "
                         f"it {'learns' if fit else 'does not learn'}")
    text = ("Trained at the same settings, " + "; ".join(sentences) + ".") if sentences else ""
    if sentences and convention:
        text += (f" Convention, for comparison: {accuracy(convention).format(1, '%')}, average "
                 f"skewness {average_skewness(convention).format(2)}.")
        if gaps:  # a network that did not learn has no gap worth quoting
            text += (f" Convention − NoBN: {', '.join(gaps)} (the paper: "
                     f"{signed(paper('acc_conv_vs_nobn') - paper('acc_nobn'), 2)}, "
                     f"{PAPER['acc_nobn'].source}, against its VGG16 Convention).")
    if missing:
        text += (f" Not run yet: {', '.join(missing)}; `{run_command('nobn_init', profile)}` "
                 "runs it.")
    return text.strip()


def affine_large_markdown(runs: Runs, profile: str) -> str:
    """Appendix A.9's regime in numbers: over the large affine weight decays, how sparsity moves
    with the decay and accuracy with sparsity (Spearman and Pearson over the recorded runs)."""
    sw = sweep_correlations(runs, "wd_affine", "sparsity")
    if not sw.setting.ok:
        return (f"{len(sw.points)} of {len(runs)} large-decay runs recorded: too few for a "
                f"trend; `{run_command('affine_large', profile)}` runs the rest.")
    direction = "falls" if sw.setting.rho < 0 else "rises"
    follows = "rises" if sw.accuracy.r > 0 else "falls"
    return (f"Over weight decays {min(p.setting for p in sw.points):g} to "
            f"{max(p.setting for p in sw.points):g} on Swap's γ and β ({len(sw.points)} runs), "
            f"sparsity {direction} with the decay (Spearman ρ = {signed(sw.setting.rho)}) and "
            f"accuracy {follows} with sparsity (Pearson r = {signed(sw.accuracy.r)}). The paper "
            "reports sparsity and accuracy both falling in this regime.")
