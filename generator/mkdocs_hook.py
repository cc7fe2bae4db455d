"""MkDocs adapter: run the generator before MkDocs reads ``docs/``.

This file is the only MkDocs-specific code. The generator itself runs on its own
(``python -m generator build``), and the nav it produces is written into
``mkdocs.yml``, so a tool that reads that file without running hooks still sees it.
Template overrides that only suit Material on MkDocs live in ``generator/theme_mkdocs/``,
which this hook adds to the theme: Zensical reads the shared ``custom_dir`` but no hooks.

Under ``mkdocs serve``, a record broken after the first build does not stop the server:
the error is logged and MkDocs rebuilds the last good pages, still in ``docs/`` since the
generator writes nothing when it finds an error. A first build with errors fails, as
``mkdocs build`` always does. The server watches the records, the templates and the
hand-written pages, but not the pages the generator writes, so an edit is one rebuild.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from jinja2.bccache import Bucket
from markupsafe import Markup
from material.plugins.offline.plugin import OfflinePlugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler, clean_directory
from mkdocs.utils.meta import get_data

from generator.build import Project, generate, release_caches, watched_sources
from generator.findings import DataError, errors_in, format_findings
from generator.routes import DOCS_DIR, MKDOCS_YML, SEARCH_DOCS, SEARCH_INDEX, SEARCH_WORKER, kind, relative
from generator.text import counted
from generator.write import WriteError

# Imported when serving: a build whose inputs did not change never loads the pipeline.
if TYPE_CHECKING:
    from generator.validate import CheckedRecords

log = logging.getLogger("mkdocs.hooks.generator")

# Overrides of Material partials that Zensical replaces with its own (see the module docstring).
MKDOCS_ONLY_THEME = Path(__file__).resolve().parent / "theme_mkdocs"
# The name under which that folder's base.html extends the theme's own (it shadows it otherwise).
THEME_BASE_PREFIX = "material-theme"
STOPPED = "the build found errors; nothing was written or deleted:\n"
KEPT = "the records have errors; serving the last good pages until they are fixed (nothing was written):\n"


@dataclass
class _Session:
    """What this MkDocs process has done so far: MkDocs loads a hook once and keeps it across rebuilds."""

    serving: bool = False
    # `mkdocs serve --dirty`, the README's command: each rebuild converts only the pages whose files changed.
    dirty: bool = False
    built: bool = False
    failing: bool = False
    # Under serve, the records the generator parsed and checked, for the next rebuild (see CheckedRecords).
    checked: CheckedRecords | None = None


_session = _Session()
# Paper pages' bodies, from their Markdown to their content (see on_page_markdown).
_paper_bodies: dict[str, str] = {}
# Each paper page's title and tags as last built, kept across rebuilds (see _retitled).
_built_listings: dict[str, tuple[Any, Any]] = {}
# Under serve --dirty, each paper page's tags as the tags plugin linked them when it last read the Tags
# page, with the page's tags then (see on_page_context); and the context of each page being drawn.
_tag_links: dict[str, tuple[tuple[Any, ...], list[Any]]] = {}
_drawn: dict[str, dict[str, Any]] = {}
# Where Material's tags partial finds a page's tags (the tags plugin's tags_name_variable, by default).
TAGS_VARIABLE = "tags"
# How a paper page's body starts and ends (generator/templates/paper.md.j2).
PAPER_BODY = ('<div class="pl-paper">', "</div>")
# The search worker's parameter that names the papers' search documents (docs/assets/search-worker.js reads it).
SEARCH_WORKER_PAPERS = "papers"
# Drawings of the nav that paper pages share, by the key on_page_context gives them; emptied for each build.
_shared_nav: dict[Any, Markup] = {}


class _CompiledTemplates(BytecodeCache):
    """The theme's templates as Jinja compiled them, kept in memory across the rebuilds of this process.

    Each rebuild under ``mkdocs serve`` makes a new environment, which would compile Material's
    templates again (about half a second). Jinja checks each entry against its template's source
    and compiles an edited template anew.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = _CompiledTemplates()
