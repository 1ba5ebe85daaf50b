"""Google Calendar backend: tagged listing, batched + paced writes, idempotent inserts.

* Lists only events with ``privateExtendedProperty=procal=<namespace>`` (cancelled ones too:
  ``showDeleted=true``), 2500 per page.
* Writes go in batch requests of at most ``settings.batch_size`` (≤ 50) calls, paced by the
  ``google_access.retry.Pacer`` (default 500 requests/minute; every inner call costs one token).
* Each inner call is classified (``google_access.retry.classify``): rate limits, 5xx and connection
  errors are retried with bounded exponential backoff and jitter; an insert meeting 409 is turned
  into a patch of the existing (possibly cancelled) event, which restores it — only when it is
  procal's (its mark, or cancelled without properties and known to the ledger), else reported; a
  delete meeting 404/410 is already done; 403 quotaExceeded stops the run at once
  (QuotaExceededError).
"""

from __future__ import annotations

import contextlib
import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from calendar_sync.backends import OnResult
from calendar_sync.errors import SyncError
from google_access.errors import NotFoundError, PermissionDeniedError
from schedule_engine.i18n import t
from calendar_sync.model import (BANGKOK, PROP_HASH, PROP_KEY, PROP_KIND, PROP_MARK, PROP_PROJECT,
                                 TIME_ZONE, DesiredEvent, Op, OpResult, RemoteEvent, content_hash)
from calendar_sync.settings import SyncSettings

PAGE_SIZE = 2500


def _norm_when(when: Mapping[str, Any] | None) -> str:
    if not when:
        return ""
    if when.get("date"):
        return str(when["date"])
    dt = when.get("dateTime")
    if not dt:
        return ""
    try:
        parsed = datetime.fromisoformat(str(dt).replace("Z", "+00:00"))
    except ValueError:
        return str(dt)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BANGKOK)
    return parsed.astimezone(BANGKOK).isoformat()


def event_body(ev: DesiredEvent, namespace: str, colors: Mapping[str, str]) -> dict:
    """The Calendar v3 event resource procal writes (no id; all-day = date + exclusive end)."""
    start, end = ev.span()
    if ev.all_day is not None:
        when = ({"date": start}, {"date": end})
    else:
        when = ({"dateTime": start, "timeZone": TIME_ZONE}, {"dateTime": end, "timeZone": TIME_ZONE})
    body: dict[str, Any] = {
        "summary": ev.summary,
        "description": ev.description,
        "start": when[0],
        "end": when[1],
        "status": "confirmed",
        "transparency": "transparent",
        "reminders": {"useDefault": False,
                      "overrides": [{"method": r.method, "minutes": r.minutes}
                                    for r in ev.reminders]},
        "extendedProperties": {"private": ev.private_props(namespace)},
        "colorId": colors.get(ev.color_name) if ev.color_name else None,
        "attendees": [{"email": a} for a in ev.attendees],
    }
    return body


@dataclass
class _Pending:
    op: Op
    call: str  # "insert" | "patch" | "delete"
    attempts: int = 0
    restored: bool = False


