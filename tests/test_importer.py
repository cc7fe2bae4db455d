"""The importer on the seed list, and on other lists in the same format."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from generator.build import Project, load_catalog
from generator.importer import import_markdown, plan_import, write_plan
from generator.text import looks_mis_decoded
from helpers import REPO, SEED_LIST, SEED_RENDERED, collection_source, generator

ADDED = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def seed():
    return import_markdown(SEED_LIST.read_text(encoding="utf-8"), "seed", ADDED)


def _all_text(record: dict) -> list[str]:
    texts = [
        record["title"],
        record.get("summary", ""),
        *record.get("key_results", []),
        *record.get("authors", []),
        record.get("affiliation", ""),
    ]
    texts += [link["label"] for link in record.get("links", [])]
    return texts


def test_seed_has_42_papers_in_3_sections_and_12_subsections(seed):
    assert len(seed.records) == 42
    assert [s["title"] for s in seed.taxonomy["sections"]] == ["Systems", "System-Algorithm Co-design", "Algorithm"]
    assert sum(len(s["subsections"]) for s in seed.taxonomy["sections"]) == 12
    assert seed.taxonomy["sections"][0]["subsections"][0]["title"] == ("Distributed & Communication-Efficient Training")
    assert seed.taxonomy["title"] == "NeurIPS 2025: LLM Training Systems"
    assert seed.taxonomy["description"].startswith("A curated list of NeurIPS 2025 papers")


def test_no_mis_decoded_characters_remain(seed):
    for paper_id, record in seed.records.items():
        for text in _all_text(record):
            assert not looks_mis_decoded(text), (paper_id, text)
    arnold = seed.records["arnold"]
    assert "**1.67×**" in arnold["summary"]
    assert "σ(XWθ)" in seed.records["gated-attention-for-large-language-models"]["summary"]


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.replace("**", "").split())


def test_every_summary_matches_the_correctly_rendered_copy(seed):
    """Seed 003 shows every character right: each repaired text must appear in it verbatim."""
    rendered = " ".join(SEED_RENDERED.read_text(encoding="utf-8").replace("\xa0", " ").split())
    for paper_id, record in seed.records.items():
        for paragraph in record.get("summary", "").split("\n"):
            paragraph = re.sub(r"^(?:- |\d+\. )", "", paragraph.strip())
            if paragraph:
                assert _plain(paragraph) in rendered, (paper_id, paragraph)
        for result in record.get("key_results", []):
            assert _plain(result) in rendered, (paper_id, result)
        assert _plain(record["title"]) in rendered, paper_id


def test_fields_awards_presentation_authors_and_links(seed):
    gated = seed.records["gated-attention-for-large-language-models"]
    assert gated["title"] == "Gated Attention for Large Language Models"
    assert gated["award"] == "Best Paper"
    assert gated["affiliation"] == "Qwen Team"
    assert len(gated["authors"]) == 13 and len(gated["key_results"]) == 6

    oral = seed.records["understanding-and-mitigating-numerical-sources"]
    assert oral["presentation"] == "oral" and "ORAL" not in oral["title"]
    assert oral["authors"] == ["Jiayi Yuan", "Hao Li", "Xinheng Ding"] and oral["authors_et_al"]

    tutorial = seed.records["energy-and-power-as-first-class-ml-design-metrics"]
    assert tutorial["presentation"] == "tutorial"
    assert tutorial["title"] == "Energy and Power as First-Class ML Design Metrics"
    assert tutorial["author_affiliations"] == {"Jae-Won Chung": "University of Michigan", "Ahmet Inci": "NVIDIA"}

    sdp = seed.records["sdp4bit"]
    assert sdp["authors"] == ["Jinda Jia"] and sdp["authors_et_al"] is True
    assert [link["url"] for link in sdp["links"]] == [
        "https://neurips.cc/virtual/2024/poster/95323",
        "https://arxiv.org/abs/2410.15526",
    ]

    autocomp = seed.records["autocomp"]
    assert autocomp["links"] == [
        {"label": "arXiv:2505.18574", "url": "https://arxiv.org/abs/2505.18574"},
        {"label": "OpenReview", "url": "https://openreview.net/forum?id=9AkW2jw3HA"},
    ]

    mixtures = seed.records["scaling-laws-for-optimal-data-mixtures"]
    assert mixtures["title"] == "Scaling Laws for Optimal Data Mixtures"
    assert mixtures["authors"] == ["Apple Research"]

    hbp = seed.records["hierarchical-balance-packing-hbp-towards-efficient"]
    assert "\n\n1. **Hierarchical group auto-selection:**" in hbp["summary"]
    assert len(hbp["key_results"]) == 3

    power = seed.records["power-lines"]
    assert "Provides a method to predict λ_opt" in power["summary"]
    assert power["summary"].count("\n- ") == 3


def test_seed_gaps_are_kept_not_filled(seed):
    without_authors = [pid for pid, record in seed.records.items() if not record["authors"]]
    assert len(without_authors) == 17


def test_order_within_subsections_is_kept(seed):
    first = [
        pid
        for pid, record in seed.records.items()
        if record["category"] == "systems/distributed-communication-efficient-training"
    ]
    assert first[:3] == [
        "synergistic-tensor-and-pipeline-parallelism",
        "arnold",
        "communication-efficient-language-model-training-scales",
    ]
    positions = [seed.records[pid]["position"] for pid in first]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_two_dapo_papers_get_unambiguous_ids(seed):
    dapo = sorted(pid for pid in seed.records if pid.startswith("dapo"))
    assert len(dapo) == 2 and "dapo" not in dapo


def test_committed_entries_match_a_fresh_import():
    """The training list's records came from the seed; later edits and lists may add facts, never lose any."""
    fresh = import_markdown(collection_source("training"), "seed", ADDED, list_id="training")
    for paper_id, record in fresh.records.items():
        committed = yaml.safe_load((REPO / "entries" / "papers" / f"{paper_id}.yaml").read_text("utf-8"))
        record.pop("added")
        assert _kept(record, committed), paper_id


