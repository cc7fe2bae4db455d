"""Property-based proof that record text can never become markup, whatever it holds.

Every text field of a record gets arbitrary Unicode (with the validator bypassed) and
must come out of every output as the same text: no new HTML element or attribute, no
broken Markdown structure, and exports that parse back to the same values.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import markdown
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mkdocs.config import load_config

from generator import escape
from generator.build import catalog_from
from generator.findings import Finding
from generator.load import Document, RawData
from generator.render import render_all
from helpers import REPO, latex_text

NASTY = [
    "|",
    "*",
    "_",
    "#",
    "[",
    "]",
    "<",
    ">",
    "&",
    "$",
    "`",
    "``",
    "\n",
    "\t",
    "\\",
    "{",
    "}",
    "!",
    "~",
    "{{ 1 + 1 }}",
    "{% raw %}",
    "{#",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "![i](https://t.example/p.png)",
    "&lt;b&gt;",
    "&#60;script&#62;",
    "</textarea>",
    "-->",
    "<!--",
    "{: onclick=alert(1) }",
    "\u202eevil",
    "שלום",
    "مرحبا",
    "👩‍🔬",
    "\u0000",
    "---",
    "===",
    "1. ",
    "- ",
    "> ",
    "    code",
    "\r\n",
    "%",
    '"',
    "'",
    "@",
]
text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), min_size=1, max_size=6).map("".join)
text = text.filter(lambda value: value.strip())

# The site's own Markdown configuration, read from the real mkdocs.yml: SuperFences included.
_SITE_CONFIG = load_config(str(REPO / "mkdocs.yml"))
PLAIN_FIELDS = ("title", "author", "affiliation", "label", "tag_title")
SAFE_TAGS = {"p", "em", "strong", "code", "a", "ul", "ol", "li", "br", "hr", "pre", "span"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(sorted(name for name, _ in attrs))))


def _elements(markup: str) -> list[tuple[str, tuple[str, ...]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.elements


def _catalog(field: str, value: str):
    plain = {name: "Plain" for name in PLAIN_FIELDS}
    plain[field] = value if field in PLAIN_FIELDS else "Plain"
    markdown_value = value if field in ("summary", "key_result") else "Plain summary."
    record = {
        "title": plain["title"],
        "category": "s/t",
        "authors": [plain["author"], "Second Author"],
        "affiliation": plain["affiliation"],
        "venue": "NeurIPS",
        "year": 2025,
        "links": [{"label": plain["label"], "url": "https://arxiv.org/abs/2501.00001"}],
        "summary": markdown_value,
        "key_results": [markdown_value if field == "key_result" else "Plain."],
        "tags": ["t1"],
        "added": "2025-01-01",
    }
    taxonomy = {
        "title": "List",
        "description": "Intro.",
        "sections": [{"id": "s", "title": "Section", "subsections": [{"id": "t", "title": "Sub"}]}],
    }
    tags = {"tags": [{"id": "t1", "title": plain["tag_title"], "description": "D"}]}
    raw = RawData(
        entries_dir=Path("entries"),
        taxonomy=Document(Path("entries/taxonomy.yml"), "entries/taxonomy.yml", taxonomy, ""),
        tags=Document(Path("entries/tags.yml"), "entries/tags.yml", tags, ""),
        papers=[Document(Path("entries/papers/p.yaml"), "entries/papers/p.yaml", record, "")],
    )
    return catalog_from(raw), record


def _page_html(outputs: dict[str, str], path: str) -> tuple[dict, str]:
    _, front, body = outputs[path].split("---\n", 2)
    return yaml.safe_load(front), markdown.markdown(
        body, extensions=_SITE_CONFIG.markdown_extensions, extension_configs=_SITE_CONFIG.mdx_configs
    )


BASELINE = {
    field: render_all(_catalog(field, "Plain")[0], list[Finding]())
    for field in (*PLAIN_FIELDS, "summary", "key_result")
}


@functools.cache
def _baseline_page(field: str, path: str) -> str:
    """The page's HTML when the field is plain: rendered once, not once per element compared."""
    return _page_html(BASELINE[field], path)[1]


def _structure(outputs: dict[str, str]) -> dict[str, object]:
    readme = outputs["README.md"]
    return {
        "paper": _elements(_page_html(outputs, "docs/papers/p.md")[1]),
        "subsection": _elements(_page_html(outputs, "docs/sections/s/t.md")[1]),
        "readme_headings": re.findall(r"^#{1,6} ", readme, re.M),
        "readme_bullets": len(re.findall(r"^\s*- \*\*", readme, re.M)),
    }


@functools.cache
def _baseline_structure(field: str) -> dict[str, object]:
    return _structure(BASELINE[field])


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(PLAIN_FIELDS), value=text)
# The site turns icon shortcodes into inline SVG; a title must still show its colons.
@example(field="title", value="Cups :material-trophy: and :smile: a:b:c:")
@example(field="author", value=":fontawesome-brands-github:")
def test_plain_text_fields_never_become_markup(field: str, value: str):
    catalog, record = _catalog(field, value)
    outputs = render_all(catalog, [])
    assert _structure(outputs) == _baseline_structure(field)
    front, _ = _page_html(outputs, "docs/papers/p.md")
    assert html.unescape(front["title"]) == _visible(record["title"])
    _check_exports(outputs, record)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(["summary", "key_result"]), value=text)
