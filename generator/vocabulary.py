"""The vocabulary of presentations and awards: ids, labels, icons and the curator's markers.

Defined once here; the schema's ``presentation`` choices, the importer, the validator,
the templates, the exports and the statistics all ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Icon:
    """One icon in its two spellings: the emoji the README and the curator's lists write, and the site's.

    The site's is a shortcode of an icon bundled with Material, which ``pymdownx.emoji`` writes
    into the page as inline SVG: it needs no emoji font and makes no request, offline too.
    (Material's twemoji emoji are ``<img>`` tags loading from a CDN, so they are not used.)
    """

    emoji: str
    shortcode: str


AWARD_ICON = Icon("🏆", ":material-trophy:")
TALK_ICON = Icon("🎤", ":material-microphone:")
# The curator's lists write an award after the title as "🏆 **BEST PAPER AWARD**".
AWARD_SUFFIX = " Award"


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
    """The presentation a heading marker names ("ORAL", "Invited Talk"), in any letter case."""
    wanted = " ".join(marker.split()).casefold()
    return next((item for item in PRESENTATIONS.values() if item.label.casefold() == wanted), None)


def bibtex_type(presentation: str | None) -> str:
    """The BibTeX entry type of a paper presented this way."""
    return PRESENTATIONS[presentation].bibtex_type if presentation else "inproceedings"


def people_label(presentation: str | None) -> str:
    """ "Authors", or "Speakers" for a tutorial, as the curator's lists label the names."""
    return PRESENTATIONS[presentation].people if presentation else "Authors"


def award_label(award: str) -> str:
    """How pages name an award: "Best Paper" becomes "Best Paper Award"."""
    return award + AWARD_SUFFIX
