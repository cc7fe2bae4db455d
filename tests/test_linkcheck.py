"""`python -m generator check-links` against a local server that misbehaves in every usual way."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import generator

HITS: dict[str, int] = {}


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        HITS[self.path] = HITS.get(self.path, 0) + 1
        if self.path == "/ok":
            self._answer(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif self.path == "/missing":
            self._answer(404)
        elif self.path == "/error":
            self._answer(500)
        elif self.path == "/flaky":
            self._answer(503 if HITS[self.path] == 1 else 200)
        elif self.path == "/hang":
            time.sleep(3)
            self._answer(200)

    def _answer(self, status: int) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except BrokenPipeError:  # the checker gave up on /hang, as it should
            pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    HITS.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _point_links_at(project: Path, base: str) -> None:
    papers = project / "entries" / "papers"
    for path in papers.glob("*.yaml"):
        path.unlink()
    paths = ["ok", "moved", "missing", "error", "flaky", "hang"]
    for name in paths:
        record = {
            "title": f"Paper {name}",
            "category": "systems/long-context-training",
            "authors": ["A B"],
            "links": [{"label": name, "url": f"{base}/{name}"}],
        }
        (papers / f"paper-{name}.yaml").write_text(yaml.safe_dump(record), "utf-8")


def test_reports_dead_redirected_and_slow_links_per_record(project: Path, server: str):
    _point_links_at(project, server)
    started = time.monotonic()
    args = [
        "check-links",
        "--timeout",
        "1",
        "--retries",
        "1",
        "--backoff",
        "0.1",
        "--slow-after",
        "0.5",
        "--cache",
        str(project / "cache.json"),
    ]
    result = generator(project, *args, check=False)
    elapsed = time.monotonic() - started
    out = result.stdout
    assert result.returncode == 1
    assert f"entries/papers/paper-missing.yaml: {server}/missing: dead (404)" in out
    assert f"entries/papers/paper-error.yaml: {server}/error: dead (500)" in out
    assert f"entries/papers/paper-moved.yaml: {server}/moved: redirected to {server}/ok" in out
    assert f"paper-hang.yaml: {server}/hang: dead (" in out
    assert "paper-ok.yaml" not in out and "paper-flaky.yaml" not in out, "a retry heals a passing 503"
    assert HITS["/flaky"] == 2 and HITS["/error"] == 2, "one retry each for 5xx"
    assert HITS["/missing"] == 1, "404 is final, never retried"
    assert elapsed < 15, "requests run concurrently and time out"
    cache = json.loads((project / "cache.json").read_text("utf-8"))
    assert cache[f"{server}/ok"]["result"]["status"] == 200

    hits = dict(HITS)
    again = generator(project, *args, check=False)
    assert hits == HITS, "the cache answers the second run"
    assert again.stdout == out
