"""Machine-readable exports of the catalog: JSON, CSV and BibTeX entries."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any
from urllib.parse import quote

from . import routes
from .escape import BLOCKED_URL, html_text, one_line, rendered_text, safe_url
from .model import Catalog, Paper, Placement
from .vocabulary import PRESENTATIONS, award_label, bibtex_type

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


def paper_record(paper: Paper, catalog: Catalog) -> dict[str, Any]:
    """Everything the list knows about one paper, as plain JSON-ready data.

    In a collection, ``list`` names the list of the paper's own placement and
    ``placements`` holds every placement with what its list says of the paper.
    """
    section = catalog.section_of(paper.placements[0])
    subsection = catalog.subsection_of(paper.placements[0])
    record: dict[str, Any] = {
        "id": paper.id,
        "title": paper.title,
        "category": paper.category,
        "section": section.title,
        "subsection": subsection.title if subsection else None,
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
        "page": routes.url(routes.paper(paper.id)),
    }
    if catalog.is_collection:
        record["list"] = paper.list_id
        record["lists"] = list(dict.fromkeys(placement.list_id for placement in paper.placements))
        record["placements"] = [_placement_record(placement) for placement in paper.placements]
    return record


def _placement_record(placement: Placement) -> dict[str, Any]:
    return {
        "list": placement.list_id,
        "category": placement.category,
        "position": placement.position,
        "summary": placement.summary,
        "key_results": list(placement.key_results),
        "notes": [{"label": note.label, "text": note.text} for note in placement.notes],
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
    """One row per paper record; list fields joined with "; " (links with " ").

    A collection's records get a ``lists`` column: the lists each paper is in.
    """
    stream = io.StringIO()
    columns = CSV_COLUMNS + (("lists",) if records and "lists" in records[0] else ())
    # Every field quoted: a carriage return inside a value would otherwise end the row.
    writer = csv.DictWriter(
        stream, fieldnames=columns, lineterminator="\n", extrasaction="ignore", quoting=csv.QUOTE_ALL
    )
    writer.writeheader()
    for record in records:
        row = {
            **record,
            "authors": "; ".join(record["authors"]),
            "links": " ".join(link["url"] for link in record["links"]),
            "tags": "; ".join(record["tags"]),
            "authors_et_al": "yes" if record["authors_et_al"] else "",
            "lists": "; ".join(record.get("lists", [])),
        }
        writer.writerow({key: "" if row.get(key) is None else row[key] for key in columns})
    return stream.getvalue()


# LaTeX's spelling of each character that LaTeX or BibTeX would otherwise read as syntax.
# Braces are spelled as commands too: BibTeX counts every brace, backslash or not, so one
# unbalanced "\{" would end the field early and let the rest of the text out as BibTeX.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX_SPECIALS)) + "]")
# BibTeX splits a name list at a free-standing "and" (any case) and reads a comma as
# "Last, First"; "others" alone means "et al.".
_NAME_SYNTAX = re.compile(r"(?:^|\s)and(?:\s|$)|,|^others$", re.IGNORECASE)
# The url field is read verbatim (no LaTeX), so it is not escaped; these are the only
# characters that could still end the field or the entry, percent-encoded instead.
_URL_UNSAFE = re.compile(r"[{}\\\s]")


def bibtex_text(text: str) -> str:
    """A value for a braced BibTeX field: LaTeX specials spelled as LaTeX, on one line."""
    return _LATEX_SPECIAL.sub(lambda match: _LATEX_SPECIALS[match.group()], one_line(str(text)))


def bibtex_name(name: str, organisation: bool = False) -> str:
    """One name of an author list; braced whole when BibTeX would otherwise split or reorder it.

    An organisation is always braced: BibTeX reads any name of two words or more as a
    person's, so styles would cite "Nanjing University" as "University, N.".
    """
    text = bibtex_text(name)
    return "{" + text + "}" if organisation or _NAME_SYNTAX.search(text) else text


def bibtex_url(url: str) -> str | None:
    """The URL for the verbatim url field: http(s) only, nothing that can end the field; None if unsafe."""
    safe = safe_url(url)
    if safe == BLOCKED_URL:
        return None
    return _URL_UNSAFE.sub(lambda match: quote(match.group()), safe)


def bibtex_fields(paper: Paper) -> list[tuple[str, str]]:
    """The entry's fields as (name, value ready to go between braces), in output order."""
    proceedings = bibtex_type(paper.presentation) == "inproceedings"
    # Double braces keep the title's capitals whatever the bibliography style does to case.
    fields = [("title", "{" + bibtex_text(paper.title) + "}")]
    names = [bibtex_name(author.name, author.organisation) for author in paper.authors if one_line(author.name)]
    if names:
        fields.append(("author", " and ".join(names) + (" and others" if paper.authors_et_al else "")))
    if paper.venue:
        venue = paper.venue + (f" {paper.year}" if paper.year else "")
        fields.append(("booktitle" if proceedings else "howpublished", bibtex_text(venue)))
    if paper.year:
        fields.append(("year", bibtex_text(str(paper.year))))
    if paper.arxiv_id:
        fields += [("eprint", bibtex_text(paper.arxiv_id)), ("archiveprefix", "arXiv")]
    url = next((found for link in paper.links if (found := bibtex_url(link.url))), None)
    if url:
        fields.append(("url", url))
    award = award_label(paper.award) if paper.award else ""
    presentation = PRESENTATIONS[paper.presentation].label if paper.presentation else ""
    note = ", ".join(part for part in (award, presentation) if part)
    if note:
        fields.append(("note", bibtex_text(note)))
    return fields


