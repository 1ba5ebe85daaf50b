"""Scale paths of sheets_io: lookups by project id are indexes, and a rerun with nothing new does
not rewrite the workbook (procal's tabs already hold the same rows)."""

import shutil
from datetime import date

import openpyxl

from schedule_engine import default_calendar
from sheets_io import read_plans, write_back
from sheets_io.plans import OK, PlanBook
from tests.sheets_io.conftest import EXAMPLE

TODAY = date(2026, 11, 25)


class _CountingList(list):
    scans = 0

    def __iter__(self):
        type(self).scans += 1
        return super().__iter__()


def test_lookups_by_project_id_do_not_scan_per_call():
    book = read_plans(str(EXAMPLE), today=TODAY)
    plans, progress = _CountingList(book.plans), _CountingList(book.progress)
    fresh = PlanBook(source=book.source, settings=book.settings, plans=plans, progress=progress,
                     row_ids=dict(book.row_ids))
    _CountingList.scans = 0
    for p in book.plans:
        assert fresh.plan(p.project_id) is p
        expect = {pr.step_code: pr for pr in book.progress if pr.project_id == p.project_id}
        got = fresh.progress_for(p.project_id)
        assert got == expect
        fresh.source_url(p.project_id)
    assert _CountingList.scans <= 2  # one pass to build the index, not one per lookup
    plans.append(book.plans[0].__class__(**{**book.plans[0].__dict__, "project_id": "NEW-1"}))
    assert fresh.plan("NEW-1").project_id == "NEW-1"  # the index follows the list


def test_rerun_with_nothing_new_leaves_the_workbook_alone(tmp_path):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    cal = default_calendar()
    first = write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    assert first.written and not first.unchanged
    out = tmp_path / "plans.procal.xlsx"  # procal's own workbook beside the agencies' one
    before = out.read_bytes()
    again = write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    assert again.written and again.unchanged
    assert out.read_bytes() == before
    # a new actual date changes the schedule: written again
    wb = openpyxl.load_workbook(path)
    ws = wb["ผลการดำเนินงาน"]
    ws.append(["KK70-001", "draft_hearing", "2026-11-20", None])
    wb.save(path)
    third = write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    assert third.written and not third.unchanged
    rows = list(openpyxl.load_workbook(out, read_only=True)["schedule"].iter_rows(
        values_only=True))
    assert any(r[0] == "KK70-001" and r[5] == "draft_hearing" and "2026-11-20" in r for r in rows)


def _book_without_held_projects(path):
    """The example with its mistaken rows taken out (no held project to carry over)."""
    book = read_plans(str(path), today=TODAY)
    wb = openpyxl.load_workbook(path)
    ws = wb["แผนจัดซื้อจัดจ้าง"]
    for row in sorted((r for r, msg in book.row_status.items() if msg != OK), reverse=True):
        ws.delete_rows(row)
    wb.save(path)


def test_an_unchanged_rerun_does_not_read_procals_own_tabs(tmp_path, monkeypatch):
    from sheets_io import tables

    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    _book_without_held_projects(path)
    cal = default_calendar()
    first = write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    assert first.written and not first.unchanged and not first.held_projects
    loads = []
    real = tables.LazyTable.grid.fget
    monkeypatch.setattr(tables.LazyTable, "grid",
                        property(lambda self: loads.append(self.tab) or real(self)))
    again = write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    assert again.unchanged
    assert loads == []  # the stamp in procal's workbook said the rows are the same


def test_procals_workbook_saved_by_a_spreadsheet_program_is_written_again(tmp_path):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    cal = default_calendar()
    write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    out = tmp_path / "plans.procal.xlsx"
    wb = openpyxl.load_workbook(out)  # someone opens procal's workbook and types over a date
    wb["schedule"]["H2"] = "แก้ด้วยมือ"
    wb.save(out)
    again = write_back(None, read_plans(str(path), today=TODAY), today=TODAY, calendar=cal)
    assert not again.unchanged
    assert openpyxl.load_workbook(out)["schedule"]["H2"].value != "แก้ด้วยมือ"
