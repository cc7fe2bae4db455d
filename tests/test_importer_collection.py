"""The importer on a collection of hand-written lists: every list, every variation, one record per paper.

The curator's three lists (copies in fixtures/lists/) must import completely, from
scratch and into one folder; hand-made lists mix every variation the full collection is
known to have; and random mixtures of Markdown lines must give either a list with
warnings or a clean refusal, never a traceback and never a lost word.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.findings import DataError
from generator.importer import (
    ImportedList,
    import_markdown,
    placements_of,
    plan_import,
    write_plan,
)
from generator.mdlist import ListError
from generator.text import repair_mojibake
from generator.vocabulary import award_for_marker, read_marker
from helpers import FIXTURES, collection_project, copy_project, generator, single_list_project

LISTS = FIXTURES / "lists"
ADDED = dt.date(2026, 11, 29)
REAL_LISTS = {"training": 42, "inference": 23, "rl": 12}
WORD = re.compile(r"[^\W_]+")
# Words the format writes around the curator's text: field labels, the wording of markers
# that become a field ("AWARD"), and "et al.", which becomes authors_et_al.
STRUCTURAL = frozenset(
    {"link", "links", "authors", "speakers", "summary", "key", "results", "award", "et", "al", "and"}
    # Labels of link fields whose bare URLs are named by their kind ("**Paper:** url" is an arXiv link).
    | {"url", "urls", "paper", "pdf", "arxiv", "openreview"}
    | {"collaborators", "note", "presentation"}
)
TOC_HEADING = re.compile(r"^#+\W*table of contents\s*$", re.IGNORECASE)
SECTION_NUMBER = re.compile(r"^ {0,3}#+\s+(?:\d+\.)+\d*\s+")


def _read(name: str) -> str:
    return (LISTS / name).read_text(encoding="utf-8")


def _import(name: str, list_id: str | None = None) -> ImportedList:
    return import_markdown(_read(name), name, ADDED, list_id=list_id or Path(name).stem)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.casefold()))


def _visible_lines(text: str) -> list[tuple[int, str]]:
    """Numbered lines a reader sees: HTML comments blanked, the table of contents left out."""
    without_comments = re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), repair_mojibake(text), flags=re.S)
    lines = []
    for number, line in enumerate(without_comments.splitlines(), start=1):
        if "](#" not in line and not TOC_HEADING.match(line):
            lines.append((number, SECTION_NUMBER.sub(" ", line)))
    return lines


def lost_words(text: str, imported: ImportedList) -> dict[int, set[str]]:
    """Words of the source (by line) found nowhere in the records or the list file."""
    have = _words(" ".join(_strings(imported.records)) + " " + " ".join(_strings(imported.list_file())))
    lost = {}
    for number, line in _visible_lines(text):
        if missing := _words(line) - have - STRUCTURAL:
            lost[number] = missing
    return lost


def _placement(imported: ImportedList, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and the placement of the list's ``index``-th paper."""
    record_id = imported.papers[index][0]
    occurrence = [paper[0] for paper in imported.papers[:index]].count(record_id)
    record = imported.records[record_id]
    mine = [p for p in placements_of(record) if p.get("list") == imported.list_id]
    return record, mine[occurrence]


def _facts_text(record: dict[str, Any]) -> str:
    facts = {key: value for key, value in record.items() if key not in ("summary", "key_results", "notes", "also")}
    return " ".join(_strings(facts))


# --------------------------------------------------------------------------- the curator's lists


@pytest.mark.parametrize(("name", "count"), sorted(REAL_LISTS.items()))
def test_each_list_imports_every_listing_in_order(name: str, count: int):
    imported = _import(f"{name}.md")
    assert len(imported.papers) == count and len(imported.records) == count
    lines = _read(f"{name}.md").splitlines()
    headings = [line for line in lines if line.startswith("#### ")]
    assert len(headings) == count
    for index, heading in enumerate(headings):
        record, _ = _placement(imported, index)
        assert heading.removeprefix("#### ").startswith(record["title"]), (heading, record["title"])
        assert lines[imported.papers[index][1] - 1] == heading
    positions = [(_placement(imported, i)[1]["category"], _placement(imported, i)[1]["position"]) for i in range(count)]
    assert len(set(positions)) == count and all(position % 10 == 0 for _, position in positions)


