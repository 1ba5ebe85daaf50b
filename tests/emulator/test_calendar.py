"""Calendar v3 conformance, driven by the real google-api-python-client over loopback HTTP."""

from __future__ import annotations

import json

import pytest
from googleapiclient.errors import HttpError

from tests.emulator.conftest import TEAM, all_day


def reason(exc: HttpError) -> str:
    return json.loads(exc.content)["error"]["errors"][0]["reason"]


def test_insert_get_keeps_server_fields_and_percent_encoded_calendar_id(cal, emu):
    ev = cal.events().insert(calendarId=TEAM, body=all_day("abc00001"), sendUpdates="none").execute()
    assert ev["id"] == "abc00001" and ev["status"] == "confirmed" and ev["sequence"] == 0
    assert ev["etag"].startswith('"') and ev["created"] == ev["updated"]
    got = cal.events().get(calendarId=TEAM, eventId="abc00001").execute()
    assert got == ev
    assert emu.count(op="events.insert", path="team@group", status=200) == 1
    assert [e["id"] for e in emu.events(TEAM)] == ["abc00001"]


@pytest.mark.parametrize("bad_id", ["ABC00001", "abcw0001", "abc", "abc-0001", "x" * 5])
def test_client_ids_must_be_base32hex(cal, bad_id):
    with pytest.raises(HttpError) as info:
        cal.events().insert(calendarId=TEAM, body=all_day(bad_id)).execute()
    assert info.value.resp.status == 400
    assert "Invalid resource id" in json.loads(info.value.content)["error"]["message"]


def test_duplicate_cancelled_gone_and_restore(cal, emu):
    cal.events().insert(calendarId=TEAM, body=all_day("dup00001")).execute()
    with pytest.raises(HttpError) as info:
        cal.events().insert(calendarId=TEAM, body=all_day("dup00001")).execute()
    assert info.value.resp.status == 409 and reason(info.value) == "duplicate"

    assert cal.events().delete(calendarId=TEAM, eventId="dup00001").execute() == ""
    assert cal.events().get(calendarId=TEAM, eventId="dup00001").execute()["status"] == "cancelled"
    assert cal.events().list(calendarId=TEAM).execute()["items"] == []
    shown = cal.events().list(calendarId=TEAM, showDeleted=True).execute()["items"]
    assert [(e["id"], e["status"]) for e in shown] == [("dup00001", "cancelled")]

    with pytest.raises(HttpError) as info:  # a cancelled id is still taken
        cal.events().insert(calendarId=TEAM, body=all_day("dup00001")).execute()
    assert info.value.resp.status == 409
    with pytest.raises(HttpError) as info:
        cal.events().delete(calendarId=TEAM, eventId="dup00001").execute()
    assert info.value.resp.status == 410 and reason(info.value) == "deleted"

    restored = cal.events().patch(calendarId=TEAM, eventId="dup00001",
                                  body={"status": "confirmed"}).execute()
    assert restored["status"] == "confirmed" and restored["sequence"] == 1
    assert [e["id"] for e in emu.events(TEAM)] == ["dup00001"]


def test_patch_merges_private_properties_and_null_deletes(cal):
    cal.events().insert(calendarId=TEAM, body=all_day("e0t00001")).execute()
    body = {"extendedProperties": {"private": {"hash": "h1", "key": None}}}
    ev = cal.events().patch(calendarId=TEAM, eventId="e0t00001", body=body).execute()
    assert ev["extendedProperties"]["private"] == {"owner": "procal", "hash": "h1"}
    assert ev["summary"] == "event e0t00001"  # untouched fields stay
    put = {k: v for k, v in ev.items() if k != "extendedProperties"}
    ev2 = cal.events().update(calendarId=TEAM, eventId="e0t00001", body=put).execute()
    assert "extendedProperties" not in ev2 and ev2["etag"] != ev["etag"]


def test_extended_property_limits_are_silent(cal):
    body = all_day("lim00001")
    body["extendedProperties"]["private"].update({"k" * 45: "dropped", "long": "v" * 2000})
    ev = cal.events().insert(calendarId=TEAM, body=body).execute()
    props = ev["extendedProperties"]["private"]
    assert "k" * 45 not in props and len(props["long"]) == 1024


@pytest.mark.parametrize("change, why", [
    ({"reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 1}] * 6}},
     "tooManyReminders"),
    ({"reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 40321}]}}, "invalid"),
    ({"reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": -1}]}}, "invalid"),
    ({"colorId": "12"}, "invalid"),
    ({"colorId": "0"}, "invalid"),
    ({"end": {"date": "2026-12-01"}}, "timeRangeEmpty"),
    ({"end": {"date": "2026-11-30"}}, "timeRangeEmpty"),
    ({"end": {"dateTime": "2026-12-02T10:00:00+07:00"}}, "invalid"),
])
def test_validation_errors_are_400_in_google_shape(cal, change, why):
    body = {**all_day("val00001"), **change}
    with pytest.raises(HttpError) as info:
        cal.events().insert(calendarId=TEAM, body=body).execute()
    assert info.value.resp.status == 400
    err = json.loads(info.value.content)["error"]
    assert err["code"] == 400 and err["errors"][0]["reason"] == why and err["message"]


def test_valid_edges_are_accepted(cal):
    body = {**all_day("edge0001"), "colorId": "11",
            "reminders": {"useDefault": False,
                          "overrides": [{"method": "popup", "minutes": 0}] * 4
                          + [{"method": "email", "minutes": 40320}]}}
    assert cal.events().insert(calendarId=TEAM, body=body).execute()["colorId"] == "11"


