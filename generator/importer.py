"""Import lists in the curator's Markdown format into one collection of paper records.

``generator.mdlist`` reads a list's Markdown; this module turns what it read into
records and merges them into a folder of records (``papers/<id>.yaml``) and list files
(``lists/<list-id>.yml``):

- a record holds a paper's facts once (title, authors, links, presentation, award…)
  and its placement in a list at its top level (``list``, ``category``, ``position``,
  and what the curator wrote about it there: ``summary``, ``key_results``, ``notes``);
- a paper already in the collection (same normalised title, or same arXiv or
  OpenReview id and a compatible title) gets the new placement in its ``also:`` list,
  and its facts are merged: links and names are unioned, conflicts are reported;
- importing a list again replaces that list's placements, so re-imports are idempotent.

Every file's new text is computed before anything is written, then each file is
written atomically, so a failed import writes nothing.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import DataError, Finding
from .identity import normalised_title, paper_ids, titles_compatible
from .load import COLLECTION_FILE, LISTS_DIR, PAPERS_DIR, TAXONOMY_FILE, load_document
from .mdlist import ParsedList, parse_list
from .mdpaper import PaperReading
from .routes import list_markdown
from .text import id_problem, paper_id_for, repair_mojibake, slugify, title_prefix
from .write import write_text_atomic
from .yamlio import dump_record, dump_yaml

PLACEMENT_KEYS = ("list", "category", "position", "summary", "key_results", "notes")
# A record's keys in the order its file shows them; keys not named here keep their
# order after these, and ``also`` comes last.
RECORD_ORDER = (
    "title",
    "list",
    "category",
    "position",
    "authors",
    "authors_et_al",
    "affiliation",
    "author_affiliations",
    "venue",
    "year",
    "presentation",
    "award",
    "links",
    "summary",
    "key_results",
    "notes",
    "tags",
    "added",
)
LIST_ORDER = ("title", "label", "description", "summary", "overview", "venue", "year", "sections", "output")
_VENUE_YEAR = re.compile(r"^(?P<venue>[A-Za-z][\w-]*)\s+(?P<year>(?:19|20)\d\d)\b")


# --------------------------------------------------------------------------- records


def _title_key(title: str) -> str:
    """What titles are matched by: the normalised title, or the exact one when nothing is left of it ("🏆")."""
    return normalised_title(title) or f"={title.strip()}"


def placements_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A record's placements: the one at its top level, then those in ``also``."""
    main = {key: record[key] for key in PLACEMENT_KEYS if key in record}
    also = record.get("also") or []
    return [main, *also] if main else list(also)


def compose(record: dict[str, Any], placements: list[dict[str, Any]]) -> dict[str, Any]:
    """The record's facts with ``placements``, keys in the order files show them."""
    data = {key: value for key, value in record.items() if key not in PLACEMENT_KEYS and key != "also"}
    if placements:
        data.update(_filled(placements[0]))
    ordered = {key: data.pop(key) for key in RECORD_ORDER if key in data}
    ordered.update(data)
    also = [_filled(placement) for placement in placements[1:]]
    if also:
        ordered["also"] = also
    return ordered


def _filled(placement: dict[str, Any]) -> dict[str, Any]:
    """A placement without its empty keys, as a record file holds it."""
    return {key: value for key, value in placement.items() if value not in (None, "", [])}


def _placement(list_id: str | None, category: str, position: int, reading: PaperReading) -> dict[str, Any]:
    placement: dict[str, Any] = {"list": list_id, "category": category, "position": position}
    placement["summary"] = reading.summary
    placement["key_results"] = reading.key_results
    placement["notes"] = reading.notes
    return placement


def _facts(reading: PaperReading, venue_year: re.Match[str] | None, added: dt.date) -> dict[str, Any]:
    """A new record's facts, in the order a record file shows them."""
    facts = dict(reading.facts)
    record: dict[str, Any] = {"title": facts.pop("title"), "authors": facts.pop("authors", [])}
    for key in ("authors_et_al", "affiliation", "author_affiliations"):
        if key in facts:
            record[key] = facts.pop(key)
    if venue_year:
        record["venue"] = venue_year["venue"]
        record["year"] = int(venue_year["year"])
    record.update(facts)
    record["added"] = added
    return record


