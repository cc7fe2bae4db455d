"""``python -m generator check-links``: is every URL in the records still alive?

Requests run concurrently with a limit per host, a timeout, and retries with
exponential backoff for failures that may pass (timeouts, 429 and 5xx). Results
are cached for a day, so a rerun only asks again for what is stale.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .model import Catalog

USER_AGENT = "paperlist-link-check/1"
RETRYABLE = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: int | None  # final HTTP status, None when no answer came
    final_url: str
    seconds: float
    error: str = ""

    @property
    def verdict(self) -> str:
        if self.status is None or self.status >= 400:
            return "dead"
        if self.final_url.rstrip("/") != self.url.rstrip("/"):
            return "redirected"
        return "ok"


@dataclass(frozen=True)
class CheckSettings:
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    per_host: int = 2
    workers: int = 16
    slow_after: float = 5.0
    cache_seconds: float = 24 * 3600


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follow redirects ourselves, so the first answer's status is visible."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _fetch_once(url: str, timeout: float) -> tuple[int | None, str, str]:
    """Status, final URL after up to 10 redirects, and an error text."""
    current = url
    for _ in range(10):
        request = urllib.request.Request(current, method="GET", headers={"User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return response.status, current, ""
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                current = urllib.parse.urljoin(current, error.headers["Location"])
                continue
            return error.code, current, error.reason if isinstance(error.reason, str) else ""
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            return None, current, f"{type(reason).__name__}: {reason}"
    return None, current, "too many redirects"


class LinkChecker:
    def __init__(self, settings: CheckSettings, cache_file: Path | None = None) -> None:
        self.settings = settings
        self.cache_file = cache_file
        self.cache: dict[str, dict] = {}
        if cache_file and cache_file.exists():
            try:
                self.cache = json.loads(cache_file.read_text("utf-8"))
            except ValueError:
                self.cache = {}
        self._host_limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(settings.per_host))
        self._lock = threading.Lock()

    def _check(self, url: str) -> LinkResult:
        cached = self.cache.get(url)
        if cached and time.time() - cached["checked_at"] < self.settings.cache_seconds:
            return LinkResult(**cached["result"])
        with self._lock:
            limit = self._host_limits[urlsplit(url).netloc]
        attempt = 0
        while True:
            with limit:
                started = time.monotonic()
                status, final, error = _fetch_once(url, self.settings.timeout)
                seconds = time.monotonic() - started
            retry = status is None or status in RETRYABLE
            if not retry or attempt >= self.settings.retries:
                break
            time.sleep(self.settings.backoff * 2**attempt)
            attempt += 1
        result = LinkResult(url, status, final, round(seconds, 3), error)
        with self._lock:
            self.cache[url] = {"checked_at": time.time(), "result": asdict(result)}
        return result

    def check(self, urls: list[str]) -> dict[str, LinkResult]:
        unique = sorted(set(urls))
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            results = dict(zip(unique, pool.map(self._check, unique), strict=True))
        if self.cache_file:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_text(json.dumps(self.cache, indent=1, sort_keys=True), "utf-8")
        return results


def report(catalog: Catalog, results: dict[str, LinkResult], slow_after: float) -> tuple[list[str], int]:
    """Lines per record with a dead, redirected or slow link, and the number of dead links."""
    lines, dead = [], 0
    for paper in catalog.papers:
        for link in paper.links:
            result = results[link.url]
            notes = []
            if result.verdict == "dead":
                dead += 1
                notes.append(f"dead ({result.status or result.error})")
            elif result.verdict == "redirected":
                notes.append(f"redirected to {result.final_url}")
            if result.seconds > slow_after:
                notes.append(f"slow ({result.seconds:.1f} s)")
            if notes:
                lines.append(f"{paper.source}: {link.url}: {'; '.join(notes)}")
    return lines, dead
