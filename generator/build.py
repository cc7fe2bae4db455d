"""The pipeline: load → validate → model → render → write, for one project folder."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .findings import DataError, Finding, errors_in
from .paths import display_path, links_under
from .routes import DOCS_DIR, MKDOCS_YML, is_output_location
from .write import TEMPORARY_SUFFIX, WriteReport, build_lock, sync_outputs
from .yamlio import load_site_config

# The pipeline's modules are imported when a run needs them: a run with nothing changed
# stops at the cache, and importing Jinja, jsonschema and the Markdown renderer would cost it
# more than the rest of its work.
if TYPE_CHECKING:
    from .load import RawData
    from .model import Catalog
    from .validate import CheckedRecords

MANIFEST = f"{DOCS_DIR}/.generated.json"
# The cache's note of a run in the offline copy's URL style (mkdocs.yml's own setting is hashed with the file).
OFFLINE_STYLE = "<offline links>"


@dataclass(frozen=True)
class Project:
    """Where a list's files live; everything is relative to its root folder."""

    root: Path
    # The build's URL style, when a caller knows it (MkDocs' ``use_directory_urls``, which the
    # offline export turns off); None means mkdocs.yml's.
    directory_urls: bool | None = None

    @property
    def entries_dir(self) -> Path:
        return self.root / "entries"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / MKDOCS_YML

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST


class StageTimes(dict[str, float]):
    """Seconds spent in each stage of a run, in pipeline order.

    A full run's stages: ``cache`` (hash the inputs), ``load+validate`` (parse every file and
    check each record, in worker processes, then the checks across records), ``model``,
    ``views`` (what each page shows, and the work pages share) and ``render+write`` (render
    each output and write it if it changed, in worker processes).
    """

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - started

    def __str__(self) -> str:
        return " · ".join(f"{name} {seconds:.2f} s" for name, seconds in self.items())


@dataclass(frozen=True)
class BuildResult:
    papers: int
    warnings: list[Finding]
    report: WriteReport
    times: StageTimes = field(default_factory=StageTimes)
    # The whole nav of mkdocs.yml when the run rewrote it, for a caller that had read the file before.
    site_nav: list[Any] = field(default_factory=list)
    # None when the cache showed that nothing changed, and nothing was loaded.
    catalog: Catalog | None = None


def watched_sources(project: Project) -> list[Path]:
    """What a preview server watches to rebuild the site: the data, the templates, and docs/ less the generated pages.

    The generator writes its pages into docs/ during a build; a server that watched them
    would rebuild a second time after every edit. A folder under docs/ with no generated
    file is given whole, so a page added to it is seen; where hand-written files sit
    beside generated ones, each is given on its own (a page added there is seen at the
    next rebuild). Without a readable manifest, docs/ is given whole.
    """
    docs = project.root / DOCS_DIR
    try:
        listed = json.loads(project.manifest.read_text("utf-8"))["files"]
        generated = {project.root / path for path in listed} | {project.manifest}
    except (OSError, ValueError, KeyError, TypeError):
        generated = set()
    templates = Path(__file__).resolve().parent / "templates"
    sources = [project.entries_dir, templates]
    if not docs.is_dir() or not generated:
        return [*sources, docs] if docs.is_dir() else sources
    # Every folder on the way to a generated file holds one.
    mixed = {parent for path in generated for parent in path.parents}
    pending = [docs]
    while pending:
        for entry in sorted(pending.pop().iterdir()):
            if entry in mixed and entry.is_dir():
                pending.append(entry)
            elif entry not in generated and not entry.name.endswith(TEMPORARY_SUFFIX):
                sources.append(entry)
    return sources


