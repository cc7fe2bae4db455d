"""The build's cache: a run with nothing changed writes nothing and renders nothing, and no cache changes the output."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import MANIFEST, Project, generate
from generator.cache import CACHE_FILE
from generator.findings import DataError
from generator.validate import CheckedRecords
from helpers import generator, mkdocs_build

PAGE = "docs/papers/teraio.md"
RECORD = "entries/papers/teraio.yaml"


def _build(project: Path, **options: dict[str, str]) -> dict:
    return json.loads(generator(project, "build", "--json", **options).stdout)


def _outputs(project: Path, nav: bool = True) -> dict[str, bytes]:
    """Every generated file's bytes, by path, and (with ``nav``) mkdocs.yml's, whose nav the build writes."""
    listed = json.loads((project / MANIFEST).read_text("utf-8"))["files"]
    return {path: (project / path).read_bytes() for path in [*listed, MANIFEST, *(["mkdocs.yml"] if nav else [])]}


def _full(summary: dict) -> bool:
    """Whether the run loaded and rendered the records, rather than stopping at the cache."""
    return "render+write" in summary["stages"]


def test_a_run_with_nothing_changed_stops_at_the_cache_and_writes_nothing(project: Path):
    first = _build(project)
    assert _full(first) and first["written"] > 0
    before = {path: (project / path).stat().st_mtime_ns for path in _outputs(project)}
    again = _build(project)
    assert list(again["stages"]) == ["cache"], "nothing was loaded, validated or rendered"
    assert again["written"] == 0 and again["removed"] == 0
    assert (again["papers"], again["warnings"]) == (first["papers"], first["warnings"])
    assert {path: (project / path).stat().st_mtime_ns for path in _outputs(project)} == before


def test_warnings_are_listed_from_the_cache_as_the_full_run_listed_them(project: Path):
    full = generator(project, "build", "--verbose")
    cached = generator(project, "build", "--verbose")
    assert "wrote 0 files" in cached.stdout
    assert cached.stderr == full.stderr and "warning" in full.stderr


def _edit_record(project: Path) -> str:
    record = project / RECORD
    record.write_text(record.read_text("utf-8").replace("GPUDirect storage", "GPUDirect Cached"), "utf-8")
    return "GPUDirect Cached"


def _edit_tags(project: Path) -> str:
    tags = project / "entries" / "tags.yml"
    tags.write_text(tags.read_text("utf-8").replace("title: Parallelism", "title: Tagged Parallelism"), "utf-8")
    return "Tagged "


def _edit_list(project: Path) -> str:
    list_file = project / "entries" / "lists" / "training.yml"
    list_file.write_text(list_file.read_text("utf-8").replace("title: Systems", "title: Renamed Systems"), "utf-8")
    return "Renamed "


def _edit_collection(project: Path) -> str:
    header = project / "entries" / "collection.yml"
    header.write_text(
        header.read_text("utf-8").replace("title: 'NeurIPS 2025:", "title: 'Renamed NeurIPS 2025:"), "utf-8"
    )
    return "Renamed NeurIPS"


def _edit_mkdocs_yml(project: Path) -> str:
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(
        text.replace("site_url: https://paperlist.github.io/", "site_url: https://cached.example/", 1), "utf-8"
    )
    return "https://cached.example/"


@pytest.mark.parametrize("edit", [_edit_record, _edit_tags, _edit_list, _edit_collection, _edit_mkdocs_yml])
def test_an_edited_input_makes_a_full_run(project: Path, edit: Callable[[Path], str]):
    _build(project)
    marker = edit(project)
    assert marker.encode() not in b"".join(_outputs(project, nav=False).values())
    summary = _build(project)
    assert _full(summary) and summary["written"] > 0
    assert marker.encode() in b"".join(_outputs(project, nav=False).values())
    # And the run after it is a cache hit again, with the new inputs.
    assert list(_build(project)["stages"]) == ["cache"]


def test_a_new_record_is_checked_against_all_the_others(project: Path):
    _build(project)
    expected = _outputs(project)
    copy = project / "entries" / "papers" / "teraio-copy.yaml"
    shutil.copy(project / RECORD, copy)
    failed = generator(project, "build", check=False)
    assert failed.returncode == 1 and "teraio-copy.yaml" in failed.stderr, "the duplicate is found"
    copy.unlink()
    # The inputs are those the cache describes again, and the failed run wrote nothing.
    assert list(_build(project)["stages"]) == ["cache"]
    assert _outputs(project) == expected


def test_an_edited_template_makes_a_full_run(project: Path):
    """The code's own files are an input: a fresh interpreter imports the copy's generator."""
    _build(project, env={})
    template = project / "generator" / "templates" / "paper.md.j2"
    template.write_text(template.read_text("utf-8") + "\nTemplate edited.\n", "utf-8")
    summary = _build(project, env={})
    assert _full(summary) and b"Template edited." in (project / PAGE).read_bytes()


def test_a_changed_or_deleted_output_makes_a_full_run_that_restores_it(project: Path):
    _build(project)
    expected = _outputs(project)
    (project / PAGE).write_text("# Defaced\n", "utf-8")
    (project / "docs" / "papers" / "acco.md").unlink()
    summary = _build(project)
    assert _full(summary) and summary["written"] == 2
    assert _outputs(project) == expected


def test_an_output_rewritten_with_its_own_content_is_read_again(project: Path):
    """Same bytes, new file: the cache cannot tell, so it does not guess."""
    _build(project)
    page = project / PAGE
    page.write_bytes(page.read_bytes())
    assert _full(_build(project))


def _forge(project: Path, page: str, content: bytes) -> None:
    """Replace a page and make the cache's digest of it match, as a hostile pull request could."""
    (project / page).write_bytes(content)
    record = json.loads((project / CACHE_FILE).read_text("utf-8"))
    record["outputs"][page][4] = hashlib.sha256(content).hexdigest()
    (project / CACHE_FILE).write_text(json.dumps(record), "utf-8")


