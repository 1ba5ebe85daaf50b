"""Generic calendar events procal wants to exist, and what a backend reports it holds.

procal syncs *desired events* (milestones, executive reminders, summaries alike). Each has a stable
logical ``key``; the event id on every calendar is derived from ``(namespace, key)`` so a rerun, a
crash or a second deployment sharing the calendar can never create a duplicate (vdirsyncer's rule:
identity comes from the source, not from the server).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Literal, Mapping
from zoneinfo import ZoneInfo

from schedule_engine.model import StepState
from schedule_engine.i18n import N_, t

# event statuses (and reminder severities) as words in the feed's CATEGORIES
CATEGORY_LABELS = {
    "done": N_("done"), "on_time": N_("on schedule"), "due_soon": N_("due soon"),
    "late": N_("late"), "on_track": N_("on target"), "watch": N_("slightly below target"),
    "behind": N_("below target"), "critical": N_("far below target"),
}

BANGKOK = ZoneInfo("Asia/Bangkok")
TIME_ZONE = "Asia/Bangkok"

EventKind = str  # "milestone" | "reminder" | "summary"

# Names of procal's private extended properties (Google keys must stay <= 44 characters).
PROP_MARK = "procal"  # value: the namespace — the mark that says "this event is procal's"
PROP_KEY = "procal_key"
PROP_KIND = "procal_kind"
PROP_PROJECT = "procal_project"
PROP_HASH = "procal_hash"
RESERVED_PROPS = frozenset({PROP_MARK, PROP_KEY, PROP_KIND, PROP_PROJECT, PROP_HASH})

MAX_REMINDERS = 5  # Google accepts at most 5 reminder overrides
MAX_REMINDER_MINUTES = 40320  # four weeks


@dataclass(frozen=True)
class Reminder:
    """One reminder override: ``minutes`` before the event starts (all-day events start 00:00)."""

    minutes: int
    method: Literal["popup", "email"] = "popup"


@dataclass(frozen=True)
class DesiredEvent:
    """One event procal wants on one calendar.

    Exactly one of ``all_day`` (a date; the event covers that day, exclusive end = next day) or
    ``start``/``end`` (Asia/Bangkok-aware datetimes) is set.
    """

    key: str  # stable logical key, e.g. "m/<project>/<step>" or "r/<agency>/<period>"
    kind: EventKind  # "milestone" | "reminder" | "summary"
    calendar: str  # calendar key after routing (e.g. "province", "agency:<name>", "executives")
    summary: str
    description: str = ""
    all_day: date | None = None
    start: datetime | None = None
    end: datetime | None = None
    color: StepState | str | None = None  # a state name; each backend maps it to its palette
    reminders: tuple[Reminder, ...] = ()
    attendees: tuple[str, ...] = ()
    project_id: str | None = None
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if (self.all_day is None) == (self.start is None):
            raise ValueError(f"event {self.key!r}: set either all_day or start/end")
        if self.start is not None:
            if self.end is None or self.start.tzinfo is None or self.end.tzinfo is None:
                raise ValueError(f"event {self.key!r}: timed events need aware start and end")
            if self.end <= self.start:
                raise ValueError(f"event {self.key!r}: end must be after start")
        if isinstance(self.all_day, datetime):
            raise ValueError(f"event {self.key!r}: all_day must be a date, not a datetime")
        if len(self.reminders) > MAX_REMINDERS:
            raise ValueError(f"event {self.key!r}: at most {MAX_REMINDERS} reminders")
        for k in self.extra:
            if k in RESERVED_PROPS or len(k) > 44:
                raise ValueError(f"event {self.key!r}: extra property name {k!r} not allowed")
        # keep it hashable/immutable
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))
        object.__setattr__(self, "reminders", tuple(self.reminders))
        object.__setattr__(self, "attendees", tuple(self.attendees))

    @property
    def color_name(self) -> str | None:
        if self.color is None:
            return None
        return self.color.value if isinstance(self.color, StepState) else str(self.color)

    @property
    def category(self) -> str | None:
        """The status as a word people read (CATEGORIES in a feed): ล่าช้า, not ``late``."""
        name = self.color_name
        return None if name is None else t(CATEGORY_LABELS.get(name, name))

    def span(self) -> tuple[str, str]:
        """(start, exclusive end) as ISO strings: dates for all-day events, datetimes otherwise."""
        if self.all_day is not None:
            return self.all_day.isoformat(), (self.all_day + timedelta(days=1)).isoformat()
        assert self.start is not None and self.end is not None
        return (self.start.astimezone(BANGKOK).isoformat(), self.end.astimezone(BANGKOK).isoformat())

    def private_props(self, namespace: str) -> dict[str, str]:
        """The private extended properties procal writes (its mark + identity + content hash)."""
        props = dict(self.extra)
        props.update({
            PROP_MARK: namespace,
            PROP_KEY: self.key,
            PROP_KIND: self.kind,
            PROP_HASH: content_hash(self),
        })
        if self.project_id:
            props[PROP_PROJECT] = self.project_id
        return props


def event_id(namespace: str, key: str) -> str:
    """Deterministic event id: base32hex(sha256(namespace NUL key)), lowercase, no padding.

    52 characters in ``[0-9a-v]`` — valid for Google Calendar's client-chosen ids and as ICS UID.
    """
    digest = hashlib.sha256(f"{namespace}\x00{key}".encode("utf-8")).digest()
    return base64.b32hexencode(digest).decode("ascii").lower().rstrip("=")


def content_hash(ev: DesiredEvent) -> str:
    """Hash of everything procal writes for an event (not the calendar: moving is create+delete).

    Computed once per event (events are frozen; the value is kept on the instance)."""
    cached = ev.__dict__.get("_content_hash")
    if cached is not None:
        return cached
    start, end = ev.span()
    payload = {
        "key": ev.key,
        "kind": ev.kind,
        "summary": ev.summary,
        "description": ev.description,
        "all_day": ev.all_day is not None,
        "start": start,
        "end": end,
        "color": ev.color_name,
        "reminders": [[r.minutes, r.method] for r in ev.reminders],
        "attendees": sorted(a.lower() for a in ev.attendees),
        "project": ev.project_id,
        "extra": dict(sorted(ev.extra.items())),
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
    object.__setattr__(ev, "_content_hash", digest)
    return digest


def visible_fingerprint(summary: str | None, description: str | None, start: str | None,
                        end: str | None) -> tuple[str, str, str, str]:
    """What a person can edit by hand in a calendar app, normalised for comparison."""
    return ((summary or "").strip(), (description or "").strip().replace("\r\n", "\n"),
            start or "", end or "")


@dataclass(frozen=True)
class RemoteEvent:
    """A procal-tagged event as a backend lists it."""

    event_id: str
    calendar: str
    key: str
    kind: str
    project_id: str | None
    stored_hash: str  # the content hash procal wrote (private property)
    cancelled: bool = False  # deleted (Google keeps cancelled events; restoring = patch)
    summary: str = ""
    description: str = ""
    start: str = ""  # ISO date (all-day) or datetime, as DesiredEvent.span()
    end: str = ""
    sequence: int = 0
    # the backend vouches that the event is exactly what procal wrote with ``stored_hash`` (the ICS
    # backend listing from its ledger record): no texts are listed and none need comparing
    trusted: bool = False

    def visible(self) -> tuple[str, str, str, str]:
        return visible_fingerprint(self.summary, self.description, self.start, self.end)


def desired_visible(ev: DesiredEvent) -> tuple[str, str, str, str]:
    start, end = ev.span()
    return visible_fingerprint(ev.summary, ev.description, start, end)


OpAction = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Op:
    """One write a backend must perform on one calendar."""

    action: OpAction
    event_id: str
    calendar: str
    desired: DesiredEvent | None = None  # for create/update
    remote: RemoteEvent | None = None  # what was listed (update/delete; None for create)
    reason: str = ""  # "new", "changed", "restore-cancelled", "hand-edited", "gone-from-plan", ...
    namespace: str = "procal"
    # the ledger says procal wrote this id on this calendar (proof of ownership when a cancelled
    # event comes back without its private properties)
    ledger_known: bool = False

    @property
    def key(self) -> str:
        if self.desired is not None:
            return self.desired.key
        return self.remote.key if self.remote is not None else ""


@dataclass(frozen=True)
class OpResult:
    """What happened to one op. ``ok`` False carries a one-line ``error``."""

    op: Op
    ok: bool
    error: str | None = None
    restored: bool = False  # an insert met 409 (or the event was cancelled) and was patched back
    sequence: int = 0  # ICS SEQUENCE written (0 for backends without one)
