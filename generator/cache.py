"""The record of the last successful build, so that a run with nothing changed hashes files and stops.

A build's output depends on the data files under ``entries/``, on ``mkdocs.yml``, on the
generator's own code, templates and schemas, and on the Python and packages it runs
with. The record keeps one digest of all of those, and every output file's size, times,
inode and content digest as the build left it. A run whose inputs hash to the same digest,
and whose outputs are all still exactly as recorded, has nothing to do.

The record lives in ``.cache/``, which git ignores, but it is a hint, never an order: it is
only read, never obeyed. It cannot make the build write, delete or skip anything it would
not otherwise: any doubt (a record that cannot be read, another version, a digest that
differs, an output missing, changed or touched since) means a full run. Each output's
change time (ctime) must match too, and no tool can set that: a record copied from another
checkout, or written by hand, cannot describe files it did not see written.

Only standard-library modules are imported here, so that a run with nothing changed
does not pay for importing the pipeline.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .findings import Finding
from .write import WriteError, content_digest, target_problems, write_text_atomic

CACHE_FILE = ".cache/generator.json"
CACHE_VERSION = 1
# Far above any real record (about 200 bytes per output): a larger file is not one of ours.
_MAX_CACHE_BYTES = 64 * 2**20
_ENTRIES = "entries"
_MKDOCS_YML = "mkdocs.yml"
# The key under which the code's own digest is kept among the inputs' (no file has this name).
_CODE = "<code>"


def file_digest(path: str) -> str | None:
    """The file's SHA-256, or None when it cannot be read (the full run then says why)."""
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def code_digest() -> str:
    """The generator's own files (code, templates, schemas, theme), the Python and the installed packages.

    Computed on every run, not once per process: under ``mkdocs serve`` an edited template
    must change the output. Package versions are read from the names of their metadata
    folders, which carry them, instead of importing each package.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            digest.update(f"{os.path.relpath(path, package)}\0{file_digest(path)}\0".encode())
    digest.update(sys.version.encode())
    # Installed packages only, by name: the CLI and MkDocs' hook see different search paths
    # (the working folder, the script's), which must not make their caches differ.
    installed: set[str] = set()
    for folder in sys.path:
        if os.path.basename(folder) in ("site-packages", "dist-packages"):
            with contextlib.suppress(OSError):
                installed.update(name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info")))
    digest.update("/".join(sorted(installed)).encode())
    return digest.hexdigest()


def input_digests(root: Path) -> dict[str, str] | None:
    """Every input's digest by its path from ``root``, and the code's; None when one is not a plain file.

    Every file under ``entries/`` counts, read or not by the build: a file it ignores costs
    a hash, a file it reads and this missed would cost a wrong page. A link or anything but
    a file or folder returns None: the full run then says what is wrong with it.
    """
    digests = {_CODE: code_digest()}
    pending = [_ENTRIES]
    while pending:
        relative_folder = pending.pop()
        try:
            found = sorted(os.scandir(os.path.join(root, relative_folder)), key=lambda entry: entry.name)
        except OSError:
            return None
        for entry in found:
            relative = f"{relative_folder}/{entry.name}"
            if entry.is_symlink():
                return None
            if entry.is_dir():
                pending.append(relative)
            elif entry.is_file() and (digest := file_digest(entry.path)) is not None:
                digests[relative] = digest
            else:
                return None
    try:
        mode = os.lstat(root / _MKDOCS_YML).st_mode
    except FileNotFoundError:
        return digests
    except OSError:
        return None
    if not stat.S_ISREG(mode) or (digest := file_digest(os.path.join(root, _MKDOCS_YML))) is None:
        return None
    digests[_MKDOCS_YML] = digest
    return digests


def text_digest(text: str) -> str:
    """The digest of a file holding ``text`` in UTF-8, as the build writes and reads it."""
    return content_digest(text.encode("utf-8"))


def _combined(digests: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(digests.items())).encode()).hexdigest()


def _file_state(path: str) -> list[int] | None:
    """What identifies a file's current content without reading it: size, modification and change times, inode."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


