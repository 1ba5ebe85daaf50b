"""A Google Sheet as a :class:`TableSource`, through gspread.

Quota-friendly (Sheets allows 60 reads and 60 writes per minute per user):

* ``read_tabs`` = 2 read requests whatever the number of tabs: the spreadsheet metadata (tab names,
  ids for row links, grid sizes) and ONE ``values:batchGet`` with ``UNFORMATTED_VALUE`` /
  ``SERIAL_NUMBER`` (ids typed as text stay text — no ``"0012"`` → ``12``; dates come as serials).
  Tabs already read by this source object are served from that snapshot (``read_plans`` reads the
  disbursement tab too, so ``read_disbursement(book.source)`` costs no request).
* ``write_tabs`` = 1 ``values:batchUpdate`` with ``valueInputOption=RAW`` (a cell ``=1+1`` stays
  text), plus 1 ``spreadsheets:batchUpdate`` only when a tab must be created or enlarged.

Every call goes through a bounded retry with backoff on 429 / 5xx (gspread's own
``BackOffHTTPClient`` never gives up, so it is not used); ``google_access.retry.call`` is used when
available. Not found / no permission / bad credentials raise :class:`SourceError` before anything
is written.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable, Mapping, Sequence

from schedule_engine.errors import ProcalError, SourceError
from sheets_io.settings import SheetsSettings
from sheets_io.safecell import cell_value as _cell_for_output
from sheets_io.tables import (Table, TableSource, _missing_tabs_error,
                              match_tabs)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_ATTEMPTS = 5
BASE_DELAY = 1.0
MAX_DELAY = 32.0
SHEET_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def quote_tab(title: str) -> str:
    """A1 sheet name, always quoted (Thai names, spaces): ``'ผลการดำเนินงาน'``."""
    return "'" + title.replace("'", "''") + "'"


def _status_of(exc: BaseException) -> int | None:
    resp = getattr(exc, "response", None)
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return code
    return getattr(resp, "status_code", None)


class GoogleSheetSource(TableSource):
    """One spreadsheet (by id). ``clients``: a ``google_access.GoogleClients`` (uses its
    ``.gspread`` client and retry helper) or a ``gspread.Client``."""

    kind = "google"

    def __init__(self, spreadsheet_id: str, *, settings: SheetsSettings | None = None,
                 clients: object = None):
        super().__init__(spreadsheet_id, settings)
        self.spreadsheet_id = spreadsheet_id
        self._clients = clients
        self._gc = None
        self._meta: dict[str, dict] | None = None  # title -> sheet properties
        self._extent: dict[str, tuple[int, int]] = {}  # tab -> (rows, cols) last read
        self._cache: dict[str, Table] = {}  # requested name -> table read this run (a snapshot)

    # ------------------------------------------------------------------ plumbing
    @property
    def gc(self):
        if self._gc is None:
            c = self._clients
            if c is None:
                c = self._clients = _default_clients()
            self._gc = getattr(c, "gspread", None) or c
        return self._gc

    def _call(self, fn: Callable[[], object], what: str) -> object:
        """Run one request through ``google_access.retry.call`` (pacing + bounded retry)."""
        from google_access.errors import GoogleError
        from google_access.retry import RetryPolicy, call

        c = self._clients
        pacer = getattr(c, "sheets_pacer", None) or getattr(c, "pacer", None)
        policy = getattr(c, "policy", None) or RetryPolicy(max_retries=MAX_ATTEMPTS - 1,
                                                                 base=BASE_DELAY)
        try:
            return call(fn, pacer=pacer, policy=policy, what=f"{what} Google Sheet",
                        sleep=lambda s: _sleep(s))
        except GoogleError as exc:
            raise self._source_error(exc, what) from None
        except ProcalError:
            raise
        except Exception as exc:  # pragma: no cover - call() converts every error
            raise self._source_error(exc, what) from None

    def _source_error(self, exc: BaseException, what: str) -> SourceError:
        import gspread

        sid = self.spreadsheet_id
        status = _status_of(exc)
        who = _service_account_email(self._clients)
        share = f" — share the sheet with {who}" if who else " — share the sheet with procal's account"
        status = getattr(exc, "status", None) or status
        if type(exc).__name__ == "AuthError":
            return SourceError(f"cannot {what} Google Sheet {sid}: {exc}")
        if isinstance(exc, gspread.exceptions.SpreadsheetNotFound) or status == 404:
            return SourceError(f"Google Sheet {sid} not found ({what}) — check the id/URL{share}")
        if isinstance(exc, PermissionError) or status == 403:
            return SourceError(f"no permission to {what} Google Sheet {sid}{share} "
                               f"(editor to write back, viewer to read)")
        if status == 401:
            return SourceError(f"Google refused procal's credentials while trying to {what} "
                               f"{sid} — run `procal auth` again")
        if status in RETRY_STATUSES or type(exc).__name__ == "RateLimitError":
            return SourceError(f"Google Sheets kept failing ({status}) while trying to {what} {sid}; "
                               f"gave up after the bounded retries — run again in a minute")
        return SourceError(f"cannot {what} Google Sheet {sid}: {exc}")

    def _open(self):
        """Fetch the spreadsheet metadata once (1 read request): tab titles, ids, grid sizes."""
        if self._meta is None:
            http = self.gc.http_client
            meta = self._call(lambda: http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"includeGridData": "false"}), "open")
            self._meta = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
        return self.gc.http_client

    # ------------------------------------------------------------------ reading
    def tab_names(self) -> list[str]:
        self._open()
        return list(self._meta or {})

    def read_tabs(self, names: Sequence[str], *, optional: Iterable[str] = ()) -> dict[str, Table]:
        sh = self._open()
        present = list(self._meta or {})
        titles = match_tabs([*names, *optional], present)
        missing = [n for n in names if n not in titles]
        if missing:
            raise _missing_tabs_error(f"Google Sheet {self.spreadsheet_id}", missing, present)
        wanted = list(dict.fromkeys(n for n in [*names, *optional] if n in titles))
        if all(n in self._cache for n in wanted):
            # everything asked for was read earlier in this run: no request (quota), same snapshot
            return {n: self._cache[n] for n in wanted}
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                  "majorDimension": "ROWS"}
        if not wanted:
            return {}
        resp = self._call(lambda: sh.values_batch_get(
            self.spreadsheet_id, [quote_tab(titles[n]) for n in wanted], params=params),
                          "read")
        ranges = resp.get("valueRanges", [])
        out: dict[str, Table] = {}
        for name, vr in zip(wanted, ranges, strict=True):  # one valueRange per range asked
            grid = [list(r) for r in vr.get("values", [])]
            self._extent[titles[name]] = (len(grid), max((len(r) for r in grid), default=0))
            out[name] = Table(self.label, titles[name], grid)
        self._cache.update(out)
        return out

    # ------------------------------------------------------------------ writing
    def write_tabs(self, tabs: Mapping[str, Sequence[Sequence[object]]], *,
                   stamp: str | None = None) -> None:
        self._refuse_agency_tabs(tabs)
        sh = self._open()
        meta = self._meta or {}
        requests: list[dict] = []
        data: list[dict] = []
        for name, rows in tabs.items():
            values = [[_cell_for_output(v) for v in r] for r in rows]
            n_rows = len(values)
            n_cols = max((len(r) for r in values), default=0)
            props = meta.get(name)
            if props is None:
                requests.append({"addSheet": {"properties": {
                    "title": name,
                    "gridProperties": {"rowCount": max(n_rows + 100, 1000),
                                       "columnCount": max(n_cols, 26)}}}})
                old_rows = old_cols = 0
            else:
                grid = props.get("gridProperties", {})
                g_rows, g_cols = grid.get("rowCount", 1000), grid.get("columnCount", 26)
                if g_rows < n_rows or g_cols < n_cols:
                    requests.append({"updateSheetProperties": {
                        "properties": {"sheetId": props["sheetId"], "gridProperties": {
                            "rowCount": max(g_rows, n_rows + 100),
                            "columnCount": max(g_cols, n_cols)}},
                        "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
                old_rows, old_cols = self._extent.get(name, (g_rows, g_cols))
            # overwrite what was there before with blanks: one write, no separate clear
            width = max(n_cols, old_cols)
            padded = [r + [""] * (width - len(r)) for r in values]
            padded += [[""] * width for _ in range(max(0, old_rows - n_rows))]
            if padded and width:
                data.append({"range": f"{quote_tab(name)}!A1", "majorDimension": "ROWS",
                             "values": padded})
        if requests:
            self._call(lambda: sh.batch_update(self.spreadsheet_id, {"requests": requests}),
                       "change tabs of")
        if data:
            self._call(lambda: sh.values_batch_update(
                self.spreadsheet_id, {"valueInputOption": "RAW", "data": data}), "write to")
        # what we wrote is now the extent; metadata is stale after addSheet
        for name, rows in tabs.items():
            self._extent[name] = (len(rows), max((len(r) for r in rows), default=0))
            self._cache.pop(name, None)
        if requests:
            self._meta = None

    # ------------------------------------------------------------------ links
    def row_url(self, tab: str, row: int) -> str | None:
        props = (self._meta or {}).get(tab)
        base = SHEET_URL.format(id=self.spreadsheet_id)
        if props is None:
            return base
        return f"{base}#gid={props.get('sheetId', 0)}&range={row}:{row}"


def _service_account_email(clients: object) -> str | None:
    for obj in (clients, getattr(clients, "credentials", None)):
        email = getattr(obj, "service_account_email", None)
        if isinstance(email, str) and "@" in email:
            return email
    return None


def _default_clients():
    """Google clients from the default ``google_access`` settings (credentials file / token)."""
    from google_access.clients import GoogleClients
    from google_access.credentials import load_credentials
    from google_access.settings import GoogleSettings

    settings = GoogleSettings()
    return GoogleClients(load_credentials(settings), settings)
