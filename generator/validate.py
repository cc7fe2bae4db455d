"""Check the parsed data against the schema, the taxonomy and each other.

Every rule yields findings with the file, line and column of the offending value
and, where one exists, the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:
    import jsonschema

from .escape import CODE_SPAN, is_safe_url
from .findings import Finding
from .links import arxiv_id, generic_page, link_kind, openreview_id, venue_year_of
from .load import Document, RawData
from .text import ID_PATTERN, MIS_DECODING_SHAPE, looks_mis_decoded, title_prefix

SCHEMA_RESOURCE = "schema/paper.schema.json"


@cache
def paper_schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_RESOURCE).read_text("utf-8"))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_iso_date(value: str) -> bool:
    """The "date" format as jsonschema checks it, so the two validators agree."""
    try:
        return bool(_ISO_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


@cache
def paper_gate() -> Callable[[Any], Any]:
    """The schema compiled to Python code: microseconds per record, but it stops at the first error.

    fastjsonschema has no 2020-12 mode; the schema keeps to keywords that draft 2019-09,
    the mode it picks, reads the same way.
    """
    return fastjsonschema.compile(paper_schema(), formats={"date": _is_iso_date})


@cache
def paper_validator() -> jsonschema.protocols.Validator:
    """jsonschema, which lists every error with its path, for the records the gate rejects.

    It must accept exactly the records ``paper_gate`` accepts: a record the gate lets
    through is never shown to this validator.
    """
    import jsonschema

    schema = paper_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def suggest(value: str, choices: list[str]) -> str:
    """ "; did you mean 'x'?" for the closest choice, or nothing."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _schema_message(error: jsonschema.ValidationError) -> str:
    """A contributor-facing sentence for a schema violation."""
    field = ".".join(str(part) for part in error.absolute_path) or "record"
    properties = list(paper_schema()["properties"])
    if error.validator == "required":
        missing = error.message.split("'")[1]
        description = paper_schema()["properties"][missing]["description"]
        return f"missing required field '{missing}': {description}"
    if error.validator == "additionalProperties" and not error.absolute_path:
        unknown = sorted(set(error.instance) - set(properties))
        hints = "".join(suggest(name, properties) for name in unknown[:1])
        return f"unknown field {', '.join(repr(name) for name in unknown)}{hints}"
    if error.validator == "type":
        expected = error.validator_value
        return f"'{field}' must be of type {expected}, not {type(error.instance).__name__}"
    if error.validator == "enum":
        allowed = ", ".join(repr(choice) for choice in error.validator_value)
        return f"'{field}' is {error.instance!r}; choose one of {allowed}"
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] == "url":
        return f"link URL {error.instance!r} must start with http:// or https://"
    if error.validator in ("maxLength", "maxItems"):
        return f"'{field}' is too long ({error.message.split(' is ')[-1]}); shorten it"
    return f"'{field}': {error.message}"


def check_schema(document: Document) -> Iterator[Finding]:
    try:
        paper_gate()(document.data)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(paper_validator().iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        key_path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and not key_path:
            unknown = sorted(set(error.instance) - set(paper_schema()["properties"]))
            key_path = (unknown[0],) if unknown else ()
        yield document.finding(key_path, "error", _schema_message(error))


def _check_taxonomy(taxonomy: Document) -> tuple[list[Finding], set[str]]:
    """The taxonomy's shape; returns findings and the valid ``section/subsection`` ids."""
    findings: list[Finding] = []
    categories: set[str] = set()
    data = taxonomy.data
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        findings.append(taxonomy.finding((), "error", "taxonomy needs 'sections:', a list of {id, title, subsections}"))
        return findings, categories
    for key in ("title", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            findings.append(taxonomy.finding((key,), "error", f"taxonomy needs a '{key}' string"))
    section_ids: set[str] = set()
    for where, section in _id_nodes(
        taxonomy,
        ("sections",),
        data["sections"],
        section_ids,
        findings,
        "a section is a mapping {id, title, subsections}",
    ):
        subsections = section.get("subsections")
        if not isinstance(subsections, list) or not subsections:
            findings.append(taxonomy.finding(where, "error", "a section needs a non-empty 'subsections' list"))
            continue
        for _, subsection in _id_nodes(
            taxonomy, (*where, "subsections"), subsections, set(), findings, "a subsection is a mapping {id, title}"
        ):
            categories.add(f"{section.get('id')}/{subsection.get('id')}")
    return findings, categories


def _id_nodes(
    document: Document, where: tuple, items: list, seen: set[str], findings: list[Finding], not_a_mapping: str
) -> Iterator[tuple[tuple, dict]]:
    """Each mapping of ``items`` with its key path, once its id and title are checked; others are findings."""
    for index, item in enumerate(items):
        item_where = (*where, index)
        if not isinstance(item, dict):
            findings.append(document.finding(item_where, "error", not_a_mapping))
            continue
        findings.extend(_check_node(document, item_where, item, seen))
        yield item_where, item


def _check_node(taxonomy: Document, where: tuple, node: dict, seen: set[str]) -> Iterator[Finding]:
    node_id, title = node.get("id"), node.get("title")
    if not isinstance(node_id, str) or not ID_PATTERN.match(node_id):
        yield taxonomy.finding((*where, "id"), "error", f"id {node_id!r} must be lowercase kebab-case")
    elif node_id in seen:
        yield taxonomy.finding((*where, "id"), "error", f"id '{node_id}' is used twice")
    seen.add(str(node_id))
    if not isinstance(title, str) or not title.strip():
        yield taxonomy.finding((*where, "title"), "error", "needs a 'title' string")


_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_MARKDOWN_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)|^\s*\[[^\]]*\]:\s*<?(\S+?)>?\s*$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that some check below looks for: most strings have none and skip them all.
_CHECKED_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f<\]!]")
PLAIN_FIELDS = ("title", "affiliation", "venue", "award")
MARKDOWN_FIELDS = ("summary", "key_results")
PAPER_LINK_KINDS = frozenset({"arxiv", "openreview", "proceedings"})


