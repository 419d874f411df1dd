"""The scoreboard's layout (bnswap.render.scoreboard_tables): the claims' table has no column
that repeats the same long text (profile, command), and the scale ladder has one verdict column
per profile."""

from __future__ import annotations

from fake_records import PROFILE, all_like_paper

from bnswap.findings import verdicts as V
from bnswap.render import scoreboard as S


def test_claims_table_leaves_the_profile_and_commands_to_a_list_under_it():
    rows = S.scoreboard_from(all_like_paper(), PROFILE)
    md = S.scoreboard_markdown(rows)
    table, _, runs = md.partition("\n\n")
    assert table.splitlines()[0] == "| Claim | Paper | Ours | Verdict |"
    assert len(table.splitlines()) == len(rows) + 2
    assert not any(r.profile in table or r.command in table for r in rows)
    # each distinct (setup, command) is stated once, naming the claims it serves by number
    items = [line for line in runs.splitlines() if line.startswith("- ")]
    assert len(items) == len({(r.profile, r.command) for r in rows})
    assert items[0].startswith("- claims 1, 2, ") and f"`{rows[0].command}`" in items[0]
    assert all(f"`{r.command}`" in runs for r in rows)
    without = S.scoreboard_markdown(rows, with_command=False)
    assert "python -m bnswap" not in without
    assert S.scoreboard_markdown([]) == "No claim is scored here."


def test_ladder_has_a_verdict_column_per_profile_and_details_in_dropdowns():
    rows = S.scoreboard_from(all_like_paper(), PROFILE)
    by_profile = {"cpu": rows, "cpu_long": rows[:3]}
    md = S.ladder_markdown(by_profile, open_profile="cpu")
    lines = md.splitlines()
    assert lines[0] == "| Claim | Where | `cpu` | `cpu_long` |"
    assert lines[2] == (f"| {rows[0].claim} | {rows[0].section} | {rows[0].verdict} | "
                        f"{rows[0].verdict} |")
    body = lines[2:2 + len(rows)]
    assert len(body) == len(rows) and body[-1].endswith(f"| {rows[-1].verdict} | - |")
    assert md.count("::::{dropdown}") == 2 and md.count("\n:open:") == 1
    assert md.index(":open:") < md.index("`cpu_long` profile")
    assert S.ladder_markdown({}) == "No profile has records yet."
    assert {r.verdict for r in rows} <= set(V.VERDICTS)
