"""Import a paper list written in the seed's Markdown format into YAML records.

The format: a ``#`` title and intro, a table of contents (skipped), numbered ``##``
sections and ``###`` subsections, and ``####`` paper blocks separated by ``---``.
A paper block is a bullet list of ``**Field:**`` lines (Link, Authors or Speakers,
Summary with an optional nested ``**Key Results:**`` list). Award and presentation
markers in the heading become fields. HTML comment lines are skipped, and a line
``<!-- end of list -->`` ends the list (the generated README puts its notes on the
project after it). Lines between ``<!-- project notes -->`` and
``<!-- end of project notes -->`` are skipped too: the README's pointer to its
Quickstart, under the intro, is not part of the list's description.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .links import label_for_url
from .text import paper_id_for, repair_mojibake, slugify, title_prefix
from .vocabulary import AWARD_SUFFIX, PRESENTATIONS, presentation_for_marker
from .write import write_text_atomic
from .yamlio import dump_record, dump_yaml


class ImportError_(Exception):
    """A construct the importer cannot map to a record without losing something."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: error: {message}")


END_OF_LIST = "<!-- end of list -->"
PROJECT_NOTES = "<!-- project notes -->"
END_OF_PROJECT_NOTES = "<!-- end of project notes -->"
_COMMENT_LINE = re.compile(r"^\s*<!--.*-->\s*$")
_HEADING = re.compile(r"^(#{1,4})\s+(.*?)\s*$")
_NUMBER_PREFIX = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_FIELD = re.compile(r"^\*\*(?P<label>[^*]+?):\*\*\s*(?P<value>.*)$")
_BULLET = re.compile(r"^(?P<indent> *)(?:[-*+]|\d+[.)])\s+(?P<text>.*)$")
_MARKER = re.compile(r"\s*(?:[^\w\s*()]+\s*)?\*\*(?P<marker>[A-Z][A-Z0-9 ]+)\*\*\s*$")
_TRAILING_PAREN = re.compile(r"\s*\((?P<inner>[^()]+)\)\s*$")
_MD_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)$")
_ARXIV_FORM = re.compile(r"^arXiv:\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)$", re.IGNORECASE)
_ET_AL = re.compile(r",?\s*(?:et al\.?|and (?:others|collaborators|colleagues))\s*$", re.IGNORECASE)
_VENUE_YEAR = re.compile(r"^(?P<venue>[A-Za-z][\w-]*)\s+(?P<year>(?:19|20)\d\d)\b")


