"""The build writes and deletes only its own files, never through a link, and says why when it cannot."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.findings import DataError
from generator.routes import is_output_location
from generator.write import sync_outputs
from helpers import assert_write_error_reported, copy_project, generator, mkdocs_build

MANIFEST = "docs/.generated.json"
SECRET = "SECRET-TOKEN-7f3a\n"
GOOD = "title: A Long Paper\ncategory: systems/long-context-training\nauthors: [A B]\n"


def _tree(folder: Path) -> dict[str, str]:
    """Every file, folder and link below ``folder`` (links not followed): content digest, 'folder' or link target.

    Left out: Python's byte-code caches, and the build's lock file, which holds no content.
    """
    found: dict[str, str] = {}
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name not in ("__pycache__", ".cache")]
        for name in folders + files:
            path = Path(parent) / name
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[relative] = f"link to {os.readlink(path)}"
            elif path.is_dir():
                found[relative] = "folder"
            else:
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _build(runner: str, project: Path) -> tuple[int, str]:
    """Run the build the way a contributor or CI would; its exit code and everything it printed."""
    result = generator(project, "build", check=False) if runner == "generator" else mkdocs_build(project, check=False)
    return result.returncode, result.stdout + result.stderr


def _plant_manifest(project: Path, entries: list[str]) -> None:
    (project / "docs").mkdir(exist_ok=True)
    (project / MANIFEST).write_text(json.dumps({"version": 1, "files": entries}, indent=1) + "\n", "utf-8")


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text(SECRET, "utf-8")
    return victim


# Each planted entry, given the temporary folder; the project is its subfolder `project`.
PLANTED = {
    "parent": lambda tmp: "../victim.txt",
    "absolute": lambda tmp: str(tmp / "victim.txt"),
    "through-docs": lambda tmp: "docs/../../victim.txt",
    "parent-of-parent": lambda tmp: "../../" + tmp.name + "/victim.txt",
    "backslash": lambda tmp: "docs\\papers\\grape.md",
    "record": lambda tmp: "entries/papers/grape.yaml",
    "config": lambda tmp: "pyproject.toml",
    "hand-written-page": lambda tmp: "docs/about.md",
    "asset": lambda tmp: "docs/assets/paperlist.css",
}


@pytest.mark.parametrize("runner", ["generator", pytest.param("mkdocs", marks=pytest.mark.slow)])
@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_planted_manifest_deletes_and_writes_nothing(tmp_path: Path, case: str, runner: str):
    project = copy_project(tmp_path / "project")
    _victim(tmp_path)
    entry = PLANTED[case](tmp_path)
    _plant_manifest(project, ["docs/index.md", entry])
    before = _tree(tmp_path)
    code, output = _build(runner, project)
    assert code == 1, output
    assert "Traceback" not in output
    assert f"{MANIFEST}:5:3: error: {json.dumps(entry)}" in output, output
    assert "nothing was written or deleted" in output
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("runner", ["generator", pytest.param("mkdocs", marks=pytest.mark.slow)])
def test_a_manifest_entry_that_is_a_link_is_refused(tmp_path: Path, runner: str):
    project = copy_project(tmp_path / "project")
    generator(project, "build")
    victim = _victim(tmp_path)
    link = project / "docs" / "papers" / "linked.md"
    link.symlink_to(victim)
    manifest = json.loads((project / MANIFEST).read_text("utf-8"))
    _plant_manifest(project, [*manifest["files"], "docs/papers/linked.md"])
    before = _tree(tmp_path)
    code, output = _build(runner, project)
    assert code == 1 and "Traceback" not in output
    assert "docs/papers/linked.md:1:1: error: a symbolic link" in output, output
    assert _tree(tmp_path) == before


def test_check_refuses_a_planted_manifest_too(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    _victim(tmp_path)
    _plant_manifest(project, ["../victim.txt"])
    result = generator(project, "build", "--check", check=False)
    assert result.returncode == 1
    assert f'{MANIFEST}:4:3: error: "../victim.txt"' in result.stderr


def test_a_manifest_that_is_not_the_builds_own_is_refused(project: Path):
    _plant_manifest(project, [])
    (project / MANIFEST).write_text('{"version": 1, "files": ["docs/index.md",]}\n', "utf-8")
    result = generator(project, "build", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{MANIFEST}:1:42: error: the build's manifest is not valid JSON; delete {MANIFEST}" in result.stderr
    (project / MANIFEST).write_text('{"version": 1, "files": "docs/index.md"}\n', "utf-8")
    result = generator(project, "build", check=False)
    assert result.returncode == 1
    assert f"""{MANIFEST}:1:1: error: the build's manifest has no "files" list""" in result.stderr


def test_a_stale_generated_page_is_still_removed(project: Path):
    """The checks refuse foreign entries, not the manifest's purpose."""
    generator(project, "build")
    (project / "entries" / "papers" / "grape.yaml").unlink()
    result = generator(project, "build")
    assert "removed 1" in result.stdout
    assert not (project / "docs" / "papers" / "grape.md").exists()


def _outside_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(SECRET, "utf-8")
    return folder


def _link_docs_file(project: Path, outside: Path) -> str:
    (project / "docs" / "leak.md").symlink_to(outside / "secret.md")
    return "docs/leak.md"


def _link_asset_file(project: Path, outside: Path) -> str:
    (project / "docs" / "assets" / "leak.css").symlink_to(outside / "secret.md")
    return "docs/assets/leak.css"


def _link_assets_folder(project: Path, outside: Path) -> str:
    assets = project / "docs" / "assets"
    assets.rename(outside / "assets")
    assets.symlink_to(outside / "assets")
    return "docs/assets"


def _link_papers_folder(project: Path, outside: Path) -> str:
    (project / "docs" / "papers").symlink_to(outside, target_is_directory=True)
    return "docs/papers"


