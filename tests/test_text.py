"""Text helpers: the mis-decoding pre-filter never clears text ftfy would repair; a summary's gist."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.text import MIS_DECODING_SHAPE, MOJIBAKE_MARKERS, gist, looks_mis_decoded, repair_mojibake


def _mis_decoded(text: str, charset: str, lost_no_break_space: bool) -> str:
    garbled = text.encode("utf-8").decode(charset, errors="replace")
    return garbled.replace("\xa0", " ") if lost_no_break_space else garbled


_WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_GARBLED = st.builds(_mis_decoded, _WORDS, st.sampled_from(["cp1252", "latin-1", "mac_roman"]), st.booleans())


@given(st.lists(_WORDS | _GARBLED, max_size=4).map(" ".join))
@example("Zoë Müller and José Núñez")
@example("caf\u00c3\u00a9 \u00c3 la carte")
@example("Ã la carte")
@settings(deadline=None)
def test_text_the_prefilter_clears_is_never_repaired(text: str):
    slow_verdict = any(marker in text for marker in MOJIBAKE_MARKERS) or repair_mojibake(text) != text
    if slow_verdict:
        assert MIS_DECODING_SHAPE.search(text), text
    assert looks_mis_decoded(text) == slow_verdict


def test_names_with_single_accents_skip_the_expensive_check():
    assert not MIS_DECODING_SHAPE.search("Zoë Müller, José Pérez, Søren Ørsted, Chloé Dupré, Jürgen Groß")


def test_gist_is_the_first_sentence():
    assert gist("Active tensors take 1.7% of memory. TERAIO plans offloading.") == "Active tensors take 1.7% of memory."
    # An abbreviation or a decimal followed by lower case does not end the sentence.
    assert gist("It beats e.g. the baseline by 2.5 points. More.") == "It beats e.g. the baseline by 2.5 points."
    assert gist("No full stop at all") == "No full stop at all"


def test_a_long_gist_is_cut_at_a_word():
    text = "word " * 100
    cut = gist(text, limit=40)
    assert cut.endswith("…") and len(cut) <= 41
    assert cut[:-1].split() == ["word"] * len(cut[:-1].split())
