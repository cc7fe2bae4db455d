"""The vocabulary of presentations and awards: ids, labels, icons and the curator's markers.

Defined once here; the schema's ``presentation`` choices, the importer, the validator,
the templates, the exports and the statistics all ask this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Icon:
    """One icon in its two spellings: the emoji the README and the curator's lists write, and the site's.

    The site's is a shortcode of an icon bundled with Material, which the templates write into the
    page as inline SVG (``markup.icon_svg``): it needs no emoji font and makes no request, offline too.
    (Material's twemoji emoji are ``<img>`` tags loading from a CDN, so they are not used.)
    """

    emoji: str
    shortcode: str


AWARD_ICON = Icon("🏆", ":material-trophy:")
TALK_ICON = Icon("🎤", ":material-microphone:")
# The curator's lists write an award after the title as "🏆 **BEST PAPER AWARD**".
AWARD_SUFFIX = " Award"
# Awards the curator's lists name, in the spelling records use. A marker naming one of
# these ("🏆 **BEST PAPER**", "🥈 **RUNNER-UP AWARD**") is read as that award; any other
# marker ending in AWARD or PRIZE, or after one of AWARD_ICONS, is kept as written.
AWARDS = ("Best Paper", "Runner-Up", "Outstanding Paper", "Honorable Mention", "Best Student Paper", "Test of Time")
# Keys in the form `_key` compares (no hyphens, lower case).
_AWARD_ALIASES = {"honourable mention": "Honorable Mention", "best paper runner up": "Runner-Up"}
AWARD_ICONS = ("🏆", "🥇", "🥈", "🥉", "🏅", "🎖")
_AWARD_WORDS = re.compile(r"\s+(?:award|prize)$", re.IGNORECASE)
# Pages add " Award" to an award's name, so a marker's AWARD goes; its PRIZE is part of the name.
_AWARD_WORD = re.compile(r"\s+award$", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_SMALL_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to"})


@dataclass(frozen=True)
class Presentation:
    """How a paper is presented at the venue."""

    id: str
    label: str
    icon: Icon | None = None
    # Which highlights group shows it: "talks", "tutorials", or none.
    highlight: str | None = None
    # The curator's lists mark talks in bold after the title ("🎤 **ORAL**"), the rest in parentheses.
    bold_marker: bool = False
    # A talk that is not a paper in the proceedings is cited as @misc.
    bibtex_type: str = "inproceedings"
    # What the curator's lists call the people behind it.
    people: str = "Authors"

    @property
    def marker(self) -> str:
        """The marker after a title in the curator's Markdown format."""
        if self.bold_marker:
            return f"{self.icon.emoji if self.icon else ''} **{self.label.upper()}**".lstrip()
        return f"({self.label})"


PRESENTATIONS: dict[str, Presentation] = {
    presentation.id: presentation
    for presentation in (
        Presentation("oral", "Oral", TALK_ICON, highlight="talks", bold_marker=True),
        Presentation("spotlight", "Spotlight", TALK_ICON, highlight="talks", bold_marker=True),
        Presentation("poster", "Poster"),
        Presentation("tutorial", "Tutorial", highlight="tutorials", bibtex_type="misc", people="Speakers"),
        Presentation("workshop", "Workshop"),
        Presentation("invited-talk", "Invited talk"),
    )
}
NOT_STATED = "Not stated"
# The highlights page's groups, in order: award winners, then each presentation group.
HIGHLIGHT_GROUPS = {"awards": "Awards", "talks": "Orals and spotlights", "tutorials": "Tutorials"}


def presentation_for_marker(marker: str) -> Presentation | None:
    """The presentation a heading marker names ("ORAL", "Invited Talk", "Spotlight presentation")."""
    wanted = _key(marker).removesuffix(" presentation")
    return next((item for item in PRESENTATIONS.values() if _key(item.label) == wanted), None)


def _key(text: str) -> str:
    """Text compared without letter case, extra spaces, or the difference between "runner up" and "runner-up"."""
    return " ".join(text.replace("-", " ").split()).casefold()


_KNOWN_AWARDS = {_key(award): award for award in AWARDS} | _AWARD_ALIASES


def _known_award(name: str) -> str | None:
    """The vocabulary's spelling of an award ("BEST PAPER RUNNER-UP" is "Runner-Up"), if it has one."""
    return _KNOWN_AWARDS.get(_key(name))


def _title_case(text: str) -> str:
    """An all-capitals marker in the capitalisation records use ("TEST OF TIME" -> "Test of Time")."""
    if text != text.upper():
        return text
    words = re.split(r"(\s+)", text.lower())
    cased = [
        word if index and word in _SMALL_WORDS else re.sub(r"[a-z]+(?:'[a-z]+)?", lambda m: m[0].capitalize(), word)
        for index, word in enumerate(words)
    ]
    return "".join(cased)


def award_for_marker(marker: str, icon: str = "") -> str | None:
    """The award text a heading marker names, or None when it names no award.

    "BEST PAPER AWARD" and "BEST PAPER" give "Best Paper"; "RUNNER-UP AWARD" gives
    "Runner-Up"; a qualifier in parentheses stays ("Best Paper (Datasets & Benchmarks
    Track)"). A marker outside ``AWARDS`` is an award when it ends in AWARD or PRIZE, or
    comes after an award icon, and is then kept in its own words.
    """
    core, qualifier = marker.strip(), ""
    if match := _QUALIFIER.search(core):
        core, qualifier = core[: match.start()].strip(), match["inner"].strip()
    named = bool(_AWARD_WORDS.search(core))
    core = _AWARD_WORD.sub("", core).strip()
    # "BEST PAPER (D&B TRACK) AWARD": the qualifier came before the word AWARD.
    if not qualifier and (match := _QUALIFIER.search(core)):
        core, qualifier = core[: match.start()].strip(), match["inner"].strip()
    award = _known_award(core)
    if award is None and (named or any(icon.startswith(item) for item in AWARD_ICONS)) and core:
        award = _title_case(core)
    if award is None:
        return None
    return f"{award} ({_title_case(qualifier)})" if qualifier else award


Recognition = tuple[Literal["presentation", "award"], str]


def read_marker(marker: str, icon: str = "") -> Recognition | None:
    """What a marker after a paper's title says: a presentation id or an award text, or None."""
    if presentation := presentation_for_marker(marker):
        return ("presentation", presentation.id)
    if award := award_for_marker(marker, icon):
        return ("award", award)
    return None


def bibtex_type(presentation: str | None) -> str:
    """The BibTeX entry type of a paper presented this way."""
    return PRESENTATIONS[presentation].bibtex_type if presentation else "inproceedings"


def people_label(presentation: str | None) -> str:
    """ "Authors", or "Speakers" for a tutorial, as the curator's lists label the names."""
    return PRESENTATIONS[presentation].people if presentation else "Authors"


def award_label(award: str) -> str:
    """How pages name an award: "Best Paper" becomes "Best Paper Award"; "Golden Goose Prize" stays."""
    return award if _AWARD_WORDS.search(award) else award + AWARD_SUFFIX


# --- Markers in titles ---------------------------------------------------------------
# A record's title is the paper's title alone: its presentation and award have fields of
# their own. A title copied from a list that marks them ("… 🏆 Best Paper", "… [Oral]")
# carries a marker, which these find, so the validator can point at the field and the
# duplicate check can compare the titles without it.

# Emoji that mark a presentation or an award next to a title: the vocabulary's icons and medals.
MARKER_ICONS = frozenset(
    {AWARD_ICON.emoji, *(item.icon.emoji for item in PRESENTATIONS.values() if item.icon), *AWARD_ICONS, "⭐", "🌟"}
)
# Each icon is one code point (a variation selector may follow it), so they make a character class.
_ICONS = "".join(sorted(MARKER_ICONS))
assert all(len(icon) == 1 for icon in MARKER_ICONS)
# An icon, with the words after it when they end the title or meet another marker ("🏆 Best
# Paper", "🎤 **ORAL**");
# bold text ("**ORAL**"); or words in parentheses or brackets ("(Best Paper Award)", "[Oral]").
_TITLE_MARKER = re.compile(
    rf"(?P<icon>[{_ICONS}])\ufe0f?"
    rf"(?P<after>\s*\*\*[^*]*\*\*|(?:\s+[^\s*()\[\]{_ICONS}]+){{1,4}}(?=\s*(?:$|[(\[{_ICONS}]|\*\*)))?"
    r"|\*\*\s*(?P<bold>[^*]+?)\s*\*\*"
    r"|[(\[]\s*(?P<inner>[^()\[\]]{1,60}?)\s*[)\]]"
)
# Characters one of the markers above starts with; a title with none of them has no marker.
_MARKER_STARTS = re.compile(rf"[*(\[{_ICONS}]")


@dataclass(frozen=True)
class TitleMarker:
    """A marker found in a title, and the field that holds what it says."""

    text: str
    # "award" or "presentation"; None for a marker that names neither (such as **NEW**).
    field: str | None
    # The field's value, when the marker names it ("oral", "Best Paper").
    value: str | None = None


def _award_name(words: str) -> str | None:
    """ "Best Paper" for "Best Paper Award", "BEST PAPER" or "Outstanding Paper"; None for other words."""
    folded = words.casefold().split()
    is_award = bool(folded) and (
        folded[-1] in ("award", "prize")
        or (folded[0] in ("best", "outstanding") and "paper" in folded)
        or "mention" in folded
    )
    if not is_award:
        return None
    name = " ".join(words.split())
    if name.casefold().endswith(AWARD_SUFFIX.casefold()):
        name = name[: -len(AWARD_SUFFIX)].rstrip()
    return _known_award(name) or (name.title() if name.isupper() else name)


def _meaning(words: str) -> tuple[str, str] | None:
    """The field and value that a marker's words name, if any."""
    words = words.replace("*", " ").strip()
    if presentation := presentation_for_marker(words):
        return "presentation", presentation.id
    if award := _award_name(words):
        return "award", award
    return None


def _found(title: str, offset: int = 0) -> Iterator[tuple[int, int, TitleMarker]]:
    """Each marker in ``title`` with where it starts and ends (plus ``offset``)."""
    for match in _TITLE_MARKER.finditer(title):
        start, end = match.start() + offset, match.end() + offset
        text = match.group()
        if icon := match["icon"]:
            after = match["after"] or ""
            if meaning := _meaning(after):
                yield start, end, TitleMarker(text.strip(), *meaning)
                continue
            # Words after the icon that name nothing: the icon alone is a marker, and the words may hold one.
            kind = "presentation" if icon in _PRESENTATION_ICONS else "award"
            yield start, end - len(after), TitleMarker(text[: len(text) - len(after)].strip(), kind)
            yield from _found(after, end - len(after))
            continue
        words = match["bold"] or match["inner"] or ""
        if meaning := _meaning(words):
            yield start, end, TitleMarker(text.strip(), *meaning)
        elif match["bold"] and words.isupper():
            yield start, end, TitleMarker(text.strip(), None)


_PRESENTATION_ICONS = frozenset(item.icon for item in PRESENTATIONS.values() if item.icon)


def title_markers(title: str) -> list[TitleMarker]:
    """The presentation and award markers written into ``title``, in order."""
    if not _MARKER_STARTS.search(title):
        return []
    return [marker for _, _, marker in _found(title)]


def without_title_markers(title: str) -> str:
    """``title`` with its markers taken out, for comparing it with other titles."""
    if not _MARKER_STARTS.search(title):
        return title
    kept, last = [], 0
    for start, end, _ in _found(title):
        kept.append(title[last:start])
        last = end
    if not kept:
        return title
    kept.append(title[last:])
    return " ".join(" ".join(kept).split())
