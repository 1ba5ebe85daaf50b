"""Milestone events from plans (real engine timelines), and the [sync] settings."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from decimal import Decimal

import pytest

from calendar_sync.milestones import milestone_events, reminders_for, route
from calendar_sync.model import Reminder, event_id
from calendar_sync.settings import ReminderRule, SyncSettings
from schedule_engine import default_calendar, default_rulebook, timeline_for_plan
from schedule_engine.errors import ConfigError
from schedule_engine.model import BudgetType, ProjectPlan, SourceRef, StepProgress, StepState

CAL = default_calendar()
RB = default_rulebook()


def plan(pid="P1", agency="สำนักงานคลังจังหวัด", **kw):
    base = dict(project_id=pid, agency=agency, name="ก่อสร้างอาคาร", budget_type=BudgetType.INVESTMENT,
                budget_source="งบจังหวัด", amount=Decimal("3000000"), method="e-bidding",
                start=date(2026, 11, 2),
                source_ref=SourceRef("plans.xlsx", "แผนจัดซื้อจัดจ้าง", 7))
    base.update(kw)
    return ProjectPlan(**base)


def events_for(plans, progress=(), today=date(2026, 11, 25), settings=None):
    settings = settings or SyncSettings()
    tls = {p.project_id: timeline_for_plan(p, RB, CAL) for p in plans}
    return milestone_events((plans, tls, list(progress)), settings=settings, calendar=CAL,
                            today=today), tls


def test_one_all_day_event_per_configured_step_on_its_date():
    evs, tls = events_for([plan()])
    tl = tls["P1"]
    mine = [e for e in evs if e.calendar == "province"]
    steps = {s.code: s for s in tl.steps}
    expected = [c for c in SyncSettings().event_steps if c in steps]
    assert sorted(e.key for e in mine) == sorted(f"m/P1/{c}" for c in expected)
    for e in mine:
        code = e.key.split("/")[2]
        assert e.all_day == steps[code].end and e.start is None
        assert e.summary == f"{steps[code].name_th}: ก่อสร้างอาคาร (สำนักงานคลังจังหวัด)"
        assert "รหัสโครงการ: P1" in e.description and "3,000,000.00 บาท" in e.description
        assert steps[code].legal_ref in e.description
        assert "plans.xlsx / แผนจัดซื้อจัดจ้าง (รหัสโครงการ P1)" in e.description
        assert "แถว" not in e.description  # row numbers shift; see test_unreadable_rows_keep_events
        assert e.kind == "milestone" and e.project_id == "P1"
        assert len(e.reminders) <= 5
    assert len(event_id("procal", mine[0].key)) == 52


def test_executives_get_their_own_copies_of_their_steps():
    evs, _ = events_for([plan()])
    execs = sorted(e.key for e in evs if e.calendar == "executives")
    assert execs == ["x/P1/bid_submission", "x/P1/contract_signing"]
    off = dataclasses.replace(SyncSettings(), executives_calendar=None)
    evs, _ = events_for([plan()], settings=off)
    assert not [e for e in evs if e.calendar == "executives"]


def test_routing_row_override_then_agency_map_then_province():
    s = SyncSettings(agency_calendars={"สำนักงานเกษตรจังหวัด": "agri"})
    assert route(plan(agency="สำนักงานเกษตรจังหวัด"), s) == "agri"
    assert route(plan(agency="อื่น"), s) == "province"
    assert route(plan(agency="สำนักงานเกษตรจังหวัด", calendar="special"), s) == "special"


def test_status_colour_and_actual_dates():
    evs, tls = events_for([plan()], today=date(2027, 6, 1))  # long after every date: late
    assert {e.color for e in evs} == {StepState.LATE}
    inv = tls["P1"].step("invitation")
    done = StepProgress("P1", "invitation", inv.end.replace(day=min(inv.end.day + 1, 28)))
    evs, _ = events_for([plan()], progress=[done], today=date(2027, 6, 1))
    [e] = [e for e in evs if e.key == "m/P1/invitation"]
    assert e.color is StepState.DONE and e.all_day == done.actual and e.reminders == ()
    early, _ = events_for([plan()], today=date(2026, 1, 5))
    assert {e.color for e in early} == {StepState.ON_TIME}


def test_excluded_projects_produce_no_events():
    evs, _ = events_for([plan("P1"), plan("P2", exclude_from_sync=True)])
    assert {e.project_id for e in evs} == {"P1"}


def test_reminder_ladder_counts_working_days_around_holidays():
    s = SyncSettings()
    # Monday 14 Dec 2026: 3 working days before skips Constitution Day (Thu 10 Dec) -> Tue 8 Dec
    rems = reminders_for(date(2026, 12, 14), "bid_submission", s, CAL)
    assert Reminder(15 * 60) in rems  # 09:00 the day before
    assert Reminder(6 * 1440 - 9 * 60) in rems  # 09:00 on Tue 8 Dec
    assert reminders_for(date(2026, 12, 14), "invitation", s, CAL) == (Reminder(900),)
    many = dataclasses.replace(s, reminders=tuple(
        ReminderRule(days_before=d, at=time(9, 0)) for d in range(1, 5)) + (
        ReminderRule(days_before=40, at=time(9, 0)),))
    assert [r.minutes for r in reminders_for(date(2026, 12, 14), "x", many, CAL)] == [
        900, 2340, 3780, 5220]  # 40 days is beyond Google's 4-week maximum: dropped


def test_settings_from_mapping():
    s = SyncSettings.from_mapping({
        "namespace": "kk-province", "agency_calendars": {"ก": "a"}, "max_delete_share": 0.5,
        "reminders": [{"working_days_before": 2, "at": "08:30", "steps": ["appeal"]}],
        "google_calendars": {"province": "x@group.calendar.google.com"}}, "procal.toml")
    assert s.namespace == "kk-province" and s.agency_calendars["ก"] == "a"
    assert s.reminders == (ReminderRule(working_days_before=2, at=time(8, 30),
                                        steps=frozenset({"appeal"})),)
    assert str(s.ledger_file).endswith("procal-state.sqlite")


@pytest.mark.parametrize("data,key", [
    ({"nope": 1}, "sync.nope"),
    ({"batch_size": 100}, "sync.batch_size"),
    ({"max_delete_share": 2}, "sync.max_delete_share"),
    ({"namespace": "a b"}, "sync.namespace"),
    ({"reminders": [{"at": "09:00"}]}, "sync.reminders"),
    ({"on_hand_edit": "merge"}, "sync.on_hand_edit"),
    ({"event_steps": "invitation"}, "sync.event_steps"),
])
def test_settings_errors_name_the_key(data, key):
    with pytest.raises(ConfigError) as exc:
        SyncSettings.from_mapping(data, "procal.toml")
    assert exc.value.key == key and "procal.toml" in str(exc.value)


def _method_line(description: str) -> str:
    return next(x for x in description.splitlines() if x.startswith("วิธีจัดหา:"))


@pytest.mark.parametrize("method, amount", [("e-bidding", "3000000"), ("specific", "95000")])
def test_description_names_the_method_code_once(method, amount):
    evs, tls = events_for([plan(method=method, amount=Decimal(amount))])
    tl = tls["P1"]
    line = _method_line(evs[0].description)
    assert line.count(tl.method) == 1 and tl.method_name_th in line
    assert line.startswith(f"วิธีจัดหา: {tl.method_name_th}")


def test_method_text_for_every_method_of_the_rulebook():
    from calendar_sync.milestones import method_text

    for m in RB.methods:
        text = method_text(m.name_th, m.code)
        assert text.count(f"({m.code})") == 1 and text.startswith(m.name_th)
