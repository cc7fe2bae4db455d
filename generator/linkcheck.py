"""``python -m generator check-links``: is every URL in the records still alive?

Requests run concurrently with a limit per host, a timeout, and retries with
exponential backoff for failures that may pass (timeouts, 429 and 5xx). Results
are cached for a day, so a rerun only asks again for what is stale.

The URLs come from strangers' pull requests, so the checker must not become a way
to probe the machine it runs on: it speaks http(s) only, at every redirect hop,
and refuses hosts whose addresses are not public (loopback, private, link-local,
multicast, reserved, unspecified) unless ``--allow-private`` is given. The check
is made on the addresses DNS returns, and the connection goes to the address that
was checked, so a name that resolves differently a moment later (DNS rebinding)
cannot slip through.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .cli import ALLOW_PRIVATE_OPTION
from .model import Catalog

USER_AGENT = "paperlist-link-check/1"
RETRYABLE = {429, 500, 502, 503, 504}
SCHEMES = ("http", "https")


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
    allow_private: bool = False  # contact loopback and private addresses (local tests, intranets)


class RefusedAddress(OSError):
    """A host the checker will not connect to; the message says why."""


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_refusal(host: str, address: IPAddress, allow_private: bool) -> str:
    """Why ``host``, found at ``address``, may not be contacted ("" when it may).

    Link-local (cloud metadata at 169.254.169.254), multicast, reserved and
    unspecified addresses are never needed to check a paper's link, so even
    ``--allow-private`` does not open them; it opens loopback and private ones.
    """
    # ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address inside.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    # "127.0.0.1 is …", or for other spellings "2130706433 is 127.0.0.1, …"
    subject = f"{address} is" if host == str(address) else f"{host} is {address},"
    for never, kind in (
        (address.is_unspecified, "an unspecified"),
        (address.is_link_local, "a link-local"),
        (address.is_multicast, "a multicast"),
        (address.is_reserved and not address.is_loopback, "a reserved"),  # ::1 lies in the reserved ::/8
    ):
        if never:
            return f"{subject} {kind} address"
    if allow_private:
        return ""
    hint = f"; pass {ALLOW_PRIVATE_OPTION} to check it"
    if address.is_loopback:
        return f"{subject} a loopback address{hint}"
    if address.is_private or getattr(address, "is_site_local", False):
        return f"{subject} a private address{hint}"
    if not address.is_global:
        return f"{subject} not a public address{hint}"
    return ""


def checked_addresses(host: str, port: int, allow_private: bool) -> list[tuple[Any, ...]]:
    """``getaddrinfo`` results for ``host``, once every address has passed ``address_refusal``.

    One refused address refuses the host: a name that answers with both a public
    and a private address is not trusted to pick the public one.
    """
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])  # no IPv6 zone ("%eth0")
        if why := address_refusal(host, address, allow_private):
            raise RefusedAddress(why)
    return found


def connect_checked(
    address: tuple[str, int],
    timeout: object = None,
    source_address: tuple[str, int] | None = None,
    *,
    allow_private: bool,
) -> socket.socket:
    """``socket.create_connection``, but only to addresses checked by this very call.

    Resolving once and connecting to what was resolved is what defeats DNS
    rebinding; the caller keeps the host name for the Host header and for TLS
    (SNI and certificate verification).
    """
    host, port = address
    error: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _, sockaddr in checked_addresses(host, port, allow_private):
        sock = socket.socket(family, kind, proto)
        try:
            if isinstance(timeout, int | float):  # else http.client's "default timeout" marker
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failed:
            sock.close()
            error = failed
    raise error


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, allow_private: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # http.client opens its socket through this attribute (the one hook it has);
        # HTTPSConnection wraps that socket in TLS for self.host afterwards.
        self._create_connection = functools.partial(connect_checked, allow_private=allow_private)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, allow_private: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(connect_checked, allow_private=allow_private)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_CheckedHTTPConnection, allow_private=self.allow_private)
        return self.do_open(connection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private
        self.context = ssl.create_default_context()  # verifies the certificate and the host name

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_CheckedHTTPSConnection, allow_private=self.allow_private)
        return self.do_open(connection, req, context=self.context)


def build_opener(allow_private: bool) -> urllib.request.OpenerDirector:
    """An opener that speaks http(s) to checked addresses and nothing else.

    Built by hand, not with ``urllib.request.build_opener``, which always adds
    handlers for file:, ftp: and data: URLs and for proxies (a proxy would resolve
    the host itself, past our check). There is no redirect handler either: 3xx
    answers come back as errors and ``fetch`` follows them one checked hop at a time.
    """
    opener = urllib.request.OpenerDirector()
    for handler in (
        _CheckedHTTPHandler(allow_private),
        _CheckedHTTPSHandler(allow_private),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),  # any other scheme: "unknown url type"
    ):
        opener.add_handler(handler)
    return opener


class Fetched(NamedTuple):
    status: int | None  # None when no answer came
    final_url: str
    error: str
    refused: bool = False  # refused by policy: no retry, no cache


def fetch(opener: urllib.request.OpenerDirector, url: str, timeout: float) -> Fetched:
    """Status, final URL after up to 10 redirects, and an error text."""
    current = url
    for _ in range(10):
        scheme = urlsplit(current).scheme
        if scheme not in SCHEMES:
            # urlsplit keeps only [a-z0-9+.-] as a scheme, so a hostile Location cannot smuggle text in here.
            kind = f"a {scheme}: URL" if scheme else "a URL without a scheme"
            what = f"a redirect to {kind}" if current != url else kind
            return Fetched(None, current, f"refused: {what}; only http(s) is checked", True)
        request = urllib.request.Request(current, method="GET", headers={"User-Agent": USER_AGENT})
        try:
            with opener.open(request, timeout=timeout) as response:
                return Fetched(response.status, current, "")
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                current = urllib.parse.urljoin(current, error.headers["Location"])
                continue
            return Fetched(error.code, current, error.reason if isinstance(error.reason, str) else "")
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, RefusedAddress):
                return Fetched(None, current, f"refused: {reason}", True)
            return Fetched(None, current, f"{type(reason).__name__}: {reason}")
    return Fetched(None, current, "too many redirects")


class LinkChecker:
    def __init__(self, settings: CheckSettings, cache_file: Path | None = None) -> None:
        self.settings = settings
        self.cache_file = cache_file
        self.cache: dict[str, Any] = {}
        if cache_file and cache_file.exists():
            try:
                self.cache = json.loads(cache_file.read_text("utf-8"))
            except ValueError:
                self.cache = {}
        self._host_limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(settings.per_host))
        self._lock = threading.Lock()
        self._opener = build_opener(settings.allow_private)

    def _cached(self, url: str) -> LinkResult | None:
        """The cached result for ``url`` if it is fresh and was made under a policy no looser than this run's."""
        entry = self.cache.get(url)
        if not isinstance(entry, dict):
            return None
        try:
            if time.time() - entry["checked_at"] >= self.settings.cache_seconds:
                return None
            if entry.get("allow_private", False) and not self.settings.allow_private:
                return None
            return LinkResult(**entry["result"])
        except (KeyError, TypeError):  # a cache file written by another version
            return None

    def _check(self, url: str) -> LinkResult:
        cached = self._cached(url)
        if cached:
            return cached
        with self._lock:
            limit = self._host_limits[urlsplit(url).netloc]
        attempt = 0
        while True:
            with limit:
                started = time.monotonic()
                fetched = fetch(self._opener, url, self.settings.timeout)
                seconds = time.monotonic() - started
            retry = not fetched.refused and (fetched.status is None or fetched.status in RETRYABLE)
            if not retry or attempt >= self.settings.retries:
                break
            time.sleep(self.settings.backoff * 2**attempt)
            attempt += 1
        result = LinkResult(url, fetched.status, fetched.final_url, round(seconds, 3), fetched.error)
        if not fetched.refused:  # a refusal costs no request, and a rerun may allow it
            with self._lock:
                self.cache[url] = {
                    "checked_at": time.time(),
                    "allow_private": self.settings.allow_private,
                    "result": asdict(result),
                }
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
