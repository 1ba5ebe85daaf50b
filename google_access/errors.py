"""Errors raised by google_access — part of procal's single tree (``schedule_engine.errors``)::

    ProcalError
    └── GoogleError               a Google API call failed for good (.status, .reason, .what)
        ├── AuthError             credentials missing, invalid, expired or revoked (says how to log in)
        ├── QuotaExceededError    403 quotaExceeded: the calendar may be read-only for hours
        ├── RateLimitError        429 / 403 rate limit / 5xx / connection errors: retries exhausted
        ├── NotFoundError         404 (calendar, event or spreadsheet not found)
        ├── GoneError             410 (event already deleted; syncToken stale: full sync required)
        ├── ConflictError         409 duplicate id / 412 etag mismatch
        └── PermissionDeniedError 403 other than quota/rate limits (no access, insufficient scopes)

Messages never contain tokens, keys or secrets.
"""

from __future__ import annotations

from schedule_engine.errors import ProcalError

LOGIN_HINT = ("run `procal auth login --client-secrets <client_secret.json>` to log in again, "
              "or set google.credentials_file to a service-account key")


class GoogleError(ProcalError):
    """A Google API call failed for good. ``status``/``reason`` are Google's (e.g. 409, "duplicate")."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None,
                 what: str | None = None):
        self.status = status
        self.reason = reason
        self.what = what
        super().__init__(f"{what}: {message}" if what else message)


class AuthError(GoogleError):
    """Credentials are missing, invalid, expired or revoked. The message says how to log in again."""

    def __init__(self, message: str = "Google credentials are missing or no longer valid", *,
                 hint: str = LOGIN_HINT, **kw):
        self.hint = hint
        super().__init__(f"{message} — {hint}" if hint else message, **kw)


class QuotaExceededError(GoogleError):
    """403 quotaExceeded ("Calendar usage limits exceeded"): not retried."""

    def __init__(self, message: str = (
            "Google Calendar usage limits exceeded (403 quotaExceeded): the calendar may stay "
            "read-only for several hours; nothing more was written — run procal again later"), **kw):
        kw.setdefault("status", 403)
        kw.setdefault("reason", "quotaExceeded")
        super().__init__(message, **kw)


class RateLimitError(GoogleError):
    """Rate limits, server errors or connection errors persisted through every retry."""


class NotFoundError(GoogleError):
    """404: the calendar, event or spreadsheet does not exist (or is not shared with procal)."""


class GoneError(GoogleError):
    """410: the event was already deleted, or a syncToken is stale (``reason == "fullSyncRequired"``)."""


class ConflictError(GoogleError):
    """409 (an event with this id already exists, possibly cancelled) or 412 (etag mismatch)."""


class PermissionDeniedError(GoogleError):
    """403 that is not a rate limit: the account lacks access or the token lacks a scope."""