@pytest.mark.parametrize("name", sorted(REAL_LISTS))
def test_each_papers_links_authors_summary_and_results_are_intact(name: str):
    imported = _import(f"{name}.md")
    lines = _read(f"{name}.md").splitlines()
    for index, (_, start, end) in enumerate(imported.papers):
        record, placement = _placement(imported, index)
        block = lines[start : end + 1]
        urls = {url.rstrip(")") for line in block for url in re.findall(r"https?://[^\s|)]+\)?", line)}
        urls |= {
            f"https://arxiv.org/abs/{i}" for line in block for i in re.findall(r"(?<!\[)arXiv:(\d+\.\d+)(?!\])", line)
        }
        assert {link["url"] for link in record.get("links", [])} == urls, record["title"]
        for line in block:
            if match := re.match(r"- \*\*(?:Authors|Speakers):\*\* (.*)", line):
                names = [n for n in record["authors"] if n not in match[1]]
                assert not names and record["authors"], (record["title"], names)
            if match := re.match(r"- \*\*Summary:\*\* (.*)", line):
                assert placement["summary"].split("\n")[0] == match[1]
        results = [m[1] for line in block if (m := re.match(r"    - (.*)", line))]
        in_results = [line.strip() for line in block if "**Key Results:**" in line]
        assert placement.get("key_results", []) == (results if in_results else []), record["title"]


@pytest.mark.parametrize("name", sorted(REAL_LISTS))
def test_no_word_of_a_list_is_lost(name: str):
    """Every word of every paper's block is in that paper's record; the rest is in the list file."""
    imported = _import(f"{name}.md")
    lines = dict(_visible_lines(_read(f"{name}.md")))
    in_papers: set[int] = set()
    for index, (_, start, end) in enumerate(imported.papers):
        record, placement = _placement(imported, index)
        have = _words(_facts_text(record) + " " + " ".join(_strings(placement)))
        for number in range(start, end + 1):
            in_papers.add(number)
            assert not _words(lines.get(number, "")) - have - STRUCTURAL, (number, lines[number])
    have = _words(" ".join(_strings(imported.list_file())))
    for number, line in lines.items():
        if number not in in_papers:
            assert not _words(line) - have - STRUCTURAL, (number, line)


def test_variations_of_the_real_lists():
    rl = _import("rl.md")
    rlvr = rl.records["reinforcement-learning-with-verifiable-rewards-a-critical"]
    assert rlvr["award"] == "Runner-Up" and "RUNNER" not in rlvr["title"]
    assert rlvr["notes"] == [
        {
            "label": "Implications",
            "text": "- Distillation can introduce new reasoning patterns from teachers; RLVR cannot\n"
            "- Current RL paradigms need improvement—continual scaling and multi-turn agent-environment "
            "interaction may unlock this potential\n"
            "- Challenges foundational assumptions about RL's role in LLM reasoning",
        }
    ]
    assert "Implications" not in rlvr["summary"]
    deep = rl.records["1000-layer-networks-for-self-supervised-rl-scaling-depth-can"]
    assert deep["award"] == "Best Paper" and deep["title"].startswith("1000 Layer Networks")
    long_rl = rl.records["long-rl"]
    assert long_rl["authors"] == ["Yukang Chen", "Wei Huang", "Baifeng Shi", "Qinghao Hu"]
    assert long_rl["authors_et_al"] and long_rl["affiliation"] == "NVIDIA, UC Berkeley, HKU"

    inference = _import("inference.md")
    tpu = inference.records["smarter-llm-serving"]
    assert [note["label"] for note in tpu["notes"]] == ["Impact"]
    assert tpu["notes"][0]["text"].startswith("This development breaks the NVIDIA monopoly")
    assert "- **Pallas Kernels:** Rewrote key kernels" in tpu["summary"] and tpu["authors"] == [
        "Google & vLLM Team Collaboration"
    ]
    assert inference.records["the-ml-energy-benchmark"]["presentation"] == "spotlight"
    assert inference.records["certaindex"]["authors"] == ["UC Berkeley"]

    training = _import("training.md")
    assert [str(w) for w in training.warnings] == [
        "training.md:394:1: warning: text outside any '**Label:**' field; kept as a paragraph of the paper's Summary"
    ]
    assert "\n\nProvides a method to predict λ_opt" in training.records["power-lines"]["summary"]


