"""Views: the data each generated page needs, and the route it is written to.

A view is plain data (the page's route, its template and its context); turning it
into text is ``render``'s job, and deciding where it lives is ``routes``'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import routes
from .findings import Finding, Rule
from .indexes import (
    FEED_COUNT,
    author_index,
    author_index_data,
    explorer_category,
    explorer_choices,
    explorer_data,
    highlights,
    recent_days,
    recently_added,
    statistics,
    tag_counts,
)
from .model import Catalog, Paper, PaperList, Placement, Section, Subsection


@dataclass(frozen=True)
class View:
    """One generated file under docs/: its route, the template that renders it, and the template's data."""

    path: str
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class SchemaField:
    """One row of the field reference."""

    name: str
    type: str
    required: bool
    description: str


# Fields only a collection of lists uses: a single list's field reference leaves them out.
COLLECTION_FIELDS = frozenset({"list", "also", "notes"})


def schema_fields(schema: dict[str, Any], collection: bool = True) -> list[SchemaField]:
    """The record schema's properties, in schema order, for the contributor's field reference."""

    def type_of(spec: dict[str, Any]) -> str:
        if "enum" in spec:
            return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
        if spec.get("type") == "array":
            return f"list of {type_of(spec['items'])}"
        if spec.get("type") == "object" and "properties" not in spec:
            return "mapping"
        if spec.get("type") == "object":
            return "{" + ", ".join(spec["properties"]) + "}"
        return str(spec.get("format", spec.get("type", "any")))

    required = set(schema.get("required", []))
    return [
        SchemaField(name, type_of(spec), name in required, spec.get("description", ""))
        for name, spec in schema["properties"].items()
        if collection or name not in COLLECTION_FIELDS
    ]


# The warnings the data-quality page lists, in its order.
QUALITY_RULES = (
    Rule.NO_AUTHORS,
    Rule.GENERIC_LINK,
    Rule.VENUE_YEAR,
    Rule.NO_PAPER_LINK,
    Rule.SHARED_TITLE_PREFIX,
    Rule.JOINED_NAME,
)


@dataclass(frozen=True)
class QualityGroup:
    """Papers with one kind of data gap, and what the validator said of each."""

    rule: str
    items: tuple[tuple[Paper, tuple[str, ...]], ...]


def quality_groups(catalog: Catalog, warnings: list[Finding]) -> list[QualityGroup]:
    """Group the validator's warnings by rule, each paper once per rule, in list order."""
    by_source = {paper.source: paper for paper in catalog.papers}
    messages: dict[tuple[str, str], list[str]] = {}
    for finding in warnings:
        if finding.rule in QUALITY_RULES and finding.path in by_source:
            messages.setdefault((finding.rule, finding.path), []).append(finding.message)
    groups = []
    for rule in QUALITY_RULES:
        items = tuple(
            (paper, tuple(messages[rule, paper.source])) for paper in catalog.papers if (rule, paper.source) in messages
        )
        if items:
            groups.append(QualityGroup(rule, items))
    return groups


