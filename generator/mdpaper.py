"""Read one paper's block of a Markdown list: its heading and its labelled fields.

A paper block is a heading (the title, then award and presentation markers such as
"🏆 **BEST PAPER AWARD**" or "(Oral)") and lines of ``**Label:** value`` fields,
written as list items or as paragraphs. Known labels fill the record's fields (Link,
Authors or Speakers, Summary, Key Results, Award, Presentation); any other label is a
note under that label, in source order. A line outside any field joins the text field
above it or becomes a note, and a warning names its line: no text is dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .findings import Finding
from .links import label_for_url
from .vocabulary import read_marker, title_markers, without_title_markers

RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*)|[ \t]*$)")
# "**Label:** value" and "**Label**: value".
_LABEL = re.compile(
    r"^\*\*(?P<a>[^*\n]{1,80}?)\s*:\s*\*\*\s*(?P<va>.*)$|^\*\*(?P<b>[^*:\n]{1,80}?)\*\*\s*:\s*(?P<vb>.*)$"
)
# The same in the other spellings of emphasis: "__Label:__", "*Label:*", "_Label_:".
_EMPHASIS_LABEL = re.compile(
    r"^(?P<e>__|\*|_)(?P<a>[^*_:\n]{1,80}?)\s*:\s*(?P=e)(?:\s+(?P<va>.*))?$"
    r"|^(?P<f>__|\*|_)(?P<b>[^*_:\n]{1,80}?)(?P=f)\s*:\s*(?P<vb>.*)$"
)
# "Authors: value", no emphasis at all: read only for the format's own labels (_PLAIN_LABELS),
# since prose can start with a word and a colon too.
_PLAIN_LABEL = re.compile(r"^(?P<a>[A-Za-z][A-Za-z ]{0,20}?)\s*:(?:\s+(?P<va>.*))?$")
_TRAILING_PAREN = re.compile(r"\s*\((?P<inner>[^()]+)\)\s*$")
# A marker in parentheses or brackets at the end of a heading: "(Oral)", "[Spotlight]".
_TRAILING_BRACKETS = re.compile(r"\s*(?:\((?P<paren>[^()\[\]]+)\)|\[(?P<bracket>[^()\[\]]+)\])\s*$")
# Symbols alone at the end of a heading ("🌈", "🔥 ✨"): decoration, when a marker comes before them.
_TRAILING_SYMBOLS = re.compile(r"\s(?P<symbols>[^\w\s*()\[\]]+(?:\s+[^\w\s*()\[\]]+)*)\s*$")
# A marker after a title: an optional icon (any run of symbols) and a bold phrase.
_MARKER = re.compile(r"(?P<icon>[^\w\s*()\[\]]+\s*)?\*\*(?P<marker>[^*]+?)\*\*\s*$")
_WHOLE_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)$")
_ET_AL = re.compile(r",?\s*(?:et al\.?|and (?:others|collaborators|colleagues))\s*$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]*)\)")
_BARE_URL = re.compile(r"https?://[^\s<>|\]\[]+")
_ARXIV_FORM = re.compile(r"\barXiv:\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_LINK_SEPARATORS = re.compile(r"^[\s,;·/|]*(?:and)?[\s,;·/|]*$", re.IGNORECASE)
_SAFE_SCHEMES = ("http://", "https://")
# A backslash before ASCII punctuation: Markdown's escape, which renders as the character.
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# A character reference as CommonMark reads one: with its semicolon. (html.unescape alone would
# also decode HTML's legacy names without one, turning "Data&parallel" into "Data¶llel".)
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

FieldKind = Literal["links", "authors", "summary", "key_results", "award", "presentation", "note"]
# Labels as the curator's lists write them, lowercased. A link label outside
# _GENERIC_LINK_LABELS names its bare URLs ("**Code:** https://…" is a link labelled Code).
_FIELD_KINDS: dict[str, FieldKind] = {
    **dict.fromkeys(
        ("link", "links", "url", "urls", "paper", "pdf", "arxiv", "openreview", "code", "github", "project",
         "project page", "website", "slides", "video", "blog", "poster"),
        "links",
    ),
    **dict.fromkeys(("authors", "author", "speakers", "speaker"), "authors"),
    # An "Abstract" or "TL;DR" is not the curator's summary: it stays a note under its label.
    "summary": "summary",
    **dict.fromkeys(("key results", "key result"), "key_results"),
    "award": "award",
    "presentation": "presentation",
}  # fmt: skip
# Labels read even when written without emphasis ("- Authors: …").
_PLAIN_LABELS = frozenset(
    {"link", "links", "authors", "author", "speakers", "speaker", "summary", "key results", "award", "presentation"}
)
# The labels of the format's own link field; a part with no URL under one is a label-only link.
_LINK_FIELD_LABELS = frozenset({"link", "links", "url", "urls"})
_GENERIC_LINK_LABELS = frozenset({"link", "links", "url", "urls", "paper", "arxiv", "openreview", "pdf"})
# Kinds that a label nested inside another field still opens (a "Key Results:" list under
# the summary); a nested "**Pallas Kernels:** …" with a value is part of the text around it.
_NESTED_KINDS: frozenset[FieldKind] = frozenset({"key_results", "summary", "authors", "award", "presentation"})
_TEXT_KINDS: frozenset[FieldKind] = frozenset({"summary", "note"})


@dataclass(frozen=True)
class Token:
    """One line of the document, classified: a heading, a ``---`` rule, blank, or text."""

    kind: Literal["heading", "rule", "blank", "text", "subheading"]
    number: int
    text: str
    level: int = 0


# --------------------------------------------------------------------------- labels


def split_bullet(line: str) -> tuple[int, bool, int, str]:
    """(indent, is a list item, column where its text starts, text without the marker)."""
    indent = len(line) - len(line.lstrip(" "))
    match = _BULLET.match(line)
    if not match or RULE.match(line):
        return indent, False, indent, line.strip()
    text = match["text"] or ""
    column = match.start("text") if match["text"] is not None else match.end()
    return indent, True, column, text.strip()


def plain_text(markdown: str) -> str:
    """Inline Markdown for a plain-text field (a title, a name, a label) as the text it renders.

    Character references and backslash escapes are decoded: the lists the generator
    writes escape ``*``, ``_``, ``#``… in titles that way ("&#42;"), and a curator may too.
    """
    if "&" not in markdown and "\\" not in markdown:
        return markdown
    # One pass: "\&amp;" is the escaped "&" followed by "amp;", as Markdown shows it, not a decoded "&".
    return _PLAIN_TEXT.sub(_plain_character, markdown)


_PLAIN_TEXT = re.compile(f"{_BACKSLASH_ESCAPE.pattern}|{_CHARACTER_REFERENCE.pattern}")


def _plain_character(match: re.Match[str]) -> str:
    return match[1] if match[1] is not None else html.unescape(match[0])


def read_label(text: str, plain: bool = True) -> tuple[str, str] | None:
    """The label and value of a ``**Label:** value`` line, or None.

    Emphasis may be written any way Markdown allows; with ``plain``, one of the format's
    own labels ("Authors: …") needs none.
    """
    match = _LABEL.match(text) or _EMPHASIS_LABEL.match(text)
    if match is None and plain and (found := _PLAIN_LABEL.match(text)):
        match = found if _label_key(found["a"]) in _PLAIN_LABELS else None
    if not match:
        return None
    label = (match["a"] or match["b"]).strip()
    if not re.search(r"\w", label):
        return None
    return label, ((match["va"] if match["a"] else match["vb"]) or "").strip()


def _label_key(label: str) -> str:
    """A label as the tables of labels hold it: lowercase, its white space one space."""
    return " ".join(label.split()).casefold()


def field_kind(label: str) -> FieldKind:
    """Which field a label names; ``note`` for any label the format does not know."""
    return _FIELD_KINDS.get(_label_key(label), "note")


def has_fields(body: list[Token]) -> bool:
    """Whether a heading's body holds a paper's fields (Link, Authors, Summary…)."""
    # A label without emphasis is no evidence: a section's intro may start "Summary: …".
    labels = (read_label(split_bullet(token.text)[3], plain=False) for token in body if token.kind == "text")
    return any(label is not None and field_kind(label[0]) != "note" for label in labels)


def has_marker(title: str) -> bool:
    """Whether a heading ends in a marker the vocabulary knows (an award or a presentation)."""
    marker = _last_marker(title)
    return marker is not None and read_marker(marker.words, marker.icon) is not None


# --------------------------------------------------------------------------- links and authors


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside parentheses and brackets."""
    parts: list[str] = []
    depth, current, index = 0, "", 0
    while index < len(text):
        char = text[index]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        if depth == 0 and text.startswith(separator, index):
            parts.append(current)
            current = ""
            index += len(separator)
            continue
        current += char
        index += 1
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _trim_url(url: str) -> str:
    """A bare URL without the sentence punctuation after it."""
    url = url.rstrip(".,;:!?'\"")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _links_in(part: str, label: str) -> tuple[list[dict[str, str]], str]:
    """Every link in ``part`` and the text left over once they are taken out."""
    found: list[tuple[int, dict[str, str]]] = []
    rest = part
    for match in _MD_LINK.finditer(part):
        if match["url"].startswith(_SAFE_SCHEMES):
            # "[https://…](https://…)" (an autolink, as the scanner writes it) is a bare URL.
            written = match["label"].strip()
            bare = written in ("", match["url"])
            link_label = _url_label(match["url"], label) if bare else plain_text(written)
            found.append((match.start(), {"label": link_label, "url": match["url"]}))
            rest = rest.replace(match[0], " ", 1)
    for match in _BARE_URL.finditer(rest):
        url = _trim_url(match[0])
        found.append((part.find(url), {"label": _url_label(url, label), "url": url}))
        rest = rest.replace(url, " ", 1)
    for match in _ARXIV_FORM.finditer(rest):
        url = f"https://arxiv.org/abs/{match['id']}"
        found.append((part.find(match[0]), {"label": label_for_url(url), "url": url}))
        rest = rest.replace(match[0], " ", 1)
    return [link for _, link in sorted(found, key=lambda item: item[0])], rest


