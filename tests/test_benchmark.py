"""Smoke test: the scale benchmark runs end to end at a small N, browser and serve stages included.

Timings are not asserted; what is asserted would break if a stage stopped measuring.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.scale import PAGE_BEGIN, PAGE_END, README_SERVE
from browser import require_chromium
from helpers import REPO, readme_serve_options

# Whole builds at a small N, then search and the explorer in Chromium.
pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_scale_benchmark_runs_at_small_n(tmp_path: Path):
    require_chromium()
    page = tmp_path / "performance.md"
    shutil.copy(REPO / "docs" / "performance.md", page)
    before = page.read_text("utf-8")
    command = [
        sys.executable,
        "-m",
        "benchmarks.scale",
        "--papers",
        "30",
        "--serve",
        "--repeat",
        "2",
        "--page",
        str(page),
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout.splitlines()

    def cells(prefix: str) -> list[str]:
        return [cell.strip() for cell in next(line for line in table if line.startswith(prefix)).strip("|").split("|")]

    measured = dict(zip(cells("| papers | parse floor"), cells("| 30 |"), strict=True))
    assert re.fullmatch(r"[\d.]+ s", measured["parse floor"])
    assert re.fullmatch(
        r"[\d.]+× floor: [\d.]+ s, \d+ MB, wrote [\d,]+; processor [\d.]+ s, [\d.]+× the floor's",
        measured["generator cold"],
    )
    assert re.fullmatch(r"[\d.]+× floor: [\d.]+ s, wrote 0", measured["no change"]), "a no-change run writes nothing"
    assert re.fullmatch(r"[\d.]+ s, wrote [1-9]\d*", measured["one edit"]), "an edit rewrites its pages"
    assert re.fullmatch(r"\d+ ms \(from page load \d+ ms, [\d.]+× the plain site's\)", measured["search: first result"])
    assert re.fullmatch(
        r"[\d.]+ s, \d+ MB, index [\d.]+ MB; search from page load \d+ ms",
        measured["plain Material site, same page count"],
    )
    assert re.fullmatch(r"[\d.]+×", measured["whole build ÷ plain"])
    assert re.fullmatch(r"\d+ ms \(95th percentile \d+, worst \d+\)", measured["explorer keystroke"])
    assert re.fullmatch(r"[\d.]+ s \(full rebuild: [\d.]+ s\)", measured["`mkdocs serve`: edit shown"])
    assert "| 30 | whole `mkdocs build`, start to end |" in result.stdout

    # The report replaces the block between the markers, and only that.
    written = page.read_text("utf-8")
    assert written.split(PAGE_BEGIN)[0] == before.split(PAGE_BEGIN)[0]
    assert written.split(PAGE_END)[1] == before.split(PAGE_END)[1]
    assert result.stdout.strip() in written


def test_the_benchmark_serves_as_the_readme_says():
    assert list(README_SERVE) == readme_serve_options()
