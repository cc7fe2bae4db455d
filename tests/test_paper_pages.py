"""Paper pages are one raw HTML block, which the MkDocs hook hands to the theme without converting it.

The hook's shortcut is safe only if it changes nothing: Python-Markdown, set up with the real
mkdocs.yml's extensions, must give back every paper page's body as it is, hostile records
included. Their links are the built site's addresses in the build's URL style, since MkDocs
does not rewrite links in raw HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
import yaml
from mkdocs.config import load_config

from generator import routes
from generator.audit import audit_search_index
from generator.build import Project, generate
from generator.exports import SEARCH_SUMMARY_WORDS
from generator.mkdocs_hook import PAPER_BODY
from helpers import HOSTILE_MARKDOWN, copy_project, drop_refused, generator, hostile_project


def _bodies(root: Path) -> dict[str, str]:
    """Each paper page's Markdown after its front matter, as MkDocs gives it to the hook."""
    pages = sorted((root / "docs" / "papers").glob("*.md"))
    assert pages
    return {page.name: page.read_text("utf-8").split("---\n", 2)[2].strip() for page in pages}


def _site_markdown(root: Path) -> markdown.Markdown:
    config = load_config(str(root / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def _assert_passed_through(root: Path) -> None:
    converter = _site_markdown(root)
    for name, body in _bodies(root).items():
        assert body.startswith(PAPER_BODY[0]) and body.endswith(PAPER_BODY[1]), name
        assert converter.reset().convert(body) == body, name


def test_python_markdown_gives_every_paper_page_back_unchanged(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    generator(root, "build")
    _assert_passed_through(root)


def test_hostile_paper_pages_pass_through_unchanged_too(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    hostile_project(root)
    drop_refused(root)
    generator(root, "build")
    bodies = "\n".join(_bodies(root).values())
    # The hostile texts reached the pages (escaped or sanitised), so the check below saw them.
    assert "onerror" in bodies and len(HOSTILE_MARKDOWN) > 3
    _assert_passed_through(root)


def test_paper_links_follow_the_build_url_style(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    generator(root, "build")
    page = root / "docs" / "papers" / "acco.md"
    hosted = page.read_text("utf-8")
    assert 'href="../../authors/?name=' in hosted and re.search(r'href="\.\./[\w-]+/"', hosted)
    offline = generate(Project(root, directory_urls=False))
    assert "docs/papers/acco.md" in offline.report.written
    text = page.read_text("utf-8")
    assert 'href="../authors.html?name=' in text and re.search(r'href="[\w-]+\.html"', text)
    assert '/"' not in re.sub(r'href="https?://[^"]*"', "", text.split("---\n", 2)[2])
    # The cache knows the two styles apart: the hosted build after an offline one writes its pages back.
    again = generate(Project(root))
    assert "docs/papers/acco.md" in again.report.written
    assert page.read_text("utf-8") == hosted


def test_search_documents_are_audited_as_html(tmp_path: Path):
    planted = '{"docs": [{"location": "papers/x/", "title": "<img src=x onerror=alert(1)>", "text": "fine"}]}'
    assert audit_search_index(planted)
    escaped = '{"docs": [{"location": "papers/x/", "title": "&lt;img src=x onerror=alert(1)&gt;", "text": "fine"}]}'
    assert audit_search_index(escaped) == []
    # The hosted site's papers' documents, a list beside the index, which Material inserts as HTML too.
    papers = routes.url(routes.SEARCH_DOCS)
    found = audit_search_index('[{"location": "papers/x/", "title": "t", "text": "<script>x</script>"}]', papers)
    assert found and found[0].path.startswith(f"{papers} (document 1, papers/x/)")
    assert audit_search_index('[{"location": "papers/x/", "title": "t", "text": "&lt;script&gt;"}]', papers) == []
    assert audit_search_index(escaped, papers), "an index where the papers' list belongs is not read as one"


@pytest.mark.parametrize("style", [True, False])
def test_search_documents_locate_each_paper_page(tmp_path: Path, style: bool):
    root = copy_project(tmp_path / "project")
    generate(Project(root, directory_urls=style))
    documents = json.loads((root / "docs" / "papers-search.json").read_text("utf-8"))
    pages = {page.stem for page in (root / "docs" / "papers").glob("*.md")}
    suffix = "/" if style else ".html"
    assert sorted(doc["location"] for doc in documents) == sorted(f"papers/{stem}{suffix}" for stem in pages)
    assert all(doc["title"] and doc["text"] for doc in documents)


def test_search_holds_the_opening_of_a_long_summary(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    record = root / "entries" / "papers" / "arnold.yaml"
    words = [f"word{number}" for number in range(1, 201)]
    data = yaml.safe_load(record.read_text("utf-8"))
    data["summary"] = " ".join(words) + "."
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    generator(root, "build")
    documents = json.loads((root / "docs" / "papers-search.json").read_text("utf-8"))
    text = next(doc["text"] for doc in documents if doc["location"] == "papers/arnold/")
    assert f"{words[SEARCH_SUMMARY_WORDS - 1]} …" in text and words[SEARCH_SUMMARY_WORDS] not in text