def views(
    catalog: Catalog, warnings: list[Finding], related_found: Callable[[], Mapping[str, tuple[str, ...]]]
) -> list[View]:
    """Every page and download under docs/, each with the data its template needs.

    ``related_found`` gives ``related.related_papers``' result; it is called last, so that
    another process may find them meanwhile (see ``render.plan_outputs``).
    """
    letters, author_anchors = author_index(catalog)
    groups = highlights(catalog)
    newest_first = recently_added(catalog, count=len(catalog.papers))
    shared = {"author_anchors": author_anchors, "highlights": groups}

    def page(path: str, template: str, **context: Any) -> View:
        return View(path, template, {"link": routes.Links(path, catalog.directory_urls), **context})

    pages = [
        page(routes.HOME, "home.md.j2", recent=recent_days(catalog), **shared),
        page(
            routes.EXPLORER,
            "explorer.md.j2",
            explorer_data=explorer_data(catalog),
            explorer_category=explorer_category,
            choices=explorer_choices(catalog),
        ),
        page(routes.AUTHORS, "authors.md.j2", letters=letters, author_data=author_index_data(letters)),
        page(routes.TAGS, "tags.md.j2", tag_counts=tag_counts(catalog)),
        page(routes.HIGHLIGHTS, "highlights.md.j2", **shared),
        page(routes.STATISTICS, "stats.md.j2", charts=statistics(catalog)),
        page(routes.QUALITY, "quality.md.j2", groups=quality_groups(catalog, warnings)),
        page(routes.BIBTEX, "papers.bib.j2", papers=catalog.papers),
        page(routes.FEED, "feed.xml.j2", feed_papers=newest_first[:FEED_COUNT]),
    ]
    for paper_list in catalog.lists:
        pages.extend(_list_pages(paper_list, page, shared))
    related = related_found()
    for paper in catalog.papers:
        own = paper.placements[0]
        pages.append(
            page(
                routes.paper(paper.id),
                "paper.md.j2",
                paper=paper,
                section=catalog.section_of(own),
                subsection=catalog.subsection_of(own),
                placements=[_placed(catalog, paper, placement) for placement in paper.placements],
                related=related,
                **shared,
            )
        )
    return pages


@dataclass(frozen=True)
class Placed:
    """One placement of a paper as its page shows it: its list, section, subsection, and the paper as listed there."""

    paper_list: PaperList
    section: Section
    subsection: Subsection | None
    paper: Paper


def _placed(catalog: Catalog, paper: Paper, placement: Placement) -> Placed:
    shown = paper if placement is paper.placements[0] else paper.placed_in(placement)
    return Placed(
        catalog.lists_by_id[placement.list_id],
        catalog.section_of(placement),
        catalog.subsection_of(placement),
        shown,
    )


def _list_pages(paper_list: PaperList, page: Callable[..., View], shared: dict[str, Any]) -> Iterator[View]:
    """A list's pages and downloads: a collection's list page, and every section and subsection's."""
    list_id = paper_list.id
    if list_id:
        yield page(routes.paper_list(list_id), "list.md.j2", paper_list=paper_list)
        yield page(routes.list_bibtex(list_id), "papers.bib.j2", papers=paper_list.papers)
    for section in paper_list.sections:
        yield page(routes.section(section.id, list_id), "section.md.j2", section=section, paper_list=paper_list)
        yield page(routes.section_bibtex(section.id, list_id), "papers.bib.j2", papers=section.papers)
        for subsection in section.subsections:
            yield page(
                routes.subsection(section.id, subsection.id, list_id),
                "subsection.md.j2",
                section=section,
                subsection=subsection,
                paper_list=paper_list,
                **shared,
            )
            yield page(
                routes.subsection_bibtex(section.id, subsection.id, list_id), "papers.bib.j2", papers=subsection.papers
            )


def output_sources(catalog: Catalog, taxonomy: str) -> dict[str, str]:
    """The data file each per-record output is named after: where to shorten an id the file system refuses."""
    sources = {}
    for paper_list in catalog.lists:
        list_id = paper_list.id
        if list_id:
            sources[routes.in_docs(routes.paper_list(list_id))] = taxonomy
        for section in paper_list.sections:
            sources[routes.in_docs(routes.section(section.id, list_id))] = taxonomy
            sources[routes.in_docs(routes.section_bibtex(section.id, list_id))] = taxonomy
            for subsection in section.subsections:
                sources[routes.in_docs(routes.subsection(section.id, subsection.id, list_id))] = taxonomy
                sources[routes.in_docs(routes.subsection_bibtex(section.id, subsection.id, list_id))] = taxonomy
    sources.update({routes.in_docs(routes.paper(paper.id)): paper.source for paper in catalog.papers})
    return sources
