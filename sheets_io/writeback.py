"""Results written back where agencies can see them: the ``schedule`` and ``status`` tabs.

One batch per run (``TableSource.write_tabs``); the tabs agencies type into are never modified.
A held project (its row failed this run) keeps the schedule rows it had last time, marked held.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from schedule_engine import StepState, WorkingCalendar, default_calendar, step_status
from schedule_engine.i18n import N_, t
from schedule_engine.dates import format_thai_date
from sheets_io.cells import clean_text
from sheets_io.plans import OK, PlanBook
from sheets_io.safecell import cell_value as _cell_for_output
from sheets_io.tables import TableSource, normalise_header, open_source

STATE_WORDS = {
    StepState.DONE: ("done", "ดำเนินการแล้ว"),
    StepState.ON_TIME: ("on time", "ตามแผน"),
    StepState.DUE_SOON: ("due soon", "ใกล้ถึงกำหนด"),
    StepState.LATE: ("late", "ล่าช้า"),
}

SCHEDULE_HEADER = [
    "รหัสโครงการ (project id)", "หน่วยงาน (agency)", "ชื่อโครงการ (project)", "วิธี (method)",
    "ลำดับ (#)", "รหัสขั้นตอน (step)", "ขั้นตอน (step name)", "วันที่ตามแผน (planned, พ.ศ.)",
    "planned (ISO)", "วันที่ดำเนินการจริง (actual, พ.ศ.)", "actual (ISO)", "สถานะ (status)",
    "สถานะ (ไทย)", "คลาดเคลื่อน วันทำการ (slip, working days)", "ปัญหาอุปสรรค (note)",
    "แถวในแผน (plan row)", "procal",
    # early warning (schedule_engine.forecast): per step, then the project's contract forecast
    "คาดการณ์ (expected, พ.ศ.)", "เริ่มได้ช้าสุด (latest safe start, พ.ศ.)",
    "ลงนามสัญญา คาดการณ์ (expected contract)", "ลงนามสัญญา เร็วที่สุด (earliest contract)",
    "การคาดการณ์ (forecast)",
]
STATUS_HEADER = [
    "แท็บ (tab)", "แถว (row)", "รหัสโครงการ (project id)", "สถานะ (status)", "ข้อความ (message)",
    "ตรวจเมื่อ (checked)",
    "ลงนามสัญญา คาดการณ์ (expected contract)", "ลงนามสัญญา เร็วที่สุด (earliest contract)",
    "การคาดการณ์ (forecast)", "กำหนดที่ใช้ (binding deadline)", "ต้องทำ (action)",
]


def _thai(d: date | None) -> str:
    return format_thai_date(d) if d else ""


def forecast_cells(f) -> list[object]:
    """The project's forecast as cells: expected, earliest contract date, state (Thai)."""
    if f is None:
        return ["", "", ""]
    earliest = _thai(f.earliest_contract)
    if earliest and f.earliest_uncertain:
        earliest += " (ไม่แน่นอน)"
    return [_thai(f.expected_contract), earliest, f.state.label_th]


@dataclass(frozen=True)
class WriteReport:
    written: bool  # False when write_back is off in settings
    tabs: dict[str, int] = field(default_factory=dict)  # tab -> data rows written
    carried_over: int = 0  # schedule rows kept for held projects
    held_projects: tuple[str, ...] = ()
    unchanged: bool = False  # the tabs already held these rows: nothing was rewritten
    target: str = ""  # where the tabs went: the Google Sheet, or procal's own <name>.procal.xlsx

    @property
    def note(self) -> str:
        """One line for people: where the tabs went (and, for a workbook, that theirs is untouched)."""
        if not self.written:
            return ""
        tabs = ", ".join(self.tabs)
        if self.target.lower().endswith(".procal.xlsx"):
            return t(N_("wrote {tabs} to {target}; the agencies' workbook is left untouched so "
                        "its shapes, text boxes and charts survive"), tabs=tabs, target=self.target)
        return t(N_("wrote {tabs} to {target}"), tabs=tabs, target=self.target)


def schedule_rows(book: PlanBook, *, today: date, calendar: WorkingCalendar,
                  due_soon_working_days: int | None = None) -> list[list[object]]:
    """The schedule tab (header + one row per project and step), held projects carried over."""
    window = (book.settings.due_soon_working_days if due_soon_working_days is None
              else due_soon_working_days)
    rows: list[list[object]] = [list(SCHEDULE_HEADER)]
    forecasts = getattr(book, "forecasts", None) or {}
    for plan in book.plans:
        tl = book.timelines[plan.project_id]
        progress = book.progress_for(plan.project_id)
        fc = forecasts.get(plan.project_id)
        project_cells = forecast_cells(fc)
        step_fc = {s.code: s for s in fc.steps} if fc is not None else {}
        for i, m in enumerate(tl.steps, start=1):
            pr = progress.get(m.code)
            actual = pr.actual if pr else None
            st = step_status(m.end, actual, today, calendar, window)
            en, th = STATE_WORDS[st.state]
            rows.append([
                plan.project_id, plan.agency, plan.name, tl.method, i, m.code, m.name_th,
                format_thai_date(m.end), m.end.isoformat(),
                format_thai_date(actual) if actual else "", actual.isoformat() if actual else "",
                en, th, st.slip_working_days, pr.note if pr else "",
                plan.source_ref.row if plan.source_ref else "", "ok",
                _thai(step_fc[m.code].expected) if m.code in step_fc else "",
                _thai(step_fc[m.code].latest_safe_start) if m.code in step_fc else "",
                *project_cells,
            ])
    rows.extend(_carried_over(book))
    return rows