def catalog_from(raw: RawData, directory_urls: bool | None = None) -> Catalog:
    """The model of validated raw data; ``directory_urls`` overrides mkdocs.yml's URL style."""
    from .load import PAPERS_DIR
    from .model import SiteSettings, build_catalog

    records = ((document.stem, document.display, document.data) for document in raw.papers)
    settings = SiteSettings.from_config(raw.site.data if raw.site else {})
    if directory_urls is not None:
        settings = replace(settings, directory_urls=directory_urls)
    folder = display_path(raw.entries_dir / PAPERS_DIR, raw.entries_dir.parent)
    lists = {document.stem: document.data for document in raw.lists}
    # collection.yml's ``lists`` orders them (validate checked it names each once); else file-name order.
    order = raw.taxonomy.data.get("lists") if raw.is_collection else None
    if isinstance(order, list):
        lists = {list_id: lists[list_id] for list_id in order}
    tags = raw.tags.data if raw.tags else None
    return build_catalog(raw.taxonomy.data, tags, records, settings, folder, lists)


def load_catalog(
    project: Project, times: StageTimes | None = None, *, workers: int | None = None
) -> tuple[Catalog, list[Finding]]:
    """Load and validate the records; raise DataError on any error, return the warnings.

    ``workers``: the processes that share the work (see ``parallel.fork_map``); None picks.
    """
    _, catalog, findings = _load(project, StageTimes() if times is None else times, workers)
    return catalog, findings


def _load(
    project: Project, times: StageTimes, workers: int | None, checked: CheckedRecords | None = None
) -> tuple[dict[str, str], Catalog, list[Finding]]:
    """The digest of every file read (by display path), the catalog, and the warnings.

    The files' texts and parsed data are let go once the catalog is built: at 20,000 records
    they are a few hundred megabytes the rest of the run has no use for. Only ``checked``, a
    server's memory of its records for its next run, keeps them.
    """
    from .escape import remember_field_forms
    from .render import prepare_record
    from .validate import load_and_validate

    with times.stage("load+validate"):
        raw, findings, prepared = load_and_validate(project.entries_dir, workers, checked, prepare_record)
    if errors_in(findings):
        raise DataError(findings)
    for forms in prepared:
        if forms is not None:
            remember_field_forms(forms)
    with times.stage("model"):
        catalog = catalog_from(raw, project.directory_urls)
        documents = [raw.taxonomy, raw.tags, raw.site, *raw.lists, *raw.papers]
        read = {document.display: cache.text_digest(document.text) for document in documents if document is not None}
    return read, catalog, findings


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for one run, and restore it after.

    A run builds hundreds of thousands of objects that live until it ends and makes
    almost no reference cycles; the collector would rescan them all, again and again
    (about 5 % of a run at 5,000 papers). Restored after, for `mkdocs serve`'s process.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generate(
    project: Project, *, check: bool = False, workers: int | None = None, checked: CheckedRecords | None = None
) -> BuildResult:
    """Render every output; write the changed ones (or, with ``check``, list them).

    A run that finds, in the cache of the last one, that no input changed and every output
    is as that run left it, stops there: it writes nothing and reports what that run did.
    ``workers`` is how many processes share the work (1: this one alone); None picks by
    the cores and the size of the list (see ``parallel.workers_for``). The output is the same.
    A caller that runs again in the same process (``mkdocs serve``) passes the same
    ``checked`` each time: the records an edit left alone are not parsed and checked again,
    and its first run goes through the whole pipeline, to fill it and the caches of rendered
    text, even when nothing changed.
    """
    if check:
        with _without_cycle_collection():
            return _generate(project, StageTimes(), check=True, digests=None, workers=workers, checked=checked)
    times = StageTimes()
    with times.stage("cache"), build_lock(project.root):
        # Hashed before anything is read: an input edited during the run then differs from its
        # recorded digest next time, and the next run is a full one.
        digests = cache.input_digests(project.root)
        if digests is not None and project.directory_urls is False:
            # Paper pages hold the build's addresses: a copy built for file:// differs from the hosted one.
            digests[OFFLINE_STYLE] = "file addresses"
        # A link under docs/ stops a full run; it must stop this one too.
        linked = links_under(project.root / DOCS_DIR, project.root)
        cached = None if linked else cache.unchanged_build(project.root, digests)
    # A server's first run reads every record even when nothing changed, so that its runs after an edit start warm.
    if cached is not None and (checked is None or checked.by_file):
        return BuildResult(papers=cached.papers, warnings=cached.warnings, report=WriteReport(), times=times)
    with _without_cycle_collection():
        return _generate(project, times, check=False, digests=digests, workers=workers, checked=checked)


