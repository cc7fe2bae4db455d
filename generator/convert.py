"""Turn a single-list project into a collection, and read a collection's own index.

``make-collection`` is the one-command migration: the single list's taxonomy becomes
``lists/<list>.yml``, ``collection.yml`` gets the site's title, intro and the order of
its lists, and each record gets ``list: <list>`` in front of its ``category``. Records
are edited as text, one line added, so their comments and layout stay as written.

``import-index`` reads the collection's README in the curator's format (a ``#`` title,
an intro, a table of contents that links each list's file, and a ``###`` overview per
list) into ``collection.yml`` and the lists' ``label``, ``summary`` and ``overview``.

Both work out every file's new text first and write each atomically, so a refused or
failed run writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding
from .importer import LIST_ORDER, check_list_id
from .load import COLLECTION_FILE, LISTS_DIR, PAPERS_DIR, TAXONOMY_FILE, load_document
from .mdlist import ListError, scan
from .mdpaper import Token, join_markdown
from .routes import list_markdown
from .text import repair_mojibake
from .write import write_text_atomic
from .yamlio import dump_yaml

_CATEGORY_LINE = re.compile(r"^category:", re.MULTILINE)
_LIST_LINE = re.compile(r"^list:", re.MULTILINE)
# A cell that links a list's file: "[🔧 Training](training.md)".
_LIST_CELL = re.compile(r"^\[(?P<label>[^\]]+)\]\((?P<file>[^)\s#]+?)\.md\)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
# Header words of the column that describes each list, and of the one the site counts itself.
_SUMMARY_COLUMNS = frozenset({"description", "summary", "about", "topics", "scope", "focus"})
_COUNT_COLUMNS = frozenset({"papers", "paper count", "count", "#papers", "# papers"})
# "### 🔧 [LLM Training Systems](training.md)"
_OVERVIEW_HEADING = re.compile(r"\[(?P<title>[^\]]+)\]\((?P<file>[^)\s#]+?)\.md\)")


def _read_yaml(path: Path, entries: Path) -> dict[str, Any]:
    """A data file of ``entries`` read by the loader every stage uses (a YAML error names its line)."""
    data = load_document(path, entries.parent).data
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level; run `python -m generator validate` first")
    return data


@dataclass
class Plan:
    """The files a conversion writes, the files it deletes afterwards, and what it has to say."""

    files: dict[Path, str] = field(default_factory=dict)
    deleted: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def write(self) -> None:
        """Write every file atomically, then delete what the new files replace."""
        for path, content in self.files.items():
            write_text_atomic(path, content)
        for path in self.deleted:
            path.unlink()


# --------------------------------------------------------------------------- make-collection


def plan_make_collection(entries: Path, list_id: str) -> Plan:
    """The files that turn ``entries/`` (one list) into a collection holding that list as ``list_id``."""
    check_list_id(list_id)
    taxonomy_path = entries / TAXONOMY_FILE
    if (entries / COLLECTION_FILE).exists() or (entries / LISTS_DIR).is_dir():
        raise ValueError(f"{entries} is already a collection (it has {COLLECTION_FILE} or {LISTS_DIR}/)")
    if not taxonomy_path.is_file():
        raise ValueError(f"{taxonomy_path} is missing: there is no single list to make a collection of")
    taxonomy = _read_yaml(taxonomy_path, entries)
    plan = Plan()
    list_file: dict[str, Any] = {
        key: taxonomy[key] for key in ("title", "description", "venue", "year", "sections") if key in taxonomy
    }
    list_file["output"] = list_markdown(list_id)
    plan.files[entries / LISTS_DIR / f"{list_id}.yml"] = dump_yaml(list_file)
    header = {key: taxonomy[key] for key in ("title", "description") if key in taxonomy}
    plan.files[entries / COLLECTION_FILE] = dump_yaml({**header, "lists": [list_id]})
    for path in sorted((entries / PAPERS_DIR).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if _LIST_LINE.search(text):
            raise ValueError(f"{path} already names a list; a single-list record has none")
        category = _CATEGORY_LINE.search(text)
        if category is None:
            raise ValueError(f"{path} has no top-level 'category:' line; run `python -m generator validate` first")
        plan.files[path] = f"{text[: category.start()]}list: {list_id}\n{text[category.start() :]}"
    plan.deleted.append(taxonomy_path)
    return plan


# --------------------------------------------------------------------------- import-index


@dataclass
class IndexEntry:
    """One list as the collection's index shows it."""

    list_id: str
    line: int
    label: str = ""
    summary: str = ""
    title: str = ""
    overview: str = ""


