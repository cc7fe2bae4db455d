"""A collection of lists: the curator's three lists imported into one project, validated and built.

A project with entries/lists/*.yml is a collection; each record holds a paper's facts
once and a placement per list it is in. These tests check that every placement is
checked against its own list, and (slow) that the built site shows every list and each
paper once with all its placements.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.findings import Rule
from generator.importer import import_markdown, placements_of
from generator.load import load_entries
from generator.sitelinks import broken_links
from generator.validate import validate
from generator.yamlio import load_site_config
from helpers import COLLECTION_LISTS, collection_project, collection_source, generator, mkdocs_build


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three lists imported into a fresh collection project, once for the module."""
    return collection_project(tmp_path_factory.mktemp("collection") / "project")


@pytest.fixture
def entries(collection: Path, tmp_path: Path) -> Path:
    """A copy of the collection's entries/ that a test may change."""
    copy = tmp_path / "entries"
    shutil.copytree(collection / "entries", copy)
    return copy


def _findings(entries: Path, rule: str) -> list[str]:
    return [str(finding) for finding in validate(load_entries(entries)) if finding.rule == rule]


def _edit(path: Path, change: dict) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def test_the_imported_collection_validates(collection: Path):
    findings = validate(load_entries(collection / "entries"))
    assert [str(finding) for finding in findings if finding.severity == "error"] == []
    # ACCO is one record with a placement in the training list and one in the RL list.
    acco = yaml.safe_load((collection / "entries" / "papers" / "acco.yaml").read_text("utf-8"))
    assert (acco["list"], [placement["list"] for placement in acco["also"]]) == ("training", ["rl"])


def test_an_unknown_list_is_an_error_with_a_suggestion(entries: Path):
    _edit(entries / "papers" / "acco.yaml", {"also": [{"list": "inferense", "category": "systems/x"}]})
    assert any(
        "unknown list 'inferense'; did you mean 'inference'?" in message
        for message in _findings(entries, Rule.UNKNOWN_LIST)
    )


def test_each_placement_is_checked_against_its_own_list(entries: Path):
    # A category of the training list is unknown in the RL list.
    _edit(entries / "papers" / "acco.yaml", {"also": [{"list": "rl", "category": "systems/memory-efficient-training"}]})
    messages = _findings(entries, Rule.UNKNOWN_CATEGORY)
    assert len(messages) == 1 and "of list 'rl'" in messages[0] and "acco.yaml" in messages[0]


def test_a_placement_without_a_list_is_an_error_in_a_collection(entries: Path):
    path = entries / "papers" / "acco.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    del data["list"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert any("missing 'list'" in message for message in _findings(entries, Rule.PLACEMENT))


def test_a_section_without_subsections_holds_papers(entries: Path):
    path = entries / "lists" / "rl.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["sections"].append({"id": "surveys", "title": "Surveys", "subsections": []})
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    _edit(entries / "papers" / "acco.yaml", {"also": [{"list": "rl", "category": "surveys"}]})
    assert _findings(entries, Rule.UNKNOWN_CATEGORY) == []
    # A section with subsections holds none itself.
    _edit(entries / "papers" / "acco.yaml", {"also": [{"list": "rl", "category": "systems"}]})
    assert len(_findings(entries, Rule.UNKNOWN_CATEGORY)) == 1


def test_a_second_record_of_a_paper_says_to_add_a_placement(entries: Path):
    shutil.copy(entries / "papers" / "acco.yaml", entries / "papers" / "acco-again.yaml")
    messages = _findings(entries, Rule.DUPLICATE)
    assert messages and all("add a placement to entries/papers/acco" in message for message in messages)


def test_a_link_without_url_is_a_warning(entries: Path):
    path = entries / "papers" / "acco.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["links"].append({"label": "Poster"})
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    findings = [f for f in validate(load_entries(entries)) if f.rule == Rule.LINK_WITHOUT_URL]
    assert [f.severity for f in findings] == ["warning"] and "'Poster' has no URL" in findings[0].message


def test_a_list_file_is_checked_like_a_taxonomy(entries: Path):
    _edit(entries / "lists" / "rl.yml", {"output": "../README.md", "colour": "red"})
    messages = _findings(entries, Rule.SCHEMA)
    assert any("rl.yml" in message and "'output'" in message for message in messages)
    assert any("rl.yml" in message and "unknown field 'colour'" in message for message in messages)


def test_a_single_list_record_cannot_name_a_list(tmp_path: Path):
    from helpers import single_list_project

    project = single_list_project(tmp_path / "project")
    _edit(project / "entries" / "papers" / "acco.yaml", {"list": "training"})
    messages = _findings(project / "entries", Rule.PLACEMENT)
    assert len(messages) == 1 and "this project has one list" in messages[0]


# --------------------------------------------------------------------------- the built collection (slow)

TWO_LISTS = {
    "acco": ("training", "rl"),
    "understanding-and-mitigating-numerical-sources": ("training", "inference"),
}


@pytest.fixture(scope="module")
def built(collection: Path) -> Path:
    """The collection generated and built by a real `mkdocs build --strict`; the site's folder."""
    generator(collection, "build")
    mkdocs_build(collection)
    return collection / "site"


