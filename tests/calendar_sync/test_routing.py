"""Calendar names in the sheet's ปฏิทิน column resolve to the configured calendar keys; an unknown
name is a row error naming the calendars that exist; every TOML line procal suggests parses."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from calendar_sync.routing import calendar_names, resolve_calendar_names
from calendar_sync.settings import SyncSettings, toml_line

ROOT = Path(__file__).resolve().parents[2]


def _settings(**kw) -> SyncSettings:
    data = {"agency_calendars": {"สำนักงานคลังจังหวัด": "agency-treasury"}, **kw}
    return SyncSettings.from_mapping(data, "procal.toml")


def test_thai_and_english_names_of_a_calendar_are_the_same_key():
    names = calendar_names(_settings())
    for name in ("executives", "ผู้บริหาร", "ปฏิทินผู้บริหาร", "Executives"):
        assert names[name.casefold()] == "executives", name
    for name in ("province", "จังหวัด"):
        assert names[name] == "province"
    assert names["สำนักงานคลังจังหวัด"] == names["agency-treasury"] == "agency-treasury"


def test_a_google_alias_key_resolves_to_the_configured_calendar():
    s = _settings(google_calendars={"executives": "x@group.calendar.google.com",
                                    "ผู้ว่าฯ": "x@group.calendar.google.com",
                                    "province": "p@group.calendar.google.com"})
    assert calendar_names(s)["ผู้ว่าฯ"] == "executives"


def _fresh(book):
    """A copy whose plans, problems and held ids this test may change."""
    import copy

    out = copy.copy(book)
    out.plans, out.problems = list(book.plans), list(book.problems)
    out.held_project_ids = set(book.held_project_ids)
    return out


@pytest.fixture(scope="module")
def example_book():
    from sheets_io.plans import read_plans

    return read_plans(str(ROOT / "examples" / "plans.xlsx"))


def test_the_example_row_naming_ผู้บริหาร_lands_on_the_executives_calendar(example_book):
    from datetime import date

    from calendar_sync.milestones import milestone_events
    from schedule_engine import default_calendar

    book = _fresh(example_book)
    assert book.plan("KK70-041").calendar == "ผู้บริหาร"
    assert resolve_calendar_names(book, _settings()) == []
    assert book.plan("KK70-041").calendar == "executives"
    events = milestone_events(book, settings=_settings(), calendar=default_calendar(),
                              today=date(2026, 11, 25))
    assert {e.calendar for e in events if e.project_id == "KK70-041"} == {"executives"}
    assert "ผู้บริหาร" not in {e.calendar for e in events}  # no second feed ผู้บริหาร.ics


def test_an_unknown_calendar_name_is_a_row_error_listing_the_calendars(example_book, lang_en):
    book = _fresh(example_book)
    i = next(i for i, p in enumerate(book.plans) if p.project_id == "KK70-041")
    import dataclasses

    book.plans[i] = dataclasses.replace(book.plans[i], calendar="ปฏิทินนายอำเภอ")
    before = len(book.problems)
    problems = resolve_calendar_names(book, _settings())
    assert len(problems) == 1 and len(book.problems) == before + 1
    err = problems[0]
    assert err.location.sheet == "แผนจัดซื้อจัดจ้าง" and err.location.row is not None
    assert err.location.column == "ปฏิทิน" and err.value == "ปฏิทินนายอำเภอ"
    text = str(err)
    for name in ("executives", "ผู้บริหาร", "province", "จังหวัด", "agency-treasury"):
        assert name in text
    assert "KK70-041" in book.held_project_ids  # its events stay as they are
    assert book.plans[i].calendar is None
    line = re.search(r": (.+ = .+)$", err.hint).group(1)
    tomllib.loads(line)  # the suggested TOML line parses


@pytest.mark.parametrize("key", ["executives", "ผู้บริหาร", "ปฏิทิน ผู้ว่าราชการ", "a.b", 'say "hi"'])
def test_every_suggested_toml_line_parses(key):
    assert tomllib.loads(toml_line(key, "x@group.calendar.google.com")) == {
        key: "x@group.calendar.google.com"}
    from calendar_sync.backends.google import GoogleBackend
    from calendar_sync.errors import SyncError

    be = GoogleBackend.__new__(GoogleBackend)  # only the id table is used by calendar_id
    be.calendar_ids = {}
    with pytest.raises(SyncError) as exc:
        be.calendar_id(key)
    line = str(exc.value)[str(exc.value).rindex(toml_line(key, "...@group.calendar.google.com")):]
    assert tomllib.loads(line) == {key: "...@group.calendar.google.com"}
