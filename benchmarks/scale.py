"""Scale benchmark: synthesise N realistic records in a temporary copy and time each stage.

    python -m benchmarks.scale --papers 1000 --papers 5000 --papers 20000 --serve --page docs/performance.md

Stages: the generator cold (a whole process), again with nothing changed, after editing
one record, and `mkdocs build`, which runs the generator through the hook and so is the
whole build; then, in Debian's Chromium, search and the explorer; with --serve, how long
`mkdocs serve` takes to show an edited record. Reports wall time and peak memory (each
process's own) per stage, the files written, the site's and the search index's size, the
mean paper page and the explorer's data, checks each figure against the targets of the
performance issue, and profiles the whole build. With --page, the report replaces the
block between the benchmark markers of that page.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import yaml

from benchmarks import browser
from generator import routes
from generator.build import MANIFEST
from generator.cache import CACHE_FILE
from generator.offline import QUIET_MKDOCS
from generator.routes import MKDOCS_YML
from generator.sitelinks import site_url_of
from generator.sitesearch import search_bytes

REPO = Path(__file__).resolve().parents[1]
WORDS = tuple(
    "training gradient pipeline tensor memory attention sparse expert quantization optimizer schedule thr"
    "oughput latency kernel compiler cluster bandwidth communication checkpoint precision stability scali"
    "ng data mixture curriculum reward policy adapter low-rank context sequence parallelism shard offload"
    " activation recompute fused collective topology heterogeneous federated decentralized".split()
)
NAMES = (
    "Zoë Müller",
    "Łukasz Kaiser",
    "Søren Ørsted",
    "José Núñez",
    "李明",
    "Ana-María Pérez",
    "Jürgen Groß",
    "Chloé Dupré",
    "Ömer Yılmaz",
    "Arjun Ramanathan",
    "Mei Suzuki",
    "Olusegun Adeyemi",
    "Priya Nair",
)


_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "du", "fa", "go", "hi", "ju", "pe", "so")


_TAIL_SYLLABLES = ("bra", "cle", "dri", "fro", "gla", "ple", "sta", "tri", "vle", "quo", "wen", "yst")


def code_name(number: int) -> str:
    """A pronounceable name unique to ``number`` ("Kalomi"), like the short names papers take."""
    syllables = []
    while True:
        number, digit = divmod(number, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
        if number == 0:
            break
    return "".join(syllables + ["x"] * (3 - len(syllables))).capitalize()


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """The domain words plus a long tail of rarer ones, with cumulative Zipf weights like real prose.

    Cumulative, because random.choices would otherwise add them up again on every call.
    """
    # Other syllables than the code names', so a code name stays unique to its paper.
    tail = {"".join(rng.choice(_TAIL_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(4000)}
    words = list(WORDS) + sorted(tail - set(WORDS))
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


def _author(name: str, distinct: str) -> str:
    given, _, surname = name.rpartition(" ")
    return f"{given} {distinct} {surname}".lstrip()


def synthesise(root: Path, papers: int, seed: int = 7) -> None:
    """Replace the copy's records with ``papers`` synthetic ones in about 50 subsections."""
    rng = random.Random(seed)
    # One conference-sized list: the copy's collection (or single list) gives way to one taxonomy.
    entries = root / "entries"
    header_file = entries / ("collection.yml" if (entries / "collection.yml").is_file() else "taxonomy.yml")
    header = yaml.safe_load(header_file.read_text("utf-8"))
    shutil.rmtree(entries / "lists", ignore_errors=True)
    header_file.unlink()
    taxonomy = {"title": header["title"], "description": header["description"]}
    taxonomy["sections"] = [
        {
            "id": f"section-{s}",
            "title": f"Section {s} — Systems",
            "subsections": [{"id": f"topic-{s}-{t}", "title": f"Topic {s}.{t} & Friends"} for t in range(1, 11)],
        }
        for s in range(1, 6)
    ]
    (root / "entries" / "taxonomy.yml").write_text(yaml.safe_dump(taxonomy, allow_unicode=True), "utf-8")
    tags = [tag["id"] for tag in yaml.safe_load((root / "entries" / "tags.yml").read_text("utf-8"))["tags"]]
    papers_dir = root / "entries" / "papers"
    shutil.rmtree(papers_dir)
    papers_dir.mkdir()
    words, cumulative = _vocabulary(rng)
    for number in range(papers):
        title_words = rng.sample(WORDS, rng.randint(5, 12))
        title = f"{code_name(number)}: " + " ".join(title_words).capitalize() + rng.choice(["", " — revisited", " ×2"])
        section = rng.randint(1, 5)
        record = {
            "title": title,
            "category": f"section-{section}/topic-{section}-{rng.randint(1, 10)}",
            # A number inside each name keeps authors distinct, as in a real conference, without
            # making every surname start with a digit.
            "authors": [_author(rng.choice(NAMES), f"{number}x{i}") for i in range(rng.randint(1, 20))],
            "venue": "NeurIPS",
            "year": 2025,
            "links": [
                {
                    "label": f"arXiv:25{number % 100:02d}.{number:05d}",
                    "url": f"https://arxiv.org/abs/25{number % 100:02d}.{number:05d}",
                }
            ],
            "summary": " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(80, 250))).capitalize() + ".",
            "key_results": [f"**{rng.randint(2, 90)}%** better {rng.choice(WORDS)}" for _ in range(rng.randint(0, 6))],
            "tags": sorted(set(rng.sample(tags, rng.randint(1, 4)))),
            "added": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        (papers_dir / f"paper-{number}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), "utf-8")


@dataclass(frozen=True)
class Run:
    """One timed process: wall seconds, processor seconds, peak memory and what it printed."""

    seconds: float
    # User and system time of the process and of the worker processes it forked and waited for.
    processor: float
    mb: float
    stdout: str


def timed(args: list[str], cwd: Path, **extra_env: str) -> Run:
    """Run ``args`` to its end and measure it; peak memory is the largest of its processes', not their sum."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=cwd, stdout=out, stderr=err, env={**os.environ, **QUIET_MKDOCS, **extra_env}
        )
        # wait4 gives the resource usage of this one process and its own children, not of
        # every child this benchmark has run so far.
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{args} failed:\n{stdout}\n{stderr}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def fastest(runs: list[Run]) -> Run:
    """The run the machine's other work disturbed least."""
    return min(runs, key=lambda run: run.seconds)


# The parse floor: a process that only reads and parses the records with PyYAML's C loader.
# The generator cannot load its records faster than this, so its runs are reported against it.
# The options of the README's serve command (tests/test_benchmark.py holds the two together).
README_SERVE = ("--dirty",)
PARSE_FLOOR = (
    "import pathlib, sys, yaml\n"
    "for path in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    yaml.load(path.read_text('utf-8'), Loader=yaml.CSafeLoader)\n"
)


def parse_floor(root: Path) -> Run:
    """A whole process that parses every record with yaml.CSafeLoader and does nothing else."""
    return timed([sys.executable, "-c", PARSE_FLOOR, str(root / "entries" / "papers")], root)


def serve_latency(root: Path, record: Path, *options: str) -> float:
    """Seconds from saving an edited record to `mkdocs serve` answering with the new page."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # mkdocs serve puts the site under the path of its site_url.
    site_url = site_url_of(root / MKDOCS_YML) or "/"
    page = f"http://127.0.0.1:{port}{urllib.parse.urlsplit(site_url).path}{routes.url(routes.paper(record.stem))}"
    log = root.parent / "serve.log"

    def page_text() -> str:
        try:
            with urllib.request.urlopen(page, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def failed(what: str) -> SystemExit:
        return SystemExit(f"{what}:\n" + log.read_text("utf-8")[-3000:])

    with log.open("w") as log_stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=log_stream,
            env={**os.environ, **QUIET_MKDOCS},
        )
        try:
            deadline = time.monotonic() + 900
            while "<h1" not in page_text():
                if time.monotonic() > deadline or server.poll() is not None:
                    raise failed("mkdocs serve did not come up")
                time.sleep(0.5)
            time.sleep(3)  # let the file watcher settle after the first build
            marker = f"Served{random.randrange(10**9)}"
            started = time.monotonic()
            # The summary is a plain scalar; a title may be quoted, where a prefix would break the YAML.
            record.write_text(record.read_text("utf-8").replace("summary: ", f"summary: {marker} ", 1), "utf-8")
            while marker not in page_text():
                if time.monotonic() - started > 900 or "error happened during the rebuild" in log.read_text("utf-8"):
                    raise failed("the edit never showed")
                time.sleep(0.05)
            return time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _generated(root: Path) -> list[str]:
    """The generator's outputs as its manifest lists them, and mkdocs.yml, where it writes the nav."""
    return [*json.loads((root / MANIFEST).read_text("utf-8"))["files"], "mkdocs.yml"]


def _snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Each generated file's modification time and content digest, by path."""
    return {
        relative: ((root / relative).stat().st_mtime_ns, hashlib.sha256((root / relative).read_bytes()).hexdigest())
        for relative in _generated(root)
        if (root / relative).is_file()
    }


# The reference a whole build is set beside: MkDocs with Material's theme and its search plugin as a
# new project gets them, no hook and no Markdown extensions beyond MkDocs' defaults. The theme keeps
# the site's features; its pages stay out of the nav, as paper pages do, since thousands of nav
# entries written into every page would make the reference, not the site, the slow one.
PLAIN_CONFIG = {
    "site_name": "Plain Material reference",
    "theme": {
        "name": "material",
        "font": False,
        "features": [
            "navigation.tabs",
            "navigation.sections",
            "navigation.indexes",
            "navigation.top",
            "navigation.prune",
            "search.suggest",
            "search.highlight",
        ],
    },
    "plugins": ["search"],
    "nav": [{"Home": "index.md"}],
    "not_in_nav": f"/{routes.url(routes.paper('x')).split('/')[0]}/\n",
}


@dataclass
class PlainSite:
    """The plain Material site of the same page count, built and searched in the same run."""

    build: float
    build_mb: float
    index_bytes: int  # the search index and, on the hosted site, the papers' search documents beside it
    waits: dict[str, float] | None = None


def plain_project(records: Path, root: Path) -> None:
    """A plain MkDocs + Material project at ``root``: one simple page per record in ``records``.

    Each page holds the record's text a reader searches for: its title as the h1, its
    authors on a line, and its summary as a paragraph.
    """
    papers = root / "docs" / "papers"
    papers.mkdir(parents=True)
    count = 0
    for record_file in sorted(records.glob("*.yaml")):
        record = yaml.load(record_file.read_text("utf-8"), Loader=yaml.CSafeLoader)
        authors = ", ".join(record.get("authors") or [])
        page = f"# {record['title']}\n\n**Authors:** {authors}\n\n{record.get('summary', '')}\n"
        (papers / f"{record_file.stem}.md").write_text(page, "utf-8")
        count += 1
    (root / "docs" / "index.md").write_text(f"# Plain reference\n\n{count:,} pages.\n", "utf-8")
    (root / MKDOCS_YML).write_text(yaml.safe_dump(PLAIN_CONFIG, allow_unicode=True), "utf-8")


def measure_plain(records: Path, work: Path, query: str | None, repeat: int) -> PlainSite:
    """Build the plain reference ``repeat`` times (the fastest counts), and search it in Chromium if ``query``."""
    root = work / "plain"
    plain_project(records, root)
    site = root / "site"
    builds = [timed([sys.executable, "-m", "mkdocs", "build", "-d", str(site)], root) for _ in range(repeat)]
    result = PlainSite(
        build=fastest(builds).seconds,
        build_mb=max(build.mb for build in builds),
        index_bytes=search_bytes(site),
    )
    if query:
        result.waits = browser.measure_search(site, query)
    return result


@dataclass
class Measurement:
    """One synthetic list's figures, as measured; the tables and the verdicts are derived from these."""

    papers: int
    cold: float
    cold_processor: float
    cold_mb: float
    cold_written: int
    unchanged: float
    unchanged_written: int
    stages: dict[str, float]
    edit: float
    edit_written: list[str]
    edit_rewrote_unchanged: list[str]
    mkdocs: float
    mkdocs_mb: float
    page_timings: dict
    site_bytes: int
    record_bytes: int
    index_bytes: int  # the search index and, on the hosted site, the papers' search documents beside it
    paper_page_bytes: float
    explorer_gz_bytes: int
    waits: dict[str, float] | None = None
    serve: tuple[float, float] | None = None
    plain: PlainSite | None = None
    floor: float = 0.0
    floor_processor: float = 0.0

    @property
    def generator_in_build(self) -> float:
        """The config of the clean `mkdocs build`, measured inside it: the generator hook's run, nearly all."""
        return self.page_timings["config with the generator"]


def measure(papers: int, keep: Path | None, in_browser: bool, serve: bool, repeat: int = 1) -> Measurement:
    work = Path(tempfile.mkdtemp(prefix=f"scale-{papers}-"))
    try:
        root = work / "project"
        shutil.copytree(
            REPO,
            root,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "site", "test-results", ".cache", "__pycache__", "papers", "sections"
            ),
        )
        (root / "entries" / "papers").mkdir(exist_ok=True)
        _remove_checked_in_outputs(root)
        synthesise(root, papers)
        return _measure(root, work, papers, keep, in_browser, serve, repeat)
    finally:
        shutil.rmtree(work)


def _remove_checked_in_outputs(root: Path) -> None:
    """Drop the generator's pages that came with the copy (the collection's are checked in under docs/lists/).

    They belong to the shipped records; no manifest names them, so a build of the synthetic records would
    keep them, and their links to papers the synthetic records replace would fail the strict build.
    """
    for path in sorted((root / routes.DOCS_DIR).rglob("*")):
        if path.is_file() and routes.is_output_location(path.relative_to(root).as_posix()):
            path.unlink()


def _remove_generated(root: Path) -> None:
    """Leave the copy as a clean checkout is: the generated pages are git-ignored build products."""
    for relative in _generated(root):
        if relative.startswith("docs/"):
            (root / relative).unlink(missing_ok=True)
    (root / MANIFEST).unlink()


def _cold_run(root: Path, generator: list[str], repeat: int) -> Run:
    """The fastest of ``repeat`` generator runs, each from a clean checkout's state: no outputs, no cache."""
    config = root / MKDOCS_YML
    clean_config = config.read_bytes()
    runs: list[Run] = []
    for _ in range(repeat):
        if runs:
            _remove_generated(root)
            config.write_bytes(clean_config)
            (root / CACHE_FILE).unlink()
        runs.append(timed(generator, root))
    return fastest(runs)


def _measure(
    root: Path, work: Path, papers: int, keep: Path | None, in_browser: bool, serve: bool, repeat: int
) -> Measurement:
    # --json: the run's counts and stage timings, as the generator reports them to programs.
    generator = [sys.executable, "-m", "generator", "--root", str(root), "build", "--json"]
    # The synthetic records reach the disk first, so that no timed run pays for writing them back.
    os.sync()
    floor = fastest([parse_floor(root) for _ in range(repeat)])
    cold = _cold_run(root, generator, repeat)
    unchanged = timed(generator, root)
    summary_cold, summary_unchanged = json.loads(cold.stdout), json.loads(unchanged.stdout)
    record = root / "entries" / "papers" / "paper-1.yaml"
    before = _snapshot(root)
    record.write_text(record.read_text("utf-8").replace("summary: ", "summary: Edited. ", 1), "utf-8")
    edit = timed(generator, root).seconds
    after = _snapshot(root)
    written = sorted(path for path, (mtime, _) in after.items() if path not in before or before[path][0] != mtime)
    site = root / "site"
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "  - generator/mkdocs_hook.py\n", "  - generator/mkdocs_hook.py\n  - benchmarks/mkdocs_timing.py\n"
        ),
        "utf-8",
    )
    timings_file = work / "mkdocs-timings.json"
    # Not -q: a quiet MkDocs does not count warnings, so strict mode would let a broken link pass.
    # The hook runs the generator inside `mkdocs build`: this is the whole build CI waits for.
    builds: list[tuple[Run, dict[str, float]]] = []
    for _ in range(repeat):
        _remove_generated(root)
        build = timed(
            [sys.executable, "-m", "mkdocs", "build", "-d", str(site)], root, PAPERLIST_TIMINGS=str(timings_file)
        )
        builds.append((build, json.loads(timings_file.read_text("utf-8"))))
    mkdocs, page_timings = min(builds, key=lambda build: build[0].seconds)
    pages = list((site / "papers").glob("*/index.html"))
    result = Measurement(
        papers=papers,
        cold=cold.seconds,
        cold_processor=cold.processor,
        cold_mb=cold.mb,
        cold_written=summary_cold["written"],
        unchanged=unchanged.seconds,
        unchanged_written=summary_unchanged["written"],
        stages=summary_cold["stages"],
        edit=edit,
        edit_written=written,
        edit_rewrote_unchanged=[path for path in written if path in before and before[path][1] == after[path][1]],
        mkdocs=mkdocs.seconds,
        mkdocs_mb=max(build.mb for build, _ in builds),
        page_timings=page_timings,
        site_bytes=folder_size(site),
        record_bytes=folder_size(root / "entries" / "papers"),
        index_bytes=search_bytes(site),
        paper_page_bytes=sum(page.stat().st_size for page in pages) / max(len(pages), 1),
        explorer_gz_bytes=browser.explorer_payload_bytes(site),
        floor=floor.seconds,
        floor_processor=floor.processor,
    )
    query = code_name(papers // 2)
    if in_browser:
        result.waits = browser.measure(site, query)
    result.plain = measure_plain(root / "entries" / "papers", work, query if in_browser else None, repeat)
    if serve:
        record = root / "entries" / "papers" / "paper-2.yaml"
        # As the README serves (each edit converts only the pages the generator rewrote), and with a full rebuild.
        result.serve = (serve_latency(root, record, *README_SERVE), serve_latency(root, record))
    if keep:
        shutil.copytree(root, keep / f"scale-{papers}", dirs_exist_ok=True)
    return result


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _plain_cell(plain: PlainSite | None) -> str:
    if plain is None:
        return "not measured"
    searched = f"; search from page load {plain.waits['search cold']:.0f} ms" if plain.waits else ""
    return f"{plain.build:.1f} s, {plain.build_mb:.0f} MB, index {plain.index_bytes / 1e6:.1f} MB{searched}"


def _search_ratio(m: Measurement) -> float | None:
    """Search from page load against the plain site's, both measured in this run."""
    if not (m.waits and m.plain and m.plain.waits):
        return None
    return m.waits["search cold"] / m.plain.waits["search cold"]


def results_table(results: list[Measurement]) -> str:
    header = [
        "papers",
        "parse floor",
        "generator cold",
        "no change",
        "one edit",
        "whole build (`mkdocs build`)",
        "plain Material site, same page count",
        "whole build ÷ plain",
        "generator's share",
        "site",
        "search index",
        "paper page",
        "explorer data",
        "search: first result",
        "explorer keystroke",
        "`mkdocs serve`: edit shown",
    ]
    rows = []
    for m in results:
        waits = m.waits
        rows.append(
            [
                f"{m.papers:,}",
                f"{m.floor:.2f} s",
                f"{m.cold / m.floor:.1f}× floor: {m.cold:.2f} s, {m.cold_mb:.0f} MB, wrote {m.cold_written:,}; "
                f"processor {m.cold_processor:.1f} s, {m.cold_processor / m.floor_processor:.1f}× the floor's",
                f"{m.unchanged / m.floor:.2f}× floor: {m.unchanged:.2f} s, wrote {m.unchanged_written}",
                f"{m.edit:.2f} s, wrote {len(m.edit_written)}",
                f"{m.mkdocs:.1f} s, {m.mkdocs_mb:.0f} MB",
                _plain_cell(m.plain),
                f"{m.mkdocs / m.plain.build:.2f}×" if m.plain else "not measured",
                f"{m.generator_in_build / m.mkdocs:.0%}",
                f"{m.site_bytes / 1e6:.0f} MB",
                f"{m.index_bytes / 1e6:.1f} MB ({m.index_bytes / m.record_bytes:.2f}× records)",
                f"{m.paper_page_bytes / 1e3:.0f} kB",
                f"{m.explorer_gz_bytes / 1e3:.0f} kB gz",
                (
                    f"{waits['search warm']:.0f} ms (from page load {waits['search cold']:.0f} ms"
                    + (f", {_search_ratio(m):.2f}× the plain site's)" if _search_ratio(m) else ")")
                    if waits
                    else "not measured"
                ),
                (
                    f"{waits['keystroke median']:.0f} ms (95th percentile {waits['keystroke p95']:.0f}, "
                    f"worst {waits['keystroke worst']:.0f})"
                    if waits
                    else "not measured"
                ),
                f"{m.serve[0]:.1f} s (full rebuild: {m.serve[1]:.1f} s)" if m.serve else "not measured",
            ]
        )
    return _table(header, rows)


def profile_table(results: list[Measurement]) -> str:
    """Where the whole build's time goes, per list size."""
    rows = []
    for m in results:
        stages = " · ".join(f"{name} {seconds:.2f}" for name, seconds in m.stages.items())
        parts = [
            (
                "generator, inside the clean build (its stages as a cold run timed them)",
                f"{m.generator_in_build:.1f} s ({stages})",
            )
        ]
        accounted = 0.0
        for kind in ("paper", "subsection", "section", "other"):
            spent = m.page_timings["pages"].get(kind)
            if spent:
                accounted += spent["markdown"] + spent["theme and search"]
                parts.append((f"{spent['pages']:,} {kind} pages: Markdown", f"{spent['markdown']:.1f} s"))
                parts.append(
                    (f"{spent['pages']:,} {kind} pages: theme and search plugin", f"{spent['theme and search']:.1f} s")
                )
        after_config = m.page_timings["build after the config"]
        parts.append(
            (
                "the rest of the build after the config (files, nav, search index, assets)",
                f"{after_config - accounted:.1f} s",
            )
        )
        parts.append(
            (
                "MkDocs start-up: Python, imports, reading mkdocs.yml",
                f"{m.mkdocs - after_config - m.generator_in_build:.1f} s",
            )
        )
        parts.append(("whole `mkdocs build`, start to end", f"{m.mkdocs:.1f} s"))
        rows += [[f"{m.papers:,}", stage, seconds] for stage, seconds in parts]
    return _table(["papers", "where the time goes", "seconds"], rows)


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def targets_table(results: list[Measurement]) -> str:
    """The issue's targets against the figures measured for 1,000, 5,000 and 20,000 papers."""
    by_size = {m.papers: m for m in results}
    mid, large, small = by_size.get(5000), by_size.get(20000), by_size.get(1000)
    rows: list[list[str]] = []

    def target(text: str, measured: Measurement | None, show, check) -> None:
        if measured is None:
            rows.append([text, "not measured", _verdict(None)])
        else:
            met = check(measured)
            rows.append([text, show(measured), _verdict(met)])

    target(
        "generator cold at 5,000: at most 3× the parse floor",
        mid,
        lambda m: f"{m.cold / m.floor:.2f}× ({m.cold:.2f} s; floor {m.floor:.2f} s)",
        lambda m: m.cold <= 3 * m.floor,
    )
    target(
        "no-change run at 5,000: at most 1× the parse floor",
        mid,
        lambda m: f"{m.unchanged / m.floor:.2f}× ({m.unchanged:.2f} s; floor {m.floor:.2f} s)",
        lambda m: m.unchanged <= m.floor,
    )
    target(
        "no-change run at 5,000 writes 0 files",
        mid,
        lambda m: f"wrote {m.unchanged_written}",
        lambda m: m.unchanged_written == 0,
    )
    target(
        "one edited record at 5,000: only the pages whose content changed",
        mid,
        lambda m: ", ".join(f"`{path}`" for path in m.edit_written),
        # The edited paper's page is among them, and no file was rewritten with the same content.
        lambda m: routes.in_docs(routes.paper("paper-1")) in m.edit_written and not m.edit_rewrote_unchanged,
    )
    target("whole build at 5,000: under 60 s", mid, lambda m: f"{m.mkdocs:.1f} s", lambda m: m.mkdocs < 60)
    target(
        "whole build at 5,000: at most 2× a plain Material site of as many pages, built in the same run",
        mid if mid and mid.plain else None,
        lambda m: f"{m.mkdocs / m.plain.build:.2f}× ({m.mkdocs:.1f} s against {m.plain.build:.1f} s)",
        lambda m: m.mkdocs / m.plain.build <= 2,
    )
    if mid and large:
        rows.append(
            [
                "20,000 costs at most 4.2× the time of 5,000",
                f"{large.mkdocs / mid.mkdocs:.2f}×",
                _verdict(large.mkdocs / mid.mkdocs <= 4.2),
            ]
        )
    else:
        rows.append(["20,000 costs at most 4.2× the time of 5,000", "not measured", _verdict(None)])
    target(
        "peak memory at 20,000: under 1 GB",
        large,
        lambda m: f"{max(m.mkdocs_mb, m.cold_mb):,.0f} MB",
        lambda m: max(m.mkdocs_mb, m.cold_mb) < 1000,
    )
    target(
        "generator's share of the whole build at 5,000: under 10 %",
        mid,
        lambda m: f"{m.generator_in_build / m.mkdocs:.1%}",
        lambda m: m.generator_in_build / m.mkdocs < 0.10,
    )
    target(
        "search index at most 1.3× the records' text (5,000)",
        mid,
        lambda m: f"{m.index_bytes / m.record_bytes:.2f}×",
        lambda m: m.index_bytes / m.record_bytes <= 1.3,
    )
    waited = mid if mid and mid.waits else None
    target(
        "first search result within 1.5 s of typing at 5,000 (Chromium)",
        waited,
        lambda m: f"{m.waits['search warm']:.0f} ms",
        lambda m: m.waits["search warm"] <= 1500,
    )
    compared = mid if mid and _search_ratio(mid) else None
    target(
        "search from opening the home page to the first result at 5,000: at most the plain site's (Chromium)",
        compared,
        lambda m: (
            f"{_search_ratio(m):.2f}× ({m.waits['search cold']:.0f} ms against {m.plain.waits['search cold']:.0f} ms)"
        ),
        lambda m: _search_ratio(m) <= 1,
    )
    target(
        "search from opening the home page to the first result at 5,000: within 1.5 s (Chromium)",
        waited,
        lambda m: f"{m.waits['search cold']:.0f} ms",
        lambda m: m.waits["search cold"] <= 1500,
    )
    target(
        "explorer data under 400 KB gzipped at 5,000",
        mid,
        lambda m: f"{m.explorer_gz_bytes / 1e3:.0f} kB",
        lambda m: m.explorer_gz_bytes < 400_000,
    )
    target(
        "explorer keystroke under 100 ms at 5,000 (Chromium; 95th percentile of 36)",
        waited,
        lambda m: (
            f"median {m.waits['keystroke median']:.0f} ms, 95th percentile "
            f"{m.waits['keystroke p95']:.0f} ms, worst {m.waits['keystroke worst']:.0f} ms"
        ),
        lambda m: m.waits["keystroke p95"] < 100,
    )
    served = small if small and small.serve else None
    target(
        "`mkdocs serve` as the README runs it (`--dirty`) shows an edited record within 5 s at 1,000",
        served,
        lambda m: f"{m.serve[0]:.1f} s (a full rebuild, without `--dirty`: {m.serve[1]:.1f} s)",
        lambda m: m.serve[0] <= 5,
    )
    return _table(["target", "measured", "verdict"], rows)


PAGE_BEGIN = "<!-- BEGIN benchmark: python -m benchmarks.scale --page docs/performance.md rewrites this block -->"
PAGE_END = "<!-- END benchmark -->"


def report(results: list[Measurement], command: str) -> str:
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, MkDocs {version('mkdocs')}, "
        f"Material {version('mkdocs-material')}"
    )
    return "\n\n".join(
        [
            f"Measured on {time.strftime('%Y-%m-%d')} on {machine}, with `{command}`.",
            "## Results",
            results_table(results),
            "## Against the targets",
            targets_table(results),
            "## Where the time goes",
            profile_table(results),
        ]
    )


