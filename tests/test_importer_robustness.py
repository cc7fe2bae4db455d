"""The importer on variations of the curator's format that no shipped list has.

Each test is one class of hand-written variation: what it must give, and (for those
that reached the site) that the records validate and build.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from generator.convert import parse_index
from generator.importer import import_markdown, placements_of, plan_import, write_plan
from helpers import copy_project, generator

ADDED = dt.date(2026, 12, 1)


def _records(text: str) -> dict:
    return import_markdown(text, "hand.md", ADDED, list_id="hand").records


def _messages(text: str) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in import_markdown(text, "hand.md", ADDED, list_id="hand").warnings]


DUPLICATE = """# NeurIPS 2025: Hand

## Systems

#### Twice Listed

- **Link:** https://arxiv.org/abs/2601.00001
- **Summary:** First words.

## Algorithms

#### Twice Listed

- **Link:** https://arxiv.org/abs/2601.00001
- **Summary:** Second words.
- **Key Results:**
  - only here
"""


def test_a_paper_listed_twice_in_one_list_has_one_placement_keeping_both_texts():
    record = _records(DUPLICATE)["twice-listed"]
    assert [p["category"] for p in placements_of(record)] == ["systems"]
    assert record["summary"] == "First words."
    assert record["notes"] == [{"label": "Summary", "text": "Second words."}]
    assert record["key_results"] == ["only here"]
    assert any(line == 12 and "listed a second time" in message for line, message in _messages(DUPLICATE))


@pytest.mark.parametrize(
    ("heading", "title", "facts", "notes"),
    [
        ("Goose 🏆 **GOLDEN GOOSE PRIZE** 🌈", "Goose", {"award": "Golden Goose Prize"}, ["🌈"]),
        ("Hot 🎤 **ORAL** 🔥", "Hot", {"presentation": "oral"}, ["🔥"]),
        ("Lit (Spotlight) ✨", "Lit", {"presentation": "spotlight"}, ["✨"]),
        ("Bracketed [Oral]", "Bracketed", {"presentation": "oral"}, []),
        ("Paren Award (Best Paper Award)", "Paren Award", {"award": "Best Paper"}, []),
        ("Starred ⭐", "Starred", {}, ["⭐"]),
        ("Icon Words 🏆 Best Paper", "Icon Words", {"award": "Best Paper"}, []),
        ("Medal After — Runner-up 🥈", "Medal After — Runner-up", {}, ["🥈"]),
        ("Middle (Oral) Extended", "Middle Extended", {"presentation": "oral"}, []),
    ],
)
def test_markers_with_decoration_or_inside_the_title_leave_a_title_the_validator_accepts(
    heading: str, title: str, facts: dict, notes: list[str]
):
    (record,) = _records(f"# L\n\n## S\n\n#### {heading}\n\n- **Summary:** s.\n").values()
    assert record["title"] == title
    assert {key: record[key] for key in ("award", "presentation") if key in record} == facts
    assert [note["text"] for note in record.get("notes", [])] == notes


@pytest.mark.parametrize(
    "body",
    [
        "- Link: https://arxiv.org/abs/2601.00002\n- Authors: Ada Lovelace, Alan Turing\n"
        "- Summary: Plain.\n- Key Results:\n  - one\n",
        "- *Link:* https://arxiv.org/abs/2601.00002\n- _Authors:_ Ada Lovelace, Alan Turing\n"
        "- __Summary:__ Plain.\n- *Key Results*:\n  - one\n",
        "* **Link**: https://arxiv.org/abs/2601.00002\n* **Authors**: Ada Lovelace, Alan Turing\n"
        "* **Summary**: Plain.\n  * **Key Results:**\n    * one\n",
    ],
)
def test_labels_in_any_emphasis_or_none_are_read_as_fields(body: str):
    (record,) = _records(f"# L\n\n## S\n\n#### Labelled\n\n{body}").values()
    assert record["links"] == [{"label": "arXiv:2601.00002", "url": "https://arxiv.org/abs/2601.00002"}]
    assert record["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert (record["summary"], record["key_results"]) == ("Plain.", ["one"])
    assert "notes" not in record


def test_a_plain_word_and_colon_in_prose_stays_prose():
    (record,) = _records("# L\n\n## S\n\n#### P\n\n- **Summary:** Text.\n  Result: it works.\n").values()
    assert record["summary"] == "Text.\nResult: it works." and "notes" not in record


def test_html_comments_anywhere_on_a_line_are_left_out():
    text = (
        "# L\n\n## S <!-- todo -->\n\n#### Commented <!-- check the title -->\n\n"
        "- **Summary:** Kept <!-- a\nmulti-line comment --> words, and `<!-- code -->`.\n"
    )
    imported = import_markdown(text, "hand.md", ADDED, list_id="hand")
    (record,) = imported.records.values()
    assert record["title"] == "Commented" and imported.taxonomy["sections"][0]["title"] == "S"
    assert record["summary"] == "Kept words, and `<!-- code -->`."


def test_autolinks_are_links_not_raw_html():
    text = (
        "# L\n\n## S\n\n#### Angled\n\n- **Link:** <https://arxiv.org/abs/2601.00003>\n"
        "- **Code:** <https://github.com/x/y>\n- **Summary:** See <https://example.org/blog>, not `<https://x.org>`.\n"
    )
    (record,) = _records(text).values()
    assert record["links"] == [
        {"label": "arXiv:2601.00003", "url": "https://arxiv.org/abs/2601.00003"},
        {"label": "Code", "url": "https://github.com/x/y"},
    ]
    assert record["summary"] == "See [https://example.org/blog](https://example.org/blog), not `<https://x.org>`."
    assert "notes" not in record


def test_plain_text_fields_read_character_references_and_escapes_as_the_characters():
    text = "# L\n\n## S &amp; T\n\n#### &#42;Starred&#42; \\_Title\\_\n\n- **Authors:** Ren&eacute; \\*Star\\*\n"
    imported = import_markdown(text, "hand.md", ADDED, list_id="hand")
    (record,) = imported.records.values()
    assert record["title"] == "*Starred* _Title_" and record["authors"] == ["René *Star*"]
    assert imported.taxonomy["sections"][0]["title"] == "S & T"


def test_plain_text_fields_keep_what_markdown_does_not_decode():
    # CommonMark decodes a reference only with its semicolon (HTML's legacy "&para" would make
    # "Data&parallel" "Data¶llel"), and an escaped "\&" is the character itself.
    text = "# L\n\n## S\n\n#### Data&parallel Q&notation \\&amp; more\n\n- **Authors:** R&D Lab\n"
    imported = import_markdown(text, "hand.md", ADDED, list_id="hand")
    (record,) = imported.records.values()
    assert record["title"] == "Data&parallel Q&notation &amp; more" and record["authors"] == ["R&D Lab"]


def test_a_collection_index_table_with_other_columns_and_rows_names_what_it_leaves():
    text = (
        "# My Collection\n\nIntro.\n\n"
        "| # | List | Description | Papers | Updated |\n|---|---|---|---|---|\n"
        "| 1 | [⚡ Inference](inference.md) | Serving | ~25 | 2025-12 |\n"
        "| | **Total** | | ~25 | |\n"
    )
    index = parse_index(text, "index.md")
    assert index.description == "Intro."
    entry = index.entries["inference"]
    assert (entry.label, entry.summary) == ("⚡ Inference", "Serving")
    messages = [(w.line, w.message) for w in index.warnings]
    assert (7, "'1' (column '#' of the lists' table) is not imported: the collection has no field for it") in messages
    assert any(line == 7 and "'2025-12'" in message for line, message in messages)
    assert (8, "a row of the lists' table that links no list's file; not imported") in messages
    assert not any("~25" in message for _, message in messages), "the site counts the papers itself"


ROUND_TRIP = f"""# NeurIPS 2025: Hand-Made

