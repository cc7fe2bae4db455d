"""The build shared among worker processes gives what one process gives: the same bytes, errors and cache.

Every test runs the build both ways by its ``workers`` setting (1: all in this process; 2:
forked copies share the records and the pages), on the real file system.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from generator import escape
from generator.build import MANIFEST, Project, generate, load_catalog, release_caches
from generator.findings import DataError
from generator.parallel import WorkerError, can_fork, fork_map, in_background
from generator.related import related_papers
from generator.render import Rendering, plan_outputs
from generator.validate import load_and_validate
from generator.write import WriteError
from helpers import assert_write_error_reported, copy_project, generator, single_list_project


@pytest.fixture(autouse=True)
def _forking_allowed() -> None:
    """Each test here must see worker processes at work: a thread left running would quietly keep them off."""
    assert can_fork(), f"the build would not fork here; threads running: {threading.enumerate()}"


BROKEN_YAML = "title: A paper\ncategory: [unclosed\n"
UNKNOWN_CATEGORY = "title: A paper\ncategory: nowhere/at-all\nauthors: [A B]\n"


def _files(root: Path) -> dict[str, str]:
    """Every file below ``root`` but the build's cache and Python's: its content digest, by path."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(".cache/") and "__pycache__" not in relative:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _slowly(item: int) -> tuple[int, int]:
    time.sleep(0.02)
    return item, os.getpid()


def test_worker_processes_share_the_items_and_keep_their_order():
    pids = fork_map(_slowly, range(40), workers=2)
    assert [item for item, _ in pids] == list(range(40))
    assert len({pid for _, pid in pids}) == 2, "two processes did the work"
    assert fork_map(lambda item: (item, os.getpid()), range(7), workers=1) == [(item, os.getpid()) for item in range(7)]


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_work_started_in_the_background_runs_beside_this_process_and_gives_its_result():
    started = time.perf_counter()
    with in_background(lambda: _pid_after(0.5), items=1000, workers=2) as found:
        here = _pid_after(0.5)
        there = found.result()
    assert there != here, "the work ran in another process"
    assert time.perf_counter() - started < 0.9, "the two halves ran at the same time"
    assert found.result() == there, "asked again, the same result"
    # One process, or too few items to pay for a copy: the work runs when its result is asked for.
    assert in_background(os.getpid, items=1000, workers=1).result() == os.getpid()
    assert in_background(os.getpid, items=3).result() == os.getpid()


def test_an_error_in_background_work_is_raised_when_its_result_is_asked_for():
    refused = in_background(lambda: _refuse_in_a_worker(os.getpid() + 1), items=1000, workers=2)
    with pytest.raises(WriteError, match="cannot write docs/x\\.md: refused"):
        refused.result()
    died = in_background(lambda: _die_in_a_worker(os.getpid() + 1), items=1000, workers=2)
    with pytest.raises(WorkerError, match="ended with status 3"):
        died.result()


def test_background_work_whose_result_is_not_asked_for_ends_with_the_block():
    """An error before the result is asked for must not leave the copy running, nor its pipe open."""
    open_before = len(os.listdir("/proc/self/fd"))
    started = time.perf_counter()
    pending = in_background(lambda: _pid_after(30), items=1000, workers=2)
    assert pending.child is not None
    pid = pending.child[0]
    with pytest.raises(RuntimeError, match="the caller failed"), pending:
        raise RuntimeError("the caller failed")
    assert time.perf_counter() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert len(os.listdir("/proc/self/fd")) == open_before


