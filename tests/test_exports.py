"""The downloads other programs read: the Atom feed and the BibTeX files.

Each is parsed back by real consumers (xml.etree for the feed; bibtexparser and pybtex
for BibTeX) from a model holding hostile text, built directly from the model's dataclasses
so that text the validator would refuse still reaches the writers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import bibtexparser
import pybtex.database
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pybtex.bibtex.utils import split_name_list

from generator.exports import bibtex_entry
from generator.model import Author, Catalog, Link, Paper, Section, Subsection, Tag
from generator.render import render_all
from helpers import latex_text

ATOM = "{http://www.w3.org/2005/Atom}"
LIST_TITLE = "Test List"


def _paper(paper_id: str = "p", **fields: Any) -> Paper:
    paper = Paper(
        id=paper_id,
        title="Plain Title",
        section_id="s",
        subsection_id="t",
        position=None,
        authors=(),
        authors_et_al=False,
        affiliation=None,
        venue="NeurIPS",
        year=2025,
        presentation="poster",
        award=None,
        links=(Link("Paper", "https://arxiv.org/abs/2501.00001", "paper"),),
        summary="Plain summary.",
        key_results=(),
        tags=("t1",),
        added="2025-01-01",
        source=f"entries/papers/{paper_id}.yaml",
    )
    return replace(paper, **fields)


def _catalog(*papers: Paper, title: str = LIST_TITLE, tag_title: str = "Tag") -> Catalog:
    by_subsection: dict[str, list[Paper]] = {}
    for paper in papers:
        by_subsection.setdefault(paper.subsection_id, []).append(paper)
    subsections = tuple(
        Subsection(sub_id, f"Sub {sub_id}", f"1.{number}", "s", tuple(members))
        for number, (sub_id, members) in enumerate(sorted(by_subsection.items()), start=1)
    )
    return Catalog(
        title=title,
        description="Intro.",
        sections=(Section("s", "Section", "1", subsections),),
        papers_by_id={paper.id: paper for paper in papers},
        tags=(Tag("t1", tag_title, "D"),),
    )


def _authors(*names: str) -> tuple[Author, ...]:
    return tuple(Author(name, None) for name in names)


# -- Atom feed ---------------------------------------------------------------------------

# Written as a contributor would, with YAML escapes in double-quoted scalars.
HOSTILE_RECORD = r"""
title: "Bad\uFFFE title\uFFFF with\x01 controls\x0b and \uFDD0 nonchars \U0010FFFF \ud800 end"
authors: ["Ada\uFFFE Lovelace", "Alan\x00 Turing\U0001FFFF"]
summary: "A summary\uFFFF with \x1b escapes and \U0001FFFE."
tag_title: "Tag\uFFFE"
"""


def _feed(catalog: Catalog) -> ET.Element:
    # Encoded as the writer encodes it: a lone surrogate would already fail here.
    return ET.fromstring(render_all(catalog, [])["docs/feed.xml"].encode("utf-8"))


def test_feed_drops_what_xml_cannot_carry_and_stays_atom():
    record = yaml.safe_load(HOSTILE_RECORD)
    hostile = _paper(
        "hostile",
        title=record["title"],
        authors=_authors(*record["authors"]),
        summary=record["summary"],
        added="2025-02-01",
    )
    catalog = _catalog(hostile, _paper("plain"), tag_title=record["tag_title"])
    root = _feed(catalog)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Bad title with controls and nonchars end"
    assert [a.findtext(f"{ATOM}name") for a in first.findall(f"{ATOM}author")] == ["Ada Lovelace", "Alan Turing"]
    # Feed readers get the summary as rendered, sanitised HTML, not raw Markdown.
    content = first.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert content.text == "<p>A summary with escapes and .</p>"
    assert first.find(f"{ATOM}category").get("label") == "Tag"


def test_feed_authors_are_the_papers_own_and_the_list_only_when_none_are_listed():
    named = _paper("named", authors=_authors("Grace Hopper", "Edsger Dijkstra"), added="2025-03-01")
    anonymous = _paper("anonymous", authors=())
    entries = _feed(_catalog(named, anonymous)).findall(f"{ATOM}entry")
    names = [[a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] for entry in entries]
    assert names == [["Grace Hopper", "Edsger Dijkstra"], [LIST_TITLE]]


def _xml_keeps(char: str) -> bool:
    """XML 1.0's Char production, less the C1 controls and noncharacters the feed drops too."""
    point = ord(char)
    allowed = point in (0x9, 0xA, 0xD) or 0x20 <= point <= 0xD7FF or 0xE000 <= point <= 0xFFFD or point >= 0x10000
    noncharacter = 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE
    return allowed and not noncharacter and not 0x7F <= point <= 0x9F


