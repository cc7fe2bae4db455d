"""Scale benchmark: synthesise N realistic records in a temporary copy and time each stage.

    python -m benchmarks.scale --papers 1000 [--papers 5000 ...] [--keep DIR]

Stages: the generator cold (a whole process), again with nothing changed, after editing
one record, and `mkdocs build`, which runs the generator through the hook and so is the
whole build. Reports wall time and peak memory (of the child
process) per stage, files written, site size, search-index size and the mean HTML
size of a paper page, as a Markdown table.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

import yaml

from benchmarks import browser

REPO = Path(__file__).resolve().parents[1]
WORDS = tuple(
    "training gradient pipeline tensor memory attention sparse expert quantization optimizer schedule thr"
    "oughput latency kernel compiler cluster bandwidth communication checkpoint precision stability scali"
    "ng data mixture curriculum reward policy adapter low-rank context sequence parallelism shard offload"
    " activation recompute fused collective topology heterogeneous federated decentralized".split()
)
NAMES = ("Zoë Müller", "Łukasz Kaiser", "Søren Ørsted", "José Núñez", "李明", "Ana-María Pérez", "Jürgen Groß",
         "Chloé Dupré", "Ömer Yılmaz", "Arjun Ramanathan", "Mei Suzuki", "Olusegun Adeyemi", "Priya Nair")


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
    taxonomy = yaml.safe_load((root / "entries" / "taxonomy.yml").read_text("utf-8"))
    taxonomy["sections"] = [
        {"id": f"section-{s}", "title": f"Section {s} — Systems", "subsections": [
            {"id": f"topic-{s}-{t}", "title": f"Topic {s}.{t} & Friends"} for t in range(1, 11)]}
        for s in range(1, 6)]
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
            "venue": "NeurIPS", "year": 2025,
            "links": [{"label": f"arXiv:25{number % 100:02d}.{number:05d}",
                       "url": f"https://arxiv.org/abs/25{number % 100:02d}.{number:05d}"}],
            "summary": " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(80, 250))).capitalize() + ".",
            "key_results": [f"**{rng.randint(2, 90)}%** better {rng.choice(WORDS)}" for _ in range(rng.randint(0, 6))],
            "tags": sorted(set(rng.sample(tags, rng.randint(1, 4)))),
            "added": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        (papers_dir / f"paper-{number}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), "utf-8")


def timed(args: list[str], cwd: Path, **extra_env: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of this child alone, and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **extra_env})
        # wait4 gives the resource usage of this one process, not a maximum over all children so far.
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{args} failed:\n{stdout}\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024, stdout


def serve_latency(root: Path, record: Path, *options: str) -> float:
    """Seconds from saving an edited record to `mkdocs serve` answering with the new page."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # mkdocs serve puts the site under the path of its site_url (also in the taxonomy).
    site_url = yaml.safe_load((root / "entries" / "taxonomy.yml").read_text("utf-8")).get("site_url") or "/"
    page = f"http://127.0.0.1:{port}{urllib.parse.urlsplit(site_url).path}papers/{record.stem}/"
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
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options],
                                  cwd=root, stdout=subprocess.DEVNULL, stderr=log_stream,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
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


def _profile(papers: int, mkdocs: float, generator: float, stages: str, timings: dict) -> list[tuple[str, str]]:
    """Rows of "where the whole build's time goes" for the Performance page."""
    rows = [("generator, as the hook runs it", f"{generator:.1f} s: {stages}, the rest starting Python")]
    accounted = 0.0
    for kind in ("paper", "subsection", "section", "other"):
        spent = timings["pages"].get(kind)
        if spent:
            accounted += spent["markdown"] + spent["theme and search"]
            rows.append((f"{kind} pages ({spent['pages']:,}): Markdown", f"{spent['markdown']:.1f} s"))
            rows.append((f"{kind} pages: theme and search plugin", f"{spent['theme and search']:.1f} s"))
    rows.append(("the rest of MkDocs (files, nav, search index, assets)",
                 f"{timings['build after the config'] - accounted:.1f} s"))
    rows.append(("whole `mkdocs build`", f"{mkdocs:.1f} s"))
    return [(f"{papers:,}: {stage}", seconds) for stage, seconds in rows]


