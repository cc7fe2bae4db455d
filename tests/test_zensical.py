"""The site also builds with Zensical (Material for MkDocs' successor), from the same mkdocs.yml.

Zensical runs no MkDocs hooks, so the generator runs first, as the README says:
`python -m generator build && zensical build`. Every page must come out at the address
MkDocs gives it.
"""

from __future__ import annotations

import re
import sysconfig
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
import yaml

from generator import routes
from generator.sitelinks import site_url_of
from helpers import REPO, copy_project, generator, require, run

pytestmark = pytest.mark.slow

# Installed by the `zensical` extra (and the `test` extra), as a script beside the interpreter.
ZENSICAL = Path(sysconfig.get_path("scripts")) / "zensical"


@dataclass(frozen=True)
class ZensicalBuild:
    root: Path
    # Each folder Zensical could write to by mistake, as {file: mtime_ns}, before and after the build.
    outside_before: dict[str, dict[str, int]]
    outside_after: dict[str, dict[str, int]]
    new_in_root: set[str]

    @property
    def site(self) -> Path:
        return self.root / "site"


def _require_zensical() -> None:
    """Skip with the reason when Zensical is absent; on CI its absence is a failure."""
    require(
        ZENSICAL.is_file(),
        f"zensical is not installed at {ZENSICAL} (pip install -e '.[zensical]')",
        "CI must build the site with Zensical",
    )


def _files(folder: Path) -> dict[str, int]:
    if not folder.exists():
        return {}
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*")}


def _outside(root: Path) -> dict[str, dict[str, int]]:
    """The worktree's own output folders, and the copy's parent, which holds only the copy."""
    return {
        "repo site": _files(REPO / "site"),
        "repo .cache": _files(REPO / ".cache"),
        "copy's parent": {path.name: 0 for path in root.parent.iterdir()},
    }


@pytest.fixture(scope="module")
def zensical_build(tmp_path_factory: pytest.TempPathFactory) -> ZensicalBuild:
    _require_zensical()
    root = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    generator(root, "build")
    before = _outside(root)
    top_before = {path.name for path in root.iterdir()}
    # --strict: a warning (a broken link, a missing page) fails the build, as `mkdocs build --strict` does.
    run([str(ZENSICAL), "build", "--strict"], cwd=root)
    return ZensicalBuild(
        root=root,
        outside_before=before,
        outside_after=_outside(root),
        new_in_root={path.name for path in root.iterdir()} - top_before,
    )


def _page(site: Path, address: str) -> str:
    """The HTML served at ``address`` (relative to the site root, with directory URLs)."""
    page = site / address / "index.html"
    assert page.is_file(), f"no page at /{address}"
    return page.read_text("utf-8")


def _canonical(html: str) -> str:
    match = re.search(r'<link rel="canonical" href="([^"]*)">', html)
    assert match, "the page has no canonical link"
    return match.group(1)


def _mkdocs_address(markdown: PurePosixPath) -> str:
    """Where MkDocs, with use_directory_urls, serves a page: a/index.md at a/, a/b.md at a/b/."""
    folder = markdown.parent if markdown.name == "index.md" else markdown.with_suffix("")
    return "" if str(folder) == "." else f"{folder}/"


def _lists() -> dict[str, dict]:
    """The collection's list files by list id."""
    return {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in (REPO / "entries" / "lists").glob("*.yml")}


def test_every_paper_page_is_at_its_mkdocs_address(zensical_build: ZensicalBuild):
    site_url = site_url_of(REPO / "mkdocs.yml")
    records = sorted((REPO / "entries" / "papers").glob("*.yaml"))
    assert records
    for path in records:
        record = yaml.safe_load(path.read_text("utf-8"))
        html = _page(zensical_build.site, f"papers/{path.stem}/")
        assert _canonical(html) == f"{site_url}papers/{path.stem}/"
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
        assert h1 and record["title"].strip().replace("&", "&amp;") in h1.group(1), path.stem


def test_home_list_section_subsection_and_explorer_pages(zensical_build: ZensicalBuild):
    home = _page(zensical_build.site, "")
    assert _canonical(home) == site_url_of(REPO / "mkdocs.yml")
    # The feed link comes from the shared theme override (generator/theme/main.html).
    assert 'rel="alternate feed" type="application/atom+xml"' in home
    for list_id, paper_list in _lists().items():
        assert paper_list["title"].replace("&", "&amp;") in _page(
            zensical_build.site, routes.url(routes.paper_list(list_id))
        )
        for section in paper_list["sections"]:
            html = _page(zensical_build.site, routes.url(routes.section(section["id"], list_id)))
            assert section["title"].replace("&", "&amp;") in html
            for subsection in section["subsections"]:
                html = _page(
                    zensical_build.site, routes.url(routes.subsection(section["id"], subsection["id"], list_id))
                )
                assert subsection["title"].replace("&", "&amp;") in html
    explorer = _page(zensical_build.site, "all/")
    assert '<script type="application/json" id="pl-explorer-data">' in explorer
    assert '<script src="../assets/explorer.js">' in explorer


def _search_dialog(html: str) -> str:
    match = re.search(r'<div class="md-search" data-md-component="search"[^>]*>', html)
    assert match, "the page has no search dialog"
    return match.group(0)


def test_each_engine_keeps_its_own_named_search_dialog(zensical_build: ZensicalBuild, built_site: Path):
    """Material's search partial, copied to name its dialog, is for MkDocs only (the hook adds it).

    Zensical's script drives a search of its own, whose partial already names the dialog.
    """
    mkdocs_home = (built_site / "index.html").read_text("utf-8")
    zensical_home = _page(zensical_build.site, "")
    for html in (mkdocs_home, zensical_home):
        assert 'role="dialog" aria-label="Search"' in _search_dialog(html)
    assert 'class="md-search__input"' in mkdocs_home and 'class="md-search__button"' not in mkdocs_home
    assert 'class="md-search__button"' in zensical_home and 'class="md-search__input"' not in zensical_home


def test_every_markdown_page_is_built(zensical_build: ZensicalBuild):
    """Generated and hand-written pages alike, with the paper pages the nav leaves out (not_in_nav)."""
    docs = zensical_build.root / "docs"
    pages = sorted(PurePosixPath(path.relative_to(docs).as_posix()) for path in docs.rglob("*.md"))
    assert len(pages) > len(list((REPO / "entries" / "papers").glob("*.yaml")))
    site = zensical_build.site
    missing = [str(page) for page in pages if not (site / _mkdocs_address(page) / "index.html").is_file()]
    assert missing == []


def test_zensical_writes_only_inside_the_copy(zensical_build: ZensicalBuild):
    assert zensical_build.outside_after == zensical_build.outside_before
    assert "site" in zensical_build.new_in_root
    # Its cache sits beside mkdocs.yml (and is git-ignored); nothing else appears.
    assert zensical_build.new_in_root <= {"site", ".cache"}