# --------------------------------------------------------------------------- merging facts


def merge_author_lists(old: list[str], old_cut: bool, new: list[str], new_cut: bool) -> tuple[list[str], bool, bool]:
    """Two author lists as one: the union of their names, whether it is still cut short, and whether they agree.

    The lists agree when they name the same people, or when the shorter one ends in
    "et al." and the longer one begins with it (one list just names more of them).
    """
    old_keys, new_keys = [_name_key(name) for name in old], [_name_key(name) for name in new]
    union, seen = list(old), set(old_keys)
    for name, key in zip(new, new_keys, strict=True):
        if key not in seen:
            union.append(name)
            seen.add(key)
    if old_keys == new_keys:
        return union, old_cut or new_cut, True
    (short, short_cut), (long, long_cut) = sorted([(old_keys, old_cut), (new_keys, new_cut)], key=lambda p: len(p[0]))
    agree = short_cut and long[: len(short)] == short
    # The fuller list says whether names are still missing, unless the union outgrew both lists.
    truncated = long_cut if len(union) == len(long) else old_cut or new_cut
    return union, truncated, agree


@dataclass
class _Merge:
    """Merges one paper's facts into a record, reporting each conflict at the new place and naming the old one."""

    record: dict[str, Any]
    new: dict[str, Any]
    there: str
    warnings: list[Finding]
    source: str
    line: int

    def conflict(self, what: str, theirs: Any, kept: Any) -> None:
        self.warnings.append(
            Finding(
                self.source,
                self.line,
                1,
                "warning",
                f"'{self.new.get('title')}': {what} differs from {self.there} ({theirs!r}); kept {kept!r}",
            )
        )

    def run(self) -> None:
        self.title()
        self.authors()
        for key in ("affiliation", "venue", "year", "presentation", "award"):
            self.scalar(key)
        self.affiliations()
        self.links()

    def title(self) -> None:
        old, new = self.record.get("title"), self.new["title"]
        if isinstance(old, str) and normalised_title(old) != normalised_title(new):
            kept = new if len(new) > len(old) else old
            self.conflict("the title", old, kept)
            self.record["title"] = kept

    def scalar(self, key: str) -> None:
        old, new = self.record.get(key), self.new.get(key)
        if new is None or old == new:
            return
        if old is None:
            self.record[key] = new
            return
        # The fuller text wins ("Best Paper (D&B Track)" over "Best Paper"); otherwise the record's.
        kept = new if isinstance(old, str) and isinstance(new, str) and len(new) > len(old) else old
        self.conflict(key, old, kept)
        self.record[key] = kept

    def affiliations(self) -> None:
        old, new = self.record.get("author_affiliations"), self.new.get("author_affiliations")
        if not new:
            return
        if old is not None and not isinstance(old, dict):
            self.conflict("author_affiliations (not a mapping in the record; left as it is)", old, old)
            return
        merged = dict(old or {})
        for name, affiliation in new.items():
            mine = merged.setdefault(name, affiliation)
            if mine != affiliation:
                kept = affiliation if isinstance(mine, str) and len(affiliation) > len(mine) else mine
                self.conflict(f"the affiliation of {name}", mine, kept)
                merged[name] = kept
        self.record["author_affiliations"] = merged

    def authors(self) -> None:
        """Names unioned, never dropped; two lists that disagree beyond an "et al." are reported."""
        old, new = self.record.get("authors"), list(self.new.get("authors") or [])
        if not new:
            return
        if not isinstance(old, list) or not all(isinstance(name, str) for name in old):
            if old is None:
                self.record["authors"] = new
                self.set_truncated(bool(self.new.get("authors_et_al")))
            else:
                self.conflict("the authors (not a list of names in the record; left as they are)", old, old)
            return
        union, truncated, agree = merge_author_lists(
            old, bool(self.record.get("authors_et_al")), new, bool(self.new.get("authors_et_al"))
        )
        if old and not agree:
            self.conflict("the author list", old, union)
        self.record["authors"] = union
        self.set_truncated(truncated)

    def set_truncated(self, truncated: bool) -> None:
        if truncated:
            self.record["authors_et_al"] = True
        else:
            self.record.pop("authors_et_al", None)

    def links(self) -> None:
        """Links unioned by URL (a label-only link by its label); none is dropped."""
        old, new = self.record.get("links"), self.new.get("links") or []
        if not new:
            return
        if old is None:
            self.record["links"] = list(new)
        elif not isinstance(old, list):
            self.conflict("links (not a list in the record; left as they are)", old, old)
        else:
            seen = {_link_key(link) for link in old}
            self.record["links"] = old + [link for link in new if _link_key(link) not in seen]


