"""Make record text safe to place in Markdown and HTML outputs.

Records come from strangers' pull requests. Plain-text fields (titles, names,
labels) must render as the same text and never as markup. Markdown fields
(summary, key results, the list's description) reach the site and the exports as
HTML that ``record_html`` makes: a Markdown configuration in which raw HTML,
images, headings, fences and attribute lists do not exist, followed by an
allow-list sanitiser. Safety never rests on guessing how another Markdown parser
would read the text. Only the README keeps record Markdown as Markdown
(``markdown_block``), because GitHub renders and sanitises it there.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from functools import cache, update_wrapper
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Characters that start inline markup in Python-Markdown, GitHub Markdown or the
# extensions the site enables. Numeric references render as the same character
# everywhere and can never open markup, unlike backslash escapes, whose set
# differs between Markdown implementations. A colon opens an emoji shortcode (":rocket:" on
# GitHub, and on the site should an emoji extension be turned on) when a word and a colon follow.
_INLINE_SPECIAL = re.compile(r"[\\`*_{}\[\]<|~#]|&(?=#?\w+;)|:(?=[\w+-]+:)")
# Control characters are invisible, and most are not even allowed in XML (the feed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Everything XML 1.0 cannot carry (C0 controls but tab, LF and CR; surrogates; U+FFFE and
# U+FFFF), plus what it only tolerates and feed readers may reject: C1 controls and the
# other noncharacters (U+FDD0..U+FDEF and the last two code points of every plane). The
# planes above the first are a class of their own, tried only on text that reaches them:
# one class with all of them took ten times as long to scan as the first plane's.
_NOT_XML_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NOT_XML_ASTRAL = re.compile(
    "[" + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0x10000, 0x110000, 0x10000)) + "]"
)
# A Markdown code span; the validator uses it too, to look at prose only.
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_LINK_TARGET = re.compile(r"(\]\(\s*)([^)\s]*)")
_REFERENCE_DEFINITION = re.compile(r"^(\s*\[[^\]]*\]:\s*)(\S+)", re.MULTILINE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# Line starts that open a block: headings, rules, quotes, and code fences, which, left
# unclosed, would swallow the rest of the page (closed ones are code spans, kept as they are).
_BLOCK_LEADER = re.compile(r"^( {0,3})([#=]|-{3,}\s*$|_{3,}\s*$|\*{3,}\s*$|>|`{3,}|~{3,})", re.MULTILINE)
_UNSAFE_IN_TEXT = re.compile(r"[<{}|]|&(?=#?\w+;)")
BLOCKED_URL = "#blocked-unsafe-link"


def _reference(char: str) -> str:
    return {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(char, f"&#{ord(char)};")


class _FieldMemo:
    """A conversion of Markdown fields that remembers its results, and takes results computed elsewhere.

    ``functools.cache`` cannot be given results: the processes that parse the records convert
    their fields there, in parallel, and this process then takes them (``remember_field_forms``).
    """

    def __init__(self, convert: Callable[[str], str]) -> None:
        self.convert = convert
        self.results: dict[str, str] = {}
        update_wrapper(self, convert)

    def __call__(self, text: str) -> str:
        result = self.results.get(text)
        if result is None:
            result = self.results[text] = self.convert(text)
        return result

    def cache_clear(self) -> None:
        self.results.clear()


def one_line(text: str) -> str:
    """Plain text without control characters, its white space runs (line breaks too) as single spaces."""
    # str.split() splits at exactly the characters the regex class \s matches, and drops the ends.
    return " ".join(_CONTROL.sub("", text).split())


def without_non_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry or feed readers may reject."""
    text = _NOT_XML_BMP.sub("", text)
    return _NOT_XML_ASTRAL.sub("", text) if _ASTRAL.search(text) else text


# Titles, names and summaries reach several pages each (their own, listings, the README):
# the escaping functions remember their results so each string is escaped once per run.
@cache
def markdown_text(text: str) -> str:
    """Plain text as inline Markdown that renders to exactly this text, on one line."""
    return _INLINE_SPECIAL.sub(lambda match: _reference(match.group()), one_line(text))


