"""Check the parsed data against the schemas, the taxonomy and each other.

Every rule yields findings with the file, line and column of the offending value
and, where one exists, the fix. The schema check comes first, but a file that fails
it is still checked further, so one run reports everything: no check after it may
assume a type the schema has not confirmed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import fastjsonschema

if TYPE_CHECKING:
    import jsonschema

from .cache import file_digest, text_digest
from .escape import CODE_SPAN, is_safe_url
from .findings import Finding, Rule, errors_in
from .identity import normalised_title, paper_ids_of, titles_compatible
from .links import generic_page, link_kind, venue_year_of
from .load import Document, KeyPath, RawData, finish_loading, load_record, read_headers
from .parallel import fork_map
from .schemas import COLLECTION, LIST, PAPER, TAGS, TAXONOMY, schema
from .text import (
    BIDI_CONTROLS,
    CONTROL_CHARACTERS,
    ID_PATTERN,
    INVISIBLE_CHARACTERS,
    NONCHARACTERS,
    character_name,
    id_problem,
    invisible_characters,
    joined_name,
    looks_like_organisation,
    looks_mis_decoded,
    title_prefix,
)
from .vocabulary import title_markers

_ROOT_NAMES = {PAPER: "record", TAXONOMY: "taxonomy", TAGS: "tags.yml", LIST: "list", COLLECTION: "collection"}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_iso_date(value: str) -> bool:
    """The "date" format as jsonschema checks it, so the two validators agree."""
    try:
        return bool(_ISO_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


def _has_float(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


@cache
def schema_gate(name: str) -> Callable[[Any], bool]:
    """A fast yes/no for a schema: the schema compiled to Python code, microseconds per file.

    fastjsonschema has no 2020-12 mode; the schemas keep to keywords that draft 2019-09,
    the mode it picks, reads the same way. It takes 2025.0 for an integer, as JSON does;
    a YAML float is never right where the schemas want a number, so data holding one
    always goes to the precise validator.
    """
    compiled = fastjsonschema.compile(schema(name), formats={"date": _is_iso_date})

    def passes(data: Any) -> bool:
        if _has_float(data):
            return False
        try:
            compiled(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return passes


def _strict_integer(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


@cache
def schema_validator(name: str) -> jsonschema.protocols.Validator:
    """jsonschema, which lists every error with its path, for the files the gate rejects."""
    import jsonschema

    loaded = schema(name)
    base = jsonschema.validators.validator_for(loaded)
    base.check_schema(loaded)
    strict = jsonschema.validators.extend(base, type_checker=base.TYPE_CHECKER.redefine("integer", _strict_integer))
    return strict(loaded, format_checker=base.FORMAT_CHECKER)


def suggest(value: str, choices: list[str]) -> str:
    """ "; did you mean 'x'?" for the closest choice, or nothing."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its repr (which escapes control characters), cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KINDS = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "mapping"}
_SCHEMA_KINDS = {"array": "list", "object": "mapping"}
_URL_FIELDS = frozenset({"url", "site_url", "repository"})


def _kind(value: Any) -> str:
    return "null (an empty value)" if value is None else _KINDS.get(type(value), type(value).__name__)


def _type_message(field: str, error: jsonschema.ValidationError) -> str:
    expected = error.validator_value if isinstance(error.validator_value, str) else "/".join(error.validator_value)
    message = f"'{field}' must be of type {_SCHEMA_KINDS.get(expected, expected)}, not {_kind(error.instance)}"
    if error.instance is None:
        return message + "; write a value or delete the line"
    if expected == "string" and not isinstance(error.instance, list | dict):
        return message + "; put the value in quotes"
    if expected == "string" and isinstance(error.instance, dict) and len(error.instance) == 1:
        # `- Ada: Lovelace` is a mapping: the ': ' in the value made a key of its first part.
        return message + "; the value contains ': ', which YAML reads as a key: put the whole value in quotes"
    if expected == "integer" and isinstance(error.instance, float):
        return message + "; write a whole number, without a decimal point"
    if expected == "array" and isinstance(error.instance, str | int | float | bool):
        return message + "; write it as a list, one '- item' per line"
    return message


_UNITS: dict[type, str] = {str: "characters", list: "items", dict: "entries"}


def _size_message(field: str, error: jsonschema.ValidationError) -> str:
    """Every "too long" or "too short" message names the limit."""
    limit, instance = error.validator_value, error.instance
    size = len(instance) if isinstance(instance, str | list | dict) else 0
    unit = _UNITS.get(type(instance), "")
    if error.validator.startswith("max"):
        return f"'{field}' is too long: {size:,} {unit}, over the limit of {limit:,}; shorten it"
    if limit == 1:
        return f"'{field}' must not be empty"
    return f"'{field}' is too short: {size:,} {unit}, under the minimum of {limit:,}"