def _name_key(name: str) -> str:
    return normalised_title(name)


def _link_key(link: Any) -> str:
    if isinstance(link, dict):
        return str(link.get("url") or f"label:{str(link.get('label', '')).casefold()}")
    return repr(link)


def _list_ids(record: dict[str, Any]) -> set[str]:
    """The lists a record is placed in (a hand-edited ``list`` that is not text counts as none)."""
    return {placement["list"] for placement in placements_of(record) if isinstance(placement.get("list"), str)}


# --------------------------------------------------------------------------- the collection


@dataclass
class Stored:
    """A record of the collection: its id, its data, and where it came from (file, or list and line)."""

    id: str
    data: dict[str, Any]
    where: str
    line: int = 1
    # Made by this import (its placements so far are only the ones this import gives it).
    created: bool = False
    path: Path | None = None
    # The data as read from its file; an import that leaves it equal leaves the file alone,
    # comments and hand formatting included.
    original: dict[str, Any] | None = None


@dataclass
class Collection:
    """The records an import merges into, with an index by title and by arXiv/OpenReview id."""

    records: dict[str, Stored] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)
    by_id: dict[tuple[str, str], str] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, stored: Stored) -> None:
        self.records[stored.id] = stored
        self.index(stored)

    def index(self, stored: Stored) -> None:
        title = stored.data.get("title")
        if isinstance(title, str):
            self.by_title.setdefault(_title_key(title), stored.id)
        for key in paper_ids(stored.data.get("links")):
            self.by_id.setdefault(key, stored.id)

    def find(self, facts: dict[str, Any], warnings: list[Finding], source: str, line: int) -> str | None:
        """The record that is this paper: same normalised title, or same paper id with a compatible title."""
        if found := self.by_title.get(_title_key(facts["title"])):
            return found
        for key in sorted(paper_ids(facts.get("links"))):
            found = self.by_id.get(key)
            if found is None:
                continue
            other = self.records[found]
            if titles_compatible(str(other.data.get("title", "")), facts["title"]):
                return found
            warnings.append(
                Finding(
                    source,
                    line,
                    1,
                    "warning",
                    f"'{facts['title']}' has the same {key[0]} {key[1]} as '{other.data.get('title')}' "
                    f"({other.where}) but another title; kept as separate papers (check the link)",
                )
            )
        return None


