"""Example workbook → timelines → schedule tab, checked against the engine; held rows keep their
schedule; the printable report; the shipped example itself."""

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from schedule_engine import (build_timeline, default_calendar, default_rulebook, parse_date,
                             step_status)
from schedule_engine.dates import format_thai_date
from sheets_io import SheetsSettings, export_plan_report, read_plans, write_back
from sheets_io.cells import parse_amount
from sheets_io.writeback import STATE_WORDS
from tests.sheets_io.conftest import EXAMPLE

S = SheetsSettings()
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def example_book():
    return read_plans(str(EXAMPLE), today=TODAY)


def _values(path, tab):
    ws = openpyxl.load_workbook(path)[tab]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_schedule_tab_matches_the_engine(tmp_path, example_book):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    book = read_plans(str(path), today=TODAY)
    report = write_back(book.source, book, today=TODAY, calendar=default_calendar())
    out = tmp_path / "plans.procal.xlsx"  # procal's own workbook beside the agencies' file
    assert report.target == str(out)
    rows = _values(out, S.schedule_tab)
    header, data = rows[0], rows[1:]
    assert report.tabs[S.schedule_tab] == len(data)
    col = {h: i for i, h in enumerate(header)}
    plans_ws = {r[0]: r for r in _values(path, S.plans_tab)[1:]}
    progress = {(p.project_id, p.step_code): p.actual for p in book.progress}
    cal, rb = default_calendar(), default_rulebook()
    seen = Counter()
    for r in data:
        pid = r[0]
        raw = plans_ws.get(pid) or plans_ws.get(f" {pid} ")
        start = parse_date(raw[7]) if raw[7] else None
        # independent recomputation straight from the typed cells
        tl = build_timeline(rb, cal, method=raw[6], budget=parse_amount(raw[5]), start=start,
                            contract_by=None if start else parse_date(raw[8]),
                            day_overrides={k: int(v) for k, v in (
                                x.split("=") for x in (raw[9] or "").split(";") if x and
                                x.split("=")[1].isdigit())},
                            with_steps=[x.split("=")[0] for x in (raw[9] or "").split(";")
                                        if x.endswith("=on")])
        m = tl.step(r[col["รหัสขั้นตอน (step)"]])
        assert r[col["planned (ISO)"]] == m.end.isoformat()
        assert r[col["วันที่ตามแผน (planned, พ.ศ.)"]] == format_thai_date(m.end)
        actual = progress.get((pid, m.code))
        st = step_status(m.end, actual, TODAY, cal, S.due_soon_working_days)
        assert r[col["สถานะ (status)"]] == STATE_WORDS[st.state][0]
        assert r[col["คลาดเคลื่อน วันทำการ (slip, working days)"]] == st.slip_working_days
        seen[pid] += 1
    assert seen == {k: len(t.steps) for k, t in book.timelines.items()}
    states = Counter(r[col["สถานะ (status)"]] for r in data)
    assert set(states) == {"done", "on time", "due soon", "late"}  # the example shows them all
    # the agencies' workbook is byte-for-byte the same file
    assert path.read_bytes() == EXAMPLE.read_bytes()
    status = _values(out, S.status_tab)
    assert len(status) - 1 == len(book.row_status) + sum(
        1 for e in book.problems if e.location.sheet != S.plans_tab)


def test_held_project_keeps_its_schedule_rows(tmp_path):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    first = read_plans(str(path), today=TODAY)
    write_back(first.source, first, today=TODAY)
    out = tmp_path / "plans.procal.xlsx"
    before = [r for r in _values(out, S.schedule_tab) if r[0] == "KK70-003"]
    assert before
    # an agency breaks KK70-003's amount
    wb = openpyxl.load_workbook(path)
    ws = wb[S.plans_tab]
    row = next(c.row for c in ws["A"] if c.value == "KK70-003")
    ws.cell(row=row, column=6).value = "แปดล้าน"
    wb.save(path)
    second = read_plans(str(path), today=TODAY)
    assert "KK70-003" in second.held_project_ids and "KK70-003" not in second.timelines
    report = write_back(second.source, second, today=TODAY)
    after = [r for r in _values(out, S.schedule_tab) if r[0] == "KK70-003"]
    assert report.carried_over == len(before) == len(after)
    assert [r[:16] for r in after] == [r[:16] for r in before]
    assert all(r[16].startswith("held") for r in after)


def test_write_back_off_writes_nothing(tmp_path):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    book = read_plans(str(path), settings=SheetsSettings(write_back=False), today=TODAY)
    assert not write_back(book.source, book, today=TODAY).written
    assert S.schedule_tab not in openpyxl.load_workbook(path).sheetnames
    assert not (tmp_path / "plans.procal.xlsx").exists()


def test_plan_report_is_thai_printable_and_injection_safe(tmp_path):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[S.plans_tab]
    ws["C2"].value = '=HYPERLINK("http://evil.example","คลิก")'
    ws["C2"].data_type = "s"  # text typed with a leading '=' (e.g. pasted, or CSV-imported)
    wb.save(path)
    book = read_plans(str(path), today=TODAY)
    out = export_plan_report(book, tmp_path / "report.xlsx")
    rep = openpyxl.load_workbook(out)
    assert rep.sheetnames[0] == "สรุป" and rep.sheetnames[-1] == "รายการที่ต้องแก้ไข"
    agencies = {p.agency for p in book.plans}
    assert len(rep.sheetnames) == len(agencies) + 2
    cells = [c for ws in rep.worksheets for row in ws.iter_rows() for c in row]
    evil = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert evil and all(c.data_type == "s" for c in evil)
    assert not any(c.data_type == "f" for c in cells)
    ws = rep[rep.sheetnames[1]]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows in ("4:4", "$4:$4")
    assert "ประจำปีงบประมาณ พ.ศ. 2570" in ws["A1"].value
    # every valid project appears once, with its contract date in Thai BE
    ids = [c.value for ws in rep.worksheets[1:-1] for c in ws["B"][4:] if c.value]
    assert sorted(ids) == sorted(p.project_id for p in book.plans)
    tl = book.timelines["KK70-001"]
    assert any(c.value == format_thai_date(tl.contract_date) for c in cells)


def test_shipped_example_covers_the_brief(example_book):
    book = example_book
    rb = default_rulebook()
    assert len(book.row_status) >= 40 and len({p.agency for p in book.plans}) >= 10
    tiers = {(t.method, t.tier) for t in book.timelines.values()}
    assert tiers == {(m.code, t.code) for m in rb.methods for t in m.tiers}
    assert any(p.contract_by and not p.start for p in book.plans)
    assert any(p.day_overrides for p in book.plans) and any(p.exclude_from_sync for p in book.plans)
    assert {p.budget_type.value for p in book.plans} == {"recurrent", "investment"}
    assert set(S.budget_sources) <= {p.budget_source for p in book.plans}
    assert all(p.officer_email.endswith("example.go.th") for p in book.plans)
    assert 5 <= len(book.held_project_ids) <= 8 and book.progress
    assert S.disbursement_tab in openpyxl.load_workbook(EXAMPLE, read_only=True).sheetnames


def test_builder_is_deterministic(tmp_path):
    import runpy
    import sys

    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        mod = runpy.run_path(str(EXAMPLE.parent / "build_plans_workbook.py"), run_name="builder")
    finally:
        sys.path.remove(str(EXAMPLE.parent))
    out = mod["build"](Path(tmp_path) / "again.xlsx")
    a, b = openpyxl.load_workbook(out), openpyxl.load_workbook(EXAMPLE)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        assert _values(out, name) == _values(EXAMPLE, name)
