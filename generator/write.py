"""Write generated files atomically, only when their content changed, and only where the generator may.

Generated files are known by a manifest, never by their folder alone, so a
hand-written page placed among them is never deleted. The manifest lives in the
working tree, which a pull request controls, so it is evidence to check, not an
order: before anything is written or deleted, every entry must be one of the
generator's own output paths, inside the project and not reached through a
symbolic link, and every path about to be written must pass the same checks and
fit the file system's name limits. One problem stops the run with nothing touched.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from .findings import DataError, Finding
from .paths import link_message

if sys.platform != "win32":
    import fcntl

MANIFEST_VERSION = 1
# Under the git-ignored cache folder, out of docs/ so that `mkdocs serve` does not watch it.
LOCK_FILE = ".cache/build.lock"
TEMPORARY_SUFFIX = ".tmp"
_TOKEN_BYTES = 4
# Where the file system cannot say (os.pathconf is POSIX only): the common limits.
_DEFAULT_NAME_MAX = 255
_DEFAULT_PATH_MAX = 4096


class WriteError(Exception):
    """The file system refused a write or a deletion; the message names the file and the reason."""


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _temporary_name(name: str, token: str) -> str:
    """The name a file is first written under, beside it, before the rename: ``.<name>.<token>.tmp``."""
    return f".{name}.{token}{TEMPORARY_SUFFIX}"


def _replace_atomically(path: Path, content: str | bytes, durable: bool) -> None:
    """Write ``content`` to a new temporary file beside ``path``, then rename it over ``path``.

    The temporary file is created with mode 0666 less the umask, as an editor's save is
    (mkstemp's 0600 left pages and new records unreadable to the group and to web
    servers). O_EXCL never opens an existing file, nor follows a link.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(_temporary_name(path.name, secrets.token_hex(_TOKEN_BYTES)))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(temporary, flags, 0o666)
    # UTF-8 and the lines' own "\n" endings, on every platform.
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, content: str, *, durable: bool = True) -> None:
    """Write through a temporary file and a rename, so readers see old or new, never half.

    ``durable`` also flushes the file to disk before the rename, which only a power cut
    needs. Generated files skip it: the next run compares them with what they should
    hold and rewrites any that a power cut left damaged; with thousands of pages the
    flushes were most of a cold build's time. Raises WriteError if the file system refuses.
    """
    try:
        _replace_atomically(path, content, durable)
    except OSError as error:
        raise WriteError(f"cannot write {path}: {_reason(error)}") from None


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the project's build lock while the block runs; another build waits for it.

    Two builds at once would remove each other's temporary files and interleave their
    manifests. The kernel releases the lock when the process ends, even when killed.
    Windows has no flock: there, builds must not overlap.
    """
    if problems := target_problems(root, LOCK_FILE):
        raise DataError(problems)
    path = root / LOCK_FILE
    try:
        path.parent.mkdir(exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as error:
        raise WriteError(f"cannot open the build lock {LOCK_FILE}: {_reason(error)}") from None
    try:
        if sys.platform != "win32":
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def target_problems(root: Path, relative: str) -> list[Finding]:
    """What stops the build from writing ``relative`` below ``root``: a link or a file in its way, a bad shape."""
    return _TargetCheck(root).problems(relative)


_CONTROL = re.compile(r"[\x00-\x1f]")


def _shape_problem(relative: str) -> str | None:
    """Why ``relative`` is not a plain relative POSIX path below the root, if it is not."""
    parts = relative.split("/")
    if relative.startswith("/") or relative[1:2] == ":":
        return "is an absolute path, outside the project"
    if "\\" in relative:
        return "has a backslash; the build's paths separate folders with /"
    if _CONTROL.search(relative):
        return "has a control character"
    if ".." in parts:
        return "climbs out of its folder with '..'"
    if "" in parts or "." in parts:
        return "has an empty or '.' part"
    return None


@dataclass(frozen=True)
class _Folder:
    """What the checks need to know of a folder a file is written into."""

    problem: Finding | None
    name_max: int
    path_max: int
    # The folder's full path, as the bytes the file system measures.
    length: int


class _TargetCheck:
    """Checks paths below one root before anything is written there.

    Verdicts are kept per folder and per path: thousands of pages share a few folders,
    and a page is checked both as an output and as a manifest entry. Plain strings, not
    pathlib, since this runs for every page of every build.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.fspath(root)
        self.real_root = os.path.realpath(root)
        self.folders: dict[str, _Folder] = {}
        # Per path: a problem found on the way to it (a link, say), or one with the path itself.
        self.verdicts: dict[str, Finding | str | None] = {}

    def problems(self, relative: str, blame: str | None = None) -> list[Finding]:
        """What stops the build from writing (or deleting) ``relative``; ``blame`` is the data file to name."""
        if relative not in self.verdicts:
            self.verdicts[relative] = self._verdict(relative)
        verdict = self.verdicts[relative]
        if isinstance(verdict, str):
            return [Finding(blame or relative, 1, 1, "error", verdict)]
        return [verdict] if verdict else []

    def _verdict(self, relative: str) -> Finding | str | None:
        if shape := _shape_problem(relative):
            return f"{json.dumps(relative)} {shape}"
        parent, _, name = relative.rpartition("/")
        folder = self._folder(parent)
        return folder.problem or self._file(relative) or _length_problem(relative, name, folder)

    def _folder(self, relative: str) -> _Folder:
        if relative not in self.folders:
            self.folders[relative] = self._check_folder(relative)
        return self.folders[relative]

    def _check_folder(self, relative: str) -> _Folder:
        """A folder's verdict: its parent's, if that has a problem, else its own."""
        if not relative:
            return _Folder(None, *_limits(self.root), len(os.fsencode(self.real_root)))
        parent_relative, _, name = relative.rpartition("/")
        parent = self._folder(parent_relative)
        length = parent.length + 1 + len(os.fsencode(name))
        if parent.problem:
            return parent
        path = os.path.join(self.root, relative)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            # Created by the build: the nearest existing folder's file system will hold it.
            return _Folder(None, parent.name_max, parent.path_max, length)
        except OSError as error:
            return _Folder(Finding(relative, 1, 1, "error", f"cannot be read: {_reason(error)}"), 0, 0, length)
        if stat.S_ISLNK(mode):
            problem = Finding(relative, 1, 1, "error", link_message(Path(path)))
        elif not stat.S_ISDIR(mode):
            problem = Finding(relative, 1, 1, "error", "is a file where the build needs a folder; move it away")
        elif not Path(os.path.realpath(path)).is_relative_to(self.real_root):
            problem = Finding(relative, 1, 1, "error", "resolves to a folder outside the project; move it back inside")
        else:
            return _Folder(None, *_limits(path), length)
        return _Folder(problem, 0, 0, length)

    def _file(self, relative: str) -> Finding | None:
        path = os.path.join(self.root, relative)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return None
        except OSError as error:
            return Finding(relative, 1, 1, "error", f"cannot be read: {_reason(error)}")
        if stat.S_ISLNK(mode):
            return Finding(relative, 1, 1, "error", link_message(Path(path)))
        if not stat.S_ISREG(mode):
            return Finding(relative, 1, 1, "error", "is not a plain file, and the build writes a file here; move it")
        return None


