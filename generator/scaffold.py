"""``python -m generator new``: scaffold a paper record that validates at once."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .links import label_for_url
from .text import ID_PATTERN, paper_id_for
from .vocabulary import PRESENTATIONS
from .write import write_text_atomic
from .yamlio import dump_record

# Commented hints for the fields a person must write, so the file validates as it is.
HINTS = """\
# Fill in what you know and delete the rest; never guess.
# summary: |
#   Two to four sentences in Markdown: the problem, the idea, the main result.
# key_results:
#   - Up to **2× faster** than the baseline on …
# affiliation: Organisation of the whole author list
# presentation: oral   # {presentations}
# award: Best Paper
# tags: []
""".format(presentations=", ".join(PRESENTATIONS))


@dataclass
class NewPaper:
    """What the contributor told us about the paper."""

    title: str
    category: str
    # The list it is placed in, in a collection; None in a single-list project.
    list_id: str | None = None
    links: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    paper_id: str | None = None
    venue: str | None = None
    year: int | None = None


def _link(spec: str) -> dict[str, str]:
    """``URL`` or ``Label=URL``."""
    label, separator, url = spec.partition("=")
    if separator and not label.startswith(("http://", "https://")):
        return {"label": label.strip(), "url": url.strip()}
    return {"label": label_for_url(spec.strip()), "url": spec.strip()}


def record_for(paper: NewPaper, added: dt.date) -> dict[str, Any]:
    record: dict[str, Any] = {"title": paper.title.strip()}
    if paper.list_id:
        record["list"] = paper.list_id
    record.update(category=paper.category, authors=paper.authors)
    if paper.venue:
        record["venue"] = paper.venue
    if paper.year:
        record["year"] = paper.year
    if paper.links:
        record["links"] = [_link(spec) for spec in paper.links]
    record["added"] = added
    return record


def write_new(papers_dir: Path, paper: NewPaper, added: dt.date, *, force: bool = False) -> Path:
    """Write ``papers_dir/<id>.yaml``; refuse to replace a file unless ``force``."""
    taken = {path.stem for path in papers_dir.glob("*.yaml")}
    paper_id = paper.paper_id or paper_id_for(paper.title, taken)
    if not ID_PATTERN.match(paper_id):
        raise ValueError(f"id '{paper_id}' must be lowercase kebab-case (letters, digits, hyphens)")
    path = papers_dir / f"{paper_id}.yaml"
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; choose another --id, or pass --force to replace it")
    write_text_atomic(path, dump_record(record_for(paper, added)) + HINTS)
    return path


def categories_of(taxonomy: dict[str, Any]) -> list[tuple[str, str]]:
    """Each category a paper can be placed in, with its titles: subsections, and sections without any."""
    categories: list[tuple[str, str]] = []
    for section in taxonomy["sections"]:
        if not section["subsections"]:
            categories.append((section["id"], section["title"]))
        categories.extend(
            (f"{section['id']}/{sub['id']}", f"{section['title']} › {sub['title']}") for sub in section["subsections"]
        )
    return categories


def choose(what: str, options: list[tuple[str, str]], ask: Callable[[str], str] = input) -> str:
    """Ask for one of ``options`` (id, title) by number or id, again until the answer names one."""
    for number, (option_id, title) in enumerate(options, start=1):
        print(f"  {number:2}. {title}  ({option_id})", file=sys.stderr)
    ids = [option_id for option_id, _ in options]
    while True:
        choice = ask(f"{what} (number or id): ").strip()
        if choice.isdigit() and 0 < int(choice) <= len(options):
            return ids[int(choice) - 1]
        if choice in ids:
            return choice
        print(f"  '{choice}' is not one of them: give a number from 1 to {len(options)}, or an id", file=sys.stderr)


def prompt_list(lists: list[tuple[str, str]], ask: Callable[[str], str] = input) -> str:
    """Ask which of a collection's lists (id, title) the paper goes in."""
    return choose("List", lists, ask)


def prompt_missing(paper: NewPaper, categories: list[tuple[str, str]], ask: Callable[[str], str] = input) -> NewPaper:
    """Ask on the terminal for what the flags left out."""
    while not paper.title.strip():
        paper.title = ask("Title: ")
    if not paper.category:
        paper.category = choose("Category", categories, ask)
    if not paper.authors:
        paper.authors = [
            name.strip() for name in ask("Authors, comma-separated (blank if unknown): ").split(",") if name.strip()
        ]
    if not paper.links:
        paper.links = [url.strip() for url in ask("Links, space-separated (arXiv, OpenReview…): ").split()]
    return paper
