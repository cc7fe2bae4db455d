"""The route table: where every generated file lives, and how one page links to another.

This module is the only place that spells an output path. Pages are named by their
docs path in the form MkDocs reads (``papers/acco.md``); a link between two pages is
the relative path from one to the other, which MkDocs then rewrites for the build's
URL style (``../papers/acco/`` hosted, ``../papers/acco.html`` offline); a page written
as raw HTML, which MkDocs does not rewrite, links with that address itself. Templates reach
the table through the ``link`` object each page is rendered with, the front-end script
through one generated link, and the exports through ``url``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from .text import ID_PATTERN

# Files at the project's root, and the folder MkDocs builds from.
DOCS_DIR = "docs"
README = "README.md"
CONTRIBUTING = "CONTRIBUTING.md"
MKDOCS_YML = "mkdocs.yml"

# Pages and downloads under docs/.
HOME = "index.md"
EXPLORER = "all.md"
AUTHORS = "authors.md"
TAGS = "tags.md"
HIGHLIGHTS = "highlights.md"
STATISTICS = "stats.md"
QUALITY = "quality.md"
CONTRIBUTING_PAGE = "contributing.md"
BIBTEX = "papers.bib"
JSON = "papers.json"
CSV = "papers.csv"
FEED = "feed.xml"
# The papers' search documents. The hosted site publishes them at this path beside Material's index,
# and the site's search worker fetches them itself; the offline export's index holds them instead
# (file:// cannot fetch). The MkDocs hook decides which (generator/mkdocs_hook.py).
SEARCH_DOCS = "papers-search.json"
# In the built site: Material's search index, whose entries' locations are relative to the site's root.
SEARCH_INDEX = "search/search_index.json"
# The site's search worker (hand-written), which the page starts in place of Material's.
SEARCH_WORKER = "assets/search-worker.js"

_PAPER = "papers/{paper}.md"
_SECTION = "sections/{section}/index.md"
_SUBSECTION = "sections/{section}/{subsection}.md"
# Each listing's BibTeX sits beside it. A subsection's file starts with its section's id and a
# dash, so it can be neither the section's own file nor another subsection's.
_SECTION_BIBTEX = "sections/{section}/{section}.bib"
_SUBSECTION_BIBTEX = "sections/{section}/{section}-{subsection}.bib"
# A collection's lists: each has its page, its BibTeX and its sections under lists/<list>/
# (a single list keeps the sections/ addresses above). A list's Markdown, in the curator's
# format, is a file at the project's root.
_LIST = "lists/{list}/index.md"
_LIST_BIBTEX = "lists/{list}/{list}.bib"
_LIST_SECTION = "lists/{list}/{section}/index.md"
_LIST_SUBSECTION = "lists/{list}/{section}/{subsection}.md"
_LIST_SECTION_BIBTEX = "lists/{list}/{section}/{section}.bib"
_LIST_SUBSECTION_BIBTEX = "lists/{list}/{section}/{section}-{subsection}.bib"
_LIST_MARKDOWN = "lists/{list}.md"


def paper(paper_id: str) -> str:
    return _PAPER.format(paper=paper_id)


def _in_list(single: str, in_list: str, list_id: str | None, **ids: str) -> str:
    """A listing's route: under its list in a collection, at the top in a project with one list."""
    return in_list.format(list=list_id, **ids) if list_id else single.format(**ids)


def section(section_id: str, list_id: str | None = None) -> str:
    return _in_list(_SECTION, _LIST_SECTION, list_id, section=section_id)


def subsection(section_id: str, subsection_id: str, list_id: str | None = None) -> str:
    return _in_list(_SUBSECTION, _LIST_SUBSECTION, list_id, section=section_id, subsection=subsection_id)


def section_bibtex(section_id: str, list_id: str | None = None) -> str:
    return _in_list(_SECTION_BIBTEX, _LIST_SECTION_BIBTEX, list_id, section=section_id)


