"""Google credentials, client factories and the one retry/pacing helper every Google call goes through.

``PROCAL_GOOGLE_API_ROOT`` (e.g. ``http://127.0.0.1:8765/``) redirects every Google call to an
emulator: Calendar to ``ROOT/calendar/v3/``, batches to ``ROOT/batch/calendar/v3``, Sheets to
``ROOT/v4/spreadsheets``, token refreshes to ``ROOT/token``. Unset, procal talks to Google.
See docs/google.md.

``__all__`` is the public surface (tests/test_public_api.py). The errors and settings are light
and imported here; everything that needs the Google client libraries is loaded on first use
(PEP 562), so ``import google_access`` does not import googleapiclient, gspread or httplib2.
"""

from __future__ import annotations

import importlib
import os

from google_access.errors import (
    AuthError,
    ConflictError,
    GoneError,
    GoogleError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
)
from google_access.settings import GoogleSettings

ENV_API_ROOT = "PROCAL_GOOGLE_API_ROOT"

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.events"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
SHEETS_READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"


def api_root() -> str | None:
    """The emulator root from ``PROCAL_GOOGLE_API_ROOT`` (always ending in ``/``), or None."""
    value = os.environ.get(ENV_API_ROOT, "").strip()
    if not value:
        return None
    return value if value.endswith("/") else value + "/"


def scopes_for(write: bool = True) -> list[str]:
    """Least scopes: calendar events, and spreadsheets (read-only when write-back is off)."""
    return [CALENDAR_SCOPE, SHEETS_SCOPE if write else SHEETS_READONLY_SCOPE]


def default_clients(settings=None, *, write: bool = True):
    """``GoogleClients`` from ``settings`` (default ``GoogleSettings()``) and its credentials.

    Raises ``google_access.errors.AuthError`` (with a login hint) when no credentials are there.
    """
    from .clients import GoogleClients
    from .credentials import load_credentials
    from .settings import GoogleSettings

    settings = settings or GoogleSettings()
    return GoogleClients(load_credentials(settings, write=write), settings)


# name -> module, imported on first attribute access
_LAZY = {
    **dict.fromkeys(("GoogleClients", "make_gspread_http_client"), "google_access.clients"),
    **dict.fromkeys(("load_credentials", "has_credentials", "credentials_kind", "login",
                     "save_token", "redact", "install_log_redaction", "token_uri"),
                    "google_access.credentials"),
    **dict.fromkeys(("Pacer", "RetryPolicy", "call", "classify", "classify_status",
                     "retry_delay_for", "status_and_reason", "to_google_error"),
                    "google_access.retry"),
    "log_requests_to_stderr": "google_access.requestlog",  # `procal -v`
}

__all__ = [
    "ENV_API_ROOT", "CALENDAR_SCOPE", "SHEETS_SCOPE", "SHEETS_READONLY_SCOPE",
    "api_root", "scopes_for", "default_clients", "GoogleSettings",
    "GoogleError", "AuthError", "QuotaExceededError", "RateLimitError", "NotFoundError",
    "GoneError", "ConflictError", "PermissionDeniedError",
    *_LAZY,
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
