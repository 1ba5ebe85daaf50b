"""A corpus of bad plan/progress rows: each problem is reported at its exact tab, row and column,
the row is held, and every other row still goes through. Plus structural failures (SourceError)."""

from datetime import date

import openpyxl
import pytest

from schedule_engine.errors import SourceError
from sheets_io import SheetsSettings, read_plans

# these tests pin the English wording; Thai is checked in tests/sheets_io/test_thai_messages.py
pytestmark = pytest.mark.usefixtures("lang_en")

S = SheetsSettings()
TODAY = date(2026, 11, 25)
H = ["รหัสโครงการ", "หน่วยงาน", "ชื่อโครงการ", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "วงเงิน",
     "วิธีจัดซื้อจัดจ้าง", "วันที่ขึ้นโครงการ", "กำหนดลงนามสัญญา", "ปรับจำนวนวัน",
     "อีเมลผู้รับผิดชอบ", "ไม่ลงปฏิทิน"]
GOOD = {"รหัสโครงการ": "KK-1", "หน่วยงาน": "สำนักงานจังหวัดขอนแก่น", "ชื่อโครงการ": "ซื้อครุภัณฑ์",
        "ประเภทงบประมาณ": "งบลงทุน", "แหล่งงบประมาณ": "งบจังหวัด", "วงเงิน": "1,500,000",
        "วิธีจัดซื้อจัดจ้าง": "e-bidding", "วันที่ขึ้นโครงการ": "01/12/2569",
        "กำหนดลงนามสัญญา": "", "ปรับจำนวนวัน": "", "อีเมลผู้รับผิดชอบ": "a@example.go.th",
        "ไม่ลงปฏิทิน": ""}
PH = ["รหัสโครงการ", "ขั้นตอน", "วันที่ดำเนินการจริง", "ปัญหาอุปสรรค"]


def _row(d):
    return [d.get(h, "") for h in H]