def _texts(data: dict) -> Iterator[tuple[tuple, str, bool]]:
    """Every string of a record with its key path and whether it is Markdown."""
    for key in PLAIN_FIELDS:
        if isinstance(data.get(key), str):
            yield (key,), data[key], False
    for index, name in enumerate(data.get("authors") or []):
        if isinstance(name, str):
            yield ("authors", index), name, False
    for name, org in (data.get("author_affiliations") or {}).items():
        if isinstance(org, str):
            yield ("author_affiliations", name), org, False
    for index, link in enumerate(data.get("links") or []):
        if isinstance(link, dict) and isinstance(link.get("label"), str):
            yield ("links", index, "label"), link["label"], False
    if isinstance(data.get("summary"), str):
        yield ("summary",), data["summary"], True
    for index, result in enumerate(data.get("key_results") or []):
        if isinstance(result, str):
            yield ("key_results", index), result, True
    for index, tag in enumerate(data.get("tags") or []):
        if isinstance(tag, str):
            yield ("tags", index), tag, False


def _outside_code(text: str) -> str:
    return CODE_SPAN.sub(lambda match: " " * len(match.group()), text)


def check_text(document: Document, key_path: tuple, text: str, markdown: bool) -> Iterator[Finding]:
    """Control characters, mis-decoded sequences, raw HTML and unsafe links in one string."""
    if not _CHECKED_CHARACTERS.search(text) and (text.isascii() or not MIS_DECODING_SHAPE.search(text)):
        return
    field = ".".join(map(str, key_path))
    control = _CONTROL.findall(text)
    if control or (not markdown and "\n" in text):
        shown = repr(control[0]) if control else "a line break"
        yield document.finding(key_path, "error", f"'{field}' contains the control character {shown}; remove it")
    if looks_mis_decoded(text):
        yield document.finding(
            key_path,
            "error",
            f"'{field}' contains mis-decoded text (such as '√ó' for '×' or '‚Äî' for '—'); "
            "re-copy it from the source or retype the characters",
            "mis-decoded",
        )
    prose = _outside_code(text) if markdown and "`" in text else text
    if _HTML_TAG.search(prose):
        where = "Markdown fields" if markdown else "plain-text fields"
        yield document.finding(
            key_path,
            "error",
            f"'{field}' contains raw HTML, which {where} do not allow; use Markdown "
            "(**bold**, *italic*, [text](https://…)) or put code in `backticks`",
        )
    if markdown:
        if "![" in prose:
            yield document.finding(
                key_path, "error", f"'{field}' embeds an image; images are not allowed, link to it instead"
            )
        for match in _MARKDOWN_TARGET.finditer(prose):
            target = match.group(1) or match.group(2) or ""
            if not target.lower().startswith(("http://", "https://")) or not is_safe_url(target):
                yield document.finding(
                    key_path, "error", f"'{field}' links to {target!r}; Markdown links must be http(s) URLs"
                )


def check_links(document: Document, data: dict) -> Iterator[Finding]:
    """Links that do not lead to the paper, or to the wrong year's conference."""
    links = [link for link in data.get("links") or [] if isinstance(link, dict) and isinstance(link.get("url"), str)]
    for index, link in enumerate(links):
        url = link["url"]
        if not is_safe_url(url):
            continue
        if reason := generic_page(url):
            yield document.finding(
                ("links", index, "url"),
                "warning",
                f"link {url} points at {reason}, not at this paper; "
                "replace it with the paper's own page (arXiv, OpenReview, proceedings)",
                "generic-link",
            )
        year, record_year = venue_year_of(url), data.get("year")
        if year and isinstance(record_year, int) and year != record_year:
            yield document.finding(
                ("links", index, "url"),
                "warning",
                f"link {url} is a {year} conference page but the record says year "
                f"{record_year}; check that it is the right paper and year",
                "venue-year",
            )
    if not any(link_kind(link["url"]) in PAPER_LINK_KINDS for link in links):
        yield document.finding(
            ("links",) if "links" in data else (),
            "warning",
            "no arXiv, OpenReview or proceedings link; add one so readers reach the paper",
            "no-paper-link",
        )


