"""What the tests share: a throw-away copy of the project, and real generator and MkDocs runs.

A plain module (not conftest.py) so that tests import it like any other code.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml

from generator import routes
from generator.cli import main as generator_main
from generator.sitesearch import site_search_documents

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Copies of shared/seeds/001 (the canonical list, mis-decoded on its way) and 003
# (the same list as a browser renders it, every character right).
SEED_LIST = FIXTURES / "seed-list-mojibake.md"
SEED_RENDERED = FIXTURES / "seed-list-rendered.txt"


def _source_files(folder: str) -> list[str]:
    """The files of ``folder`` a clean checkout has: tracked or new, never git-ignored (generated) ones."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", folder],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


def copy_project(destination: Path) -> Path:
    """Copy the project's sources (not its generated pages) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "README.md", "CONTRIBUTING.md", "pyproject.toml"):
        shutil.copy2(REPO / name, destination / name)
    shutil.copytree(REPO / "entries", destination / "entries")
    shutil.copytree(REPO / "generator", destination / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    # The lists' generated Markdown is tracked like README.md, so a copy starts from it too.
    for name in [*_source_files("docs"), *_source_files("lists")]:
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, destination / name)
    return destination


# A project of one list (entries/taxonomy.yml, records without `list`): the shipped project
# before it became a collection, kept to check that the single-list layout keeps working.
SINGLE_LIST = FIXTURES / "single-list" / "entries"


def single_list_project(destination: Path) -> Path:
    """A copy of the project whose entries/ is the single list of ``SINGLE_LIST``."""
    copy_project(destination)
    shutil.rmtree(destination / "entries")
    shutil.copytree(SINGLE_LIST, destination / "entries")
    return destination


# The curator's lists a collection project is made of in tests, in their order.
COLLECTION_LISTS = ("training", "inference", "rl")
COLLECTION_HEADER = """\
title: "NeurIPS 2025: ML Systems"
description: A curated collection of **NeurIPS 2025** papers on efficient systems for generative AI models.
"""


# The curator's slips the validator refuses, mended in the copy a test imports: the DiLoCo paper's
# second link is the ML.ENERGY Benchmark's arXiv id, which would make two records one paper.
COLLECTION_FIXES = {"training": (" | https://arxiv.org/abs/2505.06371", "")}


def collection_source(list_id: str) -> str:
    """The curator's Markdown of one list, as a collection test imports it."""
    text = (FIXTURES / "lists" / f"{list_id}.md").read_text("utf-8")
    old, new = COLLECTION_FIXES.get(list_id, ("", ""))
    return text.replace(old, new) if old else text


def collection_project(destination: Path) -> Path:
    """A copy of the project made a collection of the curator's three lists, imported by the CLI."""
    copy_project(destination)
    entries = destination / "entries"
    shutil.rmtree(entries / "papers")
    shutil.rmtree(entries / "lists")
    (entries / "collection.yml").write_text(COLLECTION_HEADER, "utf-8")
    for list_id in COLLECTION_LISTS:
        source = destination / f"{list_id}.source.md"
        source.write_text(collection_source(list_id), "utf-8")
        generator(destination, "import-markdown", str(source), "--list", list_id, "--out", str(entries))
        source.unlink()
    return destination


def run(
    args: list[str], cwd: Path, check: bool = True, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command to its end; with ``check``, fail the test with its output when it fails."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=full_env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def generator(
    root: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m generator --root ROOT ARGS`, with its exit code, stdout and stderr.

    It runs the CLI's own ``main`` in this process: the same code without half a second of
    imports per call. With ``env`` it runs in a fresh interpreter instead, the only way to
    give a run another hash seed, time zone or locale.
    """
    argv = ["--root", str(root), *args]
    if env is not None:
        return run([sys.executable, "-m", "generator", *argv], cwd=root, check=check, env=env)
    stdout, stderr = io.StringIO(), io.StringIO()
    # No terminal, as for a subprocess without one: commands never stop to prompt.
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        _stdin(io.StringIO()),
    ):
        try:
            code = generator_main(argv)
        except SystemExit as stop:  # argparse refuses bad arguments this way
            code = stop.code if isinstance(stop.code, int) else 1
    result = subprocess.CompletedProcess(
        ["python", "-m", "generator", *argv], code, stdout.getvalue(), stderr.getvalue()
    )
    if check and code != 0:
        raise AssertionError(f"{result.args} failed ({code}):\n{result.stdout}\n{result.stderr}")
    return result


@contextlib.contextmanager
def _stdin(replacement: io.StringIO) -> Iterator[None]:
    """``sys.stdin`` replaced for the block (contextlib has redirects for the other two only)."""
    saved = sys.stdin
    sys.stdin = replacement
    try:
        yield
    finally:
        sys.stdin = saved


def mkdocs_build(root: Path, site: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict` of the project at ``root`` into ``site`` (default root/site)."""
    site = site or root / "site"
    return run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        cwd=root,
        check=check,
    )


def search_index_of(site: Path) -> dict:
    """A built site's search index as the site's search worker ends up with it: the index's settings, and
    every search document of the site, the papers' too, wherever the build put them."""
    index = json.loads((site / routes.SEARCH_INDEX).read_text("utf-8"))
    return {**index, "docs": site_search_documents(site)}


# The configuration Material's page reads, which names the search worker's address.
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)


