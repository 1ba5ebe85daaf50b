"""Nothing already on a calendar is lost because a row could not be read.

Through the real pieces (xlsx source → read_plans → milestone sync on the ICS backend + ledger):
  * a project whose row became unreadable keeps its events (held);
  * a row whose *project id* became unreadable means procal cannot know which project vanished,
    so a project removed in the same edit keeps its events too — no deletion at all this run;
  * once the sheet is fixed, the removed project's events go and nothing else changes.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from calendar_sync.backends import IcsBackend
from calendar_sync.ledger import Ledger
from calendar_sync.runner import sync_milestones
from calendar_sync.settings import SyncSettings
from sheets_io import read_plans
from sheets_io.settings import SheetsSettings

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 25)
PLANS = SheetsSettings().plans_tab


@pytest.fixture
def workspace(tmp_path) -> tuple[Path, Path]:
    """A private copy of the example workbook and an empty output folder."""
    src = tmp_path / "plans.xlsx"
    shutil.copy(ROOT / "examples" / "plans.xlsx", src)
    out = tmp_path / "out"
    out.mkdir()
    return src, out


def _sync(book, out: Path):
    settings = SyncSettings(out_dir=str(out), max_delete_share=1.0)
    with Ledger(out / "state.sqlite") as ledger:
        plan, report = sync_milestones(book, settings, IcsBackend(out), ledger, today=TODAY)
    return plan, report


def _project_ids_on_calendars(out: Path) -> set[str]:
    import icalendar

    ids = set()
    for f in out.glob("*.ics"):
        for ev in icalendar.Calendar.from_ical(f.read_bytes()).walk("VEVENT"):
            ids.add(str(ev["X-PROCAL-PROJECT"]))
    return ids


def _edit(path: Path, edit) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[PLANS]
    header = [c.value for c in ws[1]]
    edit(ws, header)
    wb.save(path)


def _row_of(ws, header, project_id: str) -> int:
    col = header.index("รหัสโครงการ") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col).value == project_id:
            return r
    raise AssertionError(project_id)


def test_unreadable_id_blocks_every_deletion_until_the_sheet_is_fixed(workspace):
    src, out = workspace
    book = read_plans(str(src), today=TODAY)
    first = sorted(p.project_id for p in book.plans)
    removed, blanked, broken = first[0], first[1], first[2]
    _, report = _sync(book, out)
    assert report.created > 0 and report.errors == 0
    before = _project_ids_on_calendars(out)
    assert {removed, blanked, broken} <= before

    def damage(ws, header):
        amount = header.index("วงเงิน (บาท)") + 1
        ws.cell(_row_of(ws, header, broken), amount).value = "ไม่ทราบ"  # unreadable amount
        ws.cell(_row_of(ws, header, blanked), header.index("รหัสโครงการ") + 1).value = None
        ws.delete_rows(_row_of(ws, header, removed))  # a project really removed

    _edit(src, damage)
    book = read_plans(str(src), today=TODAY)
    assert broken in book.held_project_ids and book.unidentified_rows and not book.safe_to_delete
    plan, report = _sync(book, out)
    assert report.deleted == 0 and report.errors == 0
    assert _project_ids_on_calendars(out) == before  # nothing lost, not even the removed project
    assert plan.counts()["held"] > 0

    def repair(ws, header):
        ws.cell(_row_of(ws, header, broken), header.index("วงเงิน (บาท)") + 1).value = 3_000_000
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, header.index("รหัสโครงการ") + 1).value is None and ws.cell(r, 2).value:
                ws.cell(r, header.index("รหัสโครงการ") + 1).value = blanked

    _edit(src, repair)
    book = read_plans(str(src), today=TODAY)
    assert book.safe_to_delete and broken not in book.held_project_ids
    _, report = _sync(book, out)
    assert report.deleted > 0 and report.errors == 0
    assert _project_ids_on_calendars(out) == before - {removed}


def test_deleting_a_row_rewrites_only_that_projects_events(workspace):
    """Row numbers shift below an edit; events must not depend on them (no mass rewrite)."""
    src, out = workspace
    book = read_plans(str(src), today=TODAY)
    first_id = min(p.project_id for p in book.plans)
    removed_events = sum(1 for _ in _events_of(book, first_id))
    _sync(book, out)

    _edit(src, lambda ws, header: ws.delete_rows(_row_of(ws, header, first_id)))
    _, report = _sync(read_plans(str(src), today=TODAY), out)
    assert report.deleted == removed_events > 0
    assert report.updated == 0 and report.created == 0 and report.errors == 0


def _events_of(book, project_id):
    from calendar_sync.milestones import milestone_events
    from schedule_engine import default_calendar

    for ev in milestone_events(book, settings=SyncSettings(), calendar=default_calendar(), today=TODAY):
        if ev.project_id == project_id:
            yield ev


def test_stable_sheet_link_drops_only_the_row_range():
    from calendar_sync.milestones import stable_sheet_link

    base = "https://docs.google.com/spreadsheets/d/abc/edit"
    assert stable_sheet_link(f"{base}#gid=7&range=14:14") == f"{base}#gid=7"
    assert stable_sheet_link(f"{base}#range=3:3") == base
    assert stable_sheet_link(base) == base
