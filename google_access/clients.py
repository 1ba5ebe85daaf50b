"""The one factory for Google clients: the Calendar v3 service (+ batches) and the gspread client.

Honours ``PROCAL_GOOGLE_API_ROOT`` (see ``google_access.api_root``), working around two library
traps: ``new_batch_http_request()`` ignores ``api_endpoint`` (so batches are built with an explicit
``batch_uri``), and gspread imports its URL constants by name (so a ``gspread.HTTPClient``
subclass rewrites the URL prefix). gspread's ``BackOffHTTPClient`` is not used (it never gives up);
every call goes through :func:`google_access.retry.call` instead — see :meth:`GoogleClients.call`.

httplib2 is not thread-safe: use one :class:`GoogleClients` per thread.
"""

from __future__ import annotations

from functools import cached_property
from typing import Callable, TypeVar

from . import api_root
from .retry import Pacer, RetryPolicy, call as _call
from .settings import GoogleSettings

T = TypeVar("T")

GOOGLE_ROOT = "https://www.googleapis.com/"
SHEETS_ROOT = "https://sheets.googleapis.com/"
DEFAULT_TIMEOUT = 60


def make_gspread_http_client(root: str | None):
    """A ``gspread.HTTPClient`` class that sends every request under ``root`` (None = Google)."""
    import gspread

    if not root:
        return gspread.HTTPClient
    base = root.rstrip("/")

    class LoopbackHTTPClient(gspread.HTTPClient):
        _prefixes = (SHEETS_ROOT.rstrip("/"), GOOGLE_ROOT.rstrip("/"))

        def request(self, method, endpoint, *args, **kwargs):
            for prefix in self._prefixes:
                if endpoint.startswith(prefix):
                    endpoint = base + endpoint[len(prefix):]
                    break
            return super().request(method, endpoint, *args, **kwargs)

    return LoopbackHTTPClient


class GoogleClients:
    """Clients built from ``credentials`` and ``settings``; the rest of procal never builds its own.

    ``.calendar`` — googleapiclient Resource (static discovery, offline build);
    ``.new_batch(callback)`` — a BatchHttpRequest posting to the right batch endpoint;
    ``.gspread`` — a gspread.Client; ``.call(fn, what=..., api=...)`` — paced + retried call.
    """

    def __init__(self, credentials, settings: GoogleSettings | None = None, *,
                 root: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.credentials = credentials
        self.settings = settings or GoogleSettings()
        self.root = root if root is not None else api_root()
        self.timeout = timeout
        self.policy = RetryPolicy.from_settings(self.settings)
        self.calendar_pacer = Pacer(self.settings.requests_per_minute)
        self.sheets_pacer = Pacer(self.settings.sheets_requests_per_minute)

    @property
    def retry_policy(self) -> RetryPolicy:
        return self.policy

    @property
    def service_account_email(self) -> str | None:
        return getattr(self.credentials, "service_account_email", None)

    # ------------------------------------------------------------------ calendar
    @property
    def calendar_endpoint(self) -> str:
        return (self.root or GOOGLE_ROOT) + "calendar/v3/"

    @property
    def batch_uri(self) -> str:
        return (self.root or GOOGLE_ROOT) + "batch/calendar/v3"

    @cached_property
    def calendar(self):
        import google_auth_httplib2
        from googleapiclient.discovery import build

        from .requestlog import logging_http

        http = google_auth_httplib2.AuthorizedHttp(self.credentials,
                                                   http=logging_http(self.timeout))
        return build("calendar", "v3", http=http, static_discovery=True, cache_discovery=False,
                     client_options={"api_endpoint": self.calendar_endpoint})

    def new_batch(self, callback=None):
        """A Calendar BatchHttpRequest (≤ 1000 calls; keep it ≤ 50) whose URI honours the root."""
        from googleapiclient.http import BatchHttpRequest

        return BatchHttpRequest(callback=callback, batch_uri=self.batch_uri)

    # ------------------------------------------------------------------ sheets
    @cached_property
    def gspread(self):
        import gspread

        from .requestlog import log_session

        client = gspread.Client(auth=self.credentials, http_client=make_gspread_http_client(self.root))
        client.set_timeout(self.timeout)
        log_session(client.http_client.session)  # `procal -v`
        return client

    # ------------------------------------------------------------------ calls
    def call(self, fn: Callable[[], T], *, what: str, api: str = "calendar", cost: int = 1) -> T:
        """Run one Google call (``fn()``), paced per API and retried (google_access.retry.call)."""
        pacer = self.sheets_pacer if api == "sheets" else self.calendar_pacer
        return _call(fn, pacer=pacer, policy=self.policy, what=what, cost=cost)
