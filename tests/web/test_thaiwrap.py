"""Thai line breaking for the PDF: breaks at word boundaries, never inside a character cluster."""

import re

from hypothesis import assume, given, strategies as st

from web.thaiwrap import clusters, segments, wrap

MARKS = set(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))) | set("ำ")


def test_breaks_at_words():
    assert segments("อนุมัติ และประกาศผลผู้ชนะการเสนอราคา") == [
        "อนุมัติ ", "และ", "ประกาศ", "ผล", "ผู้ชนะ", "การ", "เสนอราคา"]
    assert "(รับฟัง" in segments("เอกสารประกวดราคา (รับฟังความคิดเห็น)")


def test_wrap_fits_and_keeps_the_text():
    text = "เผยแพร่ร่างประกาศ และร่างเอกสารประกวดราคา (รับฟังความคิดเห็น)"
    out = wrap(text, 12, len)
    assert all(len(line) <= 12 for line in out.split("\n"))
    assert out.replace("\n", "").replace(" ", "") == text.replace(" ", "")


@given(st.text(alphabet="กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะัาำิีึืุูเแโใไ่้๊๋็์ 0123456789().",
               max_size=60), st.integers(min_value=1, max_value=20))
def test_never_splits_a_cluster(text, width):
    # well-formed Thai: a mark follows a consonant (never the start or a space)
    assume(not re.search(r"(^|[ ().0-9])[ะัาำิีึืุู่้๊๋็์]", text))
    out = wrap(text, width, len)
    assert out.replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    for line in out.split("\n")[1:]:
        assert not line or line[0] not in MARKS, (text, out)


def test_clusters_keep_marks_with_their_consonant():
    assert clusters("ผู้ว่าราชการ") == ["ผู้", "ว่า", "รา", "ช", "กา", "ร"]
