"""Render the views through the Jinja templates into output texts (path from the project's root -> content)."""

from __future__ import annotations

from markupsafe import Markup

from . import routes
from .exports import bibtex_entry, paper_record, papers_csv, papers_json, search_documents
from .findings import Finding
from .markup import html_environment, text_environment, tidy
from .model import Catalog
from .schemas import PAPER, schema
from .views import schema_fields, views

NAV_BEGIN = "# BEGIN generated nav: python -m generator build rewrites this block"
NAV_END = "# END generated nav"


def single_file_stylesheet() -> str:
    """The single-file export's own CSS, as its one ``<style>`` element holds it."""
    return text_environment().get_template("single.css").render().strip()


def render_single_file(catalog: Catalog) -> str:
    """One self-contained HTML document of the whole list."""
    template = html_environment().get_template("single.html.j2")
    return template.render(catalog=catalog, stylesheet=Markup(single_file_stylesheet()))


def render_nav(catalog: Catalog) -> str:
    """The taxonomy part of the MkDocs nav, as YAML lines for mkdocs.yml."""
    return text_environment().get_template("nav.yml.j2").render(catalog=catalog)


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
    env = text_environment()
    # Each entry appears on its paper's page, in papers.bib and in its section's and subsection's files.
    common = {"catalog": catalog, "bibtex_entries": {paper.id: bibtex_entry(paper) for paper in catalog.papers}}
    pages = views(catalog, warnings)
    # Looked up once: each lookup checks the file on disk, so edits show under `mkdocs serve`.
    templates = {view.template: env.get_template(view.template) for view in pages}
    outputs = {
        routes.in_docs(view.path): tidy(templates[view.template].render(**common, **view.context)) for view in pages
    }
    records = [paper_record(paper, catalog) for paper in catalog.papers]
    outputs[routes.in_docs(routes.JSON)] = papers_json(catalog, records)
    outputs[routes.in_docs(routes.CSV)] = papers_csv(records)
    outputs[routes.in_docs(routes.SEARCH_DOCS)] = search_documents(catalog)
    outputs[routes.README] = tidy(env.get_template("readme.md.j2").render(**common))
    # A collection's lists, each in the curator's format at its own file.
    list_template = env.get_template("list_markdown.md.j2")
    for paper_list in catalog.collection_lists:
        if paper_list.id and paper_list.output:
            outputs[paper_list.output] = tidy(list_template.render(**common, paper_list=paper_list))
    fields = schema_fields(schema(PAPER), catalog.is_collection)
    contributing = tidy(env.get_template("contributing.md.j2").render(**common, fields=fields))
    outputs[routes.CONTRIBUTING] = contributing
    outputs[routes.in_docs(routes.CONTRIBUTING_PAGE)] = contributing
    return outputs
