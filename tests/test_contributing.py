"""The contributor's path, end to end, as the workflows run it.

A record added the way CONTRIBUTING.md says (one YAML file written by hand, as GitHub's
web editor would, no local build) passes the pull-request workflow; a broken one fails
it; after the merge, the refresh workflow commits the regenerated files, once.

The workflows are played from their own YAML, in a fresh `git clone` of this repository,
so only committed work is tested. How each step is played:

- `uses:` steps are skipped: the clone stands for actions/checkout, this interpreter
  (first on PATH as `python`) for actions/setup-python, and upload-artifact checks nothing.
- Install steps (`python -m pip install …`, `sudo apt-get …`) are skipped when every
  dependency in the clone's pyproject.toml is installed here; PYTHONPATH then points at
  the clone, which is what `pip install -e .` achieves, without repointing this shared
  environment's editable install. When a dependency is missing, the test is skipped.
- Every other `run:` goes through bash as GitHub's runner calls it
  (`bash --noprofile --norc -eo pipefail`), in the clone, with the workflow's, job's
  and step's `env:`, $GITHUB_STEP_SUMMARY a file, and the job stops at its first failure.
- CI's test job runs the whole test suite, this file included, so playing it would
  recurse; test_the_job_left_out_only_runs_the_test_suite pins down that it does nothing
  else.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mkdocs.config import load_config

from generator.convert import parse_index
from generator.importer import import_markdown
from helpers import REPO, copy_project, free_port, run, single_list_project

NEW_ID = "tidy-gradients"
NEW_TITLE = "Tidy Gradients: A Record Added in the Web Editor"
# Written by hand from an existing record, as CONTRIBUTING.md's first step says.
NEW_RECORD = f"""\
# yaml-language-server: $schema=../../generator/schema/paper.schema.json
title: '{NEW_TITLE}'
list: training
category: {{category}}
authors:
- Ada Example
- Grace Sample
venue: NeurIPS
year: 2025
links:
- label: arXiv:{{arxiv}}
  url: https://arxiv.org/abs/{{arxiv}}
summary: Keeps gradients tidy. Written by hand, as GitHub's web editor would.
"""
KNOWN_CATEGORY = "systems/memory-efficient-training"
UNKNOWN_CATEGORY = "systems/no-such-subsection"
BOT = "github-actions[bot]"
INSTALL_COMMAND = re.compile(r"^(?:python -m pip install|sudo apt-get)\b")
# What CI's test job may hold: installs, and the README's test command.
SUITE_COMMAND = "bash .ci/run"
PREVIEW = "bash .ci/preview-generated"
# Git without the machine's own settings (hooks, signing, templates): as on a fresh runner.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


def git(cwd: Path, *args: str) -> str:
    return run(["git", *args], cwd=cwd, env=GIT_ENV).stdout.strip()


def commit_as_contributor(clone: Path, message: str) -> str:
    git(clone, "add", "--all")
    git(clone, "-c", "user.name=A Contributor", "-c", "user.email=contributor@example.org", "commit", "-qm", message)
    return git(clone, "rev-parse", "HEAD")


def fresh_clone(tmp_path: Path, name: str = "clone") -> Path:
    """This repository's committed state, as a checkout on a runner sees it."""
    clone = tmp_path / name
    git(tmp_path, "clone", "--quiet", str(REPO), str(clone))
    return clone


def add_record_by_hand(
    clone: Path, category: str, paper_id: str = NEW_ID, title: str = NEW_TITLE, arxiv: str = "2501.09999"
) -> Path:
    record = clone / "entries" / "papers" / f"{paper_id}.yaml"
    assert not record.exists()
    record.write_text(NEW_RECORD.format(category=category, arxiv=arxiv).replace(NEW_TITLE, title), encoding="utf-8")
    return record


# --- playing a workflow -------------------------------------------------------------


@dataclass
class Step:
    name: str
    command: str
    result: subprocess.CompletedProcess

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr


def load_workflow(clone: Path, name: str) -> dict:
    return yaml.safe_load((clone / ".github" / "workflows" / name).read_text("utf-8"))


