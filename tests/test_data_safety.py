"""No build, however interrupted, loses data or leaves a half-written file; hostile input is refused."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import copy_project, generator, mkdocs_build, run


def _snapshot(root: Path) -> dict[str, str]:
    files = [p for p in (root / "docs").rglob("*") if p.is_file()] + [root / "README.md"]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_old_or_new_files(project: Path):
    generator(project, "build")
    old = _snapshot(project)
    # The repository's address is in every page's edit link: a change to it touches many files.
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text("utf-8").replace("paperlist/neurips", "paperlist-mirror/neurips"), "utf-8")
    expected_new = copy_project(project.parent / "reference")
    (expected_new / "mkdocs.yml").write_text(settings.read_text("utf-8"), "utf-8")
    generator(expected_new, "build")
    new = _snapshot(expected_new)
    assert sum(old.get(path) != digest for path, digest in new.items()) > 40, "the edit must touch many files"

    randomness = random.Random(1234)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "--root", str(project), "build"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(randomness.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = _snapshot(project)
        for path, digest in current.items():
            if path.endswith(".tmp"):
                continue
            assert digest in (old.get(path), new.get(path)) or path == "docs/.generated.json", path
    generator(project, "build")
    final = _snapshot(project)
    assert {p: d for p, d in final.items() if p != "docs/.generated.json"} == {
        p: d for p, d in new.items() if p != "docs/.generated.json"
    }
    assert not [p for p in final if p.endswith(".tmp")], "the next build removes a killed run's temporaries"


@pytest.mark.slow
def test_the_site_build_is_reproducible(tmp_path: Path):
    first, second = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    mkdocs_build(first)
    run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(second / "mkdocs.yml")],
        cwd=second,
        env={"PYTHONHASHSEED": "999", "TZ": "America/Los_Angeles", "LANG": "C", "LC_ALL": "C"},
    )

    def files(root: Path) -> dict[str, bytes]:
        # sitemap.xml.gz is the one file MkDocs stamps (the gzip header's time).
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"
        }

    a, b = files(first / "site"), files(second / "site")
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def _write(project: Path, name: str, text: str | bytes) -> Path:
    path = project / "entries" / "papers" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


GOOD = "title: A Paper\ncategory: systems/long-context-training\nauthors: [A B]\n"


def test_data_urls_in_links_are_refused(project: Path):
    _write(
        project, "data-link.yaml", GOOD + "links:\n  - label: x\n    url: 'data:text/html,<script>alert(1)</script>'\n"
    )
    _write(
        project,
        "md-data.yaml",
        GOOD.replace("A Paper", "Other Paper") + "summary: '[x](data:text/html;base64,PHNjcmlwdD4=)'\n",
    )
    result = generator(project, "validate", check=False)
    assert result.returncode == 1
    assert "data-link.yaml:6:5: error: link URL 'data:text/html" in result.stdout
    assert "md-data.yaml:4:1: error: 'summary' links to 'data:text/html;base64,PHNjcmlwdD4='" in result.stdout


def test_a_10_mb_file_is_refused_before_parsing(project: Path):
    _write(project, "huge.yaml", GOOD + "summary: '" + "x" * 10_000_000 + "'\n")
    started = time.monotonic()
    result = generator(project, "build", check=False)
    assert result.returncode == 1
    assert "huge.yaml:1:1: error: file is 10,000,082 bytes, over the 200,000-byte limit" in result.stderr
    assert time.monotonic() - started < 10


def test_ids_with_path_parts_or_dots_are_refused(project: Path):
    for name in ("..yaml", "a..b.yaml", "UPPER.yaml", "a_b.yaml", "-lead.yaml"):
        _write(project, name, GOOD.replace("A Paper", f"Paper {name}"))
    result = generator(project, "validate", check=False)
    for name in ("..yaml", "a..b.yaml", "UPPER.yaml", "a_b.yaml", "-lead.yaml"):
        assert (
            f"entries/papers/{name}:1:1: error: file name '{name}' must be a lowercase kebab-case id" in result.stdout
        ), name
    assert generator(project, "build", check=False).returncode == 1
    assert not (project / "docs" / "papers").exists()


def test_symlinks_under_entries_are_refused(project: Path, tmp_path: Path):
    secret = tmp_path / "outside.yaml"
    secret.write_text(GOOD.replace("A Paper", "Secret Paper"), "utf-8")
    (project / "entries" / "papers" / "linked.yaml").symlink_to(secret)
    result = generator(project, "build", check=False)
    assert result.returncode == 1
    assert "entries/papers/linked.yaml:1:1: error: a symbolic link" in result.stderr
    assert not (project / "docs" / "papers").exists()
