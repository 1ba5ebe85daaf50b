"""Calendar events from scoring and follow-up groups (กลุ่มติดตามเร่งรัด).

* One quarterly scoreboard summary on the executives' calendar: key ``score/<FY>-Q<q>/province``,
  kind ``score``. Rerunning in the same quarter updates the same event; earlier quarters' events
  are history and are never touched.
* Per follow-up group, when a month's data shows members below target: one "follow-up meeting"
  proposal (ข้อเสนอประชุมกลุ่มติดตาม) on the group's calendar on the next working day, key
  ``followup/<period>/<group>``, kind ``followup``, listing each member's gap in baht and
  percentage points and its at-risk projects (when given). When every member is back on target the
  proposal is withdrawn (deleted). Earlier months' proposals are kept.
* An agency's reminder also goes to its group's calendar: :func:`group_copies` copies reminder
  events with the key ``group/<calendar>/<reminder key>`` (kind ``followup``).

Synced with the generic engine (``calendar_sync.sync``): deterministic ids, no duplicates, foreign
events never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping, Sequence

from calendar_sync.backends import CalendarBackend
from calendar_sync.ledger import Ledger
from calendar_sync.model import BANGKOK, DesiredEvent, Reminder
from calendar_sync.sync import SyncPlan, SyncReport, apply_sync, plan_sync
from schedule_engine.dates import format_thai_date
from schedule_engine.reconcile import Reconciliation, pct2
from schedule_engine.scoring import Scoreboard, round2
from schedule_engine.workcal import WorkingCalendar

SCORING_KINDS = frozenset({"score", "followup"})


@dataclass(frozen=True)
class FollowupGroup:
    """A follow-up sub-group of the province committee: members, the lead agency, a calendar."""

    name: str
    lead: str
    members: tuple[str, ...]
    calendar: str | None = None  # calendar key; None = no group calendar


def score_key(board: Scoreboard) -> str:
    return f"score/{board.fiscal_year}-Q{board.quarter}/province"


def followup_key(period: str, group: str) -> str:
    return f"followup/{period}/{group}"


def _slot(today: date, calendar: WorkingCalendar, at: time, minutes: int) -> tuple[datetime, datetime]:
    day = calendar.next_working_day(today + timedelta(days=1), inclusive=True)
    start = datetime.combine(day, at, tzinfo=BANGKOK)
    return start, start + timedelta(minutes=minutes)


def score_summary_event(board: Scoreboard, *, today: date, calendar: WorkingCalendar,
                        executives_calendar: str, at: time = time(9, 0)) -> DesiredEvent:
    """The quarter's scoreboard summary for executives (updated in place during the quarter)."""
    lines = [f"ผลการประเมินหน่วยงาน (PTS) ปีงบประมาณ พ.ศ. {board.fiscal_year} ไตรมาสที่ "
             f"{board.quarter} — ข้อมูล ณ วันที่ {format_thai_date(board.as_of)}",
             f"เกณฑ์: {board.criteria.name or board.criteria.file}"]
    if board.criteria.illustrative:
        lines.append("หมายเหตุ: เกณฑ์เป็นตัวอย่าง (ILLUSTRATIVE) ไม่ใช่เกณฑ์ทางการ")
    for gname, members in board.groups:
        lines += ["", f"{gname}:"]
        for a in members:
            tier = a.award.name_th if a.award else "ไม่ผ่านเกณฑ์"
            ded = f" (หัก {round2(a.deducted):g})" if a.deducted else ""
            lines.append(f"  {a.rank}. {a.agency}: {round2(a.total):.2f} คะแนน{ded} — {tier}")
    for gname, members in board.followup:
        avg = sum(m.total for m in members) / len(members)
        lines.append(f"กลุ่มติดตาม {gname}: {len(members)} หน่วยงาน คะแนนเฉลี่ย {round2(avg):.2f}")
    lines += ["", "รายละเอียดแต่ละคะแนน: แผ่นงาน 'รายละเอียดคะแนน' ในรายงาน", "— สร้างโดย procal"]
    tiers: dict[str, int] = {}
    for a in board.agencies:
        k = a.award.name_th if a.award else "ไม่ผ่านเกณฑ์"
        tiers[k] = tiers.get(k, 0) + 1
    order = [aw.name_th for aw in board.criteria.awards] + ["ไม่ผ่านเกณฑ์"]
    counts = " ".join(f"{k} {tiers[k]}" for k in order if k in tiers)
    start, end = _slot(today, calendar, at, 30)
    return DesiredEvent(
        key=score_key(board), kind="score", calendar=executives_calendar,
        summary=f"🏆 ผลการประเมินหน่วยงาน ไตรมาส {board.quarter}/{board.fiscal_year}: {counts}",
        description="\n".join(lines), start=start, end=end, color="on_time",
        extra={"procal_period": f"{board.fiscal_year}-Q{board.quarter}"})


