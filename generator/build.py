"""The pipeline: load → validate → model → render → write, for one project folder."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import DataError, Finding, errors_in
from .load import PAPERS_DIR, TAXONOMY_FILE, RawData, load_entries
from .model import Catalog, SiteSettings, build_catalog
from .paths import display_path, links_under
from .render import render_all, render_nav, splice_nav
from .routes import DOCS_DIR, MKDOCS_YML, is_output_location
from .validate import validate
from .views import output_sources
from .write import WriteReport, build_lock, sync_outputs
from .yamlio import load_site_config

MANIFEST = f"{DOCS_DIR}/.generated.json"


@dataclass(frozen=True)
class Project:
    """Where a list's files live; everything is relative to its root folder."""

    root: Path

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
    """Seconds spent in each stage of a run, in pipeline order."""

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
    catalog: Catalog
    warnings: list[Finding]
    report: WriteReport
    times: StageTimes = field(default_factory=StageTimes)
    # The whole nav of mkdocs.yml when the run rewrote it, for a caller that had read the file before.
    site_nav: list[Any] = field(default_factory=list)


def catalog_from(raw: RawData) -> Catalog:
    """The model of validated raw data."""
    records = ((document.stem, document.display, document.data) for document in raw.papers)
    settings = SiteSettings.from_config(raw.site.data if raw.site else {})
    folder = display_path(raw.entries_dir / PAPERS_DIR, raw.entries_dir.parent)
    lists = {document.stem: document.data for document in raw.lists}
    # collection.yml's ``lists`` orders them (validate checked it names each once); else file-name order.
    order = raw.taxonomy.data.get("lists") if raw.is_collection else None
    if isinstance(order, list):
        lists = {list_id: lists[list_id] for list_id in order}
    tags = raw.tags.data if raw.tags else None
    return build_catalog(raw.taxonomy.data, tags, records, settings, folder, lists)


def load_catalog(project: Project, times: StageTimes | None = None) -> tuple[Catalog, list[Finding]]:
    """Load and validate the records; raise DataError on any error, return the warnings."""
    times = StageTimes() if times is None else times
    with times.stage("load"):
        raw = load_entries(project.entries_dir)
    with times.stage("validate"):
        findings = validate(raw)
    if errors_in(findings):
        raise DataError(findings)
    with times.stage("model"):
        catalog = catalog_from(raw)
    return catalog, findings


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


def generate(project: Project, *, check: bool = False) -> BuildResult:
    """Render every output; write the changed ones (or, with ``check``, list them)."""
    with _without_cycle_collection():
        return _generate(project, check=check)


def _generate(project: Project, *, check: bool) -> BuildResult:
    times = StageTimes()
    catalog, warnings = load_catalog(project, times)
    with times.stage("render"):
        outputs = render_all(catalog, warnings)
        edits = _nav_edit(project, catalog)
    with times.stage("write"):
        # docs/ is published as it is: a link there would publish, or let the build overwrite, a file elsewhere.
        if links := links_under(project.root / DOCS_DIR, project.root):
            raise DataError(links)
        taxonomy = display_path(project.entries_dir / TAXONOMY_FILE, project.root)
        with nullcontext() if check else build_lock(project.root):
            report = sync_outputs(
                project.root,
                outputs,
                project.manifest,
                allowed=is_output_location,
                check=check,
                edits=edits,
                sources=output_sources(catalog, taxonomy),
            )
    if check:
        # Pages under docs/ are git-ignored build products: one not built yet is not stale.
        report.stale = [
            path for path in report.stale if (project.root / path).exists() or not path.startswith(f"{DOCS_DIR}/")
        ]
    # Parsed only when the run rewrote mkdocs.yml: otherwise the caller's reading is current.
    rewritten = MKDOCS_YML in report.written
    site_nav = load_site_config(edits[MKDOCS_YML]).get("nav", []) if rewritten else []
    return BuildResult(catalog=catalog, warnings=warnings, report=report, times=times, site_nav=site_nav)


def _nav_edit(project: Project, catalog: Catalog) -> dict[str, str]:
    """mkdocs.yml with the taxonomy nav spliced in, where any reader of that file finds it."""
    if not project.mkdocs_yml.exists():
        return {}
    current = project.mkdocs_yml.read_text(encoding="utf-8")
    return {MKDOCS_YML: splice_nav(current, render_nav(catalog))}