def _url_label(url: str, label: str) -> str:
    return label_for_url(url) if label.casefold() in _GENERIC_LINK_LABELS else label


@dataclass
class LinkReading:
    """Links read from a Link field, and what could not be read as a link."""

    links: list[dict[str, str]] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    label_only: list[str] = field(default_factory=list)


def parse_links(value: str, label: str = "Link") -> LinkReading:
    """Links separated by ``|``: bare URLs, Markdown links, ``arXiv:ID`` forms, or plain labels.

    A part with no URL at all ("NeurIPS 2025 Main Track") is a link with a label and
    no url. A part that mixes links and other words keeps its links and is also kept
    whole in ``leftovers``, so no word is lost.
    """
    reading = LinkReading()
    for part in _split_top_level(value, "|"):
        links, rest = _links_in(part, label)
        if not links:
            reading.links.append({"label": plain_text(part)})
            reading.label_only.append(part)
            continue
        reading.links.extend(links)
        if not _LINK_SEPARATORS.match(rest):
            reading.leftovers.append(part)
    return reading


def parse_authors(value: str) -> dict[str, Any]:
    """Names, whether the list is truncated ("et al."), and affiliations in parentheses."""
    fields: dict[str, Any] = {}
    group_affiliation = None
    # "A, B, et al. (NVIDIA, HKU)": the parentheses name the whole group's organisations.
    if (match := _TRAILING_PAREN.search(value)) and _ET_AL.search(value[: match.start()]):
        group_affiliation, value = match["inner"].strip(), value[: match.start()]
    if truncated := _ET_AL.search(value):
        value = value[: truncated.start()]
        fields["authors_et_al"] = True
    names: list[str] = []
    per_author: dict[str, str] = {}
    for part in _split_top_level(value, ","):
        match = _TRAILING_PAREN.search(part)
        name = part[: match.start()].strip() if match and part[: match.start()].strip() else part
        name = plain_text(name)
        names.append(name)
        if match and name != plain_text(part):
            per_author[name] = plain_text(match["inner"].strip())
    if group_affiliation:
        fields["affiliation"] = plain_text(group_affiliation)
    if len(per_author) == 1 and names and names[-1] in per_author and not group_affiliation:
        # "A, B, C (Org)" names the organisation of the whole author list.
        fields["affiliation"] = per_author[names[-1]]
    elif per_author:
        fields["author_affiliations"] = per_author
    return {"authors": names, **fields}


