"""`mkdocs serve`, run as the README says (`--dirty`): edits show everywhere they should, broken records don't stop it.

A real server on 127.0.0.1, real file edits, real rebuilds: nothing stands in for MkDocs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.config import load_config

from generator import routes
from helpers import copy_project, free_port, readme_serve_options

PAPER = "acco"
CATEGORY = "category: systems/distributed-communication-efficient-training\n"
BROKEN = "category: systems/no-such-subsection\n"
# The opener ignores proxies from the environment: the server is on this machine.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _start(root: Path, log: Path, port: int) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *readme_serve_options(), "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _page(address: str) -> str | None:
    try:
        with OPENER.open(address, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:  # not answering yet, refused, or too slow while it rebuilds
        return None


def _wait(condition: Callable[[], bool], server: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if condition():
            return
        assert server.poll() is None, f"mkdocs serve exited while waiting for {what}:\n{log.read_text('utf-8')}"
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text('utf-8')}")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def serving(project: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, str]]:
    """A running `mkdocs serve` of the project, its log, and the address of the paper's page."""
    port = free_port()
    log = tmp_path / "serve.log"
    site_path = routes.site_path(load_config(str(project / "mkdocs.yml")).site_url)
    address = f"http://127.0.0.1:{port}{site_path}{routes.url(routes.paper(PAPER))}"
    server = _start(project, log, port)
    try:
        yield server, log, address
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_a_record_broken_under_serve_keeps_the_last_good_site(project: Path, serving):
    server, log, address = serving
    record = project / "entries" / "papers" / f"{PAPER}.yaml"
    text = record.read_text("utf-8")
    assert CATEGORY in text
    _wait(lambda: "ACCO: Accumulate" in (_page(address) or ""), server, log, "the first build")

    # Broken: the rebuild logs the record's error at its file and line, and completes.
    line = text[: text.index(CATEGORY)].count("\n") + 1
    record.write_text(text.replace(CATEGORY, BROKEN), encoding="utf-8")
    where = f"entries/papers/{PAPER}.yaml:{line}:1: error: unknown category 'systems/no-such-subsection'"

    def rebuilt_after_error() -> bool:
        output = log.read_text("utf-8")
        assert "will appear stuck" not in output, output
        return where in output and "Reloading browsers" in output[output.index(where) :]

    _wait(rebuilt_after_error, server, log, "the rebuild with the broken record")
    output = log.read_text("utf-8")
    assert "serving the last good pages" in output
    assert "will appear stuck" not in output and "Aborted" not in output
    assert "ACCO: Accumulate" in (_page(address) or "")

    # Fixed, with a new title: the next rebuild shows it.
    record.write_text(text.replace("ACCO: Accumulate", "ACCO Revised: Accumulate"), encoding="utf-8")
    _wait(lambda: "ACCO Revised: Accumulate" in (_page(address) or ""), server, log, "the page to update")
    assert "the errors are fixed" in log.read_text("utf-8")


@pytest.mark.slow
def test_serve_fails_clearly_when_the_first_build_has_errors(project: Path, tmp_path: Path):
    record = project / "entries" / "papers" / f"{PAPER}.yaml"
    record.write_text(record.read_text("utf-8").replace(CATEGORY, BROKEN), encoding="utf-8")
    log = tmp_path / "serve.log"
    server = _start(project, log, free_port())
    try:
        assert server.wait(timeout=180) != 0
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
    output = log.read_text("utf-8")
    assert f"entries/papers/{PAPER}.yaml:" in output and "unknown category" in output
    assert "nothing was written or deleted" in output
    # Errors only: the shipped list's warnings are not the contributor's to read here.
    assert "warning:" not in output


