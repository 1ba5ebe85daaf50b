"""``[sync]`` settings: which steps become events, routing, reminders, colours, pacing, guards.

Example ``procal.toml``::

    [sync]
    namespace = "procal"
    event_steps = ["invitation", "bid_submission", "winner_announcement", "appeal",
                   "contract_signing", "draft_hearing"]
    province_calendar = "province"
    agency_calendars = { "สำนักงานคลังจังหวัด" = "agency-treasury" }
    executives_calendar = "executives"
    executive_steps = ["bid_submission", "contract_signing"]
    reminders = [ { days_before = 1, at = "09:00" },
                  { working_days_before = 3, at = "09:00", steps = ["bid_submission", "appeal", "contract_signing"] } ]
    invite_officers = false
    executives = ["governor@example.go.th"]
    requests_per_minute = 500
    batch_size = 50
    max_delete_share = 0.2
    out_dir = "procal-out"
    on_hand_edit = "restore"       # or "keep"

    [sync.google_calendars]        # calendar key -> Google calendar id
    province = "abc@group.calendar.google.com"
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from schedule_engine.errors import ConfigError
from schedule_engine.i18n import N_, t

DEFAULT_EVENT_STEPS = (
    "invitation",  # ประกาศเชิญชวน
    "bid_submission",  # วันยื่นข้อเสนอ
    "winner_announcement",  # ประกาศผู้ชนะ
    "appeal",  # สิ้นสุดระยะอุทธรณ์
    "contract_signing",  # ลงนามสัญญา
    "draft_hearing",  # รับฟังความคิดเห็นร่าง TOR
)
DEFAULT_EXECUTIVE_STEPS = ("bid_submission", "contract_signing")

# Google event palette ids (colors.get().event): 10 basil, 9 blueberry, 5 banana, 11 tomato.
DEFAULT_GOOGLE_COLORS = MappingProxyType(
    {"done": "10", "on_time": "9", "due_soon": "5", "late": "11"})
# RFC 7986 COLOR (CSS3 names) for ICS feeds.
DEFAULT_CALENDAR_NAMES = {
    "province": N_("Provincial procurement calendar"),
    "executives": N_("Executives — disbursement follow-up"),
}

DEFAULT_ICS_COLORS = MappingProxyType(
    {"done": "forestgreen", "on_time": "royalblue", "due_soon": "gold", "late": "red"})


@dataclass(frozen=True)
class ReminderRule:
    """A reminder on the ladder: N calendar days or N working days before, at a clock time."""

    days_before: int | None = None
    working_days_before: int | None = None
    at: time = time(9, 0)
    method: str = "popup"
    steps: frozenset[str] = frozenset()  # empty = every event step


DEFAULT_REMINDERS = (
    ReminderRule(days_before=1, at=time(9, 0)),  # 09:00 the day before
    ReminderRule(working_days_before=3, at=time(9, 0),
                 steps=frozenset({"bid_submission", "appeal", "contract_signing"})),
)


@dataclass(frozen=True)
class SyncSettings:
    namespace: str = "procal"
    event_steps: tuple[str, ...] = DEFAULT_EVENT_STEPS
    province_calendar: str = "province"
    agency_calendars: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    executives_calendar: str | None = "executives"
    executive_steps: tuple[str, ...] = DEFAULT_EXECUTIVE_STEPS
    reminders: tuple[ReminderRule, ...] = DEFAULT_REMINDERS
    invite_officers: bool = False
    executives: tuple[str, ...] = ()
    colors: Mapping[str, str] = field(default_factory=lambda: DEFAULT_GOOGLE_COLORS)
    ics_colors: Mapping[str, str] = field(default_factory=lambda: DEFAULT_ICS_COLORS)
    requests_per_minute: int = 500
    batch_size: int = 50
    max_delete_share: float = 0.2
    out_dir: Path = Path("procal-out")
    ledger_path: Path | None = None  # default <out_dir>/procal-state.sqlite
    on_hand_edit: str = "restore"  # "restore" the plan's version, or "keep" the hand edit
    due_soon_working_days: int = 3
    google_calendars: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # calendar key -> the name people see on their phone (X-WR-CALNAME); unset keys get
    # DEFAULT_CALENDAR_NAMES, agency calendars "จัดซื้อจัดจ้าง — <agency>"
    calendar_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # calendar key = the name phones show (X-WR-CALNAME)

    def display_names(self) -> dict[str, str]:
        """Every calendar key procal writes to, with the name shown in calendar apps."""
        names = {self.province_calendar: t(DEFAULT_CALENDAR_NAMES["province"])}
        if self.executives_calendar:
            names[self.executives_calendar] = t(DEFAULT_CALENDAR_NAMES["executives"])
        for agency, key in self.agency_calendars.items():
            names[key] = t("procurement — {agency}", agency=agency)
        names.update(self.calendar_names)
        return names

    @property
    def ledger_file(self) -> Path:
        return self.ledger_path or (Path(self.out_dir) / "procal-state.sqlite")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, file: str | None = None) -> "SyncSettings":
        """Build from the ``[sync]`` table; unknown or wrong keys raise ``ConfigError(key="sync.x")``."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        kw: dict[str, Any] = {}

        def bad(key: str, msg: str) -> ConfigError:
            return ConfigError(msg, file=file, key=f"sync.{key}")

        for key, value in data.items():
            if key not in known:
                raise bad(key, f"unknown setting; known: {', '.join(sorted(known))}")
            try:
                kw[key] = _convert(key, value)
            except (TypeError, ValueError) as exc:
                raise bad(key, f"{exc} (got {value!r})") from None
        s = cls(**kw)
        if not s.namespace or not s.namespace.replace("-", "").replace("_", "").isalnum():
            raise bad("namespace", "use letters, digits, '-' or '_'")
        if s.requests_per_minute <= 0:
            raise bad("requests_per_minute", "must be at least 1 (Google allows 600/min/user; "
                      "the default 500 stays below)")
        if not 1 <= s.batch_size <= 50:
            raise bad("batch_size", "must be between 1 and 50")
        if not 0.0 <= s.max_delete_share <= 1.0:
            raise bad("max_delete_share", "must be between 0 and 1 (e.g. 0.2 = 20 %)")
        if s.on_hand_edit not in ("restore", "keep"):
            raise bad("on_hand_edit", "must be 'restore' or 'keep'")
        if len(s.reminders) > 5:
            raise bad("reminders", "at most 5 reminders (Google's limit)")
        return s


