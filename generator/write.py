"""Write generated files atomically, only when their content changed.

Generated files are known by a manifest, never by their folder alone, so a
hand-written page placed among them is never deleted.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_VERSION = 1


def write_text_atomic(path: Path, content: str, *, durable: bool = True) -> None:
    """Write through a temporary file and a rename, so readers see old or new, never half.

    ``durable`` also flushes the file to disk before the rename, which only a power cut
    needs. Generated files skip it: the next run compares them with what they should
    hold and rewrites any that a power cut left damaged; with thousands of pages the
    flushes were most of a cold build's time.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _read_manifest(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return set()
    return set(data.get("files", [])) if isinstance(data, dict) else set()


def _manifest_text(files: set[str]) -> str:
    return json.dumps({"version": MANIFEST_VERSION, "files": sorted(files)}, indent=1) + "\n"


@dataclass
class WriteReport:
    """What a run wrote, removed, or (in check mode) found stale."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _current_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def sync_outputs(root: Path, outputs: dict[str, str], manifest: Path, *, check: bool = False) -> WriteReport:
    """Bring the files under ``root`` in line with ``outputs`` (relative path -> text).

    In check mode nothing is written; the report lists what differs.
    """
    report = WriteReport()
    previous = _read_manifest(manifest)
    if not check:
        _remove_stale_temporaries(root, outputs)
    manifest_relative = manifest.relative_to(root).as_posix()
    if not check and not set(outputs) <= previous:
        # Record new files before creating them, so a run killed halfway still knows them.
        write_text_atomic(manifest, _manifest_text(previous | set(outputs)))
    for relative in sorted(outputs):
        path = root / relative
        if _current_text(path) != outputs[relative]:
            if check:
                report.stale.append(relative)
            else:
                write_text_atomic(path, outputs[relative], durable=False)
                report.written.append(relative)
    for relative in sorted(previous - set(outputs)):
        path = root / relative
        if not path.is_file():
            continue
        if check:
            report.stale.append(relative)
        else:
            path.unlink()
            report.removed.append(relative)
            _remove_empty_parents(path.parent, root)
    manifest_text = _manifest_text(set(outputs))
    if _current_text(manifest) != manifest_text and not check:
        write_text_atomic(manifest, manifest_text)
        report.written.append(manifest_relative)
    return report


def _remove_stale_temporaries(root: Path, outputs: dict[str, str]) -> None:
    """Temporary files a killed run left before its rename: ``.<name>.<random>.tmp`` beside an output."""
    for folder in {(root / relative).parent for relative in outputs}:
        for temporary in folder.glob(".*.tmp") if folder.is_dir() else ():
            target = folder / temporary.name[1 : -len(".tmp")].rpartition(".")[0]
            if target.relative_to(root).as_posix() in outputs:
                temporary.unlink(missing_ok=True)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
