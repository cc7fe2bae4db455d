"""What `validate` and a failing build print: one file's findings, errors first, warnings counted.

And a paper listed twice is reported on its new copy, even when a marker in the title disguises it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from helpers import REPO, generator, mkdocs_build, run, single_list_project

ORIGINAL = "gated-attention-for-large-language-models"
ORIGINAL_TITLE = "Gated Attention for Large Language Models"
LIST_THEM = "run `python -m generator validate --verbose` to list them"
# A record with one error (its tag) and one warning (no authors), in a known subsection.
ONE_OF_EACH = """\
title: A Paper With One Error And One Warning
category: systems/long-context-training
tags: [no-such-tag]
links:
  - label: arXiv:2601.00002
    url: https://arxiv.org/abs/2601.00002
"""
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of one list: these tests check validate and new on that layout (test_collection on a collection)."""
    return single_list_project(tmp_path / "project")


def _validate(project: Path, *args: str):
    return generator(project, "validate", *args, check=False)


def _record(project: Path, name: str) -> Path:
    return project / "entries" / "papers" / f"{name}.yaml"


def _copy_of_the_original(project: Path, title: str, added: str = "2026-12-01", name: str = "copy") -> Path:
    """The original record under another name, with another title and no arXiv link (the title must match)."""
    text = _record(project, ORIGINAL).read_text("utf-8")
    text = text.replace(f"title: {ORIGINAL_TITLE}\n", f"title: '{title}'\n")
    text = re.sub(r"- label: arXiv:\S+\n  url: \S+\n", "", text).replace("added: 2026-11-22", f"added: {added}")
    assert title in text and "arxiv.org" not in text
    path = _record(project, name)
    path.write_text(text, encoding="utf-8")
    return path


def _git(project: Path, *args: str) -> str:
    return run(["git", *args], cwd=project, env=GIT_ENV).stdout


def _committed(project: Path) -> Path:
    _git(project, "init", "--quiet")
    _git(project, "add", "--all")
    _git(project, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "list")
    return project


# --- one file -----------------------------------------------------------------------


def test_validating_one_file_reports_its_findings_alone(project: Path):
    _record(project, "one-of-each").write_text(ONE_OF_EACH, encoding="utf-8")
    result = _validate(project, str(_record(project, "one-of-each")))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("entries/papers/one-of-each.yaml:") for line in lines), result.stdout
    assert "error: unknown tag 'no-such-tag'" in lines[0] and "warning: no authors listed" in lines[1]
    assert result.stderr.splitlines()[0] == "1 error, 1 warning in entries/papers/one-of-each.yaml"


def test_a_value_a_rule_explains_gets_that_rule_s_finding_alone(project: Path):
    """Not also the schema's generic "not in the expected form" for the same value."""
    record = ONE_OF_EACH.replace("tags: [no-such-tag]", "tags: [Memory]").replace(
        "category: systems/long-context-training", "category: Systems/Nope"
    )
    _record(project, "capital").write_text(record, encoding="utf-8")
    errors = [
        line for line in _validate(project, str(_record(project, "capital"))).stdout.splitlines() if "error:" in line
    ]
    assert [line.split(": error: ")[0] for line in errors] == [
        "entries/papers/capital.yaml:2:1",
        "entries/papers/capital.yaml:3:8",
    ], errors
    assert (
        "unknown category 'Systems/Nope'" in errors[0] and "unknown tag 'Memory'; did you mean 'memory'?" in errors[1]
    )


def test_one_file_is_checked_against_the_rest_of_the_list(project: Path):
    """The duplicate check needs the other records; a path relative to the project works too."""
    _copy_of_the_original(project, ORIGINAL_TITLE)
    result = generator(project, "validate", "entries/papers/copy.yaml", check=False, env={})
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"entries/papers/copy.yaml:2:1: error: the same paper is already listed in entries/papers/{ORIGINAL}.yaml"
    ), result.stdout
    assert f"{ORIGINAL}.yaml:" not in result.stdout.replace(f"listed in entries/papers/{ORIGINAL}.yaml", "")


def test_a_file_that_is_not_a_record_is_refused(project: Path):
    (project / "notes.yaml").write_text("title: x\n", encoding="utf-8")
    for path, message in ((project / "notes.yaml", "is not a data file"), (project / "missing.yaml", "no such file")):
        result = _validate(project, str(path))
        assert result.returncode == 2 and message in result.stderr, result.stderr


def test_errors_in_other_files_are_mentioned_not_listed(project: Path):
    _record(project, "one-of-each").write_text(ONE_OF_EACH, encoding="utf-8")
    result = _validate(project, str(_record(project, "acco")))
    assert "one-of-each" not in result.stdout
    assert "1 error in other files" in result.stderr


# --- warnings nobody asked about ----------------------------------------------------------


def _warning_count(root: Path) -> int:
    return sum(f["severity"] == "warning" for f in json.loads(_validate(root, "--format", "json").stdout))


def test_a_clean_checkout_counts_its_warnings_without_listing_them():
    count = _warning_count(REPO)
    assert count > 50
    result = _validate(REPO)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == f"0 errors, {count} warnings: {LIST_THEM}\n"
    assert len(_validate(REPO, "--verbose").stdout.splitlines()) == count


def test_errors_come_before_warnings(project: Path):
    # "zz" sorts after every other record: by file alone, its error would come last.
    _record(project, "zz-broken").write_text(ONE_OF_EACH, encoding="utf-8")
    lines = _validate(project, "--verbose").stdout.splitlines()
    assert lines[0].startswith("entries/papers/zz-broken.yaml:") and ": error: " in lines[0]
    assert all(": warning: " in line for line in lines[1:])


