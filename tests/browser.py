"""Helpers for the real-browser tests; Chromium's path, its flags and the server are in benchmarks.chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benchmarks.chromium import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-results"


def require_chromium() -> None:
    """Skip with the reason when Chromium is absent; on CI its absence is a failure."""
    if CHROMIUM.exists():
        return
    reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + "; CI must run the browser tests")
    pytest.skip(reason)


def fresh_profile(tmp_path: Path) -> Path:
    """An empty Chromium profile folder under ``tmp_path``."""
    profile = tmp_path / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    profile.mkdir(parents=True)
    return profile
