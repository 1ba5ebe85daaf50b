"""Scoring events: the quarterly scoreboard summary and the follow-up groups' meeting proposals
(deduplicated, updated in place, withdrawn when every member is back on target, foreign events
and earlier periods untouched) and reminder copies on group calendars."""

from datetime import date, datetime
from decimal import Decimal

from calendar_sync.backends import MemoryBackend
from calendar_sync.ledger import Ledger
from calendar_sync.model import event_id
from calendar_sync.reminders import reminder_events
from calendar_sync.scoring_events import (
    FollowupGroup, followup_events, followup_key, group_copies, score_summary_event,
    sync_scoring_events,
)
from schedule_engine.model import BudgetType
from schedule_engine.reconcile import DisbursementRecord, reconcile
from schedule_engine.scoring import ScoringInputs, load_criteria, score
from schedule_engine.targets import load_targets
from schedule_engine.workcal import default_calendar

R, I = BudgetType.RECURRENT, BudgetType.INVESTMENT
AS_OF = date(2022, 3, 31)  # end of Q2 FY2565: recurrent 57 %, investment 29 %
CAL = default_calendar()
TODAY = date(2022, 4, 8)  # a Friday; the next working day is Monday 11 Apr
GROUP = FollowupGroup("กลุ่มโครงสร้างพื้นฐาน", "สนง.ก", ("สนง.ก", "สนง.ข", "สนง.ค"), "followup-infra")


def _records(b_disbursed=100, c_disbursed=500):
    return [
        DisbursementRecord("สนง.ก", R, "งบจังหวัด", Decimal(1000), Decimal(0), Decimal(700), AS_OF),
        DisbursementRecord("สนง.ข", I, "งบส่วนราชการ", Decimal(1000), Decimal(50),
                           Decimal(b_disbursed), AS_OF),
        DisbursementRecord("สนง.ค", R, "งบจังหวัด", Decimal(1000), Decimal(0), Decimal(c_disbursed),
                           AS_OF),
    ]


def _recon(**kw):
    return reconcile(_records(**kw), load_targets(2565), mode="quarter_end")


def _sync(events, backend, ledger, period="2565-03", q="2565-Q2"):
    return sync_scoring_events(events, backend, ledger, namespace="procal",
                               current=[f"score/{q}/", f"followup/{period}/",
                                        f"/reminder/{period}/"],
                               calendars=["followup-infra", "executives"])


def test_followup_proposal_lists_members_below_target_and_is_withdrawn_when_all_recover():
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    backend.add_foreign("followup-infra", "someone-elses", "ประชุมอื่น")  # never touched
    evs = followup_events(_recon(), [GROUP], today=TODAY, calendar=CAL, period="2565-03")
    assert len(evs) == 1
    ev = evs[0]
    assert ev.calendar == "followup-infra" and ev.key == followup_key("2565-03", GROUP.name)
    assert ev.start == datetime(2022, 4, 11, 13, 30, tzinfo=ev.start.tzinfo)  # a working day
    assert "สนง.ข" in ev.description and "สนง.ค" in ev.description
    assert "สนง.ก:" not in ev.description  # on target (70 % vs 57 %)
    assert "ขาดอีก 190.00 บาท" in ev.description  # 29 % of 1000 − 100
    assert "ต่ำกว่า 19.00 จุด" in ev.description
    plan, report = _sync(evs, backend, ledger)
    assert report.created == 1
    # the same data again: nothing written (deduplicated)
    plan, report = _sync(followup_events(_recon(), [GROUP], today=TODAY, calendar=CAL,
                                         period="2565-03"), backend, ledger)
    assert plan.writes == 0
    # สนง.ข improves but สนง.ค is still behind: the same event is updated in place
    plan, report = _sync(followup_events(_recon(b_disbursed=400), [GROUP], today=TODAY,
                                         calendar=CAL, period="2565-03"), backend, ledger)
    assert report.updated == 1 and report.created == 0
    # everyone back on target: no proposal, the event is withdrawn
    evs = followup_events(_recon(b_disbursed=400, c_disbursed=700), [GROUP], today=TODAY,
                          calendar=CAL, period="2565-03")
    assert evs == []
    plan, report = _sync(evs, backend, ledger)
    assert report.deleted == 1
    eid = event_id("procal", followup_key("2565-03", GROUP.name))
    live = backend.list_tagged("followup-infra", "procal")
    assert eid not in live or live[eid].cancelled
    assert backend.calendars["followup-infra"]["someone-elses"]["summary"] == "ประชุมอื่น"


def test_earlier_months_proposals_are_kept():
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    _sync(followup_events(_recon(), [GROUP], today=TODAY, calendar=CAL, period="2565-03"),
          backend, ledger)
    # next month, everyone on target: this month has no proposal, March's stays as history
    plan, report = _sync([], backend, ledger, period="2565-04")
    assert plan.writes == 0


def test_groups_without_a_calendar_get_no_proposal():
    g = FollowupGroup("กลุ่มสังคม", "สนง.ก", ("สนง.ข",), None)
    assert followup_events(_recon(), [g], today=TODAY, calendar=CAL, period="2565-03") == []


def test_reminders_are_copied_to_the_group_calendar():
    recon = _recon()
    rem = reminder_events(recon, today=TODAY, calendar=CAL)
    copies = group_copies(rem, [GROUP])
    agencies = {c.key.rsplit("/", 1)[-1] for c in copies}
    assert agencies == {"สนง.ข", "สนง.ค"}
    assert all(c.calendar == "followup-infra" and c.kind == "followup" for c in copies)
    assert all(c.key.startswith("group/followup-infra/reminder/2565-03/") for c in copies)
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    plan, report = _sync(copies, backend, ledger)
    assert report.created == 2
    plan, report = _sync(group_copies(reminder_events(recon, today=TODAY, calendar=CAL), [GROUP]),
                         backend, ledger)
    assert plan.writes == 0


def test_quarterly_summary_is_updated_in_place_within_the_quarter():
    backend, ledger = MemoryBackend(), Ledger(":memory:")
    crits = load_criteria()

    def board(recs, on):
        return score(ScoringInputs(disbursement=recs), crits, as_of=on,
                     targets=lambda fy: load_targets(fy), calendar=CAL)

    b1 = board(_records(), AS_OF)
    ev = score_summary_event(b1, today=TODAY, calendar=CAL, executives_calendar="executives")
    assert ev.key == "score/2565-Q2/province"
    assert "ไตรมาส 2/2565" in ev.summary and "สนง.ข" in ev.description
    assert "ILLUSTRATIVE" in ev.description
    _, report = _sync([ev], backend, ledger)
    assert report.created == 1
    b2 = board(_records(b_disbursed=400), AS_OF)
    ev2 = score_summary_event(b2, today=TODAY, calendar=CAL, executives_calendar="executives")
    assert ev2.key == ev.key and ev2.description != ev.description
    _, report = _sync([ev2], backend, ledger)
    assert report.updated == 1 and report.created == 0