def test_list_filters_by_private_property_and_time_window(cal, emu):
    for i, day in enumerate(["2026-11-01", "2026-12-01", "2027-01-05"]):
        cal.events().insert(calendarId=TEAM, body=all_day(f"a1n0000{i}", day, day[:-2] + "28")).execute()
    emu.insert_foreign_event(TEAM, {"summary": "staff party", "start": {"date": "2026-12-01"},
                                    "end": {"date": "2026-12-02"}})
    mine = cal.events().list(calendarId=TEAM, privateExtendedProperty="owner=procal").execute()["items"]
    assert len(mine) == 3
    both = cal.events().list(calendarId=TEAM, privateExtendedProperty=["owner=procal", "key=a1n00001"]).execute()
    assert [e["id"] for e in both["items"]] == ["a1n00001"]
    window = cal.events().list(calendarId=TEAM, timeMin="2026-11-30T00:00:00+07:00",
                               timeMax="2027-01-01T00:00:00+07:00").execute()["items"]
    assert sorted(e["summary"] for e in window) == ["event a1n00001", "staff party"]


def test_paging_default_250_cap_2500_and_list_next(cal, emu):
    for _ in range(2600):
        emu.insert_foreign_event(TEAM, all_day(None))
    assert len(cal.events().list(calendarId=TEAM).execute()["items"]) == 250
    big = cal.events().list(calendarId=TEAM, maxResults=3000).execute()
    assert len(big["items"]) == 2500 and "nextPageToken" in big and "nextSyncToken" not in big
    req = cal.events().list(calendarId=TEAM, maxResults=1000)
    seen, pages = [], 0
    while req is not None:
        resp = req.execute()
        pages += 1
        seen += [e["id"] for e in resp["items"]]
        assert ("nextSyncToken" in resp) == ("nextPageToken" not in resp)
        req = cal.events().list_next(req, resp)
    assert pages == 3 and len(seen) == len(set(seen)) == 2600


def test_sync_tokens(cal, emu):
    cal.events().insert(calendarId=TEAM, body=all_day("s0n00001")).execute()
    cal.events().insert(calendarId=TEAM, body=all_day("s0n00002")).execute()
    first = cal.events().list(calendarId=TEAM, maxResults=1).execute()
    assert "nextSyncToken" not in first
    last = cal.events().list_next(cal.events().list(calendarId=TEAM, maxResults=1), first).execute()
    token = last["nextSyncToken"]
    assert cal.events().list(calendarId=TEAM, syncToken=token).execute()["items"] == []

    cal.events().delete(calendarId=TEAM, eventId="s0n00001").execute()
    cal.events().patch(calendarId=TEAM, eventId="s0n00002", body={"summary": "moved"}).execute()
    delta = cal.events().list(calendarId=TEAM, syncToken=token).execute()
    assert {(e["id"], e["status"]) for e in delta["items"]} == {("s0n00001", "cancelled"),
                                                                ("s0n00002", "confirmed")}
    with pytest.raises(HttpError) as info:
        cal.events().list(calendarId=TEAM, syncToken=token, privateExtendedProperty="owner=procal").execute()
    assert info.value.resp.status == 400
    emu.invalidate_sync_tokens(TEAM)
    with pytest.raises(HttpError) as info:
        cal.events().list(calendarId=TEAM, syncToken=delta["nextSyncToken"]).execute()
    assert info.value.resp.status == 410 and reason(info.value) == "fullSyncRequired"


def test_long_list_uri_uses_method_override(cal, emu):
    keys = [f"key=k{i:04d}{'x' * 40}" for i in range(60)]
    emu.reset_counts()
    resp = cal.events().list(calendarId=TEAM, privateExtendedProperty=keys).execute()
    assert resp["items"] == []
    assert emu.count(op="events.list", method="GET", status=200) == 1


def test_hand_edits_and_foreign_events_are_visible_to_clients(cal, emu):
    cal.events().insert(calendarId=TEAM, body=all_day("hand0001")).execute()
    before = emu.event(TEAM, "hand0001")
    emu.edit_event(TEAM, "hand0001", summary="edited by a person")
    after = cal.events().get(calendarId=TEAM, eventId="hand0001").execute()
    assert after["summary"] == "edited by a person" and after["etag"] != before["etag"]
    foreign = emu.insert_foreign_event(TEAM, {"summary": "x", "start": {"date": "2026-01-01"},
                                              "end": {"date": "2026-01-02"}})
    assert foreign["creator"]["email"] == "someone.else@example.org"
    emu.delete_event(TEAM, "hand0001")
    assert emu.event(TEAM, "hand0001")["status"] == "cancelled"
    assert [e["id"] for e in emu.events(TEAM)] == [foreign["id"]]
    assert len(emu.events(TEAM, include_cancelled=True)) == 2
    assert emu.count() == 2  # helpers bypass the request log


def test_if_match_and_unknown_calendar(cal):
    ev = cal.events().insert(calendarId=TEAM, body=all_day("etag0001")).execute()
    req = cal.events().patch(calendarId=TEAM, eventId="etag0001", body={"summary": "y"})
    req.headers["If-Match"] = '"stale"'
    with pytest.raises(HttpError) as info:
        req.execute()
    assert info.value.resp.status == 412
    with pytest.raises(HttpError) as info:
        cal.events().list(calendarId="nobody@group.calendar.google.com").execute()
    assert info.value.resp.status == 404
    assert cal.calendars().get(calendarId=TEAM).execute()["timeZone"] == "Asia/Bangkok"
    assert ev["id"] == "etag0001"
