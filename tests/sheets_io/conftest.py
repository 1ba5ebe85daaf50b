"""Fixtures for sheets_io: a loopback Google emulator and the REAL gspread client pointed at it
(only the base URL is rewritten by an HTTPClient subclass — no Google code is patched)."""

from __future__ import annotations

from pathlib import Path

import gspread
import pytest
from google.oauth2.credentials import Credentials


ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plans.xlsx"
SID = "1PlanSheetKhonKaenFY2570abcdefghij"


@pytest.fixture
def sheets_emulator(google_emulator):
    """The shared loopback emulator (tests/conftest.py)."""
    return google_emulator


@pytest.fixture
def sheets_gc(sheets_emulator):
    base = sheets_emulator.root_url.rstrip("/")

    class Loopback(gspread.HTTPClient):
        def request(self, method, endpoint, *args, **kwargs):
            for prefix in ("https://sheets.googleapis.com", "https://www.googleapis.com"):
                if endpoint.startswith(prefix):
                    endpoint = base + endpoint[len(prefix):]
            return super().request(method, endpoint, *args, **kwargs)

    return gspread.Client(auth=Credentials(token="test-token"), http_client=Loopback)


@pytest.fixture
def no_backoff(monkeypatch):
    from sheets_io import google_source

    monkeypatch.setattr(google_source, "_sleep", lambda s: None)