def _length_problem(relative: str, name: str, folder: _Folder) -> str | None:
    """Why the file system cannot hold ``relative`` and its temporary name beside it, if it cannot."""
    for part in relative.split("/")[:-1]:
        if len(os.fsencode(part)) > folder.name_max:
            return (
                f"cannot write {relative}: a folder name in it is {len(os.fsencode(part))} bytes, over this "
                f"file system's limit of {folder.name_max}; shorten the id it is named after"
            )
    written = len(os.fsencode(_temporary_name(name, "0" * 2 * _TOKEN_BYTES)))
    if written > folder.name_max:
        return (
            f"cannot write {relative}: while it is written its name is {written} bytes (with the build's "
            f"temporary suffix), over this file system's limit of {folder.name_max}; shorten the id it is "
            f"named after by at least {written - folder.name_max} characters"
        )
    if (full := folder.length + 1 + written) >= folder.path_max:
        return (
            f"cannot write {relative}: its full path would be {full} bytes, over this system's limit of "
            f"{folder.path_max}; shorten the id it is named after, or move the project to a shorter path"
        )
    return None


def _limits(folder: str) -> tuple[int, int]:
    """The longest name and path, in bytes, the file system holding ``folder`` accepts."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX"), os.pathconf(folder, "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):
        return _DEFAULT_NAME_MAX, _DEFAULT_PATH_MAX


def _manifest_fix(display: str) -> str:
    return f"delete {display} and build again (the build then lists its files anew)"


def _manifest_problem(display: str, message: str, line: int = 1, column: int = 1) -> DataError:
    return DataError([Finding(display, line, column, "error", f"{message}; {_manifest_fix(display)}")])


def _read_manifest(path: Path, display: str) -> tuple[list[str], str]:
    """The manifest's entries and its text; a missing manifest lists nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], ""
    except (OSError, UnicodeDecodeError) as error:
        reason = _reason(error) if isinstance(error, OSError) else "not UTF-8"
        raise _manifest_problem(display, f"the build's manifest cannot be read ({reason})") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        line, column = getattr(error, "lineno", 1), getattr(error, "colno", 1)
        raise _manifest_problem(display, "the build's manifest is not valid JSON", line, column) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(entry, str) for entry in files):
        raise _manifest_problem(display, 'the build\'s manifest has no "files" list of paths')
    return files, text


