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


def build_offline_site(project: Project, out_dir: Path) -> None:
    """Build the site for file:// into ``out_dir`` (replaced only once the build succeeded)."""
    out_dir = out_dir.resolve()
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
        if out_dir.exists():
            shutil.rmtree(out_dir)
        (staging / "site").rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def zip_folder(folder: Path, archive: Path) -> None:
    """A deterministic zip of ``folder``, its files under one top-level folder of the same name."""
    temporary = archive.with_name(f".{archive.name}.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                bundle.writestr(info, path.read_bytes())
    os.replace(temporary, archive)


def write_single_file(project: Project, out_file: Path) -> None:
    """The whole list as one HTML file with inline CSS and no external reference."""
    catalog, _ = load_catalog(project)
    write_text_atomic(out_file, render_single_file(catalog))
