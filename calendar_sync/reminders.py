"""Reminder events for executives (การติดตามเร่งรัดการเบิกจ่าย) from a reconciliation.

For each agency behind target or with late milestones: a timed event at 08:30 on the next working
day (Asia/Bangkok) on the executives' calendar, title and description in Thai with the figures, the
gap in baht, the late milestones and a request for the reason and a recovery plan. One event per
agency and period (period = fiscal year + month of the as-of date, e.g. ``2570-10``); its key is
``reminder/<period>/<agency>`` and its id ``event_id(namespace, key)``, so a rerun updates it
instead of duplicating it. An agency back on track has its event marked resolved (``resolved =
"mark"``) or removed (``resolved = "remove"``). One province summary event per period lists every
agency and the totals per budget source.

Synced by the generic engine (``calendar_sync.sync``) with ``kinds={"reminder", "summary"}``;
:func:`sync_reminders` keeps earlier periods' events (history) and only ever touches this period's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Callable, Iterable, Literal, Mapping, Sequence

from calendar_sync.backends import CalendarBackend
from calendar_sync.ledger import Ledger
from calendar_sync.model import BANGKOK, DesiredEvent, Reminder
from calendar_sync.sync import PlanRow, SyncPlan, SyncReport, apply_sync, plan_sync
from schedule_engine.dates import fiscal_year, format_thai_date, quarter_of
from schedule_engine.reconcile import (
    AgencyResult,
    Figures,
    Reconciliation,
    Severity,
    pct2,
)
from schedule_engine.targets import BUDGET_TYPE_TH
from schedule_engine.workcal import WorkingCalendar

REMINDER_KINDS = frozenset({"reminder", "summary"})
ResolvedMode = Literal["mark", "remove"]


@dataclass(frozen=True)
class ReminderOptions:
    """How reminder events look and when they fire (``[reconcile]`` in procal.toml)."""

    calendar: str = "executives"  # calendar key (SyncSettings.executives_calendar)
    at: time = time(8, 30)  # start, Asia/Bangkok, on the next working day
    duration_minutes: int = 30
    min_severity: Severity = Severity.WATCH  # remind from this severity up
    late_milestones: bool = True  # late plan steps also trigger a reminder
    resolved: ResolvedMode = "mark"  # an agency back on track: mark its event resolved, or remove
    summary: bool = True  # the province summary event
    popup_minutes: int = 0  # popup reminder before the event starts


def period_key(as_of: date) -> str:
    """``<fiscal year BE>-<month>`` of the as-of date, e.g. ``2570-10`` for 31 Oct 2569."""
    return f"{fiscal_year(as_of)}-{as_of.month:02d}"


def reminder_key(period: str, agency: str) -> str:
    return f"reminder/{period}/{agency}"


def summary_key(period: str) -> str:
    return f"summary/{period}/province"


def baht(amount: Decimal) -> str:
    """``1,234,567.50`` (2 dp, half-up)."""
    return f"{pct2(amount):,.2f}"


def pct(value: Decimal) -> str:
    return f"{pct2(value):.2f}"


def _gap_text(f: Figures) -> str:
    g = pct2(f.disbursement_gap_pp)
    if g >= 0:
        return f"สูงกว่าเป้าหมาย {g:.2f} จุด"
    return f"ต่ำกว่าเป้าหมาย {-g:.2f} จุด"


def _figure_lines(f: Figures) -> list[str]:
    lines = [
        f"ได้รับจัดสรร {baht(f.allocated)} บาท",
        f"เบิกจ่าย {baht(f.disbursed)} บาท = {pct(f.disbursement_pct)}% "
        f"(เป้าหมาย {pct(f.disbursement_target_pct)}%) {_gap_text(f)}",
        f"ใช้จ่าย (เบิกจ่าย + ก่อหนี้ผูกพัน) {baht(f.spent)} บาท = {pct(f.spending_pct)}% "
        f"(เป้าหมาย {pct(f.spending_target_pct)}%)",
    ]
    if f.disbursement_gap_baht > 0:
        lines.append(f"ต้องเบิกจ่ายเพิ่มอีก {baht(f.disbursement_gap_baht)} บาท เพื่อให้ถึงเป้าหมาย")
    return lines


def _header(recon: Reconciliation) -> list[str]:
    q = quarter_of(recon.as_of)
    mode = "เฉลี่ยตามวัน (pro-rata)" if recon.mode == "pro_rata" else "ณ สิ้นไตรมาส"
    lines = [f"ข้อมูล ณ วันที่ {format_thai_date(recon.as_of)} ปีงบประมาณ พ.ศ. {recon.fiscal_year} "
             f"ไตรมาสที่ {q} — เป้าหมาย{mode}"]
    if recon.illustrative_targets:
        lines.append("หมายเหตุ: เป้าหมายเป็นตัวอย่าง (ILLUSTRATIVE) ไม่ใช่มติคณะรัฐมนตรี")
    return lines


def _needs_reminder(a: AgencyResult, opts: ReminderOptions) -> bool:
    if a.worst_severity.rank >= opts.min_severity.rank and a.worst_severity is not Severity.ON_TRACK:
        return True
    return opts.late_milestones and bool(a.late_milestones)


def _slot(today: date, calendar: WorkingCalendar, at: time, minutes: int, offset: int = 0
          ) -> tuple[datetime, datetime]:
    day = calendar.next_working_day(today + timedelta(days=1), inclusive=True)
    start = datetime.combine(day, at, tzinfo=BANGKOK) + timedelta(minutes=offset)
    return start, start + timedelta(minutes=minutes)


def risk_lines(risks) -> list[str]:
    """The agency's projects that will miss their contract deadline: AT_RISK first (with the
    action and its date), then LOST (by how many working days). ``risks``: (project id, name,
    Forecast) in that order."""
    at_risk = [r for r in risks if r[2].state.value == "at_risk"]
    lost = [r for r in risks if r[2].state.value == "lost"]
    lines: list[str] = []
    if at_risk:
        lines.append(f"โครงการเสี่ยงลงนามสัญญาไม่ทันกำหนด ({len(at_risk)} โครงการ) — ต้องเร่งดำเนินการทันที:")
        lines += [f"  - {pid} {name}: {f.summary()}" for pid, name, f in at_risk]
    if lost:
        if lines:
            lines.append("")
        lines.append(f"โครงการที่ลงนามสัญญาไม่ทันกำหนดแล้ว ({len(lost)} โครงการ):")
        lines += [f"  - {pid} {name}: {f.summary()}" for pid, name, f in lost]
    illustrative = sorted({d.code for *_, f in risks for d in f.deadlines if d.illustrative})
    if illustrative:
        lines.append("หมายเหตุ: บางกำหนดมาจากมาตรการตัวอย่าง (ILLUSTRATIVE) ไม่ใช่ข้อสั่งการจริง")
    return lines


def agency_description(recon: Reconciliation, a: AgencyResult, resolved: bool = False,
                       risks=()) -> str:
    lines = [f"หน่วยงาน: {a.agency}", *_header(recon)]
    if risks and not resolved:
        lines += ["", *risk_lines(risks), ""]
    lines += [
             f"อันดับการเบิกจ่าย: {a.rank} จาก {len(recon.agencies)} หน่วยงาน", "",
             "ภาพรวมหน่วยงาน:", *(f"  {x}" for x in _figure_lines(a.total))]
    for ln in a.lines:
        f = ln.figures
        lines.append(f"{BUDGET_TYPE_TH[ln.budget_type]} ({', '.join(ln.budget_sources)}): "
                     f"{pct(f.disbursement_pct)}% เป้าหมาย {pct(f.disbursement_target_pct)}% "
                     f"— {f.severity.label_th}"
                     + (f" ขาดอีก {baht(f.disbursement_gap_baht)} บาท"
                        if f.disbursement_gap_baht > 0 else ""))
    if a.late_milestones:
        lines += ["", *_late_lines(a.late_milestones)]
    lines.append("")
    if resolved:
        lines.append("สถานะ: หน่วยงานดำเนินการได้ตามเป้าหมายแล้ว (แก้ไขแล้ว)")
    else:
        lines.append("ขอให้หน่วยงานชี้แจงสาเหตุที่ล่าช้า และเสนอแผนการเร่งรัดการเบิกจ่าย/แผนแก้ไข "
                     "ต่อผู้บริหารจังหวัด")
    lines.append("— สร้างโดย procal (ข้อมูลจาก GFMIS)")
    return "\n".join(lines)


# A reminder lists at most this many late steps / agencies (the worst first when cut): a phone
# shows a page of text, and one description must not grow with the province (186,094 characters
# for 5,000 projects before); the report workbook has the full list.
MAX_LISTED = 15


def _more(n: int, what: str) -> str:
    return f"  … และอีก {n} {what} (รายการทั้งหมดอยู่ในรายงาน procal-out/reports)"


def _late_lines(late, limit: int = MAX_LISTED) -> list[str]:
    late = list(late)
    lines = [f"ขั้นตอนการจัดซื้อจัดจ้างที่ล่าช้า ({len(late)} รายการ):"]
    shown = late if len(late) <= limit else sorted(
        late, key=lambda m: (-m.slip_working_days, m.planned, m.project_id))[:limit]
    for m in shown:
        lines.append(f"  - {m.project_id} {m.project_name}: {m.step_name_th} "
                     f"กำหนด {format_thai_date(m.planned)} ล่าช้า {m.slip_working_days} วันทำการ")
    if len(late) > limit:
        lines.append(_more(len(late) - limit, "รายการ"))
    return lines


def late_only_description(recon: Reconciliation, agency: str, late) -> str:
    """For an agency with late steps but no row in the disbursement tab."""
    return "\n".join([
        f"หน่วยงาน: {agency}", *_header(recon),
        "ไม่พบข้อมูลการเบิกจ่ายของหน่วยงานนี้ในแท็บเบิกจ่าย (ตรวจสอบชื่อหน่วยงานให้ตรงกับแผน)", "",
        *_late_lines(late), "",
        "ขอให้หน่วยงานชี้แจงสาเหตุที่ล่าช้า และเสนอแผนเร่งรัดการดำเนินงาน/แผนแก้ไข ต่อผู้บริหารจังหวัด",
        "— สร้างโดย procal"])


def agency_title(a: AgencyResult, resolved: bool = False, risks=()) -> str:
    f = a.total
    if resolved:
        return (f"✅ แก้ไขแล้ว: {a.agency} เบิกจ่าย {pct(f.disbursement_pct)}% "
                f"(เป้าหมาย {pct(f.disbursement_target_pct)}%)")
    parts = [f"⚠️ ติดตามเร่งรัดเบิกจ่าย: {a.agency} {pct(f.disbursement_pct)}% "
             f"(เป้าหมาย {pct(f.disbursement_target_pct)}%)"]
    if f.disbursement_gap_baht > 0:
        parts.append(f"ขาด {baht(f.disbursement_gap_baht)} บาท")
    if a.late_milestones:
        parts.append(f"ล่าช้า {len(a.late_milestones)} ขั้นตอน")
    n_risk = sum(1 for r in risks if r[2].state.value == "at_risk")
    n_lost = sum(1 for r in risks if r[2].state.value == "lost")
    if n_risk:
        parts.append(f"เสี่ยงลงนามไม่ทัน {n_risk} โครงการ")
    if n_lost:
        parts.append(f"ไม่ทันกำหนด {n_lost} โครงการ")
    return " ".join(parts)


def summary_description(recon: Reconciliation) -> str:
    p = recon.province
    lines = [*_header(recon), "", "ภาพรวมจังหวัด:", *(f"  {x}" for x in _figure_lines(p)), "",
             "แยกตามแหล่งงบประมาณ:"]
    for s in recon.by_budget_source:
        f = s.figures
        lines.append(f"  - {s.budget_source}: จัดสรร {baht(f.allocated)} เบิกจ่าย {baht(f.disbursed)} "
                     f"= {pct(f.disbursement_pct)}% (เป้าหมาย {pct(f.disbursement_target_pct)}%)")
    lines += ["", "แยกตามประเภทงบประมาณ:"]
    for bt, f in recon.by_budget_type:
        lines.append(f"  - {BUDGET_TYPE_TH[bt]}: {pct(f.disbursement_pct)}% "
                     f"(เป้าหมาย {pct(f.disbursement_target_pct)}%)")
    lines += ["", "อันดับหน่วยงาน (ร้อยละการเบิกจ่าย):"]
    agencies = list(recon.agencies)
    if len(agencies) > 2 * MAX_LISTED:  # the best and the worst, not every agency of a country
        lines += _rank_lines(agencies[:MAX_LISTED])
        lines.append(_more(len(agencies) - 2 * MAX_LISTED, "หน่วยงาน"))
        agencies = agencies[-MAX_LISTED:]
    lines += _rank_lines(agencies)
    if recon.unmatched_late:
        unmatched = list(recon.unmatched_late.items())
        lines += ["", "หน่วยงานที่มีขั้นตอนล่าช้าแต่ไม่มีข้อมูลการเบิกจ่าย:"]
        lines += [f"  - {a}: ล่าช้า {len(ms)} ขั้นตอน" for a, ms in unmatched[:MAX_LISTED]]
        if len(unmatched) > MAX_LISTED:
            lines.append(_more(len(unmatched) - MAX_LISTED, "หน่วยงาน"))
    lines.append("— สร้างโดย procal (ข้อมูลจาก GFMIS)")
    return "\n".join(lines)


def _rank_lines(agencies) -> list[str]:
    lines = []
    for a in agencies:
        f = a.total
        mark = "✓" if not a.needs_attention else "⚠"
        late = f" ล่าช้า {len(a.late_milestones)} ขั้นตอน" if a.late_milestones else ""
        lines.append(f"  {a.rank}. {mark} {a.agency}: {pct(f.disbursement_pct)}% "
                     f"(เป้าหมาย {pct(f.disbursement_target_pct)}%) {f.severity.label_th}{late}")
    return lines


def reminder_events(recon: Reconciliation, *, today: date, calendar: WorkingCalendar,
                    options: ReminderOptions = ReminderOptions(),
                    previously_reminded: Iterable[str] = (),
                    risks: Mapping[str, Sequence[tuple]] | None = None) -> list[DesiredEvent]:
    """The executives' desired reminder and summary events for this reconciliation.

    ``previously_reminded``: event keys already on the calendar (or in the ledger) — an agency now
    on track whose key is there gets a "resolved" event (``resolved="mark"``), or none at all
    (``"remove"``, so the sync deletes it).

    ``risks``: agency → (project id, name, ``Forecast``) of its AT_RISK and LOST projects (AT_RISK
    first); they lead the agency's description and trigger a reminder on their own.
    """
    risks = {k: list(v) for k, v in (risks or {}).items() if v}
    period = period_key(recon.as_of)
    earlier = set(previously_reminded)
    start, end = _slot(today, calendar, options.at, options.duration_minutes)
    popups = (Reminder(options.popup_minutes),)
    out: list[DesiredEvent] = []
    for a in recon.agencies:
        key = reminder_key(period, a.agency)
        mine = risks.get(a.agency, ())
        active = _needs_reminder(a, options) or bool(mine)
        if not active and (key not in earlier or options.resolved == "remove"):
            continue
        out.append(DesiredEvent(
            key=key, kind="reminder", calendar=options.calendar,
            summary=agency_title(a, resolved=not active, risks=mine),
            description=agency_description(recon, a, resolved=not active, risks=mine),
            start=start, end=end, color=("done" if not active else _colour(a)),
            reminders=popups if active else (),
            extra={"procal_period": period, "procal_status": "open" if active else "resolved"}))
    listed_now = {a.agency for a in recon.agencies}
    for agency, mine in risks.items():  # agencies with no disbursement row, only risks
        if agency in listed_now or (options.late_milestones and agency in recon.unmatched_late):
            continue
        n = sum(1 for r in mine if r[2].state.value == "at_risk")
        out.append(DesiredEvent(
            key=reminder_key(period, agency), kind="reminder", calendar=options.calendar,
            summary=f"⚠️ เสี่ยงลงนามสัญญาไม่ทัน: {agency} {n} โครงการ"
                    + (f" ไม่ทันกำหนด {len(mine) - n} โครงการ" if len(mine) > n else ""),
            description="\n".join([f"หน่วยงาน: {agency}", *_header(recon), "", *risk_lines(mine),
                                   "", "ขอให้หน่วยงานเร่งดำเนินการตามกำหนดข้างต้น — สร้างโดย procal"]),
            start=start, end=end, color="late" if n == 0 else "due_soon", reminders=popups,
            extra={"procal_period": period, "procal_status": "open"}))
    if options.late_milestones:
        for agency, late in recon.unmatched_late.items():
            key = reminder_key(period, agency)
            mine = risks.get(agency, ())
            desc = late_only_description(recon, agency, late)
            if mine:
                head, rest = desc.split("\n", 1)
                desc = "\n".join([head, *risk_lines(mine), rest])
            out.append(DesiredEvent(
                key=key, kind="reminder", calendar=options.calendar,
                summary=f"⚠️ ติดตามขั้นตอนจัดซื้อจัดจ้างที่ล่าช้า: {agency} ล่าช้า {len(late)} ขั้นตอน"
                        + (f" เสี่ยงลงนามไม่ทัน {len(mine)} โครงการ" if mine else ""),
                description=desc,
                start=start, end=end, color="late", reminders=popups,
                extra={"procal_period": period, "procal_status": "open"}))
    if options.resolved == "mark":  # earlier reminders of agencies no longer listed at all
        listed = {a.agency for a in recon.agencies} | set(recon.unmatched_late) | set(risks)
        prefix = f"reminder/{period}/"
        for key in sorted(k for k in earlier if k.startswith(prefix)):
            agency = key[len(prefix):]
            if agency in listed:
                continue
            out.append(DesiredEvent(
                key=key, kind="reminder", calendar=options.calendar,
                summary=f"✅ แก้ไขแล้ว: {agency}",
                description="\n".join([f"หน่วยงาน: {agency}", *_header(recon),
                                       "สถานะ: ไม่มีรายการที่ต้องติดตามแล้ว (แก้ไขแล้ว)",
                                       "— สร้างโดย procal"]),
                start=start, end=end, color="done",
                extra={"procal_period": period, "procal_status": "resolved"}))
    if options.summary:
        s_start, s_end = _slot(today, calendar, options.at, options.duration_minutes,
                               offset=-options.duration_minutes)
        p = recon.province
        out.append(DesiredEvent(
            key=summary_key(period), kind="summary", calendar=options.calendar,
            summary=(f"📊 สรุปการเบิกจ่ายจังหวัด ณ {format_thai_date(recon.as_of)}: "
                     f"{pct(p.disbursement_pct)}% (เป้าหมาย {pct(p.disbursement_target_pct)}%) "
                     f"ต้องติดตาม {sum(1 for a in recon.agencies if _needs_reminder(a, options))} "
                     f"หน่วยงาน"),
            description=summary_description(recon), start=s_start, end=s_end,
            color="on_time" if p.severity is Severity.ON_TRACK else "due_soon",
            reminders=popups, extra={"procal_period": period}))
    return out


def _colour(a: AgencyResult) -> str:
    sev = a.worst_severity
    if sev in (Severity.BEHIND, Severity.CRITICAL):
        return "late"
    return "due_soon"


def existing_reminder_keys(backend: CalendarBackend, ledger: Ledger | None, *, namespace: str,
                           calendar: str) -> set[str]:
    """Keys of procal reminder events already on ``calendar`` (listing) or in the ledger."""
    recorded = getattr(backend, "list_recorded", None)  # ICS: the ledger's record, no parsing
    listed = (recorded(calendar, namespace, ledger) if recorded is not None and ledger is not None
              else backend.list_tagged(calendar, namespace))
    keys = {r.key for r in listed.values() if r.kind == "reminder" and not r.cancelled}
    if ledger is not None:
        keys |= {e.key for e in ledger.entries(namespace, {"reminder"}).values()
                 if e.calendar == calendar}
    return keys


def plan_reminders(events: list[DesiredEvent], backend: CalendarBackend, ledger: Ledger, *,
                   namespace: str, period: str, **plan_kw) -> SyncPlan:
    """``plan_sync`` over reminder/summary events, keeping every other period's events (history):
    only this period's events may be deleted. Deleting this period's reminders of agencies that
    caught up is the design (``resolved="remove"``), so the mass-delete guard is off by default."""
    plan_kw.setdefault("allow_mass_delete", True)
    plan = plan_sync(events, backend, ledger, namespace=namespace, kinds=REMINDER_KINDS,
                     **plan_kw)
    mine = (f"reminder/{period}/", f"summary/{period}/")
    kept_ids = {(o.calendar, o.event_id) for o in plan.ops
                if o.action == "delete" and not o.key.startswith(mine)}
    if kept_ids:
        plan.ops = [o for o in plan.ops if (o.calendar, o.event_id) not in kept_ids]
        plan.rows = [replace(r, action="unchanged", reason="earlier period, kept")
                     if (r.calendar, r.event_id) in kept_ids and r.action == "delete" else r
                     for r in plan.rows]
        if plan.blocked and not any(o.action == "delete" for o in plan.ops):
            plan.blocked = None
    return plan


def sync_reminders(events: list[DesiredEvent], backend: CalendarBackend, ledger: Ledger, *,
                   namespace: str, period: str, dry_run: bool = False,
                   progress: Callable[[int], None] | None = None, **plan_kw
                   ) -> tuple[SyncPlan, SyncReport | None]:
    """Plan (and unless ``dry_run`` apply) the executives' reminder events for ``period``."""
    plan = plan_reminders(events, backend, ledger, namespace=namespace, period=period, **plan_kw)
    if dry_run:
        return plan, None
    return plan, apply_sync(plan, backend, ledger, progress=progress)


__all__ = [
    "REMINDER_KINDS", "ReminderOptions", "period_key", "reminder_key", "summary_key",
    "reminder_events", "existing_reminder_keys", "plan_reminders", "sync_reminders",
    "agency_title", "agency_description", "summary_description", "PlanRow", "risk_lines",
]
