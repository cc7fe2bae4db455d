"""`python -m generator check-links` against a local server that misbehaves in every usual way,
and against links and redirects that point at the machine running the check.
"""

from __future__ import annotations

import http.server
import json
import ssl
import subprocess
import threading
import time
import urllib.error
from pathlib import Path

import pytest
import yaml

from generator.linkcheck import build_opener
from helpers import generator

HITS: dict[str, int] = {}
# Where /to-<name> redirects: places a checker must never be led to.
REDIRECTS = {
    "/to-file": "file:///etc/passwd",
    "/to-no-file": "file:///no/such/file",
    "/to-ftp": "ftp://127.0.0.1/",
    "/to-data": "data:text/plain,hello",
    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
}
ALLOW = "--allow-private"


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
        elif self.path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path])
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
    # A short poll: shutdown() waits for the loop's next look, half a second by default.
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
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
            "list": "training",
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
        ALLOW,
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


def _write_links(project: Path, urls: list[str]) -> None:
    """One record per URL, named paper-0, paper-1, … in the order given."""
    papers = project / "entries" / "papers"
    for path in papers.glob("*.yaml"):
        path.unlink()
    for index, url in enumerate(urls):
        record = {
            "title": f"Paper {index}",
            "list": "training",
            "category": "systems/long-context-training",
            "authors": ["A B"],
            "links": [{"label": "paper", "url": url}],
        }
        (papers / f"paper-{index}.yaml").write_text(yaml.safe_dump(record), "utf-8")


