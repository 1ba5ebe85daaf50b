"""The ``procal.toml`` that ``procal init`` writes: every key of every section with its default and
a one-line comment, generated from the settings dataclasses themselves (their fields, defaults and
the comment beside each field or the line about it in the class docstring), so the file can never
drift from what procal reads. ``tests/cli/test_init.py`` loads it and compares it with the defaults.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

# Keys whose dataclass line carries no comment: one line each (the test fails when a key has none)
DESCRIPTIONS = {
    "google.credentials_file": "a service-account key JSON, or an OAuth client-secrets JSON used "
                               "by `procal auth login`",
    "run.source": "the agencies' plan workbook: Google Sheet URL/id, .xlsx, .csv or a folder of "
                  "CSVs (unset: the shipped example)",
    "run.disbursement_source": "GFMIS disbursement figures in another file or sheet (unset: the "
                               "เบิกจ่าย tab of the source)",
    "run.backend": "auto (Google when credentials exist, else .ics files) | ics | google",
    "run.reports_dir": "where the xlsx report and PNG charts go (unset: <out_dir>/reports)",
    "run.reports": "write the xlsx report and PNG charts on every run",
    "run.lang": "th | en: the language of messages, reports and feeds",
    "targets.dirs": "folders with FY<BE>.toml target tables, e.g. [\"targets\"] beside this file; "
                    "searched before the shipped ones",
    "targets.mode": "pro_rata (interpolated inside the quarter) | quarter_end",
    "reconcile.behind_pp": "this many percentage points below target = behind (ต่ำกว่าเป้าหมาย)",
    "reconcile.critical_pp": "this many = critical (ต่ำกว่าเป้าหมายมาก); less than behind_pp = watch",
    "reconcile.totals_target": "an agency's / the province's target: allocation-weighted, or overall",
    "reconcile.remind_from": "watch | behind | critical: who gets a reminder",
    "reconcile.remind_late_milestones": "late procurement steps also trigger a reminder",
    "reconcile.late_steps": "steps whose lateness counts: [] = the key milestones ([sync] "
                            "event_steps); [\"*\"] = every step",
    "reconcile.resolved": "an agency back on track: mark its event resolved, or remove it",
    "reconcile.reminder_time": "reminder events start at this time on the next working day "
                               "(Asia/Bangkok)",
    "reconcile.reminder_minutes": "length of a reminder event",
    "reconcile.summary_event": "one province summary event per period",
    "reconcile.reminders": "reminder events for executives at all",
    "sheets.headers": "extra header texts per column, added to the built-in ones, e.g. "
                      "allocated = [\"งบประมาณหลังโอนเปลี่ยนแปลง\"]",
    "sheets.budget_sources": "the budget sources (แหล่งงบประมาณ) the disbursement tab may name",
    "sheets.write_back": "write the schedule and status tabs back (a Google Sheet, or "
                         "<name>.procal.xlsx beside a workbook)",
    "sheets.due_soon_working_days": "a step due within this many working days is due soon",
    "sync.namespace": "marks procal's events; procal never touches events without it",
    "sync.event_steps": "the procurement steps that become calendar events",
    "sync.province_calendar": "the calendar key of the province's calendar",
    "sync.agency_calendars": "agency name = calendar key, for agencies with their own calendar",
    "sync.executives_calendar": "the executives' calendar: reminders, summaries, executive steps",
    "sync.executive_steps": "steps also put on the executives' calendar",
    "sync.reminders": "the reminder ladder of each event (at most 5)",
    "sync.invite_officers": "invite the officer of each project (e-mail in the sheet) to its events",
    "sync.executives": "e-mails invited to the executives' events",
    "sync.colors": "Google event colour id per status",
    "sync.ics_colors": "ICS colour (CSS name) per status",
    "sync.requests_per_minute": "pace of Calendar writes (Google allows 600/min/user)",
    "sync.batch_size": "calls per Google batch request (1–50)",
    "sync.max_delete_share": "refuse a run that would delete more than this share of procal's "
                             "events (0–1)",
    "sync.out_dir": ".ics feeds, the SQLite state file and reports",
    "sync.ledger_path": "the SQLite state file (unset: <out_dir>/procal-state.sqlite)",
    "sync.on_hand_edit": "an event edited by hand: restore the plan's version, or keep the edit",
    "sync.due_soon_working_days": "colour an event due soon this many working days ahead",
    "sync.google_calendars": "calendar key = Google calendar id (needed with the Google backend)",
}
# keys written commented out: no default that TOML can hold, or one that depends on the machine
COMMENTED_EXAMPLES = {
    "run.source": "https://docs.google.com/spreadsheets/d/XXXXXXXXXXXXXXXXXXXXXXXXX/edit",
    "run.disbursement_source": "gfmis-2570-10.xlsx",
    "run.reports_dir": "procal-out/reports",
    "sync.ledger_path": "procal-out/procal-state.sqlite",
    "google.credentials_file": "service-account.json",
    "google.subject": "treasury@example.go.th",
    "google.token_file": "~/.config/procal/google-token.json",
}
TABLE_EXAMPLES = {
    "sync.agency_calendars": ('"สำนักงานจังหวัดขอนแก่น"', '"agency-office"'),
    "sync.google_calendars": ("province", '"xxxxxxxx@group.calendar.google.com"'),
    "sheets.headers": ("allocated", '["งบประมาณหลังโอนเปลี่ยนแปลง"]'),
}
EMPTY_IS_DEFAULT = {"sheets.headers"}  # extras added to the built-in headers: {} = the defaults


def _sections() -> list[tuple[str, type]]:
    """Every section of procal.toml with its settings class, from ProcalSettings itself (a new
    section appears in `procal init` without touching this file)."""
    from procal.settings import ProcalSettings, from_mapping

    defaults = from_mapping({}, None)
    return [(f.name, type(getattr(defaults, f.name))) for f in dataclasses.fields(ProcalSettings)
            if f.name != "file" and dataclasses.is_dataclass(getattr(defaults, f.name))]


def _source_comments(cls: type) -> dict[str, str]:
    """``field: type = default  # comment`` lines and ``name: text`` lines of the docstring."""
    out: dict[str, str] = {}
    try:
        src = inspect.getsource(cls)
    except (OSError, TypeError):  # pragma: no cover - source not shipped
        src = ""
    for m in re.finditer(r"^\s+(\w+)\s*:[^=\n]*=[^#\n]*#\s*(.+)$", src, re.M):
        out.setdefault(m.group(1), m.group(2).strip())
    for m in re.finditer(r"^(\w+)(?: / (\w+))?: (.+)$", inspect.getdoc(cls) or "", re.M):
        for name in filter(None, (m.group(1), m.group(2))):
            out.setdefault(name, m.group(3).strip())
    return out