def followup_events(recon: Reconciliation, groups: Sequence[FollowupGroup], *, today: date,
                    calendar: WorkingCalendar, period: str, at: time = time(13, 30),
                    minutes: int = 60, at_risk: Mapping[str, Sequence[str]] | None = None
                    ) -> list[DesiredEvent]:
    """One meeting proposal per group with a calendar and members below target (none when all
    members are on target: the sync then withdraws this period's proposal)."""
    by_name = {a.agency: a for a in recon.agencies}
    out = []
    start, end = _slot(today, calendar, at, minutes)
    for g in groups:
        if not g.calendar:
            continue
        behind = [by_name[m] for m in g.members if m in by_name and by_name[m].total.behind]
        if not behind:
            continue
        lines = [f"กลุ่มติดตาม: {g.name} (หน่วยงานหลัก: {g.lead})",
                 f"ข้อมูล ณ วันที่ {format_thai_date(recon.as_of)} ปีงบประมาณ พ.ศ. {recon.fiscal_year}",
                 "", f"สมาชิกที่ต่ำกว่าเป้าหมาย ({len(behind)} จาก {len(g.members)} หน่วยงาน):"]
        for a in behind:
            f = a.total
            lines.append(f"  - {a.agency}: เบิกจ่าย {pct2(f.disbursement_pct):.2f}% "
                         f"(เป้าหมาย {pct2(f.disbursement_target_pct):.2f}%) ต่ำกว่า "
                         f"{-pct2(f.disbursement_gap_pp):.2f} จุด ขาดอีก "
                         f"{pct2(f.disbursement_gap_baht):,.2f} บาท")
            for p in (at_risk or {}).get(a.agency, ()):
                lines.append(f"      โครงการเสี่ยง: {p}")
            for m in a.late_milestones[:5]:
                lines.append(f"      ล่าช้า: {m.project_id} {m.step_name_th} "
                             f"({m.slip_working_days} วันทำการ)")
        lines += ["", "ข้อเสนอ: ประชุมกลุ่มติดตามเพื่อหาแนวทางเร่งรัดการเบิกจ่ายของสมาชิกที่ต่ำกว่า"
                      "เป้าหมาย (นัดหมายนี้ถอนออกอัตโนมัติเมื่อสมาชิกทุกหน่วยงานถึงเป้าหมาย)",
                  "— สร้างโดย procal"]
        out.append(DesiredEvent(
            key=followup_key(period, g.name), kind="followup", calendar=g.calendar,
            summary=f"👥 เสนอประชุมกลุ่มติดตาม {g.name}: ต่ำกว่าเป้าหมาย {len(behind)} หน่วยงาน",
            description="\n".join(lines), start=start, end=end, color="due_soon",
            reminders=(Reminder(60),), extra={"procal_period": period}))
    return out


def group_copies(reminders: Iterable[DesiredEvent], groups: Sequence[FollowupGroup]
                 ) -> list[DesiredEvent]:
    """Each agency reminder copied to its follow-up group's calendar."""
    cal_of: dict[str, str] = {}
    for g in groups:
        if g.calendar:
            for m in g.members:
                cal_of.setdefault(m, g.calendar)
    out = []
    for ev in reminders:
        if ev.kind != "reminder":
            continue
        agency = ev.key.split("/", 2)[-1]
        cal = cal_of.get(agency)
        if cal and cal != ev.calendar:
            out.append(replace(ev, key=f"group/{cal}/{ev.key}", kind="followup", calendar=cal))
    return out


def plan_scoring_events(events: list[DesiredEvent], backend: CalendarBackend, ledger: Ledger, *,
                        namespace: str, current: Sequence[str], calendars: Iterable[str] = (),
                        **plan_kw) -> SyncPlan:
    """``plan_sync`` over score/followup events; only keys starting with one of ``current``
    (this quarter's summary, this month's proposals and copies) may be deleted."""
    plan_kw.setdefault("allow_mass_delete", True)
    plan = plan_sync(events, backend, ledger, namespace=namespace, kinds=SCORING_KINDS,
                     calendars=calendars, **plan_kw)
    mine = tuple(current)
    kept = {(o.calendar, o.event_id) for o in plan.ops
            if o.action == "delete" and not any(p in o.key for p in mine)}
    if kept:
        plan.ops = [o for o in plan.ops if (o.calendar, o.event_id) not in kept]
        plan.rows = [replace(r, action="unchanged", reason="earlier period, kept")
                     if (r.calendar, r.event_id) in kept and r.action == "delete" else r
                     for r in plan.rows]
        if plan.blocked and not any(o.action == "delete" for o in plan.ops):
            plan.blocked = None
    return plan


def sync_scoring_events(events: list[DesiredEvent], backend: CalendarBackend, ledger: Ledger, *,
                        namespace: str, current: Sequence[str], calendars: Iterable[str] = (),
                        dry_run: bool = False, **plan_kw) -> tuple[SyncPlan, SyncReport | None]:
    plan = plan_scoring_events(events, backend, ledger, namespace=namespace, current=current,
                               calendars=calendars, **plan_kw)
    if dry_run:
        return plan, None
    return plan, apply_sync(plan, backend, ledger)


__all__ = ["SCORING_KINDS", "FollowupGroup", "score_key", "followup_key", "score_summary_event",
           "followup_events", "group_copies", "plan_scoring_events", "sync_scoring_events"]