@dataclass
class CollectionIndex:
    """What a collection's README says: its title, its intro and its lists in order."""

    title: str
    description: str
    entries: dict[str, IndexEntry]
    warnings: list[Finding]


def _table_cells(line: str) -> list[str]:
    """The cells of a table row, without the outer pipes."""
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


@dataclass
class _ListsTable:
    """The table of the lists: which column links each list, which describes it, and what else it holds."""

    header: list[str]
    rows: dict[int, list[str]]

    def link_column(self, cells: list[str]) -> int | None:
        return next((index for index, cell in enumerate(cells) if _LIST_CELL.match(cell)), None)

    def summary_column(self, link: int) -> int | None:
        """The column named like a description, else the first one after the link's."""
        names = [" ".join(name.replace("*", "").split()).casefold() for name in self.header]
        named = [index for index, name in enumerate(names) if name in _SUMMARY_COLUMNS]
        if named:
            return named[0]
        after = [index for index in range(link + 1, len(names)) if names[index] not in _COUNT_COLUMNS]
        return after[0] if after else None


def _tables(tokens: list[Token]) -> dict[int, _ListsTable]:
    """Each table that links a list's file, by the line of each of its lines (header and separator included)."""
    found: dict[int, _ListsTable] = {}
    run: list[Token] = []
    for token in [*tokens, Token("blank", 0, "")]:
        if token.kind == "text" and token.text.lstrip().startswith("|"):
            run.append(token)
            continue
        has_separator = len(run) >= 2 and _TABLE_SEPARATOR.match(run[1].text)
        header = _table_cells(run[0].text) if has_separator else []
        rows = {row.number: _table_cells(row.text) for row in run[2 if has_separator else 0 :]}
        if any(_LIST_CELL.match(cell) for cells in rows.values() for cell in cells):
            table = _ListsTable(header, rows)
            found.update(dict.fromkeys((line.number for line in run), table))
        run = []
    return found


def parse_index(text: str, source: str) -> CollectionIndex:
    """Read a collection's README: a title, an intro, a table of its lists and their overviews.

    Sections the index has besides these (statistics, related resources) are not part of
    the collection's data: each is named in a warning with its line, so nothing goes
    unnoticed.
    """
    tokens = scan(repair_mojibake(text))
    title, title_line = "", 0
    intro: list[str] = []
    entries: dict[str, IndexEntry] = {}
    warnings: list[Finding] = []
    overview: IndexEntry | None = None
    overview_lines: list[str] = []
    section = ""  # "intro", "table", "overview" or "other"
    skipped: tuple[int, str] | None = None

    def close_overview() -> None:
        if overview is not None:
            overview.overview = join_markdown(overview_lines).strip()
        overview_lines.clear()

    tables = _tables(tokens)
    for token in tokens:
        if token.number in tables and token.kind == "text":
            _table_line(tables[token.number], token, entries, warnings, source)
            continue
        if token.kind == "heading":
            close_overview()
            overview = None
            heading_level, heading_text = token.level, token.text
            if heading_level == 1 and not title:
                title, title_line, section = heading_text, token.number, "intro"
                continue
            target = _OVERVIEW_HEADING.search(heading_text)
            if heading_level >= 3 and target:
                list_id = target["file"].rsplit("/", 1)[-1]
                overview = entries.setdefault(list_id, IndexEntry(list_id, token.number))
                overview.title = target["title"].strip()
                section = "overview"
                continue
            section = "other"
            skipped = (token.number, heading_text)
            continue
        if token.kind == "rule":
            if section == "intro":
                section = "other"
                skipped = None
            continue
        if section == "intro":
            intro.append(token.text)
        elif section == "overview":
            overview_lines.append(token.text)
        elif token.kind != "blank" and skipped is not None and not token.text.lstrip().startswith("|"):
            line, heading_text = skipped
            warnings.append(
                Finding(source, line, 1, "warning", f"'{heading_text}' is not a list's overview; not imported")
            )
            skipped = None
    close_overview()
    if not title or not entries:
        raise ListError(
            source,
            title_line or 1,
            "no collection index here: expected a '# ' title and a table or '### [Title](list.md)' overviews "
            "linking each list's file",
        )
    return CollectionIndex(title, join_markdown(intro).strip(), entries, warnings)


