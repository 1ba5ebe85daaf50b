"""Raw clients (the real googleapiclient and gspread, no procal code) pointed at the emulator."""

from __future__ import annotations

import gspread
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.http import BatchHttpRequest

TEAM = "team@group.calendar.google.com"


def calendar_service(root: str, creds):
    return build("calendar", "v3", credentials=creds, static_discovery=True, cache_discovery=False,
                 client_options={"api_endpoint": root + "calendar/v3/"})


def gspread_client(root: str, creds):
    base = root.rstrip("/")

    class Loopback(gspread.HTTPClient):
        def request(self, method, endpoint, *args, **kwargs):
            for prefix in ("https://sheets.googleapis.com", "https://www.googleapis.com"):
                if endpoint.startswith(prefix):
                    endpoint = base + endpoint[len(prefix):]
            return super().request(method, endpoint, *args, **kwargs)

    return gspread.Client(auth=creds, http_client=Loopback)


@pytest.fixture
def emu(google_emulator):
    google_emulator.add_calendar(TEAM, summary="ทีมพัสดุ")
    return google_emulator


@pytest.fixture
def cal(emu):
    return calendar_service(emu.root_url, Credentials(token="test-token"))


@pytest.fixture
def new_batch(emu):
    def make(callback=None):
        return BatchHttpRequest(callback=callback, batch_uri=emu.root_url + "batch/calendar/v3")
    return make


@pytest.fixture
def gc(emu):
    return gspread_client(emu.root_url, Credentials(token="test-token"))


def all_day(eid: str | None = None, day: str = "2026-12-01", end: str = "2026-12-02", **extra) -> dict:
    body = {"summary": f"event {eid}", "start": {"date": day}, "end": {"date": end},
            "extendedProperties": {"private": {"owner": "procal", "key": eid or "x"}}}
    if eid:
        body["id"] = eid
    body.update(extra)
    return body
