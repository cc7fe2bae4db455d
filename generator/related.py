"""Related papers: TF-IDF cosine similarity over title, summary and tags.

The cost stays near-linear in the number of papers: each paper is compared only
with papers that share one of its most distinctive terms, and terms carried by
more than a small share of all papers are left out of that candidate search
(they say little about similarity and would make the search quadratic).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from .model import Catalog, Paper

RELATED_COUNT = 5
TERMS_PER_PAPER = 24
MAX_POSTING_SHARE = 0.05
MIN_POSTING_CAP = 50

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z0-9]")
_STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "in", "into", "is",
    "it", "its", "of", "on", "or", "our", "over", "such", "than", "that", "the", "their", "these", "this", "to",
    "training", "train", "trained", "using", "via", "we", "when", "which", "while", "with", "without", "model",
    "models", "large", "language", "llm", "llms", "paper", "approach", "method", "methods", "results", "show",
    "shows", "based",
})


def _terms(paper: Paper) -> Counter[str]:
    text = f"{paper.title} {paper.title} {paper.summary}".lower()
    words = [word for word in _WORD.findall(text) if word not in _STOP_WORDS and len(word) > 2]
    terms = Counter(words)
    for tag in paper.tags:
        terms[f"tag:{tag}"] += 3
    return terms


def _vectors(papers: tuple[Paper, ...]) -> dict[str, dict[str, float]]:
    """Unit-length TF-IDF vectors keyed by paper id."""
    counts = {paper.id: _terms(paper) for paper in papers}
    document_frequency: Counter[str] = Counter()
    for terms in counts.values():
        document_frequency.update(terms.keys())
    total = len(papers)
    vectors = {}
    for paper_id, terms in counts.items():
        weights = {term: (1 + math.log(count)) * math.log((1 + total) / (1 + document_frequency[term])) + 1e-9
                   for term, count in terms.items()}
        norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
        vectors[paper_id] = {term: weight / norm for term, weight in weights.items()}
    return vectors


def related_papers(catalog: Catalog, count: int = RELATED_COUNT) -> dict[str, tuple[str, ...]]:
    """For each paper id, the ids of the ``count`` most similar papers, best first.

    Ties are broken by id, so the result does not depend on input order.
    """
    papers = catalog.papers
    vectors = _vectors(papers)
    top_terms = {
        paper_id: sorted(vector, key=lambda term: (-vector[term], term))[:TERMS_PER_PAPER]
        for paper_id, vector in vectors.items()
    }
    postings: dict[str, list[str]] = defaultdict(list)
    for paper_id in sorted(top_terms):
        for term in top_terms[paper_id]:
            postings[term].append(paper_id)
    cap = max(MIN_POSTING_CAP, int(MAX_POSTING_SHARE * len(papers)))
    related = {}
    for paper_id, vector in vectors.items():
        candidates = {other for term in top_terms[paper_id] if len(postings[term]) <= cap
                      for other in postings[term] if other != paper_id}
        scored = []
        for other in candidates:
            other_vector = vectors[other]
            small, large = (vector, other_vector) if len(vector) <= len(other_vector) else (other_vector, vector)
            score = sum(weight * large.get(term, 0.0) for term, weight in small.items())
            scored.append((-round(score, 12), other))
        related[paper_id] = tuple(other for _, other in sorted(scored)[:count])
    return related
