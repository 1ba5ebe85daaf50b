"""Thai word breaking without its start-up cost, and with the same result.

``words`` segments the first texts of a process with a trie of just the dictionary words found in
each text, and ``wrap`` does not segment a paragraph that already fits (docstring of
schedule_engine/thaitext.py). Both must give exactly what PyThaiNLP's whole dictionary gives.
"""

import functools
import re
from pathlib import Path

from hypothesis import assume, given, settings, strategies as st
from pythainlp.tokenize import word_tokenize

from schedule_engine import thaitext
from schedule_engine.thaitext import _wrap_words, display_width, wrap

ROOT = Path(__file__).resolve().parents[2]
THAI_RUN = re.compile(r"[\u0e00-\u0e7f][\u0e00-\u0e7f0-9 .,()/\-]*")
THAI = "กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะัาำิีึืุูเแโใไ่้๊๋็์"


def _shipped_thai() -> list[str]:
    """Every run of Thai text in the rulebook, the message catalogue and the docs."""
    files = [*ROOT.glob("config/**/*.toml"), *ROOT.glob("schedule_engine/locale/**/*.po"),
             *ROOT.glob("docs/*.md"), ROOT / "README.md"]
    found = {m.group().strip() for f in files for m in THAI_RUN.finditer(f.read_text("utf-8"))}
    return sorted(t for t in found if t)


def _whole_dictionary(text: str) -> list[str]:
    return word_tokenize(text, engine="newmm", keep_whitespace=True)


@functools.cache
def _segmenter_with(small_tries: int):
    """A new segmenter (as a new process gets) that uses small tries for its first texts."""
    saved = thaitext._SMALL_TRIES
    thaitext._SMALL_TRIES = small_tries
    thaitext._segmenter.cache_clear()
    try:
        return thaitext._segmenter()
    finally:
        thaitext._SMALL_TRIES = saved
        thaitext._segmenter.cache_clear()


def test_small_tries_segment_like_the_whole_dictionary():
    texts = _shipped_thai()
    assert len(texts) > 300  # the rulebook, the .po and the docs: a real sample
    segment = _segmenter_with(10**9)
    for text in texts:
        assert segment(text) == _whole_dictionary(text), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=THAI + " 0123456789().", min_size=1, max_size=80))
def test_small_trie_on_any_thai_text(text):
    assert _segmenter_with(10**9)(text) == _whole_dictionary(text)


def test_many_texts_switch_to_the_whole_dictionary(monkeypatch):
    import pythainlp.tokenize

    built = []

    class CountingTrie(pythainlp.tokenize.Trie):
        def __init__(self, words):
            built.append(self)
            super().__init__(words)

    monkeypatch.setattr(pythainlp.tokenize, "Trie", CountingTrie)
    segment = _segmenter_with.__wrapped__(2)
    texts = ["ประกาศเชิญชวน", "การเสนอราคา", "ระยะเวลาอุทธรณ์", "ผู้ว่าราชการจังหวัดขอนแก่น"]
    assert [segment(t) for t in texts] == [_whole_dictionary(t) for t in texts]
    assert len(built) == 2  # two small tries, then PyThaiNLP's own (whole) one


def test_a_line_that_fits_is_not_segmented(monkeypatch):
    def no_segmenter():
        raise AssertionError("a line that fits needs no word boundaries")

    monkeypatch.setattr(thaitext, "_segmenter", no_segmenter)
    thaitext.words.cache_clear()
    assert wrap("  ประกาศเชิญชวน   และเผยแพร่\tเอกสาร  ", 40) == ["ประกาศเชิญชวน และเผยแพร่ เอกสาร"]
    assert wrap("อนุมัติ\nและประกาศผล", 12) == ["อนุมัติ", "และประกาศผล"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=THAI + " \t\u3000\u00a0abc-_/().,0123456789", max_size=60),
       st.integers(min_value=0, max_value=20))
def test_the_shortcut_gives_what_word_wrapping_gives(text, spare):
    # written Thai: a vowel or tone mark follows a Thai letter (after a bracket or a digit, words()
    # moves it to the token before, where the shortcut keeps the text as it is)
    assume(not re.search(r"(^|[^\u0e01-\u0e4e])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", text))
    width = max(1, display_width(text) + spare)  # the paragraph fits
    assert wrap(text, width) == _wrap_words(text, width)
