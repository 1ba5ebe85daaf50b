"""Issue 10, kinds 4 and 5: what Thai agency staff really type. One bad cell is that row's located
error (the column whose value caused it), the rest goes on; what people type that is right is
read right (one normalisation, one day-count parser, Excel error values are errors)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from procal.cmd_plan import _parse_days
from schedule_engine import BudgetType
from schedule_engine.errors import ConfigError, InputError
from sheets_io import SheetsSettings, parse_amount, parse_day_count, read_disbursement
from sheets_io.cells import parse_date_cell, parse_id

from .test_validation_corpus import PH, S, TODAY, _book

C = "วันที่ขึ้นโครงการ"
D = "ปรับจำนวนวัน"

LOCATED = [
    # (case, bad fields, column named, message fragment)
    ("be-year-in-start-date-cell", {C: datetime(2569, 12, 1)}, C, "did you mean 1 ธ.ค. 2569"),
    ("be-year-in-deadline-cell", {C: "", "กำหนดลงนามสัญญา": datetime(2570, 3, 31)},
     "กำหนดลงนามสัญญา", "did you mean 31 มี.ค. 2570"),
    ("start-before-the-act", {C: "01/01/2558"}, C, "in force"),
    ("override-past-the-calendar", {D: "invitation=30000"}, D, "outside the working calendar"),
    ("override-fraction", {D: "invitation=7.5"}, D, "whole number"),
    ("override-negative", {D: "appeal=-10"}, D, "negative"),
    ("override-fraction-thai-digits", {D: "invitation=๗.๕"}, D, "whole number"),
    ("ref-error-id", {"รหัสโครงการ": "#REF!"}, "รหัสโครงการ", "#REF!"),
    ("na-error-amount", {"วงเงิน": "#N/A"}, "วงเงิน", "#N/A"),
    ("value-error-start", {C: "#VALUE!"}, C, "#VALUE!"),
    ("div0-error-agency", {"หน่วยงาน": "#DIV/0!"}, "หน่วยงาน", "#DIV/0!"),
    ("name-error-method", {"วิธีจัดซื้อจัดจ้าง": "#NAME?"}, "วิธีจัดซื้อจัดจ้าง", "#NAME?"),
    ("decimal-comma-without-unit", {"วงเงิน": "1,5"}, "วงเงิน", "comma"),
    ("bad-thousands-groups", {"วงเงิน": "1,5000,000"}, "วงเงิน", "comma"),
]


@pytest.mark.parametrize("bad, column, fragment", [c[1:] for c in LOCATED],
                         ids=[c[0] for c in LOCATED])
def test_one_bad_cell_is_a_located_row_error(tmp_path, bad, column, fragment):
    book = _book(tmp_path, bad)
    assert book.problems, "accepted silently"
    assert all(e.location.row == 3 and e.location.column for e in book.problems)
    hits = [e for e in book.problems if fragment in str(e)]
    assert hits, [str(e) for e in book.problems]
    assert hits[0].location.column == column
    assert [p.project_id for p in book.plans] == ["KK-1", "KK-2"]


ACCEPTED = [
    # (case, fields typed, attribute, expected)
    ("decimal-comma-million", {"วงเงิน": "1,5 ล้าน"}, "amount", Decimal("1500000.00")),
    ("decimal-comma-hundred-thousand", {"วงเงิน": "2,5 แสน", "วิธีจัดซื้อจัดจ้าง": "วิธีเฉพาะเจาะจง"},
     "amount", Decimal("250000.00")),
    ("baht-exactly", {"วงเงิน": "2,000,000 บาทถ้วน"}, "amount", Decimal("2000000.00")),
    ("baht-dot-dash", {"วงเงิน": "2,000,000.-"}, "amount", Decimal("2000000.00")),
    ("scientific", {"วงเงิน": "1.5E+06"}, "amount", Decimal("1500000.00")),
    ("thai-excel-dmmmyyyy", {C: "1-ธ.ค.-2569"}, "start", date(2026, 12, 1)),
    ("short-thai-month", {C: "1 ธันวา 2569"}, "start", date(2026, 12, 1)),
    ("weekday-prefix", {C: "วันพุธที่ 1 ธ.ค. 2569"}, "start", date(2026, 12, 1)),
    ("weekday-prefix-short", {C: "อังคาร 1 ธ.ค. 2569"}, "start", date(2026, 12, 1)),
    ("en-dash-method", {"วิธีจัดซื้อจัดจ้าง": "e–bidding"}, "method", "e-bidding"),
    ("full-width-method", {"วิธีจัดซื้อจัดจ้าง": "ｅ－ｂｉｄｄｉｎｇ"}, "method", "e-bidding"),
    ("decomposed-sara-am", {"ประเภทงบประมาณ": "งบประจํา"}, "budget_type", BudgetType.RECURRENT),
    ("bidi-marks-in-id", {"รหัสโครงการ": "\u200eKK-BAD\u200f"}, "project_id", "KK-BAD"),
    ("zero-width-in-agency", {"หน่วยงาน": "สำนักงาน\u200bจังหวัดขอนแก่น"}, "agency",
     "สำนักงานจังหวัดขอนแก่น"),
    ("decomposed-agency", {"หน่วยงาน": "สํานักงานจังหวัดขอนแก่น"}, "agency",
     "สำนักงานจังหวัดขอนแก่น"),
    ("days-with-unit", {D: "invitation=7 วัน"}, "day_overrides", {"invitation": 7}),
]


@pytest.mark.parametrize("typed, attr, expected", [c[1:] for c in ACCEPTED],
                         ids=[c[0] for c in ACCEPTED])
def test_what_people_type_is_read_right(tmp_path, typed, attr, expected):
    book = _book(tmp_path, typed)
    assert book.problems == [], [str(e) for e in book.problems]
    plan = next(p for p in book.plans if p.source_ref.row == 3)
    assert getattr(plan, attr) == expected


def test_one_normalisation_matches_ids_across_tabs(tmp_path):
    # the plan id carries bidi marks, the progress tab's copy a zero-width space
    book = _book(tmp_path, {"รหัสโครงการ": "KK-\u200fBAD\u200e"},
                 progress=["KK\u200b-BAD", "invitation", "2026-11-20", ""])
    assert book.problems == [], [str(e) for e in book.problems]
    assert {p.project_id for p in book.progress} == {"KK-1", "KK-BAD"}


def test_progress_actual_before_the_start_is_flagged(tmp_path):
    # KK-1 starts 1 Dec 2569; an actual date before that is flagged at its cell (kept, not held)
    book = _book(tmp_path, {}, progress=["KK-BAD", "invitation", "2026-11-20", ""])
    assert book.problems == []
    flagged = [w for w in book.warnings if "before" in w.reason]
    assert {(w.location.sheet, w.location.row, w.location.column) for w in flagged} == {
        (S.progress_tab, 2, PH[2]), (S.progress_tab, 3, PH[2])}
    assert "KK-BAD" in {p.project_id for p in book.progress}


def test_excel_error_in_progress_note_is_an_error(tmp_path):
    book = _book(tmp_path, {}, progress=["KK-BAD", "invitation", "2026-11-20", "#REF!"])
    [err] = book.problems
    assert err.location.column == PH[3] and "#REF!" in err.reason


# ------------------------------------------------------------------- one day-count parser
@pytest.mark.parametrize("typed, expected", [("7", 7), ("7 วัน", 7), ("๗", 7), (7, 7), ("10 days", 10),
                                             ("0", 0)])
def test_day_count_accepts(typed, expected):
    assert parse_day_count(typed) == expected


@pytest.mark.parametrize("typed", ["7.5", "-10", "7,5", "x", "", 7.5, "#REF!", "1e1"])
def test_day_count_refuses_in_the_sheet_and_the_cli_alike(typed):
    with pytest.raises(InputError) as sheet:
        parse_day_count(typed)
    with pytest.raises(InputError) as cli:
        _parse_days([f"invitation={typed}"])
    assert sheet.value.reason in cli.value.reason or str(typed) == ""


# ---------------------------------------------------------------------------- small parsers
def test_be_year_in_a_date_cell_says_did_you_mean():
    with pytest.raises(InputError, match="did you mean 31 ต.ค. 2569"):
        parse_date_cell(datetime(2569, 10, 31))
    assert parse_date_cell("2569-10-31") == date(2026, 10, 31)  # as text the era is clear


def test_ids_are_normalised_once():
    assert parse_id("ＫＫ\u200e－01") == "KK-01"
    with pytest.raises(InputError, match="#REF!"):
        parse_id("#REF!")


@pytest.mark.parametrize("typed", ["1,5", "1,50,000", "12,34,567"])
def test_ambiguous_commas_are_refused_not_guessed(typed):
    with pytest.raises(InputError, match="comma"):
        parse_amount(typed)


def test_unknown_header_field_is_a_config_error():
    with pytest.raises(ConfigError, match="sheets.headers.amout.*did you mean amount"):
        SheetsSettings.from_mapping({"headers": {"amout": ["งบ"]}})
    assert SheetsSettings.from_mapping({"headers": {"allocated": ["งบหลังโอน"]}}).headers[
        "allocated"][0] == "งบหลังโอน"


# ------------------------------------------------------------------------- disbursement tab
DH = ["หน่วยงาน", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "ได้รับจัดสรร", "ก่อหนี้ผูกพัน", "เบิกจ่าย",
      "ข้อมูล ณ วันที่"]


def _disbursement(tmp_path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = S.disbursement_tab
    ws.append(DH)
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text (a Sheets RAW value), not a formula
    path = tmp_path / "d.xlsx"
    wb.save(path)
    return read_disbursement(str(path), today=TODAY)


def test_disbursement_one_bad_date_is_that_rows_error(tmp_path):
    book = _disbursement(tmp_path, [
        ["ก", "งบประจำ", "งบจังหวัด", 1000, 0, 100, datetime(2026, 10, 31)],
        ["ข", "งบประจำ", "งบจังหวัด", 1000, 0, 100, datetime(2569, 10, 31)],  # BE in a date cell
        ["ค", "งบประจำ", "งบจังหวัด", 1000, 0, 100, "31/10/2568"],  # prior-year typo
        ["ง", "งบประจำ", "งบจังหวัด", 1000, 0, 100, "31/12/2569"],  # after today
        ["จ", "งบลงทุน", "งบจังหวัด", "1,5 ล้าน", "#N/A", "2,5 แสน", "31/10/2569"],
        ["ฉ", "งบลงทุน", "งบจังหวัด", "1.5E+06", 0, "=1+1", "31/10/2569"],
        ["รวม", "", "", 5000, 0, 500, "31/10/2569"],  # GFMIS total line
        ["รวมทั้งสิ้น", "งบประจำ", "", 5000, 0, 500, "31/10/2569"],
    ])
    assert [r.agency for r in book.records] == ["ก"]
    assert book.skipped_rows == [8, 9]
    by_row = {e.location.row: e for e in book.problems}
    assert sorted(by_row) == [3, 4, 5, 6, 7]
    assert by_row[3].location.column == "ข้อมูล ณ วันที่" and "did you mean 31 ต.ค. 2569" in str(
        by_row[3])
    assert by_row[4].location.column == "ข้อมูล ณ วันที่" and "did you mean 31 ต.ค. 2569" in str(
        by_row[4])
    assert by_row[5].location.column == "ข้อมูล ณ วันที่" and "after today" in str(by_row[5])
    assert by_row[6].location.column == "ก่อหนี้ผูกพัน" and "#N/A" in str(by_row[6])
    assert by_row[7].location.column == "เบิกจ่าย"


def test_disbursement_decimal_comma_and_agency_normalisation(tmp_path):
    book = _disbursement(tmp_path, [
        ["สํานักงาน\u200bจังหวัด", "งบลงทุน", "งบจังหวัด", "1,5 ล้าน", "0", "2,5 แสน", "31/10/2569"],
    ])
    [r] = book.records
    assert (r.agency, r.allocated, r.disbursed) == ("สำนักงานจังหวัด", Decimal("1500000.00"),
                                                    Decimal("250000.00"))


def test_earlier_years_history_of_a_current_line_is_left_out_quietly(tmp_path):
    book = _disbursement(tmp_path, [
        ["ก", "งบประจำ", "งบจังหวัด", 1000, 0, 900, "30/09/2569"],  # FY2569 year end
        ["ก", "งบประจำ", "งบจังหวัด", 1000, 0, 100, "31/10/2569"],  # FY2570
    ])
    assert book.problems == [] and book.skipped_rows == [2]
    assert [r.as_of for r in book.history] == [date(2026, 10, 31)]


def test_gfmis_total_line_is_skipped(tmp_path):
    book = _disbursement(tmp_path, [
        ["ก", "งบประจำ", "งบจังหวัด", 1000, 0, 100, "31/10/2569"],
        ["รวม 1 หน่วยงาน", "", "", 1000, 0, 100, "31/10/2569"],
        ["Grand Total", "", "", 1000, 0, 100, "31/10/2569"],
    ])
    assert book.problems == [] and book.skipped_rows == [3, 4]