XML_NASTY = ["\ufffe", "\uffff", "\ud800", "\udfff", "\x00", "\x0b", "\x1b", "\x85", "\ufdd0", "\U0010ffff"]
XML_NASTY += ["\U0001fffe", "\t", "\r\n", "&", "<", "]]>", '"', "'", "&amp;", "<!--"]
any_text = st.lists(
    st.one_of(st.sampled_from(XML_NASTY), st.text(st.characters(exclude_categories=()), max_size=6)), max_size=6
).map("".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=any_text, author=any_text, summary=any_text, tag_title=any_text, list_title=any_text)
def test_any_text_gives_a_well_formed_feed(title: str, author: str, summary: str, tag_title: str, list_title: str):
    paper = _paper(title=title, authors=_authors(author), summary=summary)
    root = _feed(_catalog(paper, title=list_title, tag_title=tag_title))
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    assert (entry.findtext(f"{ATOM}title") or "") == " ".join("".join(filter(_xml_keeps, title)).split())


# -- BibTeX ------------------------------------------------------------------------------


def _read_back(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Every entry as both parsers read it: [(key, fields)], authors as a list of names.

    The two must agree, and neither may drop or skip a block.
    """
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    ours = [(entry.key, {field.key: field.value for field in entry.fields}) for entry in library.entries]
    for _, mine in ours:
        if "author" in mine:
            # Split by pybtex's BibTeX rules: bibtexparser 2.1's SeparateCoAuthors drops the
            # two characters after " and " when a name starts with a backslash.
            mine["author"] = split_name_list(mine["author"])
    theirs = []
    for key, entry in pybtex.database.parse_string(text, "bibtex").entries.items():
        other: dict[str, Any] = {name.lower(): value for name, value in entry.fields.items()}
        for role, persons in entry.persons.items():
            other[role.lower()] = len(persons)
        theirs.append((key, other))
    assert [(key, sorted(fields)) for key, fields in ours] == [(key, sorted(fields)) for key, fields in theirs]
    for (_, mine), (_, other) in zip(ours, theirs, strict=True):
        if "author" in mine:
            assert other["author"] == len(mine["author"])
        assert {k: v for k, v in mine.items() if k != "author"} == {k: v for k, v in other.items() if k != "author"}
    return ours


def _only_entry(paper: Paper) -> dict[str, Any]:
    entries = _read_back(bibtex_entry(paper))
    assert [key for key, _ in entries] == [paper.id]
    return entries[0][1]


def _unbraced(value: object) -> str:
    assert isinstance(value, str) and value.startswith("{") and value.endswith("}"), value
    return value[1:-1]


def _name_text(name: str) -> str:
    # A name BibTeX would split or reorder is braced whole; the braces are not part of it.
    return latex_text(name[1:-1] if name.startswith("{") and name.endswith("}") else name)


def _visible(text: str) -> str:
    """Text as every export writes it: control characters dropped, white space collapsed."""
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text).split())


BIBTEX_NASTY = [
    "{",
    "}",
    "},",
    "}, @misc{evil, title={x}}",
    "@misc{",
    "@",
    "%",
    "% not a comment",
    "#",
    '"',
    "\\",
    "\\}",
    "\\{",
    "\\textbf{",
    "$x^2$",
    "~",
    "^",
    "&",
    "_",
    ",",
    " and ",
    " AND ",
    "and",
    "others",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "ü",
    "中文",
    "👩‍🔬",
    "--",
]
bib_text = st.lists(st.one_of(st.sampled_from(BIBTEX_NASTY), st.text(max_size=6)), min_size=1, max_size=6).map("".join)


@settings(deadline=None)
@given(
    title=bib_text,
    names=st.lists(bib_text, max_size=4),
    et_al=st.booleans(),
    venue=st.none() | bib_text,
    award=st.none() | bib_text,
    tutorial=st.booleans(),
)
@example(title="a}", names=["b}", "}, @misc{x,"], et_al=True, venue="{", award="}", tutorial=False)
def test_any_text_stays_one_entry_with_the_right_key_fields_and_text(
    title: str, names: list[str], et_al: bool, venue: str | None, award: str | None, tutorial: bool
):
    paper = _paper(
        "any-text",
        title=title,
        authors=_authors(*names),
        authors_et_al=et_al,
        venue=venue,
        award=award,
        presentation="tutorial" if tutorial else "oral",
    )
    fields = _only_entry(paper)
    listed = [_visible(name) for name in names if _visible(name)]
    expected = {"title", "year", "eprint", "archiveprefix", "url", "note"}
    expected |= {"author"} if listed else set()
    expected |= {"howpublished" if tutorial else "booktitle"} if venue else set()
    assert set(fields) == expected
    assert latex_text(_unbraced(fields["title"])) == _visible(title)
    if listed:
        assert [_name_text(name) for name in fields["author"]] == listed + (["others"] if et_al else [])
    if venue:
        assert latex_text(str(fields["howpublished" if tutorial else "booktitle"])) == _visible(f"{venue} 2025")
    presentation = "Tutorial" if tutorial else "Oral"
    assert latex_text(str(fields["note"])) == (f"{_visible(award + ' Award')}, " if award else "") + presentation


@pytest.mark.parametrize(
    "title",
    [
        "{Unbalanced",
        "Unbalanced}",
        "}} , @misc{injected, title = {gotcha}} @comment{",
        "C:\\path\\to\\file and \\textbf{bold} \\\\ end\\",
        "100% of #1 & $5 for a_b ~ c^d",
        "@inproceedings{second,\n  title = {x},\n}",
        "Line one\nline two\r\nline three",
        "Ünïcödé — 中文 — 👩‍🔬 — שלום",
        '"Quoted" {nested {braces}} here',
    ],
)
def test_explicit_titles_read_back_intact(title: str):
    fields = _only_entry(_paper("explicit", title=title))
    assert latex_text(_unbraced(fields["title"])) == _visible(title)


@pytest.mark.parametrize(
    ("name", "read_as"),
    [
        ("Tom and Jerry", "{Tom and Jerry}"),
        ("Smith, John", "{Smith, John}"),
        ("others", "{others}"),
        ("AND", "{AND}"),
        ("Brace } Name", r"Brace \textbraceright{} Name"),
        ("Zoë Åkesson", "Zoë Åkesson"),
    ],
)
def test_author_names_stay_one_name_each(name: str, read_as: str):
    fields = _only_entry(_paper("names", authors=_authors("First Author", name, "Last Author")))
    assert fields["author"] == ["First Author", read_as, "Last Author"]


def test_an_organisation_author_is_cited_as_one_name_not_as_a_person():
    authors = (Author("Nanjing University", None, organisation=True), Author("Ann Lee", None))
    entry = bibtex_entry(_paper("org", authors=authors))
    cited = pybtex.database.parse_string(entry, "bibtex").entries["org"].persons["author"]
    # As a person, "Nanjing University" would be cited as "University, N.".
    assert [(person.first_names, person.last_names) for person in cited] == [
        ([], ["{Nanjing University}"]),
        (["Ann"], ["Lee"]),
    ]


@pytest.mark.parametrize(
    ("url", "written"),
    [
        # The url field is verbatim: an escaped underscore would put a backslash in the link.
        (
            "https://hal.science/hal-04592562v3/file/neurips_acco.pdf",
            "https://hal.science/hal-04592562v3/file/neurips_acco.pdf",
        ),
        ("https://example.org/a%20b?q=1&r=2#frag", "https://example.org/a%20b?q=1&r=2#frag"),
        ("https://example.org/x y{z}\\w~", "https://example.org/x%20y%7Bz%7D%5Cw~"),
        ("https://example.org/}, @misc{evil,", "https://example.org/%7D,%20@misc%7Bevil,"),
    ],
)
def test_urls_are_written_verbatim_and_cannot_break_the_entry(url: str, written: str):
    fields = _only_entry(_paper("url", links=(Link("Paper", url, "paper"),)))
    assert fields["url"] == written


def test_an_unsafe_first_link_is_skipped_for_the_next_safe_one():
    links = (Link("Bad", "javascript:alert(1)", "other"), Link("Good", "https://example.org/p_1", "paper"))
    assert _only_entry(_paper("unsafe", links=links))["url"] == "https://example.org/p_1"
    assert "url" not in _only_entry(_paper("unsafe", links=links[:1]))


@settings(deadline=None)
@given(path=st.text(max_size=30))
def test_any_url_reads_back_as_the_same_address(path: str):
    url = "https://example.org/" + path
    written = _only_entry(_paper("url", links=(Link("Paper", url, "paper"),)))["url"]
    assert isinstance(written, str)
    assert not set(written) & set("{}\\ \t\n")
    assert unquote(written) == unquote(url)


def test_bibtex_files_hold_the_same_entries_as_the_paper_pages():
    papers = [_paper(f"p{n}", title=f"Title {{{n}", subsection_id="t" if n < 2 else "u") for n in range(3)]
    outputs = render_all(_catalog(*papers), [])
    assert [key for key, _ in _read_back(outputs["docs/papers.bib"])] == ["p0", "p1", "p2"]
    assert [key for key, _ in _read_back(outputs["docs/sections/s/s.bib"])] == ["p0", "p1", "p2"]
    assert [key for key, _ in _read_back(outputs["docs/sections/s/s-t.bib"])] == ["p0", "p1"]
    assert [key for key, _ in _read_back(outputs["docs/sections/s/s-u.bib"])] == ["p2"]
    for paper in papers:
        assert bibtex_entry(paper) in outputs[f"docs/papers/{paper.id}.md"]


def test_shipped_feed_shows_rendered_summaries_not_markdown(built_site: Path):
    root = ET.parse(built_site / "feed.xml").getroot()
    contents = [entry.find(f"{ATOM}content") for entry in root.findall(f"{ATOM}entry")]
    rendered = [content.text or "" for content in contents if content is not None]
    assert rendered and all(text.startswith("<p>") or text.startswith("<ul>") for text in rendered)
    assert not any("**" in text for text in rendered)
    assert any("<strong>" in text for text in rendered)
