"""Auth (401, refresh, revoke, JWT bearer, scopes), faults, quota, latency, log and dump."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import httplib2
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from tests.emulator import GoogleEmulator
from tests.emulator.conftest import TEAM, all_day, calendar_service, gspread_client

S = "https://www.googleapis.com/auth/"


def refreshing_creds(emu, refresh="1//r-token", scopes=None):
    return Credentials(token=None, refresh_token=refresh, token_uri=emu.token_uri,
                       client_id="cid", client_secret="secret", scopes=scopes)


def test_no_bearer_token_is_401_in_google_shape(emu):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(emu.root_url + "calendar/v3/calendars/primary/events")
    assert info.value.code == 401
    body = json.loads(info.value.read())
    assert body["error"]["errors"][0]["reason"] == "authError"
    assert "Bearer" in info.value.headers["WWW-Authenticate"]
    assert emu.count(status=401) == 1


def test_refresh_then_401_refreshes_again(emu):
    cal = calendar_service(emu.root_url, refreshing_creds(emu))
    cal.events().insert(calendarId=TEAM, body=all_day("r0000001")).execute()
    assert emu.count(op="token") == 1
    emu.expire_access_tokens()
    assert cal.events().get(calendarId=TEAM, eventId="r0000001").execute()["id"] == "r0000001"
    assert emu.count(op="token") == 2 and emu.count(status=401) == 1


def test_revoked_refresh_token_is_invalid_grant(emu):
    creds = refreshing_creds(emu, "1//to-revoke")
    cal = calendar_service(emu.root_url, creds)
    cal.calendars().get(calendarId=TEAM).execute()
    emu.revoke_refresh_token("1//to-revoke")
    with pytest.raises(RefreshError) as info:
        cal.calendars().get(calendarId=TEAM).execute()
    assert "invalid_grant" in str(info.value)


def test_scopes_of_minted_tokens_are_enforced(emu, book_id="s1"):
    emu.seed_spreadsheet(book_id, {"T": [["a"]]})
    ro = gspread_client(emu.root_url, refreshing_creds(emu, scopes=[S + "spreadsheets.readonly"]))
    sh = ro.open_by_key(book_id)
    assert sh.values_get("T!A1")["values"] == [["a"]]
    with pytest.raises(Exception) as info:
        sh.worksheet("T").update([["b"]], "A1")
    assert getattr(info.value, "code", None) == 403
    cal = calendar_service(emu.root_url, refreshing_creds(emu, scopes=[S + "calendar.events"]))
    cal.events().list(calendarId=TEAM).execute()
    with pytest.raises(HttpError) as info:  # calendar.events does not cover calendars.get
        cal.calendars().get(calendarId=TEAM).execute()
    assert info.value.resp.status == 403


def _jwt(payload: dict) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    return f"{enc({'alg': 'RS256', 'typ': 'JWT'})}.{enc(payload)}.c2lnbmF0dXJl"


@pytest.mark.parametrize("assertion, ok", [
    (_jwt({"iss": "sa@p.iam.gserviceaccount.com", "scope": S + "calendar.events", "sub": "u@x.go.th"}), True),
    ("not-a-jwt", False),
    (_jwt({"scope": "x"}), False),
])
def test_jwt_bearer_grant(emu, assertion, ok):
    data = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                   "assertion": assertion}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(emu.token_uri, data=data)) as resp:
            body, status = json.loads(resp.read()), resp.status
    except urllib.error.HTTPError as exc:
        body, status = json.loads(exc.read()), exc.code
    assert (status == 200) == ok
    assert ("access_token" in body) == ok
    if not ok:
        assert body["error"] == "invalid_grant"


def test_fault_rules_match_op_and_count(cal, emu):
    emu.faults.fail_next(2, 503, op="events.insert")
    for _ in range(2):
        with pytest.raises(HttpError) as info:
            cal.events().insert(calendarId=TEAM, body=all_day("f0000001")).execute()
        assert info.value.resp.status == 503
    cal.events().list(calendarId=TEAM).execute()  # other ops are not affected
    assert cal.events().insert(calendarId=TEAM, body=all_day("f0000001")).execute()["id"] == "f0000001"
    assert emu.count(op="events.insert", status=503) == 2 and emu.faults.rules[0].fired == 2


@pytest.mark.parametrize("fault, status, why", [
    ("rateLimitExceeded", 403, "rateLimitExceeded"), ("userRateLimitExceeded", 403, "userRateLimitExceeded"),
    ("quotaExceeded", 403, "quotaExceeded"), (429, 429, "rateLimitExceeded"), (500, 500, "backendError"),
])
def test_named_faults_have_google_reasons(cal, emu, fault, status, why):
    emu.faults.add(fault, op="events.list", retry_after=7)
    with pytest.raises(HttpError) as info:
        cal.events().list(calendarId=TEAM).execute()
    assert info.value.resp.status == status
    assert json.loads(info.value.content)["error"]["errors"][0]["reason"] == why
    assert info.value.resp["retry-after"] == "7"


def test_probabilistic_faults_are_reproducible_with_a_seed():
    def pattern(seed):
        with GoogleEmulator(seed=seed) as emu:
            emu.faults.random(0.5, 503)
            cal = calendar_service(emu.root_url, Credentials(token="t"))
            out = []
            for _ in range(16):
                try:
                    cal.events().list(calendarId="primary").execute()
                    out.append(0)
                except HttpError:
                    out.append(1)
            return out

    a = pattern(7)
    assert a == pattern(7) and 0 < sum(a) < 16


def test_slow_and_latency(emu):
    cal = calendar_service(emu.root_url, Credentials(token="t"))
    emu.faults.add("slow", op="events.list", delay=0.05)
    t0 = time.perf_counter()
    cal.events().list(calendarId=TEAM).execute()
    assert time.perf_counter() - t0 >= 0.05
    emu.latency = 0.03
    t0 = time.perf_counter()
    cal.events().list(calendarId=TEAM).execute()
    assert time.perf_counter() - t0 >= 0.03


def test_dropped_connection_is_a_transport_error(emu):
    cal = calendar_service(emu.root_url, Credentials(token="t"))
    emu.faults.add("drop", op="events.list", times=None)
    with pytest.raises((httplib2.HttpLib2Error, ConnectionError, OSError)):
        cal.events().list(calendarId=TEAM).execute()
    assert emu.count(op="events.list", status=0) >= 1


def test_per_user_quota_with_a_sliding_window():
    now = [1000.0]
    with GoogleEmulator(user_rpm=5, clock=lambda: now[0]) as emu:
        cal = calendar_service(emu.root_url, Credentials(token="user-a"))
        other = calendar_service(emu.root_url, Credentials(token="user-b"))
        for _ in range(5):
            cal.events().list(calendarId="primary").execute()
        with pytest.raises(HttpError) as info:
            cal.events().list(calendarId="primary").execute()
        assert info.value.resp.status == 403
        assert json.loads(info.value.content)["error"]["errors"][0]["reason"] == "rateLimitExceeded"
        other.events().list(calendarId="primary").execute()  # quotas are per user
        now[0] += 61
        results = []
        from googleapiclient.http import BatchHttpRequest
        batch = BatchHttpRequest(callback=lambda rid, r, e: results.append(e is None),
                                 batch_uri=emu.root_url + "batch/calendar/v3")
        for i in range(7):  # inner calls count one by one
            batch.add(cal.events().insert(calendarId="primary", body=all_day(f"q000000{i}")))
        batch.execute()
        assert results.count(True) == 5 and results.count(False) == 2


def test_dump_and_reset(cal, emu):
    cal.events().insert(calendarId=TEAM, body=all_day("d0000001")).execute()
    emu.seed_spreadsheet("sid", {"แผน": [["ก", 1]]})
    snap = json.loads(json.dumps(emu.dump()))
    assert [e["id"] for e in snap["calendars"][TEAM]["events"]] == ["d0000001"]
    assert snap["spreadsheets"]["sid"]["tabs"]["แผน"] == [["ก", 1]]
    assert snap["requests"]["by_op"]["events.insert"] == 1
    with urllib.request.urlopen(emu.root_url + "__emulator/dump") as resp:
        assert TEAM in json.loads(resp.read())["calendars"]
    emu.reset()
    assert emu.count() == 0 and list(emu.dump()["calendars"]) == ["primary"]
    assert emu.internal_errors == []


def test_concurrent_clients_and_clean_stop():
    import threading

    with GoogleEmulator() as emu:
        errors = []

        def worker(n):
            try:
                cal = calendar_service(emu.root_url, Credentials(token=f"user-{n}"))
                for i in range(15):
                    cal.events().insert(calendarId="primary", body=all_day(f"t{n}c{i:04d}")).execute()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and len(emu.events("primary")) == 60 and emu.internal_errors == []
        assert emu.count(op="events.insert", status=200) == 60
    time.sleep(0.05)
    assert emu._connections == set()


def test_python_dash_m_entry_point(tmp_path):
    import csv
    import subprocess
    import sys
    from pathlib import Path

    with open(tmp_path / "plan.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["รหัสโครงการ"], ["0012"]])
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0", "--latency-ms", "1",
                             "--seed-calendar", TEAM, "--seed-sheet", f"s1={tmp_path / 'plan.csv'}"],
                            cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = line.split()[3]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "__emulator/dump", timeout=5) as resp:
            state = json.loads(resp.read())
        assert TEAM in state["calendars"] and state["spreadsheets"]["s1"]["tabs"]["plan"] == [["รหัสโครงการ"], ["0012"]]
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
