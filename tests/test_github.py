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
from helpers import REPO, generator

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ISSUE_FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"


def _check_jsonschema(schema: str, *files):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )


def test_workflows_match_githubs_schema():
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "deploy.yml"}
    result = _check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_form_matches_githubs_schema():
    result = _check_jsonschema("vendor.github-issue-forms", ISSUE_FORM)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_medium_or_above():
    # zizmor ships as a binary in the environment's scripts folder, not as a module.
    zizmor = str(Path(sysconfig.get_path("scripts")) / "zizmor")
    result = subprocess.run(
        [zizmor, "--offline", "--min-severity", "medium", str(REPO / ".github" / "workflows")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _steps():
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text("utf-8"))
        for job_name, job in workflow["jobs"].items():
            for step in job["steps"]:
                yield path.name, job_name, step


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


def test_every_job_has_least_privilege_permissions():
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text("utf-8"))
        assert workflow["permissions"] == {}, path.name
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, (path.name, job_name)
            assert set(job["permissions"].values()) <= {"read", "write"}
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes <= {"pages", "id-token"}, (path.name, job_name, writes)


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
    # Bookkeeping fields a maintainer sets when turning the issue into a record.
    assert set(properties) - set(fields) == {"position", "added", "authors_et_al", "author_affiliations"}
    for name in schema(PAPER)["required"]:
        assert fields[name]["validations"]["required"] is True, name
    presentation = fields["presentation"]["attributes"]["options"]
    assert presentation == properties["presentation"]["enum"]


def test_pull_request_template_has_a_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text("utf-8")
    assert text.count("- [ ]") >= 5 and "python -m generator validate" in text
