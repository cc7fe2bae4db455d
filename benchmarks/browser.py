"""What a visitor waits for, measured in Debian's Chromium.

- search: from opening the page and typing a query at once until its first result is
  shown (the worker fetches and builds its index meanwhile), and, with the index
  ready, from the last keystroke of a query typed at a human pace;
- explorer: from a keystroke in the "All papers" filter until the table has been
  updated and the next frame can be drawn, over a query typed and erased three times;
- explorer payload: the embedded rows, gzipped, as a server would send them.
"""

from __future__ import annotations

import gzip
import re
import statistics
import time
from pathlib import Path

from benchmarks.chromium import CHROMIUM, LAUNCH_ARGS, serve

KEYSTROKE_ROUNDS = 3
EXPLORER_DATA = re.compile(r'<script type="application/json" id="pl-explorer-data">(.*?)</script>', re.DOTALL)

# Runs inside the page: one keystroke's worth of work, timed to the next animation frame.
_KEYSTROKE = """async (text) => {
  const input = document.getElementById("pl-q");
  const started = performance.now();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - started;
}"""


def explorer_payload_bytes(site: Path) -> int:
    """Gzipped size of the explorer's embedded data."""
    html = (site / "all" / "index.html").read_text("utf-8")
    match = EXPLORER_DATA.search(html)
    if not match:
        raise SystemExit("the explorer page has no embedded data")
    return len(gzip.compress(match.group(1).encode("utf-8"), compresslevel=6))


def _search(page, base: str, query: str) -> dict[str, float]:
    """Milliseconds to the first search result: from opening ``base`` with the query typed at once
    (cold), and from the last keystroke of the query typed at a human pace once the index is ready (warm)."""
    search_box = page.locator("input.md-search__input")

    def search(text: str, delay: float) -> float:
        """Milliseconds from the last keystroke to the first result for the whole ``text``."""
        search_box.fill("")
        search_box.press_sequentially(text[:-1], delay=delay)
        search_box.press(text[-1])
        last_key = time.perf_counter()
        # Results are redrawn per keystroke; wait for those of the whole query (Material adds ?h=<query>).
        page.wait_for_function(
            """(query) => {
                const link = document.querySelector('.md-search-result__item a.md-search-result__link');
                return link && new URL(link.href).searchParams.get('h') === query.toLowerCase();
            }""",
            arg=text,
            timeout=120_000,
        )
        return (time.perf_counter() - last_key) * 1000

    started = time.perf_counter()
    page.goto(base, wait_until="domcontentloaded")
    page.keyboard.press("/")
    search_box.wait_for(state="visible")
    search(query, delay=0)
    # Typed at once on a fresh page: includes fetching the index and building it in the worker.
    cold = (time.perf_counter() - started) * 1000
    # Typed at a brisk human pace (80 ms a key) once the index is ready.
    warm = search(query, delay=80)
    return {"search cold": cold, "search warm": warm}


def measure_search(site: Path, query: str) -> dict[str, float]:
    """Search alone (see ``_search``), for a site without the explorer: the plain reference site."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        waits = _search(browser.new_page(), base, query)
        browser.close()
    return waits


def measure(site: Path, query: str) -> dict[str, float]:
    """Milliseconds: search from page load to first result (cold) and from the last keystroke with the
    index ready (warm); explorer keystrokes (median and worst)."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page()
        waits = _search(page, base, query)

        page.goto(base + "all/", wait_until="load")
        page.locator("#pl-rows tr").first.wait_for()
        # Typed and erased three times: one slow frame on a busy machine should not decide alone.
        prefixes = [query[:length] for length in (*range(1, len(query) + 1), *range(len(query) - 1, -1, -1))]
        typed = [page.evaluate(_KEYSTROKE, prefix) for _ in range(KEYSTROKE_ROUNDS) for prefix in prefixes]
        browser.close()
    return {
        **waits,
        "keystroke median": statistics.median(typed),
        "keystroke p95": statistics.quantiles(typed, n=20)[-1],
        "keystroke worst": max(typed),
    }
