"""Credentials: user token (refresh at ROOT/token, saved 0600), service account (JWT bearer,
domain-wide delegation), invalid_grant -> AuthError with a login hint, secrets never logged."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from google_access import api_root, default_clients, scopes_for
from google_access.clients import GoogleClients
from google_access.credentials import (credentials_kind, has_credentials, load_credentials, redact,
                                       save_token)
from google_access.errors import AuthError, GoogleError
from google_access.settings import GoogleSettings
from tests.conftest import TEST_CLIENT_SECRET, TEST_REFRESH_TOKEN

S = "https://www.googleapis.com/auth/"


@pytest.fixture(scope="module")
def private_key_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def sa_key(tmp_path, private_key_pem):
    path = tmp_path / "sa.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "k1",
        "private_key": private_key_pem, "client_email": "procal@p.iam.gserviceaccount.com",
        "client_id": "123", "token_uri": "https://oauth2.googleapis.com/token"}))
    return path


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_api_root_env(monkeypatch):
    monkeypatch.setenv("PROCAL_GOOGLE_API_ROOT", "http://127.0.0.1:8765")
    assert api_root() == "http://127.0.0.1:8765/"
    monkeypatch.setenv("PROCAL_GOOGLE_API_ROOT", " ")
    assert api_root() is None


def test_least_scopes():
    assert scopes_for(True) == [S + "calendar.events", S + "spreadsheets"]
    assert scopes_for(False) == [S + "calendar.events", S + "spreadsheets.readonly"]


def test_user_token_refreshes_at_the_emulator_and_is_saved_0600(google_env):
    emu = google_env.emulator
    creds = google_env.credentials(write=False)
    assert creds.valid and creds.token_uri == emu.token_uri
    assert emu.count(op="token") == 1
    saved = json.loads(google_env.token_file.read_text())
    assert saved["token"] == creds.token and saved["refresh_token"] == TEST_REFRESH_TOKEN
    assert mode(google_env.token_file) == 0o600
    # the token minted for this login carries only the least scopes
    assert emu.access_tokens[creds.token]["scopes"] == set(scopes_for(False))
    # a second load reuses the saved, still valid token: no refresh
    google_env.credentials(write=False)
    assert emu.count(op="token") == 1


def test_read_only_sheets_scope_cannot_write(google_env):
    emu = google_env.emulator
    emu.seed_spreadsheet("s1", {"T": [["a"]]})
    clients = GoogleClients(google_env.credentials(write=False), google_env.settings)
    sh = clients.gspread.open_by_key("s1")
    assert sh.values_get("T!A1")["values"] == [["a"]]
    with pytest.raises(GoogleError) as info:
        clients.call(lambda: sh.values_update("T!A1", params={"valueInputOption": "RAW"},
                                              body={"values": [["b"]]}), what="write", api="sheets")
    assert info.value.status == 403


def test_refresh_mid_run_after_the_access_token_expires(google_clients, google_emulator):
    cal = google_clients.calendar
    cal.events().list(calendarId="primary").execute()
    google_emulator.expire_access_tokens()
    cal.events().list(calendarId="primary").execute()
    assert google_emulator.count(op="token") == 2


def test_revoked_login_is_one_clear_auth_error(google_env):
    emu = google_env.emulator
    clients = google_env.clients()
    emu.revoke_refresh_token(TEST_REFRESH_TOKEN)
    with pytest.raises(AuthError) as info:  # mid-run: the next call needs a refresh
        clients.call(lambda: clients.calendar.events().list(calendarId="primary").execute(), what="list")
    assert "invalid_grant" in str(info.value) and "procal auth login" in str(info.value)
    os.unlink(google_env.token_file)
    google_env.token_file.write_text(json.dumps({"type": "authorized_user", "refresh_token": TEST_REFRESH_TOKEN,
                                                 "client_id": "c", "client_secret": "s"}))
    with pytest.raises(AuthError) as info:  # at start-up: the saved login is refused
        google_env.credentials()
    assert "procal auth login" in str(info.value)


def test_missing_or_broken_credentials(tmp_path, google_env):
    settings = GoogleSettings(token_file=str(tmp_path / "none.json"))
    assert not has_credentials(settings) and credentials_kind(settings) == "none"
    with pytest.raises(AuthError, match="procal auth login"):
        load_credentials(settings)
    with pytest.raises(AuthError, match="procal auth login"):
        default_clients(settings)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(AuthError, match="cannot be read"):
        load_credentials(GoogleSettings(credentials_file=str(bad), token_file=str(tmp_path / "t")))
    assert has_credentials(google_env.settings) and credentials_kind(google_env.settings) == "user"


def test_service_account_with_delegation_uses_jwt_bearer(google_env, sa_key):
    emu = google_env.emulator
    settings = GoogleSettings(credentials_file=str(sa_key), subject="officer@treasury.go.th",
                              token_file=str(google_env.token_file))
    assert credentials_kind(settings) == "service_account" and has_credentials(settings)
    clients = GoogleClients(load_credentials(settings), settings)
    assert clients.service_account_email == "procal@p.iam.gserviceaccount.com"
    clients.calendar.events().list(calendarId="primary").execute()
    token, info = next(iter(emu.access_tokens.items()))
    assert info["user"] == "officer@treasury.go.th" and info["scopes"] == set(scopes_for(True))
    assert emu.count(op="token", status=200) == 1


def test_service_account_key_that_is_broken(tmp_path):
    path = tmp_path / "sa.json"
    path.write_text(json.dumps({"type": "service_account", "client_email": "x@y", "private_key": "nope",
                                "token_uri": "https://oauth2.googleapis.com/token"}))
    with pytest.raises(AuthError, match="invalid") as info:
        load_credentials(GoogleSettings(credentials_file=str(path), token_file=str(tmp_path / "t")))
    assert "nope" not in str(info.value)


def test_secrets_never_reach_logs_or_messages(google_env, sa_key, private_key_pem, caplog):
    caplog.set_level(logging.DEBUG)
    emu = google_env.emulator
    messages = []
    clients = google_env.clients()
    clients.calendar.events().list(calendarId="primary").execute()
    emu.faults.add(503, op="events.list", times=2)
    clients.call(lambda: clients.calendar.events().list(calendarId="primary").execute(), what="list")
    emu.expire_access_tokens()
    emu.revoke_refresh_token(TEST_REFRESH_TOKEN)
    for fn in (lambda: clients.call(lambda: clients.calendar.events().list(calendarId="primary").execute(),
                                    what="list"),
               lambda: (google_env.token_file.write_text(json.dumps({
                   "type": "authorized_user", "refresh_token": TEST_REFRESH_TOKEN, "client_id": "c",
                   "client_secret": TEST_CLIENT_SECRET})), google_env.credentials())):
        with pytest.raises(GoogleError) as info:
            fn()
        messages.append(str(info.value))
    settings = GoogleSettings(credentials_file=str(sa_key), token_file=str(google_env.token_file))
    sa = GoogleClients(load_credentials(settings), settings)
    sa.calendar.events().list(calendarId="primary").execute()
    secrets = [TEST_REFRESH_TOKEN, TEST_CLIENT_SECRET, *emu.access_tokens,
               private_key_pem.splitlines()[1]]
    text = caplog.text + "\n".join(messages)
    assert caplog.records, "the run should have logged something (retries at least)"
    for secret in secrets:
        assert secret not in text


def test_save_token_is_0600_even_over_an_open_file(tmp_path, google_env):
    path = tmp_path / "dir" / "token.json"
    path.parent.mkdir()
    path.write_text("{}")
    os.chmod(path, 0o644)
    save_token(google_env.credentials(), str(path))
    assert mode(path) == 0o600 and json.loads(path.read_text())["refresh_token"] == TEST_REFRESH_TOKEN


def test_redact():
    text = ('Authorization: Bearer ya29.a0AfH6SMB refresh_token=1//0gabc {"client_secret": "GOCSPX-x"} '
            "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----")
    out = redact(text)
    for secret in ("ya29.a0AfH6SMB", "1//0gabc", "GOCSPX-x", "MIIE"):
        assert secret not in out


def test_install_log_redaction_scrubs_third_party_records(caplog):
    from google_access.credentials import install_log_redaction

    logger = logging.getLogger("procal-test-redaction")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        flt = install_log_redaction(logger)
        assert install_log_redaction(logger) is flt and handler.filters == [flt]
        record = logging.LogRecord("x", logging.INFO, "f", 1, "sent Bearer %s", ("ya29.secret",), None)
        flt.filter(record)
        assert "ya29.secret" not in record.getMessage()
    finally:
        logger.removeHandler(handler)


def test_a_read_only_login_cannot_be_used_for_write_back(google_env):
    data = json.loads(google_env.token_file.read_text())
    data["scopes"] = scopes_for(False)
    google_env.token_file.write_text(json.dumps(data))
    assert google_env.credentials(write=False).valid
    with pytest.raises(AuthError, match="spreadsheets") as info:
        google_env.credentials(write=True)
    assert "procal auth login" in str(info.value)
    data["scopes"] = [S + "calendar", S + "spreadsheets"]  # broader scopes cover the narrow ones
    google_env.token_file.write_text(json.dumps(data))
    assert google_env.credentials(write=True).valid
