"""Loading procal's Google credentials: a service-account key (optionally with domain-wide
delegation ``subject``) or the user token written by ``procal auth login`` (mode 0600,
refreshed automatically). With ``PROCAL_GOOGLE_API_ROOT`` set, token refreshes go to ``ROOT/token``.

Tokens, refresh tokens and private keys never appear in log lines or error messages.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

import google.auth.credentials
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError

from . import api_root, scopes_for
from .errors import AuthError
from .settings import GoogleSettings

log = logging.getLogger("google_access.credentials")

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


def token_uri() -> str:
    root = api_root()
    return root + "token" if root else GOOGLE_TOKEN_URI


def _read_json(path: str, what: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise AuthError(f"{what} {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise AuthError(f"{what} {path} cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise AuthError(f"{what} {path} is not a JSON object")
    return data


def has_credentials(settings: GoogleSettings) -> bool:
    """True when a service-account key or a saved user token is there to use (no network)."""
    if settings.credentials_file and Path(settings.credentials_file).is_file():
        try:
            kind = _read_json(settings.credentials_file, "credentials file").get("type")
        except AuthError:
            return False
        if kind in ("service_account", "authorized_user"):
            return True
    return bool(settings.token_file) and Path(settings.token_file).is_file()


def credentials_kind(settings: GoogleSettings) -> str:
    """"service_account" | "user" | "none" — what :func:`load_credentials` would use."""
    if settings.credentials_file and Path(settings.credentials_file).is_file():
        try:
            kind = _read_json(settings.credentials_file, "credentials file").get("type")
        except AuthError:
            kind = None
        if kind == "service_account":
            return "service_account"
        if kind == "authorized_user":
            return "user"
    if settings.token_file and Path(settings.token_file).is_file():
        return "user"
    return "none"


def _parse_expiry(value) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)  # google-auth uses naive UTC
    return dt


def user_credentials_from_info(info: dict, scopes: list[str] | None = None):
    """Authorized-user credentials, built directly so ``token_uri`` is honoured
    (``Credentials.from_authorized_user_info`` always forces Google's token endpoint)."""
    from google.oauth2.credentials import Credentials

    missing = [k for k in ("refresh_token", "client_id", "client_secret") if not info.get(k)]
    if missing:
        raise AuthError(f"the saved Google login is incomplete (missing {', '.join(missing)})")
    return Credentials(
        token=info.get("token") or info.get("access_token"),
        refresh_token=info["refresh_token"],
        token_uri=token_uri() if api_root() else (info.get("token_uri") or GOOGLE_TOKEN_URI),
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        scopes=info.get("scopes") or scopes,
        expiry=_parse_expiry(info.get("expiry")),
    )


def _covers(have: set[str], need: str) -> bool:
    if need in have:
        return True
    if need.endswith(".readonly") and need[: -len(".readonly")] in have:
        return True
    return need.endswith("/calendar.events") and have & {need.rsplit("/", 1)[0] + "/calendar"} != set()


def _check_scopes(saved, needed: list[str]) -> None:
    """A saved login made with fewer scopes (e.g. read-only Sheets) cannot do what is asked now."""
    if not saved:
        return
    have = set(saved)
    missing = [s.rsplit("/", 1)[-1] for s in needed if not _covers(have, s)]
    if missing:
        raise AuthError(f"the saved Google login does not allow {', '.join(missing)}",
                        hint="run `procal auth login` again (without --read-only-sheets when "
                             "procal should write the schedule back to the sheet)")


def save_token(credentials, path: str) -> None:
    """Write the user's token JSON with file mode 0600 (created 0600, never world-readable)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(credentials.to_json())
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    os.chmod(target, 0o600)


def _refresh(credentials, what: str):
    import google.auth.transport.requests
    import requests

    from .requestlog import log_session

    session = requests.Session()
    log_session(session)  # `procal -v` logs the token request too (path and status only)
    try:
        credentials.refresh(google.auth.transport.requests.Request(session))
    except RefreshError as exc:
        text = str(exc.args[0]) if exc.args else ""
        if "invalid_grant" in text:
            raise AuthError(f"{what} was refused by Google (invalid_grant: expired or revoked)") from None
        raise AuthError(f"{what} could not be refreshed ({text.split(':')[0] or 'refresh error'})") from None
    except TransportError:
        raise AuthError(f"could not reach Google's token endpoint to refresh {what}",
                        hint="check the network and try again") from None


def load_credentials(settings: GoogleSettings, *, write: bool = True,
                     refresh: bool = True) -> google.auth.credentials.Credentials:
    """Credentials for Calendar (events) and Sheets (read-only unless ``write``).

    Service-account key in ``settings.credentials_file`` (``subject`` = domain-wide delegation),
    else the user token in ``settings.token_file`` (or an authorized-user JSON given as
    ``credentials_file``). An expired user token is refreshed now (``refresh=True``) and saved back.
    Raises :class:`AuthError` with a login hint when nothing usable is there.
    """
    scopes = scopes_for(write)
    info: dict | None = None
    if settings.credentials_file:
        info = _read_json(settings.credentials_file, "credentials file")
        kind = info.get("type")
        if kind == "service_account":
            from google.oauth2 import service_account

            info = dict(info)
            if api_root():
                info["token_uri"] = token_uri()
            try:
                creds = service_account.Credentials.from_service_account_info(info, scopes=scopes)
            except (ValueError, KeyError, GoogleAuthError) as exc:
                raise AuthError(f"service-account key {settings.credentials_file} is invalid "
                                f"({type(exc).__name__})",
                                hint="download a new JSON key for the service account") from None
            if settings.subject:
                creds = creds.with_subject(settings.subject)
            return creds
        if kind != "authorized_user" and not ("installed" in info or "web" in info):
            raise AuthError(f"credentials file {settings.credentials_file} is neither a "
                            "service-account key nor an OAuth client/token file")
        if kind != "authorized_user":
            info = None  # a client-secrets file: the token comes from token_file
    source = settings.credentials_file if info is not None else settings.token_file
    if info is None:
        if not settings.token_file or not Path(settings.token_file).is_file():
            raise AuthError("no Google login found" + (f" (no token file at {settings.token_file})"
                                                       if settings.token_file else ""))
        info = _read_json(settings.token_file, "token file")
    _check_scopes(info.get("scopes"), scopes)
    creds = user_credentials_from_info(info, scopes)
    if refresh and not creds.valid:
        _refresh(creds, "the saved Google login")
        if source == settings.token_file:
            try:
                save_token(creds, settings.token_file)
            except OSError as exc:
                log.warning("could not save the refreshed token to %s (%s)", settings.token_file,
                            type(exc).__name__)
    return creds


def login(client_secrets: str, token_file: str, *, write: bool = True, open_browser: bool = True,
          port: int = 0, timeout_seconds: int | None = 300, browser: str | None = None):
    """``procal auth login``: the installed-app OAuth flow (browser + loopback redirect),
    then the token is saved to ``token_file`` with mode 0600."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        config = _read_json(client_secrets, "OAuth client file")
        if api_root():
            for section in ("installed", "web"):
                if section in config:
                    config[section]["token_uri"] = token_uri()
                    config[section]["auth_uri"] = api_root() + "o/oauth2/auth"
        flow = InstalledAppFlow.from_client_config(config, scopes=scopes_for(write))
    except ValueError as exc:
        raise AuthError(f"{client_secrets} is not an OAuth client file ({exc})",
                        hint="download the 'Desktop app' OAuth client JSON from Google Cloud Console") from None
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    root = api_root()
    insecure_ok = bool(root and root.startswith(("http://127.0.0.1", "http://localhost")))
    previous = os.environ.get("OAUTHLIB_INSECURE_TRANSPORT")
    if insecure_ok:  # oauthlib insists on https; the loopback emulator speaks http
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        creds = flow.run_local_server(host="localhost", port=port, open_browser=open_browser,
                                      timeout_seconds=timeout_seconds, browser=browser)
    except (RefreshError, ValueError, OAuth2Error) as exc:  # denied consent, bad code, ...
        text = str(exc).split(":")[0] if str(exc) else type(exc).__name__
        raise AuthError(f"the Google login did not complete ({text})",
                        hint="run `procal auth login` again and allow access") from None
    except AttributeError:  # the local server timed out without a redirect
        creds = None
    finally:
        if insecure_ok:
            if previous is None:
                os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)
            else:
                os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = previous
    if creds is None:
        raise AuthError("the Google login was not completed in time")
    save_token(creds, token_file)
    return creds


def redact(text: str) -> str:
    """Hide bearer tokens, access/refresh tokens, client secrets and private keys in ``text``."""
    import re

    text = re.sub(r"(?i)(bearer\s+)[^\s\"',]+", r"\1[redacted]", text)
    text = re.sub(r"ya29\.[0-9A-Za-z._\-]+", "[redacted]", text)
    text = re.sub(r"1//[0-9A-Za-z._\-]+", "[redacted]", text)
    text = re.sub(r"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----",
                  "[redacted private key]", text)
    text = re.sub(r'(?i)("?(?:access_token|refresh_token|client_secret|private_key|token|assertion)"?'
                  r'\s*[:=]\s*"?)[^"&,\s}]+', r"\1[redacted]", text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that passes every record through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Add :class:`RedactingFilter` to every handler of ``logger`` (default: the root logger), so
    even third-party debug logging cannot print a token. Returns the filter (idempotent)."""
    logger = logger or logging.getLogger()
    existing = [f for h in logger.handlers for f in h.filters if isinstance(f, RedactingFilter)]
    flt = existing[0] if existing else RedactingFilter()
    for handler in logger.handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    return flt