def test_a_forged_cache_in_a_fresh_copy_does_not_keep_a_forged_page(project: Path, tmp_path: Path):
    """A checkout holds new files (new inodes and change times): a cache that came with it never matches."""
    _build(project)
    expected = _outputs(project)
    _forge(project, PAGE, b"<script>alert(1)</script>\n")
    checkout = tmp_path / "checkout"
    shutil.copytree(project, checkout)
    summary = _build(checkout)
    assert _full(summary) and summary["written"] == 1
    assert _outputs(checkout) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not UTF-8",
        b"[1, 2",
        b"[]",
        b'{"version": 1}',
        b'{"version": 1, "inputs": 5, "papers": "many", "warnings": {}, "outputs": []}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_corrupt_cache_makes_a_full_run(project: Path, content: bytes):
    _build(project)
    expected = _outputs(project)
    (project / CACHE_FILE).write_bytes(content)
    (project / PAGE).write_text("# Defaced\n", "utf-8")
    summary = _build(project)
    assert _full(summary)
    assert _outputs(project) == expected


def test_a_cache_with_every_input_right_but_foreign_outputs_makes_a_full_run(project: Path):
    """A record naming outputs outside the project, or fewer than the manifest lists, is not ours."""
    _build(project)
    expected = _outputs(project)
    record = json.loads((project / CACHE_FILE).read_text("utf-8"))
    page = record["outputs"].pop(PAGE)
    record["outputs"]["../outside.md"] = page
    (project / CACHE_FILE).write_text(json.dumps(record), "utf-8")
    (project / PAGE).write_text("# Defaced\n", "utf-8")
    assert _full(_build(project))
    assert _outputs(project) == expected


