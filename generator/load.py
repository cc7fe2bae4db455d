"""Read the YAML data files, keeping where each value came from.

Only this module touches the data files. It refuses what could hurt a build
(symlinks, huge files, YAML tags, alias bombs) before anything is constructed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .findings import DataError, Finding, Rule
from .paths import display_path, link_message, links_under
from .routes import MKDOCS_YML
from .text import character_name
from .yamlio import SafeConstructor, SafeLoader, load_site_config

MAX_FILE_BYTES = 200_000
# A record nests three levels deep; far deeper input would overflow the C parser's stack.
MAX_DEPTH = 100
PAPERS_DIR = "papers"
TAXONOMY_FILE = "taxonomy.yml"
TAGS_FILE = "tags.yml"
# A collection of lists: one file per list under lists/, and the collection's header.
LISTS_DIR = "lists"
COLLECTION_FILE = "collection.yml"

Position = tuple[int, int]
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data, and the text it came from."""

    path: Path
    display: str
    data: Any
    text: str = field(repr=False)

    @property
    def stem(self) -> str:
        return self.path.stem

    @cached_property
    def positions(self) -> dict[KeyPath, Position]:
        """The line and column of every key and item.

        Only a finding needs them, so the text is parsed again for the few files that
        have one, instead of tracking positions for every file on every build.
        """
        loader = SafeLoader(self.text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        return _collect_positions(root) if root is not None else {}

    def where(self, key_path: KeyPath = ()) -> Position:
        """Line and column of ``key_path``, or of its nearest parent that exists."""
        for end in range(len(key_path), -1, -1):
            if key_path[:end] in self.positions:
                return self.positions[key_path[:end]]
        return (1, 1)

    def finding(self, key_path: KeyPath, severity: str, message: str, rule: str = "") -> Finding:
        line, column = self.where(key_path)
        return Finding(self.display, line, column, severity, message, rule)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RawData:
    """Every data file of a list, parsed but not yet checked."""

    entries_dir: Path
    # The single list's taxonomy, or a collection's header (collection.yml).
    taxonomy: Document
    tags: Document | None
    papers: list[Document]
    # mkdocs.yml, which holds the site's settings (its address, the repository, the branch).
    site: Document | None = None
    # A collection's lists (lists/<list>.yml), by file name; none for a single list.
    lists: list[Document] = field(default_factory=list)

    @property
    def is_collection(self) -> bool:
        """A project with list files under lists/ is a collection of lists."""
        return bool(self.lists)


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Scalar types a record may hold; anything else (binary, sets, python objects) is refused.
_OTHER_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp"))
_KEY_TAGS = _OTHER_SCALARS | {_STR}
_RESOLVER = yaml.resolver.Resolver()
# Characters YAML itself refuses in a file (it accepts them only as escapes in quotes).
_NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _error(display: str, message: str, rule: Rule, line: int = 1, column: int = 1) -> DataError:
    """A file that cannot be read, with the one place and reason why."""
    return DataError([Finding(display, line, column, "error", message, rule)])


def _refuse(display: str, node: yaml.Node, message: str, rule: Rule) -> DataError:
    return _error(display, message, rule, node.start_mark.line + 1, node.start_mark.column + 1)


def _under(key_path: KeyPath) -> str:
    """`` under 'links.0.url'``, to say where in the file a node sits; nothing at the top."""
    return f" under '{'.'.join(map(str, key_path))}'" if key_path else ""


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


_SCALAR_KINDS = {"int": "a whole number", "float": "a decimal number", "bool": "true or false", "null": "empty"}


def _too_deep(text: str) -> Position | None:
    """Where ``text`` nests collections deeper than MAX_DEPTH, if it does.

    Every level needs an indicator character, so most files are cleared by counting
    them; only the rest pay for a walk over the parser's events.
    """
    if sum(text.count(indicator) for indicator in "[{-:?") <= MAX_DEPTH:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH and (mark := event.start_mark):
                    return (mark.line + 1, mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        # libyaml scans a flow collection ahead of its events, and stops at its own
        # limit (1,000 levels) before this walk has seen the 101st.
        if "nesting depth" in (error.problem or "") and error.problem_mark:
            return (error.problem_mark.line + 1, error.problem_mark.column + 1)
        raise
    return None


def _collect_positions(root: yaml.Node) -> dict[KeyPath, Position]:
    positions: dict[KeyPath, Position] = {(): (root.start_mark.line + 1, root.start_mark.column + 1)}
    stack: list[tuple[KeyPath, yaml.Node]] = [((), root)]
    while stack:
        key_path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*key_path, key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node))
                positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                positions[(*key_path, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                stack.append(((*key_path, index), item))
    return positions


def _comment_after(node: yaml.Node, text: str) -> int | None:
    """Where a comment starts right after a plain value on its line, if one does.

    ``title: C# for #1 Models`` is the title "C# for" and a comment: YAML ends a plain value
    at a '#' after white space. Text and empty values followed by one are refused, since
    the writer most likely meant the '#' as text. Numbers and dates are left alone.
    """
    index = node.end_mark.index
    while index < len(text) and text[index] in " \t":
        index += 1
    if index == node.end_mark.index and node.value:
        return None
    return index if text[index : index + 1] == "#" else None


def _construct(root: yaml.Node, display: str, text: str) -> Any:
    """The data of a composed document.

    Strings, the bulk of every record, are taken straight from their nodes; PyYAML's own
    constructor, which is pure Python even with the C parser, is only asked for the other
    scalars. Dates stay the text they were written as (the schema checks them). Refused,
    with the key they sit under: aliases, which could expand exponentially in any later
    walk; explicit tags (``!!int abc``), which turn text into other types or make
    constructors fail; keys that are not plain words; a key written twice, of which
    YAML would silently keep the last; and a text value a comment cut short (``text`` is the
    file the nodes were composed from).
    """
    return _Constructor(display, text).build(root, ())


class _Constructor:
    """The walk of ``_construct`` over one document's nodes.

    Methods, not nested functions that call each other: those make a reference cycle, which
    a build (that pauses the cycle collector) would keep, with every node id seen, to its end.
    """

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text = text
        self.scalars = SafeConstructor()
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, key_path: KeyPath) -> Any:
        if id(node) in self.seen:
            raise _refuse(
                self.display,
                node,
                f"YAML anchors and aliases (&name, *name) are not allowed in data files{_under(key_path)}; "
                "write the value out",
                Rule.YAML_ALIAS,
            )
        self.seen.add(id(node))
        self.refuse_explicit_tag(node, key_path)
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, key_path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key_path, index)) for index, item in enumerate(node.value)]
        if (
            isinstance(node, yaml.ScalarNode)
            and not node.style
            and (node.tag == _STR or (node.tag == _NULL and not node.value))
        ):
            self.refuse_comment(node, key_path)
        if node.tag == _STR or node.tag == _TIMESTAMP:
            return node.value
        return self.build_scalar(node, key_path)

    def refuse_comment(self, node: yaml.Node, key_path: KeyPath) -> None:
        if (start := _comment_after(node, self.text)) is None:
            return
        line_end = self.text.find("\n", start)
        comment = self.text[start : line_end if line_end >= 0 else len(self.text)].rstrip()
        where = ".".join(map(str, key_path)) or "the value"
        cut = f"is only {node.value!r}" if node.value else "is empty"
        raise _error(
            self.display,
            f"YAML reads {comment[:40]!r} as a comment (a '#' after a space starts one), so '{where}' {cut}; "
            "if the '#' is part of the text, put the whole value in quotes; if it is a comment, "
            "put it on a line of its own",
            Rule.YAML_COMMENT,
            node.end_mark.line + 1,
            node.end_mark.column + 1 + (start - node.end_mark.index),
        )

    def build_mapping(self, node: yaml.MappingNode, key_path: KeyPath) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _KEY_TAGS:
                raise _refuse(
                    self.display,
                    key_node,
                    f"a key{_under(key_path)} must be a plain word, such as title or authors",
                    Rule.YAML_KEY,
                )
            # The key as written: `yes:` is the word yes, not True.
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in lines:
                raise _refuse(
                    self.display,
                    key_node,
                    f"'{'.'.join(map(str, (*key_path, key)))}' is written twice, on lines {lines[key]} and {line}; "
                    "YAML would silently keep only the last, so delete or merge one",
                    Rule.DUPLICATE_KEY,
                )
            lines[key] = line
            mapping[key] = self.build(value_node, (*key_path, key))
        return mapping

    def build_scalar(self, node: yaml.Node, key_path: KeyPath) -> Any:
        if node.tag not in _OTHER_SCALARS:
            raise _refuse(self.display, node, _tag_message(node, key_path), Rule.YAML_TAG)
        # PyYAML's constructors fail in many ways on odd numbers (`0b_`, `._`, 5,000 digits),
        # and no way of theirs may end the run: any failure is the value's fault.
        try:
            return self.scalars.construct_object(node)
        except Exception:
            kind = _SCALAR_KINDS.get(_short_tag(node.tag)[2:], _short_tag(node.tag))
            raise _refuse(
                self.display,
                node,
                f"{node.value[:40]!r}{_under(key_path)} cannot be read as {kind}; put it in quotes if it is text",
                Rule.YAML_SYNTAX,
            ) from None

    def refuse_explicit_tag(self, node: yaml.Node, key_path: KeyPath) -> None:
        """Refuse a tag that differs from the one YAML would infer; ``!!str`` only says "text", so it may stay."""
        if node.tag == _STR:
            # Allowed whatever YAML would infer: most values, and no need to ask the resolver.
            return
        if isinstance(node, yaml.ScalarNode):
            # PyYAML's resolver is untyped; it returns the tag as a string.
            implicit = (
                _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
                if not node.style
                else _STR
            )
        else:
            implicit = _MAP if isinstance(node, yaml.MappingNode) else _SEQ
        if node.tag not in (implicit, _STR):
            raise _refuse(self.display, node, _tag_message(node, key_path), Rule.YAML_TAG)