def _book(tmp_path, bad: dict, progress=None):
    """Row 2 = good KK-1, row 3 = the bad row (id KK-BAD unless overridden), row 4 = good KK-2."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = S.plans_tab
    ws.append(H)
    ws.append(_row(GOOD))
    ws.append(_row({**GOOD, "รหัสโครงการ": "KK-BAD", **bad}))
    ws.append(_row({**GOOD, "รหัสโครงการ": "KK-2", "วิธีจัดซื้อจัดจ้าง": "วิธีเฉพาะเจาะจง",
                    "วงเงิน": "120,000 บาท"}))
    if progress is not None:
        ws2 = wb.create_sheet(S.progress_tab)
        ws2.append(PH)
        ws2.append(["KK-1", "invitation", "2026-11-20", ""])  # a good progress row (row 2)
        ws2.append(progress)  # row 3
    path = tmp_path / "plans.xlsx"
    wb.save(path)
    return read_plans(str(path), today=TODAY)


C = "วันที่ขึ้นโครงการ"
PLAN_CASES = [
    # (case id, bad fields, column of the error, message fragment)
    ("empty-id", {"รหัสโครงการ": ""}, "รหัสโครงการ", "project id is empty"),
    ("nbsp-id", {"รหัสโครงการ": "\u00a0 "}, "รหัสโครงการ", "project id is empty"),
    ("no-agency", {"หน่วยงาน": ""}, "หน่วยงาน", "agency is empty"),
    ("no-name", {"ชื่อโครงการ": " "}, "ชื่อโครงการ", "project name is empty"),
    ("bad-budget-type", {"ประเภทงบประมาณ": "งบกลาง"}, "ประเภทงบประมาณ", "not a budget type"),
    ("no-budget-type", {"ประเภทงบประมาณ": ""}, "ประเภทงบประมาณ", "budget type is empty"),
    ("bad-source", {"แหล่งงบประมาณ": "งบอื่นๆ"}, "แหล่งงบประมาณ", "not a known budget source"),
    ("no-amount", {"วงเงิน": ""}, "วงเงิน", "amount is empty"),
    ("text-amount", {"วงเงิน": "ประมาณหนึ่งล้าน"}, "วงเงิน", "cannot read"),
    ("negative-amount", {"วงเงิน": "-5"}, "วงเงิน", "above zero"),
    ("zero-amount", {"วงเงิน": "0"}, "วงเงิน", "above zero"),
    ("double-unit", {"วงเงิน": "1.5 ล้าน ล้าน"}, "วงเงิน", "cannot read"),
    ("ebidding-below-tier", {"วงเงิน": "450,000"}, "วงเงิน",
     "450,000 is below the e-bidding minimum of 500,000.01"),
    ("emarket-below-tier", {"วงเงิน": "300,000", "วิธีจัดซื้อจัดจ้าง": "e-market"}, "วงเงิน",
     "below the e-market minimum"),
    ("unknown-method", {"วิธีจัดซื้อจัดจ้าง": "ประมูลออนไลน์"}, "วิธีจัดซื้อจัดจ้าง",
     "unknown procurement method"),
    ("empty-method", {"วิธีจัดซื้อจัดจ้าง": ""}, "วิธีจัดซื้อจัดจ้าง", "method is empty"),
    ("two-digit-year", {C: "5/1/70"}, C, "two-digit year"),
    ("two-digit-year-thai-month", {C: "1 ธ.ค. 69"}, C, "two-digit year"),
    ("impossible-date", {C: "31/02/2570"}, C, "not a real date"),
    ("month-13", {C: "2026-13-01"}, C, "not a real date"),
    ("words-not-date", {C: "ต้นปีหน้า"}, C, "cannot read"),
    ("year-out-of-range", {C: "20/07/1800"}, C, "out of range"),
    ("no-start-no-deadline", {C: "", "กำหนดลงนามสัญญา": ""}, C, "neither a start date"),
    ("deadline-before-start", {"กำหนดลงนามสัญญา": "15/11/2569"}, "กำหนดลงนามสัญญา",
     "before the start"),
    ("deadline-two-digit-year", {C: "", "กำหนดลงนามสัญญา": "31/3/70"}, "กำหนดลงนามสัญญา",
     "two-digit year"),
    ("appeal-below-minimum", {"ปรับจำนวนวัน": "appeal=5"}, "ปรับจำนวนวัน",
     "below the legal minimum of 7"),
    ("invitation-below-minimum", {"ปรับจำนวนวัน": "invitation=2"}, "ปรับจำนวนวัน",
     "below the legal minimum of 5"),
    ("unknown-step", {"ปรับจำนวนวัน": "no_such_step=5"}, "ปรับจำนวนวัน", "has no step"),
    ("days-not-number", {"ปรับจำนวนวัน": "invitation=abc"}, "ปรับจำนวนวัน",
     "not a number of days"),
    ("mandatory-step-off", {"ปรับจำนวนวัน": "appeal=off"}, "ปรับจำนวนวัน", "mandatory"),
    ("override-garbage", {"ปรับจำนวนวัน": "ขยายเวลา"}, "ปรับจำนวนวัน", "cannot read"),
    ("bad-email", {"อีเมลผู้รับผิดชอบ": "somchai ที่ สนง."}, "อีเมลผู้รับผิดชอบ",
     "not an e-mail address"),
    ("bad-exclude", {"ไม่ลงปฏิทิน": "อาจจะ"}, "ไม่ลงปฏิทิน", "not yes or no"),
]


@pytest.mark.parametrize("bad, column, fragment", [c[1:] for c in PLAN_CASES],
                         ids=[c[0] for c in PLAN_CASES])
def test_bad_plan_row_is_located_and_others_go_through(tmp_path, bad, column, fragment):
    book = _book(tmp_path, bad)
    hits = [e for e in book.problems if fragment in e.reason]
    assert hits, [str(e) for e in book.problems]
    err = hits[0]
    assert (err.location.sheet, err.location.row, err.location.column) == (S.plans_tab, 3, column)
    assert str(err).startswith(f"sheet '{S.plans_tab}', row 3, {column}: ")
    assert err.hint  # always says what to do
    assert all(e.location.row == 3 for e in book.problems)
    # the good rows went through, with timelines
    assert [p.project_id for p in book.plans] == ["KK-1", "KK-2"]
    assert set(book.timelines) == {"KK-1", "KK-2"}
    assert book.row_status[2] == "OK" and book.row_status[4] == "OK"
    assert book.row_status[3] != "OK" and fragment in book.row_status[3]
    if book.row_ids.get(3):
        assert book.held_project_ids == {"KK-BAD"} and book.unidentified_rows == []
        assert book.safe_to_delete
    else:
        assert book.held_project_ids == set() and book.unidentified_rows == [3]
        assert not book.safe_to_delete


def test_duplicate_ids_hold_every_copy(tmp_path):
    book = _book(tmp_path, {"รหัสโครงการ": "KK-1"})
    locs = sorted((e.location.row, e.location.column) for e in book.problems)
    assert locs == [(2, "รหัสโครงการ"), (3, "รหัสโครงการ")]
    assert [p.project_id for p in book.plans] == ["KK-2"]
    assert book.held_project_ids == {"KK-1"}


def test_several_mistakes_in_one_row_are_all_reported(tmp_path):
    book = _book(tmp_path, {"วงเงิน": "450,000", C: "5/1/70", "อีเมลผู้รับผิดชอบ": "x"})
    cols = {e.location.column for e in book.problems}
    assert cols == {"วงเงิน", C, "อีเมลผู้รับผิดชอบ"}


PROGRESS_CASES = [
    ("unknown-project", ["KK-404", "invitation", "2026-11-20", ""], "รหัสโครงการ", "not in the plan"),
    ("leading-zero-id", ["0KK-1", "invitation", "2026-11-20", ""], "รหัสโครงการ", "not in the plan"),
    ("empty-project", ["", "invitation", "2026-11-20", ""], "รหัสโครงการ", "project id is empty"),
    ("unknown-step", ["KK-1", "ส่งมอบงาน", "2026-11-20", ""], "ขั้นตอน", "has no step"),
    ("step-not-in-method", ["KK-2", "appeal", "2026-11-20", ""], "ขั้นตอน", "has no step"),
    ("future-actual", ["KK-1", "winner_announcement", "2027-01-20", ""], "วันที่ดำเนินการจริง",
     "in the future"),
    ("bad-actual", ["KK-1", "winner_announcement", "20/1/70", ""], "วันที่ดำเนินการจริง",
     "two-digit year"),
]


@pytest.mark.parametrize("prow, column, fragment", [c[1:] for c in PROGRESS_CASES],
                         ids=[c[0] for c in PROGRESS_CASES])
def test_bad_progress_row_is_located_and_not_fatal(tmp_path, prow, column, fragment):
    book = _book(tmp_path, {}, progress=prow)
    assert len(book.plans) == 3 and not book.held_project_ids
    assert len(book.problems) == 1, [str(e) for e in book.problems]
    err = book.problems[0]
    assert (err.location.sheet, err.location.row, err.location.column) == (S.progress_tab, 3, column)
    assert fragment in err.reason
    assert [(p.project_id, p.step_code, p.actual) for p in book.progress] == [
        ("KK-1", "invitation", date(2026, 11, 20))]


def test_progress_step_by_thai_name(tmp_path):
    book = _book(tmp_path, {}, progress=["KK-2", "รายงานขอซื้อขอจ้างและขอความเห็นชอบ", "2026-11-20",
                                         "รอลงนาม"])
    assert not book.problems
    assert ("KK-2", "purchase_approval", "รอลงนาม") in [
        (p.project_id, p.step_code, p.note) for p in book.progress]


def _write(tmp_path, tabs):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tabs.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    p = tmp_path / "s.xlsx"
    wb.save(p)
    return str(p)


STRUCTURAL = [
    ("tab-not-found", {"Sheet1": [H, _row(GOOD)]}, "not found"),
    ("empty-tab", {S.plans_tab: [[None]]}, "empty"),
    ("header-only", {S.plans_tab: [H]}, "no project rows"),
    ("missing-amount-column", {S.plans_tab: [[h for h in H if h != "วงเงิน"],
                                             [v for h, v in zip(H, _row(GOOD), strict=True) if h != "วงเงิน"]]},
     "no column for amount"),
    ("no-date-columns", {S.plans_tab: [H[:7], _row(GOOD)[:7]]}, "start-date column"),
]


@pytest.mark.parametrize("tabs, fragment", [c[1:] for c in STRUCTURAL], ids=[c[0] for c in STRUCTURAL])
def test_structural_problems_stop_the_run(tmp_path, tabs, fragment):
    with pytest.raises(SourceError, match=fragment):
        read_plans(_write(tmp_path, tabs), today=TODAY)


def test_english_headers_and_title_row(tmp_path):
    en = ["Project ID", "Agency", "Project name", "Budget type", "Budget source", "Amount",
          "Method", "Start date", "Contract by", "Days", "Email", "Exclude"]
    path = _write(tmp_path, {S.plans_tab: [["Annual plan FY2570"], en,
                                           ["0012", "PVO", "Desks", "recurrent", "province",
                                            "1.5 M", "Specific method", "2026-12-01", "", "", "",
                                            "yes"]]})
    book = read_plans(path, today=TODAY)
    assert not book.problems
    (p,) = book.plans
    assert p.project_id == "0012" and p.method == "specific" and p.exclude_from_sync
    assert p.budget_source == "งบจังหวัด" and p.source_ref.row == 3


def test_total_row_is_not_an_unidentified_project(tmp_path):
    path = _write(tmp_path, {S.plans_tab: [H, _row(GOOD), _row({h: "" for h in H} | {
        "ชื่อโครงการ": "รวมทั้งสิ้น", "วงเงิน": "1,500,000"})]})
    book = read_plans(path, today=TODAY)
    assert not book.problems and book.skipped_rows == [3] and book.safe_to_delete


def test_tab_names_with_stray_spaces_and_also_read(tmp_path):
    path = _write(tmp_path, {S.plans_tab + " ": [H, _row(GOOD)], "เบิกจ่าย": [["หน่วยงาน"], ["x"]]})
    book = read_plans(path, today=TODAY, also_read=["เบิกจ่าย", "ไม่มี"])
    assert [p.project_id for p in book.plans] == ["KK-1"]
    assert book.plans[0].source_ref.sheet == S.plans_tab + " "
    assert set(book.tables) == {S.plans_tab, "เบิกจ่าย"}
    assert book.tables["เบิกจ่าย"].grid == [["หน่วยงาน"], ["x"]]


def test_numeric_ids_are_read_as_text_with_one_warning(tmp_path):
    path = _write(tmp_path, {S.plans_tab: [H, _row({**GOOD, "รหัสโครงการ": 12}),
                                           _row({**GOOD, "รหัสโครงการ": 13.0})]})
    book = read_plans(path, today=TODAY)
    assert [p.project_id for p in book.plans] == ["12", "13"] and not book.problems
    (w,) = book.warnings
    assert "stored as numbers (rows 2, 3)" in w.reason and w.location.column == "รหัสโครงการ"
