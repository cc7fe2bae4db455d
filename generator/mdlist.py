"""Read a paper list in the curator's hand-written Markdown format into its parts.

The format, as the curator writes it: a ``#`` title and an intro, a table of contents,
numbered ``##`` sections and ``###`` subsections, and a ``####`` heading per paper
followed by ``**Label:** value`` fields (as bullets or as paragraphs) and ended by
``---``. Hand-written lists vary, so the structure is read from what each heading
holds rather than from its level alone:

- a heading whose body has paper fields (Link, Authors, Summary, Key Results…) or
  whose title ends in an award or presentation marker is a paper, at any level
  below the title, unless it is numbered like a section ("2.1 …") at level 2 or 3;
- a heading at level 4 or deeper is a paper unless it is numbered and holds no fields;
- any other heading is structure: the shallowest such level gives sections, the
  deeper ones subsections; papers belong to the last section and subsection above them.

Nothing is dropped except HTML comments, the table of contents and what follows
``<!-- end of list -->``. Text this module cannot place is kept in the nearest place
that can hold text (a paper's note, the list's description), and a warning says where
it came from. Only a document without a single paper is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .escape import CODE_SPAN
from .findings import Finding
from .mdpaper import RULE, PaperReader, PaperReading, Token, field_kind, has_fields, has_marker, plain_text
from .text import RESERVED_IDS, slugify

END_OF_LIST = "<!-- end of list -->"
# The generated README's notes on the project, under its intro: not part of the list.
PROJECT_NOTES = "<!-- project notes -->"
END_OF_PROJECT_NOTES = "<!-- end of project notes -->"
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
# "1. Systems", "2.1 Speculative Decoding": the numbering of sections, not of paper titles
# ("1000 Layer Networks …" has no dot, so it is not numbered).
_NUMBERED = re.compile(r"^(?:\d+\.)+\d*\s+")
_TOC_TITLES = frozenset({"table of contents", "contents", "toc"})
_AUTOLINK = re.compile(r"<(?P<url>https?://[^\s<>]+)>")
_INDEX_LINK = re.compile(r"\]\((?P<target>[^)\s#]+\.md)(?:#[^)]*)?\)")


class ListError(Exception):
    """A document the importer refuses: it holds no paper at all."""

    def __init__(self, source: str, line: int, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        super().__init__(f"{source}:{line}: error: {message}")


# --------------------------------------------------------------------------- lines


def _heading(line: str) -> tuple[int, str] | None:
    match = _HEADING.match(line)
    if not match:
        return None
    text = _CLOSING_HASHES.sub("", match["text"] or "").strip()
    return len(match["hashes"]), text


def _in_code_span(line: str) -> Callable[[int], bool]:
    """Whether a position of ``line`` is inside one of its code spans, where markup is text."""
    spans = [match.span() for match in CODE_SPAN.finditer(line)] if "`" in line else []
    return lambda at: any(start <= at < end for start, end in spans)


def _comment_start(line: str) -> int:
    """Where an HTML comment opens on ``line``, outside code spans; -1 when none does."""
    in_code = _in_code_span(line)
    at = line.find("<!--")
    while at >= 0 and in_code(at):
        at = line.find("<!--", at + 4)
    return at


def _comment_close(lines: list[str], index: int, start: int) -> tuple[int, int] | None:
    """Where the HTML comment opened at ``start`` on ``lines[index]`` ends: (line index, column after ``-->``)."""
    column = start + 4
    for number in range(index, len(lines)):
        at = lines[number].find("-->", column if number == index else 0)
        if at >= 0:
            return number, at + 3
    return None


def _classify(number: int, line: str) -> Token:
    if not line.strip():
        return Token("blank", number, "")
    if RULE.match(line):
        return Token("rule", number, line)
    if heading := _heading(line):
        return Token("heading", number, heading[1], heading[0])
    return Token("text", number, line)


def _notes_end(lines: list[str], start: int) -> int | None:
    """The line that closes the project notes opened at ``start``, if any does."""
    return next((index for index in range(start + 1, len(lines)) if lines[index].strip() == END_OF_PROJECT_NOTES), None)


def scan(text: str) -> list[Token]:
    """Classify each line; skip HTML comments and project notes; stop at ``<!-- end of list -->``.

    A comment that is never closed is text, not the rest of the document; text after a
    comment's ``-->`` on its last line is kept. Lines in a fenced code block are text.
    """
    lines = [line.expandtabs(4).rstrip() for line in text.splitlines()]
    tokens: list[Token] = []
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = ""
            tokens.append(Token("text", index + 1, line))
        elif opening:
            fence = opening["fence"]
            tokens.append(Token("text", index + 1, line))
        elif line.strip() == END_OF_LIST:
            break
        elif line.strip() == PROJECT_NOTES and (end := _notes_end(lines, index)):
            index = end
        elif (start := _comment_start(line)) >= 0 and (close := _comment_close(lines, index, start)):
            # The comment goes, wherever it is on the line ("#### Title <!-- todo -->"); the text
            # around it is read again, as one line, for another comment.
            index, column = close
            rest = f"{line[:start].rstrip()} {lines[index][column:].lstrip()}".rstrip()
            if rest.strip():
                lines[index] = rest if line[:start].strip() else lines[index][column:]
                continue
        else:
            tokens.append(_classify(index + 1, _autolinks_as_links(line)))
        index += 1
    return tokens


def _autolinks_as_links(line: str) -> str:
    """``<https://…>`` (Markdown's autolink) as ``[https://…](https://…)``, which renders the same.

    The validator takes any ``<`` before a letter for raw HTML, so an autolink kept as
    written would stop the build; code spans keep theirs.
    """
    if "<http" not in line:
        return line
    in_code = _in_code_span(line)

    def link(match: re.Match[str]) -> str:
        if in_code(match.start()):
            return match[0]
        return f"[{match['url']}]({match['url']})"

    return _AUTOLINK.sub(link, line)


# --------------------------------------------------------------------------- document


Role = Literal["title", "toc", "empty", "subheading", "paper", "structure"]


@dataclass
class Block:
    """A heading and the lines up to the next heading."""

    heading: Token
    body: list[Token] = field(default_factory=list)
    role: Role = "structure"


@dataclass
class _Division:
    """A section or subsection while the document is read."""

    title: str
    line: int
    id: str
    text: list[Token] = field(default_factory=list)
    papers: int = 0
    children: list[_Division] = field(default_factory=list)


@dataclass
class _Paper:
    """A paper block and where it sits, until the whole document is read."""

    section: _Division
    subsection: _Division | None
    heading: Token
    body: list[Token]


@dataclass
class ParsedList:
    """What a Markdown list holds: its header, its sections and its papers in order."""

    title: str
    description: str
    sections: list[dict[str, Any]]
    papers: list[tuple[str, PaperReading]]
    warnings: list[Finding]


def _blocks(tokens: list[Token]) -> tuple[list[Token], list[Block]]:
    """The lines before the first heading, and a block per heading."""
    preamble: list[Token] = []
    blocks: list[Block] = []
    for token in tokens:
        if token.kind == "heading":
            blocks.append(Block(token))
        else:
            (blocks[-1].body if blocks else preamble).append(token)
    return preamble, blocks


def _is_toc(title: str) -> bool:
    words = re.sub(r"[^\w\s]", " ", title).split()
    return " ".join(words).casefold() in _TOC_TITLES


def _is_paper(level: int, title: str, body: list[Token]) -> bool:
    evidence = has_fields(body) or has_marker(title)
    numbered = bool(_NUMBERED.match(title))
    if level >= 4:
        return evidence or not numbered
    return evidence and not numbered


def _is_subheading(block: Block, paper_level: int | None) -> bool:
    """A deeper heading inside a paper ("##### Key Results") that labels part of the paper."""
    if paper_level is None or block.heading.level <= paper_level:
        return False
    return field_kind(block.heading.text.rstrip(":")) != "note" or not has_fields(block.body)


def classify(blocks: list[Block]) -> None:
    """Give each block its role: the title, the table of contents, a paper, or structure."""
    paper_level: int | None = None
    for index, block in enumerate(blocks):
        heading = block.heading
        if index == 0 and heading.level == 1:
            block.role = "title"
        elif _is_toc(heading.text):
            block.role, paper_level = "toc", None
        elif not heading.text:
            block.role = "empty"
        elif _is_subheading(block, paper_level):
            block.role = "subheading"
        elif _is_paper(heading.level, heading.text, block.body):
            block.role, paper_level = "paper", heading.level
        else:
            block.role, paper_level = "structure", None


def _section_level(blocks: list[Block]) -> int:
    """The heading level of sections: the shallowest structure before the first paper.

    Counting only what comes before the first paper keeps a trailing "# Appendix" from
    turning every "##" section into a subsection.
    """
    levels: list[int] = []
    for block in blocks:
        if block.role == "paper" and levels:
            break
        if block.role == "structure":
            levels.append(block.heading.level)
    return min(levels, default=2)


def _new_division(siblings: list[_Division], title: str, line: int) -> _Division:
    """A section or subsection with an id unique among its siblings ("stuff", "stuff-2")."""
    base = slugify(title) or f"section-{len(siblings) + 1}"
    # An id the site keeps for its own pages ("papers", "index") gets a suffix, as a taken one does.
    taken = {sibling.id for sibling in siblings} | RESERVED_IDS
    division_id, number = base, 2
    while division_id in taken:
        division_id, number = f"{base}-{number}", number + 1
    division = _Division(title, line, division_id)
    siblings.append(division)
    return division


class _Assembler:
    """Builds the sections, papers and description from classified blocks, in document order."""

    def __init__(self, source: str, section_level: int) -> None:
        self.source = source
        self.section_level = section_level
        self.warnings: list[Finding] = []
        self.title = ""
        self.intro: list[Token] = []
        # Text kept for the end of the description, by source line.
        self.extra: list[tuple[int, str]] = []
        self.sections: list[_Division] = []
        self.section: _Division | None = None
        self.subsection: _Division | None = None
        self.papers: list[_Paper] = []
        self.paper_open = False

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Finding(self.source, line, 1, "warning", message))

    def add(self, block: Block) -> None:
        if block.role == "title":
            self.title = plain_text(block.heading.text)
            self.intro.extend(block.body)
        elif block.role == "toc":
            self.paper_open = False
            self.table_of_contents(block.body)
        elif block.role == "empty":
            self.warn(block.heading.number, "a heading with no text; the lines under it stay with what came before")
            self.continue_previous(block.body)
        elif block.role == "subheading":
            self.continue_previous([Token("subheading", block.heading.number, block.heading.text), *block.body])
        elif block.role == "paper":
            self.paper(block)
        else:
            self.structure(block)

    def table_of_contents(self, body: list[Token]) -> None:
        for token in body:
            text = token.text
            if token.kind == "text" and "](#" not in text and not text.lstrip().startswith("|"):
                self.extra.append((token.number, text))
                self.warn(
                    token.number,
                    "text in the table of contents that is not a link to a heading; kept in the list's description",
                )

    def continue_previous(self, body: list[Token]) -> None:
        """Lines whose heading gave no new place: they stay with the paper or division above."""
        if self.paper_open:
            self.papers[-1].body.extend(body)
        elif division := self.subsection or self.section:
            division.text.extend(token for token in body if token.kind == "text")
        else:
            for token in body:
                if token.kind == "text":
                    self.extra.append((token.number, token.text))
                    self.warn(token.number, "text outside any paper; kept at the end of the list's description")

    def paper(self, block: Block) -> None:
        if self.section is None:
            self.section = _new_division(self.sections, "Papers", block.heading.number)
            self.warn(block.heading.number, "a paper before any section heading; placed in a section 'Papers'")
        self.section.papers += 1
        if self.subsection is not None:
            self.subsection.papers += 1
        self.papers.append(_Paper(self.section, self.subsection, block.heading, list(block.body)))
        self.paper_open = True

    def structure(self, block: Block) -> None:
        heading = block.heading
        title = plain_text(_NUMBERED.sub("", heading.text).strip() or heading.text)
        if heading.level <= self.section_level or self.section is None:
            if heading.level > self.section_level:
                self.warn(heading.number, f"subsection '{title}' before any section; read as a section")
            self.section = _new_division(self.sections, title, heading.number)
            self.subsection = None
        else:
            self.subsection = _new_division(self.section.children, title, heading.number)
        (self.subsection or self.section).text.extend(token for token in block.body if token.kind == "text")
        self.paper_open = False

    def finish(self) -> ParsedList:
        """Read every paper, settle the sections, and put the description together."""
        reader = PaperReader(self.source, self.warnings)
        papers = [(self.category(paper), reader.read(paper.heading, paper.body)) for paper in self.papers]
        sections = [entry for section in self.sections if (entry := self.section_entry(section)) is not None]
        intro = "\n".join(token.text for token in self.intro if token.kind in ("text", "blank")).strip()
        description = "\n\n".join(part for part in (intro, _join_lines(self.extra)) if part)
        return ParsedList(self.title, description, sections, papers, sorted(self.warnings))

    @staticmethod
    def category(paper: _Paper) -> str:
        if paper.subsection is None:
            return paper.section.id
        return f"{paper.section.id}/{paper.subsection.id}"

    def section_entry(self, section: _Division) -> dict[str, Any] | None:
        """The section's taxonomy entry; a section of text only becomes part of the description."""
        if section.papers == 0 and (section.text or any(child.text for child in section.children)):
            self.prose(section)
            return None
        if section.papers == 0:
            self.warn(section.line, f"section '{section.title}' has no papers")
        subsections = []
        for child in section.children:
            if child.papers == 0 and child.text:
                self.prose(child)
                continue
            if child.papers == 0:
                self.warn(child.line, f"subsection '{child.title}' has no papers")
            self.kept_in_description(child)
            subsections.append({"id": child.id, "title": child.title})
        self.kept_in_description(section)
        return {"id": section.id, "title": section.title, "subsections": subsections}

    def prose(self, division: _Division) -> None:
        """A heading with text and no papers ("Related Resources"): its heading and text join the description."""
        self.warn(
            division.line,
            f"'{division.title}' holds text but no papers; "
            "its heading and text are kept at the end of the list's description",
        )
        self.extra.append((division.line, f"**{division.title}**"))
        self.extra.extend((token.number, token.text) for token in division.text)
        for child in division.children:
            self.prose(child)

    def kept_in_description(self, division: _Division) -> None:
        for token in division.text:
            self.extra.append((token.number, token.text))
            self.warn(
                token.number,
                f"text under '{division.title}' outside any paper; kept at the end of the list's description",
            )


