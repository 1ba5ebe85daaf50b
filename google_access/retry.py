"""The one retry/pacing helper every Google call goes through.

* :class:`Pacer` — a thread-safe token bucket per user (requests/minute), injectable clock/sleep.
* :class:`RetryPolicy` — bounded exponential backoff with jitter.
* :func:`classify` — ``"retry"`` (429, 403 rate-limit reasons, 408, 5xx, connection errors),
  ``"quota"`` (403 quotaExceeded / dailyLimitExceeded: never retried quickly) or ``"fatal"``
  (every other 4xx, auth failures), for googleapiclient ``HttpError``, gspread ``APIError`` and
  transport errors. Use it per inner call in batches (batches are never retried by the library).
* :func:`call` — run ``fn()`` paced, retried, and turned into :mod:`google_access.errors` for good.

The libraries' own retries are not used: batches are never retried and gspread's
``BackOffHTTPClient`` never gives up (docs/google.md).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import random
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from .errors import (AuthError, ConflictError, GoneError, GoogleError, NotFoundError,
                     PermissionDeniedError, QuotaExceededError, RateLimitError)

log = logging.getLogger("google_access.retry")
T = TypeVar("T")

RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED",
                      "RESOURCE_EXHAUSTED"}
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}


# ------------------------------------------------------------------------------------ pacing
class Pacer:
    """Token bucket: ``requests_per_minute`` sustained, bursts of ``burst`` (default rpm/10, ≤ 50).

    ``acquire(n)`` blocks (via ``sleep``) until ``n`` requests may be sent and returns the seconds
    waited. Thread-safe. ``requests_per_minute`` None or 0 disables pacing.
    """

    def __init__(self, requests_per_minute: int | None, *, burst: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.requests_per_minute = requests_per_minute
        self.rate = (requests_per_minute or 0) / 60.0
        self.capacity = float(burst if burst is not None else
                              max(1, min(50, (requests_per_minute or 0) // 10)))
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self, n: int = 1) -> float:
        if not self.rate:
            return 0.0
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
                self._last = now
                need = min(float(n), self.capacity)
                if self._tokens >= need - 1e-9:  # tolerance: float refills must not spin
                    self._tokens -= n  # may go negative for n > capacity: later callers wait
                    return waited
                wait = (need - self._tokens) / self.rate
            self._sleep(wait)
            waited += wait


# ------------------------------------------------------------------------------------ policy
@dataclass(frozen=True)
class RetryPolicy:
    """Delay before retry ``attempt`` (0-based): ``min(max_backoff, base * 2**attempt)``, with
    "equal jitter" (a uniform draw in [delay/2, delay]) when ``jitter``."""

    max_retries: int = 6
    base: float = 1.0
    max_backoff: float = 64.0
    jitter: bool = True

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        cap = min(self.max_backoff, self.base * (2 ** attempt))
        if not self.jitter:
            return cap
        return cap / 2 + (rng or random).uniform(0, cap / 2)

    @classmethod
    def from_settings(cls, settings) -> "RetryPolicy":
        return cls(max_retries=settings.max_retries, max_backoff=float(settings.max_backoff_seconds))


DEFAULT_POLICY = RetryPolicy()


# ------------------------------------------------------------------------------------ classify
def _error_dict(content) -> dict:
    if isinstance(content, (bytes, bytearray)):
        content = content.decode("utf-8", "replace")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return {}
    if isinstance(content, dict):
        err = content.get("error", content)
        return err if isinstance(err, dict) else {}
    return {}


def _reason_of(err: dict) -> str | None:
    errors = err.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict) and errors[0].get("reason"):
        return errors[0]["reason"]
    for detail in err.get("details") or []:
        if isinstance(detail, dict) and detail.get("reason"):
            return detail["reason"]
    return err.get("status")


def status_and_reason(exc: BaseException) -> tuple[int | None, str | None, str]:
    """``(HTTP status, Google reason, message)`` of a googleapiclient/gspread error, else (None, None, '')."""
    try:
        from googleapiclient.errors import HttpError
    except ImportError:  # pragma: no cover
        HttpError = ()
    try:
        from gspread.exceptions import APIError
    except ImportError:  # pragma: no cover
        APIError = ()
    if HttpError and isinstance(exc, HttpError):
        err = _error_dict(exc.content)
        return int(exc.resp.status), _reason_of(err), str(err.get("message") or exc.reason or "")
    if APIError and isinstance(exc, APIError):
        err = exc.error if isinstance(exc.error, dict) else {}
        return int(exc.code), _reason_of(err), str(err.get("message") or "")
    return None, None, ""


def classify_status(status: int | None, reason: str | None) -> str:
    """The decision for an HTTP status + Google reason: "retry" | "quota" | "fatal"."""
    if status is None:
        return "fatal"
    if status == 429 or status == 408 or status >= 500:
        return "retry"
    if status == 403:
        if reason in RATE_LIMIT_REASONS:
            return "retry"
        if reason in QUOTA_REASONS:
            return "quota"
    return "fatal"


def _is_transport_error(exc: BaseException) -> bool:
    if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout, socket.gaierror,
                        http.client.HTTPException)):
        return True
    try:
        import httplib2
        if isinstance(exc, httplib2.HttpLib2Error) and not isinstance(exc, httplib2.RedirectLimit):
            return True
    except ImportError:  # pragma: no cover
        pass
    try:
        import requests
        if isinstance(exc, (requests.ConnectionError, requests.Timeout,
                            requests.exceptions.ChunkedEncodingError)):
            return True
    except ImportError:  # pragma: no cover
        pass
    try:
        from google.auth.exceptions import RefreshError, TransportError
        if isinstance(exc, TransportError) and not isinstance(exc, RefreshError):
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(exc, OSError) and not isinstance(exc, (FileNotFoundError, PermissionError))


def classify(exc: BaseException) -> str:
    """"retry" | "quota" | "fatal" for any exception a Google call can raise."""
    status, reason, _ = status_and_reason(exc)
    if status is not None:
        return classify_status(status, reason)
    if _is_refresh_error(exc):
        return "fatal"
    if _is_transport_error(exc):
        return "retry"
    return "fatal"


def _is_refresh_error(exc: BaseException) -> bool:
    try:
        from google.auth.exceptions import RefreshError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, RefreshError)


def _retry_after_header(exc: BaseException) -> str | None:
    resp = getattr(exc, "resp", None)           # googleapiclient HttpError (httplib2.Response)
    if resp is not None and hasattr(resp, "get"):
        value = resp.get("retry-after")
        if value:
            return value
    response = getattr(exc, "response", None)   # gspread APIError (requests.Response)
    headers = getattr(response, "headers", None)
    if headers is not None:
        return headers.get("Retry-After")
    return None


def retry_after_seconds(exc: BaseException) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    value = _retry_after_header(exc)
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def retry_delay_for(exc: BaseException, attempt: int, policy: RetryPolicy = DEFAULT_POLICY,
                    rng: random.Random | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): Retry-After when Google sent one
    (capped at ``policy.max_backoff``), else the policy's jittered exponential backoff."""
    after = retry_after_seconds(exc)
    if after is not None:
        return min(after, policy.max_backoff)
    return policy.backoff(attempt, rng)


