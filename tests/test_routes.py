"""The route table decides every address: moving a family of pages is a one-line change."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import routes
from generator.sitelinks import broken_links, site_url_of
from helpers import REPO, copy_project, generator, mkdocs_build

PAPER_ROUTE_LINE = '_PAPER = "papers/{paper}.md"'


def test_paper_route_is_spelled_once():
    source = (REPO / "generator" / "routes.py").read_text(encoding="utf-8")
    assert source.count(PAPER_ROUTE_LINE) == 1


def test_generator_spells_no_page_address_outside_the_route_table():
    # Record files live under entries/papers/ (the source layout, not a page address); templates end in .md.j2.
    spelled = re.compile(
        r"""(?<!entries)["'(/](?:papers|sections)/|\b(?:all|authors|tags|stats|quality|highlights)\.md\b(?!\.j2)"""
    )
    offenders = []
    sources = [*(REPO / "generator").rglob("*.py"), *(REPO / "benchmarks").rglob("*.py")]
    for path in [*sources, *(REPO / "generator" / "templates").glob("*.j2")]:
        if path.name in ("routes.py",):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if spelled.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_mirrors_of_the_route_table_outside_python_agree_with_it():
    # The theme's head links the feed, and mkdocs.yml keeps paper pages out of the nav;
    # neither file can import the table, so they are checked against it.
    theme = (REPO / "generator" / "theme" / "main.html").read_text(encoding="utf-8")
    assert f"'{routes.FEED}'" in theme
    mkdocs_yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    paper_folder = routes.paper("x").rsplit("/", 1)[0]
    assert f"/{paper_folder}/" in mkdocs_yml.split("not_in_nav:", 1)[1].split("\n\n", 1)[0]


def test_hosted_addresses_follow_mkdocs_directory_urls():
    assert routes.url(routes.HOME) == ""
    assert routes.url(routes.paper("acco")) == "papers/acco/"
    assert routes.url(routes.section("systems")) == "sections/systems/"
    assert routes.url(routes.FEED) == "feed.xml"
    assert routes.relative(routes.paper("a"), routes.section("s")) == "../sections/s/index.md"
    assert routes.kind(routes.paper("a")) == "paper"
    assert routes.kind(routes.subsection("s", "t")) == "subsection"
    assert routes.kind(routes.section("s")) == "section"


@pytest.mark.slow
def test_moving_paper_pages_is_one_line_and_every_link_follows(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    table = root / "generator" / "routes.py"
    table.write_text(
        table.read_text(encoding="utf-8").replace(PAPER_ROUTE_LINE, '_PAPER = "p/{paper}.md"'), encoding="utf-8"
    )
    mkdocs_build(root)
    site = root / "site"
    papers = sorted(path.stem for path in (root / "entries" / "papers").glob("*.yaml"))
    assert all((site / "p" / paper_id / "index.html").is_file() for paper_id in papers)
    assert not (site / "papers").exists()
    assert broken_links(site, site_url=site_url_of(root / "mkdocs.yml")) == []
    exported = (site / "papers.json").read_text(encoding="utf-8")
    assert f'"page": "p/{papers[0]}/"' in exported
    offline = tmp_path / "offline"
    generator(root, "export-offline", str(offline))
    assert broken_links(offline, site_url=site_url_of(root / "mkdocs.yml"), offline=True) == []


_PARTS = st.sampled_from(["a", "b", "papers", "sections", "index.md", "x.md", "", ".", ".."])


@given(source=st.lists(_PARTS, max_size=5).map("/".join), target=st.lists(_PARTS, min_size=1, max_size=5).map("/".join))
def test_relative_links_are_what_relpath_gives(source: str, target: str):
    """The string arithmetic of ``relative`` agrees with posixpath.relpath, odd paths included."""
    if target:
        assert routes.relative(source, target) == posixpath.relpath(target, posixpath.dirname(source) or ".")
