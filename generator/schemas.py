"""The JSON Schemas of the data files, beside this module: read once, asked by the validator and the docs."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# One JSON Schema per kind of data file.
PAPER, TAXONOMY, TAGS, LIST, COLLECTION = "paper", "taxonomy", "tags", "list", "collection"


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema for one kind of data file: ``paper``, ``taxonomy``, ``tags``, ``list`` or ``collection``."""
    text = resources.files(__package__).joinpath(f"schema/{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
