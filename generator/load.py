"""Read the YAML data files, keeping where each value came from.

Only this module touches the data files. It refuses what could hurt a build
(symlinks, huge files, YAML tags, alias bombs) before anything is constructed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .findings import DataError, Finding
from .paths import display_path, link_message, links_under
from .yamlio import SafeConstructor, SafeLoader

MAX_FILE_BYTES = 200_000
# A record nests three levels deep; far deeper input would overflow the C parser's stack.
MAX_DEPTH = 100
PAPERS_DIR = "papers"
TAXONOMY_FILE = "taxonomy.yml"
TAGS_FILE = "tags.yml"

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
    taxonomy: Document
    tags: Document | None
    papers: list[Document]


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Scalar types a record may hold; anything else (binary, sets, python objects) is refused.
_OTHER_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp"))
_KEY_TAGS = _OTHER_SCALARS | {_STR}


def _refuse(display: str, node: yaml.Node, message: str) -> DataError:
    mark = node.start_mark
    return DataError([Finding(display, mark.line + 1, mark.column + 1, "error", message)])


def _too_deep(text: str) -> yaml.Mark | None:
    """Where ``text`` nests collections deeper than MAX_DEPTH, if it does.

    Every level needs an indicator character, so most files are cleared by counting
    them; only the rest pay for a walk over the parser's events.
    """
    if sum(text.count(indicator) for indicator in "[{-:?") <= MAX_DEPTH:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
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


def _construct(root: yaml.Node, display: str) -> Any:
    """The data of a composed document.

    Strings, the bulk of every record, are taken straight from their nodes; PyYAML's own
    constructor, which is pure Python even with the C parser, is only asked for the other
    scalars. Dates stay ISO strings, as the records keep them. Aliases are refused because
    they could expand exponentially in any later walk.
    """
    scalars = SafeConstructor()
    seen: set[int] = set()

    def build(node: yaml.Node) -> Any:
        if id(node) in seen:
            raise _refuse(
                display, node, "YAML anchors and aliases (&name, *name) are not allowed in records; write the value out"
            )
        seen.add(id(node))
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _MAP:
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _KEY_TAGS:
                    raise _refuse(display, key_node, "a key must be a plain word, such as title or authors")
                key = key_node.value if key_node.tag == _STR else str(scalars.construct_object(key_node))
                mapping[key] = build(value_node)
            return mapping
        if tag == _SEQ:
            return [build(item) for item in node.value]
        if tag in _OTHER_SCALARS:
            value = scalars.construct_object(node)
            return value.isoformat() if isinstance(value, dt.date) else value
        raise _refuse(
            display,
            node,
            f"YAML syntax: could not determine a constructor for the tag {tag!r}; "
            "YAML tags are not allowed, write a plain value",
        )

    return build(root)


def _read_text(path: Path, display: str) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(
            [
                Finding(
                    display,
                    1,
                    1,
                    "error",
                    f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                    "for a data file; shorten the summary or split the record",
                )
            ]
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise DataError(
            [Finding(display, line, column, "error", "file is not valid UTF-8; save it as UTF-8")]
        ) from None


def load_document(path: Path, base: Path) -> Document:
    """Parse one YAML file with the safe loader; raise DataError with its location."""
    display = display_path(path, base)
    if path.is_symlink():
        raise DataError([Finding(display, 1, 1, "error", link_message(path))])
    text = _read_text(path, display)
    loader = SafeLoader(text)
    try:
        if mark := _too_deep(text):
            raise DataError(
                [
                    Finding(
                        display,
                        mark.line + 1,
                        mark.column + 1,
                        "error",
                        f"values nest more than {MAX_DEPTH} levels deep; a record needs three",
                    )
                ]
            )
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value == ""):
            raise DataError(
                [Finding(display, 1, 1, "error", "file is empty; a record needs at least title and category")]
            )
        data = _construct(node, display)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        raise DataError([Finding(display, line, column, "error", f"YAML syntax: {problem}")]) from None
    except yaml.YAMLError as error:
        raise DataError([Finding(display, 1, 1, "error", f"YAML syntax: {error}")]) from None
    finally:
        loader.dispose()
    return Document(path=path, display=display, data=data, text=text)


def load_entries(entries_dir: Path) -> RawData:
    """Parse the taxonomy, tag vocabulary and every paper record under ``entries_dir``.

    Every file is read even after an error, so one run reports every broken file.
    """
    base = entries_dir.parent
    # Before anything is read: a linked folder or file would feed the build data from outside the project.
    if links := links_under(entries_dir, base):
        raise DataError(links)
    findings: list[Finding] = []

    def attempt(path: Path) -> Document | None:
        try:
            return load_document(path, base)
        except DataError as error:
            findings.extend(error.findings)
            return None
        except OSError as error:
            findings.append(Finding(display_path(path, base), 1, 1, "error", f"cannot read: {error.strerror}"))
            return None

    taxonomy_path = entries_dir / TAXONOMY_FILE
    if not taxonomy_path.is_file():
        raise DataError(
            [
                Finding(
                    display_path(taxonomy_path, base),
                    1,
                    1,
                    "error",
                    "taxonomy file is missing; it lists the sections and subsections",
                )
            ]
        )
    taxonomy = attempt(taxonomy_path)
    tags_path = entries_dir / TAGS_FILE
    tags = attempt(tags_path) if tags_path.exists() else None
    papers_dir = entries_dir / PAPERS_DIR
    papers = []
    for path in sorted(papers_dir.iterdir() if papers_dir.is_dir() else []):
        if path.suffix == ".yml":
            findings.append(
                Finding(
                    display_path(path, base),
                    1,
                    1,
                    "error",
                    f"paper records end in .yaml; rename it to {path.stem}.yaml",
                )
            )
        elif path.suffix == ".yaml":
            document = attempt(path)
            if document is not None:
                papers.append(document)
    if findings or taxonomy is None:
        raise DataError(findings)
    return RawData(entries_dir=entries_dir, taxonomy=taxonomy, tags=tags, papers=papers)
