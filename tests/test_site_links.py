"""Every internal link of the built site leads somewhere: the hosted build and the offline export.

The checker (generator/sitelinks.py) is first tried on small hand-written sites, where
each kind of broken link is known, then run on the real builds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.sitelinks import (
    VIA_SCRIPT,
    VIA_SEARCH,
    BrokenLink,
    broken_links,
    explorer_link,
    read_page,
    script_links,
    site_url_of,
)
from helpers import REPO, generator

SITE_URL = "https://example.org/list/"


def _write_site(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def _pairs(links: list[BrokenLink]) -> set[tuple[str, str]]:
    return {(link.page, link.href) for link in links}


def _html(body: str) -> str:
    return f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"


AUTHORS_DATA = {"letters": [["A", [["Ada", "ada", ["p1", "p2"]]]]], "titles": {"p1": "One", "p2": "Two"}}


def test_hosted_check_finds_each_kind_of_broken_link(tmp_path: Path):
    site = _write_site(
        tmp_path / "site",
        {
            "index.html": _html(
                '<a href="about/">ok</a><a href="about">folder, the server adds the slash</a>'
                '<a href="missing/">x</a><a href="about/#team">ok</a><a href="about/#nobody">x</a>'
                '<a href="/list/about/">ok</a><a href="/other/">x</a>'
                '<a href="https://example.org/list/gone/">x</a><a href="https://example.org/other/">external</a>'
                '<a href="https://elsewhere.org/x">external</a><a href="mailto:a@example.org">external</a>'
                '<a href="#top">ok</a><a href="#">ok</a><a href="#here">ok</a><a href="#nowhere">x</a>'
                '<h2 id="here">Here</h2><a href="Index.html">x: case matters</a>'
                '<img src="img/a.png" srcset="img/a.png 1x, img/b.png 2x" alt="">'
                '<link rel="stylesheet" href="style.css"><script src="app.js"></script>'
                '<form action="search/"></form>'
                '<noscript><a href="gone.html">x</a></noscript>'
                '<script type="application/json" id="other-data">{"a": "<a href=\\"nothing/\\">"}</script>'
                '<a href="authors/?name=ada">ok</a><a href="authors/?name=nobody">x</a>'
                '<a href="file:///etc/passwd">x</a><a href="https://[oops/">x: not an address</a>'
            ),
            "about/index.html": _html('<h2 id="team">Team</h2><a href="../">ok</a><a href="../../../up/">x</a>'),
            "authors/index.html": _html(
                f'<script type="application/json" id="pl-authors-data">{json.dumps(AUTHORS_DATA)}</script>'
                '<a id="pl-link-template" href="../papers/p1/" data-id="p1">One</a>'
            ),
            "papers/p1/index.html": _html("<h1>One</h1>"),
            "img/a.png": "",
            "search/search_index.json": json.dumps({"docs": [{"location": "about/#team"}, {"location": "gone/"}]}),
            # The papers' search documents, beside the index on the hosted site.
            "papers-search.json": json.dumps([{"location": "papers/p1/"}, {"location": "papers/p3/#x"}]),
        },
    )
    found = broken_links(site, site_url=SITE_URL)
    assert _pairs(found) == {
        ("index.html", "missing/"),
        ("index.html", "about/#nobody"),
        ("index.html", "/other/"),
        ("index.html", "https://example.org/list/gone/"),
        ("index.html", "#nowhere"),
        ("index.html", "Index.html"),
        ("index.html", "img/b.png"),
        ("index.html", "style.css"),
        ("index.html", "app.js"),
        ("index.html", "search/"),
        ("index.html", "gone.html"),
        ("index.html", "authors/?name=nobody"),
        ("index.html", "file:///etc/passwd"),
        ("index.html", "https://[oops/"),
        ("about/index.html", "../../../up/"),
        ("authors/index.html", "../papers/p2/"),
        ("search/search_index.json", "gone/"),
        ("papers-search.json", "papers/p3/#x"),
    }
    by_href = {link.href: link for link in found}
    assert by_href["../papers/p2/"].via == VIA_SCRIPT
    assert by_href["gone/"].via == VIA_SEARCH and by_href["papers/p3/#x"].via == VIA_SEARCH
    assert "no id 'nobody'" in by_href["about/#nobody"].reason
    assert str(by_href["missing/"]).startswith("index.html: missing/ (")

    result = generator(REPO, "check-site", str(site), "--site-url", SITE_URL, check=False)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [str(link) for link in found]


def test_offline_check_keeps_links_inside_the_export_and_on_files(tmp_path: Path):
    export = _write_site(
        tmp_path / "export",
        {
            "index.html": _html(
                '<a href="about.html">ok</a><a href="about.html#team">ok</a><a href="about/">x</a>'
                '<a href="sub">x: a folder</a><a href="sub/">x: a folder</a><a href="../outside.html">x</a>'
                '<a href="/list/about.html">x</a><a href="https://example.org/list/about/">the hosted site</a>'
                '<noscript><a href="../sections/a/">x</a></noscript>'
            ),
            "about.html": _html('<h2 id="team">Team</h2>'),
            "sub/page.html": _html('<a href="../index.html">ok</a><a href="../../index.html">x</a>'),
        },
    )
    found = broken_links(export, site_url=SITE_URL, offline=True)
    assert _pairs(found) == {
        ("index.html", "about/"),
        ("index.html", "sub"),
        ("index.html", "sub/"),
        ("index.html", "../outside.html"),
        ("index.html", "/list/about.html"),
        ("index.html", "../sections/a/"),
        ("sub/page.html", "../../index.html"),
    }
    reasons = {link.href: link.reason for link in found}
    assert "folder" in reasons["sub/"] and "leaves" in reasons["../outside.html"]


def test_script_data_that_cannot_give_links_is_reported(tmp_path: Path):
    site = _write_site(
        tmp_path / "site",
        {
            "all/index.html": _html(
                '<script type="application/json" id="pl-explorer-data">{"papers": {"id": ["p1"]}}</script>'
            ),
            "authors/index.html": _html('<script type="application/json" id="pl-authors-data">{not json</script>'),
            # The papers' documents are a list, not an index.
            "papers-search.json": json.dumps({"docs": [{"location": "papers/p1/"}]}),
        },
    )
    found = broken_links(site, site_url=SITE_URL)
    assert {(link.page, link.via) for link in found} == {
        ("all/index.html", VIA_SCRIPT),
        ("authors/index.html", VIA_SCRIPT),
        ("papers-search.json", VIA_SEARCH),
    }


def test_explorer_link_follows_the_scripts_rule():
    # explorer.js puts the id in place at its last "/<id>", on the raw href attribute.
    assert explorer_link("../papers/p1/", "p1", "p22") == "../papers/p22/"
    assert explorer_link("papers/p1.html", "p1", "x") == "papers/x.html"
    # Ids that are also parts of the path, or of the suffix, are replaced once and in the right place.
    assert explorer_link("../papers/p/", "p", "id") == "../papers/id/"
    assert explorer_link("../papers/papers/", "papers", "x") == "../papers/x/"
    assert explorer_link("papers/html.html", "html", "x") == "papers/x.html"
    assert explorer_link("a/", "a", "b") == "b/"
    with pytest.raises(ValueError, match="does not hold its id"):
        explorer_link("../papers/other/", "p1", "x")


def test_site_url_is_read_from_mkdocs_yml_despite_its_tags():
    # mkdocs.yml holds !ENV tags, which a plain safe loader refuses.
    assert "!ENV" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert site_url_of(REPO / "mkdocs.yml") == "https://paperlist.github.io/neurips-2025-llm-training-systems/"


# The real builds.


def _paper_ids() -> list[str]:
    return sorted(path.stem for path in (REPO / "entries" / "papers").glob("*.yaml"))


def test_hosted_site_has_no_broken_links(built_site: Path):
    found = broken_links(built_site, site_url=site_url_of(REPO / "mkdocs.yml"))
    assert not found, "broken links:\n" + "\n".join(map(str, found))


def test_hosted_check_sees_noscript_and_every_script_built_link(built_site: Path):
    explorer = read_page((built_site / "all" / "index.html").read_text(encoding="utf-8"))
    assert any(href.startswith(("../sections/", "../lists/")) for href in explorer.links), "the <noscript> link is read"
    for page in ("all", "authors"):
        links, problems = script_links(read_page((built_site / page / "index.html").read_text(encoding="utf-8")))
        assert not problems
        assert links, page
        assert all(link.startswith("../papers/") and link.endswith("/") for link in links), links
    assert len(script_links(explorer)[0]) == len(_paper_ids())


def test_a_missing_paper_page_is_reported_wherever_it_is_linked(built_site: Path, tmp_path: Path):
    site = shutil.copytree(built_site, tmp_path / "site")
    paper_id = "arnold"
    shutil.rmtree(site / "papers" / paper_id)
    found = broken_links(site, site_url=site_url_of(REPO / "mkdocs.yml"))
    built = {link.page for link in found if link.via == VIA_SCRIPT and link.href == f"../papers/{paper_id}/"}
    assert built == {"all/index.html", "authors/index.html"}
    assert any(link.via == VIA_SEARCH and link.href == f"papers/{paper_id}/" for link in found)
    assert any(link.page.startswith(("sections/", "lists/")) and not link.via for link in found)


def test_check_site_command_passes_the_hosted_build(built_site: Path):
    result = generator(REPO, "check-site", str(built_site), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert " 0 broken links" in result.stderr


def test_check_site_command_refuses_what_is_not_a_folder(tmp_path: Path):
    result = generator(REPO, "check-site", str(tmp_path / "nothing"), check=False)
    assert result.returncode == 2 and "is not a folder" in result.stderr


@pytest.mark.slow
def test_offline_site_has_no_broken_links(offline_site: Path):
    found = broken_links(offline_site, site_url=site_url_of(REPO / "mkdocs.yml"), offline=True)
    assert not found, "broken links:\n" + "\n".join(map(str, found))


@pytest.mark.slow
def test_offline_site_script_and_search_links_exist(offline_site: Path):
    found = broken_links(offline_site, site_url=site_url_of(REPO / "mkdocs.yml"), offline=True)
    assert not [link for link in found if link.via], "\n".join(map(str, found))
    links, problems = script_links(read_page((offline_site / "all.html").read_text(encoding="utf-8")))
    assert not problems and len(links) == len(_paper_ids())
    assert all(link.startswith("papers/") and link.endswith(".html") for link in links), links

    result = generator(REPO, "check-site", str(offline_site), "--offline", check=False)
    assert result.stdout.splitlines() == [str(link) for link in found]
    assert result.returncode == (1 if found else 0)
