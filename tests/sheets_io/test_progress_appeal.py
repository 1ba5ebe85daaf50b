"""A progress row saying an appeal was filed (or recording a step of the appeal-filed branch) puts
the project on that branch (Act s.118-119): its timeline, schedule and status follow it."""

from datetime import date

import openpyxl
import pytest

from schedule_engine import build_timeline, default_calendar, default_rulebook
from sheets_io import SheetsSettings, read_plans

S = SheetsSettings()
TODAY = date(2026, 11, 25)
H = ["รหัสโครงการ", "หน่วยงาน", "ชื่อโครงการ", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "วงเงิน",
     "วิธีจัดซื้อจัดจ้าง", "วันที่ขึ้นโครงการ", "กำหนดลงนามสัญญา", "ปรับจำนวนวัน",
     "อีเมลผู้รับผิดชอบ", "ไม่ลงปฏิทิน"]


def _row(pid, method, amount):
    return [pid, "สำนักงานจังหวัดขอนแก่น", "ซื้อครุภัณฑ์", "งบลงทุน", "งบจังหวัด", amount, method,
            "01/09/2569", "", "", "a@example.go.th", ""]


def _book(tmp_path, progress):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = S.plans_tab
    ws.append(H)
    ws.append(_row("KK-1", "e-bidding", "1,500,000"))
    ws.append(_row("KK-2", "e-bidding", "1,500,000"))
    ws.append(_row("KK-3", "วิธีเฉพาะเจาะจง", "120,000"))
    ws2 = wb.create_sheet(S.progress_tab)
    ws2.append(["รหัสโครงการ", "ขั้นตอน", "วันที่ดำเนินการจริง", "ปัญหาอุปสรรค"])
    for p in progress:
        ws2.append(p)
    path = tmp_path / "plans.xlsx"
    wb.save(path)
    return read_plans(str(path), today=TODAY)


def _expected(**kw):
    return build_timeline(default_rulebook(), default_calendar(), method="e-bidding", budget=1_500_000,
                          start=date(2026, 9, 1), **kw)


@pytest.mark.parametrize("step", ["มีผู้อุทธรณ์", "appeal filed", "appeal_review",
                                  "หน่วยงานพิจารณาอุทธรณ์"])
def test_progress_row_switches_the_project_to_the_appeal_filed_branch(tmp_path, step):
    book = _book(tmp_path, [["KK-1", step, "2026-10-20", "ผู้เสนอราคารายหนึ่งอุทธรณ์"]])
    assert not book.problems, [str(p) for p in book.problems]
    t = book.timelines["KK-1"]
    assert t.appeal_filed and t == _expected(appeal_filed=True)
    assert [p.appeal_filed for p in book.plans] == [True, False, False]
    assert not book.timelines["KK-2"].appeal_filed
    # "an appeal was filed" is not a step with a date of its own; a branch step is
    assert [p.step_code for p in book.progress] == ([] if step in ("มีผู้อุทธรณ์", "appeal filed")
                                                    else ["appeal_review"])


def test_recorded_extension_switches_the_extensions_on(tmp_path):
    book = _book(tmp_path, [["KK-1", "appeal_committee_extension_2", "", ""]])
    t = book.timelines["KK-1"]
    assert t == _expected(appeal_filed=True, with_steps=["appeal_committee_extension_1",
                                                         "appeal_committee_extension_2"])


def test_appeal_on_a_method_without_an_appeal_wait_is_a_row_error(tmp_path):
    book = _book(tmp_path, [["KK-3", "มีผู้อุทธรณ์", "2026-10-20", ""]])
    assert len(book.problems) == 1 and not book.timelines["KK-3"].appeal_filed
