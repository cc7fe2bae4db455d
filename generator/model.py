"""The in-memory model: plain typed records, built once from validated data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
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
class Note:
    """What the curator noted beside a paper in one list: "Note: …"."""

    label: str
    text: str


@dataclass(frozen=True)
class Placement:
    """Where a paper sits in one list, and what that list says of it.

    ``list_id`` is None in a single-list project; ``subsection_id`` is "" for a paper
    placed directly in a section without subsections.
    """

    list_id: str | None
    section_id: str
    subsection_id: str
    position: int | None
    summary: str
    key_results: tuple[str, ...]
    notes: tuple[Note, ...]

    @property
    def category(self) -> str:
        return f"{self.section_id}/{self.subsection_id}" if self.subsection_id else self.section_id

    @property
    def texts(self) -> tuple[str, ...]:
        """Its Markdown fields that are not empty: summary, key results, notes' texts."""
        return tuple(text for text in (self.summary, *self.key_results, *(note.text for note in self.notes)) if text)


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
    # Every place the paper is listed, its own first; the fields above come from one of them
    # (the own one, or on a list's pages, that list's). In a single list there is one.
    placements: tuple[Placement, ...] = ()
    # Links in record order, those without a URL included (``links`` holds those with one).
    all_links: tuple[tuple[str, str | None], ...] = ()
    notes: tuple[Note, ...] = ()
    list_id: str | None = None

    def __post_init__(self) -> None:
        # A paper made without placements (by hand, in a test) is placed where its fields say.
        if not self.placements:
            own = Placement(
                self.list_id,
                self.section_id,
                self.subsection_id,
                self.position,
                self.summary,
                self.key_results,
                self.notes,
            )
            object.__setattr__(self, "placements", (own,))
        if not self.all_links:
            object.__setattr__(self, "all_links", tuple((link.label, link.url) for link in self.links))

    @property
    def category(self) -> str:
        return f"{self.section_id}/{self.subsection_id}" if self.subsection_id else self.section_id

    def placed_in(self, placement: Placement) -> Paper:
        """The paper as the list of ``placement`` shows it: that list's place and texts."""
        return replace(
            self,
            list_id=placement.list_id,
            section_id=placement.section_id,
            subsection_id=placement.subsection_id,
            position=placement.position,
            summary=placement.summary,
            key_results=placement.key_results,
            notes=placement.notes,
        )

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
    list_id: str | None = None

    @property
    def category(self) -> str:
        return f"{self.section_id}/{self.id}"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    number: str
    subsections: tuple[Subsection, ...]
    list_id: str | None = None
    # The papers of a section without subsections, which it holds itself.
    own_papers: tuple[Paper, ...] = ()

    @property
    def papers(self) -> tuple[Paper, ...]:
        return self.own_papers + tuple(paper for subsection in self.subsections for paper in subsection.papers)


@dataclass(frozen=True)
class PaperList:
    """One list of a collection (or a single-list project's one list, whose ``id`` is None)."""

    id: str | None
    title: str
    description: str
    overview: str
    sections: tuple[Section, ...]
    # Where its Markdown is generated, from the project's root; None for a single list (README.md).
    output: str | None = None
    # Its short name and one line on its topics, for the collection's table of contents.
    label: str = ""
    summary: str = ""

    @cached_property
    def papers(self) -> tuple[Paper, ...]:
        """The list's papers in list order, as this list shows them."""
        return tuple(paper for section in self.sections for paper in section.papers)

    @cached_property
    def subsections(self) -> tuple[Subsection, ...]:
        return tuple(sub for section in self.sections for sub in section.subsections)

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """Where a paper can be placed in this list: each subsection, and each section without any."""
        return tuple(
            category
            for section in self.sections
            for category in ([sub.category for sub in section.subsections] or [section.id])
        )


