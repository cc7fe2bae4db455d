"""The pipeline: load → validate → model → render → write, for one project folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .findings import DataError, Finding, errors_in
from .load import load_entries
from .model import Catalog, build_catalog
from .render import DOCS_DIR, render_all, render_nav, splice_nav
from .validate import validate
from .write import WriteReport, sync_outputs, write_text_atomic

MKDOCS_YML = "mkdocs.yml"
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


@dataclass(frozen=True)
class BuildResult:
    catalog: Catalog
    warnings: list[Finding]
    report: WriteReport


def load_catalog(project: Project) -> tuple[Catalog, list[Finding]]:
    """Load and validate the records; raise DataError on any error, return the warnings."""
    raw = load_entries(project.entries_dir)
    findings = validate(raw)
    if errors_in(findings):
        raise DataError(findings)
    return build_catalog(raw), findings


def generate(project: Project, *, check: bool = False) -> BuildResult:
    """Render every output; write the changed ones (or, with ``check``, list them)."""
    catalog, warnings = load_catalog(project)
    outputs = render_all(catalog, warnings)
    report = sync_outputs(project.root, outputs, project.manifest, check=check)
    if check:
        # Pages under docs/ are git-ignored build products: one not built yet is not stale.
        report.stale = [path for path in report.stale
                        if (project.root / path).exists() or not path.startswith(f"{DOCS_DIR}/")]
    _sync_nav(project, catalog, report, check=check)
    return BuildResult(catalog=catalog, warnings=warnings, report=report)


def _sync_nav(project: Project, catalog: Catalog, report: WriteReport, *, check: bool) -> None:
    """Keep the taxonomy nav in mkdocs.yml, where any reader of that file finds it."""
    if not project.mkdocs_yml.exists():
        return
    current = project.mkdocs_yml.read_text(encoding="utf-8")
    updated = splice_nav(current, render_nav(catalog))
    if updated == current:
        return
    if check:
        report.stale.append(MKDOCS_YML)
    else:
        write_text_atomic(project.mkdocs_yml, updated)
        report.written.append(MKDOCS_YML)
