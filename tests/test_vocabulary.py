"""One vocabulary of presentations and awards: the schema, the importer and every output agree with it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import catalog_from
from generator.importer import import_markdown
from generator.load import Document, RawData
from generator.render import render_all
from generator.vocabulary import PRESENTATIONS, award_label, title_markers, without_title_markers
from helpers import REPO


def test_schema_offers_exactly_the_vocabularys_presentations():
    schema = json.loads((REPO / "generator" / "schema" / "paper.schema.json").read_text(encoding="utf-8"))
    assert sorted(schema["properties"]["presentation"]["enum"]) == sorted(PRESENTATIONS)


def _outputs(presentation: str, award: str | None) -> dict[str, str]:
    record = {
        "title": "A Paper",
        "category": "s/t",
        "authors": ["Ada Lovelace"],
        "presentation": presentation,
        "links": [{"label": "arXiv", "url": "https://arxiv.org/abs/2501.00001"}],
        "summary": "Text.",
    }
    if award:
        record["award"] = award
    taxonomy = {
        "title": "List",
        "description": "Intro.",
        "sections": [{"id": "s", "title": "Section", "subsections": [{"id": "t", "title": "Sub"}]}],
    }
    raw = RawData(
        entries_dir=Path("entries"),
        taxonomy=Document(Path("entries/taxonomy.yml"), "entries/taxonomy.yml", taxonomy, ""),
        tags=None,
        papers=[Document(Path("entries/papers/p.yaml"), "entries/papers/p.yaml", record, "")],
    )
    return render_all(catalog_from(raw), [])


@pytest.mark.parametrize("presentation", sorted(PRESENTATIONS))
def test_each_presentation_reads_back_from_the_generated_readme(presentation: str):
    outputs = _outputs(presentation, "Best Paper")
    imported = import_markdown(outputs["README.md"], "README.md")
    (record,) = imported.records.values()
    assert record["presentation"] == presentation
    assert record["award"] == "Best Paper"
    assert record["title"] == "A Paper"


@pytest.mark.parametrize("presentation", sorted(PRESENTATIONS))
def test_each_output_names_a_presentation_by_its_one_label(presentation: str):
    label = PRESENTATIONS[presentation].label
    outputs = _outputs(presentation, "Best Paper")
    paper_page = outputs["docs/papers/p.md"]
    # The badge: the label, after the presentation's icon (an inline SVG) if it has one.
    assert re.search(
        rf">(<span class=\"twemoji\"><svg [^<]*>.*?</svg></span> )?{re.escape(label)}</span>", paper_page
    ), paper_page
    assert award_label("Best Paper") in paper_page
    assert f"· {label}" in outputs["docs/sections/s/t.md"] or f"· {label}" in outputs["docs/sections/s/index.md"]
    assert f'<option value="{presentation}">{label}</option>' in outputs["docs/all.md"]
    assert label in outputs["docs/papers.bib"]
    stats = outputs["docs/stats.md"]
    assert f"| {label} | 1 |" in stats


@pytest.mark.parametrize(
    ("title", "markers"),
    [
        ("Gated Attention 🏆 Best Paper", [("🏆 Best Paper", "award", "Best Paper")]),
        ("Gated Attention (Best Paper Award)", [("(Best Paper Award)", "award", "Best Paper")]),
        ("Gated Attention 🏆 **BEST PAPER AWARD**", [("🏆 **BEST PAPER AWARD**", "award", "Best Paper")]),
        ("Gated Attention 🎤 **SPOTLIGHT**", [("🎤 **SPOTLIGHT**", "presentation", "spotlight")]),
        ("Gated Attention [oral]", [("[oral]", "presentation", "oral")]),
        ("Gated Attention (Invited Talk)", [("(Invited Talk)", "presentation", "invited-talk")]),
        ("Gated Attention (Outstanding Paper)", [("(Outstanding Paper)", "award", "Outstanding Paper")]),
        ("Gated Attention 🥈 **Best Paper Runner-Up**", [("🥈 **Best Paper Runner-Up**", "award", "Runner-Up")]),
        ("Gated Attention 🏆", [("🏆", "award", None)]),
        ("Gated Attention **NEW**", [("**NEW**", None, None)]),
        (
            "Gated Attention 🏆 Best Paper [Oral]",
            [("🏆 Best Paper", "award", "Best Paper"), ("[Oral]", "presentation", "oral")],
        ),
        # Parentheses, brackets and symbols that are part of real titles.
        ("Scaling Laws (for LLMs) Revisited [Extended]", []),
        ("Best Arm Identification (Best Arm)", []),
        ("Attention × Gates: 1.67× Faster", []),
    ],
)
def test_markers_in_titles_name_their_field(title: str, markers: list[tuple[str, str | None, str | None]]):
    found = title_markers(title)
    assert [(marker.text, marker.field, marker.value) for marker in found] == markers
    assert without_title_markers(title) == ("Gated Attention" if markers else title)
