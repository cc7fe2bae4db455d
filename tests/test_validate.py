"""`python -m generator validate`: one precise finding per kind of bad record, in every format."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.findings import DataError, Rule, format_findings
from generator.load import load_document, load_entries
from generator.model import markdown_texts
from generator.schemas import PAPER, schema
from generator.text import RESERVED_IDS, id_problem, paper_id_for
from generator.validate import check_text, is_markdown_field, schema_gate, schema_validator, validate
from helpers import REPO, SINGLE_LIST, generator, single_list_project

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
        r":9:1: error: 'summary' contains raw HTML, which Markdown fields do not allow; use Markdown",
    ),
    "script-title": (
        GOOD.replace("A Perfectly Fine Paper", "Paper <script>alert(1)</script>"),
        # A title is plain text: Markdown would not help, and backticks would show as written.
        r":1:1: error: 'title' contains raw HTML, which plain-text fields do not allow; delete the tags",
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
        r"entries/papers/\S+ \(same arXiv id 2510\.27257, though the titles differ: "
        r"if they are different papers, one of the links is wrong\)",
    ),
    "duplicate-title": (
        GOOD.replace("A Perfectly Fine Paper", "gated attention for large-language models!"),
        r":1:1: error: the same paper is already listed in "
        r"entries/papers/gated-attention-for-large-language-models\.yaml \(same title\)",
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of one list: these tests check validate and new on that layout (test_collection on a collection)."""
    return single_list_project(tmp_path / "project")


def _validate(project: Path, *args: str):
    return generator(project, "validate", *args, check=False)


def test_the_committed_data_has_no_errors():
    result = _validate(REPO, "--verbose")
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


def test_warnings_name_the_seed_gaps(project: Path):
    out = _validate(project, "--verbose").stdout
    assert out.count("no authors listed") == 17
    assert (
        "entries/papers/dusa.yaml:10:3: warning: link https://neurips.cc/virtual/2025/loc/san-diego/calendar "
        "points at the conference's general page" in out
    )
    assert out.count("is a 2024 conference page but the record says year 2025") == 2
    assert out.count("also starts 'DAPO:'") == 2
    # Two papers, or one paper two lists titled differently: the warning gives the fix for each.
    assert (
        "also starts 'DAPO:' (entries/papers/dapo-an-open-source-llm-reinforcement-learning-system-at.yaml); "
        "if it is the same paper, keep one record and delete the other; "
        "if not, make sure the full titles tell them apart" in out
    )
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
    out = _validate(project, "--format", "github", "--verbose").stdout
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
        "rule": "unknown-category",
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
    project = single_list_project(tmp_path / "p")
    generator(project, "build")
    page = (project / "docs" / "quality.md").read_text("utf-8")
    assert "[Authors missing](#no-authors) (17)" in page
    assert "[Links that do not lead to the paper](#generic-link) (13)" in page
    assert "/edit/main/entries/papers/dusa.yaml" in page


def test_contributing_field_reference_follows_the_schema():
    from generator.schemas import PAPER, schema
    from generator.views import COLLECTION_FIELDS

    # The shipped project is a collection: its reference names the placement fields too.
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    assert COLLECTION_FIELDS
    for name, spec in schema(PAPER)["properties"].items():
        assert f"| `{name}` |" in text, name
        assert spec["description"].split(":")[0].split("{")[0].replace("<", "&lt;") in text, name


def test_a_single_lists_field_reference_leaves_out_the_placement_fields(project: Path):
    from generator.views import COLLECTION_FIELDS

    generator(project, "build")
    text = (project / "CONTRIBUTING.md").read_text("utf-8")
    assert "| `category` |" in text
    for name in COLLECTION_FIELDS:
        assert f"| `{name}` |" not in text, name


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
    st.dictionaries(st.sampled_from([*schema(PAPER)["properties"], "summry"]), _ANY_VALUE, max_size=6).map(
        lambda record: {"title": "A Paper", "category": "systems/long-context-training", **record}
    )
)
@example({"title": "A Paper", "category": "systems/long-context-training", "added": "0000-01-01"})
@example({"title": "A Paper", "category": "systems/long-context-training", "added": "2025-02-30"})
# Many examples on CI; day to day, the profile's few.
@settings(max_examples=400 if os.environ.get("CI") == "true" else 60, deadline=None)
def test_the_compiled_gate_accepts_exactly_what_jsonschema_accepts(record: dict):
    """The fast path must never let through a record that the precise validator would reject."""
    gate_accepts = schema_gate("paper")(record)
    assert gate_accepts == (not list(schema_validator("paper").iter_errors(record))), record


