"""Helpers for the real-browser tests; Chromium's path, its flags and the server are in benchmarks.chromium."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.chromium import CHROMIUM
from helpers import require

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-results"
# The hosted build, served on 127.0.0.1, and the offline export, opened from file://.
MODES = ("hosted", "offline")


def require_chromium() -> None:
    """Skip with the reason when Chromium is absent; on CI its absence is a failure."""
    require(
        CHROMIUM.exists(),
        f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
        "CI must run the browser tests",
    )


def fresh_profile(tmp_path: Path) -> Path:
    """An empty Chromium profile folder under ``tmp_path``."""
    profile = tmp_path / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    profile.mkdir(parents=True)
    return profile


def page_url(sites: dict[str, str], mode: str, path: str) -> str:
    """``path`` is the hosted path ("", "all/", "papers/arnold/"); the offline build uses .html files."""
    if mode == "offline":
        path = (path.rstrip("/") or "index") + ".html" if path.endswith("/") or not path else path
    return sites[mode] + path


def site_prefix(base: str, mode: str) -> str:
    """What every request of a page of this site starts with: its server, or its export folder."""
    return base if mode == "offline" else f"{urlsplit(base).scheme}://{urlsplit(base).netloc}/"


class Watched:
    """A page with everything it logs and requests recorded."""

    def __init__(self, page, allowed_prefix: str) -> None:
        self.page, self.allowed_prefix = page, allowed_prefix
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)

    def _request(self, request) -> None:
        url = request.url
        if url.startswith((self.allowed_prefix, "data:", "blob:", "about:")):
            return
        if self.allowed_prefix.startswith("file:") and url.startswith("file:"):
            return
        self.foreign.append(url)

    def goto(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function("() => document.querySelector('.md-content') !== null")


def screenshot(page, name: str, full_page: bool = False) -> None:
    """Save what the page shows as test-results/screenshots/NAME.png, for a person to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)