def _html_text(path: Path) -> str:
    """A page's text without its tags, white space runs as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))).split())


def _list_titles(collection: Path) -> dict[str, str]:
    return {
        path.stem: yaml.safe_load(path.read_text("utf-8"))["title"]
        for path in sorted((collection / "entries" / "lists").glob("*.yml"))
    }


@pytest.mark.slow
def test_the_home_page_shows_every_list(collection: Path, built: Path):
    home = (built / "index.html").read_text("utf-8")
    titles = _list_titles(collection)
    assert sorted(titles) == sorted(COLLECTION_LISTS)
    for list_id, title in titles.items():
        assert f'href="lists/{list_id}/"' in home, list_id
        assert html.escape(title, quote=False) in home, title
        # Each list has its own page, and its own tab in the nav.
        assert (built / "lists" / list_id / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("paper_id", sorted(TWO_LISTS))
def test_a_paper_in_two_lists_is_one_page_with_both_placements(collection: Path, built: Path, paper_id: str):
    record = yaml.safe_load((collection / "entries" / "papers" / f"{paper_id}.yaml").read_text("utf-8"))
    placements = [record, *record["also"]]
    assert tuple(placement["list"] for placement in placements) == TWO_LISTS[paper_id]
    # One page: no other record is the same paper.
    assert len(list((collection / "entries" / "papers").glob(f"{paper_id}*.yaml"))) == 1
    page = _html_text(built / "papers" / paper_id / "index.html")
    titles = _list_titles(collection)
    listed = page[page.index("Listed in") :]
    for placement in placements:
        assert f"In {titles[placement['list']]}" in page
        # Each list's own summary, its first words as the page shows them.
        words = " ".join(re.sub(r"[*_`]", "", placement["summary"]).split()[:8])
        assert words in page, (placement["list"], words)
        assert titles[placement["list"]] in listed
    assert placements[0]["summary"] != placements[1]["summary"]


def _papers(text: str, source: str) -> list[tuple[str, str, list[dict], str, list[str]]]:
    """A list's papers in order as the importer reads them: title, category, links, summary, key results."""
    imported = import_markdown(text, source, list_id="x")
    return [
        (
            imported.records[record_id]["title"],
            next(p["category"] for p in placements_of(imported.records[record_id]) if p.get("list") == "x"),
            imported.records[record_id].get("links", []),
            next(p.get("summary") for p in placements_of(imported.records[record_id]) if p.get("list") == "x"),
            next(p.get("key_results") for p in placements_of(imported.records[record_id]) if p.get("list") == "x"),
        )
        for record_id, _, _ in imported.papers
    ]


@pytest.mark.slow
@pytest.mark.parametrize("list_id", COLLECTION_LISTS)
def test_each_list_is_regenerated_in_the_curators_format(collection: Path, built: Path, list_id: str):
    generated = (collection / "lists" / f"{list_id}.md").read_text("utf-8")
    source = _papers(collection_source(list_id), f"{list_id}.md")
    again = _papers(generated, f"lists/{list_id}.md")
    assert len(again) == len(source) > 0
    for (title, category, links, summary, results), theirs in zip(again, source, strict=True):
        assert (title, category, summary, results) == (theirs[0], theirs[1], theirs[3], theirs[4])
        # A paper's links are facts, kept once for all its lists: each list shows every one of them.
        assert [link for link in links if link in theirs[2]] == theirs[2], title


@pytest.mark.slow
def test_the_built_collection_has_no_broken_links_and_no_live_markup(collection: Path, built: Path):
    site_url = load_site_config((collection / "mkdocs.yml").read_text("utf-8"))["site_url"]
    assert broken_links(built, site_url=site_url) == []
    result = generator(collection, "audit", str(built), check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_a_section_without_subsections_lists_its_papers(collection: Path, tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(collection, project, ignore=shutil.ignore_patterns("site"))
    path = project / "entries" / "lists" / "rl.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["sections"].append({"id": "surveys", "title": "Surveys", "subsections": []})
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    acco = project / "entries" / "papers" / "acco.yaml"
    record = yaml.safe_load(acco.read_text("utf-8"))
    (in_rl,) = [placement for placement in record["also"] if placement["list"] == "rl"]
    in_rl.update(category="surveys", summary="Placed in a section of its own.")
    acco.write_text(yaml.safe_dump(record, sort_keys=False), "utf-8")
    generator(project, "build")
    section = (project / "docs" / "lists" / "rl" / "surveys" / "index.md").read_text("utf-8")
    assert "../../../papers/acco.md" in section
    listed = (project / "lists" / "rl.md").read_text("utf-8")
    assert listed.index("## 4. Surveys") < listed.index("Placed in a section of its own.")
    assert "4. Surveys" in (project / "docs" / "papers" / "acco.md").read_text("utf-8")


def test_a_paper_placed_twice_in_one_list_is_an_error(entries: Path):
    path = entries / "papers" / "acco.yaml"
    record = yaml.safe_load(path.read_text("utf-8"))
    _edit(path, {"also": [*record["also"], {"list": "training", "category": "systems/long-context-training"}]})
    messages = _findings(entries, Rule.PLACEMENT)
    assert len(messages) == 1 and "already placed in list 'training'" in messages[0]
