"""The same round trips against the emulator and, with ``-m live --live-network`` and
PROCAL_LIVE_CREDENTIALS / PROCAL_LIVE_CALENDAR_ID / PROCAL_LIVE_SPREADSHEET_ID, real Google."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest

from google_access.errors import ConflictError, GoneError


def event_id(key: str) -> str:
    return base64.b32hexencode(hashlib.sha256(key.encode()).digest()).decode().lower().rstrip("=")


def test_calendar_round_trip(google_target):
    c, cal_id = google_target.clients, google_target.calendar_id
    run = uuid.uuid4().hex[:8]
    eid = event_id(f"procal-test/{run}")
    events = c.calendar.events()
    body = {"id": eid, "summary": f"procal test {run}", "start": {"date": "2026-12-01"},
            "end": {"date": "2026-12-02"}, "colorId": "5",
            "extendedProperties": {"private": {"owner": "procal-test", "run": run}},
            "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 900}]}}
    try:
        made = c.call(lambda: events.insert(calendarId=cal_id, body=body, sendUpdates="none").execute(),
                      what="insert")
        assert made["id"] == eid
        with pytest.raises(ConflictError):
            c.call(lambda: events.insert(calendarId=cal_id, body=body).execute(), what="insert again")
        found = c.call(lambda: events.list(calendarId=cal_id, privateExtendedProperty=f"run={run}").execute(),
                       what="list")
        assert [e["id"] for e in found["items"]] == [eid]
        patched = c.call(lambda: events.patch(calendarId=cal_id, eventId=eid,
                                              body={"extendedProperties": {"private": {"run": None}}}).execute(),
                         what="patch")
        assert "run" not in patched["extendedProperties"]["private"]
    finally:
        c.call(lambda: events.delete(calendarId=cal_id, eventId=eid, sendUpdates="none").execute(),
               what="delete")
    assert c.call(lambda: events.get(calendarId=cal_id, eventId=eid).execute(), what="get")["status"] == "cancelled"
    with pytest.raises(GoneError):
        c.call(lambda: events.delete(calendarId=cal_id, eventId=eid).execute(), what="delete again")


def test_sheet_round_trip_keeps_formula_text_as_text(google_target):
    c = google_target.clients
    sh = c.call(lambda: c.gspread.open_by_key(google_target.spreadsheet_id), what="open", api="sheets")
    tab = f"procal-test-{uuid.uuid4().hex[:6]}"
    ws = c.call(lambda: sh.add_worksheet(tab, rows=5, cols=3), what="add tab", api="sheets")
    try:
        c.call(lambda: ws.update([["=1+1", "0012", "ทดสอบ"]], "A1"), what="write", api="sheets")
        got = c.call(lambda: sh.values_get(f"'{tab}'!A1:C1", params={"valueRenderOption": "UNFORMATTED_VALUE"}),
                     what="read", api="sheets")
        assert got["values"] == [["=1+1", "0012", "ทดสอบ"]]
    finally:
        c.call(lambda: sh.del_worksheet(ws), what="delete tab", api="sheets")
