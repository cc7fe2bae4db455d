"""Cross-record views of the catalog: authors A–Z, statistics, highlights, recent papers.

Each view is one pass over the papers plus a sort: near-linear in their number.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import routes
from .model import Catalog, Paper, Tag
from .text import ascii_letters, slugify
from .vocabulary import HIGHLIGHT_GROUPS, NOT_STATED, PRESENTATIONS, Presentation

RECENT_COUNT = 10
# The author index's group for names that do not start with a letter.
OTHER_INITIAL = "#"
# Feed readers poll the whole file; the newest entries are all they show.
FEED_COUNT = 50


@dataclass(frozen=True)
class AuthorEntry:
    name: str
    anchor: str
    papers: tuple[Paper, ...]
    organisation: bool = False


@dataclass(frozen=True)
class AuthorLetter:
    letter: str
    authors: tuple[AuthorEntry, ...]


def _fold(text: str) -> str:
    return ascii_letters(text).casefold()


def _filing_word(name: str, organisation: bool) -> str:
    """The word a name is filed under: a person's surname (the last word), an organisation's first."""
    words = name.split()
    if not words:
        return ""
    return words[0] if organisation else words[-1]


def author_index(catalog: Catalog) -> tuple[list[AuthorLetter], dict[str, str]]:
    """Authors grouped by the first letter of their surname (organisations: of their name), and each name's anchor."""
    papers_by_name: dict[str, list[Paper]] = {}
    organisations: set[str] = set()
    for paper in catalog.papers:
        for author in paper.authors:
            papers = papers_by_name.setdefault(author.name, [])
            if not papers or papers[-1] is not paper:
                papers.append(paper)
            if author.organisation:
                # One record that says so is enough: the name is the same organisation everywhere.
                organisations.add(author.name)
    # (filing word, whole name) folded to ASCII: the sort key, computed once per name.
    folded = {name: (_fold(_filing_word(name, name in organisations)), _fold(name)) for name in papers_by_name}
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    letters: dict[str, list[AuthorEntry]] = {}
    for (surname, whole), name in sorted((key, name) for name, key in folded.items()):
        # The folded name is already ASCII and lowercase, so slugify has the least to do.
        base = slugify(whole, max_length=80) or "author"
        anchor, number = base, 2
        while anchor in taken:
            anchor, number = f"{base}-{number}", number + 1
        taken.add(anchor)
        anchors[name] = anchor
        initial = surname[:1].upper()
        letter = initial if initial.isalpha() else OTHER_INITIAL
        letters.setdefault(letter, []).append(
            AuthorEntry(name, anchor, tuple(papers_by_name[name]), name in organisations)
        )
    # Names that start with no letter ("5th Workshop…") come after Z, as in a printed index: the
    # page opens on its first group, which should be A.
    ordered = sorted(letters.items(), key=lambda item: (item[0] == OTHER_INITIAL, item[0]))
    return [AuthorLetter(letter, tuple(entries)) for letter, entries in ordered], anchors


def author_index_data(letters: list[AuthorLetter]) -> dict[str, Any]:
    """The author index as the page's script draws it: one initial at a time, or the matches of a filter.

    Tens of thousands of author entries as Markdown would dominate the site's build time
    and weigh megabytes per visit; as data they are a fraction of that.
    """
    titles: dict[str, str] = {}
    groups = []
    for letter in letters:
        entries = []
        for author in letter.authors:
            entry: list[Any] = [author.name, author.anchor, [paper.id for paper in author.papers]]
            # A fourth item marks an organisation; people, nearly every entry, go without it.
            entries.append([*entry, 1] if author.organisation else entry)
            titles.update((paper.id, paper.title) for paper in author.papers)
        groups.append([letter.letter, entries])
    return {"letters": groups, "titles": dict(sorted(titles.items()))}


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


