"""The code stays clean: ruff's lint and format, and mypy --strict on the generator."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy", "--strict", "generator"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_linter_reports_nothing(command: list[str]):
    result = subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
