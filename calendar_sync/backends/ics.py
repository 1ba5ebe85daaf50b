"""ICS feeds: one RFC 5545 ``.ics`` file per calendar, written atomically (temp file + rename).

UID = the deterministic event id + ``@procal``; SEQUENCE rises on every change; reminders become
VALARMs; X-WR-CALNAME / X-WR-TIMEZONE and a VTIMEZONE for Asia/Bangkok name the feed. procal's
mark and identity travel as ``X-PROCAL-*`` properties; components without procal's mark (someone
else's events pasted into the file) are kept exactly as they are.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

import icalendar

from calendar_sync.backends import OnResult
from calendar_sync.model import BANGKOK, TIME_ZONE, DesiredEvent, Op, OpResult, RemoteEvent
from calendar_sync.settings import DEFAULT_ICS_COLORS

X_NS = "X-PROCAL-NS"
X_KEY = "X-PROCAL-KEY"
X_KIND = "X-PROCAL-KIND"
X_PROJECT = "X-PROCAL-PROJECT"
X_HASH = "X-PROCAL-HASH"
UID_SUFFIX = "@procal"
PRODID = "-//procal//procal calendar sync//TH"


def calendar_filename(calendar: str) -> str:
    """A safe file name for a calendar key (letters incl. Thai, digits, '.', '-', '_')."""
    name = re.sub(r"[^\w\u0e00-\u0e7f.-]", "_", calendar).strip("._") or "calendar"
    return f"{name}.ics"


def _iso(value) -> str:
    v = value.dt if hasattr(value, "dt") else value
    if isinstance(v, datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=BANGKOK)
        return v.astimezone(BANGKOK).isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _text(component, name: str) -> str:
    v = component.get(name)
    return "" if v is None else str(v)


@dataclass
class IcsBackend:
    out_dir: Path
    calendar_names: Mapping[str, str] = field(default_factory=dict)
    colors: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ICS_COLORS))
    name: str = "ics"
    requests: int = 0  # file reads + file writes

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)

    def path_for(self, calendar: str) -> Path:
        return self.out_dir / calendar_filename(calendar)

    # --- reading ---------------------------------------------------------------------------------
    def _load(self, calendar: str) -> icalendar.Calendar | None:
        path = self.path_for(calendar)
        if not path.exists():
            return None
        self.requests += 1
        return icalendar.Calendar.from_ical(path.read_bytes())

    def list_tagged(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        cal = self._load(calendar)
        out: dict[str, RemoteEvent] = {}
        if cal is None:
            return out
        for ev in cal.walk("VEVENT"):
            if _text(ev, X_NS) != namespace:
                continue
            eid = _text(ev, "UID").removesuffix(UID_SUFFIX)
            out[eid] = RemoteEvent(
                event_id=eid, calendar=calendar, key=_text(ev, X_KEY), kind=_text(ev, X_KIND),
                project_id=_text(ev, X_PROJECT) or None, stored_hash=_text(ev, X_HASH),
                cancelled=_text(ev, "STATUS").upper() == "CANCELLED",
                summary=_text(ev, "SUMMARY"), description=_text(ev, "DESCRIPTION"),
                start=_iso(ev["DTSTART"]) if "DTSTART" in ev else "",
                end=_iso(ev["DTEND"]) if "DTEND" in ev else "",
                sequence=int(ev.get("SEQUENCE", 0)))
        return out

    # --- writing ---------------------------------------------------------------------------------
    def apply(self, calendar: str, ops: list[Op], on_result: OnResult | None = None
              ) -> list[OpResult]:
        if not ops:
            return []
        for stale in self.out_dir.glob(".tmp-*.ics"):  # left by a run killed mid-write
            stale.unlink(missing_ok=True)
        old = self._load(calendar)
        components = list(old.subcomponents) if old is not None else []
        by_uid: dict[str, int] = {}
        for i, c in enumerate(components):
            if c.name == "VEVENT":
                by_uid[_text(c, "UID")] = i
        results: list[OpResult] = []
        now = datetime.now(timezone.utc).replace(microsecond=0)
        for op in ops:
            uid = op.event_id + UID_SUFFIX
            idx = by_uid.get(uid)
            existing = components[idx] if idx is not None else None
            if existing is not None and _text(existing, X_NS) != op.namespace:
                results.append(OpResult(op, ok=False, error="UID belongs to an event procal "
                                        "did not create; left untouched"))
                continue
            if op.action == "delete":
                if idx is not None:
                    components[idx] = None  # type: ignore[call-overload]
                    del by_uid[uid]
                results.append(OpResult(op, ok=True))
                continue
            assert op.desired is not None
            seq = int(existing.get("SEQUENCE", 0)) + 1 if existing is not None else 0
            created = existing.get("CREATED") if existing is not None else None
            comp = self._vevent(op, uid, seq, now, created.dt if created is not None else now)
            if idx is None:
                by_uid[uid] = len(components)
                components.append(comp)
            else:
                components[idx] = comp
            results.append(OpResult(op, ok=True, restored=(op.action == "create"
                                                            and existing is not None),
                                    sequence=seq))
        self._write(calendar, [c for c in components if c is not None])
        for r in results:  # the rename above is the commit point for the whole file
            if on_result:
                on_result(r)
        return results

    def _vevent(self, op: Op, uid: str, seq: int, now: datetime, created) -> icalendar.Event:
        ev: DesiredEvent = op.desired  # type: ignore[assignment]
        e = icalendar.Event()
        e.add("UID", uid)
        e.add("DTSTAMP", now)
        e.add("CREATED", created)
        e.add("LAST-MODIFIED", now)
        e.add("SEQUENCE", seq)
        e.add("SUMMARY", ev.summary)
        if ev.description:
            e.add("DESCRIPTION", ev.description)
        if ev.all_day is not None:
            e.add("DTSTART", ev.all_day)  # VALUE=DATE
            e.add("DTEND", ev.all_day + timedelta(days=1))  # exclusive end
        else:
            e.add("DTSTART", ev.start.astimezone(BANGKOK))  # type: ignore[union-attr]
            e.add("DTEND", ev.end.astimezone(BANGKOK))  # type: ignore[union-attr]
        e.add("TRANSP", "TRANSPARENT")
        e.add("STATUS", "CONFIRMED")
        if ev.color_name:
            e.add("COLOR", self.colors.get(ev.color_name, ev.color_name))
            e.add("CATEGORIES", [ev.color_name])
        for a in ev.attendees:
            e.add("ATTENDEE", f"mailto:{a}", parameters={"ROLE": "REQ-PARTICIPANT",
                                                          "PARTSTAT": "NEEDS-ACTION"})
        for r in ev.reminders:
            alarm = icalendar.Alarm()
            alarm.add("ACTION", "DISPLAY")
            alarm.add("DESCRIPTION", ev.summary)
            alarm.add("TRIGGER", timedelta(minutes=-r.minutes))
            e.add_component(alarm)
        for k, v in op.desired.private_props(op.namespace).items():  # type: ignore[union-attr]
            prop = {"procal": X_NS, "procal_key": X_KEY, "procal_kind": X_KIND,
                    "procal_project": X_PROJECT, "procal_hash": X_HASH}.get(k)
            if prop:
                e.add(prop, v)
            else:
                e.add("X-PROCAL-PROP-" + re.sub(r"[^A-Za-z0-9-]", "-", k).upper(), v)
        return e

    def _write(self, calendar: str, components: list) -> None:
        cal = icalendar.Calendar()
        cal.add("PRODID", PRODID)
        cal.add("VERSION", "2.0")
        cal.add("CALSCALE", "GREGORIAN")
        cal.add("METHOD", "PUBLISH")
        cal.add("X-WR-CALNAME", self.calendar_names.get(calendar, calendar))
        cal.add("X-WR-TIMEZONE", TIME_ZONE)
        cal.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", "PT1H")
        cal.add_component(icalendar.Timezone.from_tzid(TIME_ZONE))
        for c in components:
            if c.name != "VTIMEZONE":
                cal.add_component(c)
        data = cal.to_ical()
        path = self.path_for(calendar)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ics", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.requests += 1

    # --- helpers for tests -----------------------------------------------------------------------
    def add_foreign(self, calendar: str, event_id: str, summary: str = "someone else's") -> None:
        cal = self._load(calendar)
        comps = list(cal.subcomponents) if cal is not None else []
        e = icalendar.Event()
        e.add("UID", f"{event_id}@elsewhere")
        e.add("DTSTAMP", datetime(2026, 1, 1, tzinfo=timezone.utc))
        e.add("SUMMARY", summary)
        e.add("DTSTART", date(2026, 1, 1))
        self._write(calendar, comps + [e])

    def _edit(self, calendar: str, event_id: str, fn) -> None:
        cal = self._load(calendar)
        assert cal is not None
        comps = list(cal.subcomponents)
        for c in comps:
            if c.name == "VEVENT" and _text(c, "UID") == event_id + UID_SUFFIX:
                fn(c)
        self._write(calendar, [c for c in comps if not getattr(c, "_drop", False)])

    def hand_edit(self, calendar: str, event_id: str, summary: str) -> None:
        def fn(c):
            c["SUMMARY"] = icalendar.vText(summary)
        self._edit(calendar, event_id, fn)

    def hand_delete(self, calendar: str, event_id: str) -> None:
        def fn(c):
            c._drop = True
        self._edit(calendar, event_id, fn)
