"""The Jinja environments and their filters: how record values become Markdown, HTML and XML.

Record data only ever reaches templates as variables, through escaping filters; it
is never compiled as a template. Two environments share the templates folder: one for
Markdown, YAML, BibTeX and XML outputs, where each field is escaped explicitly by its
filter, and one that escapes everything for the single-file HTML export.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import jinja2
import material
from markupsafe import Markup

from . import escape, routes, text, vocabulary
from .exports import code_fence

# Spelled with a literal prefix, which lets the regex engine skip ahead: ten times faster than \n{3,}.
_MULTI_BLANK = re.compile(r"\n\n\n+")


def github_anchor(heading: str) -> str:
    """The id GitHub gives a README heading, so the table of contents links resolve."""
    kept = "".join(char for char in heading.lower() if char in " -_" or unicodedata.category(char)[0] in "LN")
    return kept.replace(" ", "-")


def tidy(text: str) -> str:
    """One blank line at most between blocks, one newline at the end."""
    return _MULTI_BLANK.sub("\n\n", text).strip() + "\n"


def _environment(*, autoescape: bool, filters: dict[str, object]) -> jinja2.Environment:
    """The templates folder with strict variables, the vocabulary and the route table as globals, and ``filters``."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=not autoescape,
    )
    env.filters.update(filters, url=escape.safe_url, award_label=vocabulary.award_label)
    env.globals.update(
        routes=routes,
        presentations=vocabulary.PRESENTATIONS,
        # Templates write .emoji (README, curator's lists) or .shortcode (site pages, inline SVG).
        award_icon=vocabulary.AWARD_ICON,
        highlight_groups=vocabulary.HIGHLIGHT_GROUPS,
    )
    return env


@cache
def text_environment() -> jinja2.Environment:
    """For Markdown, YAML, BibTeX and XML outputs: every record value passes an explicit filter."""
    env = _environment(
        autoescape=False,
        filters={
            "md": escape.markdown_text,
            "md_block": escape.markdown_block,
            "record_html": escape.record_html,
            "html": escape.html_text,
            "html_url": escape.html_url,
            "code_html": escape.code_html,
            "gist": summary_gist,
            "icon_svg": icon_svg,
            "xml": escape.xml_text,
            "yaml_str": escape.yaml_string,
            "anchor": github_anchor,
            "fence": code_fence,
            "people_label": vocabulary.people_label,
        },
    )
    # Compact JSON for the explorer's embedded data (tojson still escapes <, >, & and ').
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
    return env


_MATERIAL_ICONS = Path(material.__file__).parent / "templates" / ".icons"
_MATERIAL_SHORTCODE = re.compile(r":material-([a-z0-9-]+):")


@cache
def icon_svg(shortcode: str) -> Markup:
    """The inline SVG of a Material icon shortcode (":material-trophy:"), as every page and export shows it.

    It is the file pymdownx.emoji would inline, read from the installed Material theme; the site runs
    no emoji extension, so every icon on a page comes from here.
    """
    match = _MATERIAL_SHORTCODE.fullmatch(shortcode)
    if match is None:
        raise ValueError(f"not a Material icon shortcode: {shortcode!r}")
    return Markup((_MATERIAL_ICONS / "material" / f"{match.group(1)}.svg").read_text("utf-8"))


def summary_gist(summary: str) -> str:
    """What a listing shows of a summary: its first sentence as plain text, which the template still escapes."""
    return text.gist(escape.rendered_text(summary))


def _record_markup(text: str) -> Markup:
    """A Markdown field's sanitised HTML, marked safe for the HTML-escaping environment."""
    return Markup(escape.record_html(text))


@cache
def html_environment() -> jinja2.Environment:
    """For the single-file HTML export: everything is HTML-escaped unless marked safe."""
    env = _environment(autoescape=True, filters={"record_html": _record_markup, "icon_svg": icon_svg})
    return env
