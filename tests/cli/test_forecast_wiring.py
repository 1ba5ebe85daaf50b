"""Early warning where people see it: `procal forecast`, events, reminders, tabs, report, settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def book():
    from procal.forecasting import forecast_book
    from procal.settings import from_mapping
    from schedule_engine import default_calendar
    from sheets_io.plans import read_plans

    settings = from_mapping({}, None)
    b = read_plans(str(ROOT / "examples" / "plans.xlsx"), settings=settings.sheets, today=TODAY)
    forecast_book(b, settings, today=TODAY, calendar=default_calendar(), example=True)
    return b


def _risky(book, state="at_risk"):
    return [p for p in book.plans if book.forecasts[p.project_id].state.value == state]


def test_example_has_projects_at_risk_with_thai_actions(book):
    risky = _risky(book)
    assert len(risky) >= 3
    for p in risky:
        f = book.forecasts[p.project_id]
        assert f.action is not None and f.action.by >= TODAY
        assert "ภายใน" in f.summary() and "มิฉะนั้นจะลงนามสัญญาไม่ทัน" in f.summary()
        assert f.earliest_contract <= f.deadline.date < f.expected_contract


def test_cli_forecast_prints_the_at_risk_list():
    from procal.cli import app

    res = CliRunner().invoke(app, ["forecast", "--today", "2026-11-25"])
    assert res.exit_code == 1, res.output  # the example's row errors are reported too
    assert "เสี่ยงไม่ทัน" in res.output and "มิฉะนั้นจะลงนามสัญญาไม่ทัน" in res.output
    assert "ILLUSTRATIVE" in res.output
    en = CliRunner().invoke(app, ["forecast", "--today", "2026-11-25", "--lang", "en", "--all"])
    assert "at risk" in en.output and "on track" in en.output


def test_milestone_events_of_at_risk_projects_are_marked_in_place(book):
    from calendar_sync.milestones import milestone_events
    from calendar_sync.settings import SyncSettings
    from schedule_engine import default_calendar

    s = SyncSettings()
    cal = default_calendar()
    marked = milestone_events(book, settings=s, calendar=cal, today=TODAY)
    plain = milestone_events(book, settings=s, calendar=cal, today=TODAY, forecasts={})
    assert [e.key for e in marked] == [e.key for e in plain]  # same keys: updates, no duplicates
    assert len({e.key for e in marked}) == len(marked)
    risky = {p.project_id for p in _risky(book)}
    for m, p in zip(marked, plain, strict=True):
        if m.project_id in risky and m.color != "done":
            assert m.summary == "⚠️ เสี่ยงไม่ทัน: " + p.summary
            assert "ต้องทำ: " in m.description and "มิฉะนั้นจะลงนามสัญญาไม่ทัน" in m.description
            assert m.description.endswith(p.description.rsplit("\n", 1)[1])
        elif m.project_id not in risky:
            assert m.summary == p.summary and m.description == p.description


def test_reminder_lists_at_risk_first_then_lost():
    from schedule_engine.forecast import Deadline, ForecastState
    from calendar_sync.reminders import risk_lines

    class F:
        def __init__(self, state, text):
            self.state, self._t = state, text
            self.deadlines = (Deadline(date(2027, 3, 31), "measure", "q2", "x", illustrative=True),)

        def summary(self):
            return self._t

    lines = risk_lines([("A", "a", F(ForecastState.AT_RISK, "ประกาศเชิญชวนภายใน 12 มี.ค. 2570")),
                        ("B", "b", F(ForecastState.LOST, "ช้ากว่ากำหนด 3 วันทำการ"))])
    text = "\n".join(lines)
    assert text.index("A a: ประกาศเชิญชวนภายใน") < text.index("B b: ช้ากว่ากำหนด")
    assert "ILLUSTRATIVE" in text


def test_status_and_schedule_tabs_carry_the_forecast(book):
    from sheets_io.writeback import SCHEDULE_HEADER, STATUS_HEADER, schedule_rows, status_rows
    from schedule_engine import default_calendar

    status = status_rows(book, checked="x")
    assert all(len(r) == len(STATUS_HEADER) for r in status)
    by_id = {r[2]: r for r in status[1:] if r[2]}
    p = _risky(book)[0]
    row = by_id[p.project_id]
    assert row[STATUS_HEADER.index("การคาดการณ์ (forecast)")] == "เสี่ยงไม่ทัน"
    assert "ภายใน" in row[STATUS_HEADER.index("ต้องทำ (action)")]
    sched = schedule_rows(book, today=TODAY, calendar=default_calendar())
    assert all(len(r) == len(SCHEDULE_HEADER) for r in sched)
    col = SCHEDULE_HEADER.index("ลงนามสัญญา คาดการณ์ (expected contract)")
    assert any(r[0] == p.project_id and r[col] for r in sched[1:])


def test_report_has_a_forecast_sheet(book, tmp_path):
    from sheets_io.reports import _forecast_sheet
    from openpyxl import Workbook

    wb = Workbook()
    pairs = [(p, book.forecasts[p.project_id]) for p in book.plans]
    _forecast_sheet(wb, pairs, TODAY)
    ws = wb["คาดการณ์ลงนามสัญญา"]
    states = [c.value for c in ws["D"] if c.value in ("เสี่ยงไม่ทัน", "ทันกำหนด", "ลงนามสัญญาแล้ว")]
    assert states and states[0] == "เสี่ยงไม่ทัน"  # at risk first


def test_forecast_settings(tmp_path):
    from procal.settings import from_mapping
    from schedule_engine.errors import ConfigError

    s = from_mapping({"forecast": {"deadlines": [
        {"code": "p", "name_th": "จังหวัดกำหนด", "contract_by": date(2027, 2, 26),
         "budget_types": ["investment"]}]}}, str(tmp_path / "procal.toml"))
    assert s.forecast.deadlines[0].contract_by == date(2027, 2, 26)
    with pytest.raises(ConfigError, match="unknown key"):
        from_mapping({"forecast": {"deadline": []}}, str(tmp_path / "procal.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        from_mapping({"forecast": {"dirs": ["nope"]}}, str(tmp_path / "procal.toml"))
