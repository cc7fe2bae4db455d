"""The code stays ruff-clean."""

from __future__ import annotations

import subprocess
import sys

from helpers import REPO


def test_ruff_reports_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
