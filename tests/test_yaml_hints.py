"""The usual YAML mistakes in a hand-written record, each reported with its cause and fix, at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.findings import DataError, Rule
from generator.load import load_document

START = "title: A Fine Paper\ncategory: systems/long-context-training\n"

# name -> (record text, line of the finding, words the message must hold)
MISTAKES = {
    "colon in a title": (
        "title: Gated Attention: A Study\ncategory: a/b\n",
        1,
        "put the whole value in quotes (title: 'Gated Attention: A Study')",
    ),
    "colon in a title with a quote": (
        "title: It's Gated: A Study\n",
        1,
        "(title: 'It''s Gated: A Study')",
    ),
    "colon in a continued summary": (
        START + "summary: A long summary\n  that says: this\n",
        4,
        "contains ': '",
    ),
    "tab as indentation": (START + "authors:\n\t- Ada Lovelace\n", 4, "replace the tab on line 4 with spaces"),
    "tab inside a list item": (
        START + "links:\n  - label: arXiv\n\turl: https://arxiv.org/abs/2501.00001\n",
        5,
        "spaces only",
    ),
    "no space after a dash": (START + "authors:\n-Ada Lovelace\n-Alan Turing\n", 4, "write '- Ada Lovelace'"),
    "no space after an indented dash": (
        START + "authors:\n  - Ada Lovelace\n  -Alan Turing: x\n",
        5,
        "a list item needs a space after its '-'",
    ),
    "key indented under a value": (
        "title: A Fine Paper\n  category: systems/long-context-training\n",
        2,
        "start each key in the same column",
    ),
    "key of a list item out of line": (
        START + "links:\n  - label: arXiv\n  url: https://arxiv.org/abs/2501.00001\n",
        5,
        "lined up with the list item above it",
    ),
    "key of a list item indented too far": (
        START + "links:\n- label: arXiv\n   url: https://arxiv.org/abs/2501.00001\n",
        5,
        "start each key in the same column",
    ),
    "unclosed single quote": ("title: 'A Fine Paper\ncategory: a/b\n", 3, "on line 1 is never closed"),
    "unclosed double quote": (START + 'summary: "It works\n\nkey_results: []\n', 6, "on line 3 is never closed"),
    "quote inside single quotes": ("title: 'It's Fine'\n", 1, "write a ' as '' (It''s)"),
    "text after a closing quote": ('title: "Fine" Paper\n', 1, "starts with a quote"),
    "value starting with a bracket": ("title: [Oral] A Fine Paper\n", 1, "read as a list"),
    "bold at the start of a key result": (
        START + "key_results:\n- **87%** faster\n",
        4,
        "**bold** at the start of a value is one too",
    ),
    "unclosed list": (START + "tags: [memory, stability\n", 3, "must end with ']'"),
    "unclosed list before the next key": (
        START + "tags: [memory, stability\nsummary: One line\n",
        3,
        "must end with ']'",
    ),
    "unclosed mapping before the next key": (
        START + "links: {arxiv: https://arxiv.org/abs/2501.00001\nsummary: One line\n",
        3,
        "must end with '}'",
    ),
    "value starting with a backtick": (START + "summary: `code` first\n", 3, "put the whole value in quotes"),
    "line that is not a key": (
        START + "summary: One line\nand the next\n",
        4,
        "if it continues the value above, indent it",
    ),
    "comment that cuts a continued value": (
        START + "summary: We rank #1 on the board\n  and more\n",
        4,
        "the '#' on line 3 starts a comment",
    ),
}


def _finding(tmp_path: Path, text: str):
    path = tmp_path / "record.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_document(path, tmp_path)
    (finding,) = caught.value.findings
    return finding


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_gets_its_hint(tmp_path: Path, name: str):
    text, line, words = MISTAKES[name]
    finding = _finding(tmp_path, text)
    assert finding.rule == Rule.YAML_SYNTAX and finding.message.startswith("YAML syntax: ")
    assert words in finding.message, finding.message
    assert finding.line == line, finding


# name -> (record text, line, column, what is left of the value)
CUT_BY_A_COMMENT = {
    "hash in a title": ("title: C# for #1 Models\n", 1, 15, "so 'title' is only 'C# for'"),
    "hash at the start": ("title: #1 Paper\ncategory: a/b\n", 1, 8, "so 'title' is empty"),
    "comment after a tag": (START + "tags:\n- memory # the main one\n", 4, 10, "so 'tags.0' is only 'memory'"),
}


@pytest.mark.parametrize("name", sorted(CUT_BY_A_COMMENT))
def test_a_value_cut_short_by_a_comment_is_refused(tmp_path: Path, name: str):
    """YAML parses these without complaint, dropping the rest of the value: the loader refuses them."""
    text, line, column, left = CUT_BY_A_COMMENT[name]
    finding = _finding(tmp_path, text)
    assert finding.rule == Rule.YAML_COMMENT and (finding.line, finding.column) == (line, column), finding
    assert left in finding.message and "put the whole value in quotes" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "# a comment line of its own\n" + START,
        START + "# between fields\nyear: 2025 # a number may carry one\n",
        "title: 'Quoted # is text' # and this a comment\ncategory: a/b\n",
        "title: C#, F#-style and x#y\ncategory: a/b\n",
    ],
)
def test_comments_that_cut_nothing_are_fine(tmp_path: Path, text: str):
    path = tmp_path / "record.yaml"
    path.write_text(text, encoding="utf-8")
    load_document(path, tmp_path)
