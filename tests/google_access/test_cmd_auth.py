"""``procal auth status`` / ``procal auth login`` — login runs the real installed-app flow end to end
against the emulator's consent + token endpoints, with a scripted "browser" (no network)."""

from __future__ import annotations

import json
import os
import stat
import threading
import urllib.request
import webbrowser

import pytest

from procal.cli import main
from tests.conftest import TEST_CLIENT_SECRET, TEST_REFRESH_TOKEN


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code or 0, out, err


class ScriptedBrowser(webbrowser.BaseBrowser):
    """Follows the consent URL like a user who clicks "Allow" (emulator -> localhost redirect)."""

    def __init__(self):
        super().__init__("scripted")
        self.opened = []

    def open(self, url, new=0, autoraise=True):
        self.opened.append(url)
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()
        return True


@pytest.fixture
def browser():
    b = ScriptedBrowser()
    webbrowser.register("procal-scripted", None, b)
    return b


@pytest.fixture
def client_secrets(tmp_path):
    path = tmp_path / "client_secret.json"
    path.write_text(json.dumps({"installed": {
        "client_id": "123-abc.apps.googleusercontent.com", "client_secret": "GOCSPX-login-secret",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token", "redirect_uris": ["http://localhost"]}}))
    return path


def test_status_without_credentials(google_env, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["auth", "status", "--token-file", str(tmp_path / "none.json")], capsys)
    assert code == 0 and "no credentials" in out and ".ics" in out


def test_status_names_the_login_but_never_a_secret(google_env, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    google_env.credentials()  # refresh + save, so the file holds an access token too
    token = json.loads(google_env.token_file.read_text())["token"]
    code, out, err = run(["auth", "status", "--token-file", str(google_env.token_file), "--check"], capsys)
    assert code == 0 and str(google_env.token_file) in out and "check: OK" in out
    assert "calendar.events" in out and google_env.root in out
    for secret in (token, TEST_REFRESH_TOKEN, TEST_CLIENT_SECRET):
        assert secret not in out + err


def test_status_check_on_a_revoked_login_exits_2_with_the_login_hint(google_env, capsys, tmp_path,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    google_env.emulator.revoke_refresh_token(TEST_REFRESH_TOKEN)
    code, out, err = run(["auth", "status", "--token-file", str(google_env.token_file), "--check"], capsys)
    assert code == 2 and "procal auth login" in err and "invalid_grant" in err
    assert TEST_REFRESH_TOKEN not in out + err


def test_login_saves_a_0600_token_that_works(google_env, browser, client_secrets, capsys, tmp_path,
                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "login" / "token.json"
    from google_access.credentials import login

    creds = login(str(client_secrets), str(target), write=False, browser="procal-scripted",
                  timeout_seconds=10)
    assert browser.opened and browser.opened[0].startswith(google_env.root + "o/oauth2/auth")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    saved = json.loads(target.read_text())
    assert saved["refresh_token"].startswith("1//") and saved["token"] == creds.token
    assert saved["scopes"] == ["https://www.googleapis.com/auth/calendar.events",
                               "https://www.googleapis.com/auth/spreadsheets.readonly"]
    # the saved login is what procal then uses
    import dataclasses
    settings = dataclasses.replace(google_env.settings, token_file=str(target))
    from google_access.clients import GoogleClients
    from google_access.credentials import load_credentials
    GoogleClients(load_credentials(settings, write=False), settings).calendar.events().list(
        calendarId="primary").execute()
    assert google_env.emulator.count(op="events.list", status=200) == 1


def test_login_denied_is_a_clear_error(google_env, browser, client_secrets, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    google_env.emulator.deny_logins = True
    code, out, err = run(["auth", "login", "--client-secrets", str(client_secrets), "--token-file",
                          str(tmp_path / "t.json"), "--browser", "procal-scripted"], capsys)
    assert code == 2 and "did not complete" in err and "procal auth login" in err
    assert not (tmp_path / "t.json").exists()
    assert "GOCSPX-login-secret" not in out + err


def test_cli_login(google_env, browser, client_secrets, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["auth", "login", "--client-secrets", str(client_secrets), "--token-file",
                          str(tmp_path / "t.json"), "--browser", "procal-scripted"], capsys)
    assert code == 0 and "saved" in out
    assert stat.S_IMODE(os.stat(tmp_path / "t.json").st_mode) == 0o600
    assert "spreadsheets" in json.loads((tmp_path / "t.json").read_text())["scopes"][1]
