"""The in-memory model: plain typed records, built once from validated data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .links import arxiv_id, link_kind, openreview_id
from .text import looks_like_organisation


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    kind: str


@dataclass(frozen=True)
class Tag:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None
    # An organisation in the author list ("IBM Research"), filed by its first word, not a surname.
    organisation: bool = False


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    section_id: str
    subsection_id: str
    position: int | None
    authors: tuple[Author, ...]
    authors_et_al: bool
    affiliation: str | None
    venue: str | None
    year: int | None
    presentation: str | None
    award: str | None
    links: tuple[Link, ...]
    summary: str
    key_results: tuple[str, ...]
    tags: tuple[str, ...]
    added: str | None
    source: str

    @property
    def category(self) -> str:
        return f"{self.section_id}/{self.subsection_id}"

    # Cached: pages, exports and BibTeX each ask, and a paper never changes once built.
    @cached_property
    def arxiv_id(self) -> str | None:
        return next((found for link in self.links if (found := arxiv_id(link.url))), None)

    @cached_property
    def openreview_id(self) -> str | None:
        return next((found for link in self.links if (found := openreview_id(link.url))), None)

    @cached_property
    def has_code(self) -> bool:
        return any(link.kind == "code" for link in self.links)

    @cached_property
    def author_names(self) -> tuple[str, ...]:
        return tuple(author.name for author in self.authors)


@dataclass(frozen=True)
class Subsection:
    id: str
    title: str
    number: str
    section_id: str
    papers: tuple[Paper, ...]

    @property
    def category(self) -> str:
        return f"{self.section_id}/{self.id}"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    number: str
    subsections: tuple[Subsection, ...]

    @property
    def papers(self) -> tuple[Paper, ...]:
        return tuple(paper for subsection in self.subsections for paper in subsection.papers)


@dataclass(frozen=True)
class SiteSettings:
    """Where the site is published and where contributors edit it (mkdocs.yml holds them)."""

    site_url: str | None = None
    repository: str | None = None
    branch: str = "main"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SiteSettings:
        """The settings in mkdocs.yml's data: ``site_url``, ``extra.repository`` and ``extra.branch``."""
        extra = config.get("extra")
        extra = extra if isinstance(extra, Mapping) else {}
        return cls(
            site_url=config.get("site_url") or None,
            repository=extra.get("repository") or None,
            branch=extra.get("branch") or "main",
        )


@dataclass(frozen=True)
class Catalog:
    """The whole list: header, taxonomy in display order, and papers in list order."""

    title: str
    description: str
    sections: tuple[Section, ...]
    papers_by_id: dict[str, Paper] = field(repr=False)
    tags: tuple[Tag, ...] = ()
    repository: str | None = None
    branch: str = "main"
    site_url: str | None = None
    # Where the record files are, from the project's root: new ones are created there.
    records_folder: str = "entries/papers"

    @cached_property
    def tags_by_id(self) -> dict[str, Tag]:
        return {tag.id: tag for tag in self.tags}

    def edit_url(self, paper: Paper) -> str | None:
        """Where a contributor edits a paper's record on the forge, if the repository is known."""
        if not self.repository:
            return None
        return f"{self.repository.rstrip('/')}/edit/{self.branch}/{paper.source}"

    def new_record_url(self) -> str | None:
        """Where a contributor creates a record in the forge's web editor, if the repository is known."""
        if not self.repository:
            return None
        return f"{self.repository.rstrip('/')}/new/{self.branch}/{self.records_folder}"

    # Cached: templates ask for these many times, and the catalog never changes once built.
    @cached_property
    def papers(self) -> tuple[Paper, ...]:
        return tuple(paper for section in self.sections for paper in section.papers)

    @cached_property
    def subsections(self) -> tuple[Subsection, ...]:
        return tuple(sub for section in self.sections for sub in section.subsections)

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

    @cached_property
    def subsections_by_category(self) -> dict[str, Subsection]:
        return {sub.category: sub for sub in self.subsections}


def _paper(paper_id: str, data: Mapping[str, Any], source: str) -> Paper:
    section_id, _, subsection_id = data["category"].partition("/")
    per_author = data.get("author_affiliations", {})
    organisations = set(data.get("organisations", []))
    return Paper(
        id=paper_id,
        title=data["title"].strip(),
        section_id=section_id,
        subsection_id=subsection_id,
        position=data.get("position"),
        authors=tuple(
            Author(name, per_author.get(name), name in organisations or looks_like_organisation(name))
            for name in data.get("authors", [])
        ),
        authors_et_al=bool(data.get("authors_et_al", False)),
        affiliation=data.get("affiliation"),
        venue=data.get("venue"),
        year=data.get("year"),
        presentation=data.get("presentation"),
        award=data.get("award"),
        links=tuple(Link(link["label"], link["url"], link_kind(link["url"])) for link in data.get("links", [])),
        summary=data.get("summary", "").strip(),
        key_results=tuple(result.strip() for result in data.get("key_results", [])),
        tags=tuple(data.get("tags", [])),
        added=data.get("added"),
        source=source,
    )


def _list_order(paper: Paper) -> tuple[bool, int, str, str]:
    # Papers without a position follow the positioned ones, by title, then id for ties.
    unpositioned = paper.position is None
    return (unpositioned, paper.position or 0, paper.title.casefold(), paper.id)


def build_catalog(
    taxonomy: Mapping[str, Any],
    tags: Mapping[str, Any] | None,
    records: Iterable[tuple[str, str, Mapping[str, Any]]],
    settings: SiteSettings = SiteSettings(),
    records_folder: str = "entries/papers",
) -> Catalog:
    """The model of validated data: the taxonomy, the tag vocabulary and (id, source file, data) per record.

    Call only after ``validate`` found no errors.
    """
    papers_by_category: dict[str, list[Paper]] = {}
    papers_by_id: dict[str, Paper] = {}
    for paper_id, source, data in records:
        paper = _paper(paper_id, data, source)
        papers_by_category.setdefault(paper.category, []).append(paper)
        papers_by_id[paper.id] = paper
    sections = []
    for section_index, section in enumerate(taxonomy["sections"], start=1):
        subsections = []
        for sub_index, subsection in enumerate(section["subsections"], start=1):
            category = f"{section['id']}/{subsection['id']}"
            papers = sorted(papers_by_category.get(category, []), key=_list_order)
            subsections.append(
                Subsection(
                    id=subsection["id"],
                    title=subsection["title"],
                    number=f"{section_index}.{sub_index}",
                    section_id=section["id"],
                    papers=tuple(papers),
                )
            )
        sections.append(
            Section(id=section["id"], title=section["title"], number=str(section_index), subsections=tuple(subsections))
        )
    return Catalog(
        title=taxonomy["title"],
        description=taxonomy["description"],
        sections=tuple(sections),
        papers_by_id=dict(sorted(papers_by_id.items())),
        tags=tuple(Tag(tag["id"], tag["title"], tag.get("description", "")) for tag in (tags["tags"] if tags else [])),
        repository=settings.repository,
        branch=settings.branch,
        site_url=settings.site_url,
        records_folder=records_folder,
    )