# What MkDocs says on every dirty build; under the hook it does not apply (see on_startup).
DIRTY_WARNING = "A 'dirty' build is being performed"


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(DIRTY_WARNING)


def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Under `mkdocs serve --dirty`, keep MkDocs' warning that dirty builds leave stale pages from failing strict mode.

    It does not apply here: the generator rewrites every page whose content an edit changed,
    so MkDocs converts exactly those, and on_config starts the site afresh when the nav
    changed, a page went, or a paper's title or tags changed. The warning, counted in
    strict mode, would stop every rebuild.
    """
    _session.serving = command == "serve"
    if _session.serving:
        from generator.validate import CheckedRecords

        _session.checked = CheckedRecords()
    _session.dirty = dirty and _session.serving
    if _session.dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)


def _log_uncounted(message: str) -> None:
    """Log an error on MkDocs' console without its strict mode counting it.

    ``strict: true`` aborts a build that logged a warning or an error, which under
    ``mkdocs serve`` leaves the server stuck on the old pages: the very thing the caller
    avoids. So the record goes to MkDocs' own console handlers, not its counter.
    """
    record = log.makeRecord(log.name, logging.ERROR, __file__, 0, message, (), None)
    handlers = [
        handler
        for handler in logging.getLogger("mkdocs").handlers
        if not isinstance(handler, CountHandler) and record.levelno >= handler.level
    ]
    for handler in handlers:
        handler.handle(record)
    if not handlers:
        print(message, file=sys.stderr)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Generate the pages, and add the MkDocs-only templates ahead of every other theme folder."""
    theme_dirs: list[str] = config.theme.dirs
    if str(MKDOCS_ONLY_THEME) not in theme_dirs:
        theme_dirs.insert(0, str(MKDOCS_ONLY_THEME))
    # Paper pages hold the built site's addresses, so the generator writes them in this build's URL style.
    project = Project(Path(config.config_file_path).resolve().parent, directory_urls=config.use_directory_urls)
    try:
        result = generate(project, checked=_session.checked)
    except DataError as error:
        # Errors only: the warnings, which never stop a build, are `validate`'s to list.
        errors = format_findings(errors_in(error.findings), "text")
        if _session.serving and _session.built:
            _session.failing = True
            _log_uncounted(f"generator: {KEPT}{errors}")
            return config
        raise PluginError(STOPPED + errors) from None
    except WriteError as error:
        raise PluginError(str(error)) from None
    _session.built = True
    if not _session.serving:
        # MkDocs builds thousands of pages after this: give it the memory (serve keeps them to rebuild faster).
        release_caches()
    if _session.failing:
        _session.failing = False
        log.info("generator: the errors are fixed; the pages are up to date again")
    report = result.report
    if report.written or report.removed:
        log.info("generator: wrote %s, removed %d", counted(len(report.written), "file"), len(report.removed))
    if MKDOCS_YML in report.written:
        # The taxonomy changed the nav after MkDocs had read mkdocs.yml: use the new one.
        config.nav = result.site_nav
    if _session.dirty and (MKDOCS_YML in report.written or report.removed or _retitled(project, report.written)):
        # Every page shows the nav; a removed page's HTML would stay; and the tags page lists every paper by
        # its title and tags, which the tags plugin reads only from the pages a dirty build converts. So this
        # rebuild converts every page.
        clean_directory(config.site_dir)
    return config


def _listing_of(meta: Mapping[str, Any]) -> tuple[Any, Any]:
    """What the tags page shows of a page: its title and its tags."""
    return meta.get("title"), meta.get("tags")


def _retitled(project: Project, written: list[str]) -> bool:
    """Whether a paper page the generator just wrote is new, or has another title or other tags than last built."""
    for path in written:
        src_uri = path.removeprefix(f"{DOCS_DIR}/")
        if src_uri != path and kind(src_uri) == "paper":
            _, meta = get_data((project.root / path).read_text("utf-8"))
            if _built_listings.get(src_uri) != _listing_of(meta):
                return True
    return False