class GoogleBackend:
    """``GoogleBackend(clients, settings, calendar_ids)``: ``clients.calendar`` is a Calendar v3
    service; ``clients.new_batch()`` (if present) returns a ``BatchHttpRequest`` bound to the
    right batch endpoint. ``calendar_ids`` maps procal calendar keys to Google calendar ids."""

    name = "google"

    def __init__(self, clients: Any, settings: SyncSettings | None = None,
                 calendar_ids: Mapping[str, str] | None = None, *, pacer: Any = None,
                 policy: Any = None, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None):
        from google_access.retry import Pacer, RetryPolicy

        self.settings = settings or SyncSettings()
        self.clients = clients
        self.service = clients.calendar
        self.calendar_ids = dict(calendar_ids if calendar_ids is not None
                                 else self.settings.google_calendars)
        if pacer is None:  # the lower of [sync] and [google] requests_per_minute wins
            shared = getattr(clients, "calendar_pacer", None)  # shared with other Calendar calls
            rpm = self.settings.requests_per_minute
            shared_rpm = getattr(shared, "requests_per_minute", None)
            pacer = shared if shared is not None and shared_rpm and shared_rpm <= rpm \
                else Pacer(rpm)
        self.pacer = pacer
        self.policy = policy or getattr(clients, "policy", None) or RetryPolicy()
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.batch_size = max(1, min(50, self.settings.batch_size))
        self.access_roles: dict[str, str] = {}  # calendar key -> accessRole seen when listing
        self.requests = 0  # HTTP requests sent (list pages, batch posts, single calls)
        self.calls = 0  # API calls made (each inner batch call counts: Google's quota unit)
        self._events_resource = None
        self._listings: dict[tuple[str, str], dict[str, RemoteEvent]] | None = None

    @property
    def events(self):
        """The Calendar ``events()`` resource, built once (building it costs ~2 ms of CPU)."""
        if self._events_resource is None:
            self._events_resource = self.service.events()
        return self._events_resource

    @contextlib.contextmanager
    def shared_listings(self):
        """Within this block each calendar is listed once: the milestone and the reminder syncs
        of one run share the listing, which this backend keeps up to date with its own writes
        (a failed write drops that calendar's listing, so it is listed again)."""
        self._listings = {}
        try:
            yield self
        finally:
            self._listings = None

    # --- helpers ---------------------------------------------------------------------------------
    def calendar_id(self, calendar: str) -> str:
        if calendar in self.calendar_ids:
            return self.calendar_ids[calendar]
        if "@" in calendar or calendar == "primary":
            return calendar
        from calendar_sync.settings import toml_line

        raise SyncError(t("no Google calendar id for calendar '{key}': add it under "
                          "[sync.google_calendars] in procal.toml, e.g. {line}", key=calendar,
                          line=toml_line(calendar, "...@group.calendar.google.com")))

    @property
    def account(self) -> str | None:
        """The e-mail of the account procal writes as (a service account's), if known."""
        return (getattr(self.clients, "service_account_email", None)
                or getattr(getattr(self.clients, "credentials", None), "service_account_email",
                           None))

    def access_error(self, calendar: str, exc: Exception | None = None):
        """What to do when a calendar cannot be read (404/403) or is read-only for procal: the
        calendar id, the account that needs "Make changes to events", and where to give it."""
        cal_id = self.calendar_id(calendar)
        who = self.account
        status = getattr(exc, "status", None)
        if exc is None:
            cls, what = PermissionDeniedError, t(
                "procal may only read calendar '{key}' ({calendar_id})", key=calendar,
                calendar_id=cal_id)
        elif isinstance(exc, NotFoundError):
            cls, what = NotFoundError, t(
                "Google does not find calendar '{key}' ({calendar_id}), or it is not shared with "
                "procal's account (HTTP {status})", key=calendar, calendar_id=cal_id,
                status=status or 404)
        else:
            cls, what = PermissionDeniedError, t(
                "Google refuses access to calendar '{key}' ({calendar_id}) (HTTP {status})",
                key=calendar, calendar_id=cal_id, status=status or 403)
        account = who or t("the Google account procal logged in with (see `procal auth status`)")
        how = t("in Google Calendar open the calendar's \"Settings and sharing\" › \"Share with "
                "specific people or groups\" › \"Add people and groups\", add {account} with "
                "\"Make changes to events\"; check the id under [sync.google_calendars] "
                "(\"Integrate calendar\" › Calendar ID)", account=account)
        err = cls(f"{what} — {how}", status=status or (404 if cls is NotFoundError else 403),
                  reason=getattr(exc, "reason", None) or "noWriteAccess")
        err.calendar_id = cal_id
        err.account = who
        return err

    def canonical_calendar(self, calendar: str) -> str:
        """The key procal plans a Google calendar under: of all keys of ``[sync.google_calendars]``
        naming the same calendar id, the first in sort order (a stable choice while the
        configuration stays the same); a key or id not in the table is itself."""
        try:
            cal_id = self.calendar_id(calendar)
        except SyncError:
            return calendar
        names = [k for k, v in self.calendar_ids.items() if v == cal_id]
        return min(names) if names else calendar

    def _execute(self, request, what: str, cost: int = 1):
        from google_access.retry import call

        def run():
            self.requests += 1
            self.calls += cost
            return request.execute()

        return call(run, pacer=self.pacer, policy=self.policy, what=what, sleep=self.sleep,
                    rng=self.rng, cost=cost)

    def _new_batch(self, callback):
        maker = getattr(self.clients, "new_batch", None)
        if maker is not None:
            try:
                return maker(callback=callback)
            except TypeError:
                batch = maker()
                batch._callback = callback
                return batch
        return self.service.new_batch_http_request(callback=callback)

    # --- listing ---------------------------------------------------------------------------------
    def list_tagged(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        if self._listings is not None and (calendar, namespace) in self._listings:
            return dict(self._listings[(calendar, namespace)])
        out = self._list(calendar, namespace)
        if self._listings is not None:
            self._listings[(calendar, namespace)] = dict(out)
        return out

    def _remember(self, calendar: str, res: OpResult) -> None:
        """Keep a shared listing in step with a write procal just made."""
        if self._listings is None:
            return
        op = res.op
        listing = self._listings.get((calendar, op.namespace))
        if listing is None:
            return
        if not res.ok:
            del self._listings[(calendar, op.namespace)]
            return
        if op.action == "delete":
            listing.pop(op.event_id, None)
            return
        ev = op.desired
        assert ev is not None
        start, end = ev.span()
        listing[op.event_id] = RemoteEvent(
            event_id=op.event_id, calendar=calendar, key=ev.key, kind=ev.kind,
            project_id=ev.project_id, stored_hash=content_hash(ev), summary=ev.summary,
            description=ev.description, start=start, end=end, sequence=res.sequence,
            trusted=True)

    def _list(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        cal_id = self.calendar_id(calendar)
        events = self.events
        req = events.list(calendarId=cal_id, privateExtendedProperty=f"{PROP_MARK}={namespace}",
                          showDeleted=True, maxResults=PAGE_SIZE)
        out: dict[str, RemoteEvent] = {}
        while req is not None:
            try:
                resp = self._execute(req, f"list events of calendar '{calendar}'")
            except (NotFoundError, PermissionDeniedError) as exc:
                raise self.access_error(calendar, exc) from None
            if resp.get("accessRole"):  # the account's role on this calendar, on every listing
                self.access_roles[calendar] = resp["accessRole"]
            for item in resp.get("items", []):
                props = (item.get("extendedProperties") or {}).get("private") or {}
                if props.get(PROP_MARK) != namespace:
                    continue  # defensive: never trust the filter alone
                out[item["id"]] = RemoteEvent(
                    event_id=item["id"], calendar=calendar, key=props.get(PROP_KEY, ""),
                    kind=props.get(PROP_KIND, ""), project_id=props.get(PROP_PROJECT),
                    stored_hash=props.get(PROP_HASH, ""),
                    cancelled=item.get("status") == "cancelled",
                    summary=item.get("summary", ""), description=item.get("description", ""),
                    start=_norm_when(item.get("start")), end=_norm_when(item.get("end")),
                    sequence=int(item.get("sequence", 0) or 0))
            req = events.list_next(req, resp)
        return out

    # --- writing ---------------------------------------------------------------------------------
    def _is_ours(self, cal_id: str, op: Op) -> bool:
        from google_access.errors import NotFoundError

        try:
            item = self._execute(self.events.get(calendarId=cal_id, eventId=op.event_id),
                                 f"get event {op.key}")
        except NotFoundError:
            return True  # vanished meanwhile: the patch will 404 and fall back to insert
        props = (item.get("extendedProperties") or {}).get("private") or {}
        if props.get(PROP_MARK) == op.namespace:
            return True
        # a cancelled event without any private properties is ours only if the ledger says procal
        # wrote this id here; otherwise it is someone else's deleted event and stays untouched
        return item.get("status") == "cancelled" and not props and op.ledger_known

    def _request(self, cal_id: str, p: _Pending):
        events = self.events
        op = p.op
        if p.call == "delete":
            return events.delete(calendarId=cal_id, eventId=op.event_id, sendUpdates="none")
        assert op.desired is not None
        body = event_body(op.desired, op.namespace, self.settings.colors)
        if p.call == "insert":
            body = {k: v for k, v in body.items() if v is not None}
            body["id"] = op.event_id
            return events.insert(calendarId=cal_id, body=body,
                                 sendUpdates="all" if op.desired.attendees else "none")
        return events.patch(calendarId=cal_id, eventId=op.event_id, body=body, sendUpdates="none")

    def apply(self, calendar: str, ops: list[Op], on_result: OnResult | None = None
              ) -> list[OpResult]:
        if not ops:
            return []
        cal_id = self.calendar_id(calendar)
        results: list[OpResult] = []

        def done(res: OpResult) -> None:
            results.append(res)
            self._remember(calendar, res)
            if on_result:
                on_result(res)

        try:
            return self._apply(calendar, cal_id, ops, results, done)
        except BaseException:
            if self._listings is not None:  # what the calendar holds is uncertain: list again
                self._listings.pop((calendar, ops[0].namespace), None)
            raise

    def _apply(self, calendar: str, cal_id: str, ops: list[Op], results: list[OpResult],
               done: Callable[[OpResult], None]) -> list[OpResult]:
        from google_access.retry import classify, retry_delay_for, status_and_reason, to_google_error

        pending = [_Pending(o, {"create": "insert", "update": "patch", "delete": "delete"}[o.action])
                   for o in ops]
        while pending:
            retry: list[_Pending] = []
            quota: Exception | None = None
            worst_delay = 0.0
            for start in range(0, len(pending), self.batch_size):
                chunk = pending[start:start + self.batch_size]
                answers: dict[str, tuple[Any, Exception | None]] = {}

                def cb(request_id, response, exception, answers=answers):
                    answers[request_id] = (response, exception)

                if len(chunk) == 1:  # a batch of one is just the call
                    p = chunk[0]
                    try:
                        self.requests += 1
                        self.calls += 1
                        self.pacer.acquire(1)
                        answers["0"] = (self._request(cal_id, p).execute(), None)
                    except Exception as exc:  # noqa: BLE001 - classified below
                        answers["0"] = (None, exc)
                else:
                    batch = self._new_batch(cb)
                    for i, p in enumerate(chunk):
                        batch.add(self._request(cal_id, p), request_id=str(i))
                    # the outer request is retried inside (all calls are idempotent); if it
                    # fails for good the error stops the run, successes so far are recorded
                    self._execute(batch, f"batch of {len(chunk)} writes to '{calendar}'",
                                  cost=len(chunk))
                for i, p in enumerate(chunk):
                    response, exc = answers.get(str(i), (None, RuntimeError("no answer")))
                    if exc is None:
                        done(OpResult(p.op, ok=True, restored=p.restored,
                                      sequence=int((response or {}).get("sequence", 0) or 0)
                                      if isinstance(response, dict) else 0))
                        continue
                    status, reason, message = status_and_reason(exc)
                    if ((p.call == "insert" and status == 409) or (p.call == "patch" and status == 404)) \
                            and p.attempts >= self.policy.max_retries:
                        # insert says the id exists, get/patch say it does not (Google does not
                        # promise consistency here): stop the ping-pong, the next run retries
                        done(OpResult(p.op, ok=False, error=(
                            f"event id {p.op.event_id} on '{calendar}': insert answers 'exists' "
                            "but patch answers 'not found'; gave up for this run")))
                        continue
                    if p.call == "insert" and status == 409:
                        # the id exists (maybe cancelled): fetch it, and patch it only if it is
                        # procal's (patching restores a cancelled event)
                        if self._is_ours(cal_id, p.op):
                            retry.append(_Pending(p.op, "patch", p.attempts + 1, restored=True))
                        else:
                            done(OpResult(p.op, ok=False, error=(
                                f"event id {p.op.event_id} is taken on '{calendar}' by an event "
                                "procal did not create; left untouched")))
                        continue
                    if p.call == "patch" and status == 404:
                        retry.append(_Pending(p.op, "insert", p.attempts + 1, restored=p.restored))
                        continue
                    if p.call == "delete" and status in (404, 410):
                        done(OpResult(p.op, ok=True))
                        continue
                    kind = classify(exc)
                    if kind == "quota":
                        quota = quota or to_google_error(exc, f"write to calendar '{calendar}'")
                        continue
                    if kind == "retry" and p.attempts < self.policy.max_retries:
                        worst_delay = max(worst_delay,
                                          retry_delay_for(exc, p.attempts, self.policy, self.rng))
                        retry.append(_Pending(p.op, p.call, p.attempts + 1, p.restored))
                        continue
                    err = to_google_error(exc, f"{p.call} {p.op.key} on '{calendar}'")
                    done(OpResult(p.op, ok=False, error=str(err)))
                if quota is not None:
                    raise quota
            if retry and worst_delay:
                self.sleep(worst_delay)
            pending = retry
        return results
