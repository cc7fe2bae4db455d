"""Browsing features in the real built site: exports, feed, indexes, explorer data and search."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import bibtexparser
import pytest
import yaml

from generator import routes
from generator.indexes import FEED_COUNT
from helpers import REPO, search_index_of

PAPERS = {
    path.stem: yaml.safe_load(path.read_text("utf-8")) for path in sorted((REPO / "entries" / "papers").glob("*.yaml"))
}
COLLECTION = yaml.safe_load((REPO / "entries" / "collection.yml").read_text("utf-8"))
LISTS = {
    list_id: yaml.safe_load((REPO / "entries" / "lists" / f"{list_id}.yml").read_text("utf-8"))
    for list_id in COLLECTION["lists"]
}


def test_papers_json_has_every_record_and_a_schema_version(built_site: Path):
    data = json.loads((built_site / "papers.json").read_text("utf-8"))
    assert data["schema_version"] == 1
    assert [paper["id"] for paper in data["papers"]] and len(data["papers"]) == len(PAPERS)
    by_id = {paper["id"]: paper for paper in data["papers"]}
    for paper_id, record in PAPERS.items():
        exported = by_id[paper_id]
        for key in ("title", "category", "authors", "summary", "tags"):
            assert exported[key] == record.get(key, [] if key in ("authors", "tags") else ""), (paper_id, key)
        assert [link["url"] for link in exported["links"]] == [link["url"] for link in record.get("links", [])]
    assert by_id["gated-attention-for-large-language-models"]["arxiv_id"] == "2505.06708"


def test_papers_bib_parses_with_one_entry_per_paper_and_stable_keys(built_site: Path):
    library = bibtexparser.parse_string((built_site / "papers.bib").read_text("utf-8"))
    assert library.failed_blocks == []
    assert sorted(entry.key for entry in library.entries) == sorted(PAPERS)
    gated = next(e for e in library.entries if e.key == "gated-attention-for-large-language-models")
    assert gated.fields_dict["title"].value == "{Gated Attention for Large Language Models}"
    assert gated.fields_dict["author"].value.startswith("Zihan Qiu and Zekun Wang")
    assert gated.fields_dict["eprint"].value == "2505.06708"
    sdp = next(e for e in library.entries if e.key == "sdp4bit")
    assert sdp.fields_dict["author"].value == "Jinda Jia and others"


def _placements() -> list[tuple[str, str, str]]:
    """(list, category, paper id) for every placement of every record."""
    return [
        (placement["list"], placement["category"], paper_id)
        for paper_id, record in PAPERS.items()
        for placement in [record, *record.get("also", [])]
    ]


def _bibtex_keys(path: Path) -> list[str]:
    library = bibtexparser.parse_string(path.read_text("utf-8"))
    assert library.failed_blocks == [], path
    return sorted(entry.key for entry in library.entries)


def test_each_list_and_section_offers_its_own_bibtex(built_site: Path):
    for list_id, paper_list in LISTS.items():
        in_list = sorted(paper_id for placed_in, _, paper_id in _placements() if placed_in == list_id)
        assert _bibtex_keys(built_site / routes.url(routes.list_bibtex(list_id))) == in_list, list_id
        page = (built_site / routes.url(routes.paper_list(list_id)) / "index.html").read_text("utf-8")
        assert f'href="{list_id}.bib"' in page
        for section in paper_list["sections"]:
            expected = sorted(
                paper_id
                for placed_in, category, paper_id in _placements()
                if placed_in == list_id and category.split("/")[0] == section["id"]
            )
            bib = built_site / routes.url(routes.section_bibtex(section["id"], list_id))
            assert _bibtex_keys(bib) == expected, (list_id, section["id"])
            page = (built_site / routes.url(routes.section(section["id"], list_id)) / "index.html").read_text("utf-8")
            assert f'href="{section["id"]}.bib"' in page


def test_each_subsection_page_links_a_bibtex_file_of_exactly_its_papers(built_site: Path):
    checked = 0
    for list_id, paper_list in LISTS.items():
        for section in paper_list["sections"]:
            for subsection in section["subsections"]:
                route = routes.subsection(section["id"], subsection["id"], list_id)
                page = built_site / routes.url(route) / "index.html"
                hrefs = re.findall(r'Download them as <a href="([^"]+)">BibTeX</a>', page.read_text("utf-8"))
                assert len(hrefs) == 1, page
                target = (page.parent / hrefs[0]).resolve()
                assert target.is_file(), (page, hrefs[0])
                category = f"{section['id']}/{subsection['id']}"
                expected = sorted(
                    paper_id
                    for placed_in, placed, paper_id in _placements()
                    if (placed_in, placed) == (list_id, category)
                )
                assert _bibtex_keys(target) == expected, (list_id, category)
                checked += len(expected)
    assert checked == len(_placements())


def test_papers_csv_round_trips(built_site: Path):
    rows = list(csv.DictReader(io.StringIO((built_site / "papers.csv").read_text("utf-8"))))
    assert len(rows) == len(PAPERS)
    for row in rows:
        record = PAPERS[row["id"]]
        assert row["title"] == record["title"]
        assert row["authors"] == "; ".join(record.get("authors", []))


def test_feed_is_valid_atom_newest_first_and_linked_from_every_page(built_site: Path):
    root = ET.fromstring((built_site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    # The feed holds the papers with an `added` date, newest first.
    assert len(entries) == min(sum(1 for record in PAPERS.values() if record.get("added")), FEED_COUNT)
    dates = [entry.find("a:updated", ns).text for entry in entries]
    assert dates == sorted(dates, reverse=True)
    assert all(entry.find("a:id", ns).text for entry in entries)
    for page in ("index.html", "papers/arnold/index.html"):
        html = (built_site / page).read_text("utf-8")
        assert re.search(r'<link rel="alternate feed" type="application/atom\+xml"[^>]+href="[^"]*feed\.xml"', html)


def test_home_page_links_exports_sections_and_recent_papers(built_site: Path):
    html = (built_site / "index.html").read_text("utf-8")
    for target in ("papers.bib", "papers.json", "papers.csv", "feed.xml", "all/"):
        assert f'href="{target}"' in html, target
    # The collection: each list with its intro, paper count and overview, in the collection's order.
    at = [html.index(f'href="{routes.url(routes.paper_list(list_id))}"') for list_id in LISTS]
    assert at == sorted(at)
    for paper_list in LISTS.values():
        assert paper_list["overview"].split("\n")[0] in html
    assert "Recently added" in html and "Highlights" in html
    assert "<kbd>/</kbd>" in html


def test_paper_page_is_complete(built_site: Path):
    html = (built_site / "papers" / "gated-attention-for-large-language-models" / "index.html").read_text("utf-8")
    assert 'href="../../authors/?name=zihan-qiu"' in html
    assert "(Qwen Team)" in html
    assert "Best Paper Award" in html and "NeurIPS 2025" in html
    assert 'class="md-button md-button--primary" href="https://arxiv.org/abs/2505.06708"' in html
    assert 'id="cite"' in html and '<code class="language-bibtex">@inproceedings{gated-attention' in html
    assert "Related papers" in html and 'href="../dusa/"' in html
    assert "/edit/main/entries/papers/gated-attention-for-large-language-models.yaml" in html
    assert 'href="../../tags/#tag:attention"' in html or "tag:attention" in html


def test_authors_index_lists_each_author_with_papers(built_site: Path):
    html = (built_site / "authors" / "index.html").read_text("utf-8")
    payload = re.search(r'<script type="application/json" id="pl-authors-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    letters = [letter for letter, _ in data["letters"]]
    # "#" gathers names that start with a digit ("5th Muslims in ML Workshop", filed by its first word),
    # after Z: the page opens on the first group, which is A.
    assert letters[-1] == "#" and letters[:-1] == sorted(letters[:-1]) and letters[0] == "A" and "Z" in letters
    authors = {entry[1]: (entry[0], entry[2]) for _, entries in data["letters"] for entry in entries}
    assert authors["zihan-qiu"] == ("Zihan Qiu", ["gated-attention-for-large-language-models"])
    assert authors["arthur-douillard"][0] == "Arthur Douillard"
    assert data["titles"]["gated-attention-for-large-language-models"] == "Gated Attention for Large Language Models"
    assert 'id="pl-link-template"' in html


def test_highlights_and_stats_pages(built_site: Path):
    highlights = (built_site / "highlights" / "index.html").read_text("utf-8")
    assert "Gated Attention for Large Language Models" in highlights
    assert "Energy and Power as First-Class ML Design Metrics" in highlights
    stats = (built_site / "stats" / "index.html").read_text("utf-8")
    article = stats.split('class="md-content"')[1].split("</article>")[0]
    assert article.count('<figure class="pl-chart"') == 4 and "<script" not in article
    in_systems = sum(
        list_id == "training" and category.startswith("systems/") for list_id, category, _ in _placements()
    )
    assert f">{in_systems}</td>" in stats


def test_explorer_embeds_every_paper_safely(built_site: Path):
    html = (built_site / "all" / "index.html").read_text("utf-8")
    payload = re.search(r'<script type="application/json" id="pl-explorer-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert {len(column) for column in data["papers"].values()} == {len(PAPERS)}
    assert set(data["papers"]["id"]) == set(PAPERS)
    assert 'id="pl-link-template"' in html
    for control in ("pl-q", "pl-section", "pl-tag", "pl-type", "pl-code"):
        assert f'<label for="{control}"' in html, control


# -- Search ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_index(built_site: Path):
    return search_index_of(built_site)


def _tokens(text: str, separator: re.Pattern) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", text).lower()
    return {token.strip(".×") for token in separator.split(text) if token.strip(".×")}


def _search(index: dict, query: str) -> list[str]:
    """Pages matching every query term, best first (title hits before text hits), as lunr would."""
    separator = re.compile(index["config"]["separator"])
    terms = _tokens(query, separator)
    scores: dict[str, float] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        title, text = _tokens(doc["title"], separator), _tokens(doc["text"], separator)
        words = title | text | _tokens(" ".join(doc.get("tags", [])), separator)
        if all(any(word.startswith(term) for word in words) for term in terms):
            score = sum(10 if any(w.startswith(t) for w in title) else 1 for t in terms)
            scores[page] = max(scores.get(page, 0), score)
    return sorted(scores, key=lambda page: (-scores[page], page))


@pytest.mark.parametrize(
    ("query", "paper_id"),
    [
        ("Arnold topology", "arnold"),
        ("Douillard", "communication-efficient-language-model-training-scales"),
        ("2510.27257", "synergistic-tensor-and-pipeline-parallelism"),
        ("2505.06708", "gated-attention-for-large-language-models"),
        ("FP16", "understanding-and-mitigating-numerical-sources"),
        ("4-bit", "sdp4bit"),
        ("1.67×", "arnold"),
        ("DiLoCo", "communication-efficient-language-model-training-scales"),
        ("Monarch matrices", "monarchattention"),
    ],
)
def test_search_finds_the_paper_page_first(search_index: dict, query: str, paper_id: str):
    hits = _search(search_index, query)
    assert hits and hits[0] == f"papers/{paper_id}/", (query, hits[:5])


def test_search_finds_papers_by_tag(search_index: dict):
    hits = _search(search_index, "Mixture of experts")
    assert "papers/moe-cap/" in hits[:3] and "papers/moba/" in hits[:3]


def test_each_paper_is_indexed_once(search_index: dict):
    for paper_id, record in PAPERS.items():
        title = record["title"].replace("&", "&amp;")
        pages = {
            doc["location"].split("#")[0]
            for doc in search_index["docs"]
            if title in doc["text"] or doc["title"] == title
        }
        assert pages <= {f"papers/{paper_id}/"}, (paper_id, pages)