def _table_line(
    table: _ListsTable, token: Token, entries: dict[str, IndexEntry], warnings: list[Finding], source: str
) -> None:
    """One line of the lists' table: a list's label and summary; anything else named in a warning."""
    cells = table.rows.get(token.number)
    if cells is None:
        return  # the header or the separator
    link = table.link_column(cells)
    if link is None:
        if any(cell.strip() for cell in cells):
            warnings.append(
                Finding(
                    source,
                    token.number,
                    1,
                    "warning",
                    "a row of the lists' table that links no list's file; not imported",
                )
            )
        return
    row = _LIST_CELL.match(cells[link])
    assert row is not None
    list_id = row["file"].rsplit("/", 1)[-1]
    entry = entries.setdefault(list_id, IndexEntry(list_id, token.number))
    entry.label = row["label"].strip()
    summary = table.summary_column(link)
    entry.summary = cells[summary] if summary is not None and summary < len(cells) else ""
    for index, cell in enumerate(cells):
        name = table.header[index] if index < len(table.header) else ""
        if index in (link, summary) or not cell or " ".join(name.split()).casefold() in _COUNT_COLUMNS:
            continue
        column = f"column '{name}'" if name else f"column {index + 1}"
        warnings.append(
            Finding(
                source,
                token.number,
                1,
                "warning",
                f"'{cell}' ({column} of the lists' table) is not imported: the collection has no field for it",
            )
        )


def plan_import_index(entries_dir: Path, text: str, source: str) -> Plan:
    """The files that give the collection the index's title, intro, list order and overviews."""
    index = parse_index(text, source)
    collection_path = entries_dir / COLLECTION_FILE
    if not collection_path.is_file():
        raise ValueError(
            f"{collection_path} is missing: make the project a collection first "
            "(python -m generator make-collection --list ID), then import its lists"
        )
    lists_dir = entries_dir / LISTS_DIR
    present = {path.stem: path for path in sorted(lists_dir.glob("*.yml"))}
    plan = Plan(warnings=list(index.warnings))
    order = [list_id for list_id in index.entries if list_id in present]
    for list_id, entry in index.entries.items():
        if list_id not in present:
            plan.warnings.append(
                Finding(
                    source,
                    entry.line,
                    1,
                    "warning",
                    f"list '{list_id}' ({list_id}.md) is not in the collection yet; import it with `python -m "
                    f"generator import-markdown {list_id}.md --list {list_id}`, then import this index again",
                )
            )
            continue
        data = _read_yaml(present[list_id], entries_dir)
        updated = dict(data)
        for key, value in (("label", entry.label), ("summary", entry.summary), ("overview", entry.overview)):
            if value:
                updated[key] = value
        if updated != data:
            plan.files[present[list_id]] = dump_yaml(_list_keys_in_order(updated))
    header = _read_yaml(collection_path, entries_dir)
    # Lists the index does not name keep their place after those it orders.
    rest = [list_id for list_id in [*(header.get("lists") or []), *present] if list_id not in order]
    new_header = {**header, "title": index.title, "lists": [*order, *dict.fromkeys(rest)]}
    if index.description:
        new_header["description"] = index.description
    if new_header != header:
        plan.files[collection_path] = dump_yaml({key: new_header[key] for key in ("title", "description", "lists")})
    return plan


def _list_keys_in_order(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in (*LIST_ORDER, *data) if key in data}
