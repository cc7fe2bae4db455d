"""The explorer page's data side: the choices its filters offer and the places of a paper in several lists."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.build import Project, load_catalog
from generator.indexes import explorer_category, explorer_data
from generator.model import Catalog
from generator.render import render_all
from helpers import REPO


def _catalog(root: Path) -> Catalog:
    catalog, _ = load_catalog(Project(root))
    return catalog


def _offered(root: Path) -> dict[str, set[str]]:
    """Each select of the rendered explorer page: the values of its options, "All …"/"Any" left out."""
    catalog, warnings = load_catalog(Project(root))
    page = render_all(catalog, warnings, workers=1)["docs/all.md"]
    selects = re.findall(r'<select id="pl-[a-z]+" name="([a-z]+)">(.*?)</select>', page, re.S)
    return {name: set(re.findall(r'<option value="([^"]+)"', body)) for name, body in selects}


def _had(catalog: Catalog) -> dict[str, set[str]]:
    """The values some paper has, field by field, as the explorer's filters name them."""
    places = [(paper, placement) for paper in catalog.papers for placement in paper.placements]
    return {
        "list": {placement.list_id for _, placement in places if placement.list_id},
        "section": {
            explorer_category(placement.list_id, category)
            for _, placement in places
            for category in (placement.category, placement.section_id)
        },
        "tag": {tag for paper in catalog.papers for tag in paper.tags},
        "type": {paper.presentation for paper in catalog.papers if paper.presentation}
        | ({"award"} if any(paper.award for paper in catalog.papers) else set()),
    }


def test_the_filters_offer_exactly_the_values_some_paper_has():
    offered = _offered(REPO)
    assert offered == _had(_catalog(REPO))
    # The vocabulary has more presentations than the shipped papers use.
    assert "poster" not in offered["type"] and "oral" in offered["type"]


def test_an_unused_tag_and_an_empty_subsection_are_not_offered(project: Path):
    tags = project / "entries" / "tags.yml"
    data = yaml.safe_load(tags.read_text("utf-8"))
    data["tags"].append({"id": "unused-tag", "title": "Unused", "description": "No paper has it."})
    tags.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    rl = project / "entries" / "lists" / "rl.yml"
    data = yaml.safe_load(rl.read_text("utf-8"))
    data["sections"][0]["subsections"].append({"id": "nothing-yet", "title": "Nothing yet"})
    data["sections"].append({"id": "empty-section", "title": "Empty", "subsections": [{"id": "ee", "title": "E"}]})
    rl.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    offered = _offered(project)
    assert offered == _had(_catalog(project))
    assert "unused-tag" not in offered["tag"]
    assert not {"rl:systems/nothing-yet", "rl:empty-section", "rl:empty-section/ee"} & offered["section"]


def test_each_place_of_a_paper_has_its_rank_in_its_lists_order():
    catalog = _catalog(REPO)
    columns = explorer_data(catalog)["papers"]
    rows = list(zip(columns["id"], columns["categories"], columns["ranks"], strict=True))
    for paper_list in catalog.lists:
        placed = sorted(
            (rank, paper_id)
            for paper_id, categories, ranks in rows
            for category, rank in zip(categories, ranks, strict=True)
            if category.startswith(f"{paper_list.id}:")
        )
        assert [paper_id for _, paper_id in placed] == [paper.id for paper in paper_list.papers], paper_list.id
    # A row's first place is the one its row order follows, and the one ``category`` names.
    acco = columns["id"].index("acco")
    assert [category.split(":")[0] for category in columns["categories"][acco]] == ["rl", "training"]
    assert columns["category"][acco] == columns["categories"][acco][0]
    first_ranks = [ranks[0] for ranks in columns["ranks"]]
    assert first_ranks == sorted(first_ranks)
    assert set(explorer_data(catalog)["list_labels"]) == {paper_list.id for paper_list in catalog.lists}
