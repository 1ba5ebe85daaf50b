"""Every computed date explains itself: which rule, how many days, which days it skipped."""

from __future__ import annotations

from datetime import date

from schedule_engine.catalogue import format_baht
from schedule_engine.dates import format_date, weekday_name
from schedule_engine.model import Milestone, Timeline
from schedule_engine.workcal import WorkingCalendar

_UNIT = {
    "th": {"working": "วันทำการ", "calendar": "วัน (ปฏิทิน)"},
    "en": {"working": "working days", "calendar": "calendar days"},
}
_CONF = {"P": "primary text", "T": "Gazette translation", "S": "secondary source", "U": "unverified / practice"}


def _skipped_text(days: tuple[date, ...], calendar: WorkingCalendar, lang: str) -> str:
    named = [(d, calendar.holiday_name(d, lang)) for d in days]
    holidays = [f"{format_date(d, lang)} {n}" for d, n in named if n]
    weekends = sum(1 for _, n in named if not n)
    parts = []
    if holidays:
        parts.append(("วันหยุด: " if lang == "th" else "holidays: ") + "; ".join(holidays))
    if weekends:
        parts.append(f"เสาร์-อาทิตย์ {weekends} วัน" if lang == "th"
                     else f"{weekends} weekend day" + ("s" if weekends != 1 else ""))
    return ", ".join(parts)


def min_text(min_days: int | None, lang: str = "th") -> str:
    """A legal minimum as people read it: the number, or that it is unknown (never 0)."""
    if min_days is None:
        return "ไม่ทราบ (ตรวจสอบระเบียบ)" if lang == "th" else "unknown (check the regulation)"
    return str(min_days)


def explain(milestone: Milestone, calendar: WorkingCalendar, lang: str = "th") -> str:
    """One or two lines saying how ``milestone.end`` was computed."""
    m = milestone
    name = m.name_th if lang == "th" else m.name_en
    unit = _UNIT["en" if lang != "th" else "th"][m.unit]
    if lang != "th":  # "1 working day", "7 working days"
        unit = (unit if m.days != 1 else unit.removesuffix("s"))
    if lang == "th":
        text = (f"{name} [{m.code}]: {m.days} {unit} (ขั้นต่ำ {min_text(m.min_days, lang)}) ตาม {m.legal_ref} "
                f"[ความเชื่อมั่น {m.confidence}] นับจาก {format_date(m.start, lang)} (ไม่นับวันแรก) "
                f"→ {weekday_name(m.end, lang)} {format_date(m.end, lang)}")
        if m.days == 0:
            text += " (วันเดียวกัน)"
        if m.rolled_from:
            text += f"; ครบกำหนด {format_date(m.rolled_from, lang)} ซึ่งเป็นวันหยุด จึงเลื่อนเป็นวันทำการถัดไป"
        skipped = _skipped_text(m.skipped, calendar, lang)
        if skipped:
            text += f"; ข้าม {skipped}"
    else:
        text = (f"{name} [{m.code}]: {m.days} {unit} (minimum {min_text(m.min_days, lang)}) under {m.legal_ref} "
                f"[confidence {m.confidence}: {_CONF.get(m.confidence, '?')}] counted from "
                f"{format_date(m.start, lang)} (first day not counted) → "
                f"{weekday_name(m.end, lang)} {format_date(m.end, lang)}")
        if m.days == 0:
            text += " (same day)"
        if m.rolled_from:
            text += (f"; {format_date(m.rolled_from, lang)} is not a working day, so it moves to the "
                     "next working day")
        skipped = _skipped_text(m.skipped, calendar, lang)
        if skipped:
            text += f"; skipped {skipped}"
    return text


def explain_timeline(timeline: Timeline, calendar: WorkingCalendar, lang: str = "th") -> str:
    """All steps of a timeline, one explanation per line, with a heading."""
    t = timeline
    if lang == "th":
        head = (f"{t.method_name_th} วงเงิน {format_baht(t.budget)} บาท (ช่วง {t.tier_label}); "
                f"เริ่ม {format_date(t.start, lang)} → ลงนามสัญญา {format_date(t.contract_date, lang)}")
        if t.direction == "backward" and t.contract_by:
            head += f" (คำนวณย้อนจากกำหนดลงนาม {format_date(t.contract_by, lang)}: วันเริ่มช้าที่สุด)"
    else:
        head = (f"{t.method_name_en}, budget {format_baht(t.budget)} baht (tier {t.tier_label}); "
                f"start {format_date(t.start, lang)} → contract {format_date(t.contract_date, lang)}")
        if t.direction == "backward" and t.contract_by:
            head += f" (backward from the deadline {format_date(t.contract_by, lang)}: latest start)"
    lines = [head] + [f"{i}. {explain(m, calendar, lang)}" for i, m in enumerate(t.steps, start=1)]
    return "\n".join(lines)