def test_the_fields_converted_where_records_are_parsed_are_every_field_the_outputs_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each Markdown field is converted once, in the processes that parse: no output converts one again."""
    root = copy_project(tmp_path)
    papers = root / "entries" / "papers"
    assert any("also:" in path.read_text("utf-8") for path in papers.glob("*.yaml")), "placements in other lists"
    assert any("notes:" in path.read_text("utf-8") for path in papers.glob("*.yaml")), "notes"
    release_caches()
    catalog, warnings = load_catalog(Project(root), workers=2)
    converted: list[str] = []
    for form in (escape.record_html, escape.rendered_text, escape.markdown_block):
        convert = form.convert
        monkeypatch.setattr(form, "convert", lambda text, convert=convert: converted.append(text) or convert(text))
    rendered = Rendering(plan_outputs(catalog, warnings, workers=1), workers=1).each(lambda _, text: text)
    records = {text for paper in catalog.papers for placement in paper.placements for text in placement.texts}
    assert records and not records & set(converted), "fields converted again while rendering"
    # The lists' descriptions and overviews are not records': they are converted as the pages ask.
    headers = {catalog.description, *(text for shown in catalog.lists for text in (shown.description, shown.overview))}
    assert set(converted) <= headers
    release_caches()
    assert Rendering(plan_outputs(catalog, warnings, workers=1), workers=1).each(lambda _, text: text) == rendered


def _title_unless_acco(data: dict[str, object]) -> object:
    if str(data["title"]).startswith("ACCO"):
        raise ValueError("preparing failed")
    return data["title"]


def test_a_record_that_preparing_fails_on_is_left_to_the_stage_after(tmp_path: Path):
    """Preparing is a head start on rendering: its failure must not stop the checks between records."""
    root = copy_project(tmp_path)
    raw, _, prepared = load_and_validate(root / "entries", workers=2, prepare=_title_unless_acco)
    titles = [document.data["title"] for document in raw.papers]
    assert any(title.startswith("ACCO") for title in titles)
    assert prepared == [None if title.startswith("ACCO") else title for title in titles]


def test_related_papers_found_in_worker_processes_are_the_same(tmp_path: Path):
    catalog, _ = load_catalog(Project(copy_project(tmp_path)), workers=1)
    alone = related_papers(catalog, workers=1)
    assert any(alone.values())
    assert related_papers(catalog, workers=2) == alone
    assert related_papers(catalog, workers=3) == alone


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["collection", "single-list"])
def test_a_build_in_worker_processes_writes_the_same_bytes_as_one_in_this_process(tmp_path: Path, layout: str):
    make = copy_project if layout == "collection" else single_list_project
    alone, shared = make(tmp_path / "alone"), make(tmp_path / "shared")
    one = generate(Project(alone), workers=1)
    two = generate(Project(shared), workers=2)
    assert one.report.written and one.report.written == two.report.written
    assert one.report.digests == two.report.digests
    assert one.warnings == two.warnings
    assert _files(alone) == _files(shared)
    # The digests the workers sent back are the files' own: the next run stops at the cache.
    assert list(generate(Project(shared), workers=2).times) == ["cache"]
    # An edit the workers rewrite again, alone.
    record = shared / "entries" / "papers" / "teraio.yaml"
    record.write_text(record.read_text("utf-8").replace("GPUDirect storage", "GPUDirect Storage"), "utf-8")
    again = generate(Project(shared), workers=2)
    assert "docs/papers/teraio.md" in again.report.written and len(again.report.written) < 10


@pytest.mark.parametrize("text", [BROKEN_YAML, UNKNOWN_CATEGORY], ids=["unreadable", "invalid"])
def test_errors_found_in_worker_processes_stop_the_build_before_anything_is_written(tmp_path: Path, text: str):
    errors = {}
    for workers in (1, 2):
        project = copy_project(tmp_path / str(workers))
        (project / "entries" / "papers" / "zz-broken.yaml").write_text(text, "utf-8")
        before = _files(project)
        with pytest.raises(DataError) as stopped:
            generate(Project(project), workers=workers)
        errors[workers] = stopped.value.findings
        assert _files(project) == before, "nothing written"
        assert not (project / MANIFEST).exists()
    assert errors[1] == errors[2] and any(finding.path.endswith("zz-broken.yaml") for finding in errors[2])


def test_a_check_run_in_worker_processes_names_the_stale_files_and_writes_nothing(project: Path):
    generate(Project(project), workers=2)
    page = project / "docs" / "papers" / "teraio.md"
    page.write_text("edited by hand\n", "utf-8")
    before = _files(project)
    result = generate(Project(project), check=True, workers=2)
    assert result.report.stale == ["docs/papers/teraio.md"]
    assert _files(project) == before


def test_a_write_error_in_a_worker_process_is_reported_without_a_traceback(project: Path):
    assert_write_error_reported(project, "--workers", "2")


def _refuse_in_a_worker(parent: int) -> int:
    time.sleep(0.02)  # so that the worker process takes items too, before this one has taken them all
    if os.getpid() != parent:
        raise WriteError("cannot write docs/x.md: refused")
    return parent


def _die_in_a_worker(parent: int) -> int:
    time.sleep(0.02)
    if os.getpid() != parent:
        os._exit(3)
    return parent


def test_a_worker_process_that_fails_or_dies_is_an_error_here():
    with pytest.raises(WriteError, match="cannot write docs/x\\.md: refused"):
        fork_map(_refuse_in_a_worker, [os.getpid()] * 40, workers=2)
    with pytest.raises(WorkerError, match="ended with status 3"):
        fork_map(_die_in_a_worker, [os.getpid()] * 40, workers=2)


def _slow_here(parent: int) -> int:
    time.sleep(0.5 if os.getpid() == parent else 0.01)
    return os.getpid()


def test_a_process_slowed_by_other_work_takes_fewer_items():
    # As when another program busies one core: this process is 50 times slower than its worker.
    parent = os.getpid()
    pids = fork_map(_slow_here, [parent] * 40, workers=2)
    assert len(pids) == 40
    # Shares fixed in advance would leave 20 items here, 10 s; taken as each process is free, a few.
    assert pids.count(parent) <= 4, f"this process took {pids.count(parent)} of 40 items"


def test_the_command_line_takes_a_number_of_workers(project: Path):
    assert "wrote" in generator(project, "build", "--workers", "2").stdout
    refused = generator(project, "build", "--workers", "0", check=False)
    assert refused.returncode == 2 and "'0' is not a whole number above 0" in refused.stderr


def test_outputs_drawing_on_every_paper_are_rendered_first_and_reported_in_plan_order(tmp_path: Path):
    """A process left rendering the README alone at the end would keep the others waiting."""
    catalog, warnings = load_catalog(Project(copy_project(tmp_path)), workers=1)
    rendering = Rendering(plan_outputs(catalog, warnings), workers=1)
    handled: list[str] = []
    results = rendering.each(lambda path, text: handled.append(path))
    whole_list = {"README.md", "docs/papers.json", "docs/papers.csv", "docs/papers-search.json"}
    assert set(handled[: len(whole_list)]) == whole_list
    assert list(results) == rendering.paths()
