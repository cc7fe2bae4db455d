"""The author index files people by surname and organisations by their first word; joined names are flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import Project, load_catalog
from generator.indexes import author_index, author_index_data
from generator.text import joined_name, looks_like_organisation
from helpers import REPO, generator


def _letters(root: Path) -> dict[str, dict[str, bool]]:
    """Each initial's names, and whether each is shown as an organisation."""
    catalog, _ = load_catalog(Project(root))
    letters, _ = author_index(catalog)
    return {letter.letter: {entry.name: entry.organisation for entry in letter.authors} for letter in letters}


def test_organisations_are_filed_under_their_first_word():
    letters = _letters(REPO)
    assert letters["A"]["Apple Research"] is True and "Apple Research" not in letters.get("R", {})
    assert letters["I"]["IBM Research"] is True
    assert letters["M"]["Microsoft Research"] is True and letters["M"]["Moonshot AI"] is True
    assert letters["#"]["5th Muslims in ML Workshop"] is True
    assert letters["N"]["Nanjing University"] is True and letters["U"]["University of Michigan ECE Researchers"]
    # People stay under their surname, and are not organisations.
    assert letters["N"]["Adel Nabli"] is False and letters["I"]["Ahmet Inci"] is False
    assert not [
        name
        for names in letters.values()
        for name, organisation in names.items()
        if organisation and (name.split()[-1] in ("Huang", "Wang", "Nabli"))
    ]


def test_the_index_data_marks_organisations_for_the_page():
    catalog, _ = load_catalog(Project(REPO))
    data = author_index_data(author_index(catalog)[0])
    entries = {entry[0]: entry for _, group in data["letters"] for entry in group}
    assert entries["IBM Research"][3:] == [1]
    assert entries["Adel Nabli"][3:] == []


def test_a_record_can_mark_an_organisation_its_words_do_not_show(project: Path):
    record = project / "entries" / "papers" / "acco.yaml"
    text = record.read_text("utf-8").replace("- Eugene Belilovsky\n", "- Eugene Belilovsky\n- Mila Quebec\n")
    record.write_text(text + "organisations: [Mila Quebec]\n", encoding="utf-8")
    letters = _letters(project)
    assert letters["M"]["Mila Quebec"] is True and "Mila Quebec" not in letters.get("Q", {})


def test_an_organisation_that_is_not_an_author_is_an_error(project: Path):
    record = project / "entries" / "papers" / "acco.yaml"
    record.write_text(record.read_text("utf-8") + "organisations: [Eugene Belilovski]\n", encoding="utf-8")
    result = generator(project, "validate", str(record), check=False)
    assert result.returncode == 1
    assert "organisation 'Eugene Belilovski' is not in 'authors'; did you mean 'Eugene Belilovsky'?" in result.stdout


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("HaiboYang", ("Haibo", "Yang")),
        ("ZhangWei", ("Zhang", "Wei")),
        ("ÅsaLarsson", ("Åsa", "Larsson")),
        # Real spellings that must stay whole.
        ("McDonald", None),
        ("LeCun", None),
        ("DeNero", None),
        ("O'Brien", None),
        ("Yann LeCun", None),
        ("Haibo Yang", None),
        ("XuSun", None),
        ("HaiboYangLi", None),
        ("HAIBOYang", None),
    ],
)
def test_joined_names_are_found_and_real_spellings_left_alone(name: str, parts: tuple[str, str] | None):
    assert joined_name(name) == parts


def test_organisation_words_are_whole_words_as_written():
    assert looks_like_organisation("DeepMind") and looks_like_organisation("Acme Inc.")
    assert not looks_like_organisation("Ahmet Inci") and not looks_like_organisation("Wei Ai")


def test_validate_warns_about_a_joined_name_and_the_quality_page_lists_it(project: Path):
    findings = json.loads(generator(project, "validate", "--format", "json").stdout)
    joined = [f for f in findings if f["rule"] == "joined-name"]
    assert [(f["severity"], f["path"]) for f in joined] == [
        ("warning", "entries/papers/exact-and-linear-convergence-for-federated-learning-under.yaml")
    ], joined
    assert "'HaiboYang' looks like two names run together; write 'Haibo Yang'" in joined[0]["message"]
    # An organisation written as one word is no joined name: DeepMind by its word, ByteDance by the record.
    record = project / "entries" / "papers" / "acco.yaml"
    text = record.read_text("utf-8").replace("- Eugene Belilovsky\n", "- Eugene Belilovsky\n- DeepMind\n- ByteDance\n")
    record.write_text(text + "organisations: [ByteDance]\n", encoding="utf-8")
    findings = json.loads(generator(project, "validate", "--format", "json").stdout)
    assert [f["path"] for f in findings if f["rule"] == "joined-name"] == [
        "entries/papers/exact-and-linear-convergence-for-federated-learning-under.yaml"
    ]
    generator(project, "build")
    quality = (project / "docs" / "quality.md").read_text("utf-8")
    assert "{ #joined-name }" in quality and "HaiboYang" in quality
