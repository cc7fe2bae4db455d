"""Smoke test: the scale benchmark runs end to end at a small N, browser and serve stages included.

Timings are not asserted; what is asserted would break if a stage stopped measuring.
"""

from __future__ import annotations

import re
import subprocess
import sys

from browser import require_chromium
from conftest import REPO


def test_scale_benchmark_runs_at_small_n():
    require_chromium()
    result = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--papers", "30", "--serve"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout.splitlines()
    def cells(prefix: str) -> list[str]:
        return [cell.strip() for cell in next(line for line in table if line.startswith(prefix)).strip("|").split("|")]

    measured = dict(zip(cells("| papers |"), cells("| 30 |"), strict=True))
    assert measured["no change"].endswith("wrote 0"), "a run with nothing changed writes no file"
    assert re.fullmatch(r"\d+ ms \(page load to result \d+\)", measured["search, first result"])
    assert re.fullmatch(r"\d+ ms \(worst \d+\)", measured["explorer keystroke"])
    assert re.fullmatch(r"[\d.]+ s \(--dirty [\d.]+ s\)", measured["serve, edit shown"])
