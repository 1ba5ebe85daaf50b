from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from schedule_engine.errors import DateParseError, InputError
from sheets_io.cells import (clean_text, parse_amount, parse_bool, parse_date_cell, parse_email,
                             parse_id)


@pytest.mark.parametrize("raw, expected", [
    ("1,500,000", "1500000.00"),
    ("1.5 ล้าน", "1500000.00"),
    ("1.5ล้านบาท", "1500000.00"),
    ("1,500,000 บาท", "1500000.00"),
    ("฿1,500,000", "1500000.00"),
    ("๑,๕๐๐,๐๐๐", "1500000.00"),
    ("\u00a01,500,000\u00a0", "1500000.00"),
    ("2.5 ลบ.", "2500000.00"),
    ("450,000.50", "450000.50"),
    (1500000, "1500000.00"),
    (1500000.0, "1500000.00"),
    (Decimal("99.999"), "100.00"),
    ("3 แสน", "300000.00"),
])
def test_amounts_people_type(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", None, "abc", "1,5,0x", "-5", "0", True, "1.5 ล้าน ล้าน",
                                 float("nan")])
def test_bad_amounts_raise_with_hint(raw):
    with pytest.raises(InputError) as ei:
        parse_amount(raw)
    assert ei.value.hint


@given(st.integers(min_value=1, max_value=10**12))
@settings(max_examples=60)
def test_amount_comma_round_trip(n):
    assert parse_amount(f"{n:,}") == Decimal(n)
    assert parse_amount(f"{n:,} บาท") == Decimal(n)


@pytest.mark.parametrize("raw, expected", [
    ("0012", "0012"), (" 0012\u00a0", "0012"), (12, "12"), (12.0, "12"), ("KK-70-001", "KK-70-001"),
])
def test_ids_keep_text(raw, expected):
    assert parse_id(raw) == expected


def test_empty_id_raises():
    with pytest.raises(InputError):
        parse_id("\u00a0 ")


@pytest.mark.parametrize("raw, expected", [
    ("ใช่", True), ("ไม่", False), ("yes", True), ("NO", False), ("TRUE", True), (True, True),
    (False, False), ("x", True), ("✓", True), ("", False), (None, False), (1, True), (0, False),
])
def test_bools(raw, expected):
    assert parse_bool(raw) is expected


def test_bad_bool():
    with pytest.raises(InputError):
        parse_bool("maybe")


def test_clean_text_spaces():
    assert clean_text("  สำนักงาน\u00a0\u00a0โยธา\u200b ") == "สำนักงาน โยธา"
    assert clean_text(None) == ""
    assert clean_text(3.0) == "3"


@pytest.mark.parametrize("raw", ["2026-12-01", "1/12/2569", "01/12/2569", "1 ธ.ค. 2569",
                                 "1 ธันวาคม 2569", "๑/๑๒/๒๕๖๙", "\u00a01/12/2569 ", 46357,
                                 46357.0, date(2026, 12, 1)])
def test_dates(raw):
    assert parse_date_cell(raw) == date(2026, 12, 1)


def test_two_digit_year_refused():
    with pytest.raises(DateParseError):
        parse_date_cell("1/12/69")


def test_email():
    assert parse_email(" Somchai@Example.go.th ") == "somchai@example.go.th"
    assert parse_email("") is None
    with pytest.raises(InputError):
        parse_email("somchai at example")