def subsection_bibtex(section_id: str, subsection_id: str, list_id: str | None = None) -> str:
    return _in_list(_SUBSECTION_BIBTEX, _LIST_SUBSECTION_BIBTEX, list_id, section=section_id, subsection=subsection_id)


def paper_list(list_id: str) -> str:
    """A collection's list page: its intro, overview and sections."""
    return _LIST.format(list=list_id)


def list_bibtex(list_id: str) -> str:
    return _LIST_BIBTEX.format(list=list_id)


def list_markdown(list_id: str) -> str:
    """A list's Markdown in the curator's format, from the project's root (the list file's ``output``)."""
    return _LIST_MARKDOWN.format(list=list_id)


# The single-file export holds the whole site in one document: a list, section or subsection
# page is a part of it, and a paper is a part of each listing that shows it.
_INDEX_PAGE = "/index.md"
_PAGE_SUFFIX = ".md"
# No record id holds two hyphens in a row (text.ID_PATTERN), so this joins a listing's id and a
# paper's unambiguously.
_PAPER_IN_LISTING = "{listing}--{paper}"


def part_id(path: str) -> str:
    """The id of the page at docs path ``path`` as a part of the single-file export.

    Its docs path without ``.md``, a list's or section's without ``/index`` too
    (``lists/rl/systems``): docs paths are unique, and no route ends in ``X.md`` where
    another ends in ``X/index.md`` ("index" is a reserved id), so no two parts share an id.
    """
    if path.endswith(_INDEX_PAGE):
        return path[: -len(_INDEX_PAGE)]
    return path.removesuffix(_PAGE_SUFFIX)


def paper_part_id(listing: str, paper_id: str) -> str:
    """The id of paper ``paper_id`` as the listing at docs path ``listing`` (its section or subsection) shows it.

    A paper in two lists is a part of each, with that list's text, so its id names the listing too.
    """
    return _PAPER_IN_LISTING.format(listing=part_id(listing), paper=paper_id)


_KINDS = {
    "list": (_LIST,),
    "section": (_SECTION, _LIST_SECTION),
    "subsection": (_SUBSECTION, _LIST_SUBSECTION),
    "paper": (_PAPER,),
}
_KIND_PATTERNS = {
    kind: tuple(re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(pattern)) + "$") for pattern in patterns)
    for kind, patterns in _KINDS.items()
}


def kind(path: str) -> str | None:
    """Which family of pages a docs path belongs to: "list", "section", "subsection", "paper", or None."""
    return next(
        (name for name, patterns in _KIND_PATTERNS.items() if any(pattern.match(path) for pattern in patterns)), None
    )


# Every file a build writes, as its path from the project's root; ids stand where the braces are.
_OUTPUTS = (
    README,
    CONTRIBUTING,
    _LIST_MARKDOWN,
    *(
        f"{DOCS_DIR}/{path}"
        for path in (
            HOME,
            EXPLORER,
            AUTHORS,
            TAGS,
            HIGHLIGHTS,
            STATISTICS,
            QUALITY,
            CONTRIBUTING_PAGE,
            BIBTEX,
            JSON,
            CSV,
            FEED,
            SEARCH_DOCS,
            _PAPER,
            _SECTION,
            _SUBSECTION,
            _SECTION_BIBTEX,
            _SUBSECTION_BIBTEX,
            _LIST,
            _LIST_BIBTEX,
            _LIST_SECTION,
            _LIST_SUBSECTION,
            _LIST_SECTION_BIBTEX,
            _LIST_SUBSECTION_BIBTEX,
        )
    ),
)


def _outputs_pattern() -> re.Pattern[str]:
    """One pattern for exactly the paths of ``_OUTPUTS``; a name used twice in a path is the same id twice."""
    record_id = ID_PATTERN.pattern.removeprefix("^").removesuffix("$")
    alternatives = []
    for number, location in enumerate(_OUTPUTS):
        parts = re.split(r"\{(\w+)\}", location)
        pattern, named = "", set()
        for index, part in enumerate(parts):
            group = f"{part}_{number}"
            if index % 2 == 0:
                pattern += re.escape(part)
            elif group in named:
                pattern += f"(?P={group})"
            else:
                named.add(group)
                pattern += f"(?P<{group}>{record_id})"
        alternatives.append(f"(?:{pattern})")
    return re.compile("|".join(alternatives))