def _pattern_message(field: str, key_path: KeyPath, error: jsonschema.ValidationError) -> str:
    last = key_path[-1] if key_path else ""
    if error.validator_value == "\\S":
        return f"'{field}' must not be blank"
    if last == "url":
        return f"link URL {_shown(error.instance)} must start with http:// or https://"
    if last in _URL_FIELDS:
        return f"'{field}' is {_shown(error.instance)}; it must be an http:// or https:// URL"
    described = error.schema.get("description") or f"it must match {error.validator_value}"
    return f"'{field}' is {_shown(error.instance)}, not in the expected form; {described}"


def _schema_message(error: jsonschema.ValidationError, key_path: KeyPath, root: str) -> str:
    """A contributor-facing sentence for a schema violation."""
    field = ".".join(map(str, key_path)) or root
    properties: dict[str, Any] = error.schema.get("properties", {})
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        description = properties.get(missing, {}).get("description", "")
        where = f" in '{field}'" if key_path else ""
        return f"missing required field '{missing}'{where}: {description}"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(properties))
        where = f" in '{'.'.join(map(str, key_path[:-1]))}'" if len(key_path) > 1 else ""
        names = ", ".join(_shown(name) for name in unknown)
        if moved := [SITE_SETTINGS[name] for name in unknown if name in SITE_SETTINGS and not key_path[:-1]]:
            return f"unknown field {names}: site settings live in mkdocs.yml now; set {', '.join(moved)} there"
        return f"unknown field {names}{where}{suggest(unknown[0], list(properties)) if unknown else ''}"
    if error.validator == "type":
        return _type_message(field, error)
    if error.validator == "enum":
        allowed = ", ".join(repr(choice) for choice in error.validator_value)
        return f"'{field}' is {_shown(error.instance)}; choose one of {allowed}"
    if error.validator == "pattern":
        return _pattern_message(field, key_path, error)
    if error.validator == "format":
        return f"'{field}' is {_shown(error.instance)}, which is not a real {error.validator_value} (YYYY-MM-DD)"
    if error.validator in ("maxLength", "maxItems", "maxProperties", "minLength", "minItems", "minProperties"):
        return _size_message(field, error)
    if error.validator == "minimum":
        return f"'{field}' is {_shown(error.instance)}, below the minimum of {error.validator_value}"
    if error.validator == "maximum":
        return f"'{field}' is {_shown(error.instance)}, over the maximum of {error.validator_value}"
    if error.validator == "uniqueItems":
        return f"'{field}' lists the same value twice; keep one"
    return f"'{field}': {_shown(error.message, 200)}"


# Keywords about a value's children: several may concern the same object and all stay.
_ABOUT_CHILDREN = frozenset({"required", "additionalProperties"})


def check_schema(document: Document, name: str = PAPER) -> Iterator[Finding]:
    """The file's data against its JSON Schema: one finding for each field that breaks it."""
    if schema_gate(name)(document.data):
        return
    errors = sorted(schema_validator(name).iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path)))
    reported: set[KeyPath] = set()
    for error in errors:
        key_path: KeyPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            key_path = (*key_path, unknown[0]) if unknown else key_path
        if error.validator not in _ABOUT_CHILDREN:
            # A field gets one finding: "not a real date" says enough without "does not match".
            if key_path in reported:
                continue
            reported.add(key_path)
        yield document.finding(key_path, "error", _schema_message(error, key_path, _ROOT_NAMES[name]), Rule.SCHEMA)


def _items(value: Any) -> list[Any]:
    """``value`` if it is a list, else nothing: for walking data the schema may have rejected."""
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> Iterator[tuple[KeyPath, str]]:
    """Every string in ``value``, keys included, with its key path, that a text check must read.

    Plain ASCII text, most of every file, has nothing the checks look for and is skipped here.
    """
    stack: list[tuple[KeyPath, Any]] = [((), value)]
    while stack:
        key_path, item = stack.pop()
        if isinstance(item, str):
            if _worth_checking(item):
                yield key_path, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = (*key_path, key)
                if _worth_checking(key):
                    yield child_path, key
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend(((*key_path, index), child) for index, child in enumerate(item))


def _check_ids(
    document: Document, where: KeyPath, items: list[Any], what: str
) -> Iterator[tuple[KeyPath, dict[str, Any], Finding | None]]:
    """Each mapping of ``items`` that has a string id, with its key path and the id's problem, if any.

    Other items are left to the schema check, which reports them.
    """
    first_line: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        item_id, item_path = item["id"], (*where, index)
        id_path = (*item_path, "id")
        problem = None
        if reason := id_problem(item_id):
            problem = document.finding(id_path, "error", f"{what} id {_shown(item_id)} {reason}", Rule.ID)
        elif item_id in first_line:
            problem = document.finding(
                id_path,
                "error",
                f"{what} id '{item_id}' is used twice (first on line {first_line[item_id]}); give each its own",
                Rule.DUPLICATE_ID,
            )
        else:
            first_line[item_id] = document.where(id_path)[0]
        yield item_path, item, problem