@dataclass
class _Block:
    """A paper block's lines while it is being read."""

    heading: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ImportedList:
    """What the importer read: the list header, its taxonomy and its records."""

    taxonomy: dict[str, Any]
    records: dict[str, dict[str, Any]]


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside parentheses and brackets."""
    parts, depth, current = [], 0, ""
    index = 0
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


def parse_links(value: str, source: str, line: int) -> list[dict[str, str]]:
    """Links separated by ``|``: bare URLs, Markdown links or ``arXiv:ID`` forms."""
    links = []
    for part in _split_top_level(value, "|"):
        if match := _MD_LINK.match(part):
            label, url = match["label"].strip(), match["url"]
        elif match := _ARXIV_FORM.match(part):
            url = f"https://arxiv.org/abs/{match['id']}"
            label = label_for_url(url)
        elif re.match(r"^https?://\S+$", part):
            url, label = part, label_for_url(part)
        else:
            raise ImportError_(source, line, f"cannot read {part!r} as a link; write a URL, [label](url) or arXiv:ID")
        links.append({"label": label, "url": url})
    return links


def parse_authors(value: str) -> dict[str, Any]:
    """Names, whether the list is truncated ("et al."), and affiliations in parentheses."""
    fields: dict[str, Any] = {}
    truncated = _ET_AL.search(value)
    if truncated:
        value = value[: truncated.start()]
        fields["authors_et_al"] = True
    names, per_author = [], {}
    for part in _split_top_level(value, ","):
        match = _TRAILING_PAREN.search(part)
        name = part[: match.start()].strip() if match else part
        names.append(name)
        if match:
            per_author[name] = match["inner"].strip()
    if len(per_author) == 1 and names and names[-1] in per_author:
        # "A, B, C (Org)" names the organisation of the whole author list.
        fields["affiliation"] = per_author[names[-1]]
    elif per_author:
        fields["author_affiliations"] = per_author
    return {"authors": names, **fields}


def _read_heading(heading: str, source: str, line: int) -> dict[str, Any]:
    """Title plus the award and presentation markers at its end, in whatever order they come."""
    fields: dict[str, Any] = {}
    while True:
        if match := _MARKER.search(heading):
            marker = match["marker"].strip()
            award_suffix = AWARD_SUFFIX.upper()
            if marker.endswith(award_suffix):
                fields["award"] = marker[: -len(award_suffix)].title()
            elif presentation := presentation_for_marker(marker):
                fields["presentation"] = presentation.id
            else:
                known = ", ".join(f"**{item.label.upper()}**" for item in PRESENTATIONS.values())
                raise ImportError_(
                    source, line, f"unknown heading marker **{marker}**; use one of {known} or '… AWARD'"
                )
        elif (match := _TRAILING_PAREN.search(heading)) and (presentation := presentation_for_marker(match["inner"])):
            fields["presentation"] = presentation.id
        else:
            return {"title": heading.strip(), **fields}
        heading = heading[: match.start()].rstrip()


def _dedent(text: str, width: int) -> str:
    return text[width:] if text[:width].strip() == "" else text.lstrip()


def _join_markdown(lines: list[str]) -> str:
    """Join summary lines, with the blank line Markdown needs before a list."""
    out: list[str] = []
    for line in lines:
        starts_list = bool(_BULLET.match(line)) and not line.startswith(" ")
        if out and starts_list and out[-1].strip() and not _BULLET.match(out[-1].lstrip()):
            out.append("")
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _parse_block(block: _Block, source: str) -> dict[str, Any]:
    record = _read_heading(block.heading, source, block.line)
    summary: list[str] = []
    results: list[str] = []
    mode = None
    results_indent = 0
    for number, raw in block.lines:
        if not raw.strip():
            if mode == "summary":
                summary.append("")
            continue
        bullet = _BULLET.match(raw)
        indent = len(raw) - len(raw.lstrip(" "))
        text = bullet["text"] if bullet else raw.strip()
        field_match = _FIELD.match(text) if bullet else None
        if field_match and field_match["label"].strip().lower() == "key results":
            mode, results_indent = "results", indent
            continue
        if mode == "results" and indent > results_indent:
            if bullet and indent <= results_indent + 2:
                results.append(text)
            elif results:
                results[-1] += "\n" + _dedent(raw, results_indent + 4)
            continue
        if indent == 0 and field_match:
            label, value = field_match["label"].strip().lower(), field_match["value"]
            if label in ("link", "links", "paper", "code", "pdf", "project"):
                record.setdefault("links", []).extend(parse_links(value, source, number))
                mode = None
            elif label in ("authors", "speakers"):
                record.update(parse_authors(value))
                mode = None
            elif label == "summary":
                summary.append(value)
                mode = "summary"
            else:
                raise ImportError_(
                    source,
                    number,
                    f"unknown field **{field_match['label']}:**; "
                    "expected Link, Authors, Speakers, Summary or Key Results",
                )
            continue
        if indent == 0 and bullet:
            # A bullet of its own after the summary continues it (the seed has one).
            summary.extend(["", text])
            mode = "summary"
            continue
        if mode == "summary":
            summary.append(_dedent(raw, 2))
            continue
        raise ImportError_(source, number, f"cannot place this line in the paper block: {raw!r}")
    if summary:
        record["summary"] = _join_markdown(summary)
    if results:
        record["key_results"] = results
    return record


def _strip_title_duplicate(record: dict[str, Any]) -> None:
    """Drop a trailing "(Org)" from a title when the authors line already names it."""
    match = _TRAILING_PAREN.search(record["title"])
    if not match:
        return
    known = set(record.get("authors", [])) | {record.get("affiliation")}
    if match["inner"].strip() in known:
        record["title"] = record["title"][: match.start()].strip()


def parse_list(text: str, source: str = "<input>") -> tuple[dict[str, Any], list[tuple[str, str, _Block]]]:
    """Split the document into its header, taxonomy and paper blocks."""
    header: dict[str, Any] = {"title": "", "description": ""}
    intro: list[str] = []
    sections: list[dict[str, Any]] = []
    blocks: list[tuple[str, str, _Block]] = []
    in_toc = False
    current: _Block | None = None
    notes_opened_at = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == END_OF_LIST:
            break
        if notes_opened_at:
            if line.strip() == END_OF_PROJECT_NOTES:
                notes_opened_at = 0
            continue
        if line.strip() == PROJECT_NOTES:
            notes_opened_at = number
            continue
        if _COMMENT_LINE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            level, title = len(heading.group(1)), heading.group(2)
            current = None
            if level == 1 and not header["title"]:
                header["title"] = title
                continue
            in_toc = level == 2 and title.strip().lower() in ("table of contents", "contents")
            if in_toc:
                continue
            if level == 2:
                name = _NUMBER_PREFIX.sub("", title)
                sections.append({"id": slugify(name), "title": name, "subsections": []})
            elif level == 3:
                if not sections:
                    raise ImportError_(source, number, "a ### subsection before any ## section")
                name = _NUMBER_PREFIX.sub("", title)
                sections[-1]["subsections"].append({"id": slugify(name), "title": name})
            elif level == 4:
                if not sections or not sections[-1]["subsections"]:
                    raise ImportError_(source, number, "a #### paper before any ### subsection")
                current = _Block(heading=title, line=number)
                blocks.append((sections[-1]["id"], sections[-1]["subsections"][-1]["id"], current))
            continue
        if line.strip() == "---":
            current = None
            continue
        if current is not None:
            current.lines.append((number, line))
        elif not sections and not in_toc and header["title"]:
            intro.append(line)
        elif line.strip() and not in_toc:
            raise ImportError_(source, number, f"text outside any paper block: {line.strip()!r}")
    if notes_opened_at:
        raise ImportError_(
            source,
            notes_opened_at,
            f"'{PROJECT_NOTES}' is never closed: add a line '{END_OF_PROJECT_NOTES}' after the notes",
        )
    header["description"] = "\n".join(intro).strip()
    header["sections"] = sections
    return header, blocks


def import_markdown(text: str, source: str = "<input>", added: dt.date | None = None) -> ImportedList:
    """Turn a list in the seed's Markdown format into a taxonomy and records."""
    text = repair_mojibake(text)
    header, blocks = parse_list(text, source)
    venue_year = _VENUE_YEAR.match(header["title"])
    added = added or dt.date.today()
    parsed_blocks = []
    for section_id, subsection_id, block in blocks:
        parsed = _parse_block(block, source)
        _strip_title_duplicate(parsed)
        parsed_blocks.append((f"{section_id}/{subsection_id}", parsed))
    prefixes = Counter(slugify(p) for _, r in parsed_blocks if (p := title_prefix(r["title"])))
    shared = frozenset(prefix for prefix, count in prefixes.items() if count > 1)
    records: dict[str, dict[str, Any]] = {}
    position_in: dict[str, int] = {}
    for category, parsed in parsed_blocks:
        position_in[category] = position_in.get(category, 0) + 10
        record: dict[str, Any] = {"title": parsed.pop("title"), "category": category, "position": position_in[category]}
        record["authors"] = parsed.pop("authors", [])
        for key in ("authors_et_al", "affiliation", "author_affiliations"):
            if key in parsed:
                record[key] = parsed.pop(key)
        if venue_year:
            record["venue"] = venue_year["venue"]
            record["year"] = int(venue_year["year"])
        record.update(parsed)
        record["added"] = added
        records[paper_id_for(record["title"], set(records), shared)] = record
    return ImportedList(taxonomy=header, records=records)


def write_import(imported: ImportedList, out_dir: Path, force: bool = False) -> list[Path]:
    """Write ``taxonomy.yml`` and ``papers/<id>.yaml``; refuse to overwrite without ``force``."""
    targets = {out_dir / "taxonomy.yml": dump_yaml(imported.taxonomy)}
    for paper_id, record in imported.records.items():
        targets[out_dir / "papers" / f"{paper_id}.yaml"] = dump_record(record)
    existing = sorted(path for path in targets if path.exists())
    if existing and not force:
        names = ", ".join(str(path) for path in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise FileExistsError(f"refusing to overwrite {names}{more}; pass --force to replace them")
    for path, content in targets.items():
        write_text_atomic(path, content)
    return list(targets)