def _tag_message(node: yaml.Node, key_path: KeyPath) -> str:
    return (
        f"YAML syntax: the tag {_short_tag(node.tag)!r}{_under(key_path)} is not allowed; "
        "YAML tags are not allowed in data files, write the plain value (in quotes if it is text)"
    )


def _read_text(path: Path, display: str) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _error(
            display,
            f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
            "for a data file; shorten the summary or split the record",
            Rule.FILE_SIZE,
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise _error(display, "file is not valid UTF-8; save it as UTF-8", Rule.ENCODING, line, column) from None


def load_document(path: Path, base: Path) -> Document:
    """Parse one YAML file with the safe loader; raise DataError with its location."""
    display = display_path(path, base)
    if path.is_symlink():
        raise _error(display, link_message(path), Rule.SYMLINK)
    text = _read_text(path, display)
    if unprintable := _NOT_YAML_PRINTABLE.search(text):
        start, char = unprintable.start(), unprintable.group()
        raise _error(
            display,
            f"file contains the character {char!r} ({character_name(char)}), which YAML does not allow; delete it",
            Rule.CONTROL_CHARACTER,
            text.count("\n", 0, start) + 1,
            start - (text.rfind("\n", 0, start) + 1) + 1,
        )
    loader = SafeLoader(text)
    try:
        if deep := _too_deep(text):
            raise _error(
                display,
                f"values nest more than {MAX_DEPTH} levels deep, the limit; a record needs three",
                Rule.NESTING,
                *deep,
            )
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value == ""):
            raise _error(display, "file is empty; a record needs at least title and category", Rule.EMPTY_FILE)
        data = _construct(node, display, text)
    except yaml.YAMLError as error:
        raise _syntax_error(display, error, text) from None
    finally:
        loader.dispose()
    return Document(path=path, display=display, data=data, text=text)