def test_a_link_under_docs_stops_a_run_with_nothing_changed(project: Path, tmp_path: Path):
    _build(project)
    outside = tmp_path / "outside.md"
    outside.write_text("elsewhere\n", "utf-8")
    (project / "docs" / "linked.md").symlink_to(outside)
    failed = generator(project, "build", check=False)
    assert failed.returncode == 1 and "docs/linked.md" in failed.stderr


def test_the_cached_outputs_are_those_of_a_clean_run(project: Path, tmp_path: Path):
    """Determinism: a run that stopped at the cache leaves exactly what a clean run writes."""
    _build(project)
    _edit_record(project)
    _build(project)
    _build(project)
    clean = tmp_path / "clean"
    shutil.copytree(project, clean)
    shutil.rmtree(clean / ".cache")
    for path in json.loads((clean / MANIFEST).read_text("utf-8"))["files"]:
        (clean / path).unlink()
    _build(clean)
    assert _outputs(clean) == _outputs(project)


@pytest.mark.slow
def test_mkdocs_build_after_the_cli_finds_nothing_changed(project: Path, tmp_path: Path):
    """The hook and the CLI key the cache alike (another process, another search path): no second full run."""
    _build(project)
    record = (project / CACHE_FILE).stat()
    mkdocs_build(project, tmp_path / "site")
    after = (project / CACHE_FILE).stat()
    assert (after.st_ino, after.st_mtime_ns) == (record.st_ino, record.st_mtime_ns), "a full run rewrites the cache"
    assert (tmp_path / "site" / "papers" / "teraio" / "index.html").is_file()


# --- A server's runs: records an edit left alone are not parsed and checked again ---------


def _outputs_of_run(project: Path, checked: CheckedRecords) -> dict[str, bytes]:
    generate(Project(project), checked=checked)
    return _outputs(project)


def test_a_servers_run_after_an_edit_rereads_only_that_record_and_writes_what_a_fresh_run_writes(
    project: Path, tmp_path: Path
):
    checked = CheckedRecords()
    first = generate(Project(project), checked=checked)
    assert first.catalog is not None, "a server's first run loads the records, even when the cache says nothing changed"
    kept = dict(checked.by_file)
    assert len(kept) == len(first.catalog.papers)
    edited = _edit_record(project)
    served = _outputs_of_run(project, checked)
    assert edited.encode() in served[PAGE]
    # Every record but the edited one is the very object the first run parsed.
    again = {key[0]: result for key, result in checked.by_file.items()}
    reused = [path for path, result in again.items() if any(result is earlier for earlier in kept.values())]
    assert sorted(path.name for path in again if path not in reused) == ["teraio.yaml"]
    # The same records in a fresh copy, in a fresh run: byte-identical.
    fresh = shutil.copytree(project, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    for path in _outputs(fresh, nav=False):
        (fresh / path).unlink()
    generate(Project(fresh), workers=1)
    assert _outputs(fresh) == served


def test_a_record_edited_back_to_earlier_bytes_is_read_as_it_now_is(project: Path):
    checked = CheckedRecords()
    record = project / RECORD
    original = record.read_text("utf-8")
    generate(Project(project), checked=checked)
    edited = _edit_record(project)
    assert edited.encode() in _outputs_of_run(project, checked)[PAGE]
    record.write_text(original, "utf-8")
    assert edited.encode() not in _outputs_of_run(project, checked)[PAGE]


def test_a_servers_run_checks_unchanged_records_again_when_the_rules_they_are_checked_against_change(project: Path):
    checked = CheckedRecords()
    generate(Project(project), checked=checked)
    tags = project / "entries" / "tags.yml"
    # Removing a tag from the vocabulary breaks the unchanged records that use it.
    tags.write_text(tags.read_text("utf-8").replace("  - id: offloading\n", "  - id: off-loading\n"), "utf-8")
    with pytest.raises(DataError) as raised:
        generate(Project(project), checked=checked)
    assert any(finding.path == RECORD and "offloading" in finding.message for finding in raised.value.findings)
