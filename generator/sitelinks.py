"""Check every link of a built site, without the network: ``python -m generator check-site``.

Every HTML file is read with ``html.parser``, so the content of ``<noscript>`` is seen as
markup, as a browser without JavaScript sees it. The addresses checked are those of
``href``, ``src``, ``srcset``, ``action``, ``formaction``, ``poster`` and ``data``
attributes, whatever the element, and the addresses that the site's scripts build from
data embedded in the pages (see ``script_links``).

An address is resolved against the page's own address, as a browser would:

- hosted (``offline=False``): the page ``all/index.html`` is at ``<site_url>all/index.html``;
  ``x/`` means ``x/index.html``, and the server turns ``x`` into ``x/`` when ``x`` is a
  folder. Root-relative and absolute addresses under ``site_url`` are the site's own.
- offline (``offline=True``): pages are opened from file://, where no server helps. No
  address may leave the export's folder (``..`` past its root, or a root-relative
  ``/…``), and every address must name a file: a folder shows a file listing, not its
  page.

An internal address must name a file the site has (case matters, as on the host), and its
``#fragment``, if it names an HTML page, an ``id`` (or ``<a name>``) in that page. An
address to another host, ``mailto:`` and the like are external and not fetched.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qs, quote, unquote, urljoin, urlsplit

from .model import SiteSettings
from .routes import SEARCH_INDEX
from .sitesearch import documents_in, search_files
from .yamlio import load_site_config

URL_ATTRIBUTES = ("href", "xlink:href", "src", "srcset", "action", "formaction", "poster", "data")
# The link MkDocs rewrites for the build's URL style; the scripts make every paper link from it.
LINK_TEMPLATE_ID = "pl-link-template"
EXPLORER_DATA_ID = "pl-explorer-data"
AUTHORS_DATA_ID = "pl-authors-data"
# Offline pages get addresses in a folder of their own, so that `..` past the export's root shows.
_EXPORT_ROOT = "/__export__/"
# Used when no site_url is known: a reserved name (RFC 2606) that no real link points at.
_NO_HOST = "site.invalid"
_WEB_SCHEMES = ("http", "https")
_NAMES_A_FOLDER = "names a folder: from file:// that shows a file listing, not its page"
VIA_SCRIPT = "built by explorer.js"
VIA_SEARCH = "in the search documents"
# A stand-in page at the site's root, whose links are the search index's locations.
_ROOT_PAGE = ""


@dataclass(frozen=True, order=True)
class BrokenLink:
    """One address in one page that does not lead where it should."""

    page: str  # the file that holds the address, relative to the site's folder
    href: str  # the address as written (or as a script builds it)
    reason: str
    via: str = ""  # what makes the address when the HTML does not hold it: VIA_SCRIPT or VIA_SEARCH

    def __str__(self) -> str:
        return f"{self.page}: {self.href} ({self.via + ': ' if self.via else ''}{self.reason})"


@dataclass
class Page:
    """What one HTML file holds that the check needs."""

    links: list[str] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    base: str | None = None
    data_blocks: dict[str, str] = field(default_factory=dict)
    template: tuple[str, str] | None = None  # (href, data-id) of the link template
    author_anchors: frozenset[str] = frozenset()  # what ?name= may pick, on the author index


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._data_id: str | None = None
        self._data_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.page.anchors.add(attributes["id"])
        if tag == "a" and "name" in attributes:
            self.page.anchors.add(attributes["name"])
        if tag == "base" and "href" in attributes and self.page.base is None:
            self.page.base = attributes["href"]
        if attributes.get("id") == LINK_TEMPLATE_ID and self.page.template is None:
            self.page.template = (attributes.get("href", ""), attributes.get("data-id", ""))
        for name in URL_ATTRIBUTES:
            value = attributes.get(name)
            if value is None or (tag == "base" and name == "href"):
                continue
            if name == "srcset":
                self.page.links.extend(srcset_urls(value))
            elif name != "data" or tag == "object":
                self.page.links.append(value)
        if tag == "script" and attributes.get("type") == "application/json" and "id" in attributes:
            self._data_id, self._data_text = attributes["id"], []

    def handle_data(self, data: str) -> None:
        if self._data_id is not None:
            self._data_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._data_id is not None:
            self.page.data_blocks.setdefault(self._data_id, "".join(self._data_text))
            self._data_id = None


def srcset_urls(value: str) -> list[str]:
    """The addresses in a ``srcset`` value: comma-separated candidates, each an address and a descriptor."""
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def read_page(text: str) -> Page:
    """The addresses, anchors, data blocks and link template of one HTML document."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    page = parser.page
    if AUTHORS_DATA_ID in page.data_blocks:
        # Unreadable data stays without anchors: script_links reports it.
        with contextlib.suppress(ValueError, KeyError, TypeError):
            page.author_anchors = frozenset(author_anchors(json.loads(page.data_blocks[AUTHORS_DATA_ID])))
    return page


