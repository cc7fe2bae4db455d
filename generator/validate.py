"""Check the parsed data against the schema, the taxonomy and each other.

Every rule yields findings with the file, line and column of the offending value
and, where one exists, the fix.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from .findings import Finding
from .load import Document, RawData
from .text import ID_PATTERN

SCHEMA_RESOURCE = "schema/paper.schema.json"


@cache
def paper_schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_RESOURCE).read_text("utf-8"))


@cache
def _paper_validator() -> jsonschema.protocols.Validator:
    schema = paper_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def _suggest(value: str, choices: list[str]) -> str:
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
        hints = "".join(_suggest(name, properties) for name in unknown[:1])
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
    errors = sorted(_paper_validator().iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path)))
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
        findings.append(taxonomy.finding((), "error",
                                         "taxonomy needs 'sections:', a list of {id, title, subsections}"))
        return findings, categories
    for key in ("title", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            findings.append(taxonomy.finding((key,), "error", f"taxonomy needs a '{key}' string"))
    section_ids: set[str] = set()
    for index, section in enumerate(data["sections"]):
        where = ("sections", index)
        if not isinstance(section, dict):
            findings.append(taxonomy.finding(where, "error", "a section is a mapping {id, title, subsections}"))
            continue
        findings.extend(_check_node(taxonomy, where, section, section_ids))
        subsections = section.get("subsections")
        if not isinstance(subsections, list) or not subsections:
            findings.append(taxonomy.finding(where, "error", "a section needs a non-empty 'subsections' list"))
            continue
        subsection_ids: set[str] = set()
        for sub_index, subsection in enumerate(subsections):
            sub_where = (*where, "subsections", sub_index)
            if not isinstance(subsection, dict):
                findings.append(taxonomy.finding(sub_where, "error", "a subsection is a mapping {id, title}"))
                continue
            findings.extend(_check_node(taxonomy, sub_where, subsection, subsection_ids))
            categories.add(f"{section.get('id')}/{subsection.get('id')}")
    return findings, categories


def _check_node(taxonomy: Document, where: tuple, node: dict, seen: set[str]) -> Iterator[Finding]:
    node_id, title = node.get("id"), node.get("title")
    if not isinstance(node_id, str) or not ID_PATTERN.match(node_id):
        yield taxonomy.finding((*where, "id"), "error", f"id {node_id!r} must be lowercase kebab-case")
    elif node_id in seen:
        yield taxonomy.finding((*where, "id"), "error", f"id '{node_id}' is used twice")
    seen.add(str(node_id))
    if not isinstance(title, str) or not title.strip():
        yield taxonomy.finding((*where, "title"), "error", "needs a 'title' string")


def check_record(document: Document, categories: set[str]) -> Iterator[Finding]:
    """Rules for one record on its own: file name, schema, category."""
    if not ID_PATTERN.match(document.stem):
        yield document.finding((), "error",
                               f"file name '{document.path.name}' must be a lowercase kebab-case id "
                               "(letters, digits, hyphens) followed by .yaml")
    if not isinstance(document.data, dict):
        yield document.finding((), "error", "a record is a mapping of fields (title: …, category: …)")
        return
    yield from check_schema(document)
    category = document.data.get("category")
    if isinstance(category, str) and categories and category not in categories:
        yield document.finding(("category",), "error",
                               f"unknown category '{category}'{_suggest(category, sorted(categories))}")


def validate(raw: RawData) -> list[Finding]:
    """Every finding for the data set, errors and warnings, in file order."""
    findings, categories = _check_taxonomy(raw.taxonomy)
    for document in raw.papers:
        findings.extend(check_record(document, categories))
    return sorted(findings)