def _kept(imported: object, merged: object) -> bool:
    """Whether ``merged`` keeps ``imported``: equal, or for a list (links, names) a superset in the same order."""
    if isinstance(imported, dict) and isinstance(merged, dict):
        # "et al." goes when another list named the whole author list.
        fuller = len(merged.get("authors", [])) > len(imported.get("authors", []))
        return all(
            _kept(value, merged.get(key)) or (key == "authors_et_al" and fuller) for key, value in imported.items()
        )
    if isinstance(imported, list) and isinstance(merged, list):
        position = iter(merged)
        return all(any(item == other for other in position) for item in imported)
    return imported == merged


def test_a_lists_markdown_round_trips_through_the_importer(project: Path):
    """A list's generated Markdown is itself in the seed format: importing it loses nothing."""
    expected = import_markdown(collection_source("training"), "seed", ADDED)
    generator(project, "build")
    again = import_markdown((project / "lists" / "training.md").read_text(encoding="utf-8"), "training.md", ADDED)
    assert again.taxonomy["sections"] == expected.taxonomy["sections"]
    # Every paper the list holds, in list order: a contributor's new record included.
    catalog, _ = load_catalog(Project(project))
    listed = catalog.lists_by_id["training"].papers
    assert [record["title"] for record in again.records.values()] == [paper.title for paper in listed]
    for paper_id, record in expected.records.items():
        # Positions are renumbered in list order, so a paper placed between two others shifts them;
        # facts merged from another list may add a link or a name.
        assert _kept({**record, "position": 0}, {**again.records[paper_id], "position": 0}), paper_id