def test_the_collections_index_is_refused_with_a_clear_message():
    with pytest.raises(ListError, match=r"^collection\.md:1: error: this is a collection's index") as error:
        _import("collection.md")
    assert "inference.md" in str(error.value) and "--list" in str(error.value)


@pytest.mark.parametrize("text", ["", "\n\n", "Just a paragraph.\n", "# Title\n\nIntro only.\n\n## A section\n"])
def test_a_document_without_papers_is_refused(text: str):
    with pytest.raises(ListError, match=r"^empty\.md:1: error: no papers found: expected a '#### Paper title'"):
        import_markdown(text, "empty.md", ADDED, list_id="empty")


# --------------------------------------------------------------------------- one folder, several lists


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _import_all(folder: Path) -> list[Any]:
    return [write_plan(plan_import(folder, _read(f"{name}.md"), f"{name}.md", name, ADDED)) for name in REAL_LISTS]


def test_three_lists_into_one_folder_share_records(tmp_path: Path):
    folder = tmp_path / "collection"
    _import_all(folder)
    records = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (folder / "papers").glob("*.yaml")}
    assert len(records) == sum(REAL_LISTS.values()) - 2

    acco = records["acco"]
    assert (acco["list"], acco["category"]) == ("training", "systems/distributed-communication-efficient-training")
    assert [(p["list"], p["category"]) for p in acco["also"]] == [("rl", "systems/communication-efficient-training")]
    assert acco["summary"].startswith("Modern LLM training requires sharded partitioning")
    assert acco["also"][0]["summary"].startswith("ACCO addresses communication overhead")
    assert len(acco["key_results"]) == 4 and "key_results" not in acco["also"][0]
    assert [link["url"] for link in acco["links"]] == [
        "https://hal.science/hal-04592562v3/file/neurips_acco.pdf",
        "https://openreview.net/forum?id=1qKUVyymXs",
    ]
    assert acco["authors"][-1] == "Edouard Oyallon" and len(acco["authors"]) == 6

    numerical = records["understanding-and-mitigating-numerical-sources"]
    assert numerical["list"] == "training" and numerical["presentation"] == "oral"
    assert [(p["list"], p["category"]) for p in numerical["also"]] == [("inference", "systems/inference-reliability")]
    assert numerical["summary"].startswith("Floating-point non-associativity")
    assert numerical["also"][0]["summary"].startswith("This paper presents the first systematic investigation")
    assert len(numerical["links"]) == 2

    shared = {pid for pid, record in records.items() if record.get("also")}
    assert shared == {"acco", "understanding-and-mitigating-numerical-sources"}
    lists = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (folder / "lists").glob("*.yml")}
    assert sorted(lists) == sorted(REAL_LISTS)
    assert lists["rl"]["output"] == "lists/rl.md" and lists["rl"]["overview"] == ""
    assert lists["inference"]["title"] == "NeurIPS 2025: Inference & Serving"
    assert [s["id"] for s in lists["rl"]["sections"]] == ["systems", "system-algorithm-co-design", "algorithm"]


def test_a_wrong_shared_arxiv_id_is_reported_with_both_places_not_merged(tmp_path: Path):
    folder = tmp_path / "collection"
    write_plan(plan_import(folder, _read("training.md"), "training.md", "training", ADDED))
    plan = plan_import(folder, _read("inference.md"), "inference.md", "inference", ADDED)
    messages = [str(warning) for warning in plan.imported.warnings]
    assert any(
        m.startswith("inference.md:88:1: warning: 'The ML.ENERGY Benchmark")
        and "collection/papers/communication-efficient-language-model-training-scales.yaml" in m
        for m in messages
    ), messages
    assert "the-ml-energy-benchmark" in plan.imported.new_records


