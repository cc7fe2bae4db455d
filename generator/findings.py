"""Problems found in the data, each tied to a file, line and column."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Literal

from .text import escape_unprintable

Severity = Literal["error", "warning"]


class Rule(StrEnum):
    """What kind of problem a finding is: a stable id for tools, the JSON output and the quality page."""

    # The file itself.
    FILE_NAME = "file-name"
    FILE_SIZE = "file-size"
    MISSING_FILE = "missing-file"
    SYMLINK = "symlink"
    UNREADABLE = "unreadable"
    ENCODING = "encoding"
    EMPTY_FILE = "empty-file"
    # The YAML in it.
    YAML_SYNTAX = "yaml-syntax"
    YAML_TAG = "yaml-tag"
    YAML_ALIAS = "yaml-alias"
    YAML_KEY = "yaml-key"
    DUPLICATE_KEY = "duplicate-key"
    YAML_COMMENT = "yaml-comment"
    NESTING = "nesting"
    # The values.
    SCHEMA = "schema"
    ID = "id"
    DUPLICATE_ID = "duplicate-id"
    UNKNOWN_CATEGORY = "unknown-category"
    UNKNOWN_LIST = "unknown-list"
    # A placement the project's shape cannot hold (a list in a single-list project, none in a collection).
    PLACEMENT = "placement"
    UNKNOWN_TAG = "unknown-tag"
    CONTROL_CHARACTER = "control-character"
    INVISIBLE_CHARACTER = "invisible-character"
    NONCHARACTER = "noncharacter"
    MIS_DECODED = "mis-decoded"
    RAW_HTML = "raw-html"
    IMAGE = "image"
    UNSAFE_LINK = "unsafe-link"
    DUPLICATE = "duplicate"
    TITLE_MARKER = "title-marker"
    ORGANISATION = "organisation"
    # Gaps the data-quality page lists (warnings).
    NO_AUTHORS = "no-authors"
    GENERIC_LINK = "generic-link"
    VENUE_YEAR = "venue-year"
    NO_PAPER_LINK = "no-paper-link"
    LINK_WITHOUT_URL = "link-without-url"
    SHARED_TITLE_PREFIX = "shared-title-prefix"
    JOINED_NAME = "joined-name"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where it is, how bad, and what to do about it."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str
    rule: str = ""

    def __str__(self) -> str:
        # Messages quote record text: a terminal must see its escape sequences, not obey them.
        return escape_unprintable(f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}")

    def github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the pull request's diff."""
        level = "error" if self.severity == "error" else "warning"
        message = escape_unprintable(self.message).replace("%", "%25")
        path = escape_unprintable(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{level} file={path},line={self.line},col={self.column}::{message}"


class DataError(Exception):
    """The data cannot be built; ``findings`` says exactly where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "error"]


def _json_escape(char: str) -> str:
    """A character as JSON's ``\\uXXXX`` escape (two, a surrogate pair, beyond the BMP)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def format_findings(findings: list[Finding], style: str) -> str:
    """Findings as text lines, GitHub annotations or a JSON document.

    Text and GitHub output show unprintable characters as escapes; JSON keeps every
    string exact, writing those characters as ``\\uXXXX`` escapes so the document is safe
    to print and still decodes to the original. For people, errors come first, each kind in
    file order; JSON keeps file order.
    """
    if style == "json":
        text = json.dumps([asdict(finding) for finding in sorted(findings)], indent=2, ensure_ascii=False)
        # json.dumps escapes C0 controls inside strings, so a raw line break is layout.
        return "\n".join(escape_unprintable(line, _json_escape) for line in text.split("\n"))
    ordered = sorted(findings, key=lambda finding: (finding.severity != "error", finding))
    if style == "github":
        return "\n".join(finding.github() for finding in ordered)
    return "\n".join(str(finding) for finding in ordered)
