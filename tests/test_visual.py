"""What a reader sees, measured in Debian's Chromium at a phone's width (390 px) and a desktop's (1280 px).

Each test saves screenshots into test-results/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from browser import page_url, screenshot
from generator.model import SiteSettings
from generator.yamlio import load_site_config
from helpers import REPO, copy_project, generator

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SITE_NAME = load_site_config((REPO / "mkdocs.yml").read_text("utf-8"))["site_name"]
AWARD_PAPER = "papers/gated-attention-for-large-language-models/"
ORAL_PAPER = "papers/understanding-and-mitigating-numerical-sources/"
hosted_only = pytest.mark.parametrize("watched", ["hosted"], indirect=True)

# Whether the page scrolls sideways, and which form controls stick out of the content column.
OVERFLOW = """() => {
    const content = document.querySelector('.md-content__inner').getBoundingClientRect();
    const outside = [...document.querySelectorAll('.md-content__inner form :is(input, select, button)')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el.id || el.tagName, el.getBoundingClientRect()])
        .filter(([, box]) => box.left < content.left - 0.5 || box.right > content.right + 0.5)
        .map(([name, box]) => `${name}: ${Math.round(box.left)}..${Math.round(box.right)}`);
    return {page: document.documentElement.scrollWidth, view: window.innerWidth, outside};
}"""


def _fits(page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["page"] <= found["view"], f"the page scrolls sideways: {found['page']} px in {found['view']} px"
    assert found["outside"] == [], f"form controls stick out of the content ({found})"


def _rows(page) -> int:
    return page.locator("#pl-rows tr").count()


@pytest.mark.browser
@hosted_only
def test_explorer_is_a_styled_table_on_a_desktop_and_fits_a_phone(watched, sites):
    watcher, mode = watched
    page = watcher.page
    page.set_viewport_size(DESKTOP)
    watcher.goto(page_url(sites, mode, "all/"))
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
    look = page.evaluate(
        """() => {
            const th = document.querySelector('#pl-table th'), td = document.querySelector('#pl-rows td');
            const [h, d] = [getComputedStyle(th), getComputedStyle(td)];
            return {thPad: parseFloat(h.paddingLeft), tdPad: parseFloat(d.paddingLeft), thAlign: h.textAlign,
                    tdAlign: d.textAlign, line: parseFloat(d.borderTopWidth) + parseFloat(d.borderBottomWidth),
                    sticky: h.position};
        }"""
    )
    assert look["thPad"] >= 8 and look["tdPad"] >= 8, look
    assert look["thAlign"] == look["tdAlign"], look
    assert look["line"] >= 1, f"rows need a line between them: {look}"
    assert look["sticky"] == "sticky", look
    # The header stays in view while the reader scrolls the rows.
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => window.scrollY > 1000")
    header_top, bar_bottom = page.evaluate(
        """() => [document.querySelector('#pl-table th').getBoundingClientRect().top,
                  document.querySelector('.md-header').getBoundingClientRect().bottom]"""
    )
    assert bar_bottom - 1 <= header_top < bar_bottom + 50, (header_top, bar_bottom)
    page.mouse.wheel(0, -5000)
    page.wait_for_function("() => window.scrollY === 0")
    screenshot(page, f"{mode}-explorer-1280")

    page.set_viewport_size(PHONE)
    page.reload(wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('#pl-rows tr').length > 0")
    _fits(page)
    # Each paper is readable at a glance: its title gets most of the width, its authors are shown.
    first = page.evaluate(
        """() => {
            const row = document.querySelector('#pl-rows tr');
            const [title, authors] = row.querySelectorAll('td');
            const visible = (el) => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
            return {title: title.getBoundingClientRect().width, authors: visible(authors)};
        }"""
    )
    assert first["title"] >= 300 and first["authors"], first
    total = _rows(page)
    page.fill("#pl-q", "attention")
    page.wait_for_function("(n) => document.querySelectorAll('#pl-rows tr').length < n", arg=total)
    _fits(page)
    page.fill("#pl-q", "")
    page.wait_for_function("(n) => document.querySelectorAll('#pl-rows tr').length === n", arg=total)
    screenshot(page, f"{mode}-explorer-390")


@pytest.mark.browser
@hosted_only
def test_chart_labels_are_readable_on_a_phone_without_javascript(watched, sites, context):
    watcher, mode = watched
    page = watcher.page
    context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.set_viewport_size(PHONE)
    watcher.goto(page_url(sites, mode, "stats/"))
    charts = page.evaluate(
        """() => [...document.querySelectorAll('.pl-chart')].map((chart) => {
            const labels = [...chart.querySelectorAll('.pl-chart__label')].map((label) => {
                const svg = label.closest('svg');
                const scale = svg ? label.getScreenCTM().a : 1;
                return parseFloat(getComputedStyle(label).fontSize) * scale;
            });
            const bars = [...chart.querySelectorAll('.pl-chart__bar')].map((bar) => bar.getBoundingClientRect().width);
            const counts = [...chart.querySelectorAll('.pl-chart__value')].map((value) => Number(value.textContent));
            const next = chart.nextElementSibling;
            const tableAfter = !!next && (next.matches('table') || !!next.querySelector('table'));
            return {labels, bars, counts, tableAfter};
        })"""
    )
    assert len(charts) >= 4
    for chart in charts:
        assert chart["labels"] and min(chart["labels"]) >= 11, chart["labels"]
        bars, counts = chart["bars"], chart["counts"]
        assert len(bars) == len(counts) == len(chart["labels"]) and max(bars) >= 100, chart
        # Drawn without a script: each bar's length is its count's share of the largest.
        for bar, count in zip(bars, counts, strict=True):
            assert abs(bar - max(bars) * count / max(counts)) <= 1.5, chart
        assert chart["tableAfter"], "each chart is followed by its numbers"
    _fits(page)
    screenshot(page, f"{mode}-stats-390")


@pytest.mark.browser
def test_icons_are_inline_svg_not_emoji_from_a_font(watched, sites):
    watcher, mode = watched
    page = watcher.page
    watcher.goto(page_url(sites, mode, AWARD_PAPER))
    award = page.locator(".md-content .pl-badge--award").first
    assert award.locator("svg").count() == 1 and "🏆" not in award.inner_text()
    edit = page.locator("a.md-button", has_text="Edit this record")
    assert edit.locator("svg").count() == 1 and "✏" not in edit.inner_text()
    watcher.goto(page_url(sites, mode, ORAL_PAPER))
    talk = page.locator(".md-content .pl-badge--oral")
    assert talk.locator("svg").count() == 1 and "🎤" not in talk.inner_text()
    watcher.goto(page_url(sites, mode, "highlights/"))
    assert page.locator(".md-content li", has_text="Best Paper Award").first.locator("svg").count() == 1
    watcher.goto(page_url(sites, mode, "all/"))
    page.select_option("#pl-type", "award")
    awards = sum(
        "award" in yaml.safe_load(path.read_text("utf-8")) for path in (REPO / "entries" / "papers").glob("*.yaml")
    )
    page.wait_for_function("(n) => document.querySelectorAll('#pl-rows tr').length === n", arg=awards)
    row_award = page.locator("#pl-rows .pl-badge--award")
    assert row_award.first.locator("svg").count() == 1 and "🏆" not in row_award.first.inner_text()
    body = page.content()
    assert "cdn.jsdelivr" not in body and "twemoji@" not in body


def test_the_lists_markdown_keeps_unicode_emoji(built_site: Path):
    readme = (built_site.parent / "lists" / "training.md").read_text("utf-8")
    assert "🏆 **BEST PAPER AWARD**" in readme and "🎤 **ORAL**" in readme
    assert ":material-" not in readme


@pytest.mark.browser
@hosted_only
def test_home_title_is_the_site_name_once(watched, sites):
    watcher, mode = watched
    watcher.goto(page_url(sites, mode, ""))
    assert watcher.page.title() == SITE_NAME
    watcher.goto(page_url(sites, mode, AWARD_PAPER))
    assert watcher.page.title() == f"Gated Attention for Large Language Models - {SITE_NAME}"


@pytest.mark.browser
def test_paper_page_shows_where_the_reader_is(watched, sites):
    watcher, mode = watched
    page = watcher.page
    page.set_viewport_size(DESKTOP)
    watcher.goto(page_url(sites, mode, AWARD_PAPER))
    crumbs = page.locator(".md-content nav[aria-label='Breadcrumb'] a")
    assert crumbs.all_inner_texts() == [
        "🔧 Training",
        "2. System-Algorithm Co-design",
        "2.1 Training Stability & Architecture",
    ]
    active = page.locator(".md-tabs__item--active").all_inner_texts()
    assert [text.strip() for text in active] == ["🔧 Training"]
    sidebar = page.locator(".md-sidebar--primary .md-nav__link").all_inner_texts()
    assert any("2.1 Training Stability" in text for text in sidebar), sidebar
    screenshot(page, f"{mode}-paper-1280")
    page.set_viewport_size(PHONE)
    page.reload(wait_until="load")
    _fits(page)
    screenshot(page, f"{mode}-paper-390")
    crumbs.last.click()
    page.wait_for_load_state("load")
    assert "training-stability-architecture" in page.url


@pytest.mark.browser
@hosted_only
def test_cite_block_wraps_and_its_copy_button_copies_it_whole(watched, sites, context):
    watcher, mode = watched
    page = watcher.page
    page.set_viewport_size(DESKTOP)
    watcher.goto(page_url(sites, mode, AWARD_PAPER))
    code = page.locator("#cite ~ .highlight code, #cite ~ div.highlight code").first
    code.wait_for(state="attached")
    measured = code.evaluate(
        """(code) => {
            const button = code.closest('pre').querySelector('button[data-md-type="copy"]').getBoundingClientRect();
            const range = document.createRange();
            range.selectNodeContents(code);
            const beside = [...range.getClientRects()].filter((r) => r.top < button.bottom && r.bottom > button.top);
            return {scroll: code.scrollWidth, client: code.clientWidth, whiteSpace: getComputedStyle(code).whiteSpace,
                    textRight: Math.max(...beside.map((r) => r.right)), buttonLeft: button.left};
        }"""
    )
    assert measured["whiteSpace"] == "pre-wrap", measured
    assert measured["scroll"] <= measured["client"], f"BibTeX is cut off: {measured}"
    assert measured["textRight"] <= measured["buttonLeft"], f"text runs under the copy button: {measured}"
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sites["hosted"].rstrip("/"))
    page.locator("#cite ~ .highlight button[data-md-type='copy']").first.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip() == code.text_content().strip()
    assert copied.count("\n") == code.text_content().strip().count("\n"), "wrapping must not add line breaks"


def _home(project: Path) -> str:
    generator(project, "build")
    return (project / "docs" / "index.md").read_text("utf-8")


def _added_on(project: Path, date: str) -> None:
    """Every record added on ``date``, whatever the records say today."""
    for path in (project / "entries" / "papers").glob("*.yaml"):
        text = re.sub(r"^added: .*\n?", "", path.read_text("utf-8"), flags=re.M)
        path.write_text(text.rstrip("\n") + f"\nadded: {date}\n", "utf-8")


def test_recently_added_says_when_every_paper_came_on_one_day(project: Path):
    _added_on(project, "2026-11-22")
    home = _home(project)
    recent = home.split("## Recently added", 1)[1].split("## ", 1)[0]
    count = len(list((project / "entries" / "papers").glob("*.yaml")))
    assert f"All {count} papers were added on 2026-11-22." in recent
    assert "(../papers/" not in recent and "(papers/" not in recent, "no arbitrary ten of them"


def test_recently_added_lists_the_newest_days_papers_first(project: Path):
    _added_on(project, "2026-11-22")
    newer = ["moba.yaml", "arnold.yaml"]
    for name in newer:
        path = project / "entries" / "papers" / name
        path.write_text(path.read_text("utf-8").replace("added: 2026-11-22", "added: 2026-11-30"), "utf-8")
    home = _home(project)
    recent = home.split("## Recently added", 1)[1].split("## ", 1)[0]
    listed = re.findall(r"\]\(papers/([^)]+)\.md\)", recent)
    assert listed == ["arnold", "moba"], recent
    count = len(list((project / "entries" / "papers").glob("*.yaml")))
    assert "2026-11-30" in recent and f"{count - 2} papers" in recent and "2026-11-22" in recent
    assert "all.md?sort=-added" in recent


@pytest.mark.browser
@hosted_only
def test_performance_is_out_of_the_readers_nav_and_about_links_the_repository(watched, sites):
    watcher, mode = watched
    page = watcher.page
    repository = SiteSettings.from_config(load_site_config((REPO / "mkdocs.yml").read_text("utf-8"))).repository
    page.set_viewport_size(DESKTOP)
    watcher.goto(page_url(sites, mode, "contributing/"))
    about_nav = [text.strip() for text in page.locator(".md-sidebar--primary .md-nav__link").all_inner_texts()]
    assert "Contributing" in about_nav and "Performance" not in about_nav, about_nav
    screenshot(page, f"{mode}-contributing-1280")
    page.set_viewport_size(PHONE)
    page.reload(wait_until="load")
    _fits(page)
    screenshot(page, f"{mode}-contributing-390")
    page.set_viewport_size(DESKTOP)
    watcher.goto(page_url(sites, mode, "about/"))
    assert page.locator(f".md-content a[href='{repository}']").count() >= 1
    page.locator(".md-content a", has_text="Performance").first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").first.inner_text().replace("¶", "").strip() == "Performance"


# -- Print ------------------------------------------------------------------------------------------------


def _text_positions(pdf: Path) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """Each page's width, height and the (x, y) of every piece of text on it, y from the bottom."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        points: list[tuple[float, float]] = []

        def visit(text, cm, tm, font, size, points=points) -> None:
            if text.strip():
                points.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

        page.extract_text(visitor_text=visit)
        pages.append((float(page.mediabox.width), float(page.mediabox.height), points))
    return pages


@pytest.mark.browser
@pytest.mark.slow
def test_single_file_export_prints_with_margins_and_full_pages(tmp_path: Path, context):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "list.html"
    generator(project, "export-offline", str(out), "--single-file")
    page = context.new_page()
    page.goto(out.resolve().as_uri(), wait_until="load")
    # The award's icon is drawn, not left to an emoji font the printer may not have.
    assert page.locator(".badge", has_text="Best Paper Award").first.locator("svg").count() == 1
    pdf = tmp_path / "list.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.close()
    pages = _text_positions(pdf)
    margin = 36  # half an inch, in PDF points
    for number, (width, height, points) in enumerate(pages, 1):
        assert points, f"page {number} is blank"
        xs, ys = [x for x, _ in points], [y for _, y in points]
        inside = margin <= min(xs) and max(xs) <= width - margin and margin <= min(ys) and max(ys) <= height - margin
        assert inside, f"page {number}: text at x {min(xs):.0f}..{max(xs):.0f}, y {min(ys):.0f}..{max(ys):.0f}"
        if number < len(pages):
            filled = (max(ys) - min(ys)) / (height - 2 * margin)
            assert filled >= 0.6, f"page {number} is {1 - filled:.0%} blank"