@dataclass(frozen=True)
class CachedBuild:
    """What the last build reported, for a run that found nothing changed since."""

    papers: int
    warnings: list[Finding]


def forget(root: Path) -> None:
    """Delete the record before a full run writes anything, so a run stopped halfway leaves none behind."""
    if not target_problems(root, CACHE_FILE):
        # One that cannot be deleted is still safe: the files this run rewrites no longer match it.
        with contextlib.suppress(OSError):
            (root / CACHE_FILE).unlink(missing_ok=True)


def remember(
    root: Path,
    digests: Mapping[str, str],
    output_digests: Mapping[str, str],
    manifest: str,
    papers: int,
    warnings: Iterable[Finding],
) -> None:
    """Record a build that has just brought every output in line with ``output_digests`` (path -> digest).

    ``digests`` are the inputs this build read, as ``input_digests`` gives them; ``output_digests``
    the digests of what it wrote (``text_digest``), so that no output's text need be held.
    A cache that cannot be written is no error: the next run is a full one.
    """
    files: dict[str, list[Any]] = {}
    for relative, content in [*output_digests.items(), (manifest, None)]:
        state = _file_state(os.path.join(root, relative))
        if state is None:
            return
        # The manifest is read back: sync_outputs wrote it, and only it knows its text.
        digest = file_digest(os.path.join(root, relative)) if content is None else content
        if digest is None:
            return
        files[relative] = [*state, digest]
    record = {
        "version": CACHE_VERSION,
        "inputs": _combined(digests),
        "papers": papers,
        "warnings": [
            [finding.path, finding.line, finding.column, finding.severity, finding.message, finding.rule]
            for finding in warnings
        ],
        "manifest": manifest,
        "outputs": files,
    }
    if target_problems(root, CACHE_FILE):
        return
    try:
        write_text_atomic(root / CACHE_FILE, json.dumps(record, separators=(",", ":")) + "\n", durable=False)
    except WriteError:
        return


def _read_record(root: Path) -> dict[str, Any] | None:
    if target_problems(root, CACHE_FILE):
        return None
    path = root / CACHE_FILE
    try:
        with open(path, "rb") as stream:
            raw = stream.read(_MAX_CACHE_BYTES + 1)
        record = json.loads(raw) if len(raw) <= _MAX_CACHE_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) and record.get("version") == CACHE_VERSION else None


def _warnings(items: Any) -> list[Finding] | None:
    if not isinstance(items, list):
        return None
    findings = []
    for item in items:
        if not (
            isinstance(item, list)
            and len(item) == 6
            and isinstance(item[0], str)
            and type(item[1]) is int
            and type(item[2]) is int
            and item[3] == "warning"
            and isinstance(item[4], str)
            and isinstance(item[5], str)
        ):
            return None
        findings.append(Finding(*item))
    return findings


def _outputs_unchanged(root: Path, manifest: Any, outputs: Any) -> bool:
    """Every output the record lists is as the build left it, and they are exactly the manifest's files."""
    if not isinstance(manifest, str) or not isinstance(outputs, dict) or manifest not in outputs:
        return False
    for relative, recorded in outputs.items():
        if (
            relative.startswith("/")
            or ".." in relative.split("/")
            or not isinstance(recorded, list)
            or len(recorded) != 5
            or _file_state(os.path.join(root, relative)) != recorded[:4]
            or file_digest(os.path.join(root, relative)) != recorded[4]
        ):
            return False
    try:
        listed = json.loads((root / manifest).read_text("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(listed, list) and set(listed) | {manifest} == set(outputs)


def unchanged_build(root: Path, digests: Mapping[str, str] | None) -> CachedBuild | None:
    """The last build's report, if its record shows that nothing it depends on changed since; else None.

    ``digests`` are the inputs as they are now (``input_digests``).
    """
    record = _read_record(root)
    if record is None or digests is None or record.get("inputs") != _combined(digests):
        return None
    papers, warnings = record.get("papers"), _warnings(record.get("warnings"))
    if type(papers) is not int or warnings is None:
        return None
    if not _outputs_unchanged(root, record.get("manifest"), record.get("outputs")):
        return None
    return CachedBuild(papers, warnings)
