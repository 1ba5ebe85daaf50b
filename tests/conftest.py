"""Root fixtures: the loopback-only network guard (autouse, whole session) and the Google emulator.

* ``google_emulator`` — a fresh :class:`tests.emulator.GoogleEmulator` per test (started, stopped).
* ``google_env`` — points procal at it: ``PROCAL_GOOGLE_API_ROOT``, a user token file (refresh token
  + client id/secret, no access token, so the first call refreshes at ``ROOT/token``), fast retry
  settings. Returns a :class:`GoogleEnv` (``.settings``, ``.credentials()``, ``.clients()``).
* ``google_clients`` — ``google_env.clients()``: a ``google_access.clients.GoogleClients``.
* ``google_target`` — the same integration tests against the emulator, and against real Google
  (marker ``live``) when ``PROCAL_LIVE_CREDENTIALS``, ``PROCAL_LIVE_CALENDAR_ID`` and
  ``PROCAL_LIVE_SPREADSHEET_ID`` are set; skipped cleanly otherwise.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.emulator import GoogleEmulator


# ----------------------------------------------------------------------------- network guard
class NetworkAccessBlocked(RuntimeError):
    """A test tried to reach something that is not loopback."""


_blocked: list[str] = []
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_loopback_host(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0]
    if host == "" or host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if ip.is_loopback:
        return True
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(mapped and mapped.is_loopback)


def _deny(what: str):
    _blocked.append(what)
    raise NetworkAccessBlocked(f"tests may only use loopback; blocked {what}")


def _check_address(sock, address):
    family = getattr(sock, "family", None)
    if family == getattr(socket, "AF_UNIX", object()):
        return
    if isinstance(address, tuple) and address and not _is_loopback_host(address[0]):
        _deny(f"connect to {address[0]}:{address[1] if len(address) > 1 else ''}")


@pytest.fixture(scope="session", autouse=True)
def loopback_only_network(request):
    """Fail any connection / DNS lookup that is not loopback (AF_UNIX allowed). Session-wide.

    pytest-xdist workers talk to the controller over pipes (execnet popen), so they are unaffected.
    Only ``--live-network`` (for ``-m live`` runs against real Google) turns it off.
    """
    if request.config.getoption("--live-network", default=False):
        yield _blocked
        return
    mp = pytest.MonkeyPatch()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex

    def connect(self, address):
        _check_address(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _check_address(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_loopback_host(host):
            _deny(f"DNS lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        if not _is_loopback_host(host):
            _deny(f"DNS lookup of {host!r}")
        return real_gethostbyname(host)

    def gethostbyname_ex(host):
        if not _is_loopback_host(host):
            _deny(f"DNS lookup of {host!r}")
        return real_gethostbyname_ex(host)

    mp.setattr(socket.socket, "connect", connect)
    mp.setattr(socket.socket, "connect_ex", connect_ex)
    mp.setattr(socket, "getaddrinfo", getaddrinfo)
    mp.setattr(socket, "gethostbyname", gethostbyname)
    mp.setattr(socket, "gethostbyname_ex", gethostbyname_ex)
    # Proxies from the CI environment must never be used for the loopback emulator.
    mp.setenv("NO_PROXY", "127.0.0.1,localhost")
    mp.setenv("no_proxy", "127.0.0.1,localhost")
    try:
        yield _blocked
    finally:
        mp.undo()


@pytest.fixture(autouse=True)
def _fail_on_blocked_network(request):
    """Fail the test itself if it tried to reach the network, even if the code swallowed the error."""
    start = len(_blocked)
    yield
    attempts = _blocked[start:]
    if attempts and not request.node.get_closest_marker("network_guard_test"):
        pytest.fail("network access attempted (tests must stay on loopback): " + "; ".join(attempts[:3]),
                    pytrace=False)


def pytest_configure(config):
    config.addinivalue_line("markers", "network_guard_test: the test checks the guard itself")


# ----------------------------------------------------------------------------- emulator
@pytest.fixture
def google_emulator():
    """A fresh Google emulator on 127.0.0.1 (a ``primary`` calendar exists; add more yourself)."""
    emu = GoogleEmulator().start()
    try:
        yield emu
    finally:
        emu.stop()


TEST_REFRESH_TOKEN = "1//test-refresh-token-0123456789"
TEST_CLIENT_ID = "test-client.apps.googleusercontent.com"
TEST_CLIENT_SECRET = "test-client-secret-abcdef"


@dataclass
class GoogleEnv:
    """What ``google_env`` gives a test: the emulator, settings and ready-made credentials/clients."""

    emulator: GoogleEmulator
    root: str
    settings: "object"      # google_access.settings.GoogleSettings
    token_file: Path
    refresh_token: str = TEST_REFRESH_TOKEN

    def credentials(self, *, write: bool = True):
        from google_access.credentials import load_credentials

        return load_credentials(self.settings, write=write)

    def clients(self, *, write: bool = True, **settings_changes):
        from google_access.clients import GoogleClients

        settings = dataclasses.replace(self.settings, **settings_changes) if settings_changes else self.settings
        return GoogleClients(self.credentials(write=write), settings)


@pytest.fixture
def google_env(google_emulator, monkeypatch, tmp_path) -> GoogleEnv:
    """procal pointed at the emulator: ``PROCAL_GOOGLE_API_ROOT``, a user token file whose
    refresh goes to ``ROOT/token``, ``XDG_CONFIG_HOME`` in tmp, fast retries and no pacing."""
    from google_access.settings import GoogleSettings

    monkeypatch.setenv("PROCAL_GOOGLE_API_ROOT", google_emulator.root_url)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    token_file = tmp_path / "config" / "procal" / "google-token.json"
    token_file.parent.mkdir(parents=True)
    token_file.write_text(json.dumps({
        "type": "authorized_user", "refresh_token": TEST_REFRESH_TOKEN,
        "client_id": TEST_CLIENT_ID, "client_secret": TEST_CLIENT_SECRET,
        "token_uri": "https://oauth2.googleapis.com/token",
    }), encoding="utf-8")
    os.chmod(token_file, 0o600)
    settings = GoogleSettings(credentials_file=None, token_file=str(token_file),
                              requests_per_minute=1_000_000, sheets_requests_per_minute=1_000_000,
                              max_retries=4, max_backoff_seconds=0.01)
    return GoogleEnv(google_emulator, google_emulator.root_url, settings, token_file)


@pytest.fixture
def google_clients(google_env):
    """``GoogleClients`` wired to the emulator (Calendar service, batches, gspread, call())."""
    return google_env.clients()


# ----------------------------------------------------------------------------- live or emulated
LIVE_VARS = ("PROCAL_LIVE_CREDENTIALS", "PROCAL_LIVE_CALENDAR_ID", "PROCAL_LIVE_SPREADSHEET_ID")


@dataclass
class GoogleTarget:
    """Where an integration test runs: the emulator (``emulator`` set) or real Google (live)."""

    kind: str                 # "emulator" | "live"
    clients: object           # google_access.clients.GoogleClients
    calendar_id: str
    spreadsheet_id: str
    emulator: GoogleEmulator | None = None


@pytest.fixture(params=["emulator", pytest.param("live", marks=pytest.mark.live)])
def google_target(request, tmp_path):
    """Run a test against the emulator and (when configured) a scratch calendar/sheet on Google."""
    if request.param == "live":
        missing = [v for v in LIVE_VARS if not os.environ.get(v)]
        if missing:
            pytest.skip(f"live Google tests need {', '.join(missing)}")
        if not request.config.getoption("--live-network", default=False):
            pytest.skip("live Google tests need `--live-network` (the loopback guard is on otherwise)")
        from google_access.clients import GoogleClients
        from google_access.credentials import load_credentials
        from google_access.settings import GoogleSettings

        settings = GoogleSettings(credentials_file=os.environ["PROCAL_LIVE_CREDENTIALS"],
                                  token_file=str(tmp_path / "token.json"))
        yield GoogleTarget("live", GoogleClients(load_credentials(settings), settings, root=""),
                           os.environ["PROCAL_LIVE_CALENDAR_ID"], os.environ["PROCAL_LIVE_SPREADSHEET_ID"])
        return
    env = request.getfixturevalue("google_env")
    emu = env.emulator
    emu.add_calendar("scratch00@group.calendar.google.com", summary="procal scratch")
    emu.seed_spreadsheet("scratch-sheet-0001", {"Sheet1": []})
    yield GoogleTarget("emulator", env.clients(), "scratch00@group.calendar.google.com",
                       "scratch-sheet-0001", emu)


def pytest_addoption(parser):
    parser.addoption("--live-network", action="store_true", default=False,
                     help="allow non-loopback connections (only for -m live runs against real Google)")


# ----------------------------------------------------------------------------- message language
@pytest.fixture
def lang_en(monkeypatch):
    """Messages in English for this test (in-process and in ``procal`` subprocesses): for tests
    that assert on the English wording. Thai is the default everywhere else."""
    from schedule_engine import i18n

    monkeypatch.setenv("PROCAL_LANG", "en")
    saved = dict(i18n._state)
    i18n._state.update(lang=None, explicit=False)
    yield
    i18n._state.update(saved)


@pytest.fixture
def lang_th(monkeypatch):
    """Messages in Thai (the default) for this test, whatever the environment says."""
    from schedule_engine import i18n

    monkeypatch.setenv("PROCAL_LANG", "th")
    saved = dict(i18n._state)
    i18n._state.update(lang=None, explicit=False)
    yield
    i18n._state.update(saved)
