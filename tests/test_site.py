"""The real site, built by `mkdocs build --strict` from a clean copy."""

from __future__ import annotations

import json
import posixpath
import re
from html import unescape
from pathlib import Path

import yaml

from generator import routes
from generator.sitesearch import site_search_documents
from helpers import REPO, worker_papers_address


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


def _lists() -> dict[str, dict]:
    """The collection's lists by id, in the collection's order."""
    order = yaml.safe_load((REPO / "entries" / "collection.yml").read_text("utf-8"))["lists"]
    return {
        list_id: yaml.safe_load((REPO / "entries" / "lists" / f"{list_id}.yml").read_text("utf-8")) for list_id in order
    }


def _page(site: Path, route: str) -> str:
    return (site / routes.url(route) / "index.html").read_text("utf-8")


def test_nav_shows_each_list_and_its_taxonomy_in_order(built_site: Path):
    """Each list in order on the home page; a list's sections on its page; a section's subsections on its own.

    The nav is pruned (navigation.prune): a page holds the open part only.
    """
    lists = _lists()
    labels = [paper_list.get("label", paper_list["title"]) for paper_list in lists.values()]
    home = _nav_labels((built_site / "index.html").read_text("utf-8"))
    assert [label for label in home if label in labels] == labels, home
    for list_id, paper_list in lists.items():
        sections = [f"{number}. {section['title']}" for number, section in enumerate(paper_list["sections"], start=1)]
        on_list_page = _nav_labels(_page(built_site, routes.paper_list(list_id)))
        assert [label for label in on_list_page if label in sections] == sections, on_list_page
        for number, section in enumerate(paper_list["sections"], start=1):
            expected = [
                f"{number}.{sub_number} {sub['title']}"
                for sub_number, sub in enumerate(section["subsections"], start=1)
            ]
            nav = _nav_labels(_page(built_site, routes.section(section["id"], list_id)))
            assert [label for label in nav if label in expected] == expected, nav
            # The other sections and the other lists stay in the nav, collapsed, in their order.
            assert [label for label in nav if label in sections] == sections, nav
            assert [label for label in nav if label in labels] == labels, nav


def test_papers_are_not_nav_entries(built_site: Path):
    html = (built_site / "index.html").read_text("utf-8")
    nav = html[html.index('class="md-nav md-nav--primary') :]
    assert "papers/arnold/" not in nav[: nav.index("</nav>")]


def test_listing_pages_link_every_paper_in_every_list(built_site: Path):
    for paper_id, record in _papers().items():
        for placement in [record, *record.get("also", [])]:
            section, _, subsection = placement["category"].partition("/")
            route = (
                routes.subsection(section, subsection, placement["list"])
                if subsection
                else routes.section(section, placement["list"])
            )
            page = routes.url(route)
            href = posixpath.relpath(routes.url(routes.paper(paper_id)), page) + "/"
            assert f'href="{href}"' in _page(built_site, route), (paper_id, page)


def test_search_index_finds_each_paper_page_by_its_title(built_site: Path):
    titles = {doc["location"]: doc["title"] for doc in site_search_documents(built_site)}
    for paper_id, record in _papers().items():
        location = f"papers/{paper_id}/"
        assert location in titles, paper_id
        assert titles[location].replace("&amp;", "&") == record["title"]


def test_hosted_index_leaves_the_papers_to_the_search_worker(built_site: Path):
    """The page parses a small index on its main thread; the worker fetches the papers' documents itself."""
    index = json.loads((built_site / routes.SEARCH_INDEX).read_text("utf-8"))
    pages = [doc["location"] for doc in index["docs"]]
    assert pages and not [location for location in pages if location.startswith("papers/")]
    papers = json.loads((built_site / routes.url(routes.SEARCH_DOCS)).read_text("utf-8"))
    assert sorted(doc["location"] for doc in papers) == sorted(f"papers/{paper_id}/" for paper_id in _papers())
    for page in ["index.html", "all/index.html", "papers/arnold/index.html"]:
        assert worker_papers_address(built_site, page) == routes.url(routes.SEARCH_DOCS), page


def test_pages_make_no_third_party_requests(built_site: Path):
    for page in [built_site / "index.html", built_site / "papers" / "arnold" / "index.html"]:
        html = page.read_text("utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
        # Canonical and alternate links name the site; they are never fetched.
        tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html)
        fetched = [tag for tag in tags if not re.search(r'rel="(?:canonical|alternate)"', tag)]
        external = [tag for tag in fetched if re.search(r'(?:src|href)="(?:https?:)?//', tag)]
        assert external == [], external


def test_each_list_page_shows_its_sections_with_their_subsections_as_lists(built_site: Path):
    for list_id, paper_list in _lists().items():
        html = _page(built_site, routes.paper_list(list_id))
        for section in paper_list["sections"]:
            for subsection in section["subsections"]:
                href = posixpath.relpath(
                    routes.url(routes.subsection(section["id"], subsection["id"], list_id)),
                    routes.url(routes.paper_list(list_id)),
                )
                assert re.search(rf'<li><a href="{re.escape(href)}/">', html), (list_id, href)
