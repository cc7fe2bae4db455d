"""Fixtures, the Hypothesis profiles, and screenshots of failed browser tests.

Shared helpers live in helpers.py; this file holds only what pytest itself picks up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from benchmarks.chromium import CHROMIUM, LAUNCH_ARGS, serve
from browser import MODES, Watched, fresh_profile, require_chromium, site_prefix
from helpers import REPO, copy_project, generator, mkdocs_build

# Property tests draw few examples day to day and many on CI, where time is cheaper
# than a missed case. A test that sets max_examples itself keeps its own count.
settings.register_profile("dev", max_examples=40)
settings.register_profile("ci", max_examples=600)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the worker-process tests first (the sort keeps the order otherwise).

    The build forks worker processes only while no other thread runs, and the browser tests'
    session-wide server and Chromium keep threads alive until the session ends.
    """
    items.sort(key=lambda item: getattr(item, "module", None) is None or item.module.__name__ != "test_parallel")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project in a temporary folder."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once with `mkdocs build --strict` from a clean copy."""
    root = copy_project(tmp_path_factory.mktemp("site-build") / "project")
    mkdocs_build(root)
    return root / "site"


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline export (file:// pages), made once from a clean copy."""
    root = copy_project(tmp_path_factory.mktemp("offline") / "project")
    out = root.parent / "export"
    generator(root, "export-offline", str(out))
    return out


@pytest.fixture(scope="session")
def sites(built_site: Path, offline_site: Path) -> Iterator[dict[str, str]]:
    """The base URL of each mode: the hosted build on 127.0.0.1, the offline export as file://."""
    with serve(built_site) as hosted:
        yield {"hosted": hosted, "offline": offline_site.resolve().as_uri() + "/"}


@pytest.fixture(scope="session")
def context(tmp_path_factory: pytest.TempPathFactory):
    """One headless Debian Chromium for the session, 1280 px wide unless a test resizes its page."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(fresh_profile(tmp_path_factory.mktemp("chromium"))),
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture(params=MODES)
def watched(request, context, sites) -> Iterator[tuple[Watched, str]]:
    """A fresh page in each mode; the test fails if it logged an error or requested anything off the site."""
    mode = request.param
    page = context.new_page()
    watcher = Watched(page, site_prefix(sites[mode], mode))
    request.node.browser_page = page
    yield watcher, mode
    page.close()
    assert watcher.foreign == [], f"requests left the site: {watcher.foreign}"
    assert watcher.errors == [], f"console errors: {watcher.errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Save a screenshot next to the test report when a browser test fails."""
    outcome = yield
    report = outcome.get_result()
    page = getattr(item, "browser_page", None)
    if report.failed and page is not None and not page.is_closed():
        folder = REPO / "test-results" / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        name = "".join(char if char.isalnum() or char in "-_." else "_" for char in item.nodeid)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