def check_taxonomy(taxonomy: Document, name: str = TAXONOMY) -> tuple[list[Finding], set[str]]:
    """A taxonomy's (or a list file's) schema, ids and text; returns findings and the valid categories.

    A category is ``section/subsection``, or ``section`` for a section without subsections
    (which a list file may have: its papers sit in the section itself).
    """
    findings = list(check_schema(taxonomy, name))
    categories: set[str] = set()
    data = _mapping(taxonomy.data)
    for where, section, problem in _check_ids(taxonomy, ("sections",), _items(data.get("sections")), "section"):
        if problem:
            findings.append(problem)
            continue
        subsections = _items(section.get("subsections"))
        if not subsections and isinstance(section.get("subsections"), list):
            categories.add(section["id"])
        for _, subsection, sub_problem in _check_ids(taxonomy, (*where, "subsections"), subsections, "subsection"):
            if sub_problem:
                findings.append(sub_problem)
            else:
                categories.add(f"{section['id']}/{subsection['id']}")
    for key_path, text in _strings(taxonomy.data):
        markdown = key_path in (("description",), ("overview",), ("summary",))
        findings.extend(check_text(taxonomy, key_path, text, markdown=markdown))
    return findings, categories


def check_lists(lists: list[Document]) -> tuple[list[Finding], dict[str, set[str]]]:
    """A collection's list files: each as a taxonomy, its file name a list id, no two with one output.

    Returns the findings and each list's categories by list id.
    """
    findings: list[Finding] = []
    categories: dict[str, set[str]] = {}
    outputs: dict[str, str] = {}
    for document in lists:
        list_findings, list_categories = check_taxonomy(document, LIST)
        findings.extend(list_findings)
        stem = document.stem
        if (
            reason := id_problem(stem)
            if ID_PATTERN.match(stem)
            else "must be lowercase kebab-case (letters, digits, hyphens)"
        ):
            findings.append(
                document.finding((), "error", f"list file name '{document.path.name}': the list id {reason}", Rule.ID)
            )
            continue
        categories[document.stem] = list_categories
        output = _mapping(document.data).get("output")
        if isinstance(output, str):
            if output in outputs:
                findings.append(
                    document.finding(
                        ("output",),
                        "error",
                        f"'output' {output} is also {outputs[output]}'s; give each list its own file",
                        Rule.DUPLICATE_ID,
                    )
                )
            outputs.setdefault(output, document.display)
    return findings, categories


def _unknown_list(document: Document, key_path: KeyPath, list_id: str, known: list[str]) -> Finding:
    """A list id that names no file under entries/lists/, with the nearest one that does."""
    return document.finding(
        key_path,
        "error",
        f"unknown list {_shown(list_id)}{suggest(list_id, known)}; lists are the files entries/lists/<list>.yml",
        Rule.UNKNOWN_LIST,
    )


def check_list_order(header: Document, list_ids: list[str]) -> Iterator[Finding]:
    """collection.yml's ``lists``, when given, names every list file once and nothing else."""
    order = _mapping(header.data).get("lists")
    if not isinstance(order, list):
        return
    for index, list_id in enumerate(order):
        if isinstance(list_id, str) and list_id not in list_ids:
            yield _unknown_list(header, ("lists", index), list_id, list_ids)
    for list_id in list_ids:
        if list_id not in order:
            yield header.finding(
                ("lists",),
                "error",
                f"list '{list_id}' (entries/lists/{list_id}.yml) is not in 'lists'; add '- {list_id}' where "
                "the site should show it",
                Rule.UNKNOWN_LIST,
            )


def check_tags(tags: Document | None) -> tuple[list[Finding], set[str]]:
    """The tag vocabulary's schema, ids and text; returns findings and the known tag ids."""
    if tags is None:
        return [], set()
    findings = list(check_schema(tags, TAGS))
    known: set[str] = set()
    for _, tag, problem in _check_ids(tags, ("tags",), _items(_mapping(tags.data).get("tags")), "tag"):
        if problem:
            findings.append(problem)
        else:
            known.add(tag["id"])
    for key_path, text in _strings(tags.data):
        findings.extend(check_text(tags, key_path, text, markdown=False))
    return findings, known


_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_MARKDOWN_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)|^\s*\[[^\]]*\]:\s*<?(\S+?)>?\s*$", re.MULTILINE)
# ASCII characters that some check below looks for: most strings have none and skip them all.
_CHECKED_ASCII = re.compile(r"[\x00-\x08\x0a-\x1f\x7f<\]!]")
MARKDOWN_FIELDS = ("summary", "key_results")
PAPER_LINK_KINDS = frozenset({"arxiv", "openreview", "proceedings"})


def _worth_checking(text: str) -> bool:
    """False for text that none of the checks below could object to."""
    return not text.isascii() or bool(_CHECKED_ASCII.search(text))


def _outside_code(text: str) -> str:
    return CODE_SPAN.sub(lambda match: " " * len(match.group()), text)


# One pass finds whether any of the character checks below has something to say.
_FORBIDDEN_CHARACTERS = re.compile(
    "[" + "".join(pattern.pattern[1:-1] for pattern in (CONTROL_CHARACTERS, INVISIBLE_CHARACTERS, NONCHARACTERS)) + "]"
)


