"""Find live markup in built HTML: scripts, styles, event handlers, frames and script URLs.

The site is built from strangers' records, so safety is checked on the output, whatever
the escaping upstream did. What may run in a visitor's browser is only what the theme
and the project's own files put there:

- a script loaded from a file under the site's ``assets/`` folder (the theme's bundle,
  the project's scripts and vendored packages);
- an inline script whose code is one of the theme's own, learned from a reference page
  built with the same theme settings and no records (``theme_inline_scripts``);
- a JSON data block (``type="application/json"``) with one of the ids the templates use,
  which a browser never runs;
- a stylesheet whose text the caller names (the single-file export's own CSS).

Everything else is a finding: any other ``<script>``, ``<style>``, frame, object, embed
or ``<base>``, a refreshing ``<meta>``, any ``on…`` attribute, any ``style`` attribute
but the tables' column alignment, and a ``javascript:``, ``vbscript:`` or ``data:``
URL in a link or source attribute.

The titles, texts and tags of the site's search documents (the index's, and on the hosted
site the papers' beside it: see generator/sitesearch.py) are audited as HTML too: Material's
result list inserts them as such.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .offline import QUIET_MKDOCS
from .routes import SEARCH_INDEX
from .sitesearch import documents_in, search_files

# The data blocks the templates embed: the theme's configuration and the project's page data.
DATA_BLOCK_IDS = frozenset({"__config", "pl-explorer-data", "pl-authors-data"})
ACTIVE_TAGS = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"})
# Python-Markdown's tables write column alignment as a style attribute on cells.
_TABLE_ALIGNMENT = re.compile(r"text-align:\s*(?:left|right|center);?")
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'")
_SCRIPT_SCHEME = re.compile(r"^(?:javascript|vbscript|data):")
# Browsers drop these anywhere in a URL before they read its scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]")
# Raw openings of the active elements, counted to confirm the parser saw every one.
_RAW_ACTIVE_TAG = re.compile(r"<\s*(" + "|".join(sorted(ACTIVE_TAGS)) + r")\b", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class LiveMarkup:
    """One piece of markup that could run or restyle the page, and where it is."""

    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def normalised_script(code: str) -> str:
    """Inline script code with its string literals emptied: the theme's scripts differ per page only there."""
    return _STRING_LITERAL.sub('""', code.strip())


def _is_script_url(value: str) -> bool:
    return bool(_SCRIPT_SCHEME.match(_IGNORED_IN_SCHEME.sub("", html.unescape(value)).lower()))