def test_reimporting_every_list_changes_nothing(tmp_path: Path):
    folder = tmp_path / "collection"
    _import_all(folder)
    before = _snapshot(folder)
    assert _import_all(folder) == [[], [], []]
    assert _snapshot(folder) == before


def test_reimporting_an_edited_list_updates_its_placements(tmp_path: Path):
    folder = tmp_path / "collection"
    _import_all(folder)
    edited = (
        _read("rl.md")
        .replace("ACCO addresses communication overhead", "ACCO, reread, addresses communication overhead")
        .replace(
            "#### Act Only When It Pays",
            "#### Brand New Paper\n\n- **Summary:** New.\n\n---\n\n#### Act Only When It Pays",
        )
    )
    cut = edited.index("#### Compute-Optimal Scaling")
    edited = edited[:cut]
    plan = plan_import(folder, edited, "rl.md", "rl", ADDED)
    write_plan(plan)
    assert plan.imported.new_records == ["brand-new-paper"]
    # ACCO's text, and the two papers after the new one, which moved down a place.
    assert plan.imported.placements_added == 0 and plan.imported.placements_updated == 3
    acco = yaml.safe_load((folder / "papers" / "acco.yaml").read_text("utf-8"))
    assert len(acco["also"]) == 1 and acco["also"][0]["summary"].startswith("ACCO, reread,")
    act = yaml.safe_load((folder / "papers" / "act-only-when-it-pays-efficient-rl-for-llm-reasoning.yaml").read_text())
    assert act["position"] == 30 and "also" not in act
    gone = "compute-optimal-scaling-for-value-based-deep-rl"
    assert any(gone in str(w) and "no longer holds it" in str(w) for w in plan.imported.warnings)
    assert (folder / "papers" / f"{gone}.yaml").is_file()


def test_a_single_list_becomes_a_collection_and_takes_a_second_list(tmp_path: Path):
    """The one-command migration, then an import that adds a placement to a record already there."""
    project = single_list_project(tmp_path / "project")
    papers = project / "entries" / "papers"
    untouched = _snapshot(project / "entries")
    refused = generator(project, "import-markdown", str(LISTS / "rl.md"), "--list", "rl", check=False)
    assert refused.returncode == 1 and "make-collection --list ID" in refused.stderr
    assert _snapshot(project / "entries") == untouched
    acco_text = (papers / "acco.yaml").read_text("utf-8")

    generator(project, "make-collection", "--list", "training")
    assert not (project / "entries" / "taxonomy.yml").exists()
    # One line is added to each record; the rest of the file stays as written.
    migrated = (papers / "acco.yaml").read_text("utf-8")
    assert migrated.replace("list: training\n", "", 1) == acco_text
    assert generator(project, "validate").returncode == 0
    before = _snapshot(papers)

    result = generator(project, "import-markdown", str(LISTS / "rl.md"), "--list", "rl", "--added", "2026-11-29")
    assert "11 new records; 1 placements added" in result.stdout
    acco = yaml.safe_load((papers / "acco.yaml").read_text("utf-8"))
    assert acco["list"] == "training" and acco["category"] == "systems/distributed-communication-efficient-training"
    assert acco["also"][0]["list"] == "rl" and acco["tags"] == ["communication", "memory"]
    after = _snapshot(papers)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"acco.yaml"} and len(after) == len(before) + 11
    assert (project / "entries" / "lists" / "rl.yml").is_file()
    assert generator(project, "validate").returncode == 0