def _character_findings(document: Document, key_path: KeyPath, text: str, markdown: bool) -> Iterator[Finding]:
    """Characters no text may hold: controls, invisible and bidirectional ones, noncharacters."""
    if not _FORBIDDEN_CHARACTERS.search(text) and (markdown or "\n" not in text):
        return
    field = ".".join(map(str, key_path))
    control = CONTROL_CHARACTERS.search(text)
    if control or (not markdown and "\n" in text):
        shown = repr(control.group()) if control else "a line break"
        yield document.finding(
            key_path, "error", f"'{field}' contains the control character {shown}; remove it", Rule.CONTROL_CHARACTER
        )
    if not text.isascii():
        if invisible := invisible_characters(text):
            char = invisible[0]
            effect = (
                "which can make text display in another order than it is stored"
                if char in BIDI_CONTROLS
                else "which hides text from search and the duplicate check"
            )
            kind = "bidirectional control" if char in BIDI_CONTROLS else "invisible character"
            yield document.finding(
                key_path,
                "error",
                f"'{field}' contains the {kind} {character_name(char)}, {effect}; delete it "
                "(in most editors: move the cursor across it and delete the character you skip)",
                Rule.INVISIBLE_CHARACTER,
            )
        if nonchar := NONCHARACTERS.search(text):
            yield document.finding(
                key_path,
                "error",
                f"'{field}' contains U+{ord(nonchar.group()):04X}, which is not a character "
                "(a broken \\u escape, or a code point no text may hold); delete it or write the intended character",
                Rule.NONCHARACTER,
            )


def check_text(document: Document, key_path: KeyPath, text: str, markdown: bool) -> Iterator[Finding]:
    """Control and invisible characters, mis-decoded sequences, raw HTML and unsafe links in one string."""
    if not _worth_checking(text):
        return
    field = ".".join(map(str, key_path))
    yield from _character_findings(document, key_path, text, markdown)
    # ftfy reads only well-formed text; a string with a noncharacter already has its error.
    if not text.isascii() and not NONCHARACTERS.search(text) and looks_mis_decoded(text):
        yield document.finding(
            key_path,
            "error",
            f"'{field}' contains mis-decoded text (such as '√ó' for '×' or '‚Äî' for '—'); "
            "re-copy it from the source or retype the characters",
            Rule.MIS_DECODED,
        )
    prose = _outside_code(text) if markdown and "`" in text else text
    if _HTML_TAG.search(prose):
        fix = (
            "Markdown fields do not allow; use Markdown (**bold**, *italic*, [text](https://…)) "
            "or put code in `backticks`"
            if markdown
            else "plain-text fields do not allow; delete the tags, or write '<' as 'less than' "
            "(this field is shown as written, with no formatting)"
        )
        yield document.finding(key_path, "error", f"'{field}' contains raw HTML, which {fix}", Rule.RAW_HTML)
    if markdown:
        if "![" in prose:
            yield document.finding(
                key_path, "error", f"'{field}' embeds an image; images are not allowed, link to it instead", Rule.IMAGE
            )
        for match in _MARKDOWN_TARGET.finditer(prose):
            target = match.group(1) or match.group(2) or ""
            if not target.lower().startswith(("http://", "https://")) or not is_safe_url(target):
                yield document.finding(
                    key_path,
                    "error",
                    f"'{field}' links to {_shown(target)}; Markdown links must be http(s) URLs",
                    Rule.UNSAFE_LINK,
                )


def _link_urls(data: dict[str, Any]) -> Iterator[tuple[int, str]]:
    """Each link's URL with the link's index, for the links that have a string one."""
    for index, link in enumerate(_items(data.get("links"))):
        url = _mapping(link).get("url")
        if isinstance(url, str):
            yield index, url


def check_links(document: Document, data: dict[str, Any]) -> Iterator[Finding]:
    """Links that do not lead to the paper, or to the wrong year's conference, or to nowhere."""
    urls = list(_link_urls(data))
    for index, link in enumerate(_items(data.get("links"))):
        if isinstance(link, dict) and "url" not in link:
            yield document.finding(
                ("links", index),
                "warning",
                f"link {_shown(link.get('label'))} has no URL; "
                "add its address (url: https://…) so readers can follow it",
                Rule.LINK_WITHOUT_URL,
            )
    for index, url in urls:
        if not is_safe_url(url):
            continue
        if reason := generic_page(url):
            yield document.finding(
                ("links", index, "url"),
                "warning",
                f"link {url} points at {reason}, not at this paper; "
                "replace it with the paper's own page (arXiv, OpenReview, proceedings)",
                Rule.GENERIC_LINK,
            )
        year, record_year = venue_year_of(url), data.get("year")
        if year and isinstance(record_year, int) and year != record_year:
            yield document.finding(
                ("links", index, "url"),
                "warning",
                f"link {url} is a {year} conference page but the record says year "
                f"{record_year}; check that it is the right paper and year",
                Rule.VENUE_YEAR,
            )
    if not any(link_kind(url) in PAPER_LINK_KINDS for _, url in urls):
        yield document.finding(
            ("links",) if "links" in data else (),
            "warning",
            "no arXiv, OpenReview or proceedings link; add one so readers reach the paper",
            Rule.NO_PAPER_LINK,
        )