# An unclosed code fence once swallowed the rest of the page, Cite heading included.
@example(field="summary", value="```")
@example(field="key_result", value="~~~ never closed")
@example(field="summary", value="Won :material-trophy: and :smile:")
def test_markdown_fields_keep_only_safe_markup(field: str, value: str):
    catalog, record = _catalog(field, value)
    outputs = render_all(catalog, [])
    for path in ("docs/papers/p.md", "docs/sections/s/t.md"):
        page = _page_html(outputs, path)[1]
        baseline_page = _baseline_page(field, path)
        baseline = set(_elements(baseline_page))
        for tag, attributes in _elements(page):
            assert (tag, attributes) in baseline or (tag in SAFE_TAGS and set(attributes) <= {"href", "rel"}), (
                tag,
                value,
            )
        known = set(re.findall(r'href="([^"]*)"', baseline_page))
        for href in re.findall(r'href="([^"]*)"', page):
            assert href in known or href.startswith(("https://", "http://", "#blocked-unsafe-link")), href
        headings = re.findall(r"<h[1-6]", page)
        assert headings == re.findall(r"<h[1-6]", baseline_page), value
    _check_exports(outputs, record)


def _visible(value: str) -> str:
    """The text as pages show it: control characters dropped, white space collapsed."""
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", value).split())


def _check_exports(outputs: dict[str, str], record: dict) -> None:
    exported = json.loads(outputs["docs/papers.json"])["papers"][0]
    assert exported["title"] == record["title"].strip()
    assert exported["authors"] == record["authors"]
    assert exported["summary"] == record["summary"].strip()
    rows = list(csv.DictReader(io.StringIO(outputs["docs/papers.csv"])))
    assert len(rows) == 1 and rows[0]["title"] == record["title"].strip()
    assert rows[0]["authors"] == "; ".join(record["authors"])
    library = bibtexparser.parse_string(outputs["docs/papers.bib"])
    assert library.failed_blocks == [] and len(library.entries) == 1
    title = library.entries[0].fields_dict["title"].value
    assert latex_text(title[1:-1]) == _visible(record["title"])
    explorer = re.search(
        r'<script type="application/json" id="pl-explorer-data">(.*?)</script>', outputs["docs/all.md"], re.S
    )
    assert json.loads(explorer.group(1))["papers"]["title"][0] == record["title"].strip()
    feed = outputs["docs/feed.xml"]
    import xml.etree.ElementTree as ET

    entry = ET.fromstring(feed.encode("utf-8")).find("{http://www.w3.org/2005/Atom}entry")
    assert (entry.find("{http://www.w3.org/2005/Atom}title").text or "") == _visible(record["title"])


# The characters the fast paths of one_line and without_non_xml must treat as their regex definitions do.
_TRICKY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x2FF),
        st.sampled_from(
            "\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff"
        ),
        st.characters(min_codepoint=0x10000),
    )
)


@given(_TRICKY_TEXT)
def test_one_line_drops_controls_and_folds_every_white_space_run(text: str):
    control = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
    assert escape.one_line(text) == re.sub(r"\s+", " ", re.sub(control, "", text)).strip()


@given(_TRICKY_TEXT)
def test_without_non_xml_drops_exactly_what_xml_cannot_carry(text: str):
    noncharacters = "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    not_xml = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{noncharacters}]"
    assert escape.without_non_xml(text) == re.sub(not_xml, "", text)


# One line with nothing the records' disabled rules or link filter would read differently from
# plain CommonMark: no "<" (HTML), "!" (images), "[" (links), and no block opener first.
_LINE = st.text(alphabet=st.characters(blacklist_characters="<![\n\r", max_codepoint=0x2FFF)).filter(
    lambda text: text[:1] not in set(" \t#>-*_`~=+|") and not text[:1].isdigit()
)


@given(_LINE)
@example("Plain prose, with “quotes” and 50% more: à la carte.")
@example("Emphasis *here* and `code` and &amp; entities")
def test_record_markdown_renders_a_line_as_commonmark_does(text: str):
    """The plain-line shortcut gives what markdown-it's parser gives, and so does everything else."""
    assert escape.record_markdown(text) == MarkdownIt("commonmark", {"html": False}).render(text)


def test_plain_text_of_a_summary_keeps_punctuation_against_inline_markup_and_separates_blocks():
    # What search snippets and listings' gists show: "support ." would read as a typo.
    assert (
        escape.rendered_text("It adds **support**. Then `code`, *emphasis*!") == "It adds support. Then code, emphasis!"
    )
    assert escape.rendered_text("First paragraph.\n\nSecond one.\n\n- item one\n- item two") == (
        "First paragraph. Second one. item one item two"
    )
    assert escape.rendered_text("a <b>tag</b> & [a link](https://example.org)") == "a <b>tag</b> & a link"