@dataclass(frozen=True)
class SiteSettings:
    """Where the site is published and where contributors edit it (mkdocs.yml holds them)."""

    site_url: str | None = None
    repository: str | None = None
    branch: str = "main"
    # MkDocs' ``use_directory_urls``: the offline copy is built without them.
    directory_urls: bool = True

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SiteSettings:
        """The settings in mkdocs.yml's data: ``site_url``, ``extra.repository`` and ``extra.branch``."""
        extra = config.get("extra")
        extra = extra if isinstance(extra, Mapping) else {}
        return cls(
            site_url=config.get("site_url") or None,
            repository=extra.get("repository") or None,
            branch=extra.get("branch") or "main",
            directory_urls=config.get("use_directory_urls") is not False,
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
    directory_urls: bool = True
    # Where the record files are, from the project's root: new ones are created there.
    records_folder: str = "entries/papers"
    # A collection's lists; empty for a single list, whose sections are ``sections``.
    collection_lists: tuple[PaperList, ...] = ()

    @property
    def is_collection(self) -> bool:
        return bool(self.collection_lists)

    @cached_property
    def lists(self) -> tuple[PaperList, ...]:
        """Every list: a collection's, or the single list as one list without an id."""
        if self.collection_lists:
            return self.collection_lists
        return (PaperList(None, self.title, self.description, "", self.sections),)

    @cached_property
    def lists_by_id(self) -> dict[str | None, PaperList]:
        return {paper_list.id: paper_list for paper_list in self.lists}

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
        """Every paper once, in list order (a collection's: by its first list's order, lists in turn)."""
        ordered = dict.fromkeys(paper.id for section in self.sections for paper in section.papers)
        return tuple(self.papers_by_id[paper_id] for paper_id in ordered)

    @cached_property
    def subsections(self) -> tuple[Subsection, ...]:
        return tuple(sub for section in self.sections for sub in section.subsections)

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections if section.list_id is None}

    @cached_property
    def subsections_by_category(self) -> dict[str, Subsection]:
        return {sub.category: sub for sub in self.subsections if sub.list_id is None}

    def section_of(self, placement: Placement) -> Section:
        """The section a placement is in."""
        paper_list = self.lists_by_id[placement.list_id]
        return next(section for section in paper_list.sections if section.id == placement.section_id)

    def subsection_of(self, placement: Placement) -> Subsection | None:
        """The subsection a placement is in; None for a section that holds its papers itself."""
        section = self.section_of(placement)
        return next((sub for sub in section.subsections if sub.id == placement.subsection_id), None)


def _placement(data: Mapping[str, Any]) -> Placement:
    section_id, _, subsection_id = data["category"].partition("/")
    return Placement(
        list_id=data.get("list"),
        section_id=section_id,
        subsection_id=subsection_id,
        position=data.get("position"),
        summary=data.get("summary", "").strip(),
        key_results=tuple(result.strip() for result in data.get("key_results", [])),
        notes=tuple(Note(note["label"], note["text"].strip()) for note in data.get("notes", [])),
    )


def _placements(data: Mapping[str, Any]) -> tuple[Placement, ...]:
    """A record's placements, its own (the record's fields) first, then each item of its ``also``."""
    return (_placement(data), *(_placement(item) for item in data.get("also", [])))


def markdown_texts(data: Mapping[str, Any]) -> list[str]:
    """A validated record's Markdown fields as its model holds them: every placement's summary, key results, notes."""
    return [text for placement in _placements(data) for text in placement.texts]


def _paper(paper_id: str, data: Mapping[str, Any], source: str) -> Paper:
    per_author = data.get("author_affiliations", {})
    organisations = set(data.get("organisations", []))
    placements = _placements(data)
    own = placements[0]
    links = data.get("links", [])
    return Paper(
        id=paper_id,
        title=data["title"].strip(),
        section_id=own.section_id,
        subsection_id=own.subsection_id,
        position=own.position,
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
        links=tuple(Link(link["label"], link["url"], link_kind(link["url"])) for link in links if "url" in link),
        summary=own.summary,
        key_results=own.key_results,
        tags=tuple(data.get("tags", [])),
        added=data.get("added"),
        source=source,
        placements=placements,
        all_links=tuple((link["label"], link.get("url")) for link in links),
        notes=own.notes,
        list_id=own.list_id,
    )


