"""Machine-readable exports of the catalog: JSON and CSV, plus BibTeX value escaping."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from .model import Catalog, Paper

SCHEMA_VERSION = 1
CSV_COLUMNS = ("id", "title", "authors", "authors_et_al", "affiliation", "section", "subsection", "venue", "year",
               "presentation", "award", "arxiv_id", "openreview_id", "links", "tags", "added", "page")


def page_path(paper: Paper) -> str:
    """The paper page's path relative to the site root."""
    return f"papers/{paper.id}/"


def paper_record(paper: Paper, catalog: Catalog) -> dict[str, Any]:
    """Everything the list knows about one paper, as plain JSON-ready data."""
    section = catalog.sections_by_id[paper.section_id]
    subsection = catalog.subsections_by_category[paper.category]
    return {
        "id": paper.id,
        "title": paper.title,
        "category": paper.category,
        "section": section.title,
        "subsection": subsection.title,
        "authors": list(paper.author_names),
        "authors_et_al": paper.authors_et_al,
        "affiliation": paper.affiliation,
        "author_affiliations": {a.name: a.affiliation for a in paper.authors if a.affiliation},
        "venue": paper.venue,
        "year": paper.year,
        "presentation": paper.presentation,
        "award": paper.award,
        "arxiv_id": paper.arxiv_id,
        "openreview_id": paper.openreview_id,
        "links": [{"label": link.label, "url": link.url, "kind": link.kind} for link in paper.links],
        "summary": paper.summary,
        "key_results": list(paper.key_results),
        "tags": list(paper.tags),
        "added": paper.added,
        "page": page_path(paper),
    }


def papers_json(catalog: Catalog, records: list[dict[str, Any]]) -> str:
    """``records`` are ``paper_record`` of every paper, in list order."""
    data = {
        "schema_version": SCHEMA_VERSION,
        "title": catalog.title,
        "description": catalog.description,
        "papers": records,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def papers_csv(records: list[dict[str, Any]]) -> str:
    """One row per paper record; list fields joined with "; " (links with " ")."""
    stream = io.StringIO()
    # Every field quoted: a carriage return inside a value would otherwise end the row.
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore",
                            quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for record in records:
        row = {
            **record,
            "authors": "; ".join(record["authors"]),
            "links": " ".join(link["url"] for link in record["links"]),
            "tags": "; ".join(record["tags"]),
            "authors_et_al": "yes" if record["authors_et_al"] else "",
        }
        writer.writerow({key: "" if row.get(key) is None else row[key] for key in CSV_COLUMNS})
    return stream.getvalue()


_BIBTEX_SPECIAL = re.compile(r"[\\{}%&$#_~^]")
_BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def bibtex_text(text: str) -> str:
    """A value for a braced BibTeX field: LaTeX specials escaped, on one line."""
    flat = " ".join(str(text).split())
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_REPLACEMENTS.get(match.group(), "\\" + match.group()), flat)


def code_fence(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text``, so the block cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