def _error_mark(error: yaml.MarkedYAMLError) -> yaml.Mark | None:
    """Where a syntax error is: where the parser gave up; for a line that is not 'key: value', that line;
    for a list or mapping in brackets that is never closed, its opening bracket (the parser gives up only
    at the line after, which the writer did not get wrong)."""
    context = error.context or ""
    unclosed = "flow" in context and "did not find expected" in (error.problem or "")
    if ("simple key" in context or unclosed) and error.context_mark:
        return error.context_mark
    return error.problem_mark or error.context_mark


def _syntax_error(display: str, error: yaml.YAMLError, text: str) -> DataError:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = _error_mark(error)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        hint = syntax_hint(error, text)
        message = f"YAML syntax: {problem}" + (f"; {hint}" if hint else "")
        return _error(display, message, Rule.YAML_SYNTAX, line, column)
    return _error(display, f"YAML syntax: {error}", Rule.YAML_SYNTAX)


# --- What the parser's message means for a person writing a record -------------------
# PyYAML says what it found ("mapping values are not allowed in this context"), not what
# the writer did. These are the usual causes in hand-written records, each with its fix.

_KEY_AND_VALUE = re.compile(r"^(?P<key>\s*(?:-\s+)?[\w-]+):[ \t]+(?P<value>.*?)\s*$")
_LIST_ITEM_WITHOUT_SPACE = re.compile(r"^\s*-[^\s-]")
# What a plain value may not start with: each makes YAML read something else than text.
_INDICATORS = {
    "'": "a quoted value",
    '"': "a quoted value",
    "[": "a list, which must end with ']'",
    "{": "a mapping, which must end with '}'",
    "*": "an alias (**bold** at the start of a value is one too)",
    "&": "an anchor",
    "!": "a tag",
    "|": "a block of text on the next lines",
    ">": "a block of text on the next lines",
    "%": "a directive",
    "@": "a reserved character",
    "`": "a reserved character",
    "?": "a complex key",
}


