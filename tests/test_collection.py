"""A collection of lists: the curator's three lists imported into one project, validated and built.

A project with entries/lists/*.yml is a collection; each record holds a paper's facts
once and a placement per list it is in. These tests check that every placement is
checked against its own list, and (slow) that the built site shows every list and each
paper once with all its placements.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.findings import Rule
from generator.load import load_entries
from generator.validate import validate
from helpers import collection_project


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
    from helpers import copy_project

    project = copy_project(tmp_path / "project")
    _edit(project / "entries" / "papers" / "acco.yaml", {"list": "training"})
    messages = _findings(project / "entries", Rule.PLACEMENT)
    assert len(messages) == 1 and "this project has one list" in messages[0]
