"""schedule_engine.text: the one normalisation of typed names."""

import sys
import unicodedata

import pytest

from schedule_engine.text import FORMAT_CHARS, normalise_text, text_key

ALL_FORMAT_CHARS = [chr(c) for c in range(sys.maxunicode + 1)
                    if unicodedata.category(chr(c)) == "Cf"]


def test_every_format_character_of_unicode_is_removed():
    # the regex is built from a scan of the planes where Cf characters live: a Python whose
    # Unicode database adds one elsewhere must make this fail rather than leave it in keys
    text = "ก" + "".join(ALL_FORMAT_CHARS) + "ข"
    assert FORMAT_CHARS.sub("", text) == "กข"
    assert normalise_text(text) == "กข"


@pytest.mark.parametrize("typed, key", [
    ("สำนักงาน\u200bจังหวัด", "สำนักงานจังหวัด"),  # zero-width space from a web page
    ("\ufeffE-Bidding", "e-bidding"),  # BOM at the start of a CSV cell
    ("e\u2013bidding", "e-bidding"),  # en dash from Word
    ("ส\u0e4d\u0e32นัก", "สำนัก"),  # NIKHAHIT + SARA AA typed for SARA AM
    ("  a \u00a0  b ", "a b"),
])
def test_text_key(typed, key):
    assert text_key(typed) == key


def test_non_format_characters_are_kept():
    thai = "ก่อสร้างถนน ค.ส.ล. (ทางหลวงท้องถิ่น) ๑๒๓"
    assert normalise_text(thai) == thai
