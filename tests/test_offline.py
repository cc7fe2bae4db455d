"""`python -m generator export-offline`: the file:// site, its zip, and the single-file edition."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from generator import routes
from helpers import REPO, generator, worker_papers_address


@pytest.mark.slow
def test_zip_holds_the_whole_offline_site(project: Path, tmp_path: Path):
    out = tmp_path / "exports" / "neurips-2025"
    generator(project, "export-offline", str(out), "--zip")
    archive = out.with_suffix(".zip")
    names = set(zipfile.ZipFile(archive).namelist())
    for expected in (
        "index.html",
        "all.html",
        "papers/arnold.html",
        "search/search_index.js",
        "assets/vendor/iframe-worker/shim.js",
        "papers.bib",
    ):
        assert f"neurips-2025/{expected}" in names, expected
    index = (out / "index.html").read_text("utf-8")
    assert "unpkg.com" not in index and "fonts.googleapis" not in index
    assert "assets/vendor/iframe-worker/shim.js" in index
    # Material fetches a sitemap for every link whose rel is "alternate" alone, which file:// pages cannot.
    assert 'rel="alternate feed" type="application/atom+xml"' in index and 'rel="alternate"' not in index
    first = archive.read_bytes()
    zipfile.ZipFile(archive).testzip()
    generator(project, "export-offline", str(out), "--zip")
    assert archive.read_bytes() == first, "the same site must give the same archive"
    # Naming the archive gives the same: the folder beside it, the archive replaced, nothing else left.
    generator(project, "export-offline", str(archive))
    assert archive.read_bytes() == first and (out / "index.html").is_file()
    assert sorted(path.name for path in out.parent.iterdir()) == ["neurips-2025", "neurips-2025.zip"]


@pytest.mark.parametrize("existing", ["a file", "a folder"])
@pytest.mark.parametrize("named", [("notes.zip",), ("notes", "--zip")])
def test_an_archive_path_holding_something_else_is_refused_before_anything_is_built(
    project: Path, tmp_path: Path, existing: str, named: tuple[str, ...]
):
    archive = tmp_path / "exports" / "notes.zip"
    archive.parent.mkdir()
    if existing == "a file":
        archive.write_bytes(b"the user's own archive")
    else:
        archive.mkdir()
    out, *options = named
    result = generator(project, "export-offline", str(archive.parent / out), *options, check=False)
    assert result.returncode != 0 and str(archive) in result.stderr and "Traceback" not in result.stderr
    assert sorted(path.name for path in archive.parent.iterdir()) == ["notes.zip"], "nothing built, nothing left"
    assert archive.is_dir() or archive.read_bytes() == b"the user's own archive"


@pytest.mark.slow
def test_offline_index_holds_the_papers_and_the_worker_fetches_nothing(offline_site: Path):
    """file:// cannot fetch: Material reads the index from search_index.js, and the papers are in it."""
    index = json.loads((offline_site / routes.SEARCH_INDEX).read_text("utf-8"))
    papers = {doc["location"] for doc in index["docs"] if doc["location"].startswith("papers/")}
    records = {path.stem for path in (REPO / "entries" / "papers").glob("*.yaml")}
    assert papers == {f"papers/{paper_id}.html" for paper_id in records}
    assert "papers/arnold.html" in (offline_site / "search" / "search_index.js").read_text("utf-8")
    assert not (offline_site / routes.url(routes.SEARCH_DOCS)).exists()
    for page in ["index.html", "all.html", "papers/arnold.html"]:
        assert worker_papers_address(offline_site, page) is None, page


def test_single_file_is_self_contained_and_complete(project: Path, tmp_path: Path):
    target = tmp_path / "list.html"
    generator(project, "export-offline", str(target), "--single-file")
    html = target.read_text("utf-8")
    assert not re.search(r"<(?:link|script|img|iframe)\b", html), "no external or inline resources"
    assert "<style>" in html and "@media print" in html and "@page { margin:" in html
    assert 'content: " <" attr(href) ">"' in html
    placements = 0
    for path in (REPO / "entries" / "papers").glob("*.yaml"):
        record = yaml.safe_load(path.read_text("utf-8"))
        assert record["title"].replace("&", "&amp;") in html, record["title"]
        placements += 1 + len(record.get("also", []))
    # A collection's file holds each list in turn: a paper in two lists is in both, with each list's text.
    assert html.count('<article class="paper"') == placements
    sections = sum(
        len(yaml.safe_load(path.read_text("utf-8"))["sections"]) for path in (REPO / "entries" / "lists").glob("*.yml")
    )
    assert html.count('<section class="section"') == sections
    assert "<strong>12% throughput improvement for LLMs</strong>" in html
    # Every link inside the file lands on an element of it: 0 broken internal links.
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    fragments = re.findall(r'href="#([^"]*)"', html)
    assert fragments and [fragment for fragment in fragments if fragment not in ids] == []
    assert not re.search(r'href="(?!#|https?://|mailto:)', html), "a relative link would break out of the file"


def test_an_export_never_replaces_a_folder_or_file_it_did_not_write(project: Path, tmp_path: Path):
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "precious.txt").write_text("keep me", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<p>my own page</p>", encoding="utf-8")
    for target, extra in ((precious, ()), (project, ()), (project / "docs", ()), (page, ("--single-file",))):
        result = generator(project, "export-offline", str(target), *extra, check=False)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "error:" in result.stderr
    assert (precious / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert page.read_text(encoding="utf-8") == "<p>my own page</p>"
    assert (project / "entries" / "collection.yml").is_file() and (project / "docs" / "about.md").is_file()
    # An earlier export is replaced: that is how an export is refreshed.
    single = tmp_path / "list.html"
    generator(project, "export-offline", str(single), "--single-file")
    generator(project, "export-offline", str(single), "--single-file")