def _join_lines(lines: list[tuple[int, str]]) -> str:
    """Lines kept from around the document, in source order; a gap between them starts a paragraph."""
    out: list[str] = []
    previous: int | None = None
    for number, text in sorted(lines, key=lambda line: line[0]):
        if previous is not None:
            out.append("\n" if number == previous + 1 else "\n\n")
        out.append(text)
        previous = number
    return "".join(out).strip()


def _index_links(tokens: list[Token]) -> list[str]:
    targets: list[str] = []
    for token in tokens:
        for match in _INDEX_LINK.finditer(token.text):
            if match["target"] not in targets and "://" not in match["target"]:
                targets.append(match["target"])
    return targets


def _refuse(tokens: list[Token], source: str) -> ListError:
    everything = [token for token in tokens if token.kind in ("text", "heading")]
    if lists := _index_links(everything):
        names = ", ".join(lists[:4]) + (", …" if len(lists) > 4 else "")
        return ListError(
            source,
            1,
            f"this is a collection's index, not a list: it holds no papers and links to the lists "
            f"({names}); import each list file with its own --list id, then this file with "
            "`python -m generator import-index FILE`",
        )
    return ListError(
        source,
        1,
        "no papers found: expected a '#### Paper title' heading followed by fields such as "
        "'- **Link:** URL', '- **Authors:** names' and '- **Summary:** text'",
    )


def parse_list(text: str, source: str = "<input>") -> ParsedList:
    """Read a Markdown list; raise ListError when it holds no paper at all."""
    tokens = scan(text)
    preamble, blocks = _blocks(tokens)
    classify(blocks)
    if not any(block.role == "paper" for block in blocks):
        raise _refuse(tokens, source)
    assembler = _Assembler(source, _section_level(blocks))
    assembler.intro.extend(preamble)
    for block in blocks:
        assembler.add(block)
    if not assembler.title:
        assembler.warn(1, "no '# Title' line at the top of the list")
    return assembler.finish()
