"""The chapters' "Key takeaways": what our records say about a chapter's claims, as one computed
paragraph (never typed by hand), grouped by verdict so a reader sees at a glance where our runs
agree with the paper and where they do not."""

from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

from ..findings.verdicts import VERDICTS


def _claim(row) -> str:
    return f"{row.claim.rstrip('.')} ({row.section})"


def verdict_groups(rows: Sequence) -> "OrderedDict[str, list]":
    """Scoreboard rows grouped by verdict, strongest verdict first (verdicts outside
    :data:`bnswap.verdicts.VERDICTS` last, in the order met)."""
    groups: OrderedDict[str, list] = OrderedDict((v, []) for v in VERDICTS)
    for r in rows:
        groups.setdefault(r.verdict, []).append(r)
    return OrderedDict((v, rs) for v, rs in groups.items() if rs)


def takeaways_markdown(rows: Sequence, profile: str) -> str:
    """One bullet per verdict: which of ``rows`` (a chapter's scoreboard rows) our records under
    ``profile`` give that verdict, with the size of the runs behind them."""
    from ..runs.experiments import HEADLINE_SEEDS
    from ..runs.profiles import get_profile

    if not rows:
        return f"No claim of this chapter is scored at the `{profile}` profile."
    prof = get_profile(profile)
    epochs = prof.epochs or "the paper's"
    seeds = f"{prof.seeds} seed{'' if prof.seeds == 1 else 's'}"
    lines = [f"Verdicts at the `{profile}` profile (width {prof.width or 1:g}, {epochs} epochs, "
             f"{seeds}; {HEADLINE_SEEDS} for headline Convention, Swap and NWDBN):", ""]
    for verdict, group in verdict_groups(rows).items():
        claims = "; ".join(_claim(r) for r in group)
        lines.append(f"- **{verdict}** ({len(group)} of {len(rows)}): {claims}.")
    return "\n".join(lines)
