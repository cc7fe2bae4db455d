"""The real site, built by `mkdocs build --strict` from a clean copy."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import yaml

from helpers import REPO


def _papers() -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text("utf-8"))
        for path in sorted((REPO / "entries" / "papers").glob("*.yaml"))
    }


def test_every_paper_has_its_own_page(built_site: Path):
    papers = _papers()
    assert len(papers) == len(list((REPO / "entries" / "papers").glob("*.yaml"))) > 0
    for paper_id, record in papers.items():
        page = built_site / "papers" / paper_id / "index.html"
        assert page.is_file(), paper_id
        html = page.read_text("utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL).group(1)
        assert record["title"].replace("&", "&amp;") in h1, paper_id
        for link in record.get("links", []):
            assert f'href="{link["url"].replace("&", "&amp;")}"' in html, (paper_id, link)


def _nav_labels(html: str) -> list[str]:
    """The labels of the primary nav, in page order, as a visitor reads them."""
    # The primary sidebar; it also holds the open page's table of contents, whose labels are filtered out.
    nav = html[html.index('class="md-nav md-nav--primary') :].partition('class="md-sidebar md-sidebar--secondary')[0]
    return [unescape(label.strip()) for label in re.findall(r'<span class="md-ellipsis">(.*?)</span>', nav, re.S)]


def test_nav_shows_the_taxonomy_in_order(built_site: Path):
    """Every section in order on the home page; each section's subsections in order on its own page.

    The nav is pruned (navigation.prune): a page holds the open part only.
    """
    taxonomy = yaml.safe_load((REPO / "entries" / "taxonomy.yml").read_text("utf-8"))
    sections = [f"{number}. {section['title']}" for number, section in enumerate(taxonomy["sections"], start=1)]
    home = _nav_labels((built_site / "index.html").read_text("utf-8"))
    assert [label for label in home if label in sections] == sections, home
    for number, section in enumerate(taxonomy["sections"], start=1):
        expected = [
            f"{number}.{sub_number} {sub['title']}" for sub_number, sub in enumerate(section["subsections"], start=1)
        ]
        labels = _nav_labels((built_site / "sections" / section["id"] / "index.html").read_text("utf-8"))
        assert [label for label in labels if label in expected] == expected, labels
        # The other sections stay in the nav, collapsed, in their order.
        assert [label for label in labels if label in sections] == sections, labels


def test_papers_are_not_nav_entries(built_site: Path):
    html = (built_site / "index.html").read_text("utf-8")
    nav = html[html.index('class="md-nav md-nav--primary') :]
    assert "papers/arnold/" not in nav[: nav.index("</nav>")]


def test_subsection_pages_link_every_paper(built_site: Path):
    for paper_id, record in _papers().items():
        section, subsection = record["category"].split("/")
        html = (built_site / "sections" / section / subsection / "index.html").read_text("utf-8")
        assert f'href="../../../papers/{paper_id}/"' in html, paper_id


def test_search_index_finds_each_paper_page_by_its_title(built_site: Path):
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    for paper_id, record in _papers().items():
        location = f"papers/{paper_id}/"
        assert location in titles, paper_id
        assert titles[location].replace("&amp;", "&") == record["title"]


def test_pages_make_no_third_party_requests(built_site: Path):
    for page in [built_site / "index.html", built_site / "papers" / "arnold" / "index.html"]:
        html = page.read_text("utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
        # Canonical and alternate links name the site; they are never fetched.
        tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html)
        fetched = [tag for tag in tags if not re.search(r'rel="(?:canonical|alternate)"', tag)]
        external = [tag for tag in fetched if re.search(r'(?:src|href)="(?:https?:)?//', tag)]
        assert external == [], external
