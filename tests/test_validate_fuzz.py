"""Hostile YAML of any shape gets findings with a file and line, never a traceback.

Documents of random shape and types (every YAML scalar type, explicit tags, anchors and
aliases, duplicate keys, escapes for control, invisible and non-characters, invalid
UTF-8) are written as a record, as taxonomy.yml and as tags.yml of a small project,
and checked through the public API; a few go through `python -m generator validate`.
Whatever the validator lets through must then build and render.

CI (CI=true) runs five times as many examples as a developer's default run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import asdict
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.build import catalog_from
from generator.findings import DataError, Finding, Rule, errors_in, format_findings
from generator.load import load_entries
from generator.render import render_all
from generator.schemas import PAPER, schema
from generator.validate import validate
from helpers import REPO, SINGLE_LIST, run

IN_CI = os.environ.get("CI") == "true"
EXAMPLES = 500 if IN_CI else 40
CLI_EXAMPLES = 15 if IN_CI else 1
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

KEYS = [
    *schema(PAPER)["properties"],
    *("label", "url", "id", "sections", "subsections", "description", "repository", "site_url", "branch"),
    *("summry", "yes", "null", "1", "<<", "title"),
]
PLAIN = [
    *("yes", "no", "on", "off", "~", "null", "true", "2025", "2025.0", "-1", "1e3", "0b_", "0x1F", "0o7", "0777"),
    *("._", ".nan", "-.inf", "1_000", "1:30", "190:20:30.15", "2025-02-30", "2025-01-01", "2025-01-01 10:00:00"),
    *("2001-12-14t21:59:43.10-05:00", "systems/long-context-training", "https://arxiv.org/abs/2510.27257"),
    *("javascript:alert(1)", "index", "con", "a", "A Title", "=", "9" * 4400),
]
ESCAPES = [
    *(r"\x1b[31m", r"\e]8;;http://evil.example\a", r"\e]0;title\x07", r"\x9b2J", r"\0", r"\x7f", r"\N"),
    *(r"\ud800", r"\udfff", r"\uFFFE", r"\uFFFF", r"\uFDD0", r"\U0001FFFF", r"\U0010FFFE"),
    *(r"\u200b", r"\u200d", r"\u202e", r"\u2066", r"\uFEFF", r"\u00ad", r"\u2028", r"\U000E0041"),
    *(r"\t", r"\n", r"\r", r"\\", r"\"", r"\L", r"\P", r"\_", "<img src=x onerror=alert(1)>", "![x](http://t/p)"),
    *("[x](javascript:alert(1))", "√ó", "Ð¼Ð°", "Gаted"),
]
TAGS = [
    *("!!bool ", "!!timestamp ", "!!int ", "!!float ", "!!binary ", "!!set ", "!!str ", "!!null ", "!!map "),
    *("!!seq ", "!!omap ", "!!python/object/apply:os.system ", "!custom ", "! "),
]


def _double_quoted(pieces: list[str]) -> str:
    return '"' + "".join(pieces) + '"'


# Raw control characters are refused before YAML reads the file: only whole raw documents
# hold them, so that the rest reach the validator, which sees them through the escapes above.
_printable_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
_raw_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_quoted_raw = _printable_text.map(lambda text: text.replace("\\", "\\\\").replace('"', '\\"'))
scalars = st.one_of(
    st.sampled_from(PLAIN),
    st.lists(st.one_of(st.sampled_from(ESCAPES), _quoted_raw), max_size=5).map(_double_quoted),
    _printable_text.map(lambda text: "'" + text.replace("'", "''") + "'"),
    st.integers().map(str),
    st.floats().map(repr),
)
keys = st.one_of(st.sampled_from(KEYS), scalars, st.just("[a, b]"), st.just("{a: 1}"))
# Most nodes carry no tag or anchor, so that most documents get past the loader.
decorations = st.tuples(
    st.one_of(st.just(""), st.just(""), st.just(""), st.sampled_from(TAGS)),
    st.one_of(st.just(""), st.just(""), st.just(""), st.sampled_from(["&a ", "&b "])),
)


def _decorate(node: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(decorations, node).map(lambda pair: pair[0][0] + pair[0][1] + pair[1])


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    sequence = st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    mapping = st.lists(st.tuples(keys, children), max_size=4).map(
        lambda pairs: "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"
    )
    return _decorate(sequence | mapping)


nodes = st.recursive(_decorate(scalars) | st.sampled_from(["*a", "*b"]), _flow, max_leaves=10)


quoted = st.lists(st.one_of(st.sampled_from(ESCAPES), _quoted_raw), min_size=1, max_size=5).map(_double_quoted)
# Where a record holds text, as "field: value" with {} for the value.
TEXT_FIELDS = [
    *("title: {}", "summary: {}", "venue: {}", "affiliation: {}", "award: {}", "authors: [{}]", "key_results: [{}]"),
    *("links: [{{label: {}, url: 'https://arxiv.org/abs/2501.00001'}}]", "links: [{{label: x, url: {}}}]"),
    *("author_affiliations: {{{}: Org}}", "author_affiliations: {{Ada: {}}}", "tags: [{}]", "category: {}"),
]
text_fields = st.tuples(st.sampled_from(TEXT_FIELDS), quoted).map(lambda pair: pair[0].format(pair[1]))


def _block(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields)


def documents(base: list[tuple[str, str]]) -> st.SearchStrategy[str | bytes]:
    """Mostly a sound document with random fields added or replaced; sometimes anything at all."""
    mutated = st.lists(st.tuples(keys, nodes), max_size=6).map(lambda extra: _block(base + extra))
    replaced = st.dictionaries(st.sampled_from(KEYS), nodes, max_size=6).map(
        lambda fields: _block([(key, value) for key, value in base if key not in fields] + list(fields.items()))
    )
    whole = nodes.map(lambda node: node + "\n")
    framed = st.tuples(st.sampled_from(["%YAML 1.1\n---\n", "--- ", "---\na: 1\n---\n"]), nodes).map("".join)
    texts = st.lists(text_fields, min_size=1, max_size=3, unique_by=lambda line: line.split(":")[0]).map(
        lambda lines: (
            _block([pair for pair in base if not any(line.startswith(pair[0]) for line in lines)])
            + "".join(line + "\n" for line in lines)
        )
    )
    return st.one_of(texts, texts, mutated, replaced, replaced, whole, framed, _raw_text, st.binary(max_size=40))


RECORD = [("title", "A Perfectly Fine Paper"), ("category", "systems/long-context-training")]
TAXONOMY = [
    ("title", "A list"),
    ("description", "Papers."),
    ("sections", "[{id: systems, title: Systems, subsections: [{id: long-context-training, title: Long}]}]"),
]
TAG_LIST = [("tags", "[{id: memory, title: Memory, description: Less memory.}]")]
FILE_NAMES = st.sampled_from(
    ["fuzz", "fuzz", "fuzz", "Fuzz_Case", "index", "con", "a", "x" * 81, "bad\x1b[31mname", "zero\u200bwidth"]
)
# A shipped record, so the cross-record duplicate check has something to compare with.
SHIPPED = SINGLE_LIST / "papers" / "gated-attention-for-large-language-models.yaml"


def _project(folder: Path) -> Path:
    entries = folder / "entries"
    (entries / "papers").mkdir(parents=True)
    shutil.copy(SINGLE_LIST / "taxonomy.yml", entries / "taxonomy.yml")
    shutil.copy(SINGLE_LIST / "tags.yml", entries / "tags.yml")
    shutil.copy(SHIPPED, entries / "papers" / SHIPPED.name)
    return folder


def _write(path: Path, document: str | bytes) -> None:
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document, encoding="utf-8")


_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _printable(text: str) -> bool:
    return not any(unicodedata.category(char) in _UNPRINTABLE for char in text if char != "\n")


def _assert_well_formed(findings: list[Finding], project: Path) -> None:
    for finding in findings:
        assert (project / finding.path).exists(), finding
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.severity in ("error", "warning"), finding
        assert finding.rule in set(Rule), finding
        assert finding.message, finding
    for style in ("text", "github"):
        assert _printable(format_findings(findings, style))
    as_json = format_findings(findings, "json")
    assert _printable(as_json)
    assert json.loads(as_json) == [asdict(finding) for finding in sorted(findings)]


def _check(project: Path) -> list[Finding]:
    """Validate through the public API; what passes must build and render too."""
    try:
        raw = load_entries(project / "entries")
    except DataError as error:
        assert errors_in(error.findings), error.findings
        _assert_well_formed(error.findings, project)
        return error.findings
    findings = validate(raw)
    _assert_well_formed(findings, project)
    if not errors_in(findings):
        catalog = catalog_from(raw)
        render_all(catalog, findings)
    return findings


@given(documents(RECORD), FILE_NAMES)
@example("title: !!bool yes\ncategory: systems/long-context-training\n", "fuzz")
@example("title: x\ncategory: systems/long-context-training\ntags: yes\nlinks: 5\n", "fuzz")
@example("title: x\ncategory: systems/long-context-training\nadded: 2025-02-30\nyear: !!int abc\n", "fuzz")
@example("title: x\nlinks: [{url: 'https://arxiv.org/abs/2501.00001'}]\ntitle: y\n", "fuzz")
@FUZZ
def test_any_record_gets_findings_with_a_place_never_a_traceback(document: str | bytes, name: str):
    with tempfile.TemporaryDirectory() as folder:
        project = _project(Path(folder))
        _write(project / "entries" / "papers" / f"{name}.yaml", document)
        findings = _check(project)
        if name != "fuzz":
            assert any(f.path.endswith(f"/{name}.yaml") and f.severity == "error" for f in findings), findings


@given(documents(TAXONOMY))
@example("title: x\ndescription: y\nsite_url: 'javascript:alert(1)'\nsections: yes\n")
@FUZZ
def test_any_taxonomy_gets_findings_with_a_place_never_a_traceback(document: str | bytes):
    with tempfile.TemporaryDirectory() as folder:
        project = _project(Path(folder))
        _write(project / "entries" / "taxonomy.yml", document)
        _check(project)


@given(documents(TAG_LIST))
@example("tags: [{id: index, title: 5}, {id: memory}, {id: memory, title: x, extra: 1}]\n")
@FUZZ
def test_any_tag_vocabulary_gets_findings_with_a_place_never_a_traceback(document: str | bytes):
    with tempfile.TemporaryDirectory() as folder:
        project = _project(Path(folder))
        _write(project / "entries" / "tags.yml", document)
        _check(project)


@given(documents(RECORD), st.sampled_from(["text", "github", "json"]))
@example('title: "\\e]8;;http://evil.example\\a\\x1b[2Jclick"\ncategory: systems/long-context-training\n', "text")
@settings(FUZZ, max_examples=CLI_EXAMPLES)
def test_the_command_line_answers_any_record_with_findings(document: str | bytes, style: str):
    with tempfile.TemporaryDirectory() as folder:
        project = _project(Path(folder))
        _write(project / "entries" / "papers" / "fuzz.yaml", document)
        result = run(
            [sys.executable, "-m", "generator", "--root", str(project), "validate", "--format", style],
            cwd=REPO,
            check=False,
        )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert _printable(result.stdout) and _printable(result.stderr)
    if style == "json" and result.stdout.strip():
        assert all(finding["line"] >= 1 for finding in json.loads(result.stdout))
    elif style == "text":
        assert all(line.startswith("entries/") for line in result.stdout.splitlines()), result.stdout
