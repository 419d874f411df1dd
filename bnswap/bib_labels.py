"""A Sphinx extension for the book (``_config.yml``, ``extra_extensions``): bibliography labels
in author-year form ("Ioffe and Szegedy, 2015", "Kim et al., 2022"), the form the in-text
citations take (``bibtex_reference_style: author_year``), not pybtex's alpha labels ("IS15").

It registers a pybtex label style and a formatting style that uses it, ``author_year``, which
``_config.yml`` selects with ``bibtex_default_style``. Labels that would repeat get a, b, ...
after the year, as BibTeX's alpha style does.
"""

from __future__ import annotations

import codecs
from collections import Counter

import latexcodec  # noqa: F401  (pybtex's dependency: registers the "ulatex" codec)

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle


class AuthorYearLabels(BaseLabelStyle):
    def format_label(self, entry) -> str:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [" ".join(p.last_names) or " ".join(p.first_names) for p in people]
        if not last:
            names = entry.fields.get("key", entry.key)
        elif len(last) == 1:
            names = last[0]
        elif len(last) == 2:
            names = f"{last[0]} and {last[1]}"
        else:
            names = f"{last[0]} et al."
        label = f"{names}, {entry.fields.get('year', 'n.d.')}"
        return codecs.decode(label, "ulatex").replace("{", "").replace("}", "")

    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        count, seen = Counter(labels), Counter()
        for label in labels:
            if count[label] == 1:
                yield label
            else:
                yield label + chr(ord("a") + seen[label])
                seen[label] += 1


class AuthorYearStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = "author_year_title"


def setup(app):
    register_plugin("pybtex.style.labels", "author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
