"""The single-file export's structure: each list a part with its own sections, and every in-file link resolving.

The file is read as HTML (the standard library's parser), not searched with patterns: what a
reader's browser does with an id or a ``#`` link is what is checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from helpers import generator, single_list_project

# The heading of a part: a list, a section or a subsection (the Contents links to each).
_PART_HEADINGS = {"list-title", "section-title", "subsection-title"}


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    parent: _Element | None
    children: list[_Element] = field(default_factory=list)
    parts: list[str | _Element] = field(default_factory=list)

    def text(self) -> str:
        return " ".join("".join(p if isinstance(p, str) else p.text() for p in self.parts).split())

    def iter(self) -> list[_Element]:
        found = []
        for child in self.children:
            found.append(child)
            found.extend(child.iter())
        return found

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Document(HTMLParser):
    """The whole document as a small element tree."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = _Element("#document", {}, None)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        self.current.parts.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag: str) -> None:
        node: _Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.parts.append(data)

    def one(self, tag: str) -> _Element:
        (found,) = [element for element in self.root.iter() if element.tag == tag]
        return found


# A part as a tree: its heading's text and its parts inside it, in order.
Outline = list[tuple[str, "Outline"]]


def _headings_outline(element: _Element) -> Outline:
    """The parts of <main>: each <section> with a part's heading, and the parts it holds."""
    outline: Outline = []
    for child in element.children:
        if child.tag != "section":
            outline.extend(_headings_outline(child))
            continue
        heading = next(c for c in child.children if c.classes() & _PART_HEADINGS)
        outline.append((heading.text(), _headings_outline(child)))
    return outline


def _contents_outline(element: _Element, document: _Document) -> Outline:
    """The Contents as the same tree: each item's link text (without its paper count) and its nested items.

    Each link must land on the part whose heading it names.
    """
    outline: Outline = []
    for child in element.children:
        if child.tag != "li":
            outline.extend(_contents_outline(child, document))
            continue
        link = next(c for c in child.children if c.tag == "a")
        target = _by_id(document)[link.attrs["href"].removeprefix("#")]
        heading = next(c for c in target.children if c.classes() & _PART_HEADINGS)
        assert heading.text() == link.text(), f"{link.attrs['href']} is named {link.text()!r}"
        outline.append((link.text(), _contents_outline(child, document)))
    return outline


def _by_id(document: _Document) -> dict[str, _Element]:
    return {element.attrs["id"]: element for element in document.root.iter() if "id" in element.attrs}


def _check_links(document: _Document) -> None:
    """Every id once, and every ``#`` link landing on an element."""
    ids = Counter(element.attrs["id"] for element in document.root.iter() if "id" in element.attrs)
    assert [name for name, count in ids.items() if count > 1] == [], "ids used more than once"
    fragments = [
        element.attrs["href"][1:] for element in document.root.iter() if element.attrs.get("href", "").startswith("#")
    ]
    assert fragments, "the Contents links to the parts"
    assert [fragment for fragment in fragments if fragment not in ids] == [], "links to no element"


def _expected_outline(taxonomy: dict) -> Outline:
    """A list's sections and subsections, numbered as its pages number them."""
    return [
        (
            f"{number}. {section['title']}",
            [(f"{number}.{sub_number} {sub['title']}", []) for sub_number, sub in enumerate(section["subsections"], 1)],
        )
        for number, section in enumerate(taxonomy["sections"], 1)
    ]


def _read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def _export(project: Path, target: Path) -> _Document:
    generator(project, "export-offline", str(target), "--single-file")
    return _Document(target.read_text("utf-8"))


def _placed_articles(document: _Document, paper_id: str) -> dict[str, str]:
    """The list part (its id) each article of ``paper_id`` is in, with the article's text."""
    found = {}
    for article in (element for element in document.root.iter() if element.tag == "article"):
        if not article.attrs["id"].endswith(f"--{paper_id}"):
            continue
        node = article.parent
        while node is not None and "list" not in node.classes():
            node = node.parent
        assert node is not None, f"{article.attrs['id']} is in no list"
        found[node.attrs["id"]] = article.text()
    return found


def test_a_collection_file_holds_each_list_with_its_sections_and_every_link_lands(project: Path, tmp_path: Path):
    document = _export(project, tmp_path / "list.html")
    _check_links(document)
    order = _read_yaml(project / "entries" / "collection.yml")["lists"]
    lists = {list_id: _read_yaml(project / "entries" / "lists" / f"{list_id}.yml") for list_id in order}
    expected = [(lists[list_id]["title"], _expected_outline(lists[list_id])) for list_id in order]
    # The headings: each list in the collection's order, its sections numbered as its own pages number them.
    assert _headings_outline(document.one("main")) == expected
    # The Contents is the same tree, and each of its links lands on the heading it names.
    assert _contents_outline(document.one("nav"), document) == expected
    # A paper in two lists is under each, with that list's own text.
    acco = _read_yaml(project / "entries" / "papers" / "acco.yaml")
    (also,) = acco["also"]
    parts = _list_parts(document)
    own, other = parts[lists[acco["list"]]["title"]], parts[lists[also["list"]]["title"]]
    placed = _placed_articles(document, "acco")
    assert set(placed) == {own, other}
    own_text, other_text = acco["summary"].split(",")[0], "heterogeneous hardware support"
    assert own_text in placed[own] and other_text not in placed[own]
    assert other_text in placed[other] and own_text not in placed[other]


def _list_parts(document: _Document) -> dict[str, str]:
    """Each list part's id by the title its heading shows."""
    return {
        next(c for c in element.children if "list-title" in c.classes()).text(): element.attrs["id"]
        for element in document.root.iter()
        if "list" in element.classes()
    }


def test_a_single_list_file_holds_its_sections_at_the_top_and_every_link_lands(tmp_path: Path):
    project = single_list_project(tmp_path / "project")
    document = _export(project, tmp_path / "list.html")
    _check_links(document)
    expected = _expected_outline(_read_yaml(project / "entries" / "taxonomy.yml"))
    assert _headings_outline(document.one("main")) == expected
    assert _contents_outline(document.one("nav"), document) == expected
    assert not any("list" in element.classes() for element in document.root.iter())
    records = list((project / "entries" / "papers").glob("*.yaml"))
    assert len([element for element in document.root.iter() if element.tag == "article"]) == len(records)


def test_the_same_records_give_the_same_file(project: Path, tmp_path: Path):
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    generator(project, "export-offline", str(first), "--single-file")
    generator(project, "export-offline", str(second), "--single-file")
    assert first.read_bytes() == second.read_bytes()