def triggers(workflow: dict) -> set[str]:
    # YAML 1.1 reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    return set(on) if isinstance(on, list | dict) else {on}


def literal_env(*scopes: dict) -> dict[str, str]:
    env: dict[str, str] = {}
    for scope in scopes:
        for key, value in (scope.get("env") or {}).items():
            assert "${{" not in str(value), f"cannot evaluate the expression in env {key}: {value}"
            env[key] = str(value)
    return env


def require_dependencies(clone: Path) -> None:
    """Skip, rather than install into the shared environment, when a dependency is missing."""
    project = tomllib.loads((clone / "pyproject.toml").read_text("utf-8"))["project"]
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group()
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{name} is not installed; the workflow's install step would need the network")


def runner_env(clone: Path, summary: Path, *scopes: dict) -> dict[str, str]:
    bin_dir = summary.parent / "bin"
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"
    if not python.exists():
        # A wrapper, not a symlink: Python finds its virtual environment from the path it is started by.
        python.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n', encoding="utf-8")
        python.chmod(0o755)
    scripts = Path(sys.executable).parent
    return {
        **os.environ,
        **GIT_ENV,
        "PATH": os.pathsep.join([str(bin_dir), str(scripts), os.environ.get("PATH", "")]),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(clone), os.environ.get("PYTHONPATH")])),
        "GITHUB_STEP_SUMMARY": str(summary),
        "NO_MKDOCS_2_WARNING": "1",
        **literal_env(*scopes),
    }


def play_job(clone: Path, workflow: dict, job: dict, summary: Path) -> list[Step]:
    """Run a job's `run:` steps in order; like GitHub, stop after the first that fails."""
    steps: list[Step] = []
    for step in job["steps"]:
        if "uses" in step:
            continue
        assert "if" not in step, f"cannot evaluate the condition of step {step.get('name')!r}"
        command = step["run"]
        if INSTALL_COMMAND.match(command):
            require_dependencies(clone)
            continue
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
            cwd=clone / step.get("working-directory", "."),
            env=runner_env(clone, summary, workflow, job, step),
            capture_output=True,
            text=True,
            timeout=900,
        )
        steps.append(Step(step.get("name", command), command, result))
        if result.returncode != 0:
            break
    return steps


def pull_request_jobs(clone: Path) -> dict[str, tuple[dict, dict]]:
    """Every job of every workflow a pull request starts, but the one that runs this suite."""
    jobs = {}
    for path in sorted((clone / ".github" / "workflows").glob("*.yml")):
        workflow = load_workflow(clone, path.name)
        if "pull_request" not in triggers(workflow):
            continue
        for name, job in workflow["jobs"].items():
            if not runs_the_test_suite(job):
                jobs[f"{path.name}:{name}"] = (workflow, job)
    return jobs


def runs_the_test_suite(job: dict) -> bool:
    return any(step.get("run") == SUITE_COMMAND for step in job["steps"])


def play_pull_request(clone: Path, tmp_path: Path) -> dict[str, tuple[list[Step], str]]:
    """Each pull-request job's steps and its job summary, each job from the same checkout state."""
    outcome = {}
    for index, (name, (workflow, job)) in enumerate(pull_request_jobs(clone).items()):
        # Every job starts from the pull request's commit, as on separate runners.
        git(clone, "reset", "--quiet", "--hard")
        git(clone, "clean", "-q", "-d", "--force", "-x")
        summary = tmp_path / f"runner-{index}" / "summary.md"
        summary.parent.mkdir()
        summary.touch()
        outcome[name] = (play_job(clone, workflow, job, summary), summary.read_text("utf-8"))
    return outcome


def play_refresh(clone: Path, tmp_path: Path, label: str) -> list[Step]:
    workflow = load_workflow(clone, "refresh-generated.yml")
    (job,) = workflow["jobs"].values()
    summary = tmp_path / f"refresh-{label}" / "summary.md"
    summary.parent.mkdir()
    return play_job(clone, workflow, job, summary)


