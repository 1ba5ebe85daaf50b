"""GoogleSettings.from_mapping, the client factory (endpoints, batch URI, gspread client)."""

from __future__ import annotations

import gspread
import pytest

from google_access.clients import GoogleClients, make_gspread_http_client
from google_access.settings import GoogleSettings
from schedule_engine.errors import ConfigError


def test_defaults_and_relative_paths(tmp_path):
    s = GoogleSettings.from_mapping({"credentials_file": "keys/sa.json", "subject": "a@b.go.th",
                                     "requests_per_minute": 300, "max_backoff_seconds": 10},
                                    str(tmp_path / "procal.toml"))
    assert s.credentials_file == str(tmp_path / "keys" / "sa.json")
    assert (s.requests_per_minute, s.sheets_requests_per_minute, s.max_retries, s.max_backoff_seconds) == \
        (300, 55, 6, 10.0)
    assert s.token_file.endswith("google-token.json")
    assert GoogleSettings.from_mapping({}, "procal.toml") == GoogleSettings()


@pytest.mark.parametrize("data, key", [
    ({"requests_per_minute": 0}, "google.requests_per_minute"),
    ({"max_retries": "3"}, "google.max_retries"),
    ({"max_backoff_seconds": -1}, "google.max_backoff_seconds"),
    ({"subject": "not-an-email"}, "google.subject"),
    ({"credentials_file": 3}, "google.credentials_file"),
    ({"tokenfile": "x"}, "google.tokenfile"),
])
def test_bad_settings_name_file_and_key(data, key):
    with pytest.raises(ConfigError) as info:
        GoogleSettings.from_mapping(data, "/etc/procal.toml")
    assert info.value.key == key and info.value.file == "/etc/procal.toml"
    assert key in str(info.value) and "/etc/procal.toml" in str(info.value)


def test_factory_honours_the_root_everywhere(google_clients, google_emulator):
    root = google_emulator.root_url
    assert google_clients.batch_uri == root + "batch/calendar/v3"
    assert google_clients.new_batch()._batch_uri == root + "batch/calendar/v3"
    batch = google_clients.new_batch()
    batch.add(google_clients.calendar.events().list(calendarId="primary"))
    batch.execute()
    google_emulator.seed_spreadsheet("s1", {"T": [["a"]]})
    assert google_clients.gspread.open_by_key("s1").sheet1.get("A1") == [["a"]]
    assert google_emulator.count(api="batch") == 1 and google_emulator.count(api="sheets", op="values.get") == 1
    assert not isinstance(google_clients.gspread.http_client, gspread.BackOffHTTPClient)


def test_without_a_root_the_clients_point_at_google():
    clients = GoogleClients(None, GoogleSettings(), root=None)
    clients.root = None
    assert clients.batch_uri == "https://www.googleapis.com/batch/calendar/v3"
    assert clients.calendar_endpoint == "https://www.googleapis.com/calendar/v3/"
    assert make_gspread_http_client(None) is gspread.HTTPClient
    assert issubclass(make_gspread_http_client("http://127.0.0.1:1/"), gspread.HTTPClient)


def test_sheets_calls_are_paced_separately(google_env):
    clients = google_env.clients(requests_per_minute=600, sheets_requests_per_minute=60)
    assert clients.sheets_pacer.requests_per_minute == 60
    assert clients.calendar_pacer.requests_per_minute == 600
    assert clients.policy.max_retries == google_env.settings.max_retries
