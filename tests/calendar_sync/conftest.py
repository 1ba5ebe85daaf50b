"""One harness per backend so the same contract tests (and the state machine) run against all."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from calendar_sync.backends import IcsBackend, MemoryBackend
from calendar_sync.model import BANGKOK, DesiredEvent, Reminder, desired_visible, event_id

NS = "procal"


class Harness:
    """A backend plus what people and other tools do to a shared calendar, and a way to look."""

    name = "?"

    def __init__(self, backend):
        self.backend = backend

    # what the outside world does
    def add_foreign(self, calendar: str, eid: str, summary: str = "someone else's") -> None:
        self.backend.add_foreign(calendar, eid, summary)

    def hand_edit(self, calendar: str, eid: str, summary: str) -> None:
        self.backend.hand_edit(calendar, eid, summary)

    def hand_delete(self, calendar: str, eid: str) -> None:
        self.backend.hand_delete(calendar, eid)

    # looking
    def tagged(self, calendar: str, namespace: str = NS):
        return {eid: r for eid, r in self.backend.list_tagged(calendar, namespace).items()
                if not r.cancelled}

    def foreign(self, calendar: str) -> dict[str, str]:
        """Ids and summaries of events procal did not create (must never change)."""
        raise NotImplementedError


class MemoryHarness(Harness):
    name = "memory"

    def __init__(self, tmp_path: Path):
        super().__init__(MemoryBackend())

    def foreign(self, calendar):
        return {eid: b["summary"] for eid, b in self.backend.calendars.get(calendar, {}).items()
                if b.get("private", {}).get("procal") is None}


class IcsHarness(Harness):
    name = "ics"

    def __init__(self, tmp_path: Path):
        super().__init__(IcsBackend(tmp_path / "feeds"))

    def foreign(self, calendar):
        import icalendar

        p = self.backend.path_for(calendar)
        if not p.exists():
            return {}
        cal = icalendar.Calendar.from_ical(p.read_bytes())
        return {str(e["UID"]): str(e["SUMMARY"]) for e in cal.walk("VEVENT")
                if "X-PROCAL-NS" not in e}


HARNESSES = {"memory": MemoryHarness, "ics": IcsHarness}


def make_harness(kind: str, tmp_path: Path, request=None) -> Harness:
    if kind == "google":
        return request.getfixturevalue("google_harness")
    return HARNESSES[kind](tmp_path)


BACKEND_KINDS = ["memory", "ics", "google"]


@pytest.fixture
def google_harness(request):
    try:
        from tests.calendar_sync.google_harness import GoogleHarness
    except ImportError as exc:  # google_access / emulator not landed
        pytest.skip(f"Google backend not available: {exc}")
    return GoogleHarness.create(request)


@pytest.fixture(params=BACKEND_KINDS)
def harness(request, tmp_path):
    return make_harness(request.param, tmp_path, request)


def ev(project: str, step: str = "bid_submission", *, day: date = date(2026, 12, 1),
       calendar: str = "province", summary: str | None = None, kind: str = "milestone",
       color: str | None = "on_time", timed: bool = False) -> DesiredEvent:
    common = dict(key=f"m/{project}/{step}" if kind == "milestone" else f"r/{project}/{step}",
                  kind=kind, calendar=calendar,
                  summary=summary or f"วันยื่นข้อเสนอ: โครงการ {project}",
                  description=f"รหัสโครงการ: {project}\nขั้นตอน: {step}", color=color,
                  reminders=(Reminder(900), Reminder(3 * 1440 + 900)), project_id=project)
    if timed:
        start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=BANGKOK)
        return DesiredEvent(start=start, end=start + timedelta(hours=1), **common)
    return DesiredEvent(all_day=day, **common)


def assert_calendar_is_plan(h: Harness, desired: list[DesiredEvent], calendars, ns: str = NS,
                            kinds=("milestone",)):
    """calendar == plan: every desired event exactly once with the planned visible content,
    and no other procal event of these kinds."""
    for cal in calendars:
        live = {eid: r for eid, r in h.tagged(cal, ns).items() if r.kind in kinds}
        want = {event_id(ns, e.key): e for e in desired if e.calendar == cal and e.kind in kinds}
        assert set(live) == set(want), f"{h.name}:{cal}: ids differ"
        for eid, e in want.items():
            assert live[eid].visible() == desired_visible(e), f"{h.name}:{cal}:{e.key}"
        keys = [r.key for r in live.values()]
        assert len(keys) == len(set(keys)), "duplicate keys"
