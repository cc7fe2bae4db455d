"""Real-browser checks in Debian's Chromium, on the hosted build and on the offline export."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from browser import page_url, screenshot
from helpers import REPO

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize(
    ("query", "paper_id"),
    [
        ("Arnold", "arnold"),
        ("Douillard", "communication-efficient-language-model-training-scales"),
        ("2510.27257", "synergistic-tensor-and-pipeline-parallelism"),
        # One paper of each other list of the collection.
        ("DFloat11", "dfloat11"),
        ("AReaL", "areal"),
    ],
)
def test_search_finds_the_paper(watched, sites, query: str, paper_id: str):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, ""))
    page = watcher.page
    page.keyboard.press("/")
    search = page.locator("input.md-search__input")
    search.wait_for(state="visible")
    started = time.monotonic()
    search.press_sequentially(query)
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    # Results are redrawn per keystroke; wait for the ones for the whole query (Material adds ?h=<query>).
    page.wait_for_function(
        """(query) => {
            const link = document.querySelector('.md-search-result__item a.md-search-result__link');
            return link && new URL(link.href).searchParams.get('h') === query.toLowerCase();
        }""",
        arg=query,
        timeout=5000,
    )
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"first result after {elapsed:.2f} s"
    assert f"papers/{paper_id}" in first.get_attribute("href"), first.get_attribute("href")
    if query == "Arnold":
        screenshot(watcher.page, f"{mode}-search")


def _count(page) -> str:
    return page.locator("#pl-count").inner_text()


def test_explorer_filters_sort_and_keep_state_in_the_url(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "all/"))
    page = watcher.page
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
    total = len(list((REPO / "entries" / "papers").glob("*.yaml")))
    assert _count(page) == f"{total} papers"
    column_widths = "() => [...document.querySelectorAll('#pl-table th')].map((th) => th.offsetWidth)"
    widths = page.evaluate(column_widths)
    page.fill("#pl-q", "attention")
    page.wait_for_function("(n) => document.querySelectorAll('#pl-rows tr').length < n", arg=total)
    filtered = int(_count(page).split()[0])
    assert 0 < filtered < total and _count(page) == f"{filtered} of {total} papers"
    assert page.evaluate(column_widths) == widths, "the columns stay put while the rows change"
    page.select_option("#pl-tag", "attention")
    page.check("#pl-code")
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length === 2")
    titles = page.locator("#pl-rows tr td:first-child a").all_inner_texts()
    assert {t.split(":")[0] for t in titles} == {"FlashBias", "MoBA"}
    page.click("th button[data-sort='title']")
    page.click("th button[data-sort='title']")
    assert page.locator("th[aria-sort='descending'] button").inner_text() == "Title"
    assert page.locator("#pl-rows tr td:first-child a").all_inner_texts() == sorted(titles, reverse=True)
    assert "text=attention" in page.url and "tag=attention" in page.url and "code=1" in page.url
    screenshot(watcher.page, f"{mode}-explorer")
    page.reload(wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length === 2")
    assert page.input_value("#pl-q") == "attention"
    assert page.locator("#pl-rows tr td:first-child a").all_inner_texts() == sorted(titles, reverse=True)
    link = page.locator("#pl-rows tr td:first-child a").first
    link.click()
    page.wait_for_load_state("load")
    assert "papers/moba" in page.url


def test_explorer_is_usable_from_the_keyboard(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "all/"))
    page = watcher.page
    page.focus("#pl-q")
    page.keyboard.type("lora")
    page.keyboard.press("Tab")
    # In a collection the list facet comes first, then the section.
    assert page.evaluate("document.activeElement.id") == "pl-list"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pl-section"
    lora = sum("lora" in path.read_text("utf-8").lower() for path in (REPO / "entries" / "papers").glob("*.yaml"))
    page.wait_for_function(
        "(n) => document.getElementById('pl-count').textContent.endsWith(' papers') && "
        "parseInt(document.getElementById('pl-count').textContent) <= n",
        arg=lora,
    )


def test_author_links_open_the_author_index_at_that_author(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "papers/gated-attention-for-large-language-models/"))
    page = watcher.page
    page.get_by_role("link", name="Zihan Qiu", exact=True).click()
    page.wait_for_load_state("load")
    author = page.locator("#zihan-qiu")
    author.wait_for(state="visible")
    assert author.locator("strong").inner_text() == "Zihan Qiu"
    assert page.evaluate("(el) => el.getBoundingClientRect().top < window.innerHeight", author.element_handle())
    author.get_by_role("link", name="Gated Attention for Large Language Models").click()
    page.wait_for_load_state("load")
    assert "papers/gated-attention-for-large-language-models" in page.url
    page.go_back(wait_until="load")
    page.fill("#pl-author-q", "douillard")
    page.wait_for_function("() => document.querySelector('#pl-author-count').textContent.startsWith('1 matching')")
    assert page.locator("#pl-author-list > li strong").all_inner_texts() == ["Arthur Douillard"]
    page.fill("#pl-author-q", "")
    page.click(".pl-authors__letter[data-letter='D']")
    assert page.locator(".pl-authors__letter[aria-pressed='true']").inner_text() == "D"
    names = page.locator("#pl-author-list > li strong").all_inner_texts()
    assert "Arthur Douillard" in names and "Zihan Qiu" not in names
    screenshot(watcher.page, f"{mode}-authors")


def test_tag_page_lists_its_papers(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "tags/"))
    page = watcher.page
    section = page.locator("[id='tag:lora']")
    assert section.count() == 1
    links = page.locator("[id='tag:lora'] + ul a").evaluate_all("(links) => links.map(a => a.href)")
    assert sorted(href.rsplit("/", 2)[-2 if mode == "hosted" else -1].replace(".html", "") for href in links) == [
        "fvae-lora",
        "gainlora",
        "loquetier",
    ]


def test_paper_page_works_with_copy_button_and_theme_toggle(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "papers/gated-attention-for-large-language-models/"))
    page = watcher.page
    assert page.locator("h1").inner_text().replace("¶", "").strip() == "Gated Attention for Large Language Models"
    copy = page.locator(".highlight button[data-md-type='copy']").first
    copy.wait_for(state="attached")
    assert "@inproceedings{gated-attention" in page.locator(".highlight code").first.inner_text()
    copy.click()
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme
    screenshot(watcher.page, f"{mode}-paper")


# The offline pages have the same markup; the hosted build is scanned, in both colour schemes.
@pytest.mark.parametrize("watched", ["hosted"], indirect=True)
@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize(
    "path",
    [
        "",
        "lists/training/systems/memory-efficient-training/",
        "papers/gated-attention-for-large-language-models/",
        "all/",
    ],
)
def test_no_serious_accessibility_violations(watched, sites, path: str, scheme: str):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, path))
    page = watcher.page
    # Colours must be measured at rest, not halfway through a theme transition.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    page.evaluate("(scheme) => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    page.wait_for_timeout(100)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], json.dumps(serious, indent=1)
    if path.startswith("sections"):
        screenshot(watcher.page, f"{mode}-subsection-{scheme}")


def test_a_page_load_does_not_fetch_the_sitemap(watched, sites):
    """Material takes every link[rel=alternate] for a language version and fetches and parses the
    whole sitemap.xml for it on every page load (0.3-0.5 s of the main thread at 5,000 papers):
    the feed's link is found by feed readers, not by Material."""
    watcher, mode = watched
    requested: list[str] = []
    watcher.page.on("request", lambda request: requested.append(request.url))
    watcher.goto(page_url(sites, mode, ""))
    watcher.page.wait_for_load_state("networkidle")
    assert any("search" in url for url in requested), requested
    assert [url for url in requested if "sitemap" in url] == []
    feed = watcher.page.locator("link[type='application/atom+xml']")
    assert "alternate" in (feed.get_attribute("rel") or "").split()