def _chart(chart_id: str, title: str, counts: Sequence[tuple[str, int, str | None]]) -> Chart:
    longest = max((count for _, count, _ in counts), default=0) or 1
    return Chart(chart_id, title, tuple(ChartRow(label, count, count / longest, link) for label, count, link in counts))


def statistics(catalog: Catalog) -> list[Chart]:
    """Papers per section, subsection, tag and presentation type."""
    titles = {paper_list.id: f"{paper_list.label} › " if paper_list.id else "" for paper_list in catalog.lists}
    sections = [
        (f"{titles[s.list_id]}{s.number}. {s.title}", len(s.papers), routes.section(s.id, s.list_id))
        for s in catalog.sections
    ]
    subsections = [
        (
            f"{titles[sub.list_id]}{sub.number} {sub.title}",
            len(sub.papers),
            routes.subsection(sub.section_id, sub.id, sub.list_id),
        )
        for sub in catalog.subsections
    ]
    per_tag = tag_counts(catalog)
    presentation_counts: dict[str | None, int] = {}
    for paper in catalog.papers:
        presentation_counts[paper.presentation] = presentation_counts.get(paper.presentation, 0) + 1
    tags = sorted(((tag.title, per_tag[tag.id], None) for tag in catalog.tags), key=lambda row: -row[1])
    # The vocabulary's order, then "not stated" last.
    presentations = [
        (PRESENTATIONS[kind].label if kind else NOT_STATED, presentation_counts[kind], None)
        for kind in (*PRESENTATIONS, None)
        if kind in presentation_counts
    ]
    return [
        _chart("per-section", "Papers per section", sections),
        _chart("per-subsection", "Papers per subsection", subsections),
        _chart("per-tag", "Papers per tag", tags),
        _chart("per-presentation", "Papers per presentation type", presentations),
    ]


def highlights(catalog: Catalog) -> dict[str, list[Paper]]:
    """Award-winning papers, orals and spotlights, and tutorials, in list order."""
    groups: dict[str, list[Paper]] = {group: [] for group in HIGHLIGHT_GROUPS}
    for paper in catalog.papers:
        if paper.award:
            groups["awards"].append(paper)
        if paper.presentation and (group := PRESENTATIONS[paper.presentation].highlight):
            groups[group].append(paper)
    return groups


def recently_added(catalog: Catalog, count: int = RECENT_COUNT) -> list[Paper]:
    """Newest first by date added; ties keep list order, so the result is stable."""
    dated = [paper for paper in catalog.papers if paper.added]
    return sorted(dated, key=lambda paper: paper.added or "", reverse=True)[:count]


@dataclass(frozen=True)
class AddedOn:
    """The papers added on one date: all of them, or none when they are too many to list (``total`` says how many)."""

    date: str
    papers: tuple[Paper, ...]
    total: int


def recent_days(catalog: Catalog, count: int = RECENT_COUNT) -> list[AddedOn]:
    """The newest dates papers were added on, newest first, with at most ``count`` papers listed.

    A date's papers are listed whole or not at all: ten papers picked from a larger batch would
    be picked by their place in the list, which says nothing about when they came. The first
    date whose papers do not fit is given by its count, and ends the list.
    """
    days: list[AddedOn] = []
    listed = 0
    for date, group in itertools.groupby(recently_added(catalog, count=len(catalog.papers)), key=_added):
        papers = tuple(group)
        if listed + len(papers) > count:
            days.append(AddedOn(date, (), len(papers)))
            break
        days.append(AddedOn(date, papers, len(papers)))
        listed += len(papers)
        if listed == count:
            break
    return days


def _added(paper: Paper) -> str:
    return paper.added or ""


EXPLORER_FIELDS = ("id", "title", "authors", "category", "tags", "presentation", "award", "code", "arxiv", "added")


def explorer_category(list_id: str | None, category: str) -> str:
    """A category as the explorer filters by it: in a collection, prefixed with its list ("rl:systems/x")."""
    return f"{list_id}:{category}" if list_id else category