def _carried_over(book: PlanBook) -> list[list[object]]:
    """Last run's schedule rows of held projects (so nothing is lost because a row failed)."""
    prev = book.previous_tabs.get(book.settings.schedule_tab)
    if prev is None or not book.held_project_ids or prev.is_empty:  # read only when needed
        return []
    grid = prev.grid
    header = [normalise_header(h) for h in grid[0]]
    try:
        id_col = header.index(normalise_header(SCHEDULE_HEADER[0]))
    except ValueError:
        return []
    flag_col = header.index("procal") if "procal" in header else None
    out = []
    for r in grid[1:]:
        if id_col < len(r) and clean_text(r[id_col]) in book.held_project_ids:
            row = [("" if v is None else v) for v in r] + [""] * max(0, len(SCHEDULE_HEADER) - len(r))
            row = row[: len(SCHEDULE_HEADER)]
            if flag_col is not None and flag_col < len(row):
                row[flag_col] = "held: plan row has errors, see the status tab"
            out.append(row)
    return out


def status_rows(book: PlanBook, *, checked: str) -> list[list[object]]:
    """The status tab: one row per plan row (OK or the message) plus progress-tab problems."""
    s = book.settings
    plans_title = book.tables[s.plans_tab].tab if s.plans_tab in book.tables else s.plans_tab
    rows: list[list[object]] = [list(STATUS_HEADER)]
    forecasts = getattr(book, "forecasts", None) or {}
    for row in sorted(book.row_status):
        msg = book.row_status[row]
        pid = book.row_ids.get(row, "")
        state = OK if msg == OK else ("held" if pid else "error")
        fc = forecasts.get(pid) if msg == OK else None
        extra = forecast_cells(fc) + (["", ""] if fc is None else [
            f"{_thai(fc.deadline.date)} {fc.deadline.label()}" if fc.deadline else "",
            fc.summary() if fc.state.value in ("at_risk", "lost") else ""])
        rows.append([plans_title, row, pid, state, "" if msg == OK else msg, checked, *extra])
    for err in book.problems:
        if err.location.sheet == plans_title:
            continue
        col = f"{err.location.column}: " if err.location.column else ""
        rows.append([err.location.sheet or "", err.location.row or "", "", "error", f"{col}{err.reason}" + (f" — {err.hint}" if err.hint else ""),
                     checked, "", "", "", "", ""])
    return rows


def write_back(source: TableSource | str | None, book: PlanBook, *, today: date,
               calendar: WorkingCalendar | None = None) -> WriteReport:
    """Write the schedule and status tabs to ``source`` (default: the book's) in one batch."""
    src = book.source if source is None else (
        open_source(source, settings=book.settings) if isinstance(source, str) else source)
    if not book.settings.write_back:
        return WriteReport(written=False)
    calendar = calendar or default_calendar()
    checked = datetime.now(ZoneInfo("Asia/Bangkok")).strftime("%Y-%m-%d %H:%M")
    sched = schedule_rows(book, today=today, calendar=calendar)
    status = status_rows(book, checked=checked)
    carried = len(_carried_over(book))
    checked_col = STATUS_HEADER.index("ตรวจเมื่อ (checked)")
    stamp = rows_stamp({book.settings.schedule_tab: sched, book.settings.status_tab: status},
                       ignore={book.settings.status_tab: checked_col})
    written = src.written_stamp() if src is book.source else None
    if written is not None:  # procal's own workbook, as procal left it: compare the stamps
        same = written == stamp
    else:  # compare the rows as read this run
        same = (src is book.source
                and _same_rows(book.previous_tabs.get(book.settings.schedule_tab), sched)
                and _same_rows(book.previous_tabs.get(book.settings.status_tab), status,
                               ignore=checked_col))
    if not same:
        src.write_tabs({book.settings.schedule_tab: sched, book.settings.status_tab: status},
                       stamp=stamp)
    return WriteReport(written=True, tabs={book.settings.schedule_tab: len(sched) - 1,
                                           book.settings.status_tab: len(status) - 1},
                       carried_over=carried, held_projects=tuple(sorted(book.held_project_ids)),
                       target=src.write_target, unchanged=same)


def rows_stamp(tabs: dict[str, list[list[object]]], ignore: dict[str, int]) -> str:
    """A digest of the rows procal writes (a column that changes every run, the time of the
    check, left out): equal stamps = nothing to rewrite."""
    h = hashlib.sha256(b"procal write-back v1\0")
    for tab, rows in tabs.items():
        col = ignore.get(tab)
        h.update(repr(tab).encode("utf-8"))
        for row in rows:
            if col is not None and col < len(row):
                row = row[:col] + row[col + 1:]
            h.update(repr(row).encode("utf-8"))  # str/int/date cells: repr is exact
    return h.hexdigest()


def _cell_key(v: object) -> object:
    v = _cell_for_output(v)
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return v


def _same_rows(prev, rows: list[list[object]], ignore: int | None = None) -> bool:
    """Does the tab as read this run already hold ``rows`` (the time a check ran aside)?
    A rerun with no change then rewrites nothing: no workbook save, no Sheets write."""
    if prev is None:
        return False
    grid = prev.grid
    if len(grid) != len(rows):
        return False
    for old, new in zip(grid, rows, strict=True):
        a = [_cell_key(v) for i, v in enumerate(old) if i != ignore]
        b = [_cell_key(v) for i, v in enumerate(new) if i != ignore]
        while a and a[-1] == "":
            a.pop()
        while b and b[-1] == "":
            b.pop()
        if a != b:
            return False
    return True