def _line(text: str, number: int) -> str:
    """Line ``number`` (0-based) of ``text``, or nothing past its end."""
    lines = text.split("\n")
    return lines[number] if 0 <= number < len(lines) else ""


def _value_of(line: str) -> str:
    """The value a line holds, after its indentation, list dashes and key."""
    if match := _KEY_AND_VALUE.match(line):
        return match["value"]
    return line.strip().removeprefix("- ").strip()


def _comment_in(line: str) -> bool:
    """True when a '#' after white space in ``line`` starts a comment outside quotes."""
    value = _value_of(line)
    return not value.startswith(("'", '"')) and bool(re.search(r"\s#", " " + value))


def _quoted(line: str) -> str:
    """``key: 'value'``: the line with its value in single quotes, as the fix to copy."""
    match = _KEY_AND_VALUE.match(line)
    if not match or match["value"].startswith(("'", '"')):
        return ""
    return f" ({match['key'].strip()}: '{match['value'].replace(chr(39), chr(39) * 2)}')"


def syntax_hint(error: yaml.MarkedYAMLError, text: str) -> str:
    """What most likely caused a YAML syntax error, and how to fix it; "" when nothing fits."""
    problem, context = error.problem or "", error.context or ""
    mark = _error_mark(error)
    number = mark.line if mark else 0
    line = _line(text, number)
    column = mark.column if mark else 0
    start = _line(text, error.context_mark.line) if error.context_mark else line
    start_number = (error.context_mark.line if error.context_mark else number) + 1
    if "tab" in problem or "\t" in line[: column + 1] or "\t" in line[: len(line) - len(line.lstrip())]:
        return f"YAML indents with spaces only: replace the tab on line {number + 1} with spaces"
    if "quoted scalar" in context:
        return (
            f"the quote that starts the value on line {start_number} is never closed; "
            "end the value with the same quote mark"
        )
    for candidate, candidate_number in ((line, number + 1), (start, start_number)):
        if _LIST_ITEM_WITHOUT_SPACE.match(candidate):
            item = candidate.strip()
            return f"a list item needs a space after its '-': write '- {item[1:]}' on line {candidate_number}"
    if "mapping values are not allowed" in problem:
        head = line[:column]
        if _KEY_AND_VALUE.match(head) or len(head.strip().removeprefix("- ").split()) > 1:
            return (
                f"the value on line {number + 1} contains ': ', which YAML reads as the start of another key; "
                f"put the whole value in quotes{_quoted(line)}"
            )
        return (
            f"line {number + 1} is read as part of the value above it: start each key in the same column "
            "as the keys beside it, and end the line above with a complete 'key: value'"
        )
    if number > 0 and _comment_in(_line(text, number - 1)):
        return (
            f"the '#' on line {number} starts a comment, which ends that value; "
            "if it is part of the text, put the whole value in quotes"
        )
    value = _value_of(start if "simple key" in context or "flow" in context else line)
    if value[:1] in _INDICATORS and "block mapping" in context and value[:1] in "'\"":
        return (
            f"the value on line {number + 1} starts with a quote, so it ends at the next one; inside '…' write "
            "a ' as '' (It''s), or quote the whole value with the other kind of quote"
        )
    if value[:1] in _INDICATORS:
        return (
            f"a value that starts with {value[:1]!r} is read as {_INDICATORS[value[:1]]}; "
            "if it is text, put the whole value in quotes"
        )
    if "expected '-' indicator" in problem:
        return (
            f"line {number + 1} is not lined up with the list item above it: the keys of one item "
            "start in the same column, just after its '- '"
        )
    if "expected ':'" in problem:
        return (
            f"line {start_number} is neither 'key: value' nor indented under the key above it; "
            "if it continues the value above, indent it"
        )
    if "expected key" in problem:
        return f"check line {number + 1}: keys at the same level start in the same column"
    return ""


def load_site_settings(path: Path, base: Path) -> Document:
    """mkdocs.yml, parsed for the settings the generator reads; MkDocs' own tags (``!ENV``) read as nothing."""
    display = display_path(path, base)
    if path.is_symlink():
        raise _error(display, link_message(path), Rule.SYMLINK)
    text = _read_text(path, display)
    try:
        data = load_site_config(text)
    except yaml.YAMLError as error:
        raise _syntax_error(display, error, text) from None
    return Document(path=path, display=display, data=data if isinstance(data, dict) else {}, text=text)