def _position(text: str, entry: str) -> tuple[int, int]:
    """Line and column of ``entry`` in the manifest's text, as the build writes it (one per line)."""
    quoted = json.dumps(entry)
    for number, line in enumerate(text.splitlines(), start=1):
        if (column := line.find(quoted)) >= 0:
            return number, column + 1
    return 1, 1


def _manifest_findings(
    entries: list[str], text: str, display: str, allowed: Callable[[str], bool], targets: _TargetCheck
) -> list[Finding]:
    """Every manifest entry that is not a file this generator writes, inside the project, reached without a link."""
    findings = []
    for entry in entries:
        if (shape := _shape_problem(entry)) or not allowed(entry):
            reason = shape or "is not a path the generator writes its output to"
            line, column = _position(text, entry)
            findings.append(
                Finding(
                    display,
                    line,
                    column,
                    "error",
                    f"{json.dumps(entry)} {reason}, so the build will not delete it; "
                    f"remove the entry, or {_manifest_fix(display)}",
                )
            )
        else:
            findings.extend(targets.problems(entry))
    return findings


def _manifest_text(files: set[str]) -> str:
    return json.dumps({"version": MANIFEST_VERSION, "files": sorted(files)}, indent=1) + "\n"


@dataclass
class WriteReport:
    """What a run wrote, removed, or (in check mode) found stale."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    # Every output's content digest (SHA-256 of its UTF-8 bytes), as the run left it or, in check mode, as it should be.
    digests: dict[str, str] = field(default_factory=dict)


def _current_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        # Missing or unreadable: rewritten, and a file the system refuses is reported then.
        return None


Handled = TypeVar("Handled")


class Rendered(Protocol):
    """Outputs rendered one by one, perhaps in other processes, so that their texts are never all held at once."""

    def paths(self) -> list[str]:
        """Every output's path, each once, known before any is rendered."""
        ...

    def each(self, handle: Callable[[str, str], Handled]) -> dict[str, Handled]:
        """``handle(path, text)`` for every output, in any order and process; the results by path."""
        ...


@dataclass(frozen=True)
class _Texts:
    """Outputs whose texts are already at hand, as ``Rendered``."""

    texts: Mapping[str, str]

    def paths(self) -> list[str]:
        return list(self.texts)

    def each(self, handle: Callable[[str, str], Handled]) -> dict[str, Handled]:
        return {path: handle(path, text) for path, text in self.texts.items()}