def _list_order(paper: Paper) -> tuple[bool, int, str, str]:
    # Papers without a position follow the positioned ones, by title, then id for ties.
    unpositioned = paper.position is None
    return (unpositioned, paper.position or 0, paper.title.casefold(), paper.id)


def _sections(
    taxonomy: Mapping[str, Any], placed: Mapping[tuple[str | None, str], list[Paper]], list_id: str | None
) -> tuple[Section, ...]:
    """A taxonomy's sections, each holding the papers placed in it, as its list shows them."""
    sections = []
    for section_index, section in enumerate(taxonomy["sections"], start=1):
        subsections = []
        for sub_index, subsection in enumerate(section["subsections"], start=1):
            category = f"{section['id']}/{subsection['id']}"
            subsections.append(
                Subsection(
                    id=subsection["id"],
                    title=subsection["title"],
                    number=f"{section_index}.{sub_index}",
                    section_id=section["id"],
                    papers=tuple(sorted(placed.get((list_id, category), []), key=_list_order)),
                    list_id=list_id,
                )
            )
        own = () if subsections else tuple(sorted(placed.get((list_id, section["id"]), []), key=_list_order))
        sections.append(
            Section(
                id=section["id"],
                title=section["title"],
                number=str(section_index),
                subsections=tuple(subsections),
                list_id=list_id,
                own_papers=own,
            )
        )
    return tuple(sections)


def build_catalog(
    taxonomy: Mapping[str, Any],
    tags: Mapping[str, Any] | None,
    records: Iterable[tuple[str, str, Mapping[str, Any]]],
    settings: SiteSettings = SiteSettings(),
    records_folder: str = "entries/papers",
    lists: Mapping[str, Mapping[str, Any]] | None = None,
) -> Catalog:
    """The model of validated data: the taxonomy, the tag vocabulary and (id, source file, data) per record.

    With ``lists`` (a collection's list files by list id, in order), ``taxonomy`` is the
    collection's header and each paper sits in every list that places it.
    Call only after ``validate`` found no errors.
    """
    placed: dict[tuple[str | None, str], list[Paper]] = {}
    papers_by_id: dict[str, Paper] = {}
    for paper_id, source, data in records:
        paper = _paper(paper_id, data, source)
        for placement in paper.placements:
            shown = paper if placement is paper.placements[0] else paper.placed_in(placement)
            placed.setdefault((placement.list_id, placement.category), []).append(shown)
        papers_by_id[paper.id] = paper
    paper_lists = tuple(
        PaperList(
            id=list_id,
            title=data["title"],
            description=data.get("description", ""),
            overview=data.get("overview", ""),
            sections=_sections(data, placed, list_id),
            output=data["output"],
            label=data.get("label") or data["title"],
            summary=data.get("summary", ""),
        )
        for list_id, data in (lists or {}).items()
    )
    if paper_lists:
        sections = tuple(section for paper_list in paper_lists for section in paper_list.sections)
    else:
        sections = _sections(taxonomy, placed, None)
    return Catalog(
        title=taxonomy["title"],
        description=taxonomy.get("description", ""),
        sections=sections,
        papers_by_id=dict(sorted(papers_by_id.items())),
        tags=tuple(Tag(tag["id"], tag["title"], tag.get("description", "")) for tag in (tags["tags"] if tags else [])),
        repository=settings.repository,
        branch=settings.branch,
        site_url=settings.site_url,
        directory_urls=settings.directory_urls,
        records_folder=records_folder,
        collection_lists=paper_lists,
    )