def comment_for(section: str, name: str, cls: type) -> str:
    return DESCRIPTIONS.get(f"{section}.{name}") or _source_comments(cls).get(name, "")


def _plain(v: Any) -> Any:
    """A settings value as the value procal.toml holds."""
    from calendar_sync.settings import ReminderRule

    if isinstance(v, ReminderRule):
        out: dict[str, Any] = {}
        if v.days_before is not None:
            out["days_before"] = v.days_before
        if v.working_days_before is not None:
            out["working_days_before"] = v.working_days_before
        out["at"] = v.at.strftime("%H:%M")
        if v.method != "popup":
            out["method"] = v.method
        if v.steps:
            out["steps"] = sorted(v.steps)
        return out
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, time):
        return v.strftime("%H:%M")
    if isinstance(v, Path):
        return v.as_posix()
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (tuple, list, frozenset, set)):
        return [_plain(x) for x in v]
    return v


def _key(k: str) -> str:
    import tomli_w

    return tomli_w.dumps({k: 0}).rsplit(" = ", 1)[0]


def toml_value(v: Any) -> str:
    """One TOML value on one line (inline tables for tables)."""
    import tomli_w

    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }" \
            if v else "{}"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return tomli_w.dumps({"x": v}).split(" = ", 1)[1].strip()


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return None


def render() -> str:
    lines = [
        "# procal.toml — written by `procal init`: every setting with its default and what it does.",
        "# Unknown keys are errors (a typo never goes unnoticed). Change what you need; delete the",
        "# rest if you like (a missing key means its default). Relative paths are relative to the",
        "# folder procal runs in, except [run] source and [targets] dirs (relative to this file).",
    ]
    for section, cls in _sections():
        scalars, tables = [], []
        for f in dataclasses.fields(cls):
            if f.name == "file":
                continue
            name = f"{section}.{f.name}"
            value = _default(f)
            comment = comment_for(section, f.name, cls)
            if name in COMMENTED_EXAMPLES or value is None:
                example = COMMENTED_EXAMPLES.get(name, "")
                scalars.append(f"# {_key(f.name)} = {toml_value(example)}  # {comment}")
                continue
            plain = _plain(value)
            if isinstance(plain, dict) and (not plain or name in EMPTY_IS_DEFAULT):
                tables.append((f.name, comment, name))
                continue
            scalars.append(f"{_key(f.name)} = {toml_value(plain)}  # {comment}")
        lines += ["", f"[{section}]", *scalars]
        for fname, comment, name in tables:
            lines += ["", f"[{section}.{_key(fname)}]  # {comment}"]
            if name in TABLE_EXAMPLES:
                k, v = TABLE_EXAMPLES[name]
                lines.append(f"# {k} = {v}")
    return "\n".join(lines) + "\n"