# --- Hostile input: every case below gets a finding with file:line:col, never a traceback. ---

GATED = SINGLE_LIST / "papers" / "gated-attention-for-large-language-models.yaml"


def _entries(folder: Path, papers: dict[str, str], taxonomy: str | None = None, tags: str | None = None) -> Path:
    """A small data folder: the shipped taxonomy and tags (or the given ones), one shipped record, ``papers``."""
    entries = folder / "entries"
    (entries / "papers").mkdir(parents=True)
    (entries / "taxonomy.yml").write_text(taxonomy or (SINGLE_LIST / "taxonomy.yml").read_text("utf-8"), "utf-8")
    (entries / "tags.yml").write_text(tags or (SINGLE_LIST / "tags.yml").read_text("utf-8"), "utf-8")
    (entries / "papers" / GATED.name).write_bytes(GATED.read_bytes())
    for name, text in papers.items():
        (entries / "papers" / f"{name}.yaml").write_text(text, "utf-8")
    return entries


def _report(entries: Path, style: str = "text") -> str:
    """What `validate` reports, through the public API."""
    try:
        findings = validate(load_entries(entries))
    except DataError as error:
        findings = error.findings
    return format_findings(findings, style)


FINE = "title: A Perfectly Fine Paper\ncategory: systems/long-context-training\n"
LINK = "links:\n  - label: arXiv\n    url: https://arxiv.org/abs/2601.00001\n"

