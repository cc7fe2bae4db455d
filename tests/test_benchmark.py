"""Smoke test: the scale benchmark runs end to end at a small N (timings are not asserted)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_scale_benchmark_runs_at_small_n():
    result = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--papers", "30"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout.splitlines()
    row = next(line for line in table if line.startswith("| 30 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[3].endswith("wrote 0"), "a run with nothing changed writes no file"
