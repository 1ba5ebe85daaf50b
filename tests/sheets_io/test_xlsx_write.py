"""procal's own workbook, streamed (sheets_io/xlsx_write.py), reads back as written."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from sheets_io.safecell import FORMULA_PREFIXES
from sheets_io.tables import XlsxSource
from sheets_io.xlsx_read import WorkbookValues
from sheets_io.xlsx_write import write_workbook

ROWS = [
    ["รหัสโครงการ (project id)", "ชื่อ", "ลำดับ", "จำนวน", "flag"],
    ["0012", "ก่อสร้างถนน ค.ส.ล. & ท่อ <ระบาย> \"น้ำ\"", 1, 2.5, True],
    ["P-2", "  เว้นวรรคหน้าหลัง  ", -3, 0.1, False],
    ["P-3", "บรรทัด\nใหม่", 10 ** 12, None, ""],
    ["P-4", "ตัวควบคุม\x00\x07\x1f หาย", 0, 1e-9, "ok"],
]


def test_values_read_back_with_both_readers(tmp_path):
    path = tmp_path / "plans.procal.xlsx"
    write_workbook(path, {"schedule": ROWS, "status": [["a"], ["b"]]})
    want = [[("" if v is None else v) for v in r] for r in ROWS]
    want[4][1] = "ตัวควบคุม หาย"  # characters XML cannot carry are dropped, not a broken file
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["schedule", "status"]
    ws = wb["schedule"]
    got = [[("" if c.value is None else c.value) for c in row] for row in ws.iter_rows()]
    assert got == want
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1]) and not ws["A2"].font.b
    with WorkbookValues(path) as fast:
        assert [[("" if v is None else v) for v in r] for r in fast.grid("schedule")] == want


def test_formula_like_text_stays_text_with_the_quote_prefix(tmp_path):
    path = tmp_path / "x.xlsx"
    rows = [["h"]] + [[p + "HYPERLINK(\"http://evil.example\")"] for p in FORMULA_PREFIXES]
    write_workbook(path, {"t": rows})
    ws = openpyxl.load_workbook(path)["t"]
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [r[0] for r in rows[1:]]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not ws["A1"].quotePrefix


def test_the_file_is_replaced_atomically_and_no_temporary_file_is_left(tmp_path):
    path = tmp_path / "plans.procal.xlsx"
    write_workbook(path, {"schedule": ROWS})
    write_workbook(path, {"schedule": ROWS[:2]})
    assert [p.name for p in tmp_path.iterdir()] == ["plans.procal.xlsx"]
    assert zipfile.ZipFile(path).testzip() is None
    assert openpyxl.load_workbook(path)["schedule"].max_row == 2


def test_a_sheet_someone_added_to_procals_workbook_is_kept(tmp_path):
    src = tmp_path / "plans.xlsx"
    openpyxl.Workbook().save(src)
    source = XlsxSource(src)
    source.write_tabs({"schedule": ROWS, "status": [["s"]]})
    wb = openpyxl.load_workbook(source.output_path)
    mine = wb.create_sheet("pivot ของฉัน")
    mine["A1"] = "keep me"
    wb.save(source.output_path)
    source.write_tabs({"schedule": ROWS[:3], "status": [["s2"]]})
    wb = openpyxl.load_workbook(source.output_path)
    assert wb["pivot ของฉัน"]["A1"].value == "keep me"
    assert wb["schedule"].max_row == 3 and wb["status"]["A1"].value == "s2"


@pytest.mark.parametrize("name", ["", "a" * 32, "sched[1]", "a/b"])
def test_a_tab_name_no_workbook_can_carry_is_refused(tmp_path, name):
    with pytest.raises(ValueError):
        write_workbook(tmp_path / "x.xlsx", {name: [["h"]]})
    assert list(tmp_path.iterdir()) == []
