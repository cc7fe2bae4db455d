"""The shipped collection in Debian's Chromium, hosted and offline: its lists, a paper in two lists, the list facet."""

from __future__ import annotations

import re

import pytest
import yaml

from browser import page_url, screenshot
from generator import routes
from generator.build import Project, load_catalog
from helpers import REPO

pytestmark = pytest.mark.browser

COLLECTION = yaml.safe_load((REPO / "entries" / "collection.yml").read_text("utf-8"))
LISTS = {
    list_id: yaml.safe_load((REPO / "entries" / "lists" / f"{list_id}.yml").read_text("utf-8"))
    for list_id in COLLECTION["lists"]
}
PAPERS = {
    path.stem: yaml.safe_load(path.read_text("utf-8")) for path in sorted((REPO / "entries" / "papers").glob("*.yaml"))
}


def _heading(text: str) -> str:
    """A heading as read, without the permalink sign MkDocs appends."""
    return text.strip().removesuffix("¶").strip()


def _in_list(list_id: str) -> list[str]:
    return [
        paper_id
        for paper_id, record in PAPERS.items()
        if list_id in [placement["list"] for placement in [record, *record.get("also", [])]]
    ]


def test_the_home_page_shows_every_list_in_order(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, ""))
    page = watcher.page
    headings = [_heading(text) for text in page.locator("article h2").all_inner_texts()]
    titles = [paper_list["title"] for paper_list in LISTS.values()]
    assert [heading for heading in headings if heading in titles] == titles, headings
    content = page.locator("article").inner_text()
    for list_id, paper_list in LISTS.items():
        assert f"{len(_in_list(list_id))} papers in {len(paper_list['sections'])} sections" in content, list_id
    tabs = [text.strip() for text in page.locator(".md-tabs__item").all_inner_texts()]
    labels = [paper_list.get("label", paper_list["title"]) for paper_list in LISTS.values()]
    assert tabs[: len(labels) + 1] == ["Home", *labels], tabs
    # Each list's tab opens that list's page.
    page.locator(".md-tabs__item a", has_text=labels[-1]).click()
    page.wait_for_load_state("load")
    assert _heading(page.locator("article h1").inner_text()) == titles[-1]
    screenshot(page, f"{mode}-collection-home")


@pytest.mark.parametrize("paper_id", ["acco", "understanding-and-mitigating-numerical-sources"])
def test_a_paper_in_two_lists_shows_both_placements_and_both_texts(watched, sites, paper_id: str):
    watcher, mode = watched
    record = PAPERS[paper_id]
    placements = [record, *record.get("also", [])]
    assert len(placements) == 2
    watcher.goto(page_url(sites, mode, f"papers/{paper_id}/"))
    page = watcher.page
    listed = page.locator("article p", has_text="Listed in").first.inner_text()
    for placement in placements:
        assert LISTS[placement["list"]]["title"] in listed, listed
    content = page.locator("article").inner_text()
    for placement in placements:
        # Each list's own summary, under that list's name; compare a plain stretch of its words.
        words = re.sub(r"[*_`]", "", placement["summary"]).split()[:8]
        assert " ".join(words) in content, placement["list"]
    # The placement's link opens the listing of the other list, which links back to the paper.
    other = LISTS[placements[1]["list"]]["title"]
    page.locator("article p", has_text="Listed in").first.locator("a", has_text=other).click()
    page.wait_for_load_state("load")
    assert _heading(page.locator("article h1").inner_text()) == other
    screenshot(page, f"{mode}-two-placements")


def test_the_explorers_list_facet_filters_and_survives_a_reload(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, routes.url(routes.EXPLORER)))
    page = watcher.page
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
    total = len(PAPERS)
    list_id = min(LISTS, key=lambda name: len(_in_list(name)))
    expected = len(_in_list(list_id))
    page.select_option("#pl-list", list_id)
    page.wait_for_function("(n) => document.getElementById('pl-count').textContent.startsWith(n + ' of')", arg=expected)
    assert page.locator("#pl-count").inner_text() == f"{expected} of {total} papers"
    assert f"list={list_id}" in page.url
    page.reload(wait_until="load")
    page.wait_for_function("(n) => document.getElementById('pl-count').textContent.startsWith(n + ' of')", arg=expected)
    assert page.input_value("#pl-list") == list_id
    shown = set(page.locator("#pl-rows tr td:first-child a").all_inner_texts())
    assert shown <= {PAPERS[paper_id]["title"] for paper_id in _in_list(list_id)}
    screenshot(page, f"{mode}-explorer-list")


def _section_cells(page) -> dict[str, str]:
    rows = page.locator("#pl-rows tr")
    return {
        rows.nth(i).locator("td").nth(0).locator("a").inner_text(): rows.nth(i).locator("td").nth(2).inner_text()
        for i in range(rows.count())
    }


def test_the_explorer_shows_and_orders_a_paper_by_its_place_in_the_list_filtered_to(watched, sites):
    watcher, mode = watched
    catalog, _ = load_catalog(Project(REPO))
    acco = catalog.papers_by_id["acco"]
    lists = {paper_list.id: paper_list for paper_list in catalog.lists}
    places = {
        list_id: next(
            f"{sub.number} {sub.title}" for sub in lists[list_id].subsections if acco.id in [p.id for p in sub.papers]
        )
        for list_id in ("rl", "training")
    }
    page = watcher.page
    for list_id, section in places.items():
        watcher.goto(page_url(sites, mode, routes.url(routes.EXPLORER)) + f"?list={list_id}&text=acco")
        page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
        assert _section_cells(page)[acco.title] == section, list_id
        # Without the text filter: every row of the list in that list's order, each with its section there.
        page.fill("#pl-q", "")
        expected = [paper.title for paper in lists[list_id].papers]
        page.wait_for_function(
            "(n) => document.querySelectorAll('#pl-rows tr').length === n", arg=min(len(expected), 50)
        )
        assert page.locator("#pl-rows tr td:first-child a").all_inner_texts() == expected[:50], list_id
    # Under "All lists": each of its places, named by its list, the one its row order follows first.
    watcher.goto(page_url(sites, mode, routes.url(routes.EXPLORER)) + "?text=acco")
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
    labels = {list_id: lists[list_id].label for list_id in places}
    assert _section_cells(page)[acco.title] == "; ".join(f"{labels[name]}: {text}" for name, text in places.items())
    screenshot(page, f"{mode}-explorer-two-places")
