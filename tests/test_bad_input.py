"""Records that cannot be loaded stop the build with file, line and fix; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import generator, mkdocs_build


def _break(project: Path, name: str, text: str) -> Path:
    path = project / "entries" / "papers" / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = {
    "yaml-syntax": (
        "title: [unclosed\ncategory: systems/long-context-training\n",
        r"entries/papers/yaml-syntax\.yaml:\d+:\d+: error: YAML syntax",
    ),
    "missing-title": (
        "category: systems/long-context-training\nauthors: []\n",
        r"entries/papers/missing-title\.yaml:1:1: error: missing required field 'title'",
    ),
    "unknown-category": (
        "title: A paper\nlist: training\ncategory: systems/long-context\n",
        r"entries/papers/unknown-category\.yaml:3:1: error: unknown category "
        r"'systems/long-context'.*; did you mean 'systems/long-context-training'\?",
    ),
    "empty": ("# only a comment\n", r"entries/papers/empty\.yaml:1:1: error: file is empty"),
    "python-tag": (
        "title: !!python/object/apply:os.system ['true']\ncategory: systems/long-context-training\n",
        r"python-tag\.yaml:1:\d+: error: YAML syntax: .*tag",
    ),
    # These used to end in a traceback, or in a message without the file's name.
    "wrong-types": (
        "title: A paper\ncategory: systems/long-context-training\ntags: yes\nlinks: 5\n",
        r"entries/papers/wrong-types\.yaml:3:1: error: 'tags' must be of type list, not boolean",
    ),
    "impossible-date": (
        "title: A paper\ncategory: systems/long-context-training\nadded: 2025-02-30\n",
        r"entries/papers/impossible-date\.yaml:3:1: error: 'added' is '2025-02-30', which is not a real date",
    ),
    "int-tag": (
        "title: A paper\ncategory: systems/long-context-training\nyear: !!int abc\n",
        r"entries/papers/int-tag\.yaml:3:7: error: YAML syntax: the tag '!!int' under 'year' is not allowed",
    ),
    "duplicate-key": (
        "title: A paper\ncategory: systems/long-context-training\ntitle: Another paper\n",
        r"entries/papers/duplicate-key\.yaml:3:1: error: 'title' is written twice, on lines 1 and 3",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_build_refuses_with_file_and_line_and_writes_nothing(project: Path, case: str):
    text, expected = CASES[case]
    _break(project, f"{case}.yaml", text)
    result = generator(project, "build", check=False)
    assert result.returncode == 1
    assert __import__("re").search(expected, result.stderr), result.stderr
    assert "nothing was written" in result.stderr
    assert not (project / "docs" / "papers").exists()
    assert not (project / "docs" / "index.md").exists()


def test_mkdocs_build_reports_the_same_error(project: Path):
    _break(project, "unknown-category.yaml", CASES["unknown-category"][0])
    readme_before = (project / "README.md").read_bytes()
    result = mkdocs_build(project, check=False)
    assert result.returncode != 0
    assert "entries/papers/unknown-category.yaml:3:1: error: unknown category" in result.stderr + result.stdout
    assert (project / "README.md").read_bytes() == readme_before
    assert not (project / "site" / "index.html").exists()


def test_not_utf8_names_the_line(project: Path):
    path = project / "entries" / "papers" / "latin1.yaml"
    path.write_bytes(b"title: ok\ncategory: systems/long-context-training\nsummary: caf\xe9\n")
    result = generator(project, "build", check=False)
    assert "entries/papers/latin1.yaml:3:13: error: file is not valid UTF-8" in result.stderr


@pytest.mark.parametrize("nesting", [" " + "[" * 60_000 + "]" * 60_000, "\n" + "- " * 90_000 + "x\n"])
def test_deep_nesting_is_refused_before_it_can_crash_the_parser(project: Path, nesting: str):
    _break(project, "deep.yaml", "title: Deep\ncategory: systems/long-context-training\ntags:" + nesting)
    result = generator(project, "build", check=False)
    assert result.returncode == 1, result.stderr
    assert "entries/papers/deep.yaml:" in result.stderr and "nest more than 100 levels" in result.stderr


def test_alias_bomb_is_refused_without_expanding(project: Path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    _break(project, "bomb.yaml", bomb)
    result = generator(project, "build", check=False)
    assert result.returncode == 1
    assert "bomb.yaml:1:" in result.stderr and "aliases" in result.stderr