def _check_tags(tags: Document | None) -> tuple[list[Finding], set[str]]:
    """The tag vocabulary's shape; returns findings and the known tag ids."""
    if tags is None:
        return [], set()
    data = tags.data
    if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
        return [tags.finding((), "error", "tags.yml needs 'tags:', a list of {id, title, description}")], set()
    findings: list[Finding] = []
    known: set[str] = set()
    for where, tag in _id_nodes(
        tags, ("tags",), data["tags"], known, findings, "a tag is a mapping {id, title, description}"
    ):
        for key in ("title", "description"):
            if isinstance(tag.get(key), str):
                findings.extend(check_text(tags, (*where, key), tag[key], markdown=False))
    return findings, known


def check_record(document: Document, categories: set[str], tag_ids: set[str] | None = None) -> Iterator[Finding]:
    """Rules for one record on its own: file name, schema, category, text and links."""
    if not ID_PATTERN.match(document.stem):
        yield document.finding(
            (),
            "error",
            f"file name '{document.path.name}' must be a lowercase kebab-case id "
            "(letters, digits, hyphens) followed by .yaml",
        )
    if not isinstance(document.data, dict):
        yield document.finding((), "error", "a record is a mapping of fields (title: …, category: …)")
        return
    data = document.data
    yield from check_schema(document)
    category = data.get("category")
    if isinstance(category, str) and categories and category not in categories:
        yield document.finding(
            ("category",), "error", f"unknown category '{category}'{suggest(category, sorted(categories))}"
        )
    for key_path, text, markdown in _texts(data):
        yield from check_text(document, key_path, text, markdown)
    for index, tag in enumerate(data.get("tags") or []):
        if tag_ids is not None and isinstance(tag, str) and tag not in tag_ids:
            yield document.finding(
                ("tags", index),
                "error",
                f"unknown tag '{tag}'{suggest(tag, sorted(tag_ids))}; tags come from "
                "entries/tags.yml (add it there first if it is really new)",
            )
    if not data.get("authors"):
        yield document.finding(
            ("authors",) if "authors" in data else (),
            "warning",
            "no authors listed; add them from the paper's first page",
            "no-authors",
        )
    yield from check_links(document, data)


# Python's \w is a letter or number (Unicode categories L and N) or "_".
_NOT_LETTER_OR_NUMBER = re.compile(r"[\W_]+")


def normalised_title(title: str) -> str:
    """Case, punctuation and white space folded away, for spotting the same paper twice."""
    return _NOT_LETTER_OR_NUMBER.sub(" ", title.casefold()).strip()


def check_across(documents: list[Document]) -> Iterator[Finding]:
    """Rules between records, each a single pass over dictionaries: near-linear in the count."""
    same_paper: dict[tuple[str, str], list[tuple[Document, tuple]]] = defaultdict(list)
    prefixes: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        data = document.data if isinstance(document.data, dict) else {}
        keys: list[tuple[tuple[str, str], tuple]] = []
        title = data.get("title")
        if isinstance(title, str):
            keys.append((("title", normalised_title(title)), ("title",)))
            if prefix := title_prefix(title):
                prefixes[normalised_title(prefix)].append(document)
        for index, link in enumerate(data.get("links") or []):
            url = link.get("url") if isinstance(link, dict) else None
            if isinstance(url, str):
                for kind, found in (("arXiv id", arxiv_id(url)), ("OpenReview id", openreview_id(url))):
                    if found:
                        keys.append(((kind, found), ("links", index, "url")))
        for key, where in dict(reversed(keys)).items():
            same_paper[key].append((document, where))
    for (kind, value), group in same_paper.items():
        if len(group) < 2:
            continue
        what = "title" if kind == "title" else f"{kind} {value}"
        # Both files get the error: on a pull request, either may be the new one.
        for document, where in group:
            others = ", ".join(other.display for other, _ in group if other is not document)
            yield document.finding(
                where,
                "error",
                f"the same paper is already listed in {others} (same {what}); keep one record and delete the other",
                "duplicate",
            )
    for group in prefixes.values():
        if len(group) > 1:
            shared = title_prefix(group[0].data["title"])
            for document in group:
                others = ", ".join(other.display for other in group if other is not document)
                yield document.finding(
                    ("title",),
                    "warning",
                    f"another paper's title also starts '{shared}:' ({others}); "
                    "make sure the full title tells them apart",
                    "shared-title-prefix",
                )


def validate(raw: RawData) -> list[Finding]:
    """Every finding for the data set, errors and warnings, in file order."""
    findings, categories = _check_taxonomy(raw.taxonomy)
    tag_findings, tag_ids = _check_tags(raw.tags)
    findings.extend(tag_findings)
    for document in raw.papers:
        findings.extend(check_record(document, categories, tag_ids if raw.tags else None))
    findings.extend(check_across(raw.papers))
    return sorted(findings)