def assert_green(steps: list[Step], job: dict) -> None:
    expected = [step for step in job["steps"] if "run" in step and not INSTALL_COMMAND.match(step["run"])]
    assert len(steps) == len(expected), "a step failed:\n" + "\n".join(f"{s.name}:\n{s.output}" for s in steps[-1:])
    for step in steps:
        assert step.result.returncode == 0, f"{step.name}:\n{step.output}"


# --- the pull request ---------------------------------------------------------------


def test_the_job_left_out_only_runs_the_test_suite():
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text("utf-8"))
        for job in workflow["jobs"].values():
            if runs_the_test_suite(job):
                commands = [step["run"] for step in job["steps"] if "run" in step]
                assert [c for c in commands if not INSTALL_COMMAND.match(c)] == [SUITE_COMMAND], path.name


def test_contributing_asks_for_a_record_and_nothing_generated():
    """The steps the clone tests below follow: a hand-written file, a pull request, no build."""
    text = " ".join((REPO / "CONTRIBUTING.md").read_text("utf-8").split())
    steps = text[text.index("## Add a paper") : text.index("## Choosing")]
    assert "create a file in `entries/papers/`" in steps and "name it `<id>.yaml`" in steps
    assert "**Open a pull request** with the record, and nothing else." in steps
    assert "generator build" not in steps


@pytest.mark.slow
def test_a_record_added_by_hand_passes_the_pull_request_workflow(tmp_path: Path):
    clone = fresh_clone(tmp_path)
    add_record_by_hand(clone, KNOWN_CATEGORY)
    commit_as_contributor(clone, f"Add {NEW_TITLE}")
    # The contributor ran nothing: the committed list does not hold the paper yet.
    assert NEW_TITLE not in (clone / "lists" / "training.md").read_text("utf-8")

    outcome = play_pull_request(clone, tmp_path)
    assert outcome, "no workflow runs on pull requests"
    for name, (steps, _) in outcome.items():
        _, job = pull_request_jobs(clone)[name]
        assert_green(steps, job)

    commands = {step.command: step for steps, _ in outcome.values() for step in steps}
    assert {"python -m generator validate --format github --changed-since HEAD^1", "mkdocs build --strict"} <= set(
        commands
    )
    assert "0 pieces of live markup" in commands["python -m generator audit site"].output
    # The list's own warnings are counted, not annotated on a pull request that did not cause them.
    validation = commands["python -m generator validate --format github --changed-since HEAD^1"].result
    assert "::warning" not in validation.stdout
    assert re.search(r"0 errors, \d+ warnings: run `python -m generator validate --verbose`", validation.stderr)
    # The job summary shows what the merge regenerates, with the new paper in its list's diff.
    (summary,) = [summary for _, summary in outcome.values() if "Generated files after the merge" in summary]
    assert re.search(r"lists/training\.md +\| +\d+ \+", summary)
    assert f"+#### {NEW_TITLE}" in summary


@pytest.mark.slow
def test_a_record_with_an_unknown_category_fails_the_pull_request_workflow(tmp_path: Path):
    clone = fresh_clone(tmp_path)
    add_record_by_hand(clone, UNKNOWN_CATEGORY)
    commit_as_contributor(clone, f"Add {NEW_TITLE}")

    outcome = play_pull_request(clone, tmp_path)
    for name, (steps, _) in outcome.items():
        assert steps[-1].result.returncode != 0, f"{name} passed a record with an unknown category"
    validation = [steps[-1] for steps, _ in outcome.values() if steps[-1].command.startswith("python -m generator val")]
    assert validation, "no job failed at its validation step"
    # The annotation GitHub shows on the pull request's diff, at the record's category line.
    line = NEW_RECORD.splitlines().index("category: {category}") + 1
    assert re.search(
        rf"^::error file=entries/papers/{NEW_ID}\.yaml,line={line},col=\d+::.*{UNKNOWN_CATEGORY}",
        validation[0].result.stdout,
        re.MULTILINE,
    ), validation[0].output