def _shared_drawing(key: Any, caller: Any) -> Markup:
    """The template's drawing for ``key``, drawn by the first page that asks (``{% call pl_cached(key) %}``)."""
    if key not in _shared_nav:
        _shared_nav[key] = Markup(caller())
    return _shared_nav[key]


def _theme_base_loader(theme_dirs: list[str]) -> PrefixLoader:
    """The theme's own templates under THEME_BASE_PREFIX, from the first folder after ours with a base.html."""
    folder = next(
        path for path in map(Path, theme_dirs) if path != MKDOCS_ONLY_THEME and (path / "base.html").is_file()
    )
    return PrefixLoader({THEME_BASE_PREFIX: FileSystemLoader(str(folder))})


def _papers_apart(config: MkDocsConfig) -> bool:
    """Whether the papers' search documents are published apart from Material's index, for the site's worker to fetch.

    So they are on the hosted site: the page then downloads and parses a small index on its main
    thread, while the worker fetches the papers' documents in parallel. Not in the offline export,
    whose pages cannot fetch from file://: there Material reads the index from a script, and the
    papers are in it.
    """
    return not any(isinstance(plugin, OfflinePlugin) and plugin.config.enabled for plugin in config.plugins.values())


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Publish the papers' search documents in a hosted build, and leave them out of the offline export.

    Whatever mkdocs.yml's exclude_docs says of the file: tools that run no hooks (Zensical) have no use for it.
    """
    papers = files.get_file_from_path(SEARCH_DOCS)
    if papers is not None:
        papers.inclusion = InclusionLevel.NOT_IN_NAV if _papers_apart(config) else InclusionLevel.EXCLUDED
    return files


def _search_worker_query(config: MkDocsConfig, files: Files) -> str:
    """The query string that gives the site's search worker the address of the papers' documents, if published.

    The address is relative to the worker's script, which resolves it against its own location
    (the parameter's name is the worker's: docs/assets/search-worker.js).
    """
    papers = files.get_file_from_path(SEARCH_DOCS)
    if papers is None or not _papers_apart(config):
        return ""
    return urlencode({SEARCH_WORKER_PAPERS: relative(SEARCH_WORKER, papers.url)})


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Offer the theme the shared nav drawings (generator/theme_mkdocs/partials/nav.html), fresh for this build,
    Material's base.html to generator/theme_mkdocs/base.html, which extends it (to start the site's search worker),
    and the worker's address and query string.
    """
    _shared_nav.clear()
    env.globals["pl_cached"] = _shared_drawing
    env.globals["pl_search_worker"] = SEARCH_WORKER
    env.globals["pl_search_worker_query"] = _search_worker_query(config, files)
    env.loader = ChoiceLoader([*([env.loader] if env.loader else []), _theme_base_loader(config.theme.dirs)])
    # MkDocs makes the environment anew for each build; within one, Jinja need not look at each
    # template file again on every include (tens of thousands of times at a conference's size).
    env.auto_reload = False
    # ... and under serve, each rebuild's new environment finds the theme's templates compiled.
    env.bytecode_cache = _compiled_templates
    return env


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
    """Watch the records, the templates and the hand-written pages, not the pages the generator writes.

    MkDocs watches all of docs/; the generator writes there during each build, which set off
    a second rebuild after every edit.
    """
    server.unwatch(config.docs_dir)
    for path in watched_sources(Project(Path(config.config_file_path).resolve().parent)):
        server.watch(str(path))
    return server


def _is_paper_body(page: Page, markdown: str) -> bool:
    return (
        kind(page.file.src_uri) == "paper" and markdown.startswith(PAPER_BODY[0]) and markdown.endswith(PAPER_BODY[1])
    )