def release_caches() -> None:
    """Forget the texts rendered and the URLs split so far: caches that grow with the list.

    They make the next run in the same process faster (at 5,000 papers, a second full run in
    one process rendered and wrote in 4.7 s instead of 7.7 s: ``mkdocs serve``'s rebuilds); a
    process that goes on to other work after its one build (``mkdocs build``) gets their
    memory back, about 50 MB per 5,000 papers, by calling this.
    """
    from . import escape, links

    for module in (escape, links):
        for value in vars(module).values():
            is_own = getattr(value, "__module__", None) == module.__name__ and not isinstance(value, type)
            if is_own and hasattr(value, "cache_clear"):
                value.cache_clear()


def _generate(
    project: Project,
    times: StageTimes,
    *,
    check: bool,
    digests: dict[str, str] | None,
    workers: int | None,
    checked: CheckedRecords | None,
) -> BuildResult:
    from .load import TAXONOMY_FILE
    from .render import Rendering, plan_outputs
    from .views import output_sources

    read, catalog, warnings = _load(project, times, workers, checked)
    with times.stage("views"):
        outputs = Rendering(plan_outputs(catalog, warnings, workers=workers), workers)
        current_yml, edits = _nav_edit(project, catalog)
    with times.stage("render+write"):
        # docs/ is published as it is: a link there would publish, or let the build overwrite, a file elsewhere.
        if links := links_under(project.root / DOCS_DIR, project.root):
            raise DataError(links)
        taxonomy = display_path(project.entries_dir / TAXONOMY_FILE, project.root)
        with nullcontext() if check else build_lock(project.root):
            if not check:
                cache.forget(project.root)
            report = sync_outputs(
                project.root,
                outputs,
                project.manifest,
                allowed=is_output_location,
                check=check,
                edits=edits,
                sources=output_sources(catalog, taxonomy),
            )
            if digests is not None and _read_as_hashed(read, current_yml, digests):
                written = {MKDOCS_YML: cache.text_digest(edits[MKDOCS_YML])} if MKDOCS_YML in report.written else {}
                inputs = {**digests, **written}
                cache.remember(project.root, inputs, report.digests, MANIFEST, len(catalog.papers), warnings)
    if check:
        # Pages under docs/ are git-ignored build products: one not built yet is not stale.
        report.stale = [
            path for path in report.stale if (project.root / path).exists() or not path.startswith(f"{DOCS_DIR}/")
        ]
    # Parsed only when the run rewrote mkdocs.yml: otherwise the caller's reading is current.
    rewritten = MKDOCS_YML in report.written
    site_nav = load_site_config(edits[MKDOCS_YML]).get("nav", []) if rewritten else []
    return BuildResult(
        papers=len(catalog.papers), warnings=warnings, report=report, times=times, site_nav=site_nav, catalog=catalog
    )


def _read_as_hashed(read: dict[str, str], mkdocs_yml: str | None, digests: dict[str, str]) -> bool:
    """Whether every file this run read held what was hashed before it started (none was edited meanwhile).

    ``read``: the digest of each file's text as the run read it, by display path.
    """
    if mkdocs_yml is not None:
        nav_read = cache.text_digest(mkdocs_yml)
        if read.get(MKDOCS_YML, nav_read) != nav_read:
            return False
        read = {**read, MKDOCS_YML: nav_read}
    return all(digests.get(path) == digest for path, digest in read.items())


def _nav_edit(project: Project, catalog: Catalog) -> tuple[str | None, dict[str, str]]:
    """mkdocs.yml as read, and with the taxonomy nav spliced in, where any reader of that file finds it."""
    from .render import render_nav, splice_nav

    if not project.mkdocs_yml.exists():
        return None, {}
    current = project.mkdocs_yml.read_text(encoding="utf-8")
    return current, {MKDOCS_YML: splice_nav(current, render_nav(catalog))}
