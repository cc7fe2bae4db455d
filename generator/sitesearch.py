"""The search documents of a built site, wherever the build put them.

Material's index (``search/search_index.json``) holds the documents of the site's own pages.
The papers' documents, which the generator writes, are in a file of their own in a hosted
build (routes.SEARCH_DOCS), which the site's search worker fetches beside the index; the
offline export, whose pages cannot fetch, has them in the index (generator/mkdocs_hook.py).
Whatever reads a built site's search documents (the audit, the link check, the benchmark,
the tests) reads them here, so none misses the papers in either build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .routes import SEARCH_DOCS, SEARCH_INDEX, url

# The files a built site may hold search documents in, relative to its folder, in the order the
# site's search worker reads them (the papers after the index's own documents).
SEARCH_FILES = (SEARCH_INDEX, url(SEARCH_DOCS))


def documents_in(name: str, text: str) -> list[dict[str, Any]]:
    """The documents of the search file ``name`` (one of SEARCH_FILES), given its text.

    Material's index is an object whose ``docs`` are the documents; the papers' file is the list
    of documents itself. Raises ValueError when the text is not that, as the worker would read it.
    """
    data = json.loads(text)
    documents = data.get("docs") if name == SEARCH_INDEX and isinstance(data, dict) else data
    if not isinstance(documents, list) or not all(isinstance(document, dict) for document in documents):
        shape = "an object whose docs are a list of objects" if name == SEARCH_INDEX else "a list of objects"
        raise ValueError(f"{name} is not {shape}")
    return documents


def search_files(site: Path) -> list[str]:
    """The files of SEARCH_FILES the built site in ``site`` holds, in their order."""
    return [name for name in SEARCH_FILES if (site / name).is_file()]


def site_search_documents(site: Path) -> list[dict[str, Any]]:
    """Every search document of the built site in ``site``, in the order the site's search worker reads them."""
    return [
        document for name in search_files(site) for document in documents_in(name, (site / name).read_text("utf-8"))
    ]


def search_bytes(site: Path) -> int:
    """What the site's search documents weigh: the bytes of its search files together."""
    return sum((site / name).stat().st_size for name in search_files(site))