def _check_file_name(document: Document) -> Iterator[Finding]:
    """The file name is the record's id: in URLs, file names and anchors."""
    stem = document.stem
    if not ID_PATTERN.match(stem):
        yield document.finding(
            (),
            "error",
            f"file name {_shown(document.path.name)} must be a lowercase kebab-case id "
            "(letters, digits, hyphens) followed by .yaml",
            Rule.FILE_NAME,
        )
    elif problem := id_problem(stem):
        yield document.finding((), "error", f"file name '{document.path.name}': the id '{stem}' {problem}", Rule.ID)


def is_markdown_field(key_path: KeyPath) -> bool:
    """Whether the string at ``key_path`` of a record is Markdown: a summary, key result or note, wherever placed."""
    within = key_path[2:] if key_path[:1] == ("also",) else key_path
    return bool(within) and (within[0] in MARKDOWN_FIELDS or (within[0] == "notes" and within[-1:] == ("text",)))


def _check_category(
    document: Document, where: KeyPath, category: Any, categories: set[str], list_id: str | None
) -> Iterator[Finding]:
    if isinstance(category, str) and categories and category not in categories:
        within = f" of list '{list_id}'" if list_id else ""
        yield document.finding(
            (*where, "category"),
            "error",
            f"unknown category {_shown(category)}{within}{suggest(category, sorted(categories))}",
            Rule.UNKNOWN_CATEGORY,
        )


def check_placements(document: Document, data: dict[str, Any], lists: dict[str, set[str]]) -> Iterator[Finding]:
    """In a collection: each placement (the record's own and each of ``also``) names a list and a category of it."""
    placements: list[tuple[KeyPath, dict[str, Any]]] = [((), data)]
    placements.extend((("also", index), _mapping(item)) for index, item in enumerate(_items(data.get("also"))))
    placed_in: set[str] = set()
    for where, placement in placements:
        list_id = placement.get("list")
        if isinstance(list_id, str) and list_id in placed_in:
            yield document.finding(
                (*where, "list"),
                "error",
                f"the paper is already placed in list '{list_id}'; a list shows a paper once: "
                "keep one of the two placements",
                Rule.PLACEMENT,
            )
            continue
        if isinstance(list_id, str):
            placed_in.add(list_id)
        if where == () and "list" not in placement:
            yield document.finding(
                (),
                "error",
                f"missing 'list': this project is a collection; name the list this placement is in "
                f"(one of {', '.join(sorted(lists))})",
                Rule.PLACEMENT,
            )
            continue
        if not isinstance(list_id, str):
            continue
        if list_id not in lists:
            yield _unknown_list(document, (*where, "list"), list_id, sorted(lists))
            continue
        yield from _check_category(document, where, placement.get("category"), lists[list_id], list_id)


def _single_list_placement(document: Document, data: dict[str, Any]) -> Iterator[Finding]:
    """A single-list project's record has no ``list`` or ``also``: there is no other list to name."""
    for key in ("list", "also"):
        if key in data:
            yield document.finding(
                (key,),
                "error",
                f"'{key}' places a paper in a collection's list, but this project has one list "
                "(entries/taxonomy.yml); delete it, or make the project a collection (entries/lists/<list>.yml)",
                Rule.PLACEMENT,
            )


def check_record(
    document: Document,
    categories: set[str],
    tag_ids: set[str] | None = None,
    lists: dict[str, set[str]] | None = None,
) -> list[Finding]:
    """Rules for one record on its own: file name, schema, placements, text and links.

    ``lists`` (a collection's categories by list id) makes each placement checked
    against its own list; without it, the record is checked against ``categories``.
    A tag or category that is not one of the project's gets its rule's finding ("unknown
    tag 'Memory'; did you mean 'memory'?") alone, without the schema's generic "not in the
    expected form" for the same value beside it.
    """
    findings = list(_record_findings(document, categories, tag_ids, lists))
    explained = {(found.line, found.column) for found in findings if found.rule in _EXPLAIN_THE_SCHEMA}
    return [found for found in findings if found.rule != Rule.SCHEMA or (found.line, found.column) not in explained]


# Rules that say all the schema's pattern would about a value, and more: the fix.
_EXPLAIN_THE_SCHEMA = frozenset({Rule.UNKNOWN_TAG, Rule.UNKNOWN_CATEGORY})