def run(papers: int, keep: Path | None, in_browser: bool, serve: bool) -> tuple[dict[str, str], list]:
    work = Path(tempfile.mkdtemp(prefix=f"scale-{papers}-"))
    root = work / "project"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv", "site", "test-results", ".cache",
                                                              "__pycache__", "papers", "sections"))
    (root / "entries" / "papers").mkdir(exist_ok=True)
    synthesise(root, papers)
    generator = [sys.executable, "-m", "generator", "--root", str(root), "build"]
    cold, cold_mem, out_cold = timed(generator, root)
    warm, _, out_warm = timed([*generator, "--timings"], root)
    record = root / "entries" / "papers" / "paper-1.yaml"
    record.write_text(record.read_text("utf-8").replace("summary: ", "summary: Edited. ", 1), "utf-8")
    edit, _, out_edit = timed(generator, root)
    site = root / "site"
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "  - generator/mkdocs_hook.py\n", "  - generator/mkdocs_hook.py\n  - benchmarks/mkdocs_timing.py\n"), "utf-8")
    timings_file = work / "mkdocs-timings.json"
    # Not -q: a quiet MkDocs does not count warnings, so strict mode would let a broken link pass.
    mkdocs, mkdocs_mem, _ = timed([sys.executable, "-m", "mkdocs", "build", "-d", str(site)], root,
                                  PAPERLIST_TIMINGS=str(timings_file))
    stages = out_warm.split("stages: ")[1].strip()
    profile = _profile(papers, mkdocs, warm, stages, json.loads(timings_file.read_text("utf-8")))
    pages = list((site / "papers").glob("*/index.html"))
    record_bytes = folder_size(root / "entries" / "papers")
    index_bytes = (site / "search" / "search_index.json").stat().st_size
    row = {
        "papers": f"{papers:,}",
        "generator cold": f"{cold:.2f} s ({cold_mem:.0f} MB)",
        "written": out_cold.split("wrote ")[1].split(" files")[0],
        "no change": f"{warm:.2f} s, wrote {out_warm.split('wrote ')[1].split(' files')[0]}",
        "one edit": f"{edit:.2f} s, wrote {out_edit.split('wrote ')[1].split(' files')[0]}",
        # The hook runs the generator inside `mkdocs build`: this is the whole build CI waits for.
        "mkdocs build": f"{mkdocs:.1f} s ({mkdocs_mem:.0f} MB)",
        "generator share": f"{warm / mkdocs:.0%}",
        "site": f"{folder_size(site) / 1e6:.0f} MB",
        "search index": f"{index_bytes / 1e6:.1f} MB ({index_bytes / record_bytes:.2f}× records)",
        "paper page": f"{sum(p.stat().st_size for p in pages) / max(len(pages), 1) / 1e3:.0f} kB",
        "explorer data": f"{browser.explorer_payload_bytes(site) / 1e3:.0f} kB gz",
    }
    if in_browser:
        waits = browser.measure(site, code_name(papers // 2))
        row["search, first result"] = f"{waits['search warm']:.0f} ms (page load to result {waits['search cold']:.0f})"
        row["explorer keystroke"] = f"{waits['keystroke median']:.0f} ms (worst {waits['keystroke worst']:.0f})"
    if serve:
        record = root / "entries" / "papers" / "paper-2.yaml"
        # --dirty rebuilds only the pages whose files changed, and the generator rewrites only those.
        # It always warns that links may be stale, so it needs --no-strict against the config's strict mode.
        dirty = serve_latency(root, record, "--dirty", "--no-strict")
        row["serve, edit shown"] = f"{serve_latency(root, record):.1f} s (--dirty {dirty:.1f} s)"
    if keep:
        shutil.copytree(root, keep / f"scale-{papers}", dirs_exist_ok=True)
    shutil.rmtree(work)
    return row, profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, action="append", help="record count; repeat for several")
    parser.add_argument("--keep", type=Path, help="copy each synthetic project here for inspection")
    parser.add_argument("--no-browser", action="store_true", help="skip the measurements in Chromium")
    parser.add_argument("--serve", action="store_true",
                        help="also time how long `mkdocs serve` takes to show an edited record")
    args = parser.parse_args()
    results = [run(count, args.keep, not args.no_browser, args.serve) for count in (args.papers or [1000])]
    rows = [row for row, _ in results]
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + " --- |" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(row.values()) + " |")
    print("\n| where the whole build's time goes | seconds |\n| --- | --- |")
    for _, profile in results:
        for stage, seconds in profile:
            print(f"| {stage} | {seconds} |")


if __name__ == "__main__":
    main()
