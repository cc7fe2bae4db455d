"""Shared fixtures: a throw-away copy of the project, and real generator and MkDocs runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import CHROMIUM, LAUNCH_ARGS, MODES, Watched, fresh_profile, require_chromium, serve, site_prefix

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Copies of shared/seeds/001 (the canonical list, mis-decoded on its way) and 003
# (the same list as a browser renders it, every character right).
SEED_LIST = FIXTURES / "seed-list-mojibake.md"
SEED_RENDERED = FIXTURES / "seed-list-rendered.txt"
GENERATED_IN_DOCS = {"index.md", "sections", "papers", ".generated.json"}


def copy_project(destination: Path) -> Path:
    """Copy the project's sources (not its generated pages) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "README.md", "CONTRIBUTING.md", "pyproject.toml"):
        shutil.copy2(REPO / name, destination / name)
    shutil.copytree(REPO / "entries", destination / "entries")
    shutil.copytree(REPO / "generator", destination / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        REPO / "docs",
        destination / "docs",
        ignore=lambda folder, names: (
            [n for n in names if n in GENERATED_IN_DOCS] if Path(folder) == REPO / "docs" else []
        ),
    )
    return destination


def run(
    args: list[str], cwd: Path, check: bool = True, env: dict | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=full_env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def generator(root: Path, *args: str, check: bool = True, env: dict | None = None):
    return run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=root, check=check, env=env)


def mkdocs_build(root: Path, site: Path | None = None, check: bool = True):
    site = site or root / "site"
    return run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        cwd=root,
        check=check,
    )


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
def pytest_runtest_makereport(item: pytest.Item, call):
    """Save a screenshot next to the test report when a browser test fails."""
    outcome = yield
    report = outcome.get_result()
    page = getattr(item, "browser_page", None)
    if report.failed and page is not None and not page.is_closed():
        folder = REPO / "test-results" / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        name = "".join(char if char.isalnum() or char in "-_." else "_" for char in item.nodeid)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


# What LaTeX prints for each escape the BibTeX export writes. Written out here because
# neither pybtex's LaTeX reader nor latexcodec knows \textbraceleft{}, \textbackslash{} or \$.
LATEX_TEXT = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\%": "%",
    r"\&": "&",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
_LATEX_ESCAPE = re.compile("|".join(re.escape(command) for command in LATEX_TEXT))


def latex_text(value: str) -> str:
    """A BibTeX field value as the text LaTeX prints: the export's escapes undone, in one pass."""
    return _LATEX_ESCAPE.sub(lambda match: LATEX_TEXT[match.group()], value)
