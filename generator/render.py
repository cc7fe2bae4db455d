"""Render the model through the Jinja templates into output texts (path -> content).

Record data only ever reaches templates as variables, through escaping filters;
it is never compiled as a template.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import jinja2
import markdown
from markupsafe import Markup

from . import escape
from .exports import bibtex_entry, bibtex_text, code_fence, paper_record, papers_csv, papers_json
from .findings import Finding, Rule
from .indexes import (
    FEED_COUNT,
    RECENT_COUNT,
    author_index,
    author_index_data,
    explorer_data,
    highlights,
    recently_added,
    statistics,
    tag_counts,
)
from .model import Catalog, Paper
from .related import related_papers
from .validate import paper_schema

DOCS_DIR = "docs"
README = "README.md"
CONTRIBUTING = "CONTRIBUTING.md"
NAV_BEGIN = "# BEGIN generated nav: python -m generator build rewrites this block"
NAV_END = "# END generated nav"


def github_anchor(heading: str) -> str:
    """The id GitHub gives a README heading, so the table of contents links resolve."""
    kept = "".join(char for char in heading.lower() if char in " -_" or unicodedata.category(char)[0] in "LN")
    return kept.replace(" ", "-")


@dataclass(frozen=True)
class SchemaField:
    """One row of the field reference."""

    name: str
    type: str
    required: bool
    description: str


def schema_fields(schema: dict) -> list[SchemaField]:
    """The record schema's properties, in schema order, for the contributor's field reference."""

    def type_of(spec: dict) -> str:
        if "enum" in spec:
            return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
        if spec.get("type") == "array":
            return f"list of {type_of(spec['items'])}"
        if spec.get("type") == "object" and "properties" not in spec:
            return "mapping"
        if spec.get("type") == "object":
            return "{" + ", ".join(spec["properties"]) + "}"
        return spec.get("format", spec.get("type", "any"))

    required = set(schema.get("required", []))
    return [
        SchemaField(name, type_of(spec), name in required, spec.get("description", ""))
        for name, spec in schema["properties"].items()
    ]


QUALITY_RULES = (
    Rule.NO_AUTHORS,
    Rule.GENERIC_LINK,
    Rule.VENUE_YEAR,
    Rule.NO_PAPER_LINK,
    Rule.SHARED_TITLE_PREFIX,
)


@dataclass(frozen=True)
class QualityGroup:
    """Papers with one kind of data gap, and what the validator said of each."""

    rule: str
    items: tuple[tuple[Paper, tuple[str, ...]], ...]


def quality_groups(catalog: Catalog, warnings: list[Finding]) -> list[QualityGroup]:
    """Group the validator's warnings by rule, each paper once per rule, in list order."""
    by_source = {paper.source: paper for paper in catalog.papers}
    messages: dict[tuple[str, str], list[str]] = {}
    for finding in warnings:
        if finding.rule in QUALITY_RULES and finding.path in by_source:
            messages.setdefault((finding.rule, finding.path), []).append(finding.message)
    groups = []
    for rule in QUALITY_RULES:
        items = tuple(
            (paper, tuple(messages[rule, paper.source])) for paper in catalog.papers if (rule, paper.source) in messages
        )
        if items:
            groups.append(QualityGroup(rule, items))
    return groups


# Spelled with a literal prefix, which lets the regex engine skip ahead: ten times faster than \n{3,}.
_MULTI_BLANK = re.compile(r"\n\n\n+")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=False,  # Markdown outputs: escaping is explicit, per field, by the filters below.
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Compact JSON for the explorer's embedded data (tojson still escapes <, >, & and ').
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
    env.filters.update(
        md=escape.markdown_text,
        md_block=escape.markdown_block,
        html=escape.html_text,
        yaml_str=escape.yaml_string,
        url=escape.safe_url,
        anchor=github_anchor,
        bibtex=bibtex_text,
        fence=code_fence,
    )
    return env


def _tidy(text: str) -> str:
    """One blank line at most between blocks, one newline at the end."""
    return _MULTI_BLANK.sub("\n\n", text).strip() + "\n"


