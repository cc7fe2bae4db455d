"""Which data files a run is about: the ones named on the command line, or changed since a git revision.

`validate` shows their warnings in full (everyone else's are counted), and the duplicate
check reports a paper listed twice on its new copy, the one among these.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from .load import PAPERS_DIR, is_data_file
from .paths import display_path


class SelectionError(ValueError):
    """A path or revision that names no data file; the message says which and why."""


def named_files(root: Path, entries_dir: Path, paths: Iterable[str]) -> set[str]:
    """The data files ``paths`` name (relative to the current folder), as findings name them."""
    named = set()
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise SelectionError(f"{name}: no such file")
        if not path.is_file():
            raise SelectionError(f"{name} is not a file; name records, such as entries/papers/<id>.yaml")
        if not is_data_file(path, entries_dir):
            raise SelectionError(
                f"{name} is not a data file of this list; validate checks the records in "
                f"{display_path(entries_dir / PAPERS_DIR, root)}, the taxonomy and tags files, and mkdocs.yml"
            )
        named.add(display_path(path.resolve(), root.resolve()))
    return named


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SelectionError("--changed-since needs git, which is not installed") from None


def _output(result: subprocess.CompletedProcess[str]) -> str:
    if result.returncode != 0:
        raise SelectionError(f"git {result.args[1]} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


def changed_since(root: Path, revision: str) -> set[str]:
    """The files changed since ``revision`` (committed, staged or not) and the new untracked ones.

    As findings name them: relative to ``root``, which git's ``--relative`` also limits them to.
    """
    # A revision that starts with '-' would reach git as an option.
    if not revision or revision.startswith("-"):
        raise SelectionError(f"--changed-since {revision!r} is not a git revision (a commit, branch or tag)")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        # --quiet keeps git silent about a revision it does not know; anything it says is another problem.
        raise SelectionError(
            (found.stderr.strip() and f"--changed-since: git says: {found.stderr.strip()}")
            or f"git knows no commit {revision!r} here; fetch it first (on CI, check out enough history)"
        )
    commit = found.stdout.strip()
    changed = _output(_git(root, "diff", "--name-only", "--relative", "-z", commit, "--"))
    untracked = _output(_git(root, "ls-files", "--others", "--exclude-standard", "-z"))
    return {name for name in (changed + untracked).split("\0") if name}
