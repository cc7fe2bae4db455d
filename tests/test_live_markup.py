"""No record can put live markup into the site, the offline export or the single-file export.

Hostile records go through the real pipeline: the generator, the real ``mkdocs.yml``
(SuperFences, attribute lists, HTML in Markdown) and a real ``mkdocs build --strict``.
Then the output is audited, not the input: ``python -m generator audit`` looks at every
HTML file for scripts, styles, event handlers and script URLs that neither the theme
nor the project's own assets put there.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import routes
from generator.audit import audit_html
from generator.escape import RECORD_TAGS, record_html
from helpers import HOSTILE_MARKDOWN, PAYLOAD, copy_project, drop_refused, generator, hostile_project, mkdocs_build


def _audit(root: Path, target: Path) -> list[str]:
    result = generator(root, "audit", str(target), check=False)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    touched = hostile_project(root)
    refused = drop_refused(root)
    accepted = [stem for stem in touched if f"entries/papers/{stem}.yaml" not in refused]
    (root / "hostile-ids.txt").write_text("\n".join(accepted), encoding="utf-8")
    return root


def _visible_text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_most_hostile_records_pass_validation(hostile: Path):
    # Safety comes from the output, not from a validator that guesses what Markdown will do.
    accepted = (hostile / "hostile-ids.txt").read_text(encoding="utf-8").split()
    assert len(accepted) >= len(HOSTILE_MARKDOWN) // 2


@pytest.mark.slow
def test_site_from_hostile_records_has_no_live_markup(hostile: Path):
    mkdocs_build(hostile)
    assert _audit(hostile, hostile / "site") == []
    # Nothing is lost: the hostile text is shown to the reader as text.
    first = (hostile / "hostile-ids.txt").read_text(encoding="utf-8").split()[0]
    assert PAYLOAD in _visible_text(hostile / "site" / "papers" / first / "index.html")


@pytest.mark.slow
def test_exports_from_hostile_records_have_no_live_markup(hostile: Path, tmp_path: Path):
    single = tmp_path / "list.html"
    generator(hostile, "export-offline", str(single), "--single-file")
    assert _audit(hostile, single) == []
    assert PAYLOAD in _visible_text(single)
    offline = tmp_path / "offline"
    generator(hostile, "export-offline", str(offline))
    assert _audit(hostile, offline) == []


def test_audit_finds_what_a_hostile_page_would_run(tmp_path: Path):
    """The audit itself: each kind of live markup is a finding, and theme-like markup is not."""
    page = (
        "<p>ok</p><script>alert(1)</script><style>body{}</style><img src=x onerror=alert(1)>"
        '<a href=" jav&#x09;ascript:alert(1)">x</a><div style="position:fixed"></div>'
        '<iframe srcdoc="x"></iframe><meta http-equiv="refresh" content="0;url=https://x">'
        '<script type="application/json" id="other">{}</script><td style="text-align: right;">1</td>'
    )
    found = [finding.what for finding in audit_html(page, "p.html")]
    assert len(found) == 9, found
    assert any("onerror" in what for what in found)
    assert any("javascript" in what.replace("&#x09;", "").replace("\t", "") or "script URL" in what for what in found)
    assert not any("text-align" in what for what in found)


# Random Markdown built from the pieces that broke the old escaping.
PIECES = [
    "`",
    "``",
    "```",
    "~~~",
    "\\",
    "\\`",
    "{",
    "}",
    "{: ",
    " onclick=x ",
    ' style="position:fixed" ',
    "autofocus",
    "\n",
    "\n\n",
    "    ",
    "- ",
    "1. ",
    "> ",
    "# ",
    "<",
    ">",
    "<b>",
    "</div>",
    "<script>x</script>",
    PAYLOAD,
    "[a](https://example.org)",
    "[b](javascript:x)",
    "![i](https://e.x/i.png)",
    "*",
    "_",
    "&",
    "&#96;",
    "|",
    "!!! ",
]
markdown_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), min_size=1, max_size=12).map("".join)


@settings(deadline=None)
@given(text=markdown_text)
def test_record_html_keeps_only_the_allowed_tags(text: str):
    html_text = record_html(text)
    assert "\n" not in html_text and "`" not in html_text and "{" not in html_text
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html_text))
    assert tags <= RECORD_TAGS, (text, html_text)
    assert audit_html(html_text, "fragment") == []
    for href in re.findall(r'href="([^"]*)"', html_text):
        assert href.startswith(("https://", "http://", "mailto:")), href


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts=st.lists(markdown_text, min_size=12, max_size=12))
def test_random_markdown_through_the_real_build_has_no_live_markup(texts: list[str], tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    papers = sorted((root / "entries" / "papers").glob("*.yaml"))
    for index, text in enumerate(texts):
        path = papers[index]
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record["summary" if index % 2 else "key_results"] = text if index % 2 else [text]
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # What validate refuses never reaches a page; what it accepts must come out inert.
    drop_refused(root)
    mkdocs_build(root)
    assert _audit(root, root / "site") == []


def test_shipped_site_has_no_live_markup(built_site: Path):
    root = built_site.parent
    assert _audit(root, built_site) == []


def test_audit_reads_the_papers_search_documents_beside_the_index(built_site: Path, tmp_path: Path):
    """The hosted site's worker fetches the papers' documents apart from the index; Material inserts them as HTML."""
    site = shutil.copytree(built_site, tmp_path / "site")
    papers = site / routes.url(routes.SEARCH_DOCS)
    documents = json.loads(papers.read_text(encoding="utf-8"))
    documents[1]["text"] += PAYLOAD
    papers.write_text(json.dumps(documents), encoding="utf-8")
    found = _audit(built_site.parent, site)
    assert found and all(routes.url(routes.SEARCH_DOCS) in line for line in found), found
    assert documents[1]["location"] in found[0] and "onerror" in found[0]
    # A file the worker could not read is a finding too, not a pass.
    papers.write_text(json.dumps({"docs": documents}), encoding="utf-8")
    assert len(_audit(built_site.parent, site)) == 1
