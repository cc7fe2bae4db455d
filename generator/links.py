"""What a paper link points at: its kind, its label, and the ids it carries."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

_ARXIV_PATH = re.compile(r"^/(?:abs|pdf|html)/(?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?$")
_OPENREVIEW_PATH = re.compile(r"^/(?:forum|pdf)$")
_NEURIPS_YEAR = re.compile(r"^/(?:virtual|Downloads|Conferences)/(?P<year>\d{4})\b")

CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "bitbucket.org", "codeberg.org")


class _Parts(NamedTuple):
    host: str
    path: str
    query: str


@cache
def _split(url: str) -> _Parts:
    # Each URL is asked about by the validator, the model and several outputs: split it once.
    parts = urlsplit(url)
    return _Parts((parts.hostname or "").removeprefix("www."), parts.path, parts.query)


def _host(url: str) -> str:
    return _split(url).host


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier of an arxiv.org abstract, PDF or HTML URL, without version."""
    if _host(url) != "arxiv.org":
        return None
    match = _ARXIV_PATH.match(_split(url).path)
    return match["id"] if match else None


def openreview_id(url: str) -> str | None:
    """The forum id of an openreview.net forum or PDF URL."""
    parts = _split(url)
    if parts.host != "openreview.net" or not _OPENREVIEW_PATH.match(parts.path):
        return None
    ids = parse_qs(parts.query).get("id")
    return ids[0] if ids else None


def link_kind(url: str) -> str:
    """One of arxiv, openreview, code, pdf, proceedings, conference, other."""
    host, path, _ = _split(url)
    if arxiv_id(url):
        return "arxiv"
    if host == "openreview.net":
        return "openreview"
    if host in CODE_HOSTS:
        return "code"
    if host in ("proceedings.neurips.cc", "papers.nips.cc", "proceedings.mlr.press", "aclanthology.org"):
        return "proceedings"
    if path.lower().endswith(".pdf"):
        return "pdf"
    if host == "neurips.cc":
        return "conference"
    return "other"


# Links that point at a page about many papers (or none) instead of the paper itself.
_GENERIC_PAGES: tuple[tuple[str | None, re.Pattern[str], str], ...] = (
    (
        "neurips.cc",
        re.compile(
            r"^/(?:Downloads/\d{4}|virtual/\d{4}|virtual/\d{4}/loc/[^/]+/calendar"
            r"|proceedings|Conferences/\d{4})/?$",
            re.IGNORECASE,
        ),
        "the conference's general page",
    ),
    (None, re.compile(r"^/?$"), "a site's home page"),
    (
        None,
        re.compile(r"accepted[-_]papers|[-_]papers[-_](?:by|at|from)[-_]", re.IGNORECASE),
        "a page listing many papers",
    ),
    (
        None,
        re.compile(r"/\d{4}/\d{2}/\d{2}/[^/]*(?:neurips|icml|iclr)", re.IGNORECASE),
        "a news post about the conference",
    ),
    (
        None,
        re.compile(r"/research/(?:neurips|icml|iclr)[-_]?\d{2,4}/?$", re.IGNORECASE),
        "an organisation's page about the conference",
    ),
)


def generic_page(url: str) -> str | None:
    """Why ``url`` is not a page about one paper, or None when it may well be."""
    host, path, _ = _split(url)
    for rule_host, pattern, reason in _GENERIC_PAGES:
        if (rule_host is None or host == rule_host) and pattern.search(path):
            return reason
    return None


def venue_year_of(url: str) -> int | None:
    """The conference year a neurips.cc URL belongs to, e.g. 2024 for a 2024 poster."""
    if _host(url) != "neurips.cc":
        return None
    match = _NEURIPS_YEAR.match(_split(url).path)
    return int(match["year"]) if match else None


def label_for_url(url: str) -> str:
    """A short button label for a bare URL."""
    kind = link_kind(url)
    if kind == "arxiv":
        return f"arXiv:{arxiv_id(url)}"
    labels = {"openreview": "OpenReview", "conference": "NeurIPS", "proceedings": "Proceedings"}
    if kind in labels:
        return labels[kind]
    if _host(url) == "github.com":
        return "GitHub"
    if kind == "pdf":
        return "PDF"
    return _host(url) or url