<!-- curator's note -->

## Systems <!-- check -->

#### Goose Paper 🏆 **GOLDEN GOOSE PRIZE** 🌈

- Link: <https://arxiv.org/abs/2601.00011>
- Authors: Ada Lovelace, Alan Turing
- Summary: See <https://example.org/blog>.

---

#### Bracketed [Oral]

- *Summary:* Bracketed.

---

#### **Starred** Title ⭐

- **Summary:** Star.

---

#### Duplicate Listing

- **Summary:** Once.

## Algorithms

{DUPLICATE.split("## Algorithms")[1].replace("Twice Listed", "Duplicate Listing")}
"""


@pytest.mark.slow
def test_hand_made_variations_import_validate_build_and_round_trip(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "entries")
    (project / "entries").mkdir()
    write_plan(plan_import(project / "entries", ROUND_TRIP, "hand.md", "hand", ADDED))
    assert generator(project, "validate").returncode == 0
    generator(project, "build")
    first = import_markdown(ROUND_TRIP, "hand.md", ADDED, list_id="hand")
    again = import_markdown((project / "lists" / "hand.md").read_text("utf-8"), "hand.md", ADDED, list_id="hand")
    assert list(again.records) == list(first.records)
    for paper_id, record in first.records.items():
        assert {**again.records[paper_id], "position": 0} == {**record, "position": 0}, paper_id
    stored = yaml.safe_load((project / "entries" / "papers" / "goose-paper.yaml").read_text("utf-8"))
    assert stored["award"] == "Golden Goose Prize" and stored["notes"] == [{"label": "Note", "text": "🌈"}]


@pytest.mark.parametrize(("list_id", "why"), [("x", "too short"), ("all", "reserved"), ("RL", "kebab-case")])
def test_a_list_id_the_validator_refuses_is_refused_before_importing(tmp_path: Path, list_id: str, why: str):
    with pytest.raises(ValueError, match=why):
        plan_import(tmp_path, DUPLICATE, "hand.md", list_id, ADDED)