@pytest.mark.slow
def test_an_edit_under_serve_is_one_rebuild(project: Path, serving):
    """The generator writes into docs/ during a rebuild; the server must not take that for another edit."""
    server, log, address = serving
    record = project / "entries" / "papers" / f"{PAPER}.yaml"
    _wait(lambda: "ACCO: Accumulate" in (_page(address) or ""), server, log, "the first build")
    about = project / "docs" / "about.md"
    about_address = address.replace(routes.url(routes.paper(PAPER)), "about/")
    edits = [
        (record, "ACCO: Accumulate", "ACCO Once: Accumulate", address),
        # A hand-written page beside the generated ones is still watched.
        (about, "About this list", "About Once this list", about_address),
    ]
    for path, old, new, page in edits:
        before = log.read_text("utf-8").count("Detected file changes")
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        _wait(lambda page=page, new=new: new in (_page(page) or ""), server, log, f"{path.name}'s edit to show")
        # A second rebuild would start within one polling interval (0.5 s) of the first one's end.
        time.sleep(4)
        output = log.read_text("utf-8")
        assert output.count("Detected file changes") - before == 1, output[-3000:]


def test_the_readme_serves_with_dirty_rebuilds():
    # The tests below serve as the README says; this keeps them testing what makes an edit quick to show.
    assert readme_serve_options() == ["--dirty"]


@pytest.mark.slow
def test_a_dirty_rebuild_shows_an_edit_everywhere_and_drops_a_removed_paper(project: Path, serving):
    """Each rebuild converts only the pages whose files changed: so every page an edit touches must be rewritten."""
    server, log, address = serving
    site = address[: -len(routes.url(routes.paper(PAPER)))]
    _wait(lambda: "ACCO: Accumulate" in (_page(address) or ""), server, log, "the first build")
    listing = (
        f"{site}{routes.url(routes.subsection('systems', 'distributed-communication-efficient-training', 'training'))}"
    )
    related = [
        page.stem
        for page in sorted((project / "docs" / "papers").glob("*.md"))
        if page.stem != PAPER and f'href="../{PAPER}/"' in page.read_text("utf-8")
    ]
    assert related, "no paper page links ACCO: the check of other pages below would prove nothing"
    others = [f"{site}{routes.url(routes.paper(stem))}" for stem in related[:2]]
    # Each rebuild reuses the theme's compiled templates; an edited template must be compiled again.
    theme = project / "generator" / "theme" / "main.html"
    edited_theme = theme.read_text("utf-8").replace("{{ super() }}\n", '{{ super() }}<meta name="pl-edited">\n', 1)
    assert "pl-edited" in edited_theme
    theme.write_text(edited_theme, "utf-8")
    record = project / "entries" / "papers" / f"{PAPER}.yaml"
    record.write_text(record.read_text("utf-8").replace("ACCO: Accumulate", "ACCO Dirty: Accumulate"), "utf-8")
    # The tags page lists papers by title: a dirty build that converted only the rewritten pages would keep the old one.
    tags = f"{site}{routes.url(routes.TAGS)}"
    # The search worker fetches the papers' documents from the site, as they are now.
    search = f"{site}{routes.url(routes.SEARCH_DOCS)}"
    for page in [address, listing, *others, tags, search]:
        _wait(lambda page=page: "ACCO Dirty: Accumulate" in (_page(page) or ""), server, log, f"the edit in {page}")
    assert "Aborted" not in log.read_text("utf-8")
    assert '<meta name="pl-edited">' in (_page(address) or "")

    # A summary edit rebuilds the page alone, without the Tags page: its tags keep their links there.
    tagged = project / "entries" / "papers" / "teraio.yaml"
    tagged_page = f"{site}{routes.url(routes.paper('teraio'))}"
    assert "tags:" in tagged.read_text("utf-8")
    tagged.write_text(tagged.read_text("utf-8").replace("summary: ", "summary: Dirtied. ", 1), "utf-8")
    _wait(lambda: "Dirtied." in (_page(tagged_page) or ""), server, log, "the summary edit")
    html = _page(tagged_page) or ""
    assert '<span class="md-tag' not in html and html.count('class="md-tag"') == 2, html[html.find("md-tags") :][:600]

    gone = project / "entries" / "papers" / "teraio.yaml"
    gone.unlink()
    gone_page = f"{site}{routes.url(routes.paper('teraio'))}"
    _wait(lambda: _page(gone_page) is None, server, log, "the removed paper's page to go")
    assert "teraio" not in (_page(search) or "teraio")