def toml_line(key: str, value: Any) -> str:
    """One ``key = value`` line of TOML as procal suggests it in a message; a key that is not
    bare (Thai, spaces, dots) is quoted, so the suggestion always parses: ``"ผู้บริหาร" = "…"``."""
    import tomli_w

    return tomli_w.dumps({key: value}).strip()


def _str_map(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a table of name = value")
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


def _str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError("expected a list of strings")
    return tuple(str(v) for v in value)


def _reminder(item: Any) -> ReminderRule:
    if not isinstance(item, Mapping):
        raise TypeError("each reminder is a table like { days_before = 1, at = \"09:00\" }")
    unknown = set(item) - {"days_before", "working_days_before", "at", "method", "steps"}
    if unknown:
        raise ValueError(f"unknown reminder field(s) {sorted(unknown)}")
    if ("days_before" in item) == ("working_days_before" in item):
        raise ValueError("give exactly one of days_before / working_days_before")
    at = item.get("at", "09:00")
    if isinstance(at, str):
        hh, mm = at.split(":")
        at = time(int(hh), int(mm))
    method = item.get("method", "popup")
    if method not in ("popup", "email"):
        raise ValueError("method must be 'popup' or 'email'")
    return ReminderRule(
        days_before=int(item["days_before"]) if "days_before" in item else None,
        working_days_before=(int(item["working_days_before"])
                             if "working_days_before" in item else None),
        at=at, method=method, steps=frozenset(_str_tuple(item.get("steps", []))))


def _convert(key: str, value: Any) -> Any:
    if key in ("agency_calendars", "colors", "ics_colors", "google_calendars", "calendar_names"):
        return _str_map(value)
    if key in ("event_steps", "executive_steps", "executives"):
        return _str_tuple(value)
    if key == "reminders":
        if not isinstance(value, (list, tuple)):
            raise TypeError("expected a list of reminder tables")
        return tuple(_reminder(v) for v in value)
    if key in ("out_dir", "ledger_path"):
        return Path(value) if value is not None else None
    if key in ("requests_per_minute", "batch_size", "due_soon_working_days"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected a whole number")
        return value
    if key == "max_delete_share":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("expected a number between 0 and 1")
        return float(value)
    if key == "invite_officers":
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if key == "executives_calendar":
        return None if value in (None, "", False) else str(value)
    return str(value)