def worker_papers_address(site: Path, page: str) -> str | None:
    """The address the search worker of the built ``page`` (a path in ``site``) fetches the papers' search documents
    from, as a path from the site's root; None when its address names none."""
    config = json.loads(_CONFIG.search((site / page).read_text("utf-8")).group(1))
    worker = urljoin(f"http://site.test/{page}", config["search"])
    papers = parse_qs(urlsplit(worker).query).get("papers")
    return urlsplit(urljoin(worker, papers[0])).path.removeprefix("/") if papers else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for a test's own server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# What LaTeX prints for each escape the BibTeX export writes. Written out here because
# neither pybtex's LaTeX reader nor latexcodec knows \textbraceleft{}, \textbackslash{} or \$.
LATEX_TEXT = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\%": "%",
    r"\&": "&",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
_LATEX_ESCAPE = re.compile("|".join(re.escape(command) for command in LATEX_TEXT))


def latex_text(value: str) -> str:
    """A BibTeX field value as the text LaTeX prints: the export's escapes undone, in one pass."""
    return _LATEX_ESCAPE.sub(lambda match: LATEX_TEXT[match.group()], value)


def require(installed: bool, reason: str, needed_on_ci: str) -> None:
    """Skip with ``reason`` when a tool is missing; on CI (``CI=true``) its absence is a failure."""
    if installed:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; {needed_on_ci}")
    pytest.skip(reason)


# Each passed the old validator and ran script, or covered the page, through SuperFences and attr_list.
PAYLOAD = '<img src=x onerror="document.title=1">'
HOSTILE_MARKDOWN = [
    # A backslash-escaped backtick: Markdown shows it as a character, so the "code span" after it is HTML.
    f"Fast \\`{PAYLOAD}` training.",
    # A code span cannot cross a blank line: Markdown ends the paragraph first.
    f"Look at `this\n\n{PAYLOAD}` closely.",
    # A fenced block, whose braces SuperFences with attr_list turns into attributes.
    '```{ .x onfocus="document.title=1" autofocus tabindex="1" }\ncode\n```',
    '```{ style="position:fixed;inset:0;z-index:9" }\noverlay\n```',
    "~~~{ onclick=document.title=1 }\nx\n~~~",
    # Double backticks mixed with escaped ones.
    f"\\``{PAYLOAD}`` and \\`` `x` ``",
    f"``a \\`` {PAYLOAD} ``",
    # Block constructs a summary must not make.
    "# Heading\n\n---\n\n!!! note\n    admonition\n\n[TOC]\n\n| a | b |\n|---|---|\n| c | d |",
    '<div markdown="1">*x*</div> {: onclick="x" } [a](javascript:document.title=1){ onclick="x" }',
]


def hostile_project(root: Path) -> list[str]:
    """Put hostile texts in summaries, key results, the collection's and a list's texts; return the touched files."""
    papers = sorted((root / "entries" / "papers").glob("*.yaml"))[: len(HOSTILE_MARKDOWN)]
    for path, text in zip(papers, HOSTILE_MARKDOWN, strict=True):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record["summary"] = text
        record["key_results"] = [text, "A plain result."]
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, fields in (("collection.yml", ("description",)), ("lists/training.yml", ("description", "overview"))):
        path = root / "entries" / name
        header = yaml.safe_load(path.read_text(encoding="utf-8"))
        header.update(dict.fromkeys(fields, "\n\n".join(HOSTILE_MARKDOWN[:3])))
        path.write_text(yaml.safe_dump(header, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [path.stem for path in papers]


def drop_refused(root: Path) -> set[str]:
    """Remove the records validate refuses (they never reach a page); return the files it refused."""
    result = generator(root, "validate", "--format", "json", check=False)
    assert "Traceback" not in result.stderr
    refused = {finding["path"] for finding in json.loads(result.stdout or "[]") if finding["severity"] == "error"}
    for path in refused:
        (root / path).unlink()
    return refused


def readme_serve_options() -> list[str]:
    """The options of the README's serve command (``mkdocs serve --dirty``), so tests serve as a reader would."""
    readme = (REPO / "README.md").read_text("utf-8")
    quickstart = readme[readme.index("### Quickstart") :]
    command = re.search(r"bin/mkdocs serve([^\n&]*)", quickstart)
    assert command is not None, "the README's Quickstart has no `mkdocs serve` command"
    return command.group(1).split()


def assert_write_error_reported(project: Path, *build_options: str) -> None:
    """Build under a file-size limit (the kernel refuses larger pages): an error line, no traceback, no temporaries."""
    result = run(
        [
            "bash",
            "-c",
            f'ulimit -f 8 && exec "{sys.executable}" -m generator --root "{project}" build {" ".join(build_options)}',
        ],
        cwd=project,
        check=False,
        env={"PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: cannot write " in result.stderr and "File too large" in result.stderr, result.stderr
    assert not [path for path in project.rglob("*.tmp")]
