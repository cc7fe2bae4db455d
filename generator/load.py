"""Read the YAML data files, keeping where each value came from.

Only this module touches the data files. It refuses what could hurt a build
(symlinks, huge files, YAML tags, alias bombs) before anything is constructed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import DataError, Finding
from .yamlio import SafeLoader

MAX_FILE_BYTES = 200_000
PAPERS_DIR = "papers"
TAXONOMY_FILE = "taxonomy.yml"
TAGS_FILE = "tags.yml"

Position = tuple[int, int]
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data, and the line and column of every key and item."""

    path: Path
    display: str
    data: Any
    positions: dict[KeyPath, Position] = field(repr=False)

    @property
    def stem(self) -> str:
        return self.path.stem

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


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _collect_positions(root: yaml.Node, display: str) -> dict[KeyPath, Position]:
    """Map key paths to positions; refuse aliases, which could expand exponentially."""
    positions: dict[KeyPath, Position] = {(): (root.start_mark.line + 1, root.start_mark.column + 1)}
    seen: set[int] = set()
    stack: list[tuple[KeyPath, yaml.Node]] = [((), root)]
    while stack:
        key_path, node = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            raise DataError([Finding(display, mark.line + 1, mark.column + 1, "error",
                                     "YAML anchors and aliases (&name, *name) are not allowed "
                                     "in records; write the value out")])
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                child = (*key_path, key)
                positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*key_path, index)
                positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
                stack.append((child, item))
    return positions


def _plain_dates(value: Any) -> Any:
    """YAML reads 2025-12-01 as a date; the records keep ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_dates(item) for item in value]
    return value


def _read_text(path: Path, display: str) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError([Finding(display, 1, 1, "error",
                                 f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                                 "for a data file; shorten the summary or split the record")])
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise DataError([Finding(display, line, column, "error",
                                 "file is not valid UTF-8; save it as UTF-8")]) from None


def load_document(path: Path, base: Path) -> Document:
    """Parse one YAML file with the safe loader; raise DataError with its location."""
    display = _display(path, base)
    if path.is_symlink():
        raise DataError([Finding(display, 1, 1, "error",
                                 "symbolic links are not allowed among data files; "
                                 "commit the file itself")])
    text = _read_text(path, display)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value == ""):
            raise DataError([Finding(display, 1, 1, "error",
                                     "file is empty; a record needs at least title and category")])
        positions = _collect_positions(node, display)
        data = _plain_dates(loader.construct_document(node))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        if isinstance(error, yaml.constructor.ConstructorError) and "tag" in problem:
            problem = f"{problem}; YAML tags are not allowed, write a plain value"
        raise DataError([Finding(display, line, column, "error", f"YAML syntax: {problem}")]) from None
    except yaml.YAMLError as error:
        raise DataError([Finding(display, 1, 1, "error", f"YAML syntax: {error}")]) from None
    finally:
        loader.dispose()
    return Document(path=path, display=display, data=data, positions=positions)


def load_entries(entries_dir: Path) -> RawData:
    """Parse the taxonomy, tag vocabulary and every paper record under ``entries_dir``.

    Every file is read even after an error, so one run reports every broken file.
    """
    base = entries_dir.parent
    findings: list[Finding] = []

    def attempt(path: Path) -> Document | None:
        try:
            return load_document(path, base)
        except DataError as error:
            findings.extend(error.findings)
            return None
        except OSError as error:
            findings.append(Finding(_display(path, base), 1, 1, "error", f"cannot read: {error.strerror}"))
            return None

    taxonomy_path = entries_dir / TAXONOMY_FILE
    if not taxonomy_path.is_file():
        raise DataError([Finding(_display(taxonomy_path, base), 1, 1, "error",
                                 "taxonomy file is missing; it lists the sections and subsections")])
    taxonomy = attempt(taxonomy_path)
    tags_path = entries_dir / TAGS_FILE
    tags = attempt(tags_path) if tags_path.exists() else None
    papers_dir = entries_dir / PAPERS_DIR
    if papers_dir.is_symlink():
        raise DataError([Finding(_display(papers_dir, base), 1, 1, "error",
                                 "the papers folder must not be a symbolic link")])
    papers = []
    for path in sorted(papers_dir.iterdir() if papers_dir.is_dir() else []):
        if path.suffix == ".yml":
            findings.append(Finding(_display(path, base), 1, 1, "error",
                                    f"paper records end in .yaml; rename it to {path.stem}.yaml"))
        elif path.suffix == ".yaml":
            document = attempt(path)
            if document is not None:
                papers.append(document)
    if findings or taxonomy is None:
        raise DataError(findings)
    return RawData(entries_dir=entries_dir, taxonomy=taxonomy, tags=tags, papers=papers)
