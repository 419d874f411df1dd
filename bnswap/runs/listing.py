"""``python -m bnswap list``: per experiment and profile, how many distinct runs it has and how
many of them the results store holds."""

from __future__ import annotations

from .experiments import EXPERIMENTS
from .profiles import PROFILES
from .results import Store


def run_counts(store: Store) -> dict[str, dict[str, tuple[int, int]]]:
    """``{experiment: {profile: (recorded, runs)}}`` (runs counted once per distinct spec)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for exp in EXPERIMENTS.values():
        for prof in PROFILES.values():
            specs = list(dict.fromkeys(s for _, s in exp.expand(prof)))
            out.setdefault(exp.name, {})[prof.name] = (sum(store.exists(s) for s in specs),
                                                       len(specs))
    return out


def experiment_table(results_dir: str | None = None) -> str:
    """The experiments as a text table: recorded/runs per profile, then title and section."""
    store = Store(results_dir)
    counts = run_counts(store)
    names = list(PROFILES)
    lines = [f"experiments: runs recorded / runs per profile (store: {store.root})",
             "  " + f"{'':14s}" + "".join(f"{n:>10s}" for n in names)]
    for exp in EXPERIMENTS.values():
        cells = "".join(f"{'%d/%d' % counts[exp.name][n]:>10s}" for n in names)
        lines.append(f"  {exp.name:14s}{cells}  {exp.title} [{exp.section}]")
    lines.append(f"  {'all (distinct)':14s}" + "".join(
        f"{'%d/%d' % distinct(store, n):>10s}" for n in names))
    return "\n".join(lines)


def distinct(store: Store, profile: str) -> tuple[int, int]:
    """(recorded, runs) over every experiment of ``profile``, each run counted once."""
    specs = list(dict.fromkeys(s for e in EXPERIMENTS.values() for _, s in e.expand(profile)))
    return sum(store.exists(s) for s in specs), len(specs)