# ------------------------------------------------------------------------------------ errors
def to_google_error(exc: BaseException, what: str) -> GoogleError:
    """Turn a library exception into procal's error (never includes tokens or keys)."""
    if _is_refresh_error(exc):
        text = str(exc.args[0]) if exc.args else ""
        if "invalid_grant" in text:
            return AuthError("Google refused to refresh the saved login (invalid_grant: expired or "
                             "revoked)", what=what)
        return AuthError("Google login could not be refreshed", what=what)
    status, reason, message = status_and_reason(exc)
    if status is None:
        if _is_transport_error(exc):
            return RateLimitError(f"could not reach Google ({type(exc).__name__})", what=what)
        return GoogleError(f"{type(exc).__name__}", what=what)
    detail = f"HTTP {status}" + (f" {reason}" if reason else "") + (f": {message}" if message else "")
    kind = classify_status(status, reason)
    kw = {"status": status, "reason": reason, "what": what}
    if kind == "quota":
        return QuotaExceededError(**kw)
    if status == 401:
        return AuthError(f"Google rejected the credentials ({detail})", **kw)
    if status == 404:
        return NotFoundError(detail, **kw)
    if status == 410:
        return GoneError(detail, **kw)
    if status in (409, 412):
        return ConflictError(detail, **kw)
    if status == 403 and kind == "fatal":
        return PermissionDeniedError(detail, **kw)
    if kind == "retry":
        return RateLimitError(f"gave up after retries ({detail})", **kw)
    return GoogleError(detail, **kw)


def call(fn: Callable[[], T], *, pacer: Pacer | None, policy: RetryPolicy = DEFAULT_POLICY,
         what: str, sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None,
         cost: int = 1) -> T:
    """Run ``fn()`` paced by ``pacer`` (``cost`` tokens per attempt, e.g. the size of a batch),
    retrying "retry" errors up to ``policy.max_retries`` times; raise :class:`GoogleError`
    subclasses for good (``QuotaExceededError`` at once, ``RateLimitError`` when retries run out)."""
    attempt = 0
    while True:
        if pacer is not None:
            pacer.acquire(cost)
        try:
            return fn()
        except GoogleError:
            raise
        except Exception as exc:  # noqa: BLE001 - classified below
            kind = classify(exc)
            if kind != "retry" or attempt >= policy.max_retries:
                raise to_google_error(exc, what) from exc
            delay = retry_delay_for(exc, attempt, policy, rng)
            status, reason, _ = status_and_reason(exc)
            log.warning("%s: %s; retry %d/%d in %.1fs", what,
                        f"HTTP {status} {reason or ''}".strip() if status else type(exc).__name__,
                        attempt + 1, policy.max_retries, delay)
            sleep(delay)
            attempt += 1