def test_the_collections_index_gives_its_title_order_and_overviews(tmp_path: Path):
    project = collection_project(tmp_path / "project")
    result = generator(project, "import-index", str(LISTS / "collection.md"))
    # Parts that are not the collection's data are named, with their line.
    assert "collection.md:7:1: warning: '📊 NeurIPS 2025 Statistics' is not a list's overview" in result.stderr
    assert "list 'architecture' (architecture.md) is not in the collection yet" in result.stderr
    header = yaml.safe_load((project / "entries" / "collection.yml").read_text("utf-8"))
    assert header["title"] == "NeurIPS 2025: ML Systems" and header["lists"] == ["inference", "rl", "training"]
    assert header["description"].startswith("A curated collection of **NeurIPS 2025** papers focused on")
    rl_text = (project / "entries" / "lists" / "rl.yml").read_text("utf-8")
    assert "label: 🎮 RL\n" in rl_text, "a person editing the file reads the emoji, not an escape"
    rl = yaml.safe_load(rl_text)
    assert rl["label"] == "🎮 RL" and rl["summary"] == "RL training infrastructure, policy optimization, scaling"
    assert rl["overview"].startswith("RL systems and algorithms for LLM training:\n\n- **Training Infrastructure**")
    generator(project, "build")
    readme = (project / "README.md").read_text("utf-8")
    assert "| [🎮 RL](lists/rl.md) | RL training infrastructure, policy optimization, scaling | 12 |" in readme
    # Importing the generated README again changes nothing.
    again = generator(project, "import-index", str(project / "README.md"))
    assert "0 files updated" in again.stdout


