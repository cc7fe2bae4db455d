"""``python -m generator export-offline``: the whole site for file://, or one self-contained HTML file.

The site export runs the real ``mkdocs build`` (as a command, not through MkDocs
internals) with Material's built-in offline plugin switched on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .build import Project, load_catalog
from .render import render_single_file
from .write import write_text_atomic

OFFLINE_SWITCH = "PAPERLIST_OFFLINE"
# Material prints a nine-line end-of-life notice on every MkDocs run unless this is set;
# the project's own runs of MkDocs set it, so their output shows only what they found.
QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1"}
# Zip entries get one fixed timestamp, so the same site gives the same archive.
ZIP_TIMESTAMP = (2000, 1, 1, 0, 0, 0)


# Written into every offline export: only a folder holding it is ever replaced by the next one.
EXPORT_MARKER = ".paperlist-offline-export"


def check_export_target(project: Project, out_dir: Path) -> None:
    """Refuse a folder the export would replace that is not an earlier export, or that holds the project.

    Replacing the folder deletes it, so only an empty or missing folder, or one that an
    earlier export made (it holds EXPORT_MARKER), may be the target.
    """
    out_dir, root = out_dir.resolve(), project.root.resolve()
    if out_dir == root or out_dir in root.parents or out_dir.is_relative_to(root / "docs"):
        raise ValueError(f"{out_dir} holds the project's own files; export to a folder of its own")
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise ValueError(f"{out_dir} is not a folder; export to a new folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / EXPORT_MARKER).is_file():
        raise ValueError(
            f"{out_dir} already holds files that no earlier export wrote; choose a new folder, "
            "or empty this one yourself"
        )


def build_offline_site(project: Project, out_dir: Path) -> None:
    """Build the site for file:// into ``out_dir`` (replaced only once the build succeeded)."""
    check_export_target(project, out_dir)
    out_dir = out_dir.resolve()
    # As `mkdocs build -d` does: a folder whose parents do not exist yet is made with them.
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".offline-", dir=out_dir.parent))
    try:
        env = {**os.environ, OFFLINE_SWITCH: "true", **QUIET_MKDOCS}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--clean",
                "-f",
                str(project.mkdocs_yml),
                "-d",
                str(staging / "site"),
            ],
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"mkdocs build failed:\n{result.stdout}{result.stderr}")
        # Only a web server shows a 404 page, and its links are root-relative to the hosted site.
        (staging / "site" / "404.html").unlink(missing_ok=True)
        (staging / "site" / EXPORT_MARKER).write_text("An offline export of the list; the next one replaces it.\n")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        (staging / "site").rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


ARCHIVE_SUFFIX = ".zip"


def export_targets(out: Path, archive: bool) -> tuple[Path, Path | None]:
    """The folder the offline site goes into, and the archive to pack it into, if one is asked for.

    ``OUT`` with ``--zip`` gives the folder OUT and OUT.zip beside it. An OUT that already
    ends in .zip names the archive: the folder is OUT without the suffix, with or without
    ``--zip`` (a folder named like an archive is never what is meant).
    """
    if out.suffix.lower() == ARCHIVE_SUFFIX:
        return out.with_name(out.name[: -len(ARCHIVE_SUFFIX)]), out
    return out, out.with_name(out.name + ARCHIVE_SUFFIX) if archive else None


def check_archive_target(archive: Path) -> None:
    """Refuse an archive path that holds something other than an earlier export's archive.

    Checked before the site is built: replacing the file deletes what it held.
    """
    if archive.is_symlink() or (archive.exists() and not archive.is_file()):
        raise ValueError(f"{archive} is not a plain file; name a new .zip file")
    if not archive.exists():
        return
    try:
        with zipfile.ZipFile(archive) as bundle:
            earlier = any(name.endswith(f"/{EXPORT_MARKER}") for name in bundle.namelist())
    except (OSError, zipfile.BadZipFile):
        earlier = False
    if not earlier:
        raise ValueError(f"{archive} exists and is not an earlier export's archive; name a new .zip file")


def zip_folder(folder: Path, archive: Path) -> None:
    """A deterministic zip of ``folder``, its files under one top-level folder of the same name.

    Written beside ``archive`` first and renamed over it, so a failure leaves the old archive, or none.
    """
    temporary = archive.with_name(f".{archive.name}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIMESTAMP)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    bundle.writestr(info, path.read_bytes())
        os.replace(temporary, archive)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# The single-file export names itself in its head: only a file that says so is ever replaced.
SINGLE_FILE_MARKER = '<meta name="generator" content="paperlist single-file export">'


def write_single_file(project: Project, out_file: Path) -> None:
    """The whole list as one HTML file with inline CSS and no external reference."""
    if out_file.is_symlink() or out_file.is_dir():
        raise ValueError(f"{out_file} is not a plain file; name a new .html file")
    if out_file.exists() and SINGLE_FILE_MARKER not in out_file.read_text(encoding="utf-8", errors="replace")[:2000]:
        raise ValueError(f"{out_file} exists and is not an earlier single-file export; name a new file")
    catalog, _ = load_catalog(project)
    write_text_atomic(out_file, render_single_file(catalog))
