"""Plain-text helpers shared by the importer, the model and the validator."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Slugs made from titles are cut here; hand-picked ids may go up to ID_LIMIT.
MAX_ID_LENGTH = 60
# An id is a file name and a URL path segment: long enough for any slug plus a "-2"
# suffix, short enough for Windows' 260-character paths once nested under docs/.
ID_LIMIT = 80
# A one-character id tells a reader nothing in a URL, and is what a slug degenerates to
# for a title such as "A: …" or "X"; two characters still allow names like "r1".
ID_MINIMUM = 2
# Names the site uses for its own pages and folders (docs/<name>.md, docs/<name>/, the
# feed, MkDocs' search index and sitemap). Every id (paper, section, subsection, tag)
# keeps clear of them, so no record can take over or shadow a page, whichever folder
# its kind of page lives in today.
RESERVED_IDS = frozenset(
    {
        "404",
        "about",
        "all",
        "assets",
        "authors",
        "contributing",
        "feed",
        "highlights",
        "index",
        "lists",
        "papers",
        "papers-search",
        "performance",
        "quality",
        "readme",
        "search",
        "sections",
        "sitemap",
        "stats",
        "tags",
    }
)
# Device names Windows refuses as a file name, whatever the extension: a record named
# so could not be checked out there.
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


_DANGLING_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "via", "with"})


def ascii_letters(text: str) -> str:
    """``text`` in ASCII: accented letters without their accents (é → e), other characters dropped."""
    if text.isascii():
        # Nothing to decompose: ASCII is its own compatibility decomposition.
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """Lowercase kebab-case ASCII slug, cut at a word boundary."""
    slug = _SLUG_DROP.sub("-", ascii_letters(text).lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    words = slug[: max_length + 1].split("-")[:-1] or [slug[:max_length]]
    while len(words) > 1 and words[-1] in _DANGLING_WORDS:
        words.pop()
    return "-".join(words)


def id_problem(candidate: str) -> str | None:
    """Why ``candidate`` cannot be an id, as the end of a sentence "id 'x' …"; None when it can."""
    if not ID_PATTERN.match(candidate):
        return "must be lowercase kebab-case (letters a-z, digits, single hyphens between them)"
    if len(candidate) > ID_LIMIT:
        return f"is {len(candidate)} characters long, over the limit of {ID_LIMIT}; shorten it"
    if len(candidate) < ID_MINIMUM:
        return f"is too short: an id needs at least {ID_MINIMUM} characters"
    if candidate in RESERVED_IDS:
        return f"is reserved: the site has its own '{candidate}' page or folder; choose another"
    if candidate in WINDOWS_DEVICE_NAMES:
        return "is a device name on Windows, where a file of that name cannot exist; choose another"
    return None


def title_prefix(title: str) -> str | None:
    """The short name before a colon ("Arnold" in "Arnold: Efficient …"), if any."""
    prefix, colon, _ = title.partition(":")
    return prefix.strip() if colon and 0 < len(prefix.split()) <= 3 else None


def paper_id_for(title: str, taken: set[str], shared_prefixes: frozenset[str] = frozenset()) -> str:
    """A readable, unique id for a paper: the short name before a colon when it is free.

    "Arnold: Efficient Pre-Training …" becomes ``arnold``. When several papers share
    that short name (two "DAPO: …" papers), none of them takes it: each gets a slug
    of its whole title, so neither page looks like the canonical one.
    """
    prefix = title_prefix(title)
    usable = prefix is not None and slugify(prefix) not in shared_prefixes
    candidates = [slugify(prefix)] if usable and prefix else []
    candidates.append(slugify(title))
    for candidate in candidates:
        if id_problem(candidate) is None and candidate not in taken:
            return candidate
    base = candidates[-1] or "paper"
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _undo_mac_roman(run: str) -> str:
    """Undo UTF-8 bytes that were decoded as Mac OS Roman, if that is what ``run`` is.

    ftfy leaves some of these behind (``√ó`` for ``×``, the four-byte emoji), because
    each character is plausible on its own. Legitimate text almost never re-encodes
    to valid UTF-8 this way, which is the same test ftfy relies on.
    """
    try:
        repaired = run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    return repaired


def repair_mojibake(text: str) -> str:
    """Repair text that went through a wrong character-set decoding on its way."""
    # Imported here: ftfy is slow to import, and most runs (a build with nothing changed) never need it.
    import ftfy

    text = ftfy.fix_encoding(text)
    return _NON_ASCII_RUN.sub(lambda match: _undo_mac_roman(match.group()), text)


MOJIBAKE_MARKERS = ("√ó", "‚Äî", "‚Äì", "‚Äô", "‚Äú", "üèÜ", "Ã©", "â€", "Ã¨", "Â ")
# UTF-8 read in an 8-bit charset turns each character into two to four non-ASCII ones;
# where a no-break space (byte A0) became a space, the lead character of a two-byte
# sequence stands before it, or that of a longer one before a space and a non-ASCII
# character. A C1 control is a Windows-1252 byte read as Latin-1. Text with none of these
# shapes cannot be mis-decoded, so most text skips ftfy.
MIS_DECODING_SHAPE = re.compile(r"[^\x00-\x7f]{2}|[\xc0-\xdf] |[\xe0-\xf4] [^\x00-\x7f]|[\x80-\x9f]")


def looks_mis_decoded(text: str) -> bool:
    """True when ``text`` still holds a typical wrong-charset sequence."""
    if not MIS_DECODING_SHAPE.search(text):
        return False
    return any(marker in text for marker in MOJIBAKE_MARKERS) or repair_mojibake(text) != text


# Control characters have no place in a record's text; a tab is white space and a line
# break is allowed where Markdown is. U+2028/U+2029 end a line like a line break does.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Code points that are no character at all, which XML (so the feed) and many tools cannot
# hold: lone surrogates (only a "\ud800" escape makes one) and the 66 noncharacters.
NONCHARACTERS = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)
# Invisible format characters (Unicode category Cf: zero-width spaces and joiners,
# bidirectional controls, the soft hyphen, the byte order mark, tag characters…) and the
# other default-ignorable characters that show as nothing. They hide text from search and
# the duplicate check, and the bidirectional ones make text display in another order
# than it is stored. A test keeps this list in step with Python's Unicode database.
INVISIBLE_CHARACTERS = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH_JOINER = "\u200d"


def _joins_emoji(text: str, index: int) -> bool:
    """True for a zero-width joiner inside an emoji sequence (👩‍💻), where it belongs."""
    before, after = text[index - 1 : index], text[index + 1 : index + 2]
    return (
        text[index] == _ZERO_WIDTH_JOINER
        and bool(before and after)
        and (unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f")
        and unicodedata.category(after) == "So"
    )


def invisible_characters(text: str) -> list[str]:
    """The invisible characters of ``text`` that do not belong there, in order."""
    return [match.group() for match in INVISIBLE_CHARACTERS.finditer(text) if not _joins_emoji(text, match.start())]


def character_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: how a message names a character one cannot see."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


# Categories a terminal must never receive raw: controls (ANSI and OSC sequences start
# with one), format characters, surrogates, private-use and unassigned code points, and
# line or paragraph separators.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def repr_escape(char: str) -> str:
    """``\\x1b``, ``\\u202e`` or ``\\U000e0041``: a character as Python's repr writes it."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape_unprintable(text: str, escape: Callable[[str], str] = repr_escape) -> str:
    """``text`` with every character a terminal could act on replaced by ``escape(char)``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(escape(char) if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES else char for char in text)


# Letters of other scripts that look like Latin ones, for the duplicate check.
# Compatibility decomposition (NFKD) already folds full-width, mathematical and other
# compatibility forms; what it keeps apart are these, letters of their own that fonts
# draw like Latin ones. Titles in this list are Latin-script, so a compact table of the
# Cyrillic, Greek and Armenian look-alikes (after Unicode's confusables.txt) covers the
# real threat without a dependency carrying the whole confusables database.
_LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТУХҮӀԚԜаеорсухѕіјһԁԛԝӏүкΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿαορνυικχϲϳօսհոıȷɑɡ",
    "ABESIJKMHOPCTYXYIQWaeopcyxsijhdqwlykABEZHIKMNOPTYXCJaopvuikxcjouhnijag",
)

_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# Combining marks, and characters that print as nothing.
_IGNORED_CATEGORIES = frozenset({"Mn", "Me", "Cc", "Cf", "Cs", "Co", "Cn"})


def comparable_text(text: str) -> str:
    """``text`` folded so that look-alike spellings compare equal.

    Compatibility forms (NFKC), accents and other combining marks, invisible and other
    non-printing characters, look-alike letters of other scripts, and case are folded away.
    """
    if text.isascii():
        return _ASCII_CONTROLS.sub("", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if unicodedata.category(char) not in _IGNORED_CATEGORIES)
    return unicodedata.normalize("NFKC", kept.translate(_LOOK_ALIKES).casefold())


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 error", "2 errors", "0 errors": a count with its noun in the right number."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


# --- Names in author lists -------------------------------------------------------------
# Author lists name organisations too ("Microsoft Research", "Qwen Team"). An organisation
# is recognised by one of these words (case as written, so the surname "Ai" is no "AI"), or
# by a record's `organisations:` list for any the words miss.
ORGANISATION_WORDS = frozenset(
    {
        # What an organisation calls itself.
        *("Research", "Researchers", "AI", "Lab", "Labs", "Laboratory", "Laboratories", "Inc", "Corp"),
        *("Corporation", "Ltd", "LLC", "GmbH", "University", "Institute", "College", "School", "Center"),
        *("Centre", "Workshop", "Team", "Group", "Foundation", "Consortium", "Company", "Academy"),
        # Companies that publish under their name alone.
        *("Google", "Microsoft", "Meta", "DeepMind", "OpenAI", "NVIDIA", "Nvidia", "Apple", "Amazon", "IBM"),
        *("Anthropic", "ByteDance", "Alibaba", "Tencent", "Baidu", "Huawei", "Samsung", "Intel", "Qwen"),
    }
)
_NAME_WORD = re.compile(r"[^\s.,()]+")


def looks_like_organisation(name: str) -> bool:
    """True for an author that is an organisation by its words ("IBM Research", "Moonshot AI")."""
    return any(word in ORGANISATION_WORDS for word in _NAME_WORD.findall(name))


_CAPITALISED = re.compile(r"[^\W\d_][^\W\d_]+")


def joined_name(name: str) -> tuple[str, str] | None:
    """The two names run together in ``name`` ("HaiboYang" → Haibo, Yang), if it is one.

    Only a name of one word that splits at its single lowercase-to-uppercase step into two
    capitalised parts of three letters or more: "McDonald", "LeCun", "O'Brien" and
    "DeNero" stay whole.
    """
    if not _CAPITALISED.fullmatch(name):
        return None
    steps = [i for i in range(1, len(name)) if name[i - 1].islower() and name[i].isupper()]
    if len(steps) != 1:
        return None
    first, second = name[: steps[0]], name[steps[0] :]
    if all(len(part) >= 3 and part[0].isupper() and part[1:].islower() for part in (first, second)):
        return first, second
    return None


# A sentence ends at ., ! or ? before white space and a capital letter or digit ("e.g. a" goes on).
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])")
GIST_LENGTH = 160


def gist(text: str, limit: int = GIST_LENGTH) -> str:
    """The first sentence of plain ``text``, cut at a word and marked with "…" when longer than ``limit``."""
    end = _SENTENCE_END.search(text)
    sentence = text[: end.start() + 1] if end else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0] if " " in sentence[:limit] else sentence[:limit]
    return cut.rstrip(" ,;:—-") + "…"
