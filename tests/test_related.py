"""Related papers: sensible on the real list, independent of record order, and bounded work per paper."""

from __future__ import annotations

import dataclasses

from generator import related
from generator.build import Project, load_catalog
from generator.model import Catalog
from helpers import REPO


def _catalog() -> Catalog:
    return load_catalog(Project(REPO))[0]


def test_attention_papers_are_related_to_each_other():
    found = related.related_papers(_catalog())
    assert {"dusa", "moba", "flashbias"} <= set(found["gated-attention-for-large-language-models"])
    for paper_id, others in found.items():
        assert paper_id not in others and len(others) <= related.RELATED_COUNT
        assert len(set(others)) == len(others)


def test_the_result_does_not_depend_on_record_order():
    catalog = _catalog()
    reordered = dataclasses.replace(
        catalog,
        sections=tuple(
            dataclasses.replace(
                section,
                subsections=tuple(
                    dataclasses.replace(sub, papers=tuple(reversed(sub.papers)))
                    for sub in reversed(section.subsections)
                ),
            )
            for section in reversed(catalog.sections)
        ),
    )
    assert related.related_papers(reordered) == related.related_papers(catalog)


def test_a_term_shared_by_more_papers_than_the_cap_is_not_followed():
    """A fixed cap, whatever the list's size, keeps the work per paper bounded: linear overall."""
    template = next(iter(_catalog().papers))
    papers = tuple(
        dataclasses.replace(
            template, id=f"p{number}", title=f"Common {number}", summary="common " * 5, tags=(), key_results=()
        )
        for number in range(related.POSTING_CAP + 10)
    )
    assert all("common" in dict(terms) for terms in related.distinctive_terms(papers).values())
    catalog = _catalog()
    section = catalog.sections[0]
    subsection = dataclasses.replace(section.subsections[0], papers=papers)
    crowded = dataclasses.replace(
        catalog,
        sections=(dataclasses.replace(section, subsections=(subsection,)),),
        papers_by_id={paper.id: paper for paper in papers},
    )
    assert all(others == () for others in related.related_papers(crowded).values())
