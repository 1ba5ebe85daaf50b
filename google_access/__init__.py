"""Google credentials, client factories and the one retry/pacing helper every Google call goes through.

``PROCAL_GOOGLE_API_ROOT`` (e.g. ``http://127.0.0.1:8765/``) redirects every Google call to an
emulator: Calendar to ``ROOT/calendar/v3/``, batches to ``ROOT/batch/calendar/v3``, Sheets to
``ROOT/v4/spreadsheets``, token refreshes to ``ROOT/token``. Unset, procal talks to Google.
See docs/google.md.
"""

from __future__ import annotations

import os

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