class _Scanner(HTMLParser):
    def __init__(
        self,
        path: str,
        asset_exists: Callable[[str], bool] | None,
        inline_scripts: frozenset[str],
        stylesheets: frozenset[str],
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.asset_exists = asset_exists
        self.inline_scripts = inline_scripts
        self.stylesheets = stylesheets
        self.findings: list[LiveMarkup] = []
        self.active_tags = 0
        self._open: tuple[str, int, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def _report(self, what: str) -> None:
        self.findings.append(LiveMarkup(self.path, self.getpos()[0], what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_attributes(tag, attrs)
        if tag in ACTIVE_TAGS:
            self.active_tags += 1
            self._open = (tag, self.getpos()[0], dict(attrs))
            self._text = []
        elif tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self._report("<meta http-equiv> can refresh or redirect the page")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._open is not None and self._open[0] == tag:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is None or self._open[0] != tag:
            return
        _, line, attributes = self._open
        self._open = None
        if not self._element_allowed(tag, attributes, "".join(self._text)):
            shown = " ".join(f"{name}={value!r}" for name, value in attributes.items())
            self.findings.append(LiveMarkup(self.path, line, f"<{tag} {shown}>".replace(" >", ">")))

    def _element_allowed(self, tag: str, attributes: dict[str, str | None], text: str) -> bool:
        if tag == "style":
            return text.strip() in self.stylesheets
        if tag != "script":
            return False
        source = attributes.get("src")
        if source is not None:
            return self.asset_exists is not None and self.asset_exists(source)
        if attributes.get("type") == "application/json":
            return attributes.get("id") in DATA_BLOCK_IDS
        return normalised_script(text) in self.inline_scripts

    def _check_attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self._report(f"<{tag}> has an event handler {name}={value!r}")
            elif name == "style" and not (tag in ("td", "th") and _TABLE_ALIGNMENT.fullmatch(value or "")):
                self._report(f"<{tag}> has a style attribute {value!r}")
            elif name in ("srcdoc",):
                self._report(f"<{tag}> has {name}, a document of its own")
            elif name in URL_ATTRIBUTES and value and _is_script_url(value):
                self._report(f"<{tag}> has a script URL {name}={value!r}")


def audit_html(
    text: str,
    path: str,
    *,
    asset_exists: Callable[[str], bool] | None = None,
    inline_scripts: frozenset[str] = frozenset(),
    stylesheets: frozenset[str] = frozenset(),
) -> list[LiveMarkup]:
    """Every piece of live markup in one HTML document that the allow-lists do not name.

    ``asset_exists`` answers whether a script's ``src`` is one of the site's asset files.
    """
    scanner = _Scanner(path, asset_exists, inline_scripts, stylesheets)
    scanner.feed(text)
    scanner.close()
    findings = scanner.findings
    raw = len(_RAW_ACTIVE_TAG.findall(text))
    if raw != scanner.active_tags:
        # Markup the parser did not read as an element may still be one to a browser.
        findings.append(
            LiveMarkup(
                path,
                1,
                f"{raw} openings of script-like elements, but {scanner.active_tags} "
                "parsed: malformed markup around one of them",
            )
        )
    return sorted(findings)


def _asset_checker(site: Path, page: Path, base_path: str) -> Callable[[str], bool]:
    """Whether a script address, as the page gives it, is a file under the site's assets/."""
    assets = (site / "assets").resolve()
    page_url = "/" + page.relative_to(site).as_posix()

    def exists(source: str) -> bool:
        parts = urlsplit(urljoin(page_url, source))
        if parts.scheme or parts.netloc:
            return False
        relative = parts.path
        if base_path != "/" and relative.startswith(base_path):
            relative = "/" + relative[len(base_path) :]
        target = (site / relative.lstrip("/")).resolve()
        return target.is_file() and target.is_relative_to(assets)

    return exists


def audit_site(
    site: Path, *, inline_scripts: frozenset[str], base_path: str = "/", stylesheets: frozenset[str] = frozenset()
) -> list[LiveMarkup]:
    """Audit every HTML file under ``site``; ``base_path`` is the site URL's path, for root-relative links."""
    findings: list[LiveMarkup] = []
    for page in sorted(site.rglob("*.html")):
        findings.extend(
            audit_html(
                page.read_text(encoding="utf-8"),
                page.relative_to(site).as_posix(),
                asset_exists=_asset_checker(site, page, base_path),
                inline_scripts=inline_scripts,
                stylesheets=stylesheets,
            )
        )
    for name in search_files(site):
        findings.extend(audit_search_index((site / name).read_text(encoding="utf-8"), name))
    return findings


def audit_search_index(text: str, name: str = SEARCH_INDEX) -> list[LiveMarkup]:
    """Live markup in the titles, texts and tags of a search file (``name``, one of SEARCH_FILES).

    Material's result list inserts them as HTML, whichever file the site's search worker read them from.
    """
    try:
        documents = documents_in(name, text)
    except ValueError as error:
        return [LiveMarkup(name, 1, f"not search documents Material could read ({error})")]
    findings: list[LiveMarkup] = []
    for number, document in enumerate(documents, start=1):
        tags = document.get("tags", [])
        fragments = [document.get("title", ""), document.get("text", ""), *(tags if isinstance(tags, list) else [tags])]
        where = f"{name} (document {number}, {document.get('location', '')})"
        for fragment in fragments:
            findings.extend(audit_html(str(fragment), where))
    return findings


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: set[str] = set()
        self._inside = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") is None:
            self._inside, self._text = True, []

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self._inside = False
            self.scripts.add(normalised_script("".join(self._text)))


def inline_scripts_in(pages: Iterable[Path]) -> frozenset[str]:
    collector = _InlineScripts()
    for page in pages:
        collector.feed(page.read_text(encoding="utf-8"))
    return frozenset(collector.scripts)


REFERENCE_CONFIG = """\
# A page with the project's theme settings and nothing from the records.
INHERIT: {config}
docs_dir: {docs}
site_dir: {site}
hooks: []
nav:
  - index.md
not_in_nav: ""
watch: []
"""


def theme_inline_scripts(mkdocs_yml: Path) -> frozenset[str]:
    """The theme's own inline scripts: those of a one-page site built with ``mkdocs_yml``'s settings.

    The reference configuration reaches MkDocs on standard input from the project's folder,
    so the theme's relative paths resolve as they do for the site itself.
    """
    with tempfile.TemporaryDirectory(prefix="paperlist-reference-") as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Reference\n\nA page with no records.\n", encoding="utf-8")
        config = REFERENCE_CONFIG.format(config=mkdocs_yml.name, docs=root / "docs", site=root / "site")
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "-"],
            input=config,
            cwd=mkdocs_yml.resolve().parent,
            capture_output=True,
            text=True,
            env={**os.environ, **QUIET_MKDOCS},
        )
        if result.returncode != 0:
            raise RuntimeError(f"the reference page did not build:\n{result.stdout}{result.stderr}")
        return inline_scripts_in((root / "site").rglob("*.html"))