_OUTPUTS_PATTERN = _outputs_pattern()


def is_output_location(relative: str) -> bool:
    """Whether ``relative`` (a path from the project's root) is a place the generator writes.

    A build deletes a stale file only at such a place, so a planted manifest cannot make it
    delete anything else.
    """
    return _OUTPUTS_PATTERN.fullmatch(relative) is not None


def in_docs(path: str) -> str:
    """A docs path as a path from the project's root."""
    return f"{DOCS_DIR}/{path}"


def url(path: str, directory_urls: bool = True) -> str:
    """The address MkDocs gives a docs path, from the site's root.

    With directory URLs, as the site is hosted, ``papers/acco.md`` is at ``papers/acco/``
    and ``index.md`` at the root; without them, as the offline copy is built, at
    ``papers/acco.html`` and ``index.html``.
    """
    if not path.endswith(".md"):
        return path
    if not directory_urls:
        return path[: -len(".md")] + ".html"
    if path == HOME:
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def site_path(site_url: str | None) -> str:
    """The path the site lives under: the site URL's path, which `mkdocs serve` serves it at too."""
    return urlsplit(site_url or "/").path or "/"


def relative(source: str, target: str) -> str:
    """The link from the page at docs path ``source`` to docs path ``target``.

    What ``posixpath.relpath`` gives, computed on the strings: relpath makes both paths
    absolute against the working folder first, and a build asks for some 80,000 links.
    """
    if source.startswith("/") or target.startswith("/"):
        return posixpath.relpath(target, posixpath.dirname(source) or ".")
    return _relative_from(source.rpartition("/")[0], target)


# Thousands of pages share a folder, and each paper is linked from several of them.
@cache
def _relative_from(folder: str, target: str) -> str:
    if not _is_plain(folder) or not _is_plain(target):
        # Both relative: the working folder relpath starts from cancels out.
        return posixpath.relpath(target, folder or ".")
    start = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    for mine, theirs in zip(start, parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def _is_plain(path: str) -> bool:
    """A relative path with no empty, '.' or '..' part (an empty one is the docs folder itself)."""
    if not path:
        return True
    parts = path.split("/")
    return "" not in parts and "." not in parts and ".." not in parts


def relative_url(source: str, target: str, directory_urls: bool) -> str:
    """The address of docs path ``target`` relative to the page at docs path ``source``, as the built site has it.

    What MkDocs writes for a Markdown link between the two, for pages whose links are
    HTML it does not rewrite.
    """
    page, address = url(source, directory_urls), url(target, directory_urls)
    folder = page.rstrip("/") if page.endswith("/") or not page else page.rpartition("/")[0]
    if not address:
        return "../" * (folder.count("/") + 1) if folder else "./"
    path = _relative_from(folder, address.rstrip("/"))
    return path + "/" if address.endswith("/") else path


@dataclass(frozen=True)
class Links:
    """Links from one page, for its template: ``{{ link.paper(paper.id) }}``, ``{{ link.to(routes.TAGS) }}``.

    ``to`` gives a Markdown link, which MkDocs rewrites for the build; ``href`` gives the
    built site's address, for a page written as HTML (a paper's page), in the build's URL style.
    """

    page: str
    directory_urls: bool = True

    def to(self, target: str) -> str:
        return relative(self.page, target)

    def href(self, target: str) -> str:
        return relative_url(self.page, target, self.directory_urls)

    def paper(self, paper_id: str) -> str:
        return self.to(paper(paper_id))

    def section(self, section_id: str, list_id: str | None = None) -> str:
        return self.to(section(section_id, list_id))

    def subsection(self, section_id: str, subsection_id: str, list_id: str | None = None) -> str:
        return self.to(subsection(section_id, subsection_id, list_id))

    def list(self, list_id: str) -> str:
        return self.to(paper_list(list_id))