def _record_findings(
    document: Document, categories: set[str], tag_ids: set[str] | None, lists: dict[str, set[str]] | None
) -> Iterator[Finding]:
    yield from _check_file_name(document)
    if not isinstance(document.data, dict):
        yield document.finding((), "error", "a record is a mapping of fields (title: …, category: …)", Rule.SCHEMA)
        return
    data = document.data
    yield from check_schema(document)
    if lists is None:
        yield from _single_list_placement(document, data)
        yield from _check_category(document, (), data.get("category"), categories, None)
    else:
        yield from check_placements(document, data, lists)
    for key_path, text in _strings(data):
        yield from check_text(document, key_path, text, markdown=is_markdown_field(key_path))
    for index, tag in enumerate(_items(data.get("tags"))):
        if tag_ids is not None and isinstance(tag, str) and tag not in tag_ids:
            yield document.finding(
                ("tags", index),
                "error",
                f"unknown tag {_shown(tag)}{suggest(tag, sorted(tag_ids))}; tags come from "
                "entries/tags.yml (add it there first if it is really new)",
                Rule.UNKNOWN_TAG,
            )
    if not data.get("authors"):
        yield document.finding(
            ("authors",) if "authors" in data else (),
            "warning",
            "no authors listed; add them from the paper's first page",
            Rule.NO_AUTHORS,
        )
    yield from check_title_markers(document, data)
    yield from check_names(document, data)
    yield from check_links(document, data)


def _field_hint(field: str | None, value: str | None, data: dict[str, Any]) -> str:
    """Where a title marker's meaning belongs, as the end of a sentence."""
    if field is None:
        return "delete it"
    if value is None:
        choices = "the award's name" if field == "award" else "oral, spotlight, poster, …"
        return f"delete it from the title and set `{field}:` ({choices}) instead"
    written = f"`{field}: {value}`"
    if data.get(field) == value:
        return f"delete it from the title (the record already says {written})"
    return f"delete it from the title and write {written} instead"


def check_title_markers(document: Document, data: dict[str, Any]) -> Iterator[Finding]:
    """Presentation and award markers written into the title, which has no room for them: one finding."""
    title = data.get("title")
    if not isinstance(title, str) or not (markers := title_markers(title)):
        return
    # Each marker's fix once, and the first few only: a title of markers must not flood the output.
    fixes = list(
        dict.fromkeys(f"{marker.text!r}: {_field_hint(marker.field, marker.value, data)}" for marker in markers)
    )
    shown = "; ".join(fixes[:3]) + (f"; and {len(fixes) - 3} more" if len(fixes) > 3 else "")
    what = "the marker" if len(markers) == 1 else f"{len(markers)} markers"
    yield document.finding(
        ("title",),
        "error",
        f"the title carries {what}, and titles hold only the paper's title; {shown}",
        Rule.TITLE_MARKER,
    )


def check_names(document: Document, data: dict[str, Any]) -> Iterator[Finding]:
    """The organisations list names authors; author names do not run two names together."""
    authors = [name for name in _items(data.get("authors")) if isinstance(name, str)]
    organisations = {name for name in _items(data.get("organisations")) if isinstance(name, str)}
    for index, name in enumerate(_items(data.get("organisations"))):
        if isinstance(name, str) and name not in authors:
            yield document.finding(
                ("organisations", index),
                "error",
                f"organisation {_shown(name)} is not in 'authors'{suggest(name, authors)}; "
                "list an organisation here by its name exactly as 'authors' writes it",
                Rule.ORGANISATION,
            )
    for index, name in enumerate(authors):
        if name in organisations or looks_like_organisation(name):
            continue
        if parts := joined_name(name):
            yield document.finding(
                ("authors", index),
                "warning",
                f"author {_shown(name)} looks like two names run together; write '{' '.join(parts)}', "
                "or, if it is an organisation, list it under 'organisations:'",
                Rule.JOINED_NAME,
            )


def _added(document: Document) -> str | None:
    added = _mapping(document.data).get("added")
    return added if isinstance(added, str) and _is_iso_date(added) else None


def newest(documents: list[Document], new: Collection[str] = ()) -> list[Document]:
    """Which of several records of the same paper is the copy to report.

    The ones known to be new (``new`` holds their display paths: the files named on the
    command line or changed in the pull request); else the one added last. When nothing
    tells them apart (a tie, or a record without a date), all of them.
    """
    if named := [document for document in documents if document.display in new]:
        return named
    dates = [_added(document) for document in documents]
    if None in dates:
        return documents
    latest = max(date for date in dates if date)
    return [document for document, date in zip(documents, dates, strict=True) if date == latest]