def bibtex_entry(paper: Paper) -> str:
    """The paper's BibTeX entry, keyed by its record id; talks outside the proceedings are @misc."""
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in bibtex_fields(paper))
    return f"@{bibtex_type(paper.presentation)}{{{paper.id},\n{body}}}"


def code_fence(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text``, so the block cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# Words of each summary in its search document: the whole of most curated summaries (their median
# is about 50 words), and a bound on the documents every visitor's search worker downloads and
# parses before the first result (5.4 MB at 5,000 papers; docs/performance.md).
SEARCH_SUMMARY_WORDS = 60


def _opening(summary: str) -> str:
    words = summary.split()
    return " ".join(words[:SEARCH_SUMMARY_WORDS]) + (" …" if len(words) > SEARCH_SUMMARY_WORDS else "")


def search_documents(catalog: Catalog) -> str:
    """Each paper as one search document, in Material's index format, in list order, one per line.

    What a reader looks a paper up by: its title, authors, tags, arXiv id and the opening of
    its summary (each list's, in a collection). Material shows ``title`` and ``text`` as
    HTML, so both are escaped. The search plugin does not parse paper pages: a hosted site
    publishes these documents beside Material's index, for the site's search worker to fetch,
    and the offline export adds them to the index (generator/mkdocs_hook.py). ``location``
    is the page's address in the build's URL style.
    """
    lines = []
    for paper in catalog.papers:
        summaries = dict.fromkeys(
            _opening(rendered_text(placement.summary)) for placement in paper.placements if placement.summary
        )
        parts = [", ".join(paper.author_names), *([f"arXiv:{paper.arxiv_id}"] if paper.arxiv_id else []), *summaries]
        document = {
            "location": routes.url(routes.paper(paper.id), catalog.directory_urls),
            "title": html_text(paper.title),
            "text": html.escape(" · ".join(part for part in parts if part), quote=False),
            "tags": [html_text(catalog.tags_by_id[tag].title) for tag in paper.tags],
        }
        lines.append(json.dumps(document, ensure_ascii=False))
    return "[\n" + ",\n".join(lines) + "\n]\n"
