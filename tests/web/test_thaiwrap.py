"""Thai line breaking for the PDF: breaks at word boundaries, never inside a character cluster."""

import re

from hypothesis import assume, given, strategies as st

from web.thaiwrap import clusters, segments, wrap

MARKS = set(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))) | set("ำ")


def test_breaks_at_words():
    assert segments("อนุมัติ และประกาศผลผู้ชนะการเสนอราคา") == [
        "อนุมัติ ", "และ", "ประกาศ", "ผล", "ผู้ชนะ", "การ", "เสนอ", "ราคา"]
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


# words no procurement vocabulary lists: place names, equipment, schools
LONG = ("โครงการจัดซื้อเครื่องคอมพิวเตอร์สำหรับห้องเรียนอัจฉริยะของโรงเรียนบ้านหนองเรือวิทยาคาร"
        "และโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านโคกสีอำเภอเมืองขอนแก่นจังหวัดขอนแก่น")


def _words(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine="newmm")


def _word_ends(text: str, nfkc: bool = False) -> set[int]:
    """Where PyThaiNLP's dictionary segmenter ends a word (offsets into ``text``, or into its
    NFKC form: what a PDF's text layer gives back)."""
    import unicodedata

    ends, n = set(), 0
    for w in _words(text):
        n += len(unicodedata.normalize("NFKC", w) if nfkc else w)
        ends.add(n)
    return ends


def _breaks(lines: list[str]) -> list[int]:
    out, n = [], 0
    for line in lines[:-1]:
        n += len(line)
        out.append(n)
    return out


def test_breaks_at_dictionary_words_beyond_a_word_list():
    assert max(map(len, _words(LONG))) <= 20  # every word fits a line: breaks only between
    for width in (20, 26, 31):
        lines = wrap(LONG, width, len).split("\n")
        assert "".join(lines) == LONG and all(len(x) <= width for x in lines)
        assert len(lines) > 3 and set(_breaks(lines)) <= _word_ends(LONG), (width, lines)


def test_a_word_longer_than_the_line_is_cut_between_syllables():
    assert wrap("คอนกรีตเสริมเหล็ก", 8, len).split("\n") == ["คอนกรีต", "เสริม", "เหล็ก"]
    assert wrap("ผู้ว่าราชการจังหวัด", 7, len).split("\n") == ["ผู้ว่า", "ราชการ", "จังหวัด"]


# a run of words none of which a short procurement word list would know
PLACE = ("โรงพยาบาลส่งเสริมสุขภาพบ้านโคกสีเมืองขอนแก่นห้องเรียนอัจฉริยะโรงเรียนบ้านหนองเรือ"
         "วิทยาคารเครื่องคอมพิวเตอร์สำหรับห้องสมุดประชาชนเฉลิมราชกุมารี")


def test_the_pdf_breaks_thai_at_word_boundaries(client):
    import io
    import unicodedata

    from pypdf import PdfReader

    r = client.get("/plan.pdf", params={"method": "e-bidding", "budget": "3000000",
                                        "start": "2022-07-20", "name": PLACE})
    assert r.status_code == 200
    text = unicodedata.normalize("NFKC", PdfReader(io.BytesIO(r.content)).pages[0].extract_text())
    head = text.split("\n")
    first = next(i for i, line in enumerate(head) if line.startswith("ชื่อโครงการ"))
    last = next(i for i, line in enumerate(head) if line.startswith("วิธีจัดซื้อจัดจ้าง"))
    lines = [head[first].removeprefix("ชื่อโครงการ").strip(), *head[first + 1:last]]
    name = unicodedata.normalize("NFKC", PLACE)
    assert "".join(lines) == name and len(lines) >= 2
    assert set(_breaks(lines)) <= _word_ends(PLACE, nfkc=True), lines