def _load_records(folder: Path) -> Collection:
    """The records and list files already in ``folder``; a broken file stops the import."""
    collection = Collection()
    papers = folder / PAPERS_DIR
    findings = [
        Finding(str(path), 1, 1, "error", "must be a folder, not a symbolic link; the import writes into it")
        for path in (folder, papers, folder / LISTS_DIR)
        if path.is_symlink()
    ]
    if findings:
        raise DataError(findings)
    for path in sorted(papers.glob("*.yaml")) if papers.is_dir() else []:
        try:
            document = load_document(path, folder.parent)
        except DataError as error:
            findings.extend(error.findings)
            continue
        if not isinstance(document.data, dict) or not _placements_readable(document.data):
            findings.append(
                Finding(
                    document.display, 1, 1, "error", "a record must be a mapping, and its 'also' a list of mappings"
                )
            )
            continue
        data = _restore_dates(document.data)
        collection.add(Stored(path.stem, data, document.display, path=path, original=copy.deepcopy(data)))
    lists = folder / LISTS_DIR
    for path in sorted(lists.glob("*.yml")) if lists.is_dir() else []:
        try:
            document = load_document(path, folder.parent)
        except DataError as error:
            findings.extend(error.findings)
            continue
        collection.lists[path.stem] = document.data if isinstance(document.data, dict) else {}
    if findings:
        raise DataError(findings)
    return collection


def _placements_readable(data: dict[str, Any]) -> bool:
    also = data.get("also", [])
    return isinstance(also, list) and all(isinstance(item, dict) for item in also)


def _restore_dates(data: dict[str, Any]) -> dict[str, Any]:
    """Dates as the loader hands them (ISO strings) back to dates, so files keep ``added: 2026-11-22``."""
    added = data.get("added")
    if isinstance(added, str):
        with contextlib.suppress(ValueError):
            data["added"] = dt.date.fromisoformat(added)
    return data


# --------------------------------------------------------------------------- importing