def _pages(catalog: Catalog, warnings: list[Finding]) -> list[tuple[str, str, dict]]:
    """Every page and download as (output path under docs/, template, context)."""
    letters, author_anchors = author_index(catalog)
    related = related_papers(catalog)
    groups = highlights(catalog)
    newest_first = recently_added(catalog, count=len(catalog.papers))
    shared = {"author_anchors": author_anchors, "highlights": groups}
    pages: list[tuple[str, str, dict]] = [
        ("index.md", "home.md.j2", {"root": "", "recent": newest_first[:RECENT_COUNT], **shared}),
        ("all.md", "explorer.md.j2", {"root": "", "explorer_data": explorer_data(catalog)}),
        ("authors.md", "authors.md.j2", {"root": "", "letters": letters, "author_data": author_index_data(letters)}),
        ("tags.md", "tags.md.j2", {"root": "", "tag_counts": tag_counts(catalog)}),
        ("highlights.md", "highlights.md.j2", {"root": "", **shared}),
        ("stats.md", "stats.md.j2", {"root": "", "charts": statistics(catalog)}),
        ("quality.md", "quality.md.j2", {"root": "", "groups": quality_groups(catalog, warnings)}),
        ("papers.bib", "papers.bib.j2", {"papers": catalog.papers}),
        ("feed.xml", "feed.xml.j2", {"feed_papers": newest_first[:FEED_COUNT]}),
    ]
    for section in catalog.sections:
        pages.append((f"sections/{section.id}/index.md", "section.md.j2", {"root": "../../", "section": section}))
        pages.append((f"sections/{section.id}/{section.id}.bib", "papers.bib.j2", {"papers": section.papers}))
        for subsection in section.subsections:
            pages.append(
                (
                    f"sections/{section.id}/{subsection.id}.md",
                    "subsection.md.j2",
                    {"root": "../../", "section": section, "subsection": subsection, **shared},
                )
            )
            pages.extend(
                (
                    f"papers/{paper.id}.md",
                    "paper.md.j2",
                    {
                        "root": "../",
                        "paper": paper,
                        "section": section,
                        "subsection": subsection,
                        "related": related,
                        **shared,
                    },
                )
                for paper in subsection.papers
            )
    return pages


def _markdown_html(text: str) -> Markup:
    """A Markdown field as HTML, after the same neutralising the site's pages get."""
    return Markup(markdown.markdown(escape.markdown_block(text), extensions=["sane_lists"]))


def render_single_file(catalog: Catalog) -> str:
    """One self-contained HTML document of the whole list (HTML-escaping template)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(markdown=_markdown_html, url=escape.safe_url)
    return env.get_template("single.html.j2").render(catalog=catalog)


def render_nav(catalog: Catalog) -> str:
    """The taxonomy part of the MkDocs nav, as YAML lines for mkdocs.yml."""
    return _environment().get_template("nav.yml.j2").render(catalog=catalog)


def splice_nav(mkdocs_yml: str, nav_block: str) -> str:
    """Replace the generated block between the nav markers of mkdocs.yml."""
    begin, end = mkdocs_yml.find(NAV_BEGIN), mkdocs_yml.find(NAV_END)
    if begin < 0 or end < begin:
        raise ValueError(f"mkdocs.yml lacks the lines '{NAV_BEGIN}' and '{NAV_END}' around the nav")
    line_start = mkdocs_yml.rfind("\n", 0, begin) + 1
    indent = mkdocs_yml[line_start:begin]
    body = "".join(f"{indent}{line}\n" if line else "\n" for line in nav_block.splitlines())
    return mkdocs_yml[:begin] + NAV_BEGIN + "\n" + body + indent + mkdocs_yml[end:]


def render_all(catalog: Catalog, warnings: list[Finding]) -> dict[str, str]:
    """Every generated file, keyed by its path relative to the project root."""
    env = _environment()
    # Each entry appears on its paper's page, in papers.bib and in its section's file.
    common = {"catalog": catalog, "bibtex_entries": {paper.id: bibtex_entry(paper) for paper in catalog.papers}}
    pages = _pages(catalog, warnings)
    # Looked up once: each lookup checks the file on disk, so edits show under `mkdocs serve`.
    templates = {name: env.get_template(name) for _, name, _ in pages}
    outputs = {
        f"{DOCS_DIR}/{path}": _tidy(templates[template].render(**common, **context))
        for path, template, context in pages
    }
    records = [paper_record(paper, catalog) for paper in catalog.papers]
    outputs[f"{DOCS_DIR}/papers.json"] = papers_json(catalog, records)
    outputs[f"{DOCS_DIR}/papers.csv"] = papers_csv(records)
    outputs[README] = _tidy(env.get_template("readme.md.j2").render(**common))
    contributing = _tidy(env.get_template("contributing.md.j2").render(**common, fields=schema_fields(paper_schema())))
    outputs[CONTRIBUTING] = contributing
    outputs[f"{DOCS_DIR}/contributing.md"] = contributing
    return outputs
