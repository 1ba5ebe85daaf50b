"""Key milestones of every project as desired calendar events (all-day, Thai titles, routed).

Projects marked ``exclude_from_sync`` (ไม่ต้องลงปฏิทิน) produce no events, so their existing events
are deleted: an explicit opt-out, unlike a row that could not be read (held: its events stay).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable, Mapping

from calendar_sync.model import MAX_REMINDER_MINUTES, MAX_REMINDERS, DesiredEvent, Reminder
from calendar_sync.settings import SyncSettings
from schedule_engine.model import Milestone, ProjectPlan, StepProgress, StepState, Timeline

KIND = "milestone"

STATE_TH = {
    StepState.DONE: "ดำเนินการแล้ว",
    StepState.ON_TIME: "ตามแผน",
    StepState.DUE_SOON: "ใกล้ถึงกำหนด",
    StepState.LATE: "ล่าช้า",
}


def milestone_key(project_id: str, step_code: str) -> str:
    return f"m/{project_id}/{step_code}"


def executive_key(project_id: str, step_code: str) -> str:
    return f"x/{project_id}/{step_code}"


def route(plan: ProjectPlan, settings: SyncSettings) -> str:
    """Calendar key for a project's events: row override, else agency map, else province."""
    if plan.calendar:
        return plan.calendar
    return settings.agency_calendars.get(plan.agency, settings.province_calendar)


def reminders_for(milestone_day: date, step_code: str, settings: SyncSettings,
                  calendar: Any) -> tuple[Reminder, ...]:
    """The reminder ladder for an all-day event on ``milestone_day`` (minutes before 00:00)."""
    out: set[Reminder] = set()
    for rule in settings.reminders:
        if rule.steps and step_code not in rule.steps:
            continue
        if rule.working_days_before is not None:
            when = calendar.sub_working_days(milestone_day, rule.working_days_before)
        else:
            when = milestone_day - timedelta(days=rule.days_before or 0)
        minutes = (milestone_day - when).days * 1440 - (rule.at.hour * 60 + rule.at.minute)
        if 0 <= minutes <= MAX_REMINDER_MINUTES:
            out.add(Reminder(minutes, rule.method))  # type: ignore[arg-type]
    return tuple(sorted(out, key=lambda r: (r.minutes, r.method)))[:MAX_REMINDERS]


def _baht(amount: Decimal) -> str:
    return f"{amount:,.2f} บาท"


def _thai_date(d: date | None) -> str:
    if d is None:
        return "-"
    try:
        from schedule_engine.dates import format_thai_date

        return f"{format_thai_date(d)} ({d.isoformat()})"
    except Exception:  # pragma: no cover - engine helper missing
        return d.isoformat()


def method_text(name_th: str, code: str) -> str:
    """The method's Thai name with its code once: ``วิธีเฉพาะเจาะจง (specific)``, but
    ``ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)`` as it is (the name already carries the code)."""
    return name_th if f"({code})" in name_th else f"{name_th} ({code})"


def stable_sheet_link(url: str) -> str:
    """The sheet link without its row range (``#gid=7&range=14:14`` → ``#gid=7``)."""
    base, sep, fragment = url.partition("#")
    if not sep:
        return url
    keep = [part for part in fragment.split("&") if not part.startswith("range=")]
    return base + ("#" + "&".join(keep) if keep else "")


def _description(plan: ProjectPlan, tl: Timeline, step: Milestone, actual: date | None,
                 state: StepState, slip: int, link: str | None) -> str:
    lines = [
        f"รหัสโครงการ: {plan.project_id}",
        f"โครงการ: {plan.name}",
        f"หน่วยงาน: {plan.agency}",
        f"วงเงิน: {_baht(plan.amount)}",
        f"วิธีจัดหา: {method_text(tl.method_name_th, tl.method)}, ระดับวงเงิน {tl.tier_label}",
        f"ขั้นตอน: {step.name_th} ({step.code})",
        f"ข้อกฎหมาย: {step.legal_ref}",
        f"วันที่ตามแผน: {_thai_date(step.end)}",
        f"วันที่ดำเนินการจริง: {_thai_date(actual)}",
        f"สถานะ: {STATE_TH[state]}" + (f" (คลาดเคลื่อน {slip:+d} วันทำการ)" if slip else ""),
    ]
    # The link names the plan tab and the project id, never the row number: rows shift whenever an
    # agency inserts, deletes or sorts rows, and a row number in the description would rewrite
    # every event below the edit (thousands of writes against Google's quota for one deleted row).
    if link:
        lines.append(f"แผนในชีต: {stable_sheet_link(link)} (รหัสโครงการ {plan.project_id})")
    elif plan.source_ref is not None:
        lines.append(f"แผนในชีต: {plan.source_ref.source} / {plan.source_ref.sheet} "
                     f"(รหัสโครงการ {plan.project_id})")
    lines.append("สร้างโดย procal — แก้ไขที่แผนในชีต การแก้ไขในปฏิทินจะถูกเขียนทับ")
    return "\n".join(lines)