def test_a_failing_build_prints_its_error_and_no_warnings(project: Path):
    # One error (the marker in the title) in a record that has a warning too (no authors).
    record = ONE_OF_EACH.replace("no-such-tag", "memory").replace("title: A Paper", "title: A Paper [Oral]")
    _record(project, "zz-broken").write_text(record, encoding="utf-8")
    build = generator(project, "build", check=False)
    assert build.returncode == 1
    assert "warning" not in build.stderr
    assert build.stderr.count(": error: ") == 1 and "1 error: nothing was written or deleted" in build.stderr
    site = mkdocs_build(project, check=False)
    output = site.stdout + site.stderr
    assert site.returncode == 1 and "entries/papers/zz-broken.yaml:1:1: error:" in output
    assert "warning:" not in output and output.count(": error: ") == 1


def test_changed_files_have_their_warnings_listed_and_the_rest_counted(project: Path):
    count = _warning_count(project)
    _committed(project)
    record = _record(project, "acco")
    record.write_text(record.read_text("utf-8").replace("- label: PDF\n", "- label: The PDF\n"), "utf-8")
    _record(project, "one-of-each").write_text(ONE_OF_EACH.replace("[no-such-tag]", "[memory]"), "utf-8")
    result = _validate(project, "--format", "github", "--changed-since", "HEAD")
    assert result.returncode == 0
    files = {re.search(r"file=([^,]+)", line).group(1) for line in result.stdout.splitlines()}
    assert files == {"entries/papers/acco.yaml", "entries/papers/one-of-each.yaml"}, result.stdout
    shown = len(result.stdout.splitlines())
    assert f"{shown} warnings; {count + 1 - shown} more in other files: {LIST_THEM}" in result.stderr


def test_changed_since_refuses_what_is_not_a_revision(project: Path):
    _committed(project)
    for revision in ("no-such-branch", "--output=x"):
        result = _validate(project, "--changed-since", revision)
        assert result.returncode == 2 and "error:" in result.stderr, result.stderr
    assert not (project / "x").exists()


# --- counts -------------------------------------------------------------------------------


def test_counts_of_one_are_singular(project: Path):
    _record(project, "one-of-each").write_text(ONE_OF_EACH, encoding="utf-8")
    assert "1 error, 1 warning in" in _validate(project, str(_record(project, "one-of-each"))).stderr
    for path in (project / "entries" / "papers").iterdir():
        if path.name != "acco.yaml":
            path.unlink()
    built = generator(project, "build").stdout
    assert built.startswith("1 paper: wrote ") and " 1 warning: " in built, built


# --- a paper listed twice -----------------------------------------------------------------

MARKED = {
    f"{ORIGINAL_TITLE} 🏆 Best Paper": "award: Best Paper",
    f"{ORIGINAL_TITLE} (Best Paper Award)": "award: Best Paper",
    f"{ORIGINAL_TITLE} 🎤 **ORAL**": "presentation: oral",
    f"{ORIGINAL_TITLE} [Oral]": "presentation: oral",
}


@pytest.mark.parametrize("title", sorted(MARKED))
def test_a_copy_with_a_marker_in_its_title_is_a_duplicate(project: Path, title: str):
    _copy_of_the_original(project, title)
    result = _validate(project)
    assert result.returncode == 1
    errors = result.stdout.splitlines()
    assert any(
        line.startswith("entries/papers/copy.yaml:2:1: error: the same paper is already listed in") for line in errors
    ), result.stdout
    (marker,) = [line for line in errors if "carries the marker" in line]
    assert marker.startswith("entries/papers/copy.yaml:2:1: error:") and f"`{MARKED[title]}`" in marker


def test_titles_without_markers_are_left_alone():
    findings = json.loads(_validate(REPO, "--format", "json").stdout)
    assert not [f for f in findings if f["rule"] in ("title-marker", "duplicate")]


def test_the_duplicate_is_reported_on_the_copy_added_later(project: Path):
    _copy_of_the_original(project, ORIGINAL_TITLE, added="2026-12-01")
    duplicates = [line for line in _validate(project).stdout.splitlines() if "already listed" in line]
    assert len(duplicates) == 1 and duplicates[0].startswith("entries/papers/copy.yaml:")


def test_with_equal_dates_both_copies_are_reported(project: Path):
    _copy_of_the_original(project, ORIGINAL_TITLE, added="2026-11-22")
    duplicates = [line for line in _validate(project).stdout.splitlines() if "already listed" in line]
    assert {line.split(":")[0] for line in duplicates} == {
        "entries/papers/copy.yaml",
        f"entries/papers/{ORIGINAL}.yaml",
    }


def test_the_file_named_or_changed_is_the_new_copy_whatever_its_date(project: Path):
    _committed(project)
    # An older date than the original's: only the command line or git can tell which is new.
    _copy_of_the_original(project, ORIGINAL_TITLE, added="2020-01-01")
    by_date = [line for line in _validate(project).stdout.splitlines() if "already listed" in line]
    assert [line.split(":")[0] for line in by_date] == [f"entries/papers/{ORIGINAL}.yaml"]
    for args in (("--changed-since", "HEAD"), (str(_record(project, "copy")),)):
        result = _validate(project, *args)
        duplicates = [line for line in result.stdout.splitlines() if "already listed" in line]
        assert [line.split(":")[0] for line in duplicates] == ["entries/papers/copy.yaml"], (args, result.stdout)
