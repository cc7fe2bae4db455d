"""Render the views through the Jinja templates into output texts (path from the project's root -> content)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from jinja2 import Template
from markupsafe import Markup

from . import routes
from .escape import FieldForms, field_forms
from .exports import bibtex_entry, paper_record, papers_csv, papers_json, search_documents
from .findings import Finding
from .markup import html_environment, text_environment, tidy
from .model import Catalog, markdown_texts
from .parallel import fork_map, in_background
from .related import related_papers
from .schemas import PAPER, schema
from .views import schema_fields, views

NAV_BEGIN = "# BEGIN generated nav: python -m generator build rewrites this block"
NAV_END = "# END generated nav"

Handled = TypeVar("Handled")


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


def prepare_record(data: dict[str, Any]) -> dict[str, FieldForms]:
    """The rendering a record allows on its own: its Markdown fields in every form the outputs show.

    Run in the processes that parse and check the records, on each record without errors
    (``validate.load_and_validate``'s ``prepare``). Each field is then converted once, in
    parallel; otherwise each process that renders a page showing it would convert it again.
    """
    return {text: field_forms(text) for text in markdown_texts(data)}


@dataclass(frozen=True)
class Output:
    """Generated files rendered together (they share their work): their paths, and how to render them."""

    # From the project's root.
    paths: tuple[str, ...]
    # Their texts, in the order of ``paths``.
    render: Callable[[], tuple[str, ...]]
    # Whether it draws on every paper (the README, the exports): rendered first, so that no
    # process is left rendering one of these alone at the end while the others wait.
    whole_list: bool = False


def _page(template: Template, **context: Any) -> Callable[[], tuple[str, ...]]:
    """Render ``template`` with ``context`` when called: one text."""
    return lambda: (tidy(template.render(**context)),)


def plan_outputs(catalog: Catalog, warnings: list[Finding], *, workers: int | None = None) -> list[Output]:
    """Every generated file, in a fixed order, ready to render; ``workers`` share the work this does up front."""
    env = text_environment()
    # The related papers take another process about as long as the rest of this work takes this one.
    with in_background(lambda: related_papers(catalog, workers=1), len(catalog.papers), workers) as related:
        # Each entry appears on its paper's page, in papers.bib and in its section's and subsection's files.
        bibtex_entries = {paper.id: bibtex_entry(paper) for paper in catalog.papers}
        common = {"catalog": catalog, "bibtex_entries": bibtex_entries}
        pages = views(catalog, warnings, related.result)
    # Looked up once: each lookup checks the file on disk, so edits show under `mkdocs serve`.
    templates = {view.template: env.get_template(view.template) for view in pages}
    outputs = [
        Output((routes.in_docs(view.path),), _page(templates[view.template], **common, **view.context))
        for view in pages
    ]

    def exports() -> tuple[str, ...]:
        records = [paper_record(paper, catalog) for paper in catalog.papers]
        return papers_json(catalog, records), papers_csv(records)

    outputs.append(Output((routes.in_docs(routes.JSON), routes.in_docs(routes.CSV)), exports, whole_list=True))
    outputs.append(Output((routes.in_docs(routes.SEARCH_DOCS),), lambda: (search_documents(catalog),), whole_list=True))
    outputs.append(Output((routes.README,), _page(env.get_template("readme.md.j2"), **common), whole_list=True))
    # A collection's lists, each in the curator's format at its own file.
    list_template = env.get_template("list_markdown.md.j2")
    for paper_list in catalog.collection_lists:
        if paper_list.id and paper_list.output:
            page = _page(list_template, **common, paper_list=paper_list)
            outputs.append(Output((paper_list.output,), page, whole_list=True))
    fields = schema_fields(schema(PAPER), catalog.is_collection)
    contributing = _page(env.get_template("contributing.md.j2"), **common, fields=fields)
    outputs.append(Output((routes.CONTRIBUTING, routes.in_docs(routes.CONTRIBUTING_PAGE)), lambda: contributing() * 2))
    return outputs


class Rendering:
    """Planned outputs, rendered on demand in worker processes: see ``write.Rendered``.

    A path planned twice is rendered from its last plan, as a dict of the texts would keep it.
    """

    def __init__(self, outputs: list[Output], workers: int | None = None) -> None:
        self.outputs = outputs
        self.workers = workers
        # Which output renders each path, and where among its texts.
        self.owners = {
            path: (index, position)
            for index, output in enumerate(outputs)
            for position, path in enumerate(output.paths)
        }

    def paths(self) -> list[str]:
        """Every output path, once each, in plan order."""
        return list(self.owners)

    def each(self, handle: Callable[[str, str], Handled]) -> dict[str, Handled]:
        """``handle(path, text)`` for every output as it is rendered (in a worker process, maybe); the results by path.

        Only one output's texts are held at a time in each process.
        """
        owners = self.owners

        def one(index: int) -> list[tuple[str, Handled]]:
            output = self.outputs[index]
            texts = output.render()
            return [
                (path, handle(path, text))
                for position, (path, text) in enumerate(zip(output.paths, texts, strict=True))
                if owners[path] == (index, position)
            ]

        order = sorted(range(len(self.outputs)), key=lambda index: not self.outputs[index].whole_list)
        done = dict(zip(order, fork_map(one, order, self.workers), strict=True))
        return {path: result for index in range(len(self.outputs)) for path, result in done[index]}


def render_all(catalog: Catalog, warnings: list[Finding], *, workers: int | None = None) -> dict[str, str]:
    """Every generated file's text, keyed by its path relative to the project root."""
    return Rendering(plan_outputs(catalog, warnings, workers=workers), workers).each(lambda _, text: text)
