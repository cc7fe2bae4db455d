"""`python -m generator validate`: one precise finding per kind of bad record, in every format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import fastjsonschema
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.validate import paper_gate, paper_schema, paper_validator
from helpers import REPO, copy_project, generator

GOOD = """\
title: A Perfectly Fine Paper
category: systems/long-context-training
authors:
  - Ada Lovelace
year: 2025
links:
  - label: arXiv:2601.00001
    url: https://arxiv.org/abs/2601.00001
summary: Fine.
"""

# name -> (record text, expected "line:col: severity: message" pattern)
ERRORS = {
    "yaml-syntax": ("title: 'unclosed\ncategory: x/y\n", r":\d+:\d+: error: YAML syntax"),
    "missing-category": ("title: A Paper\n", r":1:1: error: missing required field 'category'"),
    "unknown-field": (GOOD + "summry: typo\n", r":\d+:1: error: unknown field 'summry'; did you mean 'summary'\?"),
    "wrong-type": (GOOD.replace("year: 2025", "year: twenty"), r":5:1: error: 'year' must be of type integer"),
    "bad-category": (
        GOOD.replace("systems/long-context-training", "systems/long-context"),
        r":2:1: error: unknown category 'systems/long-context'; did you mean "
        r"'systems/long-context-training'\?",
    ),
    "Bad_Name": (GOOD, r":1:1: error: file name 'Bad_Name.yaml' must be a lowercase kebab-case id"),
    "ftp-link": (
        GOOD.replace("https://arxiv.org/abs/2601.00001", "ftp://example.org/p.pdf"),
        r":8:5: error: link URL 'ftp://example.org/p.pdf' must start with http:// or https://",
    ),
    "html-summary": (
        GOOD.replace("summary: Fine.", "summary: Look <img src=x onerror=alert(1)>"),
        r":9:1: error: 'summary' contains raw HTML",
    ),
    "script-title": (
        GOOD.replace("A Perfectly Fine Paper", "Paper <script>alert(1)</script>"),
        r":1:1: error: 'title' contains raw HTML",
    ),
    "js-markdown-link": (
        GOOD.replace("summary: Fine.", "summary: See [this](javascript:alert(1))."),
        r":9:1: error: 'summary' links to 'javascript:alert\(1'",
    ),
    "image": (
        GOOD.replace("summary: Fine.", "summary: '![x](https://tracker.example/p.png)'"),
        r":9:1: error: 'summary' embeds an image",
    ),
    "control-char": (
        GOOD.replace("Ada Lovelace", '"Ada\\u0007 Lovelace"'),
        r":4:5: error: 'authors.0' contains the control character '\\x07'",
    ),
    "mojibake": (
        GOOD.replace("summary: Fine.", "summary: up to 1.67√ó faster"),
        r":9:1: error: 'summary' contains mis-decoded text",
    ),
    "too-long": (GOOD.replace("summary: Fine.", "summary: " + "word " * 1200), r":9:1: error: 'summary' is too long"),
    "duplicate-arxiv": (
        GOOD.replace("A Perfectly Fine Paper", "Another Title").replace("2601.00001", "2510.27257"),
        r":8:5: error: the same paper is already listed in "
        r"entries/papers/\S+ \(same arXiv id 2510\.27257\)",
    ),
    "duplicate-title": (
        GOOD.replace("A Perfectly Fine Paper", "gated attention for large-language models!"),
        r":1:1: error: the same paper is already listed in "
        r"entries/papers/gated-attention-for-large-language-models\.yaml \(same title\)",
    ),
}


def _validate(project: Path, *args: str):
    return generator(project, "validate", *args, check=False)


def test_the_committed_data_has_no_errors():
    result = _validate(REPO)
    assert result.returncode == 0, result.stdout
    assert "warning:" in result.stdout


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_each_kind_of_bad_record_gets_its_own_message(project: Path, name: str):
    text, expected = ERRORS[name]
    (project / "entries" / "papers" / f"{name}.yaml").write_text(text, encoding="utf-8")
    result = _validate(project)
    assert result.returncode == 1, result.stdout
    pattern = rf"entries/papers/{re.escape(name)}\.yaml{expected}"
    assert re.search(pattern, result.stdout), f"{pattern}\n{result.stdout}{result.stderr}"
    build = generator(project, "build", check=False)
    assert build.returncode == 1 and "nothing was written" in build.stderr


def test_warnings_name_the_seed_gaps():
    out = _validate(REPO).stdout
    assert out.count("no authors listed") == 17
    assert (
        "entries/papers/dusa.yaml:10:3: warning: link https://neurips.cc/virtual/2025/loc/san-diego/calendar "
        "points at the conference's general page" in out
    )
    assert out.count("is a 2024 conference page but the record says year 2025") == 2
    assert out.count("also starts 'DAPO:'") == 2
    assert (
        len(re.findall(r"points at (?:the conference|a site's home|a page listing|a news post|an organisation)", out))
        == 13
    )


def test_strict_fails_on_warnings_and_warnings_never_block_a_build(project: Path):
    assert _validate(project).returncode == 0
    assert _validate(project, "--strict").returncode == 1
    assert generator(project, "build").returncode == 0


def test_github_format_annotates_the_diff(project: Path):
    (project / "entries" / "papers" / "bad.yaml").write_text(ERRORS["bad-category"][0], encoding="utf-8")
    out = _validate(project, "--format", "github").stdout
    assert (
        "::error file=entries/papers/bad.yaml,line=2,col=1::unknown category 'systems/long-context'; "
        "did you mean 'systems/long-context-training'?"
    ) in out
    assert "::warning file=entries/papers/dusa.yaml,line=10,col=3::" in out


def test_github_format_reports_syntax_errors_too(project: Path):
    (project / "entries" / "papers" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    result = _validate(project, "--format", "github")
    assert result.returncode == 1
    assert "::error file=entries/papers/broken.yaml,line=2" in result.stdout


def test_json_format_is_machine_readable(project: Path):
    (project / "entries" / "papers" / "bad.yaml").write_text(ERRORS["bad-category"][0], encoding="utf-8")
    findings = json.loads(_validate(project, "--format", "json").stdout)
    error = next(f for f in findings if f["severity"] == "error")
    assert error == {
        "path": "entries/papers/bad.yaml",
        "line": 2,
        "column": 1,
        "severity": "error",
        "message": "unknown category 'systems/long-context'; did you mean 'systems/long-context-training'?",
        "rule": "",
    }
    assert {f["rule"] for f in findings if f["severity"] == "warning"} >= {"no-authors", "generic-link"}


def test_new_writes_a_record_that_validates_and_never_overwrites(project: Path):
    args = [
        "new",
        "--title",
        "Muon: Orthogonal Updates at Scale",
        "--category",
        "algorithm/hyperparameter-scaling-laws",
        "--link",
        "https://arxiv.org/abs/2502.16982",
        "--author",
        "Jane Doe",
        "--author",
        "John Roe",
        "--added",
        "2026-11-22",
    ]
    first = generator(project, *args)
    path = project / "entries" / "papers" / "muon.yaml"
    assert "muon.yaml" in first.stdout and path.is_file()
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "- Jane Doe\n- John Roe" in text and "year: 2025" in text
    findings = json.loads(_validate(project, "--format", "json").stdout)
    assert [f for f in findings if f["path"].endswith("muon.yaml") and f["severity"] == "error"] == []
    second = generator(project, *args, check=False)
    assert second.returncode == 1
    assert "the same paper is already listed in entries/papers/muon.yaml (same title)" in second.stderr
    assert not (project / "entries" / "papers" / "muon-orthogonal-updates-at-scale.yaml").exists()
    assert path.read_text("utf-8") == text
    clash = generator(project, *args, "--id", "muon", check=False)
    assert clash.returncode == 1 and "already exists" in clash.stderr
    assert path.read_text("utf-8") == text


def test_new_refuses_an_unknown_category_and_writes_nothing(project: Path):
    before = sorted((project / "entries" / "papers").iterdir())
    result = generator(project, "new", "--title", "X Paper", "--category", "algorithm/hyperparams", check=False)
    assert result.returncode == 2
    assert "did you mean 'algorithm/hyperparameter-scaling-laws'?" in result.stderr
    assert sorted((project / "entries" / "papers").iterdir()) == before


def test_data_quality_page_lists_gaps_with_edit_links(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    generator(project, "build")
    page = (project / "docs" / "quality.md").read_text("utf-8")
    assert "[Authors missing](#no-authors) (17)" in page
    assert "[Links that do not lead to the paper](#generic-link) (13)" in page
    assert "/edit/main/entries/papers/dusa.yaml" in page


def test_contributing_field_reference_follows_the_schema():
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    for name, spec in paper_schema()["properties"].items():
        assert f"| `{name}` |" in text, name
        assert spec["description"].split(":")[0].replace("<", "&lt;") in text, name


# Values a contributor could plausibly write for a field, right and wrong.
_ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 3000)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "2025-02-30",
            "0000-01-01",
            "2025-12-01",
            "2025-1-1",
            "https://arxiv.org/abs/2501.00001",
            "ftp://x",
            "systems/long-context-training",
            "oral",
            "x" * 301,
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["label", "url", "name", "x"]), children, max_size=3)
    ),
    max_leaves=6,
)


@given(
    st.dictionaries(st.sampled_from([*paper_schema()["properties"], "summry"]), _ANY_VALUE, max_size=6).map(
        lambda record: {"title": "A Paper", "category": "systems/long-context-training", **record}
    )
)
@example({"title": "A Paper", "category": "systems/long-context-training", "added": "0000-01-01"})
@example({"title": "A Paper", "category": "systems/long-context-training", "added": "2025-02-30"})
@settings(deadline=None)
def test_the_compiled_gate_accepts_exactly_what_jsonschema_accepts(record: dict):
    """The fast path must never let through a record that the precise validator would reject."""
    try:
        paper_gate()(record)
        gate_accepts = True
    except fastjsonschema.JsonSchemaException:
        gate_accepts = False
    assert gate_accepts == (not list(paper_validator().iter_errors(record))), record
