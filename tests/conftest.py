"""Fixtures, the Hypothesis profiles, and screenshots of failed browser tests.

Shared helpers live in helpers.py; this file holds only what pytest itself picks up.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import REPO, copy_project, mkdocs_build

# Property tests draw few examples day to day and many on CI, where time is cheaper
# than a missed case. A test that sets max_examples itself keeps its own count.
settings.register_profile("dev", max_examples=40)
settings.register_profile("ci", max_examples=600)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


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
