"""Executive reminder events: one per agency and period, rerun-stable, resolved when caught up."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from calendar_sync.backends import MemoryBackend
from calendar_sync.ledger import Ledger
from calendar_sync.model import event_id
from calendar_sync.reminders import (
    ReminderOptions, existing_reminder_keys, period_key, reminder_events, reminder_key,
    sync_reminders, summary_key,
)
from schedule_engine.model import BudgetType
from schedule_engine.reconcile import DisbursementRecord, LateMilestone, reconcile
from schedule_engine.targets import load_targets
from schedule_engine.workcal import default_calendar

R, I = BudgetType.RECURRENT, BudgetType.INVESTMENT
AS_OF = date(2022, 3, 31)  # end of Q2 FY2565: recurrent 57 %, investment 29 %
CAL = default_calendar()


def _recon(b_disbursed=100, late=()):
    recs = [
        DisbursementRecord("สนง.ก", R, "งบจังหวัด", Decimal(1000), Decimal(0), Decimal(700), AS_OF),
        DisbursementRecord("สนง.ข", I, "งบส่วนราชการ", Decimal(1000), Decimal(50), Decimal(b_disbursed), AS_OF),
    ]
    return reconcile(recs, load_targets(2565), mode="quarter_end", late=late)


def test_period_and_keys():
    assert period_key(date(2026, 10, 31)) == "2570-10"
    assert period_key(AS_OF) == "2565-03"


def test_behind_agency_gets_a_thai_reminder_at_0830_next_working_day():
    # Friday 8 April 2565 → next working day: Monday 11 April (no holiday on the 11th)
    today = date(2022, 4, 8)
    evs = reminder_events(_recon(), today=today, calendar=CAL)
    keys = {e.key for e in evs}
    assert reminder_key("2565-03", "สนง.ข") in keys and summary_key("2565-03") in keys
    assert reminder_key("2565-03", "สนง.ก") not in keys  # 70 % against 57 %: on track
    ev = next(e for e in evs if e.key == reminder_key("2565-03", "สนง.ข"))
    expected_day = CAL.next_working_day(date(2022, 4, 9))
    assert ev.start == datetime.combine(expected_day, time(8, 30), tzinfo=ZoneInfo("Asia/Bangkok"))
    assert ev.start.weekday() < 5 and CAL.is_working_day(ev.start.date())
    assert ev.calendar == "executives" and ev.kind == "reminder"
    # 10 % against 29 %: 190,00 baht short; the figures are in the title and the description
    assert "สนง.ข" in ev.summary and "10.00%" in ev.summary and "190.00 บาท" in ev.summary
    assert "ชี้แจงสาเหตุ" in ev.description and "แผน" in ev.description
    assert "ต้องเบิกจ่ายเพิ่มอีก 190.00 บาท" in ev.description
    summary = next(e for e in evs if e.kind == "summary")
    assert "งบจังหวัด" in summary.description and "งบส่วนราชการ" in summary.description
    assert "1. ✓ สนง.ก" in summary.description and "2. ⚠ สนง.ข" in summary.description


def test_late_milestones_trigger_a_reminder_even_on_target():
    late = [LateMilestone("สนง.ก", "P-1", "ซ่อมถนน", "invitation", "ประกาศเชิญชวน",
                          date(2022, 3, 1), 7)]
    evs = reminder_events(_recon(late=late), today=date(2022, 4, 8), calendar=CAL)
    ev = next(e for e in evs if e.key == reminder_key("2565-03", "สนง.ก"))
    assert "ล่าช้า 7 วันทำการ" in ev.description and "ประกาศเชิญชวน" in ev.description
    off = reminder_events(_recon(late=late), today=date(2022, 4, 8), calendar=CAL,
                          options=ReminderOptions(late_milestones=False))
    assert reminder_key("2565-03", "สนง.ก") not in {e.key for e in off}


def test_rerun_is_stable_and_catching_up_resolves():
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    today = date(2022, 4, 8)

    def run(recon, **kw):
        prev = existing_reminder_keys(backend, ledger, namespace="procal", calendar="executives")
        evs = reminder_events(recon, today=today, calendar=CAL, previously_reminded=prev, **kw)
        return sync_reminders(evs, backend, ledger, namespace="procal", period="2565-03")

    plan, report = run(_recon())
    assert report.created == 2
    plan, report = run(_recon())
    assert plan.writes == 0 and plan.counts()["unchanged"] == 2
    # สนง.ข catches up: its event is marked resolved, not duplicated
    plan, report = run(_recon(b_disbursed=400))
    assert report.updated == 2 and report.created == 0  # the reminder and the summary
    eid = event_id("procal", reminder_key("2565-03", "สนง.ข"))
    body = backend.calendars["executives"][eid]
    assert "แก้ไขแล้ว" in str(body)
    # with resolved="remove" it is deleted instead
    plan, report = run(_recon(b_disbursed=400), options=ReminderOptions(resolved="remove"))
    assert report.deleted == 1


def test_earlier_periods_are_kept():
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    evs = reminder_events(_recon(), today=date(2022, 4, 8), calendar=CAL)
    sync_reminders(evs, backend, ledger, namespace="procal", period="2565-03")
    later = [DisbursementRecord("สนง.ข", I, "งบส่วนราชการ", Decimal(1000), Decimal(0),
                                Decimal(100), date(2022, 4, 30))]
    recon = reconcile(later, load_targets(2565))
    evs = reminder_events(recon, today=date(2022, 5, 9), calendar=CAL)
    plan, report = sync_reminders(evs, backend, ledger, namespace="procal", period="2565-04")
    assert report.deleted == 0 and report.created == 2
    live = [b for b in backend.calendars["executives"].values() if b.get("status") != "cancelled"]
    assert len(live) == 4


def test_agency_with_late_steps_but_no_disbursement_row_still_gets_a_reminder():
    late = [LateMilestone("สนง.ค", "P-7", "จัดซื้อครุภัณฑ์", "contract_signing", "ลงนามสัญญา",
                          date(2022, 3, 1), 20)]
    recon = _recon(late=late)
    assert "สนง.ค" in recon.unmatched_late
    evs = reminder_events(recon, today=date(2022, 4, 8), calendar=CAL)
    ev = next(e for e in evs if e.key == reminder_key("2565-03", "สนง.ค"))
    assert "ล่าช้า 1 ขั้นตอน" in ev.summary and "ล่าช้า 20 วันทำการ" in ev.description
    assert "ไม่พบข้อมูลการเบิกจ่าย" in ev.description
    summary = next(e for e in evs if e.kind == "summary")
    assert "สนง.ค: ล่าช้า 1 ขั้นตอน" in summary.description


def test_late_only_agency_resolves_when_its_steps_are_done():
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    late = [LateMilestone("สนง.ค", "P-7", "จัดซื้อครุภัณฑ์", "contract_signing", "ลงนามสัญญา",
                          date(2022, 3, 1), 20)]

    def run(recon):
        prev = existing_reminder_keys(backend, ledger, namespace="procal", calendar="executives")
        evs = reminder_events(recon, today=date(2022, 4, 8), calendar=CAL, previously_reminded=prev)
        return sync_reminders(evs, backend, ledger, namespace="procal", period="2565-03")[1]

    assert run(_recon(late=late)).created == 3
    rep = run(_recon())
    assert rep.created == 0 and rep.deleted == 0 and rep.updated >= 1
    eid = event_id("procal", reminder_key("2565-03", "สนง.ค"))
    assert "แก้ไขแล้ว" in str(backend.calendars["executives"][eid])
