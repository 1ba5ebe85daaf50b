"""The session-wide loopback guard in tests/conftest.py."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.conftest import NetworkAccessBlocked

pytestmark = pytest.mark.network_guard_test


def test_dns_of_internet_names_is_blocked():
    with pytest.raises(NetworkAccessBlocked):
        socket.getaddrinfo("oauth2.googleapis.com", 443)
    with pytest.raises(NetworkAccessBlocked):
        socket.gethostbyname("www.googleapis.com")


def test_connect_to_non_loopback_is_blocked():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessBlocked):
            s.connect(("10.255.255.1", 443))
        with pytest.raises(NetworkAccessBlocked):
            s.connect_ex(("93.184.216.34", 80))
    finally:
        s.close()


def test_http_libraries_cannot_reach_google():
    with pytest.raises(Exception) as info:
        urllib.request.urlopen("https://sheets.googleapis.com/v4/spreadsheets/x", timeout=1)
    assert "blocked" in str(info.value)


def test_loopback_and_unix_sockets_still_work(google_emulator, tmp_path):
    with pytest.raises(urllib.error.HTTPError) as info:  # reaches the emulator: 401, not blocked
        urllib.request.urlopen(google_emulator.root_url + "calendar/v3/calendars/primary")
    assert info.value.code == 401
    assert socket.getaddrinfo("localhost", 80)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = str(tmp_path / "s.sock")
    server.bind(path)
    server.listen(1)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    client.close()
    server.close()
