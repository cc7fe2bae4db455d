"""Cross-record views of the catalog: authors A–Z, statistics, highlights, recent papers.

Each view is one pass over the papers plus a sort: near-linear in their number.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .model import Catalog, Paper
from .text import slugify

RECENT_COUNT = 10
# Feed readers poll the whole file; the newest entries are all they show.
FEED_COUNT = 50
PRESENTATION_ORDER = ("oral", "spotlight", "poster", "tutorial", "workshop", "invited-talk")


@dataclass(frozen=True)
class AuthorEntry:
    name: str
    anchor: str
    papers: tuple[Paper, ...]


@dataclass(frozen=True)
class AuthorLetter:
    letter: str
    authors: tuple[AuthorEntry, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _surname_key(name: str) -> tuple[str, str]:
    return (_fold(name.split()[-1]) if name.split() else "", _fold(name))


def author_index(catalog: Catalog) -> tuple[list[AuthorLetter], dict[str, str]]:
    """Authors grouped by the first letter of their surname, and each name's anchor."""
    papers_by_name: dict[str, list[Paper]] = {}
    for paper in catalog.papers:
        for name in dict.fromkeys(paper.author_names):
            papers_by_name.setdefault(name, []).append(paper)
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    letters: dict[str, list[AuthorEntry]] = {}
    for surname, name in sorted((_surname_key(name), name) for name in papers_by_name):
        base = slugify(name, max_length=80) or "author"
        anchor, number = base, 2
        while anchor in taken:
            anchor, number = f"{base}-{number}", number + 1
        taken.add(anchor)
        anchors[name] = anchor
        initial = surname[0][:1].upper()
        letter = initial if initial.isalpha() else "#"
        letters.setdefault(letter, []).append(AuthorEntry(name, anchor, tuple(papers_by_name[name])))
    return [AuthorLetter(letter, tuple(entries)) for letter, entries in sorted(letters.items())], anchors


@dataclass(frozen=True)
class ChartRow:
    label: str
    count: int
    bar: float  # bar length as a share of the longest bar, 0..1
    link: str | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    rows: tuple[ChartRow, ...]


def _chart(chart_id: str, title: str, counts: list[tuple[str, int, str | None]]) -> Chart:
    longest = max((count for _, count, _ in counts), default=0) or 1
    return Chart(chart_id, title, tuple(ChartRow(label, count, count / longest, link) for label, count, link in counts))


def statistics(catalog: Catalog) -> list[Chart]:
    """Papers per section, subsection, tag and presentation type."""
    sections = [(f"{s.number}. {s.title}", len(s.papers), f"sections/{s.id}/index.md") for s in catalog.sections]
    subsections = [(f"{sub.number} {sub.title}", len(sub.papers), f"sections/{sub.section_id}/{sub.id}.md")
                   for sub in catalog.subsections]
    per_tag = tag_counts(catalog)
    presentation_counts: dict[str, int] = {}
    for paper in catalog.papers:
        kind = paper.presentation or "not stated"
        presentation_counts[kind] = presentation_counts.get(kind, 0) + 1
    tags = sorted(((tag.title, per_tag[tag.id], None) for tag in catalog.tags), key=lambda row: -row[1])
    order = {kind: index for index, kind in enumerate((*PRESENTATION_ORDER, "not stated"))}
    presentations = [(kind.replace("-", " ").capitalize(), count, None)
                     for kind, count in sorted(presentation_counts.items(), key=lambda item: order.get(item[0], 99))]
    return [
        _chart("per-section", "Papers per section", sections),
        _chart("per-subsection", "Papers per subsection", subsections),
        _chart("per-tag", "Papers per tag", tags),
        _chart("per-presentation", "Papers per presentation type", presentations),
    ]


def highlights(catalog: Catalog) -> dict[str, list[Paper]]:
    """Award-winning papers, orals and spotlights, and tutorials, in list order."""
    papers = catalog.papers
    return {
        "awards": [paper for paper in papers if paper.award],
        "talks": [paper for paper in papers if paper.presentation in ("oral", "spotlight")],
        "tutorials": [paper for paper in papers if paper.presentation == "tutorial"],
    }


def recently_added(catalog: Catalog, count: int = RECENT_COUNT) -> list[Paper]:
    """Newest first by date added; ties keep list order, so the result is stable."""
    dated = [paper for paper in catalog.papers if paper.added]
    return sorted(dated, key=lambda paper: paper.added or "", reverse=True)[:count]


def explorer_data(catalog: Catalog) -> dict:
    """The compact rows the explorer page filters and sorts in the browser.

    Subsection and tag titles are sent once, and empty fields are left out: at
    thousands of papers the payload is most of the page's weight.
    """
    rows = []
    for paper in catalog.papers:
        names = ", ".join(paper.author_names) + (" et al." if paper.authors_et_al else "")
        row = {"id": paper.id, "title": paper.title, "authors": names, "category": paper.category,
               "tags": list(paper.tags), "presentation": paper.presentation, "award": paper.award,
               "code": paper.has_code or None, "arxiv": paper.arxiv_id, "added": paper.added}
        rows.append({key: value for key, value in row.items() if value is not None})
    return {
        "tags": {tag.id: tag.title for tag in catalog.tags},
        "subsections": {sub.category: f"{sub.number} {sub.title}" for sub in catalog.subsections},
        "rows": rows,
    }


def tag_counts(catalog: Catalog) -> dict[str, int]:
    counts = {tag.id: 0 for tag in catalog.tags}
    for paper in catalog.papers:
        for tag in paper.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return counts