# --------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class _Marker:
    """A marker at the end of a title, as written and as the vocabulary reads it."""

    start: int
    words: str
    icon: str
    written: str


def _bold_marker(title: str) -> re.Match[str] | None:
    """A bold marker after some title text: after an icon ("🏆 **…**"), or in capitals ("**ORAL**")."""
    match = _MARKER.search(title)
    if match and title[: match.start()].strip() and (match["icon"] or _is_capitals(match["marker"])):
        return match
    return None


def _last_marker(title: str) -> _Marker | None:
    """The marker ending ``title``: "🏆 **BEST PAPER**", "(Oral)", or a bold marker and its qualifier."""
    symbols = _TRAILING_SYMBOLS.search(title)
    if symbols and _last_marker(title[: symbols.start()].rstrip()) is not None:
        # "🏆 **GOLDEN GOOSE PRIZE** 🌈": the marker before the decoration is read, the decoration kept as written.
        return _Marker(symbols.start(), "", symbols["symbols"], symbols["symbols"])
    paren = _TRAILING_BRACKETS.search(title)
    if paren and title[: paren.start()].strip():
        inner = paren["paren"] or paren["bracket"]
        if read_marker(inner) is not None:
            # "(Oral)", "[Spotlight]", "(Best Paper Award)": a marker of its own.
            return _Marker(paren.start(), inner, "", paren[0].strip())
        if paren["bracket"]:
            return None
        bold = _bold_marker(title[: paren.start()].rstrip())
        if bold is None:
            return None
        # "🏆 **BEST PAPER AWARD** (Datasets & Benchmarks Track)": the parentheses qualify the marker.
        words = f"{bold['marker']} ({inner.strip()})"
        return _Marker(bold.start(), words, (bold["icon"] or "").strip(), f"{bold[0].strip()} {paren[0].strip()}")
    bold = _bold_marker(title)
    if bold is None:
        return None
    return _Marker(bold.start(), bold["marker"], (bold["icon"] or "").strip(), bold[0].strip())