def _link_entries(project: Path, outside: Path) -> str:
    entries = project / "entries"
    entries.rename(outside / "entries")
    entries.symlink_to(outside / "entries")
    return "entries"


def _link_record(project: Path, outside: Path) -> str:
    (outside / "record.yaml").write_text(GOOD, "utf-8")
    (project / "entries" / "papers" / "linked.yaml").symlink_to(outside / "record.yaml")
    return "entries/papers/linked.yaml"


def _link_readme(project: Path, outside: Path) -> str:
    (project / "README.md").unlink()
    (project / "README.md").symlink_to(outside / "secret.md")
    return "README.md"


def _link_manifest(project: Path, outside: Path) -> str:
    (outside / "manifest.json").write_text(json.dumps({"version": 1, "files": []}), "utf-8")
    (project / MANIFEST).symlink_to(outside / "manifest.json")
    return MANIFEST


def _link_cache(project: Path, outside: Path) -> str:
    (project / ".cache").symlink_to(outside, target_is_directory=True)
    return ".cache"


LINKS = {
    "cache-folder": _link_cache,
    "docs-file": _link_docs_file,
    "asset-file": _link_asset_file,
    "assets-folder": _link_assets_folder,
    "papers-folder": _link_papers_folder,
    "entries-folder": _link_entries,
    "record": _link_record,
    "readme": _link_readme,
    "manifest": _link_manifest,
}


@pytest.mark.parametrize("runner", ["generator", pytest.param("mkdocs", marks=pytest.mark.slow)])
@pytest.mark.parametrize("case", sorted(LINKS))
def test_symbolic_links_are_refused_before_anything_is_written(tmp_path: Path, case: str, runner: str):
    project = copy_project(tmp_path / "project")
    outside = _outside_folder(tmp_path)
    link = LINKS[case](project, outside)
    before = _tree(tmp_path)
    code, output = _build(runner, project)
    assert code == 1, output
    assert "Traceback" not in output
    assert f"{link}:1:1: error: a symbolic link" in output, output
    assert "replace the link with the file itself" in output
    assert _tree(tmp_path) == before, "nothing written inside the project or outside it"


def test_an_id_too_long_for_the_file_system_names_the_record_and_writes_nothing(project: Path):
    long_id = "a" * 240
    (project / "entries" / "papers" / f"{long_id}.yaml").write_text(GOOD, "utf-8")
    before = _tree(project)
    for args in (["build"], ["build", "--check"]):
        result = generator(project, *args, check=False)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr
        assert f"entries/papers/{long_id}.yaml:1:1: error:" in result.stderr, result.stderr
        assert _tree(project) == before


def test_an_output_path_the_file_system_refuses_is_an_error_before_writing(tmp_path: Path):
    root = tmp_path / "project"
    root.mkdir()
    long_page = f"docs/papers/{'b' * 250}.md"
    with pytest.raises(DataError) as raised:
        sync_outputs(root, {"docs/index.md": "# Home\n", long_page: "x\n"}, root / MANIFEST, allowed=is_output_location)
    assert [finding.path for finding in raised.value.findings] == [long_page]
    assert "bytes" in raised.value.findings[0].message
    assert list(root.iterdir()) == []


def test_the_generator_refuses_to_write_outside_its_output_locations(tmp_path: Path):
    root = tmp_path / "project"
    root.mkdir()
    assert is_output_location("docs/papers/grape.md") and is_output_location("README.md")
    for stray in ("docs/about.md", "entries/papers/x.yaml", "../x.md", "docs/papers/../../x.md"):
        assert not is_output_location(stray), stray
        with pytest.raises(DataError):
            sync_outputs(root, {stray: "x\n"}, root / MANIFEST, allowed=is_output_location)
    assert list(root.iterdir()) == []


def test_a_write_error_is_reported_without_a_traceback(project: Path):
    # Root ignores file modes; a file-size limit makes the kernel refuse the larger pages mid-build.
    assert_write_error_reported(project)


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_written_files_follow_the_umask(project: Path, tmp_path: Path, mask: int):
    expected = 0o666 & ~mask
    with _umask(mask):
        generator(project, "build")
        generator(
            project,
            "new",
            "--title",
            "Mode Paper",
            "--list",
            "training",
            "--category",
            "systems/long-context-training",
            "--no-input",
        )
        generator(project, "export-offline", str(tmp_path / "list.html"), "--single-file")
    written = [
        project / "docs" / "index.md",
        project / "docs" / "papers" / "grape.md",
        project / "docs" / "papers.json",
        project / MANIFEST,
        project / "entries" / "papers" / "mode-paper.yaml",
        tmp_path / "list.html",
    ]
    assert {path.name: oct(path.stat().st_mode & 0o777) for path in written} == {
        path.name: oct(expected) for path in written
    }


@pytest.mark.slow
def test_concurrent_builds_each_finish_and_leave_the_right_files(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    settings = project / "mkdocs.yml"
    original = settings.read_text("utf-8")
    edited = original.replace("paperlist/neurips", "paperlist-mirror/neurips")
    assert edited != original
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "generator", "--root", str(project), "build"]
    for round_number in range(6):
        # Each round changes every page's edit link, so both builds rewrite about a hundred files at once.
        settings.write_text(edited if round_number % 2 == 0 else original, "utf-8")
        processes = [
            subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        for process in processes:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            assert "Traceback" not in err
        assert not [path for path in _tree(project) if path.endswith(".tmp")]
    expected = copy_project(tmp_path / "expected")
    (expected / "mkdocs.yml").write_text(settings.read_text("utf-8"), "utf-8")
    generator(expected, "build")
    assert _tree(project / "docs") == _tree(expected / "docs")