def is_data_file(path: Path, entries_dir: Path) -> bool:
    """True for a file the build reads as data: the taxonomy, the tags, a record, or mkdocs.yml's settings.

    A ``.yml`` file among the records counts too: the build names it to be renamed.
    """
    path, entries = path.resolve(), entries_dir.resolve()
    if path in (entries / TAXONOMY_FILE, entries / TAGS_FILE, entries.parent / MKDOCS_YML):
        return True
    return path.parent == entries / PAPERS_DIR and path.suffix in (".yaml", ".yml")


@dataclass(frozen=True)
class Headers:
    """A project's files other than its records, read first: the records are checked against them."""

    entries_dir: Path
    taxonomy: Document | None
    tags: Document | None
    lists: list[Document]
    # Every .yaml and .yml file among the records, in name order, still to be read.
    record_paths: list[Path]
    # What could not be read so far.
    findings: list[Finding]

    @property
    def base(self) -> Path:
        """The project's root, which file names in findings are relative to."""
        return self.entries_dir.parent


def _attempt(read: Callable[[Path, Path], Document], path: Path, base: Path) -> tuple[Document | None, list[Finding]]:
    """A file read with ``read``, or why it could not be."""
    try:
        return read(path, base), []
    except DataError as error:
        return None, list(error.findings)
    except OSError as error:
        message = f"cannot read: {error.strerror}"
        return None, [Finding(display_path(path, base), 1, 1, "error", message, Rule.UNREADABLE)]


def read_headers(entries_dir: Path) -> Headers:
    """The taxonomy (or a collection's header and lists) and the tags, and which record files there are.

    Raises DataError when entries/ holds a link, or when the taxonomy file is missing.
    """
    base = entries_dir.parent
    # Before anything is read: a linked folder or file would feed the build data from outside the project.
    if links := links_under(entries_dir, base):
        raise DataError(links)
    findings: list[Finding] = []

    def attempt(path: Path) -> Document | None:
        document, problems = _attempt(load_document, path, base)
        findings.extend(problems)
        return document

    list_paths = sorted((entries_dir / LISTS_DIR).glob("*.yml")) if (entries_dir / LISTS_DIR).is_dir() else []
    taxonomy_path = entries_dir / (COLLECTION_FILE if list_paths else TAXONOMY_FILE)
    if not taxonomy_path.is_file():
        raise _error(
            display_path(taxonomy_path, base),
            "collection file is missing; it holds the collection's title and description (its lists are in lists/)"
            if list_paths
            else "taxonomy file is missing; it lists the sections and subsections",
            Rule.MISSING_FILE,
        )
    taxonomy = attempt(taxonomy_path)
    lists = [document for path in list_paths if (document := attempt(path)) is not None]
    tags_path = entries_dir / TAGS_FILE
    tags = attempt(tags_path) if tags_path.exists() else None
    papers_dir = entries_dir / PAPERS_DIR
    records = [
        path for path in sorted(papers_dir.iterdir() if papers_dir.is_dir() else []) if path.suffix in (".yaml", ".yml")
    ]
    return Headers(entries_dir, taxonomy, tags, lists, records, findings)


def load_record(path: Path, base: Path) -> tuple[Document | None, list[Finding]]:
    """One record file of ``read_headers``' list, parsed, or why it cannot be (a .yml file is named to rename)."""
    if path.suffix == ".yml":
        message = f"paper records end in .yaml; rename it to {path.stem}.yaml"
        return None, [Finding(display_path(path, base), 1, 1, "error", message, Rule.FILE_NAME)]
    return _attempt(load_document, path, base)


def finish_loading(headers: Headers, records: Iterable[tuple[Document | None, list[Finding]]]) -> RawData:
    """The project's data from its headers and its records (``load_record``'s, in order), and mkdocs.yml's settings.

    Raises DataError with every file that could not be read.
    """
    findings = list(headers.findings)
    papers = []
    for document, problems in records:
        findings.extend(problems)
        if document is not None:
            papers.append(document)
    site_path = headers.base / MKDOCS_YML
    site = None
    if site_path.exists() or site_path.is_symlink():
        try:
            site = load_site_settings(site_path, headers.base)
        except DataError as error:
            findings.extend(error.findings)
    if findings or headers.taxonomy is None:
        raise DataError(findings)
    return RawData(headers.entries_dir, headers.taxonomy, headers.tags, papers, site, headers.lists)


def load_entries(entries_dir: Path) -> RawData:
    """Parse the taxonomy, tag vocabulary and every paper record under ``entries_dir``.

    Every file is read even after an error, so one run reports every broken file.
    """
    headers = read_headers(entries_dir)
    return finish_loading(headers, [load_record(path, headers.base) for path in headers.record_paths])