def _wait_for_count(page, text: str) -> None:
    page.wait_for_function("(text) => document.getElementById('pl-count').textContent === text", arg=text)


def test_explorer_says_when_nothing_matches_and_offers_to_clear_the_filters(watched, sites):
    watcher, mode = watched
    total = len(list((REPO / "entries" / "papers").glob("*.yaml")))
    watcher.goto(page_url(sites, mode, "all/") + "?text=zzqx-no-such-paper&code=1")
    page = watcher.page
    _wait_for_count(page, f"0 of {total} papers")
    empty = page.locator("#pl-empty")
    assert empty.is_visible() and "No papers match these filters." in empty.inner_text()
    assert not page.locator("#pl-table").is_visible(), "no bare table header"
    screenshot(page, f"{mode}-explorer-empty")
    page.click("#pl-clear")
    _wait_for_count(page, f"{total} papers")
    assert not empty.is_visible() and page.locator("#pl-table").is_visible()
    assert page.locator("#pl-rows tr").count() > 0
    assert page.input_value("#pl-q") == "" and not page.is_checked("#pl-code")
    assert "text=" not in page.url and "code=" not in page.url
    assert page.evaluate("document.activeElement.id") == "pl-q"


def test_explorer_offers_no_choice_that_matches_nothing(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "all/"))
    page = watcher.page
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
    # Each choice of each select alone, the others at "All" / "Any": the number of papers it shows.
    counts = page.evaluate(
        """() => {
            const counts = {};
            for (const select of document.querySelectorAll('#pl-explorer select')) {
                for (const option of select.options) {
                    if (!option.value) continue;
                    select.value = option.value;
                    select.dispatchEvent(new Event('change', { bubbles: true }));
                    const count = document.getElementById('pl-count').textContent;
                    counts[select.name + '=' + option.value] = parseInt(count);
                }
                select.value = '';
                select.dispatchEvent(new Event('change', { bubbles: true }));
            }
            return counts;
        }"""
    )
    assert any(name.startswith("type=") for name in counts) and any(name.startswith("tag=") for name in counts)
    assert [name for name, count in counts.items() if count == 0] == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?tag=nonexistent&text=attention", ["Tag \u201cnonexistent\u201d"]),
        (
            "?type=poster&section=gone&text=attention",
            ["Presentation or award \u201cposter\u201d", "Section \u201cgone\u201d"],
        ),
        ("?code=yes&text=attention&sort=nonsense", ["Has code \u201cyes\u201d"]),
    ],
)
def test_explorer_leaves_off_an_unknown_value_from_an_old_link_and_says_so(watched, sites, query: str, named):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, "all/") + "?text=attention")
    page = watcher.page
    page.wait_for_function("() => document.getElementById('pl-count').textContent.includes(' of ')")
    expected = _count(page)
    titles = page.locator("#pl-rows tr td:first-child a").all_inner_texts()
    watcher.goto(page_url(sites, mode, "all/") + query)
    _wait_for_count(page, expected)
    assert page.locator("#pl-rows tr td:first-child a").all_inner_texts() == titles
    notice = page.locator("#pl-ignored")
    assert notice.is_visible()
    for text in named:
        assert text in notice.inner_text(), notice.inner_text()
    # What the address says is what is shown: the unknown values are gone from it, the known one kept.
    assert page.url.endswith("?text=attention"), page.url
    assert [page.input_value(f"#pl-{name}") for name in ("tag", "type", "section")] == ["", "", ""]
    assert page.locator("th[aria-sort='ascending'] button").inner_text() == "Section"
    # The notice is about how the page was opened: changing a filter puts it away.
    page.fill("#pl-q", "")
    page.wait_for_function("() => !document.getElementById('pl-count').textContent.includes(' of ')")
    assert not notice.is_visible()