OTHER_LIST = """# ICML 2026: Tiny Models

A second list, to show the importer is not tied to the seed.

## Table of Contents

- [1. Methods](#1-methods)

---

## 1. Methods

### 1.1 Pruning & Sparsity

#### SparseGPT-2: Pruning at Scale 🏆 **OUTSTANDING PAPER AWARD**

- **Link:** [arXiv:2601.00001](https://arxiv.org/abs/2601.00001) | https://github.com/example/sparsegpt2 | https://openreview.net/forum?id=abc123
- **Authors:** Ada Lovelace (Analytical Engines), Alan Turing (Bletchley Park), Grace Hopper
- **Summary:** Prunes 50% of weights with **no loss**. It has:
  - a one-shot solver
  - a `kernel` for 2:4 sparsity
  - **Key Results:**
    - 2× faster
    - Works on *all* models

---

#### Quiet Quantization 🎤 **SPOTLIGHT**

- **Link:** arXiv:2601.00002
- **Authors:** Jane Doe, John Roe, et al.
- **Summary:** Short.

---

### 1.2 Distillation

#### Tutorial on Distillation (Tutorial)

- **Link:** https://example.org/tutorial
- **Speakers:** Someone (Some Lab)
- **Summary:** A tutorial.
"""


def test_another_list_in_the_same_format_imports_completely(tmp_path: Path):
    imported = import_markdown(OTHER_LIST, "other.md", ADDED)
    assert [s["id"] for s in imported.taxonomy["sections"]] == ["methods"]
    assert [s["title"] for s in imported.taxonomy["sections"][0]["subsections"]] == [
        "Pruning & Sparsity",
        "Distillation",
    ]
    sparse = imported.records["sparsegpt-2"]
    assert sparse["award"] == "Outstanding Paper"
    assert sparse["venue"] == "ICML" and sparse["year"] == 2026
    assert [link["label"] for link in sparse["links"]] == ["arXiv:2601.00001", "GitHub", "OpenReview"]
    assert sparse["author_affiliations"] == {"Ada Lovelace": "Analytical Engines", "Alan Turing": "Bletchley Park"}
    assert sparse["summary"] == (
        "Prunes 50% of weights with **no loss**. It has:\n\n- a one-shot solver\n- a `kernel` for 2:4 sparsity"
    )
    assert sparse["key_results"] == ["2× faster", "Works on *all* models"]
    quiet = imported.records["quiet-quantization"]
    assert quiet["presentation"] == "spotlight" and quiet["authors_et_al"]
    assert quiet["links"][0]["url"] == "https://arxiv.org/abs/2601.00002"
    tutorial = imported.records["tutorial-on-distillation"]
    assert tutorial["presentation"] == "tutorial" and tutorial["affiliation"] == "Some Lab"
    written = write_plan(plan_import(tmp_path / "out", OTHER_LIST, "other.md", "tiny", ADDED))
    # Three records, the list file, and the collection's header a fresh folder needs to build.
    assert (tmp_path / "out" / "lists" / "tiny.yml") in written and len(written) == 5
    assert (tmp_path / "out" / "collection.yml") in written
    assert sorted(path.name for path in (tmp_path / "out" / "papers").iterdir()) == sorted(
        f"{paper_id}.yaml" for paper_id in imported.records
    )


def test_unknown_field_is_kept_as_a_labelled_note():
    """A label the format does not know is the curator's text all the same: a note under that label."""
    varied = OTHER_LIST.replace("- **Summary:** Short.", "- **Venue notes:** Short.")
    quiet = import_markdown(varied, "other.md", ADDED).records["quiet-quantization"]
    assert quiet["notes"] == [{"label": "Venue notes", "text": "Short."}]
    assert "summary" not in quiet


def test_reimport_keeps_hand_edits_and_adds_no_placement(project: Path):
    """Importing the same file again merges: a hand edit stays, nothing is duplicated or rewritten."""
    out = project / "out"
    source = project / "list.md"
    source.write_text(OTHER_LIST, encoding="utf-8")
    generator(project, "import-markdown", str(source), "--list", "tiny", "--out", str(out))
    record = out / "papers" / "quiet-quantization.yaml"
    record.write_text(record.read_text("utf-8") + "tags: [hand-edited]\n", encoding="utf-8")
    before = {path.name: path.read_bytes() for path in (out / "papers").iterdir()}
    again = generator(project, "import-markdown", str(source), "--list", "tiny", "--out", str(out))
    assert "0 new records; 0 placements added" in again.stdout and "wrote 0 files" in again.stdout
    assert {path.name: path.read_bytes() for path in (out / "papers").iterdir()} == before
    assert "hand-edited" in record.read_text("utf-8") and "also:" not in record.read_text("utf-8")
