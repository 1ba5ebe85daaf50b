from datetime import date, datetime, timedelta, timezone

import pytest

from schedule_engine.dates import (
    fiscal_year,
    fiscal_year_bounds,
    format_thai_date,
    parse_date,
    quarter_bounds,
    quarter_of,
)
from schedule_engine.errors import DateParseError

JUL20 = date(2022, 7, 20)


@pytest.mark.parametrize("text", [
    "2022-07-20", "20/07/2565", "20/7/2565", "20-07-2565", "20 ก.ค. 2565", "20 ก.ค.2565",
    "20 กรกฎาคม 2565", "วันที่ 20 กรกฎาคม พ.ศ. 2565", "๒๐/๐๗/๒๕๖๕", "๒๐ ก.ค. ๒๕๖๕", "20/07/2022",
    "20 Jul 2022", "20 July 2022", "2565-07-20", "  20 ก.ค.   2565 ", "2022-07-20T00:00:00",
])
def test_parse_accepts_what_people_type(text):
    assert parse_date(text) == JUL20


def test_parse_spreadsheet_serials_and_objects():
    assert parse_date(44762) == JUL20  # Excel 1900 system
    assert parse_date(44762.75) == JUL20  # a time part is dropped
    assert parse_date(JUL20) is JUL20
    assert parse_date(datetime(2022, 7, 20, 23, 59)) == JUL20
    # an aware datetime is read as a Bangkok calendar date (17:30 UTC = 00:30 next day in Bangkok)
    assert parse_date(datetime(2022, 7, 19, 17, 30, tzinfo=timezone.utc)) == JUL20


@pytest.mark.parametrize("text, fragment", [
    ("20/07/65", "two-digit year"),
    ("31/02/2565", "not a real date"),
    ("07/20/2022", "not a real date"),
    ("20 ก.ค. พ.ศ. 2022", "not a Buddhist-Era year"),
    ("20 ค.ศ. 2565", "unknown month"),
    ("next tuesday", "cannot read"),
    ("", "empty"),
    ("20/07/1850", "out of range"),
])
def test_parse_refuses_ambiguous_or_impossible(text, fragment):
    with pytest.raises(DateParseError) as exc:
        parse_date(text)
    assert fragment in str(exc.value)


@pytest.mark.parametrize("value", [None, True, 12, -5, float("nan"), [2022, 7, 20]])
def test_parse_refuses_non_dates(value):
    with pytest.raises(DateParseError):
        parse_date(value)


def test_format_thai_date():
    assert format_thai_date(JUL20) == "20 ก.ค. 2565"
    assert format_thai_date(date(2026, 1, 2), long=True) == "2 มกราคม 2569"


def test_format_then_parse_round_trips():
    d = date(2020, 1, 1)
    while d < date(2022, 1, 1):
        assert parse_date(format_thai_date(d)) == d
        assert parse_date(format_thai_date(d, long=True)) == d
        d += timedelta(days=13)


def test_fiscal_year_and_quarters():
    assert fiscal_year(date(2021, 10, 1)) == 2565
    assert fiscal_year(date(2021, 9, 30)) == 2564
    assert fiscal_year(date(2022, 9, 30)) == 2565
    assert fiscal_year_bounds(2565) == (date(2021, 10, 1), date(2022, 9, 30))
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    assert [quarter_of(date(2022, m, 15)) for m in range(1, 13)] == [2, 2, 2, 3, 3, 3, 4, 4, 4, 1, 1, 1]
    assert quarter_bounds(2565, 1) == (date(2021, 10, 1), date(2021, 12, 31))
    assert quarter_bounds(2565, 2) == (date(2022, 1, 1), date(2022, 3, 31))
    assert quarter_bounds(2565, 3) == (date(2022, 4, 1), date(2022, 6, 30))
    assert quarter_bounds(2565, 4) == (date(2022, 7, 1), date(2022, 9, 30))
    for q in (1, 2, 3, 4):
        a, b = quarter_bounds(2566, q)
        assert quarter_of(a) == quarter_of(b) == q and fiscal_year(a) == fiscal_year(b) == 2566


def test_parse_numpy_values():
    import numpy as np

    assert parse_date(np.datetime64("2022-07-20")) == JUL20
    assert parse_date(np.datetime64("2022-07-20T10:00")) == JUL20
    assert parse_date(np.int64(44762)) == JUL20
    with pytest.raises(DateParseError, match="empty"):
        parse_date(np.datetime64("NaT"))


from hypothesis import given, settings, strategies as st  # noqa: E402

# these tests pin the English wording; the Thai texts are checked in test_thai_messages.py
pytestmark = pytest.mark.usefixtures("lang_en")

_TH = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@settings(max_examples=100, deadline=None)
@given(d=st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)))
def test_every_typed_form_round_trips(d):
    be = d.year + 543
    forms = [d.isoformat(), f"{d.day:02d}/{d.month:02d}/{be}", f"{d.day}/{d.month}/{be}",
             f"{d.day}/{d.month}/{d.year}", format_thai_date(d), format_thai_date(d, long=True),
             format_thai_date(d).translate(_TH), f"{d.day} {d.strftime('%b')} {d.year}"]
    for text in forms:
        assert parse_date(text) == d, text