@pytest.mark.slow
def test_the_summary_keeps_the_whole_diff_inside_its_fence(tmp_path: Path):
    """The README's diff goes into the job summary's Markdown: nothing in it may close the fence.

    The pull request rewords the README's Quickstart, between two code blocks, so the diff's
    context lines show a bare fence; its record holds longer runs of backticks too.
    """
    clone = fresh_clone(tmp_path)
    record = add_record_by_hand(clone, KNOWN_CATEGORY)
    backticks = 'summary: "Runs ```` and ``````` of backticks."\n'
    record.write_text(re.sub(r"^summary: .*\n", backticks, record.read_text("utf-8"), flags=re.M), encoding="utf-8")
    template = clone / "generator" / "templates" / "readme_project.md.j2"
    old = "Set up and run the whole test suite, every tier (what CI runs):"
    assert old in template.read_text("utf-8")
    template.write_text(template.read_text("utf-8").replace(old, "Set up and run every test:"), encoding="utf-8")
    commit_as_contributor(clone, "Add a record, reword the Quickstart")

    summary = tmp_path / "runner" / "summary.md"
    summary.parent.mkdir()
    workflow = load_workflow(clone, "ci.yml")
    (job,) = [job for job in workflow["jobs"].values() if PREVIEW in (step.get("run") for step in job["steps"])]
    assert_green(play_job(clone, workflow, job, summary), job)

    text = summary.read_text("utf-8")
    assert re.search(r"^ ```$", text, re.M), "the diff no longer shows a bare fence; the test proves nothing"
    tokens = MarkdownIt("commonmark").parse(text)
    (diff,) = [token for token in tokens if token.type == "fence" and token.info == "diff"]
    assert "+Set up and run every test:" in diff.content and "Runs ```` and ``````` of backticks." in diff.content
    # After the diff's fence, only the closing </details>.
    assert [token.type for token in tokens if token.map and token.map[0] >= diff.map[1]] == ["html_block"]


# --- after the merge ----------------------------------------------------------------


def merged_main(tmp_path: Path) -> tuple[Path, Path]:
    """A bare `origin` holding main, and a runner's checkout of it."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    clone = fresh_clone(tmp_path)
    git(clone, "remote", "set-url", "origin", str(origin))
    git(clone, "checkout", "--quiet", "-B", "main")
    git(clone, "push", "--quiet", "origin", "main")
    return origin, clone


def remote_log(origin: Path) -> list[str]:
    return git(origin, "log", "--format=%H", "main").splitlines()


@pytest.mark.slow
def test_after_the_merge_the_refresh_workflow_commits_the_regenerated_files_once(tmp_path: Path):
    origin, clone = merged_main(tmp_path)
    add_record_by_hand(clone, KNOWN_CATEGORY)
    merge = commit_as_contributor(clone, f"Add {NEW_TITLE}")
    git(clone, "push", "--quiet", "origin", "main")

    steps = play_refresh(clone, tmp_path, "first")
    workflow = load_workflow(clone, "refresh-generated.yml")
    assert_green(steps, next(iter(workflow["jobs"].values())))
    tip = remote_log(origin)[0]
    assert tip != merge and git(origin, "rev-parse", f"{tip}^") == merge
    assert (
        git(origin, "log", "-1", "--format=%an|%s", tip)
        == f"{BOT}|Regenerate generated files from the records [skip ci]"
    )
    changed = set(git(origin, "diff", "--name-only", merge, tip).splitlines())
    assert {"README.md", "lists/training.md"} <= changed
    # Only files git already tracked: nothing the build writes under docs/ got committed.
    assert changed <= set(git(origin, "ls-tree", "-r", "--name-only", merge).splitlines())
    readme = git(origin, "show", f"{tip}:lists/training.md")
    assert f"#### {NEW_TITLE}" in readme and "[arXiv:2501.09999](https://arxiv.org/abs/2501.09999)" in readme

    # Nothing changed since: a second run commits nothing.
    again = play_refresh(clone, tmp_path, "second")
    assert all(step.result.returncode == 0 for step in again)
    assert "nothing to commit" in again[-1].output
    assert remote_log(origin)[0] == tip


@pytest.mark.slow
def test_the_refresh_regenerates_on_the_new_tip_when_main_moved_meanwhile(tmp_path: Path):
    origin, clone = merged_main(tmp_path)
    add_record_by_hand(clone, KNOWN_CATEGORY)
    commit_as_contributor(clone, f"Add {NEW_TITLE}")
    git(clone, "push", "--quiet", "origin", "main")
    # Another pull request is merged while this run is still on its old checkout.
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(origin), str(other))
    add_record_by_hand(other, KNOWN_CATEGORY, "second-paper", "Second Paper: Merged Meanwhile", "2501.09998")
    other_merge = commit_as_contributor(other, "Add Second Paper")
    git(other, "push", "--quiet", "origin", "main")

    steps = play_refresh(clone, tmp_path, "raced")
    assert steps[-1].result.returncode == 0, steps[-1].output
    assert "rejected" in steps[-1].output
    tip = remote_log(origin)[0]
    assert git(origin, "rev-parse", f"{tip}^") == other_merge
    readme = git(origin, "show", f"{tip}:lists/training.md")
    assert f"#### {NEW_TITLE}" in readme and "#### Second Paper: Merged Meanwhile" in readme


# --- what the pages say ----------------------------------------------------------------


def _plain(text: str) -> str:
    """Text as a reader sees it, whether Markdown or HTML text: no markup characters, one space."""
    return " ".join(text.replace("`", "").replace("*", "").split())


class _Element:
    def __init__(self, tag: str, parent: _Element | None) -> None:
        self.tag, self.parent, self.children, self.text = tag, parent, [], []

    def iter(self, tag: str):
        for child in self.children:
            if child.tag == tag:
                yield child
            yield from child.iter(tag)

    def text_content(self) -> str:
        return "".join(part if isinstance(part, str) else part.text_content() for part in self.text)


class _Tree(HTMLParser):
    """A small element tree of a page's main content (Material's <article>)."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: _Element | None = None
        self.current: _Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.current is None:
            if tag == "article" and self.root is None:
                self.root = self.current = _Element(tag, None)
            return
        element = _Element(tag, self.current)
        self.current.children.append(element)
        self.current.text.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        if self.current is None or tag in self.VOID:
            return
        node: _Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.text.append(data)