@dataclass
class ImportedList:
    """What an import produced: the list, its records and what to tell the curator."""

    list_id: str | None
    taxonomy: dict[str, Any]
    records: dict[str, dict[str, Any]]
    warnings: list[Finding]
    # Each paper of the list in source order: (record id, line of its heading, line of its block's end).
    papers: list[tuple[str, int, int]] = field(default_factory=list)
    new_records: list[str] = field(default_factory=list)
    placements_added: int = 0
    # Placements this list had from an earlier import whose text or place changed.
    placements_updated: int = 0

    def list_file(self, existing: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``lists/<id>.yml`` content: title, intro, sections and output path; other keys kept."""
        if self.list_id is None:
            raise ValueError("a list file is for a list of a collection: import with a list id")
        data = dict(existing or {})
        data.update({key: self.taxonomy[key] for key in ("title", "sections")})
        # A list without an intro keeps the one written into its file since, if any.
        if self.taxonomy["description"].strip():
            data["description"] = self.taxonomy["description"]
        data.setdefault("overview", "")
        data["output"] = list_markdown(self.list_id)
        ordered = {key: data.pop(key) for key in LIST_ORDER if key in data}
        ordered.update(data)
        return ordered


def _shared_prefixes(readings: list[tuple[str, PaperReading, dict[str, Any]]]) -> frozenset[str]:
    """Short names ("DAPO") that several papers of the list start with; none of them takes it as id."""
    prefixes = Counter(slugify(p) for _, _, facts in readings if (p := title_prefix(facts["title"])))
    return frozenset(prefix for prefix, count in prefixes.items() if count > 1)


def _apply(
    parsed: ParsedList, collection: Collection, list_id: str | None, source: str, added: dt.date
) -> ImportedList:
    """Merge a parsed list into ``collection``; return the list and the records it touched."""
    title = parsed.title or (list_id or "")
    taxonomy = {"title": title, "description": parsed.description, "sections": parsed.sections}
    imported = ImportedList(list_id, taxonomy, {}, list(parsed.warnings))
    venue_year = _VENUE_YEAR.match(title)
    readings = [(category, reading, _facts(reading, venue_year, added)) for category, reading in parsed.papers]
    shared = _shared_prefixes(readings)
    pending: dict[str, list[dict[str, Any]]] = {}
    positions: Counter[str] = Counter()
    for category, reading, facts in readings:
        positions[category] += 10
        record_id = collection.find(facts, imported.warnings, source, reading.line)
        if record_id is None:
            record_id = paper_id_for(facts["title"], set(collection.records), shared)
            collection.add(Stored(record_id, facts, f"{source}:{reading.line}", reading.line, created=True))
            imported.new_records.append(record_id)
        else:
            stored = collection.records[record_id]
            _Merge(stored.data, facts, stored.where, imported.warnings, source, reading.line).run()
            collection.index(stored)
        placement = _placement(list_id, category, positions[category], reading)
        if record_id in pending:
            _fold_duplicate(pending[record_id][0], placement, facts["title"], imported, source, reading.line)
            continue
        pending[record_id] = [placement]
        imported.papers.append((record_id, reading.line, reading.end))
    for record_id, placements in pending.items():
        _place(collection.records[record_id], list_id, placements, imported, source)
        imported.records[record_id] = collection.records[record_id].data
    _report_stale(collection, list_id, pending, imported, source)
    _report_near_duplicates(collection, imported, source)
    imported.warnings = sorted(dict.fromkeys(imported.warnings))
    return imported


def _fold_duplicate(
    first: dict[str, Any], again: dict[str, Any], title: str, imported: ImportedList, source: str, line: int
) -> None:
    """A paper listed a second time in one list: its text joins the first listing, which is where the list shows it.

    A list shows a paper once (the validator refuses a second placement in one list), so
    the second listing's summary, results and notes are kept in the first placement,
    each only if the first does not already say it.
    """
    where = f"'{again['category']}'" if again["category"] != first["category"] else "the same section"
    imported.warnings.append(
        Finding(
            source,
            line,
            1,
            "warning",
            f"'{title}' is listed a second time in this list (in {where}); a list shows a paper once, "
            "so this listing's text is kept with the first one",
        )
    )
    if again["summary"] and again["summary"] != first["summary"]:
        if first["summary"]:
            first["notes"].append({"label": "Summary", "text": again["summary"]})
        else:
            first["summary"] = again["summary"]
    first["key_results"].extend(result for result in again["key_results"] if result not in first["key_results"])
    first["notes"].extend(note for note in again["notes"] if note not in first["notes"])


def _place(stored: Stored, list_id: str | None, new: list[dict[str, Any]], imported: ImportedList, source: str) -> None:
    """Give a record this list's placements: reuse the slots it had for the list, append the rest."""
    current = [] if stored.created else placements_of(stored.data)
    slots = [index for index, placement in enumerate(current) if placement.get("list") == list_id]
    for slot, placement in zip(slots, new, strict=False):
        if _filled(current[slot]) != _filled(placement):
            imported.placements_updated += 1
        current[slot] = placement
    current.extend(new[len(slots) :])
    if not stored.created:
        imported.placements_added += max(len(new) - len(slots), 0)
    if len(slots) > len(new):
        imported.warnings.append(
            Finding(
                source,
                1,
                1,
                "warning",
                f"'{stored.id}' was in this list {len(slots)} times, now {len(new)}; the extra placements were kept",
            )
        )
    stored.data = compose(stored.data, current)


def _report_stale(
    collection: Collection,
    list_id: str | None,
    pending: dict[str, list[dict[str, Any]]],
    imported: ImportedList,
    source: str,
) -> None:
    """Records placed in this list by an earlier import whose paper the list no longer holds."""
    if list_id is None:
        return
    for stored in collection.records.values():
        if stored.id not in pending and any(p.get("list") == list_id for p in placements_of(stored.data)):
            imported.warnings.append(
                Finding(
                    source,
                    1,
                    1,
                    "warning",
                    f"{stored.where} is placed in list '{list_id}' but this file no longer holds it; left as it was",
                )
            )


def _report_near_duplicates(collection: Collection, imported: ImportedList, source: str) -> None:
    """New records sharing a short name ("Loquetier: …") with a record of another list."""
    new = set(imported.new_records)
    by_prefix: dict[str, list[Stored]] = {}
    for stored in collection.records.values():
        prefix = title_prefix(str(stored.data.get("title", "")))
        if prefix and stored.id not in new:
            by_prefix.setdefault(normalised_title(prefix), []).append(stored)
    for record_id in imported.new_records:
        stored = collection.records[record_id]
        prefix = title_prefix(stored.data["title"])
        lists = _list_ids(stored.data)
        for other in by_prefix.get(normalised_title(prefix), []) if prefix else []:
            if _list_ids(other.data) - lists:
                imported.warnings.append(
                    Finding(
                        source,
                        stored.line,
                        1,
                        "warning",
                        f"'{stored.data['title']}' and '{other.data.get('title')}' ({other.where}) share the name "
                        f"'{prefix}' but not the title or an arXiv/OpenReview id; kept as separate papers",
                    )
                )


def _parse(text: str, source: str) -> ParsedList:
    return parse_list(repair_mojibake(text), source)


def import_markdown(
    text: str, source: str = "<input>", added: dt.date | None = None, list_id: str | None = None
) -> ImportedList:
    """Read one list into records of its own (no collection to merge into).

    Without ``list_id`` the records are in the single-list form (no ``list`` key).
    Raises ``ListError`` for a document that holds no paper.
    """
    parsed = _parse(text, source)
    return _apply(parsed, Collection(), list_id, source, added or dt.date.today())


# --------------------------------------------------------------------------- the folder


@dataclass
class ImportPlan:
    """An import into a folder: the list and records, and each file's new text."""

    imported: ImportedList
    folder: Path
    files: dict[Path, str]
    unchanged: int = 0


def check_list_id(list_id: str) -> None:
    """Refuse a list id the validator would refuse: the list's file name and URL segment."""
    if problem := id_problem(list_id):
        raise ValueError(f"list id '{list_id}' {problem}, e.g. 'inference'")


def plan_import(folder: Path, text: str, source: str, list_id: str, added: dt.date | None = None) -> ImportPlan:
    """Work out every file an import into ``folder`` changes, without writing any."""
    check_list_id(list_id)
    if (folder / TAXONOMY_FILE).is_file() and not (folder / LISTS_DIR).is_dir():
        raise ValueError(
            f"{folder} holds a single list ({TAXONOMY_FILE}); make it a collection first, naming its list: "
            "python -m generator make-collection --list ID"
        )
    parsed = _parse(text, source)
    collection = _load_records(folder)
    existing_list = collection.lists.get(list_id)
    imported = _apply(parsed, collection, list_id, source, added or dt.date.today())
    files: dict[Path, str] = {}
    unchanged = 0
    for record_id in imported.records:
        stored = collection.records[record_id]
        path = stored.path or folder / PAPERS_DIR / f"{record_id}.yaml"
        if stored.data == stored.original:
            unchanged += 1
        else:
            files[path] = dump_record(stored.data)
    list_data = imported.list_file(existing_list)
    if list_data != existing_list:
        files[folder / LISTS_DIR / f"{list_id}.yml"] = dump_yaml(list_data)
    if header := _collection_with_list(folder, list_id, list_data):
        files[folder / COLLECTION_FILE] = header
    return ImportPlan(imported, folder, files, unchanged)


def _collection_with_list(folder: Path, list_id: str, list_data: dict[str, Any]) -> str | None:
    """collection.yml's new text, if the import changes it, else None.

    A folder without one (a fresh ``--out`` folder, an empty project) gets one named after
    this list, so it validates and builds at once; ``import-index`` can give it the
    collection's own title later. A ``lists`` order that lacks this list gets it last.
    """
    path = folder / COLLECTION_FILE
    if not path.is_file():
        header = {"title": list_data["title"], "description": list_data.get("description", ""), "lists": [list_id]}
        return dump_yaml({key: value for key, value in header.items() if value})
    document = load_document(path, path.parent.parent)
    header = document.data if isinstance(document.data, dict) else {}
    order = header.get("lists")
    if not isinstance(order, list) or list_id in order:
        return None
    return dump_yaml({**header, "lists": [*order, list_id]})


def write_plan(plan: ImportPlan) -> list[Path]:
    """Write the plan's files, records first and the list file last, each atomically."""
    for path, content in plan.files.items():
        write_text_atomic(path, content)
    return list(plan.files)
