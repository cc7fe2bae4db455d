"""MkDocs adapter: run the generator before MkDocs reads ``docs/``.

This file is the only MkDocs-specific code. The generator itself runs on its own
(``python -m generator build``), and the nav it produces is written into
``mkdocs.yml``, so a tool that reads that file without running hooks still sees it.
Template overrides that only suit Material on MkDocs live in ``generator/theme_mkdocs/``,
which this hook adds to the theme: Zensical reads the shared ``custom_dir`` but no hooks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from generator.build import Project, generate
from generator.findings import DataError, format_findings
from generator.routes import MKDOCS_YML
from generator.write import WriteError

log = logging.getLogger("mkdocs.hooks.generator")

# Overrides of Material partials that Zensical replaces with its own (see the module docstring).
MKDOCS_ONLY_THEME = Path(__file__).resolve().parent / "theme_mkdocs"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Generate the pages, and add the MkDocs-only templates ahead of every other theme folder."""
    theme_dirs: list[str] = config.theme.dirs
    if str(MKDOCS_ONLY_THEME) not in theme_dirs:
        theme_dirs.insert(0, str(MKDOCS_ONLY_THEME))
    project = Project(Path(config.config_file_path).resolve().parent)
    try:
        result = generate(project)
    except DataError as error:
        raise PluginError(
            "the build found errors; nothing was written or deleted:\n" + format_findings(error.findings, "text")
        ) from None
    except WriteError as error:
        raise PluginError(str(error)) from None
    report = result.report
    if report.written or report.removed:
        log.info("generator: wrote %d files, removed %d", len(report.written), len(report.removed))
    if MKDOCS_YML in report.written:
        # The taxonomy changed the nav after MkDocs had read mkdocs.yml: use the new one.
        config.nav = result.site_nav
    return config