def explorer_link(template_href: str, template_id: str, paper_id: str) -> str:
    """The address docs/assets/explorer.js gives a paper's row, from the page's link template.

    The script reads the template's raw ``href`` attribute and its ``data-id``, and puts
    the paper's id in place of the template's id at its last ``/<id>`` (or at the start),
    the one place the route table puts it. The result is assigned to ``<a>.href``, so the
    browser resolves it against the page's address. Mirrors ``paperLinks`` in explorer.js.
    """
    at = template_href.rfind("/" + template_id) + 1
    if not template_id or (at == 0 and not template_href.startswith(template_id)):
        raise ValueError(f"the link template {template_href!r} does not hold its id {template_id!r}")
    return template_href[:at] + paper_id + template_href[at + len(template_id) :]


def _explorer_ids(data: Any) -> list[Any]:
    return list(data["papers"]["id"])


def _authors_ids(data: Any) -> list[Any]:
    # Each entry is [name, anchor, paper ids], with a fourth item for an organisation.
    ids = [paper_id for _, entries in data["letters"] for entry in entries for paper_id in entry[2]]
    return list(dict.fromkeys(ids))


def author_anchors(data: Any) -> set[str]:
    """The anchors the author index's script gives its entries (``?name=`` picks one)."""
    return {str(entry[1]) for _, entries in data["letters"] for entry in entries}


# Each data block the scripts draw links from, and how to read its paper ids.
SCRIPT_DATA = {EXPLORER_DATA_ID: _explorer_ids, AUTHORS_DATA_ID: _authors_ids}


def script_links(page: Page) -> tuple[list[str], list[str]]:
    """The paper addresses the page's script would build from its data, and what stops it building any.

    Applies ``explorer_link`` to every paper id of every data block in ``SCRIPT_DATA``.
    """
    links: list[str] = []
    problems: list[str] = []
    for block_id, paper_ids in SCRIPT_DATA.items():
        if block_id not in page.data_blocks:
            continue
        try:
            ids = paper_ids(json.loads(page.data_blocks[block_id]))
        except (ValueError, KeyError, TypeError, IndexError) as error:
            problems.append(f"#{block_id} is not the data explorer.js reads ({type(error).__name__}: {error})")
            continue
        if page.template is None:
            if ids:
                problems.append(f"#{block_id} has papers, but the page has no #{LINK_TEMPLATE_ID} to build links from")
            continue
        try:
            links.extend(explorer_link(*page.template, str(paper_id)) for paper_id in ids)
        except ValueError as error:
            problems.append(str(error))
    return list(dict.fromkeys(links)), problems


def search_index_links(text: str, name: str = SEARCH_INDEX) -> list[str]:
    """The locations in a search file (``name``, one of SEARCH_FILES), relative to the site's root (as the
    search script uses them)."""
    return list(dict.fromkeys(str(doc["location"]) for doc in documents_in(name, text)))


@dataclass(frozen=True)
class _Site:
    folder: Path
    root: SplitResult  # the address of the site's root folder
    offline: bool
    files: frozenset[str]
    folders: frozenset[str]

    def page_url(self, relative: str) -> str:
        return self.root.geturl() + quote(relative)


def _site_root(site_url: str | None, offline: bool) -> SplitResult:
    if offline:
        return SplitResult("file", "", _EXPORT_ROOT, "", "")
    parts = urlsplit(site_url or "")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return SplitResult(parts.scheme or "https", parts.netloc or _NO_HOST, path, "", "")


def _inventory(folder: Path) -> tuple[frozenset[str], frozenset[str]]:
    files: set[str] = set()
    folders: set[str] = {""}
    # os.walk does not follow links to folders, so the inventory is what the folder holds.
    for directory, subfolders, names in os.walk(folder):
        prefix = Path(directory).relative_to(folder).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        folders.update(prefix + name for name in subfolders)
        files.update(prefix + name for name in names)
    return frozenset(files), frozenset(folders)


def _same_host(parts: SplitResult, root: SplitResult) -> bool:
    if root.scheme == "file":
        return parts.scheme == "file" and not parts.netloc
    return parts.scheme in _WEB_SCHEMES and parts.netloc.lower() == root.netloc.lower()


def _target_file(site: _Site, path: str) -> tuple[str | None, str]:
    """The site file an internal path names, or None and why not."""
    relative = unquote(path[len(site.root.path) :])
    if relative == "" or relative.endswith("/"):
        if site.offline:
            return None, _NAMES_A_FOLDER
        relative += "index.html"
    if relative in site.files:
        return relative, ""
    if relative in site.folders:
        if site.offline:
            return None, _NAMES_A_FOLDER
        if f"{relative}/index.html" in site.files:
            return f"{relative}/index.html", ""
    return None, f"no such file: {relative}"


