"""`python -m generator build`: determinism, incremental writes, --check, and safe deletion."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from generator.build import MANIFEST, Project, generate, release_caches
from generator.escape import record_html
from helpers import REPO, copy_project, generator


def _tree(root: Path) -> dict[str, str]:
    files = [path for path in (root / "docs").rglob("*") if path.is_file()]
    files += [root / "README.md", root / "mkdocs.yml", *sorted((root / "lists").glob("*.md"))]
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def test_two_builds_are_byte_identical(tmp_path: Path):
    first, second = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    generator(first, "build")
    generator(second, "build", env={"PYTHONHASHSEED": "123", "TZ": "Asia/Tokyo", "LANG": "C"})
    assert _tree(first) == _tree(second)
    records = len(list((first / "entries" / "papers").glob("*.yaml")))
    assert len([p for p in _tree(first) if p.startswith("docs/papers/")]) == records


def test_second_run_writes_nothing_and_an_edit_writes_only_what_changed(project: Path):
    generator(project, "build")
    again = generator(project, "build")
    assert "wrote 0 files, removed 0" in again.stdout
    record = project / "entries" / "papers" / "teraio.yaml"
    record.write_text(record.read_text("utf-8").replace("GPUDirect storage", "GPUDirect Storage"), "utf-8")
    before = _tree(project)
    generator(project, "build")
    after = _tree(project)
    changed = sorted(path for path in after if before.get(path) != after[path])
    # The summary shows on the paper page, the feed, the JSON export, the search documents and its list's
    # Markdown (not in the README, the collection's index); its subsection page shows only its first
    # sentence, which the edit left alone.
    assert changed == [
        "docs/feed.xml",
        "docs/papers-search.json",
        "docs/papers.json",
        "docs/papers/teraio.md",
        "lists/training.md",
    ]


def test_check_names_a_stale_readme_and_passes_when_fresh(project: Path):
    generator(project, "build")
    assert generator(project, "build", "--check").returncode == 0
    readme = project / "README.md"
    readme.write_text(readme.read_text("utf-8").replace("ACCO", "ACC0", 1), "utf-8")
    stale = generator(project, "build", "--check", check=False)
    assert stale.returncode == 1
    assert "README.md" in stale.stderr
    assert "ACC0" in readme.read_text("utf-8"), "--check must not write"


def test_check_catches_a_record_edit_not_yet_built(project: Path):
    generator(project, "build")
    record = project / "entries" / "papers" / "dcc.yaml"
    record.write_text(record.read_text("utf-8").replace("title: 'DCC:", "title: 'DCC2:"), "utf-8")
    stale = generator(project, "build", "--check", check=False)
    assert stale.returncode == 1
    assert "docs/papers/dcc.md" in stale.stderr and "lists/training.md" in stale.stderr


def test_check_on_a_clean_checkout_ignores_pages_not_built_yet(project: Path):
    # README.md may be behind the records in a pull request (it is refreshed after the merge):
    # bring the tracked files up to date, then take the git-ignored pages away again.
    generator(project, "build")
    manifest = project / MANIFEST
    for relative in json.loads(manifest.read_text("utf-8"))["files"]:
        if relative.startswith("docs/"):
            (project / relative).unlink()
    manifest.unlink()
    assert not list((project / "docs" / "papers").glob("*.md"))
    assert generator(project, "build", "--check").returncode == 0


def test_deleted_record_loses_its_page_and_hand_written_pages_stay(project: Path):
    generator(project, "build")
    hand_written = project / "docs" / "papers" / "reading-guide.md"
    hand_written.write_text("# How to read these papers\n", "utf-8")
    (project / "entries" / "papers" / "grape.yaml").unlink()
    generator(project, "build")
    assert not (project / "docs" / "papers" / "grape.md").exists()
    assert hand_written.read_text("utf-8") == "# How to read these papers\n"
    assert (project / "docs" / "about.md").exists()
    manifest = json.loads((project / "docs" / ".generated.json").read_text("utf-8"))
    assert "docs/papers/grape.md" not in manifest["files"]
    assert "GRAPE" not in (project / "README.md").read_text("utf-8")


def test_json_summary_reports_what_each_run_did(project: Path):
    """`build --json` prints one JSON object on stdout: what programs (the benchmark) read."""
    first = json.loads(generator(project, "build", "--json").stdout)
    findings = json.loads(generator(project, "validate", "--format", "json").stdout)
    records = len(list((project / "entries" / "papers").glob("*.yaml")))
    assert first["papers"] == records and first["written"] > records and first["removed"] == 0
    assert first["warnings"] == len(findings) > 0 and {f["severity"] for f in findings} == {"warning"}
    assert list(first["stages"]) == ["cache", "load+validate", "model", "views", "render+write"]
    assert all(isinstance(seconds, float) and seconds >= 0 for seconds in first["stages"].values())
    assert "stale" not in first

    (project / "entries" / "papers" / "grape.yaml").unlink()
    again = json.loads(generator(project, "build", "--json").stdout)
    assert again["papers"] == records - 1 and again["removed"] == 1 and 0 < again["written"] < first["written"]

    readme = project / "README.md"
    readme.write_text(readme.read_text("utf-8") + "\nhand edit\n", "utf-8")
    stale = generator(project, "build", "--check", "--json", check=False)
    assert stale.returncode == 1
    assert json.loads(stale.stdout)["stale"] == ["README.md"]
    assert "README.md" in stale.stderr, "people still read which files are stale"


def test_every_generated_page_under_docs_is_git_ignored(project: Path):
    """Pages under docs/ are built on every run, so git keeps none of them: only the Markdown people read
    on GitHub (README.md, CONTRIBUTING.md, lists/*.md) and the nav in mkdocs.yml are tracked."""
    generator(project, "build")
    generated = json.loads((project / MANIFEST).read_text("utf-8"))["files"]
    under_docs = [path for path in generated if path.startswith("docs/")]
    assert under_docs
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=REPO,
        input="\n".join(under_docs),
        capture_output=True,
        text=True,
        check=False,
    )
    assert sorted(result.stdout.split()) == sorted(under_docs)


def test_release_caches_lets_go_of_the_texts_a_build_rendered(project: Path):
    generate(Project(project))
    assert record_html.results
    release_caches()
    assert not record_html.results
