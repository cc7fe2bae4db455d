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
from .parallel import fork_map

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


# 1 + log(count), the damped term frequency, looked up for the counts nearly every term has.
_DAMPED_COUNTS = 256
_DAMPED = [0.0, *(1 + math.log(count) for count in range(1, _DAMPED_COUNTS))]


def distinctive_terms(papers: tuple[Paper, ...], workers: int | None = None) -> dict[str, list[tuple[str, float]]]:
    """Each paper's TERMS_PER_PAPER heaviest terms with their unit-vector TF-IDF weights, heaviest first.

    The norm takes every term into account; only the kept terms are divided by it. Each
    paper's terms are counted and weighed on their own, shared among ``workers`` processes.
    """
    # Plain dicts: they travel between processes several times faster than Counters.
    counts = fork_map(lambda paper: dict(_terms(paper)), papers, workers)
    document_frequency: Counter[str] = Counter()
    for terms in counts:
        document_frequency.update(terms.keys())
    total = len(papers)
    idf = {term: math.log((1 + total) / (1 + frequency)) for term, frequency in document_frequency.items()}

    def heaviest(terms: dict[str, int]) -> list[tuple[str, float]]:
        # Negated weights, so that plain tuple order ranks heaviest first and ties by term.
        negated = [
            -(_DAMPED[count] if count < _DAMPED_COUNTS else 1 + math.log(count)) * idf[term] - 1e-9
            for term, count in terms.items()
        ]
        norm = math.sqrt(sum(weight * weight for weight in negated)) or 1.0
        # A paper has about a hundred terms: sorting them all in C beats a heap kept in Python.
        kept = sorted(zip(negated, terms, strict=True))[:TERMS_PER_PAPER]
        return [(term, -weight / norm) for weight, term in kept]

    return {paper.id: kept for paper, kept in zip(papers, fork_map(heaviest, counts, workers), strict=True)}


def related_papers(
    catalog: Catalog, count: int = RELATED_COUNT, workers: int | None = None
) -> dict[str, tuple[str, ...]]:
    """For each paper id, the ids of the ``count`` most similar papers, best first.

    Similarity is the TF-IDF cosine restricted to the terms both papers count among
    their most distinctive. Ties are broken by id, so the result does not depend on
    input order. Each paper's are found on their own, shared among ``workers`` processes.
    """
    top_terms = distinctive_terms(catalog.papers, workers)
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for paper_id in sorted(top_terms):
        for term, weight in top_terms[paper_id]:
            postings[term].append((paper_id, weight))

    def most_similar(item: tuple[str, list[tuple[str, float]]]) -> tuple[str, ...]:
        paper_id, terms = item
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
        return tuple(other for other, _ in best)

    items = list(top_terms.items())
    return {paper_id: found for (paper_id, _), found in zip(items, fork_map(most_similar, items, workers), strict=True)}
