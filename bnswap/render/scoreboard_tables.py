"""The scoreboard's tables, laid out for the book's text column (676 px at a 1280 px window):
the claims' table without the long columns that repeat (the profile's setup and the command go
to a list of runs under it, each stated once), and the scale ladder (one verdict column per
profile) with each profile's detail table beneath it, in a dropdown.

Only layout lives here: rows are :class:`bnswap.render.scoreboard.Row` objects (read by
attribute: ``claim``, ``section``, ``paper``, ``ours``, ``profile``, ``verdict``, ``command``,
``experiment``, ``caveat``), made by :mod:`bnswap.render.scoreboard`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from .markdown import markdown_table

CLAIMS_HEADERS = ["Claim", "Paper", "Ours", "Verdict"]


def _claim_cell(r) -> str:
    """The claim with where the paper makes it, in one cell (one column fewer)."""
    return f"{r.claim} *({r.section})*"


def claims_table(rows: Sequence) -> str:
    """Claim (and section) | the paper's number | ours | verdict, one row per claim."""
    return markdown_table(CLAIMS_HEADERS, [[_claim_cell(r), r.paper, r.ours, f"**{r.verdict}**"]
                                           for r in rows])


def runs_markdown(rows: Sequence, with_command: bool = True) -> str:
    """The runs behind ``rows``, each stated once: the setup they ran at (the profile string of
    the rows) and the command that trains them, as a list (commands never widen a table)."""
    seen: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows, 1):
        key = (r.profile, r.command if with_command else "")
        seen.setdefault(key, []).append(i)
    lines = []
    for (profile, command), claims in seen.items():
        which = (f"claim {claims[0]}" if len(claims) == 1
                 else "claims " + ", ".join(map(str, claims)))
        runs = f" — `{command}`" if command else ""
        lines.append(f"- {which}: {profile}{runs}")
    return "\n".join(lines)


def scoreboard_markdown(rows: Sequence, with_command: bool = True) -> str:
    """The rows as a Markdown table that fits the text column, and under it the setup of their
    runs and the command that trains each (claims numbered in the table's order)."""
    if not rows:
        return "No claim is scored here."
    head = ("Runs (claims numbered from the top of the table), with the command that trains "
            "them:" if with_command else "Runs (claims numbered from the top of the table):")
    return f"{claims_table(rows)}\n\n{head}\n\n{runs_markdown(rows, with_command)}"


# ---- the scale ladder ----------------------------------------------------------------------------


def ladder_verdicts(by_profile: Mapping[str, Sequence]) -> dict[tuple[str, str], dict[str, str]]:
    """``{(claim, section): {profile: verdict}}`` in the paper's order: one claim's verdicts side
    by side across profiles (rows are matched by claim text and section)."""
    ladder: dict[tuple[str, str], dict[str, str]] = {}
    for profile, rows in by_profile.items():
        for r in rows:
            ladder.setdefault((r.claim, r.section), {})[profile] = r.verdict
    return ladder


def ladder_table(by_profile: Mapping[str, Sequence]) -> str:
    """Claim | where | one verdict column per profile (in ``by_profile``'s order); a claim a
    profile does not score reads "-". A verdict with a caveat (``Row.caveat``) is marked †n and
    the caveat is stated under the table."""
    profiles = list(by_profile)
    notes: list[str] = []
    marks: dict[tuple[str, str, str], str] = {}
    for profile, rows in by_profile.items():
        for r in rows:
            if r.caveat:
                notes.append(f"†{len(notes) + 1} `{profile}`, {r.claim}: {r.caveat}.")
                marks[(r.claim, r.section, profile)] = f" †{len(notes)}"
    body = [[claim, section, *[verdicts.get(p, "-") + marks.get((claim, section, p), "")
                               for p in profiles]]
            for (claim, section), verdicts in ladder_verdicts(by_profile).items()]
    table = markdown_table(["Claim", "Where", *[f"`{p}`" for p in profiles]], body)
    return table + "".join(f"\n\n{note}" for note in notes)


def ladder_markdown(by_profile: Mapping[str, Sequence], open_profile: str | None = None,
                    with_command: bool = True) -> str:
    """The scale ladder (:func:`ladder_table`), then for each profile its full scoreboard
    (:func:`scoreboard_markdown`: the paper's numbers and ours) in a dropdown, the one of
    ``open_profile`` open."""
    if not by_profile:
        return "No profile has records yet."
    parts = [ladder_table(by_profile)]
    for profile, rows in by_profile.items():
        opened = "\n:open:" if profile == open_profile else ""
        parts.append(f"::::{{dropdown}} The `{profile}` profile: the paper's numbers and ours"
                     f"{opened}\n\n{scoreboard_markdown(rows, with_command)}\n::::")
    return "\n\n".join(parts)
