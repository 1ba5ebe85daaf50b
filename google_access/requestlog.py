"""``procal -v``: one log line per Google request — method, path, HTTP status and time taken.

Only the URL's path is logged: never the query string, headers (the bearer token), bodies (the
agencies' data) or refresh tokens. Calendar requests go through :class:`LoggingHttp` (httplib2, the
transport of google-api-python-client, batches included); Sheets requests and token refreshes go
through ``requests``, hooked by :func:`log_session`. Nothing is logged unless the
``procal.google`` logger is enabled at INFO (``procal -v`` does that with
:func:`log_requests_to_stderr`)::

    procal.google: GET /calendar/v3/calendars/abc%40group.calendar.google.com/events 200 84 ms
"""

from __future__ import annotations

import logging
import sys
import time
from urllib.parse import urlsplit

LOGGER = logging.getLogger("procal.google")


def _path(url: str) -> str:
    return urlsplit(str(url)).path or "/"


def log_request(method: str, url: str, status: object, seconds: float) -> None:
    if LOGGER.isEnabledFor(logging.INFO):
        LOGGER.info("%s %s %s %d ms", method, _path(url), status, round(seconds * 1000))


def logging_http(timeout: float):
    """An ``httplib2.Http`` that logs each request (when the logger is enabled)."""
    import httplib2

    class LoggingHttp(httplib2.Http):
        def request(self, uri, method="GET", *args, **kwargs):
            started = time.monotonic()
            status: object = "error"
            try:
                response, content = super().request(uri, method, *args, **kwargs)
                status = getattr(response, "status", "?")
                return response, content
            finally:
                log_request(method, uri, status, time.monotonic() - started)

    return LoggingHttp(timeout=timeout)


def log_session(session) -> None:
    """Log every response of a ``requests.Session`` (gspread's, the token refresher's)."""

    def hook(response, *args, **kwargs):
        elapsed = getattr(response, "elapsed", None)
        log_request(response.request.method, response.request.url, response.status_code,
                    elapsed.total_seconds() if elapsed is not None else 0.0)
        return response

    if hook not in session.hooks.setdefault("response", []):
        session.hooks["response"].append(hook)


def log_requests_to_stderr() -> None:
    """Turn the request log on, as ``procal.google: …`` lines on stderr."""
    if not any(getattr(h, "_procal_requestlog", False) for h in LOGGER.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        handler._procal_requestlog = True  # type: ignore[attr-defined]
        LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
