"""Machine-readable exports of the catalog: JSON, CSV and BibTeX entries."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from .escape import safe_url
from .model import Catalog, Paper

SCHEMA_VERSION = 1
CSV_COLUMNS = (
    "id",
    "title",
    "authors",
    "authors_et_al",
    "affiliation",
    "section",
    "subsection",
    "venue",
    "year",
    "presentation",
    "award",
    "arxiv_id",
    "openreview_id",
    "links",
    "tags",
    "added",
    "page",
)


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
    """``records`` are ``paper_record`` of every paper, in list order, one per line."""
    header = json.dumps(
        {"schema_version": SCHEMA_VERSION, "title": catalog.title, "description": catalog.description},
        ensure_ascii=False,
    )
    # One record per line keeps diffs readable; json's C encoder only runs without indent.
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return f'{header[:-1]}, "papers": [\n{lines}\n]}}\n'


def papers_csv(records: list[dict[str, Any]]) -> str:
    """One row per paper record; list fields joined with "; " (links with " ")."""
    stream = io.StringIO()
    # Every field quoted: a carriage return inside a value would otherwise end the row.
    writer = csv.DictWriter(
        stream, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore", quoting=csv.QUOTE_ALL
    )
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


def _presentation_label(paper: Paper) -> str:
    return (paper.presentation or "").replace("-", " ").title()


def bibtex_entry(paper: Paper) -> str:
    """The paper's BibTeX entry, keyed by its record id; tutorials are @misc."""
    tutorial = paper.presentation == "tutorial"
    fields = [("title", "{" + bibtex_text(paper.title) + "}")]
    if paper.authors:
        fields.append(
            (
                "author",
                " and ".join(bibtex_text(name) for name in paper.author_names)
                + (" and others" if paper.authors_et_al else ""),
            )
        )
    if paper.venue:
        venue = bibtex_text(paper.venue) + (f" {paper.year}" if paper.year else "")
        fields.append(("howpublished" if tutorial else "booktitle", venue))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archiveprefix", "arXiv")]
    if paper.links:
        fields.append(("url", bibtex_text(safe_url(paper.links[0].url))))
    if paper.award or paper.presentation:
        note = ", ".join(
            part
            for part in (f"{bibtex_text(paper.award)} Award" if paper.award else "", _presentation_label(paper))
            if part
        )
        fields.append(("note", note))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{'misc' if tutorial else 'inproceedings'}{{{paper.id},\n{body}}}"


def code_fence(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text``, so the block cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
