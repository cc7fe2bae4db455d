"""Symbolic links in the folders the build reads and publishes, found before anything is read or written.

A link under ``entries/`` could feed the build a file from outside the project, and
one under ``docs/`` would publish it (``docs/x.md -> /etc/passwd``) or make the build
write outside the project (a ``docs/papers`` link). Git stores links as links, so a
pull request can add one; the build refuses them all, with this one message.
"""

from __future__ import annotations

import os
from pathlib import Path

from .findings import Finding, Rule

LINK_PROBLEM = (
    "a symbolic link{target}, which could make the build read, publish or overwrite files outside the project"
)
LINK_FIX = "replace the link with the file itself"


def link_message(link: Path) -> str:
    """What is wrong with ``link`` and how to fix it, naming where it points when that can be read."""
    try:
        target = f" (to {os.readlink(link)})"
    except OSError:
        target = ""
    return f"{LINK_PROBLEM.format(target=target)}; {LINK_FIX}"


def display_path(path: Path, base: Path) -> str:
    """``path`` as a finding names it: relative to ``base`` when it is inside it."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def links_under(folder: Path, base: Path) -> list[Finding]:
    """Every symbolic link at or below ``folder`` (not followed), as findings named relative to ``base``."""
    if folder.is_symlink():
        return [Finding(display_path(folder, base), 1, 1, "error", link_message(folder), Rule.SYMLINK)]
    findings = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                findings.append(Finding(display_path(path, base), 1, 1, "error", link_message(path), Rule.SYMLINK))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(path)
    return findings