def _link_problem(site: _Site, pages: dict[str, Page], page: str, href: str) -> str:
    """Why ``href`` in ``page`` is broken, or an empty string if it is not."""
    try:
        written = urlsplit(href.strip())
        base = site.page_url(page)
        if pages[page].base is not None:
            base = urljoin(base, pages[page].base)
        resolved = urlsplit(urljoin(base, href.strip()))
    except ValueError as error:  # such as an unclosed [IPv6] host
        return f"not a valid address ({error})"
    if written.scheme == "file":
        return "a file: address names a place on the machine that built the site"
    if written.scheme and written.scheme not in _WEB_SCHEMES:
        return ""  # mailto:, tel: and the like lead out of the site by design
    inside = _same_host(resolved, site.root) and resolved.path.startswith(site.root.path)
    if not inside:
        if written.scheme or written.netloc:
            return ""  # another host: external, not fetched
        where = "the export's folder" if site.offline else "the site"
        return f"leaves {where}"
    target, problem = _target_file(site, resolved.path)
    if target is None:
        return problem
    return _anchor_problem(pages.get(target), target, resolved)


def _anchor_problem(target: Page | None, name: str, resolved: SplitResult) -> str:
    if target is None:
        return ""  # not an HTML page: its fragments are not ids
    fragment = resolved.fragment
    # An empty fragment and "top" scroll to the top of any page (HTML's fragment rules).
    if fragment and fragment.lower() != "top" and not {fragment, unquote(fragment)} & target.anchors:
        return f"{name} has no id {unquote(fragment)!r}"
    wanted = parse_qs(resolved.query).get("name")
    if wanted and AUTHORS_DATA_ID in target.data_blocks:
        missing = [value for value in wanted if value not in target.author_anchors]
        if missing:
            return f"the author index in {name} has no author {missing[0]!r}"
    return ""


def _read_pages(site: _Site) -> dict[str, Page]:
    return {
        name: read_page((site.folder / name).read_bytes().decode("utf-8", errors="replace"))
        for name in sorted(site.files)
        if name.endswith(".html")
    }


@dataclass(frozen=True)
class _Address:
    page: str  # the page the address is resolved from
    href: str
    via: str = ""
    found_in: str = ""  # the file that holds it, if not that page


def _addresses(site: _Site, pages: dict[str, Page]) -> tuple[list[_Address], list[BrokenLink]]:
    """Every address to check, and the data no address can be made from."""
    addresses: list[_Address] = []
    problems: list[BrokenLink] = []
    for name, page in pages.items():
        addresses.extend(_Address(name, href) for href in page.links)
        built, unreadable = script_links(page)
        addresses.extend(_Address(name, href, VIA_SCRIPT) for href in built)
        problems.extend(BrokenLink(name, f"#{LINK_TEMPLATE_ID}", problem, VIA_SCRIPT) for problem in unreadable)
    for name in search_files(site.folder):
        try:
            locations = search_index_links((site.folder / name).read_text(encoding="utf-8"), name)
        except (ValueError, KeyError) as error:
            problems.append(BrokenLink(name, "", f"not the documents Material's search reads ({error})", VIA_SEARCH))
            locations = []
        # The search script joins each location to the site's root: read them as the root's links.
        addresses.extend(_Address(_ROOT_PAGE, location, VIA_SEARCH, name) for location in locations)
    return addresses, problems


def broken_links(site: Path, *, site_url: str | None = None, offline: bool = False) -> list[BrokenLink]:
    """Every broken internal link of the built site in ``site``, sorted, each once.

    ``site_url`` is the address the hosted site is published at (mkdocs.yml's
    ``site_url``): root-relative addresses start with its path, and absolute ones to
    it are the site's own. ``offline`` checks the folder as ``export-offline`` writes
    it, for file://. Raises NotADirectoryError when ``site`` is not a folder.
    """
    if not site.is_dir():
        raise NotADirectoryError(f"{site} is not a built site's folder")
    files, folders = _inventory(site)
    checked = _Site(site, _site_root(site_url, offline), offline, files, folders)
    pages = _read_pages(checked)
    pages[_ROOT_PAGE] = Page()
    addresses, problems = _addresses(checked, pages)
    found = set(problems)
    for address in addresses:
        problem = _link_problem(checked, pages, address.page, address.href)
        if problem:
            found.add(BrokenLink(address.found_in or address.page, address.href, problem, address.via))
    return sorted(found)


def site_url_of(mkdocs_yml: Path) -> str | None:
    """The ``site_url`` of an MkDocs configuration file, or None when it sets none."""
    config = load_site_config(mkdocs_yml.read_text(encoding="utf-8"))
    return SiteSettings.from_config(config if isinstance(config, dict) else {}).site_url
