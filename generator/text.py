"""Plain-text helpers shared by the importer, the model and the validator."""

from __future__ import annotations

import re
import unicodedata

import ftfy

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 60

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


_DANGLING_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "via", "with"})


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """Lowercase kebab-case ASCII slug, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    words = slug[: max_length + 1].split("-")[:-1] or [slug[:max_length]]
    while len(words) > 1 and words[-1] in _DANGLING_WORDS:
        words.pop()
    return "-".join(words)


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
        if candidate and candidate not in taken:
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