def _check_links(project: Path, urls: list[str], *options: str) -> dict[str, str]:
    """Run check-links once (no retries; no cache unless ``options`` name one); each URL's report, "" for none."""
    _write_links(project, urls)
    cache = [] if "--cache" in options else ["--no-cache"]
    args = ["check-links", "--timeout", "2", "--retries", "0", *cache, *options]
    result = generator(project, *args, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    found = {}
    for index, url in enumerate(urls):
        prefix = f"entries/papers/paper-{index}.yaml: {url}: "
        found[url] = next((line.removeprefix(prefix) for line in lines if line.startswith(prefix)), "")
    return found


def test_loopback_is_refused_without_the_flag_and_never_contacted(project: Path, server: str):
    found = _check_links(project, [f"{server}/ok"])
    assert found[f"{server}/ok"] == "dead (refused: 127.0.0.1 is a loopback address; pass --allow-private to check it)"
    assert HITS == {}, "a refused host gets no request at all"


def test_the_flag_lets_loopback_through(project: Path, server: str):
    found = _check_links(project, [f"{server}/ok", f"{server}/moved"], ALLOW)
    assert found == {f"{server}/ok": "", f"{server}/moved": f"redirected to {server}/ok"}
    assert HITS == {"/ok": 2, "/moved": 1}


def test_the_cache_never_carries_a_result_across_the_flag(project: Path, server: str):
    """A refusal is not cached, and an answer got with the flag does not serve a run without it."""
    cache = ["--cache", str(project / "cache.json")]
    refused = "dead (refused: 127.0.0.1 is a loopback address; pass --allow-private to check it)"
    assert _check_links(project, [f"{server}/missing"], *cache)[f"{server}/missing"] == refused
    assert _check_links(project, [f"{server}/missing"], *cache, ALLOW)[f"{server}/missing"] == "dead (404)"
    assert _check_links(project, [f"{server}/missing"], *cache)[f"{server}/missing"] == refused
    assert _check_links(project, [f"{server}/missing"], *cache, ALLOW)[f"{server}/missing"] == "dead (404)"
    assert HITS == {"/missing": 1}, "the second run with the flag is answered from the cache"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/", "data:text/plain,hello"])
def test_the_opener_has_no_handler_for_other_schemes(url: str):
    with pytest.raises(urllib.error.URLError, match="unknown url type"):
        build_opener(allow_private=True).open(url, timeout=1)


def test_numeric_and_ipv6_spellings_of_local_addresses_are_refused(project: Path, server: str):
    port = server.rsplit(":", 1)[1]
    kinds = {
        f"http://2130706433:{port}/ok": "2130706433 is 127.0.0.1, a loopback address",  # decimal
        f"http://0x7f.1:{port}/ok": "0x7f.1 is 127.0.0.1, a loopback address",  # hex, short form
        f"http://0177.0.0.1:{port}/ok": "0177.0.0.1 is 127.0.0.1, a loopback address",  # octal
        f"http://127.1:{port}/ok": "127.1 is 127.0.0.1, a loopback address",
        f"http://localhost:{port}/ok": "localhost is 127.0.0.1, a loopback address",
        f"http://[::ffff:127.0.0.1]:{port}/ok": "::ffff:127.0.0.1 is 127.0.0.1, a loopback address",  # IPv4-mapped
        f"http://[::1]:{port}/ok": "::1 is a loopback address",
        f"https://127.0.0.1:{port}/ok": "127.0.0.1 is a loopback address",
        f"http://10.0.0.1:{port}/ok": "10.0.0.1 is a private address",
        f"http://[fd00::1]:{port}/ok": "fd00::1 is a private address",
        f"http://100.64.0.1:{port}/ok": "100.64.0.1 is not a public address",  # carrier-grade NAT
    }
    found = _check_links(project, list(kinds))
    for url, kind in kinds.items():
        assert found[url] == f"dead (refused: {kind}; pass --allow-private to check it)", url
    assert HITS == {}


def test_addresses_never_needed_are_refused_even_with_the_flag(project: Path, server: str):
    port = server.rsplit(":", 1)[1]
    kinds = {
        "http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a link-local address",
        f"http://0.0.0.0:{port}/ok": "0.0.0.0 is an unspecified address",
        f"http://[::]:{port}/ok": ":: is an unspecified address",
        f"http://[fe80::1]:{port}/ok": "fe80::1 is a link-local address",
        f"http://224.0.0.1:{port}/ok": "224.0.0.1 is a multicast address",
        f"http://240.0.0.1:{port}/ok": "240.0.0.1 is a reserved address",
    }
    started = time.monotonic()
    found = _check_links(project, list(kinds), ALLOW)
    for url, kind in kinds.items():
        assert found[url] == f"dead (refused: {kind})", url
    assert time.monotonic() - started < 10, "refused before any connection is tried, so nothing waits for a timeout"
    assert HITS == {}


def test_redirects_are_followed_to_http_only_and_checked_at_every_hop(project: Path, server: str):
    urls = [f"{server}{path}" for path in REDIRECTS]
    found = _check_links(project, urls, ALLOW)
    for scheme in ("file", "ftp", "data"):
        refusal = f"dead (refused: a redirect to a {scheme}: URL; only http(s) is checked)"
        assert [url for url, line in found.items() if line == refusal] == [
            f"{server}{path}" for path, target in REDIRECTS.items() if target.startswith(f"{scheme}:")
        ]
    # --allow-private opened 127.0.0.1 for the first hop, never link-local for the next.
    assert found[f"{server}/to-metadata"] == "dead (refused: 169.254.169.254 is a link-local address)"
    assert dict.fromkeys(REDIRECTS, 1) == HITS


@pytest.mark.slow
def test_https_verifies_the_host_name_while_connecting_to_the_checked_address(project: Path, tmp_path: Path):
    """A certificate for "localhost" only: TLS must be made for the name, not for 127.0.0.1."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    HITS.clear()
    try:
        port = httpd.server_address[1]
        by_name, by_address = f"https://localhost:{port}/ok", f"https://127.0.0.1:{port}/ok"
        _write_links(project, [by_name, by_address])
        args = ["check-links", "--timeout", "2", "--retries", "0", "--no-cache", ALLOW]
        result = generator(project, *args, check=False, env={"SSL_CERT_FILE": str(cert)})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert by_name not in result.stdout, result.stdout
    assert f"{by_address}: dead (SSLCertVerificationError" in result.stdout
    assert "IP address mismatch" in result.stdout