def contributing_page(site: Path) -> _Element:
    tree = _Tree()
    tree.feed((site / "contributing" / "index.html").read_text("utf-8"))
    assert tree.root is not None, "the Contributing page has no <article>"
    return tree.root


def test_the_contributing_page_keeps_every_step_in_one_list(built_site: Path):
    article = contributing_page(built_site)
    (steps,) = list(article.iter("ol"))
    items = [child for child in steps.children if child.tag == "li"]
    assert [_plain(item.text_content()).split(".")[0] for item in items] == [
        "Create the record",
        "Fill it in",
        "Open a pull request with the record, and nothing else",
    ]
    # Both commands sit inside their step, not after the list.
    assert len(list(items[0].iter("pre"))) == 1 and len(list(items[2].iter("pre"))) == 1
    # The whole class of the bug: no paragraph anywhere on the page holds a list marker
    # at the start of a line, which is how a list item swallowed by the text looks.
    for paragraph in article.iter("p"):
        for line in paragraph.text_content().splitlines():
            assert not re.match(r"\s*(?:\d+[.)]|[-*+])\s", line), f"a list item ran into a paragraph: {line!r}"


def test_the_contributing_pages_code_lines_fit_the_column(built_site: Path):
    for pre in contributing_page(built_site).iter("pre"):
        for line in pre.text_content().splitlines():
            assert len(line) <= 72, f"{len(line)} characters, cut off on the page: {line!r}"


def _policy() -> str:
    """The contributor policy every page repeats, from the one template that holds it."""
    template = (REPO / "generator" / "templates" / "_contributor_policy.md.j2").read_text("utf-8")
    return _plain(template.split("#}", 1)[1])


def test_contributing_readme_and_pull_request_template_say_the_same(built_site: Path):
    policy = _policy()
    assert "You edit records only" in policy and "optional but helpful" in policy
    assert "after your pull request is merged" in policy
    for path in ("CONTRIBUTING.md", "README.md", ".github/pull_request_template.md"):
        assert policy in _plain((REPO / path).read_text("utf-8")), path
    assert policy in _plain(contributing_page(built_site).text_content()), "the site's Contributing page"


