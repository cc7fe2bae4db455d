"""When two records are the same paper: one normalised title, or one arXiv or OpenReview id.

The validator (a paper listed twice) and the importer (a paper already in the collection)
both ask here, so they never disagree about what counts as the same paper.
"""

from __future__ import annotations

import re
from typing import Any

from .links import arxiv_id, openreview_id
from .text import comparable_text, title_prefix
from .vocabulary import without_title_markers

# Python's \w is a letter or number (Unicode categories L and N) or "_".
_NOT_LETTER_OR_NUMBER = re.compile(r"[\W_]+")


def normalised_title(title: str) -> str:
    """Presentation and award markers, look-alike letters, invisible characters, case, punctuation
    and white space folded away, for spotting the same paper twice."""
    return _NOT_LETTER_OR_NUMBER.sub(" ", comparable_text(without_title_markers(title))).strip()


def paper_ids_of(urls: list[str]) -> list[tuple[str, str]]:
    """The arXiv and OpenReview ids in ``urls``, in order, each as (kind, id)."""
    ids: list[tuple[str, str]] = []
    for url in urls:
        for kind, found in (("arXiv id", arxiv_id(url)), ("OpenReview id", openreview_id(url))):
            if found:
                ids.append((kind, found))
    return ids


def paper_ids(links: Any) -> set[tuple[str, str]]:
    """The arXiv and OpenReview ids a record's links carry."""
    if not isinstance(links, list):
        return set()
    return set(
        paper_ids_of([link["url"] for link in links if isinstance(link, dict) and isinstance(link.get("url"), str)])
    )


def titles_compatible(first: str, second: str) -> bool:
    """Whether two titles can name the same paper (one shortened, or the same short name)."""
    a, b = normalised_title(first), normalised_title(second)
    if a == b or (a and b and (a in b or b in a)):
        return True
    prefix_a, prefix_b = title_prefix(first), title_prefix(second)
    if prefix_a and prefix_b and normalised_title(prefix_a) == normalised_title(prefix_b):
        return True
    words_a, words_b = set(a.split()), set(b.split())
    return bool(words_a and words_b) and len(words_a & words_b) / len(words_a | words_b) >= 0.6
