"""The GitHub workflows, pull-request template and issue form are valid and point at real commands."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from generator.schemas import PAPER, schema
from generator.views import COLLECTION_FIELDS
from helpers import REPO, generator

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# The pull request's validation: errors annotated, warnings for the files it changes (HEAD^1 is
# the base of the merge commit actions/checkout checks out for a pull request).
VALIDATE = "python -m generator validate --format github --changed-since HEAD^1"
ISSUE_FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"


def _check_jsonschema(schema: str, *files):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )


def _workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    return {name: None for name in triggers} if isinstance(triggers, list) else dict(triggers)


def test_workflows_match_githubs_schema():
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "deploy.yml", "refresh-generated.yml"}
    result = _check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_form_matches_githubs_schema():
    result = _check_jsonschema("vendor.github-issue-forms", ISSUE_FORM)
    assert result.returncode == 0, result.stdout + result.stderr


def _zizmor(*options: str) -> subprocess.CompletedProcess:
    # zizmor ships as a binary in the environment's scripts folder, not as a module.
    zizmor = str(Path(sysconfig.get_path("scripts")) / "zizmor")
    return subprocess.run(
        [zizmor, "--offline", *options, str(REPO / ".github" / "workflows")], capture_output=True, text=True
    )


def test_zizmor_finds_nothing_at_medium_or_above():
    result = _zizmor("--min-severity", "medium")
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_even_as_an_auditor():
    """The strictest persona, low-confidence findings included; one reasoned exception below."""
    result = _zizmor("--persona", "auditor")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_only_zizmor_exception_is_the_pushing_jobs_credentials():
    """`zizmor: ignore` is allowed only on `persist-credentials: true`, in a job that must push."""
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if "zizmor:" in line:
                assert line.strip() == "persist-credentials: true # zizmor: ignore[artipacked]", (path.name, number)
    for name, job_name, job, step in _checkouts():
        assert step.get("with", {}).get("persist-credentials") is _can_push(job), (name, job_name)


def _steps():
    for path in WORKFLOWS:
        workflow = _workflow(path)
        for job_name, job in workflow["jobs"].items():
            for step in job["steps"]:
                yield path.name, job_name, step


def _can_push(job: dict) -> bool:
    return job["permissions"].get("contents") == "write"


def _checkouts():
    for path in WORKFLOWS:
        for job_name, job in _workflow(path)["jobs"].items():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    yield path.name, job_name, job, step


def test_actions_are_pinned_by_full_sha_with_a_version_comment():
    for path in WORKFLOWS:
        for line in path.read_text("utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d", line), (path.name, line)


def test_no_pull_request_target_and_no_event_text_in_scripts():
    for path in WORKFLOWS:
        text = path.read_text("utf-8")
        assert "pull_request_target" not in text, path.name
    for name, job, step in _steps():
        assert "${{" not in step.get("run", ""), (name, job, step["run"])


# Every write a job may hold, by workflow and job: anything else reads at most.
WRITES = {
    ("deploy.yml", "deploy"): {"pages", "id-token"},
    ("refresh-generated.yml", "refresh"): {"contents"},
}


def test_every_job_has_least_privilege_permissions():
    for path in WORKFLOWS:
        workflow = _workflow(path)
        assert workflow["permissions"] == {}, path.name
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, (path.name, job_name)
            assert set(job["permissions"].values()) <= {"read", "write"}
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes == WRITES.get((path.name, job_name), set()), (path.name, job_name, writes)


def test_jobs_that_write_never_run_pull_request_code():
    """Write access only on pushes to main and runs by hand: never on a pull request's event."""
    for path in WORKFLOWS:
        workflow = _workflow(path)
        if not any(level == "write" for job in workflow["jobs"].values() for level in job["permissions"].values()):
            continue
        triggers = _triggers(workflow)
        assert set(triggers) <= {"push", "workflow_dispatch"}, (path.name, set(triggers))
        if "push" in triggers:
            assert triggers["push"] == {"branches": ["main"]}, path.name