def read_heading(text: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A paper heading's title, presentation and award; markers it cannot use, with the reason.

    Markers are read from the end in whatever order they come. A title that is a link
    ("[Title](url)") gives the title and a link.
    """
    facts: dict[str, Any] = {}
    leftovers: list[tuple[str, str]] = []
    title = text.strip()
    while marker := _last_marker(title):
        recognised = read_marker(marker.words, marker.icon)
        if recognised is None:
            leftovers.insert(0, (marker.written, "is not in the vocabulary"))
        elif recognised[0] in facts:
            leftovers.insert(0, (marker.written, f"is a second {recognised[0]}"))
        else:
            facts[recognised[0]] = recognised[1]
        title = title[: marker.start].rstrip()
    if title != text.strip():
        # "Title — 🏆 **BEST PAPER**": the separator went with the marker.
        title = title.rstrip(" -–—:|·").strip() or title
    title = _take_inner_markers(title, facts, leftovers)
    if link := _WHOLE_LINK.match(title):
        title = link["label"].strip()
        facts["links"] = [{"label": label_for_url(link["url"]), "url": link["url"]}]
    if "award" in facts:
        facts["award"] = plain_text(facts["award"])
    return {"title": plain_text(title), **facts}, leftovers


def _take_inner_markers(title: str, facts: dict[str, Any], leftovers: list[tuple[str, str]]) -> str:
    """The title without the markers the validator finds in titles, which the ones at its end did not cover.

    "Paper ⭐", "Paper 🏆 Best Paper", "Paper (Oral) Extended": a record's title holds no
    marker (``vocabulary.title_markers`` decides what one is), so each is taken out; one
    that names a field the heading has not set sets it, any other is kept as written.
    """
    markers = title_markers(title)
    if not markers:
        return title
    for marker in markers:
        if marker.field in ("award", "presentation") and marker.value and marker.field not in facts:
            facts[marker.field] = marker.value
        else:
            leftovers.append((marker.text, "is not in the vocabulary, or is a second one"))
    kept = without_title_markers(title).strip(" -–—:|·")
    # A title that is nothing but markers stays as it is: there is no other title to keep.
    return kept if kept and re.search(r"\w", kept) else title


# --------------------------------------------------------------------------- paper blocks


@dataclass
class Item:
    """A line of a paper's body, with its list marker and label taken apart."""

    line: int
    raw: str
    indent: int
    bullet: bool
    column: int
    text: str
    label: str | None = None
    value: str = ""
    blank: bool = False
    loose: bool = False


@dataclass
class Field:
    """A labelled field of a paper and the lines that belong to it."""

    kind: FieldKind
    label: str
    line: int
    indent: int
    column: int
    bullet: bool
    value: str
    # The label's line as written (without its list marker), kept when the field is empty.
    written: str = ""
    items: list[Item] = field(default_factory=list)


def _item(token: Token) -> Item:
    if token.kind == "blank":
        return Item(token.number, "", 0, False, 0, "", blank=True)
    if token.kind == "subheading":
        return Item(token.number, token.text, 0, False, 0, token.text, label=token.text.rstrip(":").strip())
    indent, bullet, column, text = split_bullet(token.text)
    item = Item(token.number, token.text, indent, bullet, column, text)
    if label := read_label(text):
        item.label, item.value = plain_text(label[0]), label[1]
    return item


def _all_links(value: str) -> bool:
    reading = parse_links(value)
    return bool(reading.links) and not reading.label_only and not reading.leftovers


def _opens_field(item: Item, current: Field | None, base: int) -> bool:
    """Whether a labelled line starts a field of its own or is part of the text around it."""
    if item.label is None:
        return False
    if current is None or item.indent <= base or not item.value:
        return True
    kind = field_kind(item.label)
    return kind in _NESTED_KINDS or (kind == "links" and _all_links(item.value))


def _accepts(current: Field, item: Item) -> bool:
    """Whether a field written as a paragraph ("**Key Results:**") takes this following line."""
    if current.kind in _TEXT_KINDS:
        return True
    if current.kind == "key_results":
        # Its list items, and lines indented under them; a paragraph at the margin is not a result.
        return item.bullet or (item.indent > current.indent and any(not line.blank for line in current.items))
    if current.kind == "links":
        return bool(_links_in(item.text, current.label)[0])
    return current.kind == "authors" and item.bullet


def _open_field(item: Item) -> Field:
    label = item.label or ""
    return Field(field_kind(label), label, item.line, item.indent, item.column, item.bullet, item.value, item.text)


def _belongs(item: Item, current: Field, after_blank: bool) -> bool:
    if current.bullet and item.indent > current.indent:
        return True
    # A lazy continuation: a paragraph line directly after a line of the field.
    if not after_blank and not item.bullet:
        return True
    return not current.bullet and item.indent >= current.indent and _accepts(current, item)


@dataclass
class PaperReading:
    """Everything read from one paper block."""

    line: int
    end: int
    facts: dict[str, Any]
    summary: str = ""
    key_results: list[str] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)


