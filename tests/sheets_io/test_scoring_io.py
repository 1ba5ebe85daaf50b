"""The หักคะแนน tab: each bad row is one located error and the other rows still count; the
scoreboard sheets and the ranking chart render Thai."""

import warnings
from datetime import date
from decimal import Decimal

import openpyxl

from schedule_engine.scoring import ScoringInputs, load_criteria, score
from schedule_engine.targets import load_targets
from schedule_engine.workcal import default_calendar
from sheets_io.scoring_io import add_score_sheets, ranking_chart, read_deductions
from sheets_io.tables import XlsxSource


def _workbook(tmp_path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "หักคะแนน"
    ws.append(["หน่วยงาน", "วันที่", "คะแนนที่หัก", "เหตุผล", "หลักฐาน"])
    for r in rows:
        ws.append(r)
    path = tmp_path / "d.xlsx"
    wb.save(path)
    return XlsxSource(path)


def test_bad_deduction_rows_are_located_and_the_rest_go_on(tmp_path):
    src = _workbook(tmp_path, [
        ["สนง.ก", "15/11/2569", 2, "ส่งรายงานล่าช้า", "https://x/1"],
        ["", "15/11/2569", 1, "ไม่มีชื่อหน่วยงาน", ""],                 # row 3: agency
        ["สนง.ข", "31/02/2569", 1, "วันที่ไม่มีจริง", ""],              # row 4: date
        ["สนง.ข", "16/11/2569", 0, "ศูนย์คะแนน", ""],                   # row 5: points
        ["สนง.ข", "16/11/2569", "สอง", "คำ", ""],                       # row 6: points
        ["สนง.ข", "16/11/2569", 1, "", ""],                              # row 7: reason
        ["สนง.ค", "17 พ.ย. 2569", "-1.5", "ค่าลบก็หมายถึงหัก", ""],       # ok: 1.5
        ["สนง.ค", "", 1, "ไม่มีวันที่", ""],                              # row 9: date
        ["สนง.ง", "18/11/2569", "๓", "เลขไทย", ""],                     # ok: 3
    ])
    deductions, problems = read_deductions(src)
    assert [(d.agency, d.points) for d in deductions] == [
        ("สนง.ก", Decimal(2)), ("สนง.ค", Decimal("1.5")), ("สนง.ง", Decimal(3))]
    assert deductions[0].on == date(2026, 11, 15) and deductions[0].evidence == "https://x/1"
    assert deductions[0].source_ref.row == 2
    where = [(p.location.sheet, p.location.row, p.location.column) for p in problems]
    assert where == [("หักคะแนน", 3, "หน่วยงาน"), ("หักคะแนน", 4, "วันที่"),
                     ("หักคะแนน", 5, "คะแนนที่หัก"), ("หักคะแนน", 6, "คะแนนที่หัก"),
                     ("หักคะแนน", 7, "เหตุผล"), ("หักคะแนน", 9, "วันที่")]
    assert all(p.hint for p in problems)


def test_no_deductions_tab_means_no_deductions(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "อื่น"
    wb.save(tmp_path / "e.xlsx")
    assert read_deductions(XlsxSource(tmp_path / "e.xlsx")) == ([], [])


def test_sheets_and_chart_render(tmp_path):
    from schedule_engine.model import BudgetType
    from schedule_engine.reconcile import DisbursementRecord

    recs = [DisbursementRecord(n, BudgetType.RECURRENT, "งบจังหวัด", Decimal(1_000_000), Decimal(0),
                               Decimal(d), date(2021, 12, 31))
            for n, d in (("สำนักงานสาธารณสุขจังหวัด", 400_000), ("สำนักงานเกษตรจังหวัด", 100_000))]
    board = score(ScoringInputs(disbursement=recs), load_criteria(), as_of=date(2022, 1, 5),
                  targets=lambda fy: load_targets(fy), calendar=default_calendar())
    wb = openpyxl.Workbook()
    add_score_sheets(wb, board)
    ws = wb["สรุปคะแนน"]
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "กลุ่ม")
    assert ws.cell(row=header_row, column=1).fill.fgColor.rgb.endswith("1A237E")
    assert ws.cell(row=header_row + 1, column=4).value == "สำนักงานสาธารณสุขจังหวัด"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Thai glyph would warn
        path = ranking_chart(board, tmp_path / "r.png")
    assert path.stat().st_size > 10_000