# Last, after every plugin has read the page's Markdown (the tags plugin does).
@event_priority(-100)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Take a paper page's body past Python-Markdown, which would give it back unchanged.

    The generator writes a paper's page as one raw HTML block (generator/templates/paper.md.j2),
    and Python-Markdown passes such a block through as it is; converting it anyway cost
    half of a conference's build. on_page_content puts it back as the page's content. Any other
    page, or a paper page not in that form, is converted as usual.
    """
    body = markdown.strip()
    if not _is_paper_body(page, body):
        return markdown
    _paper_bodies[page.file.src_uri] = body
    return ""


@event_priority(100)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _paper_bodies.pop(page.file.src_uri, html)


# Before the search plugin, which reads the page's search settings when it indexes the page.
@event_priority(50)
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Give a page that is not in the nav (a paper) the place of the listing it names in ``listed_under``.

    Material then marks that section's tab as the current one and shows the section's nav
    beside the page, as it does for the listing itself. MkDocs marks the page active just
    before this and inactive after rendering it, and both spread to the page's parents, so
    the section is current for this page only. Thousands of papers in the nav itself would
    slow every build; this nav is drawn once per listing and shared by its papers' pages
    (drawn for each, it was a third of the theme's work on a paper page).
    """
    listing = page.meta.get("listed_under")
    if kind(page.file.src_uri) == "paper":
        _built_listings[page.file.src_uri] = _listing_of(page.meta)
        # The generator wrote this paper's search document (see on_files and on_post_build): no need to parse the page.
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if _session.dirty:
            _keep_tag_links(page, context)
    if page.parent is None and isinstance(listing, str):
        found = next((item for item in nav.pages if item.file.src_uri == listing), None)
        if found is not None and found.parent is not None:
            page.parent = found.parent
            page.active = True
            # For the theme's breadcrumb line (generator/theme/main.html).
            context["listing"] = found
            # Every paper under this listing, at this depth, has the same nav: its links are relative to the
            # page's folder, and the same section is open. Its pages are not in the nav, so none is current.
            context["pl_nav_key"] = (listing, page.url.count("/"))
    return context


def _keep_tag_links(page: Page, context: dict[str, Any]) -> None:
    """Give a paper page rebuilt under serve --dirty its tags' links, which the tags plugin would leave out.

    The tags plugin links a page's tags to the Tags page only in a build that reads that page,
    which a dirty rebuild after a summary edit does not. The links of the last build that did
    are right for the same tags (a change of tags rebuilds every page: see on_config). This runs
    before the tags plugin, which keeps a page's tags when they are set; on_post_page reads back
    the ones it drew.
    """
    src_uri = page.file.src_uri
    remembered = _tag_links.get(src_uri)
    if remembered is not None and remembered[0] == tuple(page.meta.get("tags") or ()):
        context[TAGS_VARIABLE] = remembered[1]
    _drawn[src_uri] = context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Remember a paper page's tags as the tags plugin linked them (see _keep_tag_links)."""
    context = _drawn.pop(page.file.src_uri, None)
    references = context.get(TAGS_VARIABLE) if context is not None else None
    if references and all(reference.url for reference in references):
        _tag_links[page.file.src_uri] = (tuple(page.meta.get("tags") or ()), references)
    return output


# After the search plugin writes its index, and before the offline plugin copies it for file:// (-100).
@event_priority(-90)
def on_post_build(config: MkDocsConfig) -> None:
    """In the offline export, add the papers' search documents, which the generator wrote, to Material's index.

    The hosted site publishes them in a file of their own instead (see on_files).
    """
    if _papers_apart(config):
        return
    index_file = Path(config.site_dir) / SEARCH_INDEX
    documents_file = Path(config.docs_dir) / SEARCH_DOCS
    if not index_file.is_file() or not documents_file.is_file():
        return
    index = json.loads(index_file.read_text("utf-8"))
    index["docs"].extend(json.loads(documents_file.read_text("utf-8")))
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
