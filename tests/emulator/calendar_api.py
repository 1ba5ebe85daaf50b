"""Calendar v3 state and semantics (calendars.get, events insert/get/update/patch/delete/list).

Faithful to the behaviour procal relies on (see ../shared/reference/google-apis.md §3): client ids
``^[a-v0-9]{5,1024}$``; 409 ``duplicate`` on an existing id, cancelled ones included; deleted
events stay ``cancelled`` (get returns them; list only with showDeleted/syncToken); a second delete
is 410 ``deleted``; patch/update restore; PATCH merges ``extendedProperties.private`` (null deletes);
reminders/colorId/time-range validation; paging; syncTokens (last page only, stale -> 410).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import uuid
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from .errors import ApiError

EVENT_ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")
MAX_PAGE = 2500
DEFAULT_PAGE = 250
EXT_KEY_MAX = 44
EXT_VALUE_MAX = 1024
SYNC_FORBIDDEN = ("iCalUID", "orderBy", "privateExtendedProperty", "sharedExtendedProperty", "q",
                  "timeMin", "timeMax", "updatedMin")
# Fields a client may set; everything else is server-owned.
WRITABLE = ("summary", "description", "location", "colorId", "start", "end", "reminders",
            "extendedProperties", "transparency", "visibility", "status", "attendees",
            "source", "recurrence", "originalStartTime", "guestsCanModify", "guestsCanInviteOthers",
            "guestsCanSeeOtherGuests", "anyoneCanAddSelf", "eventType", "attachments",
            "conferenceData")
WHOLE_ON_PATCH = ("start", "end", "reminders", "recurrence", "attendees", "attachments", "source",
                  "originalStartTime", "conferenceData")


def _rfc3339(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _bad(message: str, reason: str = "invalid") -> ApiError:
    return ApiError(400, reason, message)


def parse_instant(text: str, *, param: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, AttributeError):
        raise _bad(f"Invalid value for: {param}") from None
    if dt.tzinfo is None:
        raise _bad(f"Invalid value for: {param} (needs an offset)")
    return dt


class Calendar:
    def __init__(self, calendar_id: str, summary: str, time_zone: str):
        self.id = calendar_id
        self.summary = summary
        self.time_zone = time_zone
        self.events: dict[str, dict] = {}      # insertion order == list order
        self.version = 0                       # bumped on every change; drives syncTokens
        self.generation = 0                    # bumped to invalidate every outstanding syncToken
        self.min_sync_version = 0              # tokens older than this are stale (410)
        self.access_role = "owner"             # the caller's role: "reader" = shared read-only

    @property
    def tz(self):
        try:
            return ZoneInfo(self.time_zone)
        except Exception:  # pragma: no cover - bad tz in a test
            return timezone.utc

    def resource(self) -> dict:
        return {"kind": "calendar#calendar", "etag": f'"{self.version}"', "id": self.id,
                "summary": self.summary, "timeZone": self.time_zone,
                "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}}


class CalendarStore:
    """All calendars of the emulator. Thread-safe (one lock)."""

    def __init__(self, clock_utc):
        self.lock = threading.RLock()
        self.calendars: dict[str, Calendar] = {}
        self._now = clock_utc
        self._etag_counter = 1_700_000_000_000

    # ----------------------------------------------------------------- helpers
    def add_calendar(self, calendar_id: str, summary: str | None = None,
                     time_zone: str = "Asia/Bangkok") -> Calendar:
        with self.lock:
            cal = Calendar(calendar_id, summary or calendar_id, time_zone)
            self.calendars[calendar_id] = cal
            return cal

    def calendar(self, calendar_id: str) -> Calendar:
        cal = self.calendars.get(calendar_id)
        if cal is None:
            raise ApiError(404, "notFound", "Not Found")
        return cal

    def writable(self, calendar_id: str) -> Calendar:
        """The calendar, for a write: 403 requiredAccessLevel when shared with the caller read-only
        (Google's answer to a service account given only "See all event details")."""
        cal = self.calendar(calendar_id)
        if cal.access_role not in ("owner", "writer"):
            raise ApiError(403, "requiredAccessLevel",
                           "You need to have writer access to this calendar.")
        return cal

    def _etag(self) -> str:
        self._etag_counter += 1
        return f'"{self._etag_counter}"'

    def _touch(self, cal: Calendar, ev: dict, *, bump_updated: bool = True) -> None:
        cal.version += 1
        ev["_version"] = cal.version
        ev["etag"] = self._etag()
        if bump_updated:
            ev["updated"] = _rfc3339(self._now())

    @staticmethod
    def public(ev: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in ev.items() if not k.startswith("_")}

    # ----------------------------------------------------------------- validation
    def _when(self, cal: Calendar, value, which: str) -> tuple[str, datetime]:
        """Return ('date'|'dateTime', aware datetime) for a start/end object, or 400."""
        if not isinstance(value, dict):
            raise _bad(f"Missing {which} time.", "required")
        if value.get("date"):
            try:
                d = date.fromisoformat(value["date"])
            except (TypeError, ValueError):
                raise _bad(f"Invalid {which} date.") from None
            return "date", datetime.combine(d, time(0), tzinfo=cal.tz)
        if value.get("dateTime"):
            text = value["dateTime"]
            try:
                dt = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
            except ValueError:
                raise _bad(f"Invalid {which} time.") from None
            if dt.tzinfo is None:
                tzname = value.get("timeZone")
                if not tzname:
                    raise _bad("Missing time zone definition for start time.", "timeZoneRequired") \
                        if which == "start" else _bad("Missing time zone definition for end time.",
                                                      "timeZoneRequired")
                try:
                    dt = dt.replace(tzinfo=ZoneInfo(tzname))
                except Exception:
                    raise _bad(f"Invalid time zone definition for {which} time.") from None
            return "dateTime", dt
        raise _bad(f"Missing {which} time.", "required")

    def _validate(self, cal: Calendar, ev: dict) -> None:
        skind, sdt = self._when(cal, ev.get("start"), "start")
        ekind, edt = self._when(cal, ev.get("end"), "end")
        if skind != ekind:
            raise _bad("Start and end times must either both be date or both be dateTime.")
        if edt <= sdt:
            raise _bad("The specified time range is empty.", "timeRangeEmpty")
        color = ev.get("colorId")
        if color is not None and str(color) not in {str(i) for i in range(1, 12)}:
            raise _bad("Invalid color value.", "invalid")
        rem = ev.get("reminders")
        if rem is not None:
            if not isinstance(rem, dict):
                raise _bad("Invalid reminders.")
            overrides = rem.get("overrides") or []
            if rem.get("useDefault") and overrides:
                raise _bad("Cannot specify both default reminders and overrides at the same time.",
                           "cannotUseDefaultRemindersAndSpecifyOverride")
            if len(overrides) > 5:
                raise _bad("Too many reminders.", "tooManyReminders")
            for o in overrides:
                if not isinstance(o, dict) or o.get("method") not in ("email", "popup"):
                    raise _bad("Invalid reminder method.", "invalid")
                minutes = o.get("minutes")
                if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 40320:
                    raise _bad("Invalid value for: Reminder minutes must be between 0 and 40320.",
                               "invalid")
        status = ev.get("status", "confirmed")
        if status not in ("confirmed", "tentative", "cancelled"):
            raise _bad("Invalid value for: status")
        ev["_span"] = (sdt, edt)

    @staticmethod
    def _clip_ext(ev: dict) -> None:
        """Google silently drops keys > 44 chars and truncates values > 1024 chars."""
        ext = ev.get("extendedProperties")
        if not isinstance(ext, dict):
            return
        for scope in ("private", "shared"):
            props = ext.get(scope)
            if props is None:
                continue
            if not isinstance(props, dict):
                raise _bad("Invalid extended properties.")
            ext[scope] = {k: (str(v)[:EXT_VALUE_MAX]) for k, v in props.items()
                          if v is not None and len(k) <= EXT_KEY_MAX}
        for scope in [s for s in ("private", "shared") if s in ext and not ext[s]]:
            del ext[scope]
        if not ext:
            ev.pop("extendedProperties", None)

    # ----------------------------------------------------------------- operations
    def calendars_get(self, calendar_id: str) -> dict:
        with self.lock:
            return self.calendar(calendar_id).resource()

    def insert(self, calendar_id: str, body: dict, *, creator: str | None = None) -> dict:
        with self.lock:
            cal = self.writable(calendar_id)
            if not isinstance(body, dict):
                raise _bad("Parse Error", "parseError")
            event_id = body.get("id")
            if event_id is not None:
                if not isinstance(event_id, str) or not EVENT_ID_RE.match(event_id):
                    raise _bad("Invalid resource id value.", "invalid")
                if event_id in cal.events:
                    raise ApiError(409, "duplicate", "The requested identifier already exists.")
            else:
                event_id = base64.b32hexencode(uuid.uuid4().bytes).decode().lower().rstrip("=")
            ev = {k: copy.deepcopy(v) for k, v in body.items() if k in WRITABLE}
            ev.setdefault("status", "confirmed")
            self._clip_ext(ev)
            self._validate(cal, ev)
            now = _rfc3339(self._now())
            owner = creator or cal.id
            full = {
                "kind": "calendar#event", "etag": "", "id": event_id, "status": ev.pop("status"),
                "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
                "created": now, "updated": now,
                **ev,
                "creator": {"email": owner, "self": True},
                "organizer": {"email": cal.id, "displayName": cal.summary, "self": True},
                "iCalUID": f"{event_id}@google.com", "sequence": 0,
            }
            full.setdefault("reminders", {"useDefault": True})
            full.setdefault("eventType", "default")
            self._touch(cal, full)
            full["created"] = full["updated"]
            cal.events[event_id] = full
            return self.public(full)

    def _existing(self, cal: Calendar, event_id: str) -> dict:
        ev = cal.events.get(event_id)
        if ev is None:
            raise ApiError(404, "notFound", "Not Found")
        return ev

    def get(self, calendar_id: str, event_id: str) -> dict:
        with self.lock:
            cal = self.calendar(calendar_id)
            return self.public(self._existing(cal, event_id))

    def _check_if_match(self, ev: dict, if_match: str | None) -> None:
        if if_match and if_match != "*" and if_match != ev["etag"]:
            raise ApiError(412, "conditionNotMet", "Precondition Failed")

    def _apply(self, cal: Calendar, old: dict, new_fields: dict) -> dict:
        """Validate and store ``new_fields`` (the full writable state) over ``old``."""
        new_fields.setdefault("status", "confirmed")
        self._clip_ext(new_fields)
        self._validate(cal, new_fields)
        span = new_fields.pop("_span")
        merged = {k: v for k, v in old.items() if k not in WRITABLE}
        merged.update(new_fields)
        merged["_span"] = span
        significant = any(old.get(k) != merged.get(k) for k in ("start", "end", "status", "recurrence"))
        if significant:
            merged["sequence"] = old.get("sequence", 0) + 1
        only_reminders = all(old.get(k) == merged.get(k) for k in WRITABLE if k != "reminders")
        self._touch(cal, merged, bump_updated=not only_reminders)
        cal.events[old["id"]] = merged
        return self.public(merged)

    def _writable_target(self, calendar_id: str, event_id: str, body: dict, if_match):
        """Shared checks of update and patch: the event exists, ETag matches, the body is sane."""
        cal = self.writable(calendar_id)
        old = self._existing(cal, event_id)
        self._check_if_match(old, if_match)
        if not isinstance(body, dict):
            raise _bad("Parse Error", "parseError")
        if body.get("id") not in (None, event_id):
            raise _bad("Invalid resource id value.")
        return cal, old

    def update(self, calendar_id: str, event_id: str, body: dict, *, if_match=None) -> dict:
        with self.lock:
            cal, old = self._writable_target(calendar_id, event_id, body, if_match)
            fields = {k: copy.deepcopy(v) for k, v in body.items() if k in WRITABLE}
            fields.setdefault("reminders", {"useDefault": True})
            return self._apply(cal, old, fields)

    def patch(self, calendar_id: str, event_id: str, body: dict, *, if_match=None) -> dict:
        with self.lock:
            cal, old = self._writable_target(calendar_id, event_id, body, if_match)
            fields = {k: copy.deepcopy(v) for k, v in old.items() if k in WRITABLE}
            if old.get("status") == "cancelled" and "status" not in body:
                fields["status"] = "cancelled"
            for key, value in body.items():
                if key not in WRITABLE:
                    continue
                if value is None:
                    fields.pop(key, None)
                elif key in WHOLE_ON_PATCH or not isinstance(value, dict):
                    fields[key] = copy.deepcopy(value)
                else:
                    fields[key] = _merge(fields.get(key) or {}, value)
            if fields.get("status") == "cancelled" and old.get("status") == "cancelled":
                # patching a cancelled event without restoring it keeps it cancelled
                pass
            return self._apply(cal, old, fields)

    def delete(self, calendar_id: str, event_id: str, *, if_match=None) -> None:
        with self.lock:
            cal = self.writable(calendar_id)
            ev = self._existing(cal, event_id)
            self._check_if_match(ev, if_match)
            if ev["status"] == "cancelled":
                raise ApiError(410, "deleted", "Resource has been deleted")
            ev["status"] = "cancelled"
            self._touch(cal, ev)

    # ----------------------------------------------------------------- list
    def list(self, calendar_id: str, q: dict[str, list[str]]) -> dict:
        with self.lock:
            cal = self.calendar(calendar_id)
            one = {k: v[-1] for k, v in q.items() if v}
            sync_token = one.get("syncToken")
            page_token = one.get("pageToken")
            try:
                max_results = int(one.get("maxResults", DEFAULT_PAGE))
            except ValueError:
                raise _bad("Invalid value for: maxResults") from None
            if max_results < 1:
                raise _bad("Invalid value for: maxResults")
            max_results = min(max_results, MAX_PAGE)
            show_deleted = one.get("showDeleted") == "true"
            if sync_token:
                bad = [k for k in SYNC_FORBIDDEN if k in q]
                if bad:
                    raise _bad(f"Sync token cannot be used together with: {', '.join(bad)}")
                if one.get("showDeleted") == "false":
                    raise _bad("showDeleted=false is not allowed with a sync token")
                since = self._decode_sync(cal, sync_token)
                show_deleted = True
            else:
                since = None
            if "orderBy" in one:
                if one["orderBy"] not in ("startTime", "updated"):
                    raise _bad("Invalid value for: orderBy")
                if one["orderBy"] == "startTime" and one.get("singleEvents") != "true":
                    raise _bad("The requested ordering is not available for the particular query.")
            if page_token:
                state = _decode_token(page_token)
                offset, snapshot = state["o"], state["v"]
            else:
                offset, snapshot = 0, cal.version

            items = [ev for ev in cal.events.values() if self._keep(cal, ev, q, one, show_deleted, since)]
            if one.get("orderBy") == "startTime":
                items.sort(key=lambda e: e["_span"][0])
            elif one.get("orderBy") == "updated":
                items.sort(key=lambda e: e["updated"])
            page = items[offset:offset + max_results]
            out = {
                "kind": "calendar#events", "etag": f'"{cal.version}"', "summary": cal.summary,
                "description": "", "updated": _rfc3339(self._now()), "timeZone": cal.time_zone,
                "accessRole": cal.access_role, "defaultReminders": [{"method": "popup", "minutes": 10}],
                "items": [self.public(ev) for ev in page],
            }
            if offset + max_results < len(items):
                out["nextPageToken"] = _encode_token({"o": offset + max_results, "v": snapshot})
            else:
                out["nextSyncToken"] = self._encode_sync(cal, snapshot)
            return out

    def _keep(self, cal, ev, q, one, show_deleted, since) -> bool:
        if since is not None:
            return ev["_version"] > since
        if ev["status"] == "cancelled" and not show_deleted:
            return False
        for scope, param in (("private", "privateExtendedProperty"), ("shared", "sharedExtendedProperty")):
            props = (ev.get("extendedProperties") or {}).get(scope) or {}
            for constraint in q.get(param, []):
                key, sep, value = constraint.partition("=")
                if not sep:
                    raise _bad(f"Invalid value for: {param}")
                if props.get(key) != value:  # "match all given constraints" (discovery doc)
                    return False
        start, end = ev["_span"]
        if "timeMin" in one and end <= parse_instant(one["timeMin"], param="timeMin"):
            return False
        if "timeMax" in one and start >= parse_instant(one["timeMax"], param="timeMax"):
            return False
        if "updatedMin" in one:
            if datetime.fromisoformat(ev["updated"].replace("Z", "+00:00")) < \
                    parse_instant(one["updatedMin"], param="updatedMin"):
                return False
        if "iCalUID" in one and ev.get("iCalUID") != one["iCalUID"]:
            return False
        if "q" in one:
            text = " ".join(str(ev.get(k, "")) for k in ("summary", "description", "location")).lower()
            if not all(word in text for word in one["q"].lower().split()):
                return False
        return True

    @staticmethod
    def _encode_sync(cal: Calendar, version: int) -> str:
        return _encode_token({"c": cal.id, "g": cal.generation, "v": version})

    @staticmethod
    def _decode_sync(cal: Calendar, token: str) -> int:
        try:
            state = _decode_token(token)
            ok = state.get("c") == cal.id
        except ApiError:
            ok = False
        if not ok or state.get("g") != cal.generation or state.get("v", -1) < cal.min_sync_version:
            raise ApiError(410, "fullSyncRequired",
                           "Sync token is no longer valid, a full sync is required.")
        return state["v"]

    def invalidate_sync_tokens(self, calendar_id: str) -> None:
        with self.lock:
            self.calendar(calendar_id).generation += 1


def _merge(old: dict, patch: dict) -> dict:
    out = copy.deepcopy(old)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _encode_token(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_token(token: str) -> dict:
    try:
        pad = "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(token + pad))
        if not isinstance(state, dict):
            raise ValueError
        return state
    except Exception:
        raise _bad("Invalid page token value.") from None
