"""Related papers: TF-IDF cosine similarity over title, summary and tags.

The cost stays linear in the number of papers: similarity is summed over each
paper's most distinctive terms, through an inverted index of those terms, and a
term that is among the distinctive ones of more than POSTING_CAP papers is left
out (it says little about similarity, and a cap that grew with the list would
make the work grow with the square of its size).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from operator import itemgetter

from .model import Catalog, Paper

RELATED_COUNT = 5
TERMS_PER_PAPER = 24
POSTING_CAP = 30

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z0-9]")
_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "over",
        "such",
        "than",
        "that",
        "the",
        "their",
        "these",
        "this",
        "to",
        "training",
        "train",
        "trained",
        "using",
        "via",
        "we",
        "when",
        "which",
        "while",
        "with",
        "without",
        "model",
        "models",
        "large",
        "language",
        "llm",
        "llms",
        "paper",
        "approach",
        "method",
        "methods",
        "results",
        "show",
        "shows",
        "based",
    }
)


def _words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text.lower()) if word not in _STOP_WORDS and len(word) > 2]


def _terms(paper: Paper) -> Counter[str]:
    title = _words(paper.title)
    terms = Counter(title)
    terms.update(title)  # a title word counts twice
    terms.update(_words(paper.summary))
    for tag in paper.tags:
        terms[f"tag:{tag}"] += 3
    return terms


def distinctive_terms(papers: tuple[Paper, ...]) -> dict[str, list[tuple[str, float]]]:
    """Each paper's TERMS_PER_PAPER heaviest terms with their unit-vector TF-IDF weights, heaviest first.

    The norm takes every term into account; only the kept terms are divided by it.
    """
    counts = {paper.id: _terms(paper) for paper in papers}
    document_frequency: Counter[str] = Counter()
    for terms in counts.values():
        document_frequency.update(terms.keys())
    total = len(papers)
    idf = {term: math.log((1 + total) / (1 + frequency)) for term, frequency in document_frequency.items()}
    kept = {}
    for paper_id, terms in counts.items():
        weights = [(1 + math.log(count)) * idf[term] + 1e-9 for term, count in terms.items()]
        norm = math.sqrt(sum(weight * weight for weight in weights)) or 1.0
        # Negated weights, so that plain tuple order ranks heaviest first and ties by term.
        heaviest = heapq.nsmallest(TERMS_PER_PAPER, zip([-weight for weight in weights], terms, strict=True))
        kept[paper_id] = [(term, -negated / norm) for negated, term in heaviest]
    return kept


def related_papers(catalog: Catalog, count: int = RELATED_COUNT) -> dict[str, tuple[str, ...]]:
    """For each paper id, the ids of the ``count`` most similar papers, best first.

    Similarity is the TF-IDF cosine restricted to the terms both papers count among
    their most distinctive. Ties are broken by id, so the result does not depend on
    input order.
    """
    top_terms = distinctive_terms(catalog.papers)
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for paper_id in sorted(top_terms):
        for term, weight in top_terms[paper_id]:
            postings[term].append((paper_id, weight))
    related = {}
    for paper_id, terms in top_terms.items():
        scores: dict[str, float] = defaultdict(float)
        for term, weight in terms:
            posting = postings[term]
            if len(posting) > POSTING_CAP:
                continue
            for other, other_weight in posting:
                scores[other] += weight * other_weight
        scores.pop(paper_id, None)
        # A cheap cut by raw score first; ties are then settled by id on the few left.
        leaders = heapq.nlargest(2 * count, scores.items(), key=itemgetter(1))
        best = sorted(leaders, key=lambda item: (-round(item[1], 12), item[0]))[:count]
        related[paper_id] = tuple(other for other, _ in best)
    return related