def check_across(documents: list[Document], new: Collection[str] = (), collection: bool = False) -> Iterator[Finding]:
    """Rules between records, each a single pass over dictionaries: near-linear in the count.

    A paper listed twice is reported on its new copy only (see ``newest``): the record
    nobody touched is not the one to fix. In a ``collection`` a paper has one record however
    many lists hold it, so the fix for a second record is a placement in the first.
    """
    same_paper: dict[tuple[str, str], list[tuple[Document, KeyPath]]] = defaultdict(list)
    prefixes: dict[str, list[tuple[Document, str]]] = defaultdict(list)
    for document in documents:
        data = _mapping(document.data)
        keys: list[tuple[tuple[str, str], KeyPath]] = []
        title = data.get("title")
        if isinstance(title, str):
            if normalised := normalised_title(title):
                keys.append((("title", normalised), ("title",)))
            if prefix := title_prefix(title):
                prefixes[normalised_title(prefix)].append((document, prefix))
        for index, url in _link_urls(data):
            keys.extend((key, ("links", index, "url")) for key in paper_ids_of([url]))
        for key, where in dict(reversed(keys)).items():
            same_paper[key].append((document, where))
    for (kind, value), group in same_paper.items():
        if len(group) < 2:
            continue
        what = "title" if kind == "title" else f"{kind} {value}"
        if kind != "title" and not _titles_agree(group):
            # Different titles with one id: the same paper renamed, or a link on the wrong paper.
            what += ", though the titles differ: if they are different papers, one of the links is wrong"
        reported = {id(document) for document in newest([document for document, _ in group], new)}
        for document, where in group:
            if id(document) not in reported:
                continue
            others = ", ".join(other.display for other, _ in group if other is not document)
            fix = (
                f"add a placement to {others} (an item of its 'also:' list) and delete this record"
                if collection
                else "keep one record and delete the other"
            )
            yield document.finding(
                where, "error", f"the same paper is already listed in {others} (same {what}); {fix}", Rule.DUPLICATE
            )
    for prefix_group in prefixes.values():
        if len(prefix_group) > 1:
            shared = prefix_group[0][1]
            for document, _ in prefix_group:
                others = ", ".join(other.display for other, _ in prefix_group if other is not document)
                # Often one paper that two lists titled differently (a short title and the full one).
                same = (
                    f"add a placement to {others} (an item of its 'also:' list) and delete this record"
                    if collection
                    else "keep one record and delete the other"
                )
                yield document.finding(
                    ("title",),
                    "warning",
                    f"another paper's title also starts '{shared}:' ({others}); if it is the same paper, {same}; "
                    "if not, make sure the full titles tell them apart",
                    Rule.SHARED_TITLE_PREFIX,
                )


def _title_of(document: Document) -> str:
    title = _mapping(document.data).get("title")
    return title if isinstance(title, str) else ""


def _titles_agree(group: list[tuple[Document, KeyPath]]) -> bool:
    """Whether records that share an id have titles that can name one paper."""
    first = _title_of(group[0][0])
    return all(titles_compatible(first, _title_of(document)) for document, _ in group[1:])


# The site's settings, as mkdocs.yml holds them, by the names the taxonomy once gave them.
SITE_SETTINGS = {"site_url": "site_url", "repository": "extra.repository", "branch": "extra.branch"}


def check_site(site: Document | None) -> Iterator[Finding]:
    """mkdocs.yml's settings the generator uses: the site's and the repository's addresses, the branch."""
    if site is None:
        return
    data = _mapping(site.data)
    extra = _mapping(data.get("extra"))
    for key_path, value in ((("site_url",), data.get("site_url")), (("extra", "repository"), extra.get("repository"))):
        if value is not None and not (
            isinstance(value, str) and value.lower().startswith(("http://", "https://")) and is_safe_url(value)
        ):
            yield site.finding(
                key_path,
                "error",
                f"'{'.'.join(key_path)}' is {_shown(value)}; it must be an "
                "http(s) URL such as https://example.org/list/",
                Rule.SCHEMA,
            )
    branch = extra.get("branch")
    if branch is not None and not (isinstance(branch, str) and branch.strip() and branch == branch.strip()):
        yield site.finding(
            ("extra", "branch"),
            "error",
            f"'extra.branch' is {_shown(branch)}; it must be the name of the repository's branch, such as main",
            Rule.SCHEMA,
        )


@dataclass(frozen=True)
class RecordRules:
    """What each record is checked against: the categories, the tag vocabulary, a collection's lists."""

    categories: set[str]
    tag_ids: set[str] | None
    lists: dict[str, set[str]] | None

    def check(self, document: Document) -> list[Finding]:
        """Every finding of ``check_record`` for one record."""
        return check_record(document, self.categories, self.tag_ids, self.lists)


def check_headers(
    taxonomy: Document, tags: Document | None, lists: list[Document]
) -> tuple[list[Finding], RecordRules]:
    """The files other than the records (taxonomy or collection and lists, tags), and the rules they set for records."""
    list_categories: dict[str, set[str]] | None = None
    if lists:
        findings = list(check_schema(taxonomy, COLLECTION))
        for key_path, text in _strings(taxonomy.data):
            findings.extend(check_text(taxonomy, key_path, text, markdown=key_path == ("description",)))
        list_findings, list_categories = check_lists(lists)
        findings.extend(list_findings)
        findings.extend(check_list_order(taxonomy, [document.stem for document in lists]))
        categories: set[str] = set()
    else:
        findings, categories = check_taxonomy(taxonomy)
    tag_findings, tag_ids = check_tags(tags)
    findings.extend(tag_findings)
    return findings, RecordRules(categories, tag_ids if tags else None, list_categories)