def test_an_unreadable_record_stops_the_import_before_anything_is_written(project: Path):
    papers = project / "entries" / "papers"
    (papers / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    before = _snapshot(project / "entries")
    result = generator(project, "import-markdown", str(LISTS / "rl.md"), "--list", "rl", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "entries/papers/broken.yaml:1:8: error: YAML syntax" in result.stderr
    assert _snapshot(project / "entries") == before
    with pytest.raises(DataError):
        plan_import(project / "entries", _read("rl.md"), "rl.md", "rl", ADDED)


def test_hand_edited_records_of_odd_shapes_are_merged_or_left_alone(tmp_path: Path):
    """Records edited by hand (or by a stranger's pull request) never make the import fail."""
    papers = tmp_path / "collection" / "papers"
    papers.mkdir(parents=True)
    (papers / "odd-acco.yaml").write_text(
        "title: 'ACCO: Accumulate While You Communicate for Communication-Overlapped Sharded LLM Training'\n"
        "list: [one, two]\nauthors: Adel Nabli\nauthor_affiliations: {Adel Nabli: 5}\n"
        "links: [https://example.org, {url: 5}]\ntags: [{odd: tag}]\nadded: not a date\n"
        "also: [{list: [three]}]\n",
        encoding="utf-8",
    )
    (papers / "number-title.yaml").write_text(
        "title: 12345\nlinks: [{label: x, url: 'https://arxiv.org/abs/2503.14858'}]\n", encoding="utf-8"
    )
    folder = tmp_path / "collection"
    plan = plan_import(folder, _read("rl.md"), "rl.md", "rl", ADDED)
    write_plan(plan)
    odd = yaml.safe_load((papers / "odd-acco.yaml").read_text("utf-8"))
    assert odd["authors"] == "Adel Nabli" and odd["tags"] == [{"odd": "tag"}] and odd["list"] == ["one", "two"]
    assert [p.get("list") for p in odd["also"]] == [["three"], "rl"]
    assert odd["links"][-1] == {"label": "OpenReview", "url": "https://openreview.net/forum?id=1qKUVyymXs"}
    messages = " ".join(str(w) for w in plan.imported.warnings)
    assert "not a list of names in the record; left as they are" in messages
    assert "same arXiv id 2503.14858 as '12345'" in messages
    assert plan_import(folder, _read("rl.md"), "rl.md", "rl", ADDED).files == {}


def test_the_command_refuses_cleanly(project: Path):
    index = generator(project, "import-markdown", str(LISTS / "collection.md"), "--list", "everything", check=False)
    assert index.returncode == 1 and "collection.md:1: error: this is a collection's index" in index.stderr
    bad_id = generator(project, "import-markdown", str(LISTS / "rl.md"), "--list", "RL Papers", check=False)
    assert bad_id.returncode == 1 and "list id 'RL Papers' must be lowercase kebab-case" in bad_id.stderr
    assert "Traceback" not in index.stderr + bad_id.stderr
    assert "import-index" in index.stderr


# --------------------------------------------------------------------------- hand-made variations


def _warnings(imported: ImportedList) -> list[tuple[int, str]]:
    return [(warning.line, warning.message) for warning in imported.warnings]


def test_variations_a_sections_tracks_speakers_and_recognitions():
    imported = _import("variations-a.md")
    records = imported.records
    assert imported.taxonomy["title"] == "ICLR 2026: 🧪 Efficient Things"
    assert [(s["id"], [x["id"] for x in s["subsections"]]) for s in imported.taxonomy["sections"]] == [
        ("tutorials", []),
        ("methods", ["pruning", "talks"]),
    ]
    tutorial = records["scaling-systems-for-everyone"]
    assert (tutorial["category"], tutorial["presentation"]) == ("tutorials", "tutorial")
    assert tutorial["authors"] == ["Google DeepMind", "Meta FAIR"]
    assert tutorial["links"] == [
        {"label": "NeurIPS 2025 Main Track"},
        {"label": "example.org", "url": "https://example.org/tutorial"},
    ]
    assert tutorial["summary"] == "A tutorial on scaling.\nIt spans two lines."
    assert (tutorial["venue"], tutorial["year"]) == ("ICLR", 2026)
    data = records["data-loading-at-scale"]
    assert data["award"] == "Best Paper (Datasets & Benchmarks Track)" and data["title"] == "Data Loading at Scale"
    assert data["affiliation"] == "Analytical Society" and data["authors_et_al"] is True
    assert data["notes"] == [{"label": "Impact", "text": "Everyone loads data faster now."}]
    sparse = records["sparse-thing"]
    assert (sparse["category"], sparse["position"], sparse["award"]) == ("methods/pruning", 10, "Runner-Up")
    assert sparse["notes"] == [{"label": "Implications", "text": "- Smaller models\n- Faster inference"}]
    assert sparse["key_results"] == ["2× faster"] and sparse["summary"] == "Prunes things."
    assert records["another-pruner"]["award"] == "Best Paper"
    assert records["oral-thing"]["presentation"] == "oral"
    assert records["spotlit-thing"]["presentation"] == "spotlight"
    starred = records["starred-thing"]
    assert starred["title"] == "Starred Thing" and starred["notes"] == [
        {"label": "Note", "text": "⭐ **EDITORS PICK**"}
    ]
    assert imported.taxonomy["description"].endswith(
        "**🔗 Related Resources**\n\n- [Schedule](https://example.org/schedule)\n- [Main repository](../README.md)"
    )
    lines = [line for line, _ in _warnings(imported)]
    assert lines == [20, 74, 80]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_variations_b_shifted_levels_paragraph_fields_and_stray_text(newline: str):
    text = _read("variations-b.md").replace("\n", newline)
    imported = import_markdown(text, "variations-b.md", ADDED, list_id="b")
    assert imported.taxonomy["title"] == "b" and imported.taxonomy["description"] == "Text before any heading."
    assert [s["id"] for s in imported.taxonomy["sections"]] == [
        "papers-2",
        "part-one",
    ]  # "papers" is the site's own folder
    records = imported.records
    assert records["a-paper-before-any-section"]["category"] == "papers-2"
    shifted = records["shifted-paper"]
    assert shifted["category"] == "part-one/subpart"
    assert shifted["author_affiliations"] == {"Alan Turing": "Bletchley Park", "Joan Clarke": "GCHQ"}
    assert shifted["links"] == [{"label": "arXiv:2603.00001", "url": "https://arxiv.org/abs/2603.00001"}]
    assert shifted["summary"] == ("A summary paragraph after a blank line.\n\n```python\n# not a heading\nx = 1\n```")
    assert shifted["key_results"] == ["first result", "second result\n  continued after a tab"]
    assert shifted["notes"] == [{"label": "Note", "text": "Stray text after the rule."}]
    second = records["second-shifted-paper"]
    assert [link["label"] for link in second["links"]] == ["Paper", "Code"]
    assert _warnings(imported) == [
        (1, "no '# Title' line at the top of the list"),
        (5, "a paper before any section heading; placed in a section 'Papers'"),
        (35, "text after the '---' that ends a paper, before the next heading; kept with the paper above"),
        (35, "text outside any '**Label:**' field; kept as a note"),
    ]


def test_variations_c_duplicates_subheadings_broken_links_and_placeholders():
    imported = _import("variations-c.md")
    records = imported.records
    assert [(s["id"], [x["id"] for x in s["subsections"]]) for s in imported.taxonomy["sections"]] == [
        ("things", ["stuff", "stuff-2"]),
        ("things-2", ["empty-placeholder"]),
    ]
    assert imported.taxonomy["description"] == "**Summary:** a section intro written like a field."
    duplicate = records["duplicate-paper"]
    # A list shows a paper once: the second listing's text joins the first placement.
    assert [p["category"] for p in placements_of(duplicate)] == ["things/stuff"]
    assert duplicate["notes"] == [
        {"label": "Summary", "text": "Second text."},
        {"label": "Summary", "text": "A second summary."},
    ]
    assert (duplicate["award"], duplicate["presentation"]) == ("Best Paper", "poster")
    assert duplicate["summary"] == "First text.\n\nA heading with no text is above this line."
    sub = records["paper-with-subheadings"]
    assert sub["key_results"] == ["one", "two"]
    assert sub["notes"] == [{"label": "Reviewer Comments", "text": "Loved it."}]
    wrong = records["links-gone-wrong"]
    assert wrong["category"] == "things-2"
    assert wrong["links"] == [
        {"label": "example.org", "url": "https://example.org/y"},
        {"label": "[bad](javascript:alert(1))"},
        {"label": "plain words"},
    ]
    assert wrong["notes"] == [
        {"label": "Link", "text": "see https://example.org/y for details"},
        {"label": "Note", "text": "- A loose bullet with no label."},
    ]
    assert wrong["summary"] == "Wrong links.\n\nA loose bullet after the summary."
    assert [line for line, _ in _warnings(imported)] == [7, 16, 18, 18, 33, 37, 47, 47, 47, 48, 50, 54]


@pytest.mark.parametrize(
    "name", ["variations-a.md", "variations-b.md", "variations-c.md", *(f"{n}.md" for n in REAL_LISTS)]
)
def test_no_word_of_any_fixture_list_is_lost(name: str):
    assert lost_words(_read(name), _import(name)) == {}


# --------------------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    ("marker", "icon", "expected"),
    [
        ("BEST PAPER AWARD", "🏆", ("award", "Best Paper")),
        ("BEST PAPER", "🏆", ("award", "Best Paper")),
        ("RUNNER-UP AWARD", "🥈", ("award", "Runner-Up")),
        ("BEST PAPER AWARD (Datasets & Benchmarks Track)", "🏆", ("award", "Best Paper (Datasets & Benchmarks Track)")),
        ("BEST PAPER (DATASETS & BENCHMARKS TRACK) AWARD", "", ("award", "Best Paper (Datasets & Benchmarks Track)")),
        ("READER'S CHOICE PRIZE", "", ("award", "Reader's Choice Prize")),
        ("FIRST PLACE", "🥇", ("award", "First Place")),
        ("SPOTLIGHT", "🔦", ("presentation", "spotlight")),
        ("Oral presentation", "", ("presentation", "oral")),
        ("EDITORS PICK", "⭐", None),
    ],
)
def test_markers_are_read_through_the_vocabulary(marker: str, icon: str, expected: tuple[str, str] | None):
    assert read_marker(marker, icon) == expected


def test_award_words_alone_do_not_make_an_award():
    assert award_for_marker("NEW") is None and award_for_marker("AWARD") is None


# --------------------------------------------------------------------------- fuzzing

_WORDS = st.sampled_from(
    [
        "Alpha", "beta", "Gamma:", "1.", "2.1", "🏆", "**", "*", "[x](https://a.org/b)", "(Oral)", "(Org)",
        "https://arxiv.org/abs/2501.00001", "https://openreview.net/forum?id=abc", "arXiv:2502.00002",
        "et al.", "|", ",", "σ", "—", "#", "AWARD", "**BEST PAPER**", "🥈 **RUNNER-UP AWARD**", "(Tutorial)",
        "Link", "Summary", ":", "(", ")", "[", "]", "\t", "zeta9",
    ]
) | st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]), max_size=6)  # fmt: skip
_TEXT = st.lists(_WORDS, max_size=6).map(" ".join)
_LABELS = st.sampled_from(
    ("Link", "Links", "Authors", "Speakers", "Summary", "Key Results", "Impact", "Implications", "Award", "Code")
) | st.sampled_from(("Paper", "Presentation", "Key Findings", "Abstract"))
_LINE = st.one_of(
    st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 7), _TEXT),
    st.builds(lambda indent, text: " " * indent + "- " + text, st.integers(0, 6), _TEXT),
    st.builds(lambda i, label, text: f"{' ' * i}- **{label}:** {text}", st.integers(0, 6), _LABELS, _TEXT),
    st.builds(lambda label, text: f"**{label}:** {text}", _LABELS, _TEXT),
    st.sampled_from(["", "---", "***", "<!-- c -->", "<!--", "-->", "<!-- a", "b --> tail", "```", "| a | b |"]),
    _TEXT,
)
_DOCUMENT = st.lists(_LINE, max_size=30).map("\n".join)