class PaperReader:
    """Reads one paper block into facts, summary, key results and notes, collecting warnings."""

    def __init__(self, source: str, warnings: list[Finding]) -> None:
        self.source = source
        self.warnings = warnings

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Finding(self.source, line, 1, "warning", message))

    def read(self, heading: Token, body: list[Token]) -> PaperReading:
        facts, leftovers = read_heading(heading.text)
        reading = PaperReading(heading.number, max([heading.number] + [t.number for t in body]), facts)
        for written, reason in leftovers:
            reading.notes.append({"label": "Note", "text": written})
            self.warn(
                heading.number,
                f"marker '{written}' {reason}; kept as a note (generator/vocabulary.py lists the known ones)",
            )
        fields = self.group(body)
        for item in fields:
            self.apply(item, reading)
        _strip_title_duplicate(facts)
        if not fields:
            self.warn(heading.number, f"paper '{facts['title']}' has no fields (Link, Authors, Summary)")
        return reading

    # ---- body

    def items(self, body: list[Token]) -> list[Item]:
        """The body's lines taken apart; a rule counts as a blank line, and text after it is flagged."""
        items: list[Item] = []
        after_rule = False
        for token in body:
            if token.kind == "rule":
                # A rule ends the paragraph above it, like a blank line.
                after_rule = True
                items.append(_item(Token("blank", token.number, "")))
                continue
            if after_rule and token.kind != "blank":
                self.warn(
                    token.number,
                    "text after the '---' that ends a paper, before the next heading; kept with the paper above",
                )
                after_rule = False
            items.append(_item(token))
        return items

    def group(self, body: list[Token]) -> list[Field]:
        """Split a paper's body into its fields, keeping every line somewhere."""
        items = self.items(body)
        base = min((item.indent for item in items if not item.blank), default=0)
        fields: list[Field] = []
        current: Field | None = None
        after_blank = False
        for item in items:
            if item.blank:
                if current is not None:
                    current.items.append(item)
                after_blank = True
                continue
            if _opens_field(item, current, base):
                current = _open_field(item)
                fields.append(current)
            elif current is not None and _belongs(item, current, after_blank):
                current.items.append(item)
            else:
                current = self.loose(item, current, fields, base)
            after_blank = False
        return fields

    def loose(self, item: Item, current: Field | None, fields: list[Field], base: int) -> Field:
        """A line outside any field: a new paragraph of the text field above it, or a note of its own."""
        if current is not None and current.kind in _TEXT_KINDS:
            item.loose = True
            current.items.append(item)
            self.warn(
                item.line, f"text outside any '**Label:**' field; kept as a paragraph of the paper's {current.label}"
            )
            return current
        self.warn(item.line, "text outside any '**Label:**' field; kept as a note")
        note = Field("note", "Note", item.line, base, base, False, _dedent(item.raw, base))
        fields.append(note)
        return note

    def apply(self, item: Field, reading: PaperReading) -> None:
        """Put one field where it belongs: a fact, the summary, the key results, or a note."""
        if not item.value and all(line.blank for line in item.items):
            reading.notes.append({"label": "Note", "text": item.written})
            self.warn(item.line, f"'{item.label}' is a label with nothing under it; kept as a note")
            return
        if item.kind == "links":
            self.apply_links(item, reading.facts, reading.notes)
            return
        if item.kind == "authors":
            self.apply_authors(item, reading.facts)
            return
        if item.kind == "summary" and not reading.summary:
            reading.summary = _text_of(item)
            return
        if item.kind == "key_results":
            reading.key_results.extend(_results_of(item))
            return
        if item.kind in ("award", "presentation"):
            if self.apply_recognition(item, reading.facts):
                return
            self.warn(item.line, f"'{item.label}' is not in the vocabulary, or a second one; kept as a note")
        elif item.kind != "note":
            self.warn(item.line, f"a second '{item.label}' field; kept as a note")
        reading.notes.append({"label": item.label, "text": _text_of(item)})

    def apply_links(self, item: Field, facts: dict[str, Any], notes: list[dict[str, str]]) -> None:
        lines = [(item.line, item.value)] + [(line.line, line.text) for line in item.items if not line.blank]
        for index, (number, text) in enumerate(lines):
            if not text:
                continue
            if index and not _links_in(text, item.label)[0]:
                # A following line without a link is prose that ran on, not a link's label.
                notes.append({"label": item.label, "text": text})
                self.warn(number, f"a line under '{item.label}' with no link in it; kept as a note")
                continue
            reading = parse_links(text, item.label)
            generic = item.label.casefold() in _LINK_FIELD_LABELS
            links = facts.setdefault("links", [])
            # A URL written twice (in the Link field and again under a "Link" note) is one link.
            links.extend(
                link
                for link in reading.links
                if (generic or "url" in link) and ("url" not in link or link not in links)
            )
            for label in reading.label_only:
                if generic:
                    self.warn(number, f"'{label}' has no URL; kept as a link with a label only")
                else:
                    # "**Code:** coming soon": the label says what it is, so it stays with its text.
                    notes.append({"label": item.label, "text": label})
                    self.warn(number, f"'{label}' under '{item.label}' has no URL; kept as a note")
            for leftover in reading.leftovers:
                notes.append({"label": item.label, "text": leftover})
                self.warn(
                    number, f"'{leftover}' mixes links with other text; links taken, the whole text kept as a note"
                )

    def apply_authors(self, item: Field, facts: dict[str, Any]) -> None:
        parts = [item.value] if item.value else []
        for line in item.items:
            if line.blank:
                continue
            if line.bullet or not parts:
                parts.append(line.text)
            else:
                parts[-1] = f"{parts[-1]} {line.text}"
        parsed = parse_authors(", ".join(parts))
        if facts.get("authors"):
            self.warn(item.line, f"a second '{item.label}' field; its names are added to the first")
            known = set(facts["authors"])
            facts["authors"] = facts["authors"] + [name for name in parsed.pop("authors") if name not in known]
            for key, value in parsed.items():
                facts.setdefault(key, value)
            return
        facts.update(parsed)

    def apply_recognition(self, item: Field, facts: dict[str, Any]) -> bool:
        """An "**Award:**" or "**Presentation:**" field whose value the vocabulary knows."""
        value = " ".join([item.value] + [line.text for line in item.items if not line.blank]).strip()
        recognised = read_marker(value, "🏆" if item.kind == "award" else "")
        if recognised is None or recognised[0] != item.kind or item.kind in facts:
            return False
        facts[item.kind] = recognised[1]
        return True