def is_safe_url(url: str) -> bool:
    """True for http(s) and mailto URLs and for relative ones; false for javascript:, data: …"""
    # Browsers ignore control characters and white space inside a scheme.
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    match = _SCHEME.match(squeezed)
    return match is None or match.group(1) in _ALLOWED_SCHEMES


@cache
def safe_url(url: str) -> str:
    """A URL that is safe inside a Markdown link target: http(s) only, no spaces or parentheses."""
    if not is_safe_url(url) or not url.lower().startswith(("http://", "https://")):
        return BLOCKED_URL
    return quote(url, safe=":/?#@!$&'*+,;=%~[]")


def _safe_target(match: re.Match[str]) -> str:
    target = match.group(2)
    return match.group(1) + (target if is_safe_url(target) else BLOCKED_URL)


def _neutralise_prose(text: str) -> str:
    # A bare "&" is shown as itself; only one that would start a character reference is escaped.
    text = _UNSAFE_IN_TEXT.sub(lambda match: _reference(match.group()), text)
    # "&#33;[" keeps the "!" but cannot start an image, which would load a third-party URL.
    text = text.replace("![", "&#33;[")
    text = _LINK_TARGET.sub(_safe_target, text)
    text = _REFERENCE_DEFINITION.sub(_safe_target, text)
    return _BLOCK_LEADER.sub(lambda match: match.group(1) + _reference(match.group(2)[0]) + match.group(2)[1:], text)


