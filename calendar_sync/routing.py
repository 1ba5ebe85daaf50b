"""Calendar names typed in the plan sheet's ปฏิทิน column → the configured calendar keys.

A row may route a project to another calendar by name. Officers type the Thai name or the English
key of the same calendar (``ผู้บริหาร`` or ``executives``), or an agency's name; all of them
resolve to the one configured key, so one calendar never becomes two feeds (``ผู้บริหาร.ics`` beside
``executives.ics``) or two plans of one Google calendar. A name that matches no configured
calendar is a row error listing the names that exist; that project is held (its events stay as
they are) until the row is fixed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from calendar_sync.settings import SyncSettings, toml_line
from schedule_engine.errors import InputError, Location
from schedule_engine.i18n import t

# Thai names of the two standard calendars (the province's and the executives')
PROVINCE_NAMES = ("จังหวัด", "ปฏิทินจังหวัด", "province")
EXECUTIVES_NAMES = ("ผู้บริหาร", "ปฏิทินผู้บริหาร", "executives")
CALENDAR_COLUMN = "ปฏิทิน"


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def calendar_names(settings: SyncSettings) -> dict[str, str]:
    """Every name a sheet may use for a configured calendar (normalised) → its key."""
    names: dict[str, str] = {}

    def add(name: str, key: str) -> None:
        names.setdefault(_norm(name), key)

    standard = [settings.province_calendar, *(settings.agency_calendars.values())]
    if settings.executives_calendar:
        standard.append(settings.executives_calendar)
    for key in standard:
        add(key, key)
    for name in PROVINCE_NAMES:
        add(name, settings.province_calendar)
    if settings.executives_calendar:
        for name in EXECUTIVES_NAMES:
            add(name, settings.executives_calendar)
    for agency, key in settings.agency_calendars.items():
        add(agency, key)
    # [sync.google_calendars] keys: another name of a calendar above (same id) means that calendar
    by_id: dict[str, str] = {}
    for key in standard:
        cid = settings.google_calendars.get(key)
        if cid:
            by_id.setdefault(cid, key)
    for key, cid in settings.google_calendars.items():
        add(key, by_id.get(cid, key))
    return names


def known_calendars_text(settings: SyncSettings) -> str:
    """``executives (ผู้บริหาร, ปฏิทินผู้บริหาร), province (จังหวัด, …)`` for messages."""
    by_key: dict[str, list[str]] = {}
    for name, key in calendar_names(settings).items():
        if name != _norm(key):
            by_key.setdefault(key, []).append(name)
    return ", ".join(f"{k} ({', '.join(v)})" if v else k for k, v in sorted(by_key.items())) or \
        ", ".join(sorted({*calendar_names(settings).values()}))


def resolve_calendar_names(book: Any, settings: SyncSettings) -> list[InputError]:
    """Replace each plan's ``calendar`` name by its configured key; an unknown name becomes a row
    error (added to ``book.problems``) and holds that project. Returns the new row errors."""
    names = calendar_names(settings)
    for key in {*names.values()}:
        names.setdefault(_norm(key), key)
    rows = {pid: row for row, pid in (getattr(book, "row_ids", {}) or {}).items()}
    tab = getattr(getattr(book, "settings", None), "plans_tab", None)
    label = getattr(getattr(book, "source", None), "label", None)
    problems: list[InputError] = []
    for i, plan in enumerate(book.plans):
        if not plan.calendar:
            continue
        key = names.get(_norm(plan.calendar))
        if key is not None:
            if key != plan.calendar:
                book.plans[i] = dataclasses.replace(plan, calendar=key)
            continue
        err = InputError(
            t("unknown calendar '{name}'; the configured calendars are: {names}",
              name=plan.calendar, names=known_calendars_text(settings)),
            value=plan.calendar,
            hint=t("write one of these names, or add the calendar to procal.toml, e.g. under "
                   "[sync.agency_calendars]: {line}",
                   line=toml_line(plan.agency or plan.calendar, plan.calendar)),
            location=Location(source=label, sheet=tab, row=rows.get(plan.project_id),
                              column=CALENDAR_COLUMN))
        problems.append(err)
        book.problems.append(err)
        book.held_project_ids.add(plan.project_id)
        book.plans[i] = dataclasses.replace(plan, calendar=None)
    if callable(getattr(book, "changed", None)):
        book.changed()  # plans were replaced in place: the book's lookups by id are stale
    return problems