@settings(
    max_examples=200 if os.environ.get("CI") == "true" else 50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_DOCUMENT)
def test_any_mixture_of_lines_imports_cleanly_without_losing_a_word(text: str):
    try:
        imported = import_markdown(text, "fuzz.md", ADDED, list_id="fuzz")
    except ListError as error:
        assert str(error).startswith("fuzz.md:1: error: ")
        return
    line_count = max(1, len(text.splitlines()))
    assert all(w.path == "fuzz.md" and 1 <= w.line <= line_count for w in imported.warnings)
    assert len(imported.papers) >= len(imported.records) >= 1
    assert lost_words(text, imported) == {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT, _DOCUMENT)
@example("", "#### 🏆")  # a title with no words in it must still match itself on a re-import
def test_any_two_lists_merge_into_a_folder_and_reimport_idempotently(first: str, second: str):
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        imports = [(first, "one"), (second, "two")]
        for text, list_id in [*imports, *imports]:
            try:
                write_plan(plan_import(folder, text, f"{list_id}.md", list_id, ADDED))
            except ListError:
                continue
        for text, list_id in imports:
            try:
                assert plan_import(folder, text, f"{list_id}.md", list_id, ADDED).files == {}
            except ListError:
                continue


def test_a_list_imported_into_an_empty_project_validates_and_builds(tmp_path: Path):
    """From nothing: the import writes the collection's header too, so the project builds at once."""
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "entries")
    (project / "entries").mkdir()
    text = "# A List Without an Intro\n\n#### Lonely Paper: Before Any Section\n\n- **Link:** https://arxiv.org/abs/2601.00009\n"
    source = tmp_path / "lonely.md"
    source.write_text(text, "utf-8")
    generator(project, "import-markdown", str(source), "--list", "lonely")
    header = yaml.safe_load((project / "entries" / "collection.yml").read_text("utf-8"))
    assert header == {"title": "A List Without an Intro", "lists": ["lonely"]}
    assert generator(project, "validate").returncode == 0
    generator(project, "build")
    assert "Lonely Paper" in (project / "lists" / "lonely.md").read_text("utf-8")
    # The collection's own index can follow.
    index = tmp_path / "index.md"
    table = "| List | About | Papers |\n|--|--|--|\n| [Lonely](lonely.md) | one paper | 1 |\n"
    index.write_text(f"# My Collection\n\nAll my lists.\n\n{table}", "utf-8")
    generator(project, "import-index", str(index))
    assert yaml.safe_load((project / "entries" / "collection.yml").read_text("utf-8"))["title"] == "My Collection"