def sync_outputs(
    root: Path,
    outputs: Mapping[str, str] | Rendered,
    manifest: Path,
    *,
    allowed: Callable[[str], bool],
    check: bool = False,
    edits: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
) -> WriteReport:
    """Bring the files under ``root`` in line with ``outputs`` (relative path -> text, or ``Rendered``).

    ``outputs`` are the generator's own files, listed in the manifest; every one must be
    an ``allowed`` path. ``edits`` are files it owns a part of (mkdocs.yml's nav), written
    but never listed nor deleted. ``sources`` names the data file an output is named after,
    to blame when the file system cannot hold its name. Every path is checked first: on any
    problem DataError is raised and nothing is touched. Then each output is compared with
    its file, byte for byte, and written if it differs, as soon as it is rendered: a run
    never holds all their texts. In check mode nothing is written; the report lists what
    differs.
    """
    edits = edits or {}
    sources = sources or {}
    rendered = _Texts(outputs) if isinstance(outputs, Mapping) else outputs
    paths = rendered.paths()
    manifest_relative = manifest.relative_to(root).as_posix()
    targets = _TargetCheck(root)
    findings = targets.problems(manifest_relative)
    entries, text = ([], "") if findings else _read_manifest(manifest, manifest_relative)
    findings += _manifest_findings(entries, text, manifest_relative, allowed, targets)
    for relative in paths:
        if not allowed(relative):
            message = "is not one of the generator's output paths; add its route to generator/routes.py"
            findings.append(Finding(relative, 1, 1, "error", message))
    for relative in [*paths, *edits]:
        findings += targets.problems(relative, blame=sources.get(relative))
    if findings:
        raise DataError(sorted(set(findings)))
    return _sync(root, rendered, edits, manifest_relative, set(entries), check)


def _write(root: Path, relative: str, content: str | bytes, *, durable: bool) -> None:
    try:
        _replace_atomically(root / relative, content, durable)
    except OSError as error:
        raise WriteError(
            f"cannot write {relative}: {_reason(error)}; the files written before it are complete, "
            "and the next build writes the rest"
        ) from None


def _delete(root: Path, relative: str) -> None:
    path = root / relative
    try:
        path.unlink()
        _remove_empty_parents(path.parent, root)
    except OSError as error:
        raise WriteError(f"cannot delete {relative}: {_reason(error)}") from None


def content_digest(data: bytes) -> str:
    """The digest the build keeps of a file's content: its SHA-256, in hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def _bring_in_line(root: Path, relative: str, text: str, *, check: bool) -> tuple[bool, str]:
    """Whether the file at ``relative`` differed from ``text`` (and, unless ``check``, is now rewritten); its digest."""
    data = text.encode("utf-8")
    try:
        with open(root / relative, "rb") as stream:
            changed = stream.read() != data
    except OSError:
        # Missing or unreadable: rewritten, and a file the system refuses is reported then.
        changed = True
    if changed and not check:
        # Generated files are not flushed to disk: the next run compares them and rewrites a damaged one.
        _write(root, relative, data, durable=False)
    return changed, content_digest(data)


def _sync(
    root: Path, outputs: Rendered, edits: Mapping[str, str], manifest: str, previous: set[str], check: bool
) -> WriteReport:
    """The writes and deletions of ``sync_outputs``, once every path has been checked."""
    report = WriteReport()
    wanted = set(outputs.paths())
    if not check:
        _remove_stale_temporaries(root, wanted)
    if not check and not wanted <= previous:
        # Record new files before creating them, so a run killed halfway still knows them.
        _write(root, manifest, _manifest_text(previous | wanted), durable=True)
    results = outputs.each(functools.partial(_bring_in_line, root, check=check))
    for relative in sorted(results):
        changed, report.digests[relative] = results[relative]
        if changed:
            (report.stale if check else report.written).append(relative)
    for relative in sorted(previous - wanted):
        if not (root / relative).is_file():
            continue
        if check:
            report.stale.append(relative)
        else:
            _delete(root, relative)
            report.removed.append(relative)
    manifest_text = _manifest_text(wanted)
    if _current_text(root / manifest) != manifest_text and not check:
        _write(root, manifest, manifest_text, durable=True)
        report.written.append(manifest)
    for relative in sorted(edits):
        if _current_text(root / relative) != edits[relative]:
            if check:
                report.stale.append(relative)
            else:
                _write(root, relative, edits[relative], durable=True)
                report.written.append(relative)
    return report


def _remove_stale_temporaries(root: Path, outputs: set[str]) -> None:
    """Temporary files a killed run left before its rename: ``.<name>.<token>.tmp`` beside an output.

    Safe only under ``build_lock``: another running build's temporaries look the same.
    """
    for folder in {(root / relative).parent for relative in outputs}:
        for temporary in folder.glob(f".*{TEMPORARY_SUFFIX}") if folder.is_dir() else ():
            target = folder / temporary.name[1 : -len(TEMPORARY_SUFFIX)].rpartition(".")[0]
            if target.relative_to(root).as_posix() in outputs:
                temporary.unlink(missing_ok=True)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
