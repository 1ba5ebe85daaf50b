"""The Calendar batch endpoint: multipart/mixed framing, Content-ID echo, per-inner-call faults."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from googleapiclient.errors import HttpError

from tests.emulator.conftest import TEAM, all_day


def run_batch(cal, new_batch, calls):
    results = {}

    def cb(request_id, response, exception):
        results[request_id] = (response, exception)

    batch = new_batch(cb)
    for rid, req in calls:
        batch.add(req, request_id=rid)
    batch.execute()
    return results


def test_batch_mixes_results_and_errors_in_order(cal, emu, new_batch):
    cal.events().insert(calendarId=TEAM, body=all_day("taken001")).execute()
    emu.reset_counts()
    res = run_batch(cal, new_batch, [
        ("ins-1", cal.events().insert(calendarId=TEAM, body=all_day("b0000001"))),
        ("ins-dup", cal.events().insert(calendarId=TEAM, body=all_day("taken001"))),
        ("patch", cal.events().patch(calendarId=TEAM, eventId="taken001", body={"summary": "ก"})),
        ("del", cal.events().delete(calendarId=TEAM, eventId="b0000001")),
        ("get-missing", cal.events().get(calendarId=TEAM, eventId="nothere1")),
    ])
    assert res["ins-1"][0]["id"] == "b0000001" and res["ins-1"][1] is None
    assert res["ins-dup"][1].resp.status == 409
    assert res["patch"][0]["summary"] == "ก"
    assert res["del"] == ("", None)
    assert res["get-missing"][1].resp.status == 404
    assert emu.count(api="batch") == 1
    assert emu.count(inner=True) == 5 and emu.count(inner=False) == 1
    assert emu.count(op="events.insert", inner=True, status=409) == 1


def test_inner_call_number_three_fails_with_rate_limit(cal, emu, new_batch):
    emu.faults.fail_nth(3, "rateLimitExceeded", inner=True)
    res = run_batch(cal, new_batch, [(f"c{i}", cal.events().insert(
        calendarId=TEAM, body=all_day(f"n000000{i}"))) for i in range(1, 6)])
    failed = {rid for rid, (_, exc) in res.items() if exc is not None}
    assert failed == {"c3"}
    err = json.loads(res["c3"][1].content)["error"]
    assert res["c3"][1].resp.status == 403 and err["errors"][0]["reason"] == "rateLimitExceeded"
    assert {e["id"] for e in emu.events(TEAM)} == {f"n000000{i}" for i in (1, 2, 4, 5)}


def test_outer_batch_failure_raises_from_execute(cal, emu, new_batch):
    emu.faults.fail_next(1, 503, op="batch")
    batch = new_batch()
    batch.add(cal.events().insert(calendarId=TEAM, body=all_day("o0000001")))
    with pytest.raises(HttpError) as info:
        batch.execute()
    assert info.value.resp.status == 503
    assert emu.events(TEAM) == [] and emu.count(inner=True) == 0


def test_raw_wire_framing_is_crlf_and_echoes_content_id(emu):
    boundary = "===============1234=="
    inner = ("POST /calendar/v3/calendars/primary/events?alt=json HTTP/1.1\n"
             "Content-Type: application/json\nauthorization: Bearer t\n\n"
             + json.dumps(all_day("v1re0001")))
    body = (f"--{boundary}\nContent-Type: application/http\nMIME-Version: 1.0\n"
            f"Content-Transfer-Encoding: binary\nContent-ID: <abc-uuid + ins-1>\n\n{inner}\n"
            f"--{boundary}--")
    req = urllib.request.Request(emu.root_url + "batch/calendar/v3", data=body.encode(), method="POST",
                                 headers={"Authorization": "Bearer t",
                                          "Content-Type": f'multipart/mixed; boundary="{boundary}"'})
    with urllib.request.urlopen(req) as resp:
        ctype = resp.headers["Content-Type"]
        text = resp.read().decode()
    out_boundary = re.search(r"boundary=(\S+)", ctype).group(1)
    assert ctype.startswith("multipart/mixed")
    assert f"--{out_boundary}\r\nContent-Type: application/http\r\n" in text
    assert "Content-ID: <response-abc-uuid + ins-1>\r\n\r\nHTTP/1.1 200 OK\r\n" in text
    head, _, payload = text.split("HTTP/1.1 200 OK\r\n", 1)[1].partition("\r\n\r\n")
    assert json.loads(payload.split(f"\r\n--{out_boundary}--")[0])["id"] == "v1re0001"
    assert text.endswith(f"--{out_boundary}--\r\n")


def test_batch_without_auth_is_401(emu):
    req = urllib.request.Request(emu.root_url + "batch/calendar/v3", data=b"x", method="POST",
                                 headers={"Content-Type": "multipart/mixed; boundary=x"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 401


def test_inner_401_is_refreshed_and_resent_by_the_client(emu):
    from google.oauth2.credentials import Credentials
    from googleapiclient.http import BatchHttpRequest

    from tests.emulator.conftest import calendar_service

    creds = Credentials(token=None, refresh_token="1//b", token_uri=emu.token_uri, client_id="c",
                        client_secret="s")
    cal = calendar_service(emu.root_url, creds)
    cal.calendars().get(calendarId=TEAM).execute()
    emu.expire_access_tokens()
    ok = []
    batch = BatchHttpRequest(callback=lambda rid, r, e: ok.append(e is None),
                             batch_uri=emu.root_url + "batch/calendar/v3")
    for i in range(3):
        batch.add(cal.events().insert(calendarId=TEAM, body=all_day(f"r00000{i}a")))
    batch.execute()
    assert ok == [True, True, True] and len(emu.events(TEAM)) == 3
    assert emu.count(op="token") >= 2 and emu.count(inner=True, status=401) + emu.count(api="batch", status=401) >= 1
