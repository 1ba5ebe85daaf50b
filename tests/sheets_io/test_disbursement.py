"""Reading the disbursement tab (เบิกจ่าย): valid rows, row errors, configurable headers."""

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from schedule_engine.errors import SourceError
from schedule_engine.model import BudgetType
from sheets_io.disbursement import read_disbursement
from sheets_io.settings import SheetsSettings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
import disbursement_data  # noqa: E402

# these tests pin the English wording; Thai is checked in tests/sheets_io/test_thai_messages.py
pytestmark = pytest.mark.usefixtures("lang_en")


def _book(path, headers, rows, tab="เบิกจ่าย"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = tab
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_example_rows_read_with_two_row_errors(tmp_path):
    path = _book(tmp_path / "d.xlsx", disbursement_data.HEADERS, disbursement_data.rows())
    book = read_disbursement(str(path))
    assert len(book.records) == len(disbursement_data.rows()) - 2
    assert len(book.problems) == 2
    msgs = [str(p) for p in book.problems]
    over, negative = msgs
    assert "more than the allocation" in over and "row 19" in over and "เบิกจ่าย" in over
    assert "negative" in negative and "row 20" in negative and "ก่อหนี้ผูกพัน" in negative
    first = book.records[0]
    assert first.agency == "สำนักงานจังหวัดขอนแก่น" and first.budget_type is BudgetType.RECURRENT
    assert first.allocated == Decimal("12500000.00") and first.as_of == date(2026, 10, 31)
    # text amounts and a Thai date string are read too
    yotha = [r for r in book.records if r.agency.startswith("สำนักงานโยธา") and
             r.budget_type is BudgetType.RECURRENT][0]
    assert yotha.disbursed == Decimal("805000.50") and yotha.committed == 0
    assert all(r.as_of == date(2026, 10, 31) for r in book.records)


def test_missing_as_of_and_bad_date_are_row_errors(tmp_path):
    rows = [
        ["ก", "งบประจำ", "งบจังหวัด", 100, 0, 10, None],
        ["ข", "งบลงทุน", "งบจังหวัด", 100, 0, 10, "31/10/69"],
        ["ค", "งบลงทุน", "งบจังหวัด", 100, 0, 10, "31/10/2569"],
        ["ง", "งบลงทุน", "งบวิเศษ", 100, 0, 10, "31/10/2569"],
    ]
    book = read_disbursement(str(_book(tmp_path / "d.xlsx", disbursement_data.HEADERS, rows)))
    assert [r.agency for r in book.records] == ["ค"]
    text = " | ".join(str(p) for p in book.problems)
    assert "as-of date is missing" in text and "row 2" in text
    assert "two-digit" in text and "row 3" in text
    assert "budget source" in text and "row 5" in text


def test_headers_are_configuration(tmp_path):
    headers = ["Agency", "Budget type", "Budget source", "Budget (after transfers)", "PO", "Paid", "As of"]
    rows = [["A", "investment", "province", 1000, 100, 200, date(2026, 10, 31)]]
    path = _book(tmp_path / "d.xlsx", headers, rows, tab="GFMIS")
    with pytest.raises(SourceError, match="allocated"):
        read_disbursement(str(path), tab="GFMIS")
    settings = SheetsSettings.from_mapping(
        {"disbursement_tab": "GFMIS", "headers": {"allocated": ["Budget (after transfers)"]}})
    book = read_disbursement(str(path), settings=settings)
    assert book.ok and book.records[0].allocated == Decimal("1000.00")
    assert book.records[0].budget_source == "งบจังหวัด"


def test_latest_month_wins_and_duplicates_are_errors(tmp_path):
    rows = [
        ["A", "งบประจำ", "งบจังหวัด", 100, 0, 10, date(2026, 10, 31)],
        ["A", "งบประจำ", "งบจังหวัด", 100, 0, 20, date(2026, 11, 30)],
        ["A", "งบประจำ", "งบจังหวัด", 100, 0, 25, date(2026, 11, 30)],
    ]
    book = read_disbursement(str(_book(tmp_path / "d.xlsx", disbursement_data.HEADERS, rows)))
    assert [r.disbursed for r in book.records] == [Decimal("20.00")]
    assert len(book.problems) == 1 and "duplicate" in str(book.problems[0])
