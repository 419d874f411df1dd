"""Markdown building blocks: display, tables, and how many runs of an experiment are recorded."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..findings.records import Runs, failed, missing


def show(text: str) -> None:
    """Display Markdown ``text`` (computed from the records) in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def glue(name: str, value: Any) -> None:
    """Store ``value`` under ``name`` for the Markdown cells of the page (myst-nb's ``glue``
    without displaying it): prose cells write ``{glue:text}`name``` (or ``name:.2f``) and the
    built page shows the value the records gave. Strings lose their quotes when pasted.

    Uses :func:`myst_nb.glue` where myst-nb is installed (the book build); elsewhere (a bare
    ``pip install`` in Colab) the same hidden output is written by hand, so the chapters run
    without the book tools."""
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        from IPython.core.formatters import format_display_data
        from IPython.display import display

        bundle, metadata = format_display_data(value)
        metadata["scrapbook"] = {"name": name, "mime_prefix": "application/papermill.record/"}
        display({f"application/papermill.record/{k}": v for k, v in bundle.items()}, raw=True,
                metadata=metadata)
    else:
        myst_glue(name, value, display=False)


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (pipes escaped)."""
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def run_command(name: str, profile: str) -> str:
    """The command that trains (or loads) experiment ``name`` under ``profile``."""
    return f"python -m bnswap experiment {name} --profile {profile}"


def status_markdown(name: str, profile: str, runs: Runs) -> str:
    """One Markdown paragraph: how many runs of ``name`` have records, and how to make the rest."""
    total, miss, bad = len(runs), missing(runs), failed(runs)
    done = total - len(miss) - len(bad)
    text = f"**{name}** ({profile} profile): {done} of {total} runs recorded."
    if miss:
        labels = list(dict.fromkeys(label for label, _ in miss))
        shown = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
        text += f" Not run yet: {shown}. Run them with `{run_command(name, profile)}`."
    if bad:
        text += " Diverged (recorded as failed): " + ", ".join(
            dict.fromkeys(label for label, _, _ in bad)) + "."
    return text