def write_page(page: Path, text: str) -> None:
    """Replace the block between the page's benchmark markers, leaving the prose around it."""
    current = page.read_text("utf-8")
    begin, end = current.find(PAGE_BEGIN), current.find(PAGE_END)
    if begin < 0 or end < begin:
        raise SystemExit(f"{page} lacks the lines '{PAGE_BEGIN}' and '{PAGE_END}'")
    page.write_text(current[: begin + len(PAGE_BEGIN)] + "\n\n" + text + "\n\n" + current[end:], "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, action="append", help="record count; repeat for several")
    parser.add_argument("--keep", type=Path, help="copy each synthetic project here for inspection")
    parser.add_argument("--no-browser", action="store_true", help="skip the measurements in Chromium")
    parser.add_argument(
        "--browser-max", type=int, default=5000, help="measure in Chromium only up to this many papers (default 5,000)"
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="also time how long `mkdocs serve` takes to show an edited record, "
        "at the smallest record count only (each time is two more whole builds)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each whole build this many times and report the fastest (default 1)"
    )
    parser.add_argument("--page", type=Path, help="write the report into this page between its benchmark markers")
    args = parser.parse_args()
    counts = args.papers or [1000]
    results = [
        measure(
            count,
            args.keep,
            not args.no_browser and count <= args.browser_max,
            args.serve and count == min(counts),
            args.repeat,
        )
        for count in counts
    ]
    command = "python -m benchmarks.scale " + " ".join(sys.argv[1:])
    text = report(results, command)
    print(text)
    if args.page:
        write_page(args.page, text)


if __name__ == "__main__":
    main()
