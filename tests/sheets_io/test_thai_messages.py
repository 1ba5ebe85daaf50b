"""Row errors read in Thai by default and in English under lang=en: the example workbook's bad rows
(the same rows `procal run` reports) carry a Thai location, problem and what-to-do text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from sheets_io import read_disbursement, read_plans

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plans.xlsx"
THAI = re.compile(r"[\u0e01-\u0e2e]")
# English words that would betray an untranslated sentence (Thai messages quote values, codes and
# sheet names, but never these)
ENGLISH_WORDS = re.compile(r"\b(is|the|not|row|sheet|below|unknown|check|type|use|also|more|has|are)\b")


def _problems():
    book = read_plans(str(EXAMPLE), today=date(2026, 10, 31))
    money = read_disbursement(str(EXAMPLE))
    return list(book.problems) + list(money.problems)


def test_example_row_errors_are_thai_by_default(lang_th):
    problems = _problems()
    assert len(problems) >= 10
    for e in problems:
        text = str(e)
        assert text.startswith("แผ่นงาน '") and ", แถว " in text, text
        assert THAI.search(e.reason) and THAI.search(e.hint or ""), text
        assert not ENGLISH_WORDS.search(e.reason + " " + (e.hint or "")), text


def test_example_row_errors_in_english_on_request(lang_en):
    for e in _problems():
        assert str(e).startswith("sheet '") and ", row " in str(e)
        assert ENGLISH_WORDS.search(e.reason + " " + (e.hint or "")), str(e)


def test_one_working_day_is_singular(lang_en):
    from schedule_engine.i18n import tn

    assert tn("{n} working day", "{n} working days", 1) == "1 working day"
    assert tn("{n} calendar day", "{n} calendar days", 3) == "3 calendar days"


@pytest.mark.parametrize("value, ok", [("en", "en"), ("th", "th"), ("EN", "en"), ("fr", None)])
def test_run_lang_setting(tmp_path, monkeypatch, lang_th, value, ok):
    from procal.settings import load_settings
    from schedule_engine.errors import ConfigError
    from schedule_engine.i18n import get_language

    monkeypatch.delenv("PROCAL_LANG")
    cfg = tmp_path / "procal.toml"
    cfg.write_text(f'[run]\nlang = "{value}"\n', encoding="utf-8")
    if ok is None:
        with pytest.raises(ConfigError, match="run.lang"):
            load_settings(cfg)
        return
    assert load_settings(cfg).run.lang == ok
    assert get_language() == ok