def _progress_map(progress: Any) -> dict[tuple[str, str], date | None]:
    out: dict[tuple[str, str], date | None] = {}
    if progress is None:
        return out
    if isinstance(progress, Mapping):
        for pid, steps in progress.items():
            if isinstance(steps, Mapping):
                for code, v in steps.items():
                    out[(pid, code)] = v.actual if isinstance(v, StepProgress) else v
        return out
    for p in progress:
        if isinstance(p, StepProgress) and p.actual is not None:
            out[(p.project_id, p.step_code)] = p.actual
    return out


def milestone_events(book_or_parts: Any, *, settings: SyncSettings, calendar: Any,
                     today: date, source_url=None, forecasts: Mapping[str, Any] | None = None
                     ) -> list[DesiredEvent]:
    """Desired events for the configured steps of every plan.

    ``book_or_parts``: a ``sheets_io`` ``PlanBook`` (``plans``, ``timelines``, ``progress``,
    ``source_url()``) or a tuple ``(plans, timelines, progress)``. ``calendar``: the engine's
    ``WorkingCalendar`` (status, slip, working-day reminders). ``forecasts`` (project id →
    ``schedule_engine.forecast.Forecast``; default: the book's ``forecasts``): the pending events
    of an AT_RISK or LOST project carry a title prefix and a note with the action.
    """
    from schedule_engine import step_status

    if isinstance(book_or_parts, tuple):
        plans, timelines, progress = book_or_parts
        url_of = source_url
    else:
        plans, timelines, progress = (book_or_parts.plans, book_or_parts.timelines,
                                      book_or_parts.progress)
        url_of = source_url or getattr(book_or_parts, "source_url", None)
    actuals = _progress_map(progress)
    forecasts = forecasts if forecasts is not None else (
        {} if isinstance(book_or_parts, tuple) else getattr(book_or_parts, "forecasts", None) or {})
    wanted_steps = list(dict.fromkeys(settings.event_steps))
    exec_steps = set(settings.executive_steps)
    events: list[DesiredEvent] = []
    ladders: dict[tuple[date, str], tuple[Reminder, ...]] = {}  # projects share days and steps
    for plan in _iter(plans):
        if plan.exclude_from_sync:
            continue
        tl = timelines.get(plan.project_id)
        if tl is None:
            continue
        link = url_of(plan.project_id) if url_of else None
        cal_key = route(plan, settings)
        steps = {s.code: s for s in tl.steps}
        for code in wanted_steps:
            step = steps.get(code)
            if step is None:
                continue  # e.g. draft_hearing where the method/tier has none
            actual = actuals.get((plan.project_id, code))
            st = step_status(step.end, actual, today, calendar, settings.due_soon_working_days)
            day = actual or step.end
            summary = f"{step.name_th}: {plan.name} ({plan.agency})"
            description = _description(plan, tl, step, actual, st.state, st.slip_working_days,
                                       link)
            fc = forecasts.get(plan.project_id)
            if fc is not None and st.state is not StepState.DONE:
                summary, description = _risk_marked(fc, summary, description)
            if st.state is StepState.DONE:
                reminders = ()
            else:
                reminders = ladders.get((day, code))
                if reminders is None:
                    reminders = ladders[day, code] = reminders_for(day, code, settings, calendar)
            attendees = (plan.officer_email,) if settings.invite_officers and plan.officer_email \
                else ()
            common = dict(kind=KIND, summary=summary, description=description, all_day=day,
                          color=st.state, reminders=reminders, project_id=plan.project_id,
                          extra={"procal_step": code})
            events.append(DesiredEvent(key=milestone_key(plan.project_id, code),
                                       calendar=cal_key, attendees=attendees, **common))
            if settings.executives_calendar and code in exec_steps:
                events.append(DesiredEvent(key=executive_key(plan.project_id, code),
                                           calendar=settings.executives_calendar,
                                           attendees=tuple(settings.executives), **common))
    return events


RISK_PREFIX = {"at_risk": "⚠️ เสี่ยงไม่ทัน: ", "lost": "⛔ ไม่ทันกำหนด: "}


def _risk_marked(fc: Any, summary: str, description: str) -> tuple[str, str]:
    """Title prefix and a description note for a project that will miss its deadline."""
    prefix = RISK_PREFIX.get(getattr(fc.state, "value", ""))
    if prefix is None:
        return summary, description
    d = fc.deadline
    note = [f"การคาดการณ์: {fc.state.label_th}"
            + (f" — กำหนดลงนามสัญญา {_thai_date(d.date)} ({d.label()})" if d else ""),
            f"คาดว่าจะลงนามสัญญา {_thai_date(fc.expected_contract)}, เร็วที่สุด "
            f"{_thai_date(fc.earliest_contract)}" + (" (ไม่แน่นอน)" if fc.earliest_uncertain else ""),
            f"ต้องทำ: {fc.summary()}"]
    lines = description.split("\n")
    return prefix + summary, "\n".join([*lines[:-1], *note, lines[-1]])


def _iter(plans: Iterable[ProjectPlan] | Mapping[str, ProjectPlan]) -> Iterable[ProjectPlan]:
    return plans.values() if isinstance(plans, Mapping) else plans
