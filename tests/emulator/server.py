"""The loopback Google emulator: one ``ThreadingHTTPServer`` serving Calendar v3, the Calendar
batch endpoint, Sheets v4 and the OAuth token endpoint, with fault injection, a per-user quota,
a request log and direct state helpers for tests. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import itertools
import json
import logging
import random
import re
import socket
import threading
import time
import uuid
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from .calendar_api import CalendarStore
from .errors import REASON_PHRASES, ApiError, dumps, error_body, fault_error
from .faults import Faults, Quota
from .sheets_api import Formula, SheetsStore, python_value

log = logging.getLogger("tests.emulator")

CAL_PREFIX = "/calendar/v3/"
SHEETS_PREFIX = "/v4/spreadsheets/"
BATCH_PATHS = ("/batch/calendar/v3", "/batch")
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

S = "https://www.googleapis.com/auth/"
CAL_WRITE = {S + "calendar", S + "calendar.events", S + "calendar.events.owned"}
CAL_READ = CAL_WRITE | {S + "calendar.readonly", S + "calendar.events.readonly",
                        S + "calendar.events.owned.readonly"}
CALENDARS_READ = {S + "calendar", S + "calendar.readonly", S + "calendar.calendars",
                  S + "calendar.calendars.readonly"}
SHEETS_WRITE = {S + "spreadsheets", S + "drive", S + "drive.file"}
SHEETS_READ = SHEETS_WRITE | {S + "spreadsheets.readonly", S + "drive.readonly"}


def operation_of(api: str, method: str, path: str) -> str:
    """``events.insert``, ``values.get``, ``batch``, ``token``... for a decoded path."""
    if api == "oauth":
        return "authorize" if path == "/o/oauth2/auth" else "token"
    if api == "batch":
        return "batch"
    if api == "calendar":
        rest = path[len(CAL_PREFIX):].split("/")
        if len(rest) == 2 and rest[0] == "calendars":
            return "calendars.get"
        if len(rest) == 3:
            return {"GET": "events.list", "POST": "events.insert"}.get(method, "events.unknown")
        if len(rest) == 4:
            return {"GET": "events.get", "PUT": "events.update", "PATCH": "events.patch",
                    "DELETE": "events.delete"}.get(method, "events.unknown")
        return "calendar.unknown"
    if api == "sheets":
        rest = path[len(SHEETS_PREFIX):]
        if rest.endswith(":batchUpdate") and "/" not in rest:
            return "spreadsheets.batchUpdate"
        if "/" not in rest:
            return "spreadsheets.get"
        tail = rest.split("/", 1)[1]
        if tail == "values:batchGet":
            return "values.batchGet"
        if tail == "values:batchUpdate":
            return "values.batchUpdate"
        if tail == "values:batchClear":
            return "values.batchClear"
        if tail.endswith(":append"):
            return "values.append"
        if tail.endswith(":clear"):
            return "values.clear"
        return {"GET": "values.get", "PUT": "values.update"}.get(method, "values.unknown")
    return "unknown"


class RequestRecord(NamedTuple):
    """One logged request (inner batch calls are logged on their own, ``inner=True``)."""

    api: str        # "calendar" | "sheets" | "batch" (the outer batch POST) | "oauth" | "unknown"
    method: str     # effective method (X-HTTP-Method-Override applied)
    path: str       # decoded path, no query string
    inner: bool
    status: int     # 0 when the connection was dropped

    @property
    def op(self) -> str:
        return operation_of(self.api, self.method, self.path)


class _Drop(Exception):
    """Close the connection without answering (fault ``"drop"``)."""


class _Req:
    __slots__ = ("method", "path", "query", "headers", "body", "inner", "api", "op")

    def __init__(self, method, path, query, headers, body, inner):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.inner = inner
        if path in ("/token", "/o/oauth2/auth"):
            self.api = "oauth"
        elif path in BATCH_PATHS:
            self.api = "batch"
        elif path.startswith(CAL_PREFIX):
            self.api = "calendar"
        elif path.startswith(SHEETS_PREFIX):
            self.api = "sheets"
        else:
            self.api = "unknown"
        self.op = operation_of(self.api, method, path)

    def one(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self):
        if not self.body:
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "parseError", "Parse Error") from None


class _Resp:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def _json_resp(status: int, obj) -> _Resp:
    return _Resp(status, dumps(obj), {"Content-Type": "application/json; charset=UTF-8"})


def _split_path(raw_path: str) -> str:
    return "/".join(unquote(seg) for seg in raw_path.split("/"))


def _b64json(segment: str):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


class GoogleEmulator:
    """A faithful-enough Google (Calendar v3, Sheets v4, OAuth token endpoint) on 127.0.0.1.

    ``latency`` seconds are added to every HTTP request; ``seed`` seeds the fault RNG;
    ``user_rpm`` / ``sheets_user_rpm`` simulate the per-user per-minute quotas (beyond them
    Calendar answers 403 ``rateLimitExceeded``, Sheets 429 ``RESOURCE_EXHAUSTED``).
    ``clock`` (monotonic seconds) drives the quota window; ``sleep`` is used for latency/slow faults.
    """

    def __init__(self, latency: float = 0.0, seed: int = 0, user_rpm: int | None = None, *,
                 sheets_user_rpm: int | None = None, host: str = "127.0.0.1", port: int = 0,
                 primary_calendar: bool = True, clock=time.monotonic, sleep=time.sleep,
                 strict_tokens: bool = False):
        self.latency = latency
        self.host = host
        self.port = port
        self.rng = random.Random(seed)
        self.faults = Faults(self.rng)
        self.clock = clock
        self.sleep = sleep
        self.quota = Quota(user_rpm, lambda: self.clock())
        self.sheets_quota = Quota(sheets_user_rpm, lambda: self.clock())
        self.strict_tokens = strict_tokens
        self.calendar_store = CalendarStore(lambda: datetime.now(timezone.utc))
        self.sheets_store = SheetsStore()
        self._log_lock = threading.Lock()
        self.requests: list[RequestRecord] = []
        self.internal_errors: list[str] = []   # emulator bugs (answered 500); tests may assert empty
        self._tok_lock = threading.Lock()
        self._token_seq = itertools.count(1)
        self.access_tokens: dict[str, dict] = {}   # minted token -> {"user", "scopes", "refresh"}
        self.revoked_refresh_tokens: set[str] = set()
        self._expired_tokens: set[str] = set()
        self._seen_tokens: set[str] = set()
        self._auth_codes: dict[str, str] = {}
        self.deny_logins = False               # the user clicks "Cancel" on the consent screen
        self._server: ThreadingHTTPServer | None = None
        self._conn_lock = threading.Lock()
        self._connections: set = set()
        self._thread: threading.Thread | None = None
        if primary_calendar:
            self.add_calendar("primary", summary="primary")

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "GoogleEmulator":
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="google-emulator",
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._conn_lock:  # close idle keep-alive connections so their threads end now
            conns, self._connections = list(self._connections), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "GoogleEmulator":
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def token_uri(self) -> str:
        return self.root_url + "token"

    # ------------------------------------------------------------------ state helpers
    def add_calendar(self, calendar_id: str, summary: str | None = None, time_zone: str = "Asia/Bangkok"):
        self.calendar_store.add_calendar(calendar_id, summary, time_zone)
        return calendar_id

    def set_access_role(self, calendar_id: str, role: str) -> None:
        """The caller's access to a calendar: "owner"/"writer" (default owner) or "reader" (listing
        says so in ``accessRole``; every write answers 403 requiredAccessLevel)."""
        with self.calendar_store.lock:
            self.calendar_store.calendar(calendar_id).access_role = role

    def events(self, calendar_id: str, include_cancelled: bool = False) -> list[dict]:
        with self.calendar_store.lock:
            cal = self.calendar_store.calendar(calendar_id)
            return [self.calendar_store.public(e) for e in cal.events.values()
                    if include_cancelled or e["status"] != "cancelled"]

    def event(self, calendar_id: str, event_id: str) -> dict | None:
        with self.calendar_store.lock:
            ev = self.calendar_store.calendar(calendar_id).events.get(event_id)
            return self.calendar_store.public(ev) if ev else None

    def insert_foreign_event(self, calendar_id: str, body: dict, *,
                             creator: str = "someone.else@example.org") -> dict:
        """An event a person (not procal) put on the calendar; bypasses auth, faults and the log."""
        return self.calendar_store.insert(calendar_id, body, creator=creator)

    def edit_event(self, calendar_id: str, event_id: str, changes: dict | None = None, **fields) -> dict:
        """Hand-edit an event as a person would in the Calendar UI (PATCH semantics)."""
        return self.calendar_store.patch(calendar_id, event_id, {**(changes or {}), **fields})

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        """A person deletes the event in the UI (it becomes ``cancelled``)."""
        self.calendar_store.delete(calendar_id, event_id)

    def invalidate_sync_tokens(self, calendar_id: str) -> None:
        """Make every outstanding syncToken of the calendar stale (next use -> 410)."""
        self.calendar_store.invalidate_sync_tokens(calendar_id)

    def seed_spreadsheet(self, spreadsheet_id: str, tabs: dict, title: str | None = None) -> str:
        """``tabs``: {tab title: rows (lists of str/int/float/bool/date/datetime/None/Formula)}."""
        self.sheets_store.seed(spreadsheet_id, tabs, title)
        return spreadsheet_id

    def seed_spreadsheet_from_file(self, spreadsheet_id: str, path, title: str | None = None,
                                   tab: str | None = None) -> str:
        """Seed from ``.xlsx`` (every worksheet; formulas stay formulas) or ``.csv`` (one tab named
        ``tab`` or the file stem)."""
        from pathlib import Path

        path = Path(path)
        if path.suffix.lower() == ".csv":
            import csv

            with path.open(newline="", encoding="utf-8-sig") as fh:
                rows = [list(r) for r in csv.reader(fh)]
            tabs = {tab or path.stem: rows}
        else:
            import openpyxl

            wb = openpyxl.load_workbook(path, data_only=False)
            tabs = {}
            for ws in wb.worksheets:
                rows = []
                for row in ws.iter_rows(values_only=False):
                    out = []
                    for cell in row:
                        v = cell.value
                        if cell.data_type == "f" and isinstance(v, str):
                            v = Formula(v)
                        elif isinstance(v, datetime) and v.time() == datetime.min.time() \
                                and cell.is_date and "h" not in (cell.number_format or "").lower():
                            v = v.date()
                        out.append(v)
                    rows.append(out)
                tabs[ws.title] = rows
        return self.seed_spreadsheet(spreadsheet_id, tabs, title or path.stem)

    def spreadsheet_values(self, spreadsheet_id: str, tab: str) -> list[list]:
        """Python values of a tab (trailing empties trimmed): numbers, str, bool, date,
        :class:`Formula` for formula cells, None for empty cells inside the used area."""
        with self.sheets_store.lock:
            sheet = self.sheets_store.book(spreadsheet_id).sheet(tab)
            rows = [[python_value(c) for c in row] for row in sheet.cells]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def set_cell(self, spreadsheet_id: str, tab: str, row: int, col: int, value) -> None:
        """Hand-edit one cell (1-based row/col) as a person would (USER_ENTERED semantics)."""
        from .sheets_api import cell_from_input

        with self.sheets_store.lock:
            sheet = self.sheets_store.book(spreadsheet_id).sheet(tab)
            sheet.set(row - 1, col - 1, cell_from_input(value, "USER_ENTERED"))

    def spreadsheet_tabs(self, spreadsheet_id: str) -> list[str]:
        with self.sheets_store.lock:
            return [s.title for s in self.sheets_store.book(spreadsheet_id).sheets]

    # ------------------------------------------------------------------ tokens
    def mint_access_token(self, *, user: str = "user", scopes=None, refresh: str | None = None) -> str:
        with self._tok_lock:
            token = f"ya29.emulated-{next(self._token_seq)}-{uuid.uuid4().hex[:8]}"
            self.access_tokens[token] = {"user": user, "scopes": set(scopes) if scopes else None,
                                         "refresh": refresh}
            return token

    def revoke_refresh_token(self, refresh_token: str) -> None:
        """Revoke a refresh token: its access tokens stop working and refreshing is ``invalid_grant``."""
        with self._tok_lock:
            self.revoked_refresh_tokens.add(refresh_token)
            for tok, info in self.access_tokens.items():
                if info["refresh"] == refresh_token:
                    self._expired_tokens.add(tok)

    def expire_access_tokens(self) -> None:
        """Every access token seen or minted so far answers 401 (clients must refresh)."""
        with self._tok_lock:
            self._expired_tokens |= self._seen_tokens | set(self.access_tokens)

    def _auth(self, req: _Req, fallback_header: str | None = None) -> dict:
        header = req.headers.get("authorization") or fallback_header or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise self._unauthorized()
        token = token.strip()
        with self._tok_lock:
            self._seen_tokens.add(token)
            if token in self._expired_tokens:
                raise self._unauthorized()
            info = self.access_tokens.get(token)
        if info is None:
            if self.strict_tokens:
                raise self._unauthorized()
            return {"user": token, "scopes": None}
        return info

    @staticmethod
    def _unauthorized() -> ApiError:
        return ApiError(401, "authError", "Invalid Credentials", headers={
            "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'})

    @staticmethod
    def _check_scopes(req: _Req, scopes) -> None:
        if scopes is None:
            return
        write = req.method not in ("GET",)
        if req.op == "calendars.get":
            need = CALENDARS_READ
        elif req.api == "calendar":
            need = CAL_WRITE if write else CAL_READ
        else:
            need = SHEETS_WRITE if write else SHEETS_READ
        if not scopes & need:
            raise ApiError(403, "insufficientPermissions", "Request had insufficient authentication scopes.",
                           status="PERMISSION_DENIED")

    def _authorize(self, req: _Req) -> _Resp:
        """The consent screen of an installed-app login, already "approved": redirect back to the
        app's loopback ``redirect_uri`` with a one-time code (``deny_logins`` -> access_denied)."""
        redirect = req.one("redirect_uri", "")
        if not redirect.startswith(("http://localhost", "http://127.0.0.1")):
            return _json_resp(400, {"error": "invalid_request", "error_description": "redirect_uri"})
        from urllib.parse import urlencode

        if self.deny_logins:
            params = {"error": "access_denied", "state": req.one("state", "")}
        else:
            with self._tok_lock:
                code = f"4/emulated-code-{next(self._token_seq)}"
                self._auth_codes[code] = req.one("scope", "")
            params = {"code": code, "state": req.one("state", ""), "scope": req.one("scope", "")}
        sep = "&" if "?" in redirect else "?"
        return _Resp(302, b"", {"Location": redirect + sep + urlencode(params)})

    def _token(self, req: _Req) -> _Resp:
        form = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
        grant = form.get("grant_type")

        def oauth_error(code, error, desc):
            return _json_resp(code, {"error": error, "error_description": desc})

        if grant == "refresh_token":
            refresh = form.get("refresh_token")
            if not refresh or not form.get("client_id"):
                return oauth_error(400, "invalid_request", "Missing required parameter: refresh_token")
            if refresh in self.revoked_refresh_tokens:
                return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            scopes = form.get("scope", "").split() or None
            token = self.mint_access_token(user=f"refresh:{refresh[-6:]}", scopes=scopes, refresh=refresh)
            body = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
            if scopes:
                body["scope"] = " ".join(scopes)
            return _json_resp(200, body)
        if grant == "authorization_code":
            with self._tok_lock:
                scope = self._auth_codes.pop(form.get("code", ""), None)
            if scope is None:
                return oauth_error(400, "invalid_grant", "Malformed auth code.")
            refresh = f"1//emulated-refresh-{uuid.uuid4().hex[:12]}"
            scopes = scope.split() or None
            token = self.mint_access_token(user=f"refresh:{refresh[-6:]}", scopes=scopes, refresh=refresh)
            return _json_resp(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                                    "refresh_token": refresh, "scope": scope})
        if grant == JWT_GRANT:
            assertion = form.get("assertion", "")
            parts = assertion.split(".")
            try:
                if len(parts) != 3:
                    raise ValueError
                header, payload = _b64json(parts[0]), _b64json(parts[1])
                if not isinstance(header, dict) or not isinstance(payload, dict) or "iss" not in payload:
                    raise ValueError
            except (ValueError, binascii.Error, UnicodeDecodeError):
                return oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
            scopes = str(payload.get("scope", "")).split() or None
            user = payload.get("sub") or payload["iss"]
            if user in self.revoked_refresh_tokens:
                return oauth_error(400, "invalid_grant", "Invalid grant: account not found")
            token = self.mint_access_token(user=user, scopes=scopes, refresh=user)
            return _json_resp(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
        return oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")

    # ------------------------------------------------------------------ log / observation
    def _record(self, req: _Req, status: int) -> None:
        rec = RequestRecord(req.api, req.method, req.path, req.inner, status)
        with self._log_lock:
            self.requests.append(rec)
        log.debug("%s %s %s%s -> %s", req.api, req.method, req.path, " (inner)" if req.inner else "", status)

    def count(self, api: str | None = None, op: str | None = None, method: str | None = None,
              path: str | None = None, inner: bool | None = None, status: int | None = None) -> int:
        """How many logged requests match (``path`` is a regex searched in the decoded path)."""
        pat = re.compile(path) if path else None
        with self._log_lock:
            records = list(self.requests)
        return sum(1 for r in records
                   if (api is None or r.api == api) and (op is None or r.op == op)
                   and (method is None or r.method == method.upper())
                   and (inner is None or r.inner == inner) and (status is None or r.status == status)
                   and (pat is None or pat.search(r.path)))

    def reset_counts(self) -> None:
        with self._log_lock:
            self.requests.clear()

    def reset(self) -> None:
        """Forget every calendar, spreadsheet, fault, quota hit, token and log entry."""
        self.faults.clear()
        self.quota.reset()
        self.sheets_quota.reset()
        self.reset_counts()
        with self.calendar_store.lock:
            self.calendar_store.calendars.clear()
        with self.sheets_store.lock:
            self.sheets_store.spreadsheets.clear()
        with self._tok_lock:
            self.access_tokens.clear()
            self.revoked_refresh_tokens.clear()
            self._expired_tokens.clear()
            self._seen_tokens.clear()
        self.add_calendar("primary", summary="primary")

    def dump(self) -> dict:
        """JSON-serialisable snapshot: calendars (events incl. cancelled), spreadsheets, counters."""
        def plain(v):
            if isinstance(v, (date, datetime)):
                return v.isoformat()
            return v

        out = {"calendars": {}, "spreadsheets": {}}
        with self.calendar_store.lock:
            for cid, cal in self.calendar_store.calendars.items():
                out["calendars"][cid] = {"summary": cal.summary, "timeZone": cal.time_zone,
                                         "events": [self.calendar_store.public(e) for e in cal.events.values()]}
        with self.sheets_store.lock:
            for sid, book in self.sheets_store.spreadsheets.items():
                out["spreadsheets"][sid] = {
                    "title": book.title,
                    "tabs": {s.title: [[plain(v) for v in row]
                                       for row in self.spreadsheet_values(sid, s.title)]
                             for s in book.sheets}}
        with self._log_lock:
            records = list(self.requests)
        out["requests"] = {"total": len(records),
                           "inner": sum(1 for r in records if r.inner),
                           "by_op": {}}
        for r in records:
            out["requests"]["by_op"][r.op] = out["requests"]["by_op"].get(r.op, 0) + 1
        out["faults"] = [{"fault": str(f.fault), "op": f.op, "api": f.api, "fired": f.fired,
                          "times": f.times} for f in self.faults.rules]
        return out

    # ------------------------------------------------------------------ dispatch
    def handle(self, req: _Req, *, outer_auth: str | None = None) -> _Resp:
        """Route one (outer or inner) request through auth, faults, quota and the API."""
        status = 0
        try:
            resp = self._handle(req, outer_auth)
            status = resp.status
            return resp
        finally:
            self._record(req, status)

    def _handle(self, req: _Req, outer_auth) -> _Resp:
        api = "sheets" if req.api == "sheets" else "calendar"
        try:
            if req.op == "authorize":
                return self._authorize(req)
            if req.api == "oauth":
                if req.method != "POST":
                    raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
                return self._token(req)
            if req.api == "unknown" or (req.inner and req.api not in ("calendar",)):
                raise ApiError(404, "notFound", f"Not Found: {req.path}")
            info = self._auth(req, outer_auth)
            rule = self.faults.pick(req.api, req.op, req.method, req.path, req.inner)
            if rule is not None:
                if rule.fault == "slow":
                    self.sleep(rule.delay)
                elif rule.fault == "drop":
                    raise _Drop()
                else:
                    err = fault_error(api, rule.fault)
                    if rule.retry_after is not None:
                        err.headers["Retry-After"] = f"{rule.retry_after:g}"
                    raise err
            if req.api == "batch":
                return self._batch(req)
            self._check_scopes(req, info.get("scopes"))
            if req.api == "sheets":  # Sheets meters reads and writes separately
                allowed = self.sheets_quota.take(f"{info['user']}:{'read' if req.method == 'GET' else 'write'}")
            else:
                allowed = self.quota.take(info["user"])
            if not allowed:
                if req.api == "sheets":
                    raise fault_error("sheets", 429)
                raise fault_error("calendar", "rateLimitExceeded")
            if req.api == "calendar":
                return self._calendar(req)
            return self._sheets(req)
        except ApiError as exc:
            resp = _json_resp(exc.code, exc.body(api))
            resp.headers.update(exc.headers)
            return resp
        except _Drop:
            raise
        except Exception as exc:  # an emulator bug: answer 500 (and say so) instead of hanging up
            log.exception("emulator error on %s %s", req.method, req.path)
            self.internal_errors.append(f"{req.method} {req.path}: {type(exc).__name__}: {exc}")
            return _json_resp(500, error_body(api, 500, "emulatorBug",
                                              f"emulator bug: {type(exc).__name__}: {exc}"))

    def _calendar(self, req: _Req) -> _Resp:
        store = self.calendar_store
        parts = req.path[len(CAL_PREFIX):].split("/")
        if parts[0] != "calendars" or len(parts) not in (2, 3, 4) or (len(parts) >= 3 and parts[2] != "events"):
            raise ApiError(404, "notFound", "Not Found")
        cid = parts[1]
        if_match = req.headers.get("if-match")
        if len(parts) == 2:
            if req.method != "GET":
                raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
            return _json_resp(200, store.calendars_get(cid))
        if len(parts) == 3:
            if req.method == "GET":
                return _json_resp(200, store.list(cid, req.query))
            if req.method == "POST":
                return _json_resp(200, store.insert(cid, req.json()))
            raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
        eid = parts[3]
        if req.method == "GET":
            return _json_resp(200, store.get(cid, eid))
        if req.method == "PUT":
            return _json_resp(200, store.update(cid, eid, req.json(), if_match=if_match))
        if req.method == "PATCH":
            return _json_resp(200, store.patch(cid, eid, req.json(), if_match=if_match))
        if req.method == "DELETE":
            store.delete(cid, eid, if_match=if_match)
            return _Resp(204)
        raise ApiError(405, "methodNotAllowed", "Method Not Allowed")

    def _sheets(self, req: _Req) -> _Resp:
        store = self.sheets_store
        rest = req.path[len(SHEETS_PREFIX):]
        one = {k: v[-1] for k, v in req.query.items() if v}
        op = req.op
        if op == "spreadsheets.get":
            return _json_resp(200, store.get(rest))
        if op == "spreadsheets.batchUpdate":
            return _json_resp(200, store.batch_update(rest[: -len(":batchUpdate")], req.json()))
        sid, tail = rest.split("/", 1)
        if op == "values.batchGet" and req.method == "GET":
            return _json_resp(200, store.values_batch_get(sid, req.query.get("ranges", []), one))
        if op == "values.batchUpdate" and req.method == "POST":
            return _json_resp(200, store.values_batch_update(sid, req.json()))
        if not tail.startswith("values/"):
            raise ApiError(404, "notFound", "Requested entity was not found.", status="NOT_FOUND")
        rng = tail[len("values/"):]
        if op == "values.get":
            return _json_resp(200, store.values_get(sid, rng, one))
        if op == "values.update":
            return _json_resp(200, store.values_update(sid, rng, req.json(), one))
        if op == "values.append" and req.method == "POST":
            return _json_resp(200, store.values_append(sid, rng[: -len(":append")], req.json(), one))
        if op == "values.clear" and req.method == "POST":
            return _json_resp(200, self._clear(sid, [rng[: -len(":clear")]]))
        if op == "values.batchClear" and req.method == "POST":
            return _json_resp(200, self._clear(sid, req.json().get("ranges") or []))
        raise ApiError(404, "notFound", "Requested entity was not found.", status="NOT_FOUND")

    def _clear(self, sid: str, ranges: list[str]) -> dict:
        store = self.sheets_store
        with store.lock:
            book = store.book(sid)
            cleared = []
            for text in ranges:
                sheet, grid = book.resolve(text)
                r1 = grid.r1 if grid.r1 is not None else sheet.row_count
                c1 = grid.c1 if grid.c1 is not None else sheet.col_count
                for r in range(grid.r0, min(r1, len(sheet.cells))):
                    for c in range(grid.c0, min(c1, len(sheet.cells[r]))):
                        sheet.cells[r][c] = None
                cleared.append(text)
            return {"spreadsheetId": sid, "clearedRanges": cleared}

    # ------------------------------------------------------------------ batch
    def _batch(self, req: _Req) -> _Resp:
        ctype = req.headers.get("content-type", "")
        if not ctype.lower().startswith("multipart/mixed") or "boundary" not in ctype:
            raise ApiError(400, "badContent", "Invalid batch request: expected multipart/mixed")
        text = req.body.decode("utf-8")
        msg = email.parser.Parser().parsestr(f"Content-Type: {ctype}\r\n\r\n" + text)
        parts = msg.get_payload() if msg.is_multipart() else []
        if not parts:
            raise ApiError(400, "badContent", "Invalid batch request: no parts")
        if len(parts) > 1000:
            raise ApiError(400, "batchSizeTooLarge", "A batch can contain at most 1000 requests.")
        boundary = "batch_" + uuid.uuid4().hex
        out = []
        for part in parts:
            content_id = (part.get("Content-ID") or "").strip()
            payload = part.get_payload()
            if not isinstance(payload, str):
                raise ApiError(400, "badContent", "Invalid batch part")
            inner_resp = self._inner(payload, req.headers.get("authorization"))
            reply_id = f"<response-{content_id[1:]}" if content_id.startswith("<") else content_id
            phrase = REASON_PHRASES.get(inner_resp.status, "Unknown")
            head = [f"HTTP/1.1 {inner_resp.status} {phrase}"]
            for k, v in inner_resp.headers.items():
                head.append(f"{k}: {v}")
            head.append(f"Content-Length: {len(inner_resp.body)}")
            out.append(f"--{boundary}\r\nContent-Type: application/http\r\n"
                       f"Content-ID: {reply_id}\r\n\r\n" + "\r\n".join(head) + "\r\n\r\n"
                       + inner_resp.body.decode("utf-8") + "\r\n")
        out.append(f"--{boundary}--\r\n")
        return _Resp(200, "".join(out).encode("utf-8"),
                     {"Content-Type": f"multipart/mixed; boundary={boundary}"})

    def _inner(self, payload: str, outer_auth: str | None) -> _Resp:
        m = re.search(r"\r?\n\r?\n", payload)
        head, body = (payload[:m.start()], payload[m.end():]) if m else (payload, "")
        lines = head.splitlines()
        try:
            method, target, _ = lines[0].split(" ", 2)
        except ValueError:
            raise ApiError(400, "badContent", "Invalid batch part request line") from None
        headers = {}
        for line in lines[1:]:
            k, sep, v = line.partition(":")
            if sep:
                headers[k.strip().lower()] = v.strip()
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        method = method.upper()
        raw = body.encode("utf-8")
        if method == "POST" and headers.get("x-http-method-override", "").upper() == "GET":
            method = "GET"
            for k, v in parse_qs(body, keep_blank_values=True).items():
                query.setdefault(k, []).extend(v)
            raw = b""
        inner = _Req(method, _split_path(split.path), query, headers, raw, inner=True)
        return self.handle(inner, outer_auth=outer_auth)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "GoogleEmulator/1.0"
    timeout = 30
    emulator: GoogleEmulator

    def setup(self):
        super().setup()
        with self.emulator._conn_lock:
            self.emulator._connections.add(self.connection)

    def finish(self):
        with self.emulator._conn_lock:
            self.emulator._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, OSError):
            pass  # the client (or stop()) closed the connection

    def log_message(self, fmt, *args):  # quiet; the emulator keeps its own log
        log.debug("http: " + fmt, *args)

    def _serve(self) -> None:
        emu = self.emulator
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        query = parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        method = self.command.upper()
        if method == "POST" and headers.get("x-http-method-override", "").upper() == "GET":
            method = "GET"
            for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                query.setdefault(k, []).extend(v)
            body = b""
        path = _split_path(split.path)
        if path == "/__emulator/dump" and method == "GET":
            self._send(_json_resp(200, emu.dump()))
            return
        if emu.latency:
            emu.sleep(emu.latency)
        req = _Req(method, path, query, headers, body, inner=False)
        try:
            resp = emu.handle(req)
        except _Drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(resp)

    def _send(self, resp: _Resp) -> None:
        self.send_response(resp.status, REASON_PHRASES.get(resp.status))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if resp.body:
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
