"""Problems found in the data, each tied to a file, line and column."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the pull request's diff."""
        level = "error" if self.severity == "error" else "warning"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = self.path.replace(",", "%2C").replace(":", "%3A")
        return f"::{level} file={path},line={self.line},col={self.column}::{message}"


class DataError(Exception):
    """The data cannot be built; ``findings`` says exactly where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "error"]


def format_findings(findings: list[Finding], style: str) -> str:
    """Findings as text lines, GitHub annotations or a JSON document."""
    ordered = sorted(findings)
    if style == "json":
        return json.dumps([asdict(finding) for finding in ordered], indent=2, ensure_ascii=False)
    if style == "github":
        return "\n".join(finding.github() for finding in ordered)
    return "\n".join(str(finding) for finding in ordered)