def validate(raw: RawData, new: Collection[str] = ()) -> list[Finding]:
    """Every finding for the data set, errors and warnings, in file order.

    ``new`` names the files known to be new or changed (display paths), for the duplicate check.
    """
    findings, rules = check_headers(raw.taxonomy, raw.tags, raw.lists)
    findings.extend(check_site(raw.site))
    for document in raw.papers:
        findings.extend(rules.check(document))
    findings.extend(check_across(raw.papers, new, raw.is_collection))
    return sorted(findings)


# A record file as a run read it: the document (None if unreadable), its reading problems,
# the findings of its own checks, and what ``load_and_validate``'s ``prepare`` made of it.
CheckedRecord = tuple[Document | None, list[Finding], list[Finding], Any]
Prepared = TypeVar("Prepared")


@dataclass
class CheckedRecords:
    """The records an earlier run in this process parsed and checked, by their file's bytes.

    ``mkdocs serve`` runs the generator again after every edit, usually of one record; the
    others need not be parsed and checked again. An entry is found by the file's path and
    the digest of the bytes this run reads, never by its times, and only records that
    parsed are kept. Held only by a caller that runs again (a build run once would keep
    every record's text and data alive for nothing).
    """

    # What the records were checked against, and the ``prepare`` of ``load_and_validate`` they went through.
    under: tuple[RecordRules | None, object] | None = None
    by_file: dict[tuple[Path, str], CheckedRecord] = field(default_factory=dict)

    def check_all(
        self,
        paths: list[Path],
        under: tuple[RecordRules | None, object],
        check: Callable[[Path], CheckedRecord],
        workers: int | None,
    ) -> list[CheckedRecord]:
        """``check`` for each of ``paths``, or what it gave for the same bytes ``under`` the same rules last time."""
        if under != self.under:
            self.under, self.by_file = under, {}
        keys = [(path, digest) if (digest := file_digest(str(path))) is not None else None for path in paths]
        missing = [path for path, key in zip(paths, keys, strict=True) if key is None or key not in self.by_file]
        fresh = iter(fork_map(check, missing, workers))
        results: list[CheckedRecord] = []
        kept: dict[tuple[Path, str], CheckedRecord] = {}
        for key in keys:
            result = self.by_file[key] if key is not None and key in self.by_file else next(fresh)
            document = result[0]
            # Kept only if what was parsed is what was hashed: the file may have been edited in between.
            if key is not None and document is not None and text_digest(document.text) == key[1]:
                kept[key] = result
            results.append(result)
        # Only this run's files: a server's memory does not grow with each edit.
        self.by_file = kept
        return results


def load_and_validate(
    entries_dir: Path,
    workers: int | None = None,
    checked: CheckedRecords | None = None,
    prepare: Callable[[dict[str, Any]], Prepared] | None = None,
) -> tuple[RawData, list[Finding], list[Prepared | None]]:
    """``load_entries`` then ``validate``: the same data, findings and DataError, sooner.

    Each record is parsed and checked on its own in one go, shared among ``workers``
    processes (``parallel.fork_map``; None picks by the number of records); the checks
    between records run here, after. A file that cannot be read stops the run with the
    reading errors alone, as ``load_entries`` does. ``checked`` holds the records of
    earlier runs, for a caller that runs again (see CheckedRecords). ``prepare`` is later
    work that each record without errors allows on its own, done in the same process
    as its checks; what it returns comes back in record order. None stands for a record
    with errors, and for one that ``prepare`` failed on: the later stage then does that
    work itself, and reports the failure as it would have without ``prepare``.
    """
    headers = read_headers(entries_dir)
    header_findings: list[Finding] = []
    rules = None
    # With a header unreadable the run stops at the reading errors; the records are only read.
    if headers.taxonomy is not None and not headers.findings:
        header_findings, rules = check_headers(headers.taxonomy, headers.tags, headers.lists)

    def read_and_check(path: Path) -> CheckedRecord:
        document, problems = load_record(path, headers.base)
        if document is None or rules is None:
            return document, problems, [], None
        findings = rules.check(document)
        prepared = None
        if prepare is not None and not errors_in(findings):
            try:
                prepared = prepare(document.data)
            except Exception:
                # Only a head start: a failure here must not come before the checks between records.
                prepared = None
        return document, problems, findings, prepared

    if checked is None:
        results = fork_map(read_and_check, headers.record_paths, workers)
    else:
        results = checked.check_all(headers.record_paths, (rules, prepare), read_and_check, workers)
    raw = finish_loading(headers, [(document, problems) for document, problems, _, _ in results])
    findings = [*header_findings, *check_site(raw.site)]
    for _, _, record_findings, _ in results:
        findings.extend(record_findings)
    findings.extend(check_across(raw.papers, (), raw.is_collection))
    prepared: list[Prepared | None] = [result for _, _, _, result in results]
    return raw, sorted(findings), prepared
