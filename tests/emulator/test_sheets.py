"""Sheets v4 conformance, driven by the real gspread client (Thai tab names, render/input options)."""

from __future__ import annotations

import csv
from datetime import date

import gspread
import openpyxl
import pytest

from tests.emulator import Formula

SID = "1PlanSheetTest0000000000000000000"
TAB = "แผนจัดซื้อจัดจ้าง"


@pytest.fixture
def book(emu):
    emu.seed_spreadsheet(SID, {TAB: [["รหัสโครงการ", "วงเงิน", "วันที่"],
                                     ["0012", 1500000, date(2026, 11, 2)],
                                     ["P-2", 2.5, None]],
                               "Sheet1": []}, title="แผน")
    return SID


def test_metadata_and_records_with_thai_tab(gc, book, emu):
    sh = gc.open_by_key(book)
    assert sh.title == "แผน" and [w.title for w in sh.worksheets()] == [TAB, "Sheet1"]
    ws = sh.worksheet(TAB)
    emu.reset_counts()
    records = ws.get_all_records(numericise_ignore=["all"])
    assert records[0] == {"รหัสโครงการ": "0012", "วงเงิน": "1500000", "วันที่": "2026-11-02"}
    assert emu.count(op="values.get", path=TAB) == 1


def test_render_options(gc, book):
    sh = gc.open_by_key(book)
    rng = f"'{TAB}'!A2:C3"
    fmt = sh.values_get(rng)["values"]
    raw = sh.values_get(rng, params={"valueRenderOption": "UNFORMATTED_VALUE"})["values"]
    assert fmt == [["0012", "1500000", "2026-11-02"], ["P-2", "2.5"]]
    assert raw == [["0012", 1500000, 46328], ["P-2", 2.5]]  # dates are serial numbers
    both = sh.values_batch_get([f"'{TAB}'!A1:A2", f"'{TAB}'!B2"],
                               params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert [vr["values"] for vr in both["valueRanges"]] == [[["รหัสโครงการ"], ["0012"]], [[1500000]]]
    assert both["valueRanges"][0]["range"] == f"'{TAB}'!A1:A2"


def test_raw_keeps_text_user_entered_makes_formulas(gc, book, emu):
    ws = gc.open_by_key(book).worksheet("Sheet1")
    ws.update([["=1+2", "+66 81", "'=kept"]], "A1:C1")  # gspread default: RAW
    ws.update([["=1+2", "007", "TRUE", "'=kept"]], "A2", value_input_option="USER_ENTERED")
    values = emu.spreadsheet_values(book, "Sheet1")
    assert values[0] == ["=1+2", "+66 81", "'=kept"] and not isinstance(values[0][0], Formula)
    assert isinstance(values[1][0], Formula) and values[1][1:] == [7, True, "=kept"]
    sh = gc.open_by_key(book)
    assert sh.values_get("Sheet1!A2:A2")["values"] == [["3"]]
    assert sh.values_get("Sheet1!A2", params={"valueRenderOption": "FORMULA"})["values"] == [["=1+2"]]


def test_batch_update_append_and_add_sheet(gc, book, emu):
    sh = gc.open_by_key(book)
    ws = sh.worksheet(TAB)
    ws.batch_update([{"range": "D1:D2", "values": [["สถานะ"], ["ok"]]},
                     {"range": "E1", "values": [[1]]}])
    ws.append_row(["P-3", 99])
    assert emu.spreadsheet_values(book, TAB)[3] == ["P-3", 99]
    new = sh.add_worksheet("ตารางเวลา", rows=5, cols=3)
    new.update([["x"]], "A1")
    assert emu.spreadsheet_tabs(book) == [TAB, "Sheet1", "ตารางเวลา"]
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.add_worksheet("ตารางเวลา", rows=5, cols=3)
    assert info.value.code == 400 and "already exists" in info.value.error["message"]
    with pytest.raises(gspread.exceptions.APIError) as info:  # beyond the 5x3 grid
        new.update([["x"]], "A6")
    assert info.value.code == 400


def test_missing_spreadsheet_and_tab(gc, emu, book):
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("nope")
    with pytest.raises(gspread.exceptions.WorksheetNotFound):
        gc.open_by_key(book).worksheet("ไม่มี")
    with pytest.raises(gspread.exceptions.APIError) as info:
        gc.open_by_key(book).values_get("'ไม่มี'!A1")
    assert info.value.code == 400


def test_sheets_429_has_rpc_shape(gc, emu, book):
    emu.faults.fail_next(1, 429, api="sheets", op="values.get")
    ws = gc.open_by_key(book).worksheet(TAB)
    with pytest.raises(gspread.exceptions.APIError) as info:
        ws.get("A1")
    assert info.value.code == 429 and info.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert ws.get("A1") == [["รหัสโครงการ"]]


def test_seed_from_xlsx_and_csv(emu, gc, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TAB
    ws.append(["a", "b", "c"])
    ws.append([1, date(2026, 1, 31), "=2*3"])
    wb.create_sheet("ความคืบหน้า").append(["x"])
    wb.save(tmp_path / "plan.xlsx")
    emu.seed_spreadsheet_from_file("fromxlsx", tmp_path / "plan.xlsx")
    assert emu.spreadsheet_values("fromxlsx", TAB)[1] == [1, date(2026, 1, 31), Formula("=2*3")]
    assert emu.spreadsheet_tabs("fromxlsx") == [TAB, "ความคืบหน้า"]
    assert gc.open_by_key("fromxlsx").values_get(f"'{TAB}'!C2")["values"] == [["6"]]

    with open(tmp_path / "p.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["h1", "h2"], ["0012", "ข"]])
    emu.seed_spreadsheet_from_file("fromcsv", tmp_path / "p.csv", tab=TAB)
    assert emu.spreadsheet_values("fromcsv", TAB) == [["h1", "h2"], ["0012", "ข"]]


def test_sheets_quota_meters_reads_and_writes_separately():
    from google.oauth2.credentials import Credentials

    from tests.emulator import GoogleEmulator
    from tests.emulator.conftest import gspread_client

    now = [0.0]
    with GoogleEmulator(sheets_user_rpm=3, clock=lambda: now[0]) as emu:
        emu.seed_spreadsheet("q", {"T": [["a"]]})
        sh = gspread_client(emu.root_url, Credentials(token="u")).open_by_key("q")  # read 1
        sh.values_get("T!A1")
        sh.values_get("T!A1")                                                      # read 3
        with pytest.raises(gspread.exceptions.APIError) as info:
            sh.values_get("T!A1")
        assert info.value.code == 429
        sh.values_update("T!A1", params={"valueInputOption": "RAW"}, body={"values": [["b"]]})
        now[0] += 60.5
        assert sh.values_get("T!A1")["values"] == [["b"]]


@pytest.mark.parametrize("text, sheet, cells", [
    ("'แผนจัดซื้อจัดจ้าง'!A1:C2", "แผนจัดซื้อจัดจ้าง", "A1:C2"),
    ("'it''s'!B2", "it's", "B2"),
    ("'a!b'", "a!b", None),
    ("Sheet1!A:C", "Sheet1", "A:C"),
    ("Sheet1", "Sheet1", None),
])
def test_a1_split(text, sheet, cells):
    from tests.emulator.sheets_api import split_range

    assert split_range(text) == (sheet, cells)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 18277), st.text(alphabet="ab' !ก", min_size=1, max_size=8))
def test_a1_round_trips(col, title):
    from tests.emulator.sheets_api import col_to_index, index_to_col, quote_sheet, split_range

    assert col_to_index(index_to_col(col)) == col
    assert split_range(f"{quote_sheet(title)}!{index_to_col(col)}7") == (title, f"{index_to_col(col)}7")