# name -> (record text, expected "line:col: error: message" pattern for that file)
HOSTILE = {
    # Wrong types that used to crash the checks after the schema.
    "tags-yes": (FINE + "tags: yes\n", r":3:1: error: 'tags' must be of type list, not boolean; write it as a list"),
    "links-number": (FINE + "links: 5\n", r":3:1: error: 'links' must be of type list, not integer"),
    "link-without-label": (
        FINE + "links:\n  - url: https://arxiv.org/abs/2601.00001\n",
        r":4:5: error: missing required field 'label' in 'links\.0': Button text",
    ),
    "bool-title": (
        "title: !!bool yes\ncategory: systems/long-context-training\n",
        r":1:1: error: 'title' must be of type string, not boolean; put the value in quotes",
    ),
    "bool-venue": (FINE + "venue: no\n", r":3:1: error: 'venue' must be of type string, not boolean"),
    "timestamp-added": (
        FINE + "added: !!timestamp 2025-01-01 10:00:00\n",
        r":3:1: error: 'added' is '2025-01-01 10:00:00', which is not a real date \(YYYY-MM-DD\)",
    ),
    "timestamp-tag": (
        FINE + "summary: !!timestamp not a date\n",
        r":3:10: error: YAML syntax: the tag '!!timestamp' under 'summary' is not allowed",
    ),
    "float-year": (FINE + "year: 2025.0\n", r":3:1: error: 'year' must be of type integer, not number"),
    "null-position": (FINE + "position:\n", r":3:1: error: 'position' must be of type integer, not null"),
    "bad-number": (
        FINE + "position: 0b_\n",
        r":3:11: error: '0b_' under 'position' cannot be read as a whole number; put it in quotes",
    ),
    # Messages that used to come without the file's name.
    "impossible-date": (
        FINE + "added: 2025-02-30\n",
        r":3:1: error: 'added' is '2025-02-30', which is not a real date",
    ),
    "int-tag": (FINE + "year: !!int abc\n", r":3:7: error: YAML syntax: the tag '!!int' under 'year' is not allowed"),
    "binary-tag": (FINE + "summary: !!binary aGk=\n", r":3:10: error: YAML syntax: the tag '!!binary'"),
    "set-tag": (FINE + "tags: !!set {memory}\n", r":3:7: error: YAML syntax: the tag '!!set'"),
    # Limits: every "too long" names the limit.
    "x" * 81: (FINE, r":1:1: error: file name '\w+\.yaml': the id '\w+' is 81 characters long, over the limit of 80"),
    "long-summary": (
        FINE + "summary: " + "w" * 6000 + "\n",
        r":3:1: error: 'summary' is too long: 6,000 characters, over the limit of 5,000; shorten it",
    ),
    "many-links": (
        FINE + "links:\n" + "".join(f"  - {{label: L{n}, url: 'https://x.org/{n}'}}\n" for n in range(21)),
        r":3:1: error: 'links' is too long: 21 items, over the limit of 20",
    ),
    # Reserved and unusable ids.
    "index": (FINE, r":1:1: error: file name 'index\.yaml': the id 'index' is reserved"),
    "tags": (FINE, r":1:1: error: file name 'tags\.yaml': the id 'tags' is reserved"),
    "search": (FINE, r":1:1: error: file name 'search\.yaml': the id 'search' is reserved"),
    "con": (FINE, r":1:1: error: file name 'con\.yaml': the id 'con' is a device name on Windows"),
    "lpt9": (FINE, r":1:1: error: file name 'lpt9\.yaml': the id 'lpt9' is a device name on Windows"),
    "a": (FINE, r":1:1: error: file name 'a\.yaml': the id 'a' is too short: an id needs at least 2 characters"),
    # A key written twice: YAML would keep the last in silence.
    "duplicate-key": (
        FINE + "summary: one\ntitle: Another Title\n",
        r":4:1: error: 'title' is written twice, on lines 1 and 4; YAML would silently keep only the last",
    ),
    "duplicate-nested-key": (
        FINE + "links:\n  - label: a\n    url: https://x.org/1\n    url: https://x.org/2\n",
        r":6:5: error: 'links\.0\.url' is written twice, on lines 5 and 6",
    ),
    # Characters no text may hold.
    "zero-width": (
        'title: "A Perfectly\\u200b Fine Paper"\ncategory: systems/long-context-training\n',
        r":1:1: error: 'title' contains the invisible character U\+200B ZERO WIDTH SPACE.*; delete it",
    ),
    "bidi-override": (
        FINE + 'authors: ["Ada \\u202eecalevoL"]\n',
        r":3:11: error: 'authors\.0' contains the bidirectional control U\+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "soft-hyphen": (
        FINE + 'venue: "Neur\\u00adIPS"\n',
        r":3:1: error: 'venue' contains the invisible character U\+00AD",
    ),
    "byte-order-mark": (
        FINE + 'award: "Best\\uFEFF Paper"\n',
        r":3:1: error: 'award' contains the invisible character U\+FEFF",
    ),
    "noncharacter": (
        FINE + 'summary: "fine \\uFFFE"\n',
        r":3:1: error: 'summary' contains U\+FFFE, which is not a character",
    ),
    "plane-noncharacter": (FINE + 'summary: "x \\U0010FFFF"\n', r":3:1: error: 'summary' contains U\+10FFFF"),
    "line-separator": (
        FINE + 'venue: "Neur\\u2028IPS"\n',
        r":3:1: error: 'venue' contains the control character '\\u2028'",
    ),
    "raw-escape": (
        FINE + "venue: \x1b[31mred\n",
        r":3:8: error: file contains the character '\\x1b' \(U\+001B\), which YAML does not allow",
    ),
    "key-with-control": (
        FINE + 'author_affiliations: {"Ada\\x07": Org}\n',
        r":3:23: error: 'author_affiliations\.Ada\\x07' contains the control character '\\x07'",
    ),
    # Text in fields the old checks skipped.
    "html-in-link-url": (
        FINE + "links:\n  - {label: x, url: 'https://x.org/<script>alert(1)</script>'}\n",
        r":4:16: error: 'links\.0\.url' contains raw HTML",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_kind_of_hostile_record_gets_a_precise_finding(tmp_path: Path, name: str):
    text, expected = HOSTILE[name]
    report = _report(_entries(tmp_path, {name: text}))
    pattern = rf"^entries/papers/{re.escape(name)}\.yaml{expected}"
    assert re.search(pattern, report, re.MULTILINE), f"{pattern}\n{report}"


def test_a_lone_surrogate_is_refused_even_where_the_parser_passes_it(tmp_path: Path):
    # libyaml refuses "\\ud83d" itself; PyYAML's pure-Python parser, its fallback, passes it on.
    entries = _entries(tmp_path, {"fine": FINE})
    document = load_document(entries / "papers" / "fine.yaml", tmp_path)
    findings = list(check_text(document, ("summary",), "half \ud83d", markdown=True))
    assert [finding.rule for finding in findings] == [Rule.NONCHARACTER]
    assert "'summary' contains U+D83D, which is not a character" in str(findings[0])


def test_an_emoji_sequence_keeps_its_zero_width_joiner(tmp_path: Path):
    report = _report(_entries(tmp_path, {"emoji": FINE + LINK + 'summary: "Built by 👩\\u200d💻 people."\n'}))
    assert "emoji.yaml" in report and "emoji.yaml:3:1: error" not in report, report


@pytest.mark.parametrize(
    "title",
    [
        "Gаted Attention for Large Language Models",  # Cyrillic а
        "GATED ΑTTENTION FOR LARGE LANGUAGE MODELS",  # Greek Alpha
        "Gat\\u200bed Attention for Large Lan\\u2060guage Models",  # zero-width space and word joiner
        "Ｇａｔｅｄ Attention for Large Language Models",  # full-width
        "Gated Attentiоn fоr Lаrge Lаnguаge Mоdels",  # Cyrillic о and а throughout
        "Gatéd Attention for Large Language Models",  # an accent
    ],
)
def test_look_alike_titles_are_still_the_same_paper(tmp_path: Path, title: str):
    record = f'title: "{title}"\ncategory: systems/long-context-training\n'
    report = _report(_entries(tmp_path, {"copy": record}))
    assert re.search(
        r"^entries/papers/copy\.yaml:1:1: error: the same paper is already listed in "
        r"entries/papers/gated-attention-for-large-language-models\.yaml \(same title\)",
        report,
        re.MULTILINE,
    ), report


def test_terminal_escapes_in_data_are_shown_escaped_and_kept_exact_in_json(tmp_path: Path):
    osc = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    first = 'title: "Tool\\x1b[31m: First"\ncategory: systems/long-context-training\n'
    second = first.replace("First", "Second") + f'summary: "{osc.encode("unicode_escape").decode()}"\n'
    records = {"ansi\x1b[2Jname": FINE, "one": first, "two": second}
    entries = _entries(tmp_path, records)
    for style in ("text", "github"):
        report = _report(entries, style)
        assert "\x1b" not in report and "\x07" not in report, report
        assert "ansi\\x1b[2Jname.yaml" in report
        assert "also starts 'Tool\\x1b[31m:'" in report
    findings = json.loads(_report(entries, "json"))
    assert "\x1b" not in _report(entries, "json")
    assert any(finding["path"] == "entries/papers/ansi\x1b[2Jname.yaml" for finding in findings)
    assert any("'Tool\x1b[31m:'" in finding["message"] for finding in findings)


def test_the_command_line_escapes_terminal_sequences_too(project: Path):
    record = 'title: "Tool\\x1b]0;pwned\\x07: First"\ncategory: systems/long-context-training\n'
    (project / "entries" / "papers" / "osc.yaml").write_text(record, "utf-8")
    (project / "entries" / "papers" / "osc-2.yaml").write_text(record.replace("First", "Second"), "utf-8")
    outputs = {}
    for style in ("text", "github", "json"):
        result = _validate(project, "--format", style, "--verbose")
        assert result.returncode == 1
        assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr
        outputs[style] = result.stdout
    assert "osc.yaml:1:1: warning: another paper's title also starts 'Tool\\x1b]0;pwned\\x07:'" in outputs["text"]
    assert "osc.yaml:1:1: error: 'title' contains the control character '\\x1b'" in outputs["text"]
    messages = [finding["message"] for finding in json.loads(outputs["json"])]
    assert any("starts 'Tool\x1b]0;pwned\x07:'" in message for message in messages)


TAXONOMY = (SINGLE_LIST / "taxonomy.yml").read_text("utf-8")
TAGS = (SINGLE_LIST / "tags.yml").read_text("utf-8")

# taxonomy.yml or tags.yml text -> expected "file:line:col: error: message" pattern
BAD_VOCABULARIES = {
    "unknown-key": (
        TAXONOMY.replace("venue: NeurIPS", "venu: NeurIPS"),
        r"taxonomy\.yml:4:1: error: unknown field 'venu'; did you mean 'venue'\?",
    ),
    "site-setting-moved": (
        TAXONOMY.replace("venue: NeurIPS", "venue: NeurIPS\nsite_url: https://example.org/"),
        r"taxonomy\.yml:5:1: error: unknown field 'site_url': site settings live in mkdocs\.yml now",
    ),
    "year-text": (
        TAXONOMY.replace("year: 2025", "year: soon"),
        r"taxonomy\.yml:5:1: error: 'year' must be of type integer, not string",
    ),
    "sections-yes": (
        TAXONOMY.split("sections:")[0] + "sections: yes\n",
        r"taxonomy\.yml:6:1: error: 'sections' must be of type list",
    ),
    "section-html": (
        TAXONOMY.replace("title: Systems", "title: Systems <script>x</script>"),
        r"taxonomy\.yml:8:3: error: 'sections\.0\.title' contains raw HTML",
    ),
    "subsection-zero-width": (
        TAXONOMY.replace("title: Memory-Efficient Training", 'title: "Memory\\u200b-Efficient Training"'),
        r"taxonomy\.yml:13:5: error: 'sections\.0\.subsections\.1\.title' contains the invisible character U\+200B",
    ),
    "description-mis-decoded": (
        TAXONOMY.replace("focused on", "focused on ‚Äî"),
        r"taxonomy\.yml:2:1: error: 'description' contains mis-decoded text",
    ),
    "reserved-section": (
        TAXONOMY.replace("- id: systems\n", "- id: search\n"),
        r"taxonomy\.yml:7:3: error: section id 'search' is reserved",
    ),
    "subsection-no-title": (
        TAXONOMY.replace("    title: Long-Context Training\n", ""),
        r"taxonomy\.yml:14:5: error: missing required field 'title' in 'sections\.0\.subsections\.2'",
    ),
    "duplicate-key": (
        TAXONOMY + "venue: ICML\n",
        r"taxonomy\.yml:\d+:1: error: 'venue' is written twice, on lines 4 and \d+",
    ),
    "tag-unknown-key": (
        TAGS.replace("    description: Data, tensor", "    descripton: Data, tensor"),
        r"tags\.yml:6:5: error: unknown field 'descripton' in 'tags\.0'; did you mean 'description'\?",
    ),
    "tag-html": (
        TAGS.replace("title: Parallelism", "title: <b>Parallelism</b>"),
        r"tags\.yml:5:5: error: 'tags\.0\.title' contains raw HTML",
    ),
    "tag-reserved": (
        TAGS.replace("- id: parallelism", "- id: aux"),
        r"tags\.yml:4:5: error: tag id 'aux' is a device name on Windows",
    ),
    "tag-control": (
        TAGS.replace("title: Parallelism", 'title: "Parallel\\x9bism"'),
        r"tags\.yml:5:5: error: 'tags\.0\.title' contains the control character '\\x9b'",
    ),
    "tags-number": ("tags: 5\n", r"tags\.yml:1:1: error: 'tags' must be of type list, not integer"),
}


@pytest.mark.parametrize("name", sorted(BAD_VOCABULARIES))
def test_taxonomy_and_tags_get_their_own_schema_and_text_checks(tmp_path: Path, name: str):
    text, expected = BAD_VOCABULARIES[name]
    which = {"taxonomy": text} if expected.startswith("taxonomy") else {"tags": text}
    report = _report(_entries(tmp_path, {}, **which))
    assert re.search(rf"^entries/{expected}", report, re.MULTILINE), f"{expected}\n{report}"


MKDOCS_YML = (REPO / "mkdocs.yml").read_text("utf-8")
BAD_SITE_SETTINGS = {
    "javascript-site": (
        MKDOCS_YML.replace("site_url: https:", "site_url: javascript:alert(1)//"),
        r"mkdocs\.yml:\d+:1: error: 'site_url' is 'javascript:alert\(1\)//.*; it must be an http\(s\) URL",
    ),
    "ftp-repository": (
        MKDOCS_YML.replace("repository: https:", "repository: ftp:"),
        r"mkdocs\.yml:\d+:3: error: 'extra\.repository' is 'ftp:.*; it must be an http\(s\) URL",
    ),
    "list-branch": (
        MKDOCS_YML.replace("branch: main", "branch: [main]"),
        r"mkdocs\.yml:\d+:3: error: 'extra\.branch' is .*; it must be the name of the repository's branch",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SITE_SETTINGS))
def test_site_settings_in_mkdocs_yml_are_checked(tmp_path: Path, name: str):
    text, expected = BAD_SITE_SETTINGS[name]
    entries = _entries(tmp_path, {})
    (tmp_path / "mkdocs.yml").write_text(text, "utf-8")
    report = _report(entries)
    assert re.search(rf"^{expected}", report, re.MULTILINE), f"{expected}\n{report}"


def test_new_reports_a_broken_taxonomy_instead_of_crashing(project: Path):
    taxonomy = project / "entries" / "taxonomy.yml"
    taxonomy.write_text(TAXONOMY.split("sections:")[0] + "sections: [{id: x}]\n", "utf-8")
    result = generator(project, "new", "--title", "A Paper", "--category", "x/y", "--no-input", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "entries/taxonomy.yml:6:12: error: missing required field 'title'" in result.stderr


def test_reserved_ids_cover_every_page_the_site_has(tmp_path: Path):
    from generator.build import Project, load_catalog
    from generator.render import render_all

    catalog, warnings = load_catalog(Project(REPO))
    generated = {path.split("/")[1] for path in render_all(catalog, warnings) if path.startswith("docs/")}
    # The build's own manifest is a dotfile, never a page.
    written = {path.name for path in (REPO / "docs").iterdir() if not path.name.startswith(".")}
    for name in generated | written:
        assert name.split(".")[0] in RESERVED_IDS, name


def test_new_ids_avoid_reserved_and_one_letter_names():
    assert paper_id_for("Index: A Study of Indexes", set()) == "index-a-study-of-indexes"
    assert paper_id_for("X: Scaling Laws", set()) == "x-scaling-laws"
    assert paper_id_for("Con", set()) == "con-2"
    assert all(id_problem(paper_id_for(title, set())) is None for title in ("Tags", "A", "Aux: x", "Search"))


def test_every_finding_names_its_rule():
    from generator.views import QUALITY_RULES

    findings = validate(load_entries(REPO / "entries"))
    assert findings and all(finding.rule in set(Rule) for finding in findings)
    assert set(QUALITY_RULES) <= set(Rule)
    template = (REPO / "generator" / "templates" / "quality.md.j2").read_text("utf-8")
    assert all(f'"{rule}":' in template for rule in QUALITY_RULES)


def test_one_arxiv_id_on_two_unrelated_titles_says_a_link_may_be_wrong(tmp_path: Path):
    """The curator's DiLoCo record carried the ML.ENERGY Benchmark's arXiv id: one id is one paper, but the
    message says that a link may be on the wrong record."""
    link = "links:\n  - label: arXiv\n    url: https://arxiv.org/abs/2505.06371\n"
    entries = _entries(
        tmp_path,
        {
            "diloco": "title: 'Scaling Laws for DiLoCo'\ncategory: systems/long-context-training\n" + link,
            "ml-energy": "title: 'The ML.ENERGY Benchmark'\ncategory: systems/long-context-training\n" + link,
        },
    )
    duplicates = [f for f in validate(load_entries(entries)) if f.rule == Rule.DUPLICATE]
    assert duplicates and all(f.severity == "error" for f in duplicates)
    assert all("one of the links is wrong" in f.message for f in duplicates)


def test_new_asks_again_until_an_answer_names_a_list_or_category(capsys):
    from generator.scaffold import NewPaper, prompt_list, prompt_missing

    answers = iter(["99", "0", "nope", "2"])
    assert prompt_list([("a", "List A"), ("b", "List B")], lambda _: next(answers)) == "b"
    assert capsys.readouterr().err.count("is not one of them") == 3
    answers = iter(["s/two", "", ""])
    paper = prompt_missing(NewPaper("T", ""), [("s/one", "One"), ("s/two", "Two")], lambda _: next(answers))
    assert paper.category == "s/two"


def _strings_at(value: object, key_path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        return [(key_path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings_at(item, (*key_path, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _strings_at(item, (*key_path, index))]
    return []


def test_the_fields_checked_as_markdown_are_the_fields_the_model_gives_the_renderer():
    """The checks read some strings as Markdown; the renderer converts the model's Markdown texts: the same strings."""
    every_field = {
        "title": "A paper",
        "category": "systems/memory",
        "list": "training",
        "summary": " Its own summary. ",
        "key_results": ["**2x** faster", "Less memory"],
        "notes": [{"label": "Why", "text": "A *note*."}],
        "authors": ["Ada Lovelace"],
        "links": [{"label": "arXiv", "url": "https://arxiv.org/abs/2501.00001"}],
        "also": [
            {
                "list": "inference",
                "category": "systems/serving",
                "summary": "As that list says it.",
                "key_results": ["Three"],
                "notes": [{"label": "Also", "text": "Another note"}],
            }
        ],
    }
    records = [load_document(path, REPO).data for path in sorted((REPO / "entries" / "papers").glob("*.yaml"))]
    for data in [every_field, *records]:
        checked = [text.strip() for key_path, text in _strings_at(data) if is_markdown_field(key_path) and text.strip()]
        assert sorted(markdown_texts(data)) == sorted(checked), data["title"]