def explorer_data(catalog: Catalog) -> dict[str, Any]:
    """The papers the explorer page filters and sorts in the browser, one list per field.

    At thousands of papers this payload is most of the page's weight: columns gzip
    better than one object per paper, and subsection and tag titles are sent once.

    In a collection a paper may sit in several lists. Its rows come in the order of its
    first place in list order (``Catalog.papers``), and ``category`` is that place. Each
    row also has every place (``categories``, in list order) with its rank among all the
    places of all lists (``ranks``): filtered to one list or section, the script shows and
    sorts the row by its place there. A single list sends none of these extra columns.
    """
    places = _explorer_places(catalog)
    columns: dict[str, list[Any]] = {name: [] for name in EXPLORER_FIELDS}
    for paper in catalog.papers:
        values = (
            paper.id,
            paper.title,
            ", ".join(paper.author_names) + (" et al." if paper.authors_et_al else ""),
            places[paper.id][0][0],
            list(paper.tags),
            paper.presentation,
            paper.award,
            paper.has_code or None,
            paper.arxiv_id,
            paper.added,
        )
        for name, value in zip(EXPLORER_FIELDS, values, strict=True):
            columns[name].append(value)
        if catalog.is_collection:
            columns.setdefault("lists", []).append(list(dict.fromkeys(p.list_id for p in paper.placements)))
            columns.setdefault("categories", []).append([category for category, _ in places[paper.id]])
            columns.setdefault("ranks", []).append([rank for _, rank in places[paper.id]])
    listings = {
        explorer_category(sub.list_id, sub.category): f"{sub.number} {sub.title}" for sub in catalog.subsections
    }
    # A section without subsections holds its papers itself: its title stands for theirs.
    listings.update(
        {explorer_category(s.list_id, s.id): f"{s.number}. {s.title}" for s in catalog.sections if not s.subsections}
    )
    data: dict[str, Any] = {
        "tags": {tag.id: tag.title for tag in catalog.tags},
        "subsections": listings,
        "papers": columns,
    }
    if catalog.is_collection:
        # Under "All lists" a section's number and title alone do not say which list it is in.
        data["list_labels"] = {paper_list.id: paper_list.label for paper_list in catalog.lists}
    return data


def _explorer_places(catalog: Catalog) -> dict[str, list[tuple[str, int]]]:
    """Each paper's places (explorer category, rank among every place of every list), in list order."""
    places: dict[str, list[tuple[str, int]]] = {}
    shown = (paper for section in catalog.sections for paper in section.papers)
    for rank, paper in enumerate(shown):
        places.setdefault(paper.id, []).append((explorer_category(paper.list_id, paper.category), rank))
    return places


@dataclass(frozen=True)
class ExplorerChoices:
    """What the explorer's Tag and "Presentation or award" filters offer: only values some paper has.

    A choice no paper has would show an empty table, however the other filters are set.
    (The List and Section filters ask each list, section and subsection for its papers.)
    """

    tags: tuple[Tag, ...]
    award: bool
    presentations: tuple[Presentation, ...]


def explorer_choices(catalog: Catalog) -> ExplorerChoices:
    """The tags, awards and presentations the papers have, in the vocabulary's order."""
    used_tags = {tag for paper in catalog.papers for tag in paper.tags}
    used_presentations = {paper.presentation for paper in catalog.papers if paper.presentation}
    return ExplorerChoices(
        tags=tuple(tag for tag in catalog.tags if tag.id in used_tags),
        award=any(paper.award for paper in catalog.papers),
        presentations=tuple(item for item in PRESENTATIONS.values() if item.id in used_presentations),
    )


def tag_counts(catalog: Catalog) -> dict[str, int]:
    counts = {tag.id: 0 for tag in catalog.tags}
    for paper in catalog.papers:
        for tag in paper.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return counts