@_FieldMemo
def markdown_block(text: str) -> str:
    """A Markdown field made inert: no HTML, attributes, images, headings, tables or unsafe links.

    Emphasis, inline code, lists and http(s) links keep working. Code spans are
    left alone because Markdown already shows their content literally.
    """
    text = _CONTROL.sub("", text)
    pieces, last = [], 0
    for match in CODE_SPAN.finditer(text):
        pieces.append(_neutralise_prose(text[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_neutralise_prose(text[last:]))
    return "".join(pieces).strip()


@cache
def html_url(url: str) -> str:
    """A URL for an ``href`` in HTML the generator writes: ``safe_url``'s, with ``&`` and quotes as references."""
    return html.escape(safe_url(url), quote=True)


def code_html(text: str) -> str:
    """Text for a ``<pre><code>`` element in a raw HTML block: its lines kept, markup characters as references.

    Control characters other than line breaks go, as in XML. In a raw HTML block Python-Markdown
    reads no Markdown, and the callers' lines (BibTeX entries) never start with a fence.
    """
    return html.escape(without_non_xml(text), quote=False)


@cache
def html_text(text: str) -> str:
    """Text for places that Material outputs as raw HTML (page titles in front matter)."""
    return html.escape(one_line(text), quote=True)


@cache
def xml_text(text: str) -> str:
    """Text for any XML element or attribute (the Atom feed): escaped, on one line, XML 1.0 characters only."""
    return html_text(without_non_xml(text))


def yaml_string(text: str) -> str:
    """A double-quoted scalar, valid in YAML front matter whatever the text holds."""
    return json.dumps(text, ensure_ascii=False)


# What a Markdown field may become: paragraphs, emphasis, code, lists and links.
RECORD_TAGS = frozenset({"p", "em", "strong", "code", "ul", "ol", "li", "a", "br"})
RECORD_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_WEB_SCHEMES = ("http://", "https://", "mailto:")
# Block and inline rules the fields do not need; each could shape the page or fetch from elsewhere.
_DISABLED_RULES = [
    "table",
    "code",
    "fence",
    "blockquote",
    "hr",
    "heading",
    "lheading",
    "html_block",
    "image",
    "html_inline",
]
# The HTML lands inside a Markdown page, which MkDocs reads again before the browser does. As one line,
# with these characters as references, nothing in it can start a fence, an attribute list or an escape
# there: a browser reads the references as the same characters.
_INERT_IN_MARKDOWN = str.maketrans(
    {"\n": " ", "`": "&#96;", "~": "&#126;", "{": "&#123;", "}": "&#125;", "\\": "&#92;", "|": "&#124;"}
)


def _is_web_link(url: str) -> bool:
    return url.lower().startswith(_WEB_SCHEMES) and is_safe_url(url)


def _keep_web_links(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not _is_web_link(value):
        return None
    return value


class _RecordMarkdown(MarkdownIt):
    """CommonMark without the rules above, whose links lead only to the web or to mail."""

    def validateLink(self, url: str) -> bool:
        return _is_web_link(url)


@cache
def _record_markdown() -> MarkdownIt:
    return _RecordMarkdown("commonmark", {"html": False}).disable(_DISABLED_RULES)


@cache
def _sanitiser() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(RECORD_TAGS),
        attributes=RECORD_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_keep_web_links,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def _is_plain_line(text: str, markdown: MarkdownIt) -> bool:
    """One line that is one paragraph of plain text: nothing in it can start inline markup or a block.

    No character the inline parser stops at (markup, entities, line breaks), none that the
    parser first replaces (a carriage return, NUL), no white space at either end, and no
    digit first (``1. `` starts a list).
    """
    return (
        bool(text)
        and text == text.strip()
        and not text[0].isdigit()
        and "\r" not in text
        and "\0" not in text
        and markdown.inline.terminator_re.search(text) is None
    )


def _paragraph(text: str) -> list[Token]:
    """The tokens markdown-it's parser makes of a plain line: a paragraph holding one text."""
    return [
        Token("paragraph_open", "p", 1, map=[0, 1], block=True),
        Token(
            "inline",
            "",
            0,
            map=[0, 1],
            level=1,
            content=text,
            block=True,
            children=[Token("text", "", 0, content=text)],
        ),
        Token("paragraph_close", "p", -1, block=True),
    ]


def record_markdown(text: str) -> str:
    """A Markdown field as CommonMark HTML in the records' configuration, before it is sanitised.

    Most summaries are one line of plain prose, which markdown-it's parser walks character
    by character in Python to find nothing in: such a line goes straight to its renderer
    as the paragraph the parser would have made.
    """
    markdown = _record_markdown()
    # markdown-it types both results as Any; its HTML renderer returns text.
    rendered: str = (
        markdown.renderer.render(_paragraph(text), markdown.options, {})
        if _is_plain_line(text, markdown)
        else markdown.render(text)
    )
    return rendered


@_FieldMemo
def record_html(text: str) -> str:
    """A Markdown field as sanitised HTML on one line, for the site, the exports and the feed."""
    rendered = record_markdown(without_non_xml(text))
    return _sanitiser().clean(rendered).strip().translate(_INERT_IN_MARKDOWN)


# Of RECORD_TAGS, those that end a line of text on the page; the others sit within a line
# ("**support**." reads "support.").
_BLOCK_TAGS = re.compile(r"</?(?:p|br|ul|ol|li)\b[^>]*>")
_TAGS = re.compile(r"<[^>]*>")


@_FieldMemo
def rendered_text(text: str) -> str:
    """A Markdown field as the plain text a reader sees on the page: ``record_html``'s output without its tags."""
    return one_line(html.unescape(_TAGS.sub("", _BLOCK_TAGS.sub(" ", record_html(text)))))


# A Markdown field in every form an output shows it: ``record_html``'s, ``rendered_text``'s, ``markdown_block``'s.
FieldForms = tuple[str, str, str]


def field_forms(text: str) -> FieldForms:
    """``text``, a Markdown field, in every form an output shows it (remembered, as each form is)."""
    return record_html(text), rendered_text(text), markdown_block(text)


def remember_field_forms(forms: Mapping[str, FieldForms]) -> None:
    """Take ``field_forms`` computed in another process, so that no output here converts those fields again."""
    for text, (as_html, as_text, as_markdown) in forms.items():
        record_html.results[text] = as_html
        rendered_text.results[text] = as_text
        markdown_block.results[text] = as_markdown
