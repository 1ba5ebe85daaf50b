"""The milestone sync use case (what ``procal sync`` and ``procal run`` call)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from calendar_sync.backends import CalendarBackend, IcsBackend
from calendar_sync.ledger import Ledger
from calendar_sync.milestones import KIND, milestone_events
from calendar_sync.settings import SyncSettings
from calendar_sync.sync import SyncPlan, SyncReport, apply_sync, plan_sync


def open_backend(settings: SyncSettings, *, backend: str = "auto", out_dir: Path | None = None,
                 google_settings: Any = None, credentials: Any = None) -> CalendarBackend:
    """``"ics"``, ``"google"`` or ``"auto"`` (Google when credentials are configured, else ICS)."""
    out = Path(out_dir or settings.out_dir)
    if backend in ("auto", "google"):
        clients = None
        try:
            clients = _google_clients(google_settings, credentials, required=backend == "google")
        except ImportError:
            if backend == "google":
                raise
        if clients is not None:
            from calendar_sync.backends.google import GoogleBackend

            return GoogleBackend(clients, settings, settings.google_calendars)
    return IcsBackend(out, colors=dict(settings.ics_colors), calendar_names=settings.display_names())


def _google_clients(google_settings: Any, credentials: Any, *, required: bool):
    from google_access import credentials as gcred
    from google_access.clients import GoogleClients
    from google_access.errors import AuthError

    if google_settings is None:
        from google_access.settings import GoogleSettings

        google_settings = GoogleSettings()
    if credentials is None:
        if not gcred.has_credentials(google_settings):
            if required:
                raise AuthError("no Google credentials configured (backend 'google')")
            return None
        # the backend writes calendars only; Sheets access is the caller's (it passes credentials)
        credentials = gcred.load_credentials(google_settings, write=False)
    return GoogleClients(credentials, google_settings)


def plan_milestones(book: Any, settings: SyncSettings, backend: CalendarBackend, ledger: Ledger,
                    *, today: date, calendar: Any = None, allow_mass_delete: bool = False
                    ) -> SyncPlan:
    """Plan the milestone sync for a ``sheets_io.PlanBook`` (held rows keep their events)."""
    if calendar is None:
        from schedule_engine import default_calendar

        calendar = default_calendar()
    events = milestone_events(book, settings=settings, calendar=calendar, today=today)
    held = set(getattr(book, "held_project_ids", ()) or ())
    held |= {p.project_id for p in book.plans if p.project_id not in book.timelines}
    safe = getattr(book, "safe_to_delete", True)
    extra_cals = [settings.province_calendar, *settings.agency_calendars.values()]
    if settings.executives_calendar:
        extra_cals.append(settings.executives_calendar)
    known_ids = getattr(backend, "calendar_ids", None)
    if known_ids is not None:  # Google: only look at calendars that are mapped to an id
        extra_cals = [c for c in extra_cals if c in known_ids or "@" in c or c == "primary"]
    return plan_sync(events, backend, ledger, namespace=settings.namespace, kinds={KIND},
                     held_project_ids=held, suppress_deletes=not safe,
                     max_delete_share=settings.max_delete_share,
                     allow_mass_delete=allow_mass_delete, on_hand_edit=settings.on_hand_edit,
                     calendars=extra_cals)


def sync_milestones(book: Any, settings: SyncSettings, backend: CalendarBackend, ledger: Ledger,
                    *, today: date, calendar: Any = None, dry_run: bool = False,
                    allow_mass_delete: bool = False,
                    progress: Callable[[int], None] | None = None
                    ) -> tuple[SyncPlan, SyncReport | None]:
    plan = plan_milestones(book, settings, backend, ledger, today=today, calendar=calendar,
                           allow_mass_delete=allow_mass_delete)
    if dry_run:
        return plan, None
    return plan, apply_sync(plan, backend, ledger, progress=progress)