def test_the_refresh_workflow_cannot_loop_or_race():
    path = REPO / ".github" / "workflows" / "refresh-generated.yml"
    workflow = _workflow(path)
    # Runs queue one behind the other, never cancelled halfway through a push.
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "${{" not in workflow["concurrency"]["group"], "one group for every run, whatever the ref"
    (job,) = workflow["jobs"].values()
    assert "github.actor != 'github-actions[bot]'" in job["if"]
    assert "github.ref == 'refs/heads/main'" in job["if"]
    script = (REPO / ".ci" / "refresh-generated").read_text("utf-8")
    assert "[skip ci]" in script and "git diff --quiet" in script
    assert job["steps"][-1]["run"] == "bash .ci/refresh-generated"


def test_pull_requests_are_not_failed_for_stale_generated_files():
    """Contributors edit records only: no pull-request workflow runs `build --check`."""
    for path in WORKFLOWS:
        workflow = _workflow(path)
        if "pull_request" not in _triggers(workflow):
            continue
        commands = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
        assert not any("build --check" in command for command in commands), path.name
        assert VALIDATE in commands, path.name
        assert "mkdocs build --strict" in commands and "python -m generator audit site" in commands, path.name
        assert "bash .ci/preview-generated" in commands, path.name


def test_the_validating_job_checks_out_the_base_it_compares_with():
    """`--changed-since HEAD^1` needs the merge commit's parents: a depth-1 checkout has none."""
    jobs = [job for path in WORKFLOWS for job in _workflow(path)["jobs"].values()]
    validating = [job for job in jobs if any(step.get("run") == VALIDATE for step in job["steps"])]
    assert validating
    for job in validating:
        (checkout,) = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@")]
        assert checkout["with"].get("fetch-depth") in (0, 2), checkout


def test_workflows_that_run_mkdocs_turn_off_materials_notice():
    """Material prints a nine-line end-of-life notice on every MkDocs run unless told not to."""
    for path in WORKFLOWS:
        workflow = _workflow(path)
        for job_name, job in workflow["jobs"].items():
            for step in job["steps"]:
                if step.get("run", "").startswith("mkdocs"):
                    env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                    assert env.get("NO_MKDOCS_2_WARNING") == "1", (path.name, job_name, step["run"])
    assert "export NO_MKDOCS_2_WARNING=1" in (REPO / ".ci" / "run").read_text("utf-8")


@pytest.mark.parametrize("command", sorted({step["run"] for _, _, step in _steps() if "run" in step}))
def test_every_command_a_workflow_runs_exists(command: str):
    for part in command.split("&&"):
        words = shlex.split(part)
        if words[0] == "sudo":
            assert words[1] == "apt-get", part
            continue
        if words[:3] == ["python", "-m", "generator"]:
            # argparse answers --help for a command it has and refuses one it does not.
            assert generator(REPO, words[3], "--help", check=False).returncode == 0, part
        elif words[:3] == ["python", "-m", "pip"]:
            assert words[3:5] == ["install", "-e"], part
        elif words[0] == "bash":
            assert (REPO / words[1]).is_file(), part
        elif words[0] == "mkdocs":
            assert words[1] in {"build", "serve"} and (REPO / "mkdocs.yml").is_file(), part
        else:
            pytest.fail(f"unrecognised command in a workflow: {part}")


def test_issue_form_fields_mirror_the_record_schema():
    form = yaml.safe_load(ISSUE_FORM.read_text("utf-8"))
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    properties = schema(PAPER)["properties"]
    assert set(fields) <= set(properties)
    # Bookkeeping fields a maintainer sets when turning the issue into a record, and a collection's placements.
    bookkeeping = {"position", "added", "authors_et_al", "author_affiliations", "organisations"}
    assert set(properties) - set(fields) == bookkeeping | COLLECTION_FIELDS
    for name in schema(PAPER)["required"]:
        assert fields[name]["validations"]["required"] is True, name
    presentation = fields["presentation"]["attributes"]["options"]
    assert presentation == properties["presentation"]["enum"]


def test_pull_request_template_has_a_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text("utf-8")
    assert text.count("- [ ]") >= 5 and "python -m generator validate" in text