def _is_capitals(text: str) -> bool:
    return any(char.isalpha() for char in text) and text == text.upper()


def _dedent(text: str, width: int) -> str:
    return text[width:] if text[:width].strip() == "" else text.lstrip()


def join_markdown(lines: list[str]) -> str:
    """Join text lines, with the blank line Markdown needs before a list."""
    out: list[str] = []
    for line in lines:
        starts_list = bool(_BULLET.match(line)) and not line.startswith(" ")
        if out and starts_list and out[-1].strip() and not _BULLET.match(out[-1].lstrip()):
            out.append("")
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _text_of(item: Field) -> str:
    lines = [item.value] if item.value else []
    for line in item.items:
        if line.blank:
            lines.append("")
        elif line.loose:
            lines.extend(["", line.text])
        else:
            lines.append(_dedent(line.raw, item.column))
    return join_markdown(lines)


def _results_of(item: Field) -> list[str]:
    """Key results: one per list item; deeper lines continue the item above them."""
    results = [item.value] if item.value else []
    level: int | None = None
    column = item.column
    for line in item.items:
        if line.blank:
            continue
        if line.bullet and (level is None or line.indent <= level + 1):
            level = line.indent if level is None else level
            results.append(line.text)
            column = line.column
        elif results:
            results[-1] += "\n" + _dedent(line.raw, column)
        else:
            results.append(line.text)
    return [result for result in results if result.strip()]


def _strip_title_duplicate(facts: dict[str, Any]) -> None:
    """Drop a trailing "(Org)" from a title when the authors line already names it."""
    match = _TRAILING_PAREN.search(facts["title"])
    if not match or not facts["title"][: match.start()].strip():
        return
    known = set(facts.get("authors", [])) | {facts.get("affiliation")}
    if match["inner"].strip() in known:
        facts["title"] = facts["title"][: match.start()].strip()