def test_nothing_tells_a_contributor_to_regenerate_files():
    """What the old instructions said: that CI fails on a stale README, or not to edit it 'by hand'."""
    texts = {
        path: _plain((REPO / path).read_text("utf-8"))
        for path in ("CONTRIBUTING.md", "README.md", ".github/pull_request_template.md", "SECURITY.md")
    }
    for path, text in texts.items():
        for claim in ("CI fails when it is out of date", "by hand", "then open a pull request"):
            assert claim not in text, (path, claim)


# --- the README's pointers ------------------------------------------------------------------


def test_the_readme_opens_with_a_pointer_to_its_quickstart_and_contributing():
    readme = (REPO / "README.md").read_text("utf-8")
    top = readme[: readme.index("## Table of Contents")]
    assert "[Quickstart](#quickstart)" in top and "[CONTRIBUTING.md](CONTRIBUTING.md)" in top
    assert "\n### Quickstart\n" in readme


def test_the_readme_pointer_is_not_part_of_the_imported_list(tmp_path: Path):
    project = single_list_project(tmp_path / "project")
    run([sys.executable, "-m", "generator", "build"], cwd=project)
    imported = import_markdown((project / "README.md").read_text("utf-8"), "README.md")
    taxonomy = yaml.safe_load((project / "entries" / "taxonomy.yml").read_text("utf-8"))
    assert imported.taxonomy["description"] == taxonomy["description"]


def test_the_readme_pointer_is_not_part_of_the_imported_index(project: Path):
    run([sys.executable, "-m", "generator", "build"], cwd=project)
    index = parse_index((project / "README.md").read_text("utf-8"), "README.md")
    header = yaml.safe_load((project / "entries" / "collection.yml").read_text("utf-8"))
    assert (index.title, index.description) == (header["title"], header["description"])
    assert list(index.entries) == header["lists"]


def _quickstart_address() -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    quickstart = readme[readme.index("### Quickstart") :]
    return re.search(r"<(http://127\.0\.0\.1:8000/[^>]*)>", quickstart).group(1)


def test_the_quickstart_address_is_under_the_site_urls_path():
    site_url = load_config(str(REPO / "mkdocs.yml")).site_url
    path = re.sub(r"^https?://[^/]+", "", site_url)
    assert path not in ("", "/"), "the site is served under a path; the check below would prove nothing"
    assert _quickstart_address() == f"http://127.0.0.1:8000{path}"


@pytest.mark.slow
def test_mkdocs_serve_answers_at_the_quickstart_address(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    port = free_port()
    address = _quickstart_address().replace(":8000/", f":{port}/")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = _wait_for(address, server)
        assert "<title>" in body and "NeurIPS 2025" in body
    finally:
        server.terminate()
        server.wait(timeout=30)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _wait_for(address: str, server: subprocess.Popen) -> str:
    """The page at ``address`` once the server has built the site; any HTTP error fails at once."""
    # No proxy from the environment: the server is on this machine. And no redirects: MkDocs
    # redirects its root to the site's path, which would hide a wrong address.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "mkdocs serve exited"
        try:
            with opener.open(address, timeout=5) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{address} answered {error.code}: mkdocs serves the site elsewhere") from None
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise AssertionError(f"nothing answered at {address}")


@pytest.mark.slow
def test_a_one_record_pull_request_keeps_the_test_suite_green(tmp_path: Path):
    """CI's test job runs the suite on the pull request as it is: README not rebuilt, one record more.

    The fast tier is run in the clone; nothing in it may assume the shipped records' count,
    dates or a fresh README.
    """
    clone = fresh_clone(tmp_path)
    # Not NEW_ID: the suite in the clone adds that record itself.
    add_record_by_hand(
        clone, KNOWN_CATEGORY, paper_id="sparse-shards", title="Sparse Shards: One More Paper", arxiv="2501.08888"
    )
    commit_as_contributor(clone, "Add a record in the web editor")
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "-m", "not browser and not slow"],
        cwd=clone,
        check=False,
        timeout=900,
        # The day-to-day example counts: this run is about the data, not about more examples.
        env={"CI": "false"},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
