"""Turns milestones and reminders into calendar events and syncs them (Google Calendar, ICS) with a local SQLite ledger.

``__all__`` is the public surface other packages and docs/sync.md use (tests/test_public_api.py).
Everything except the errors and settings is loaded on first use (PEP 562), so importing one
submodule (``calendar_sync.model``) does not drag in icalendar, SQLite or the Google client.
"""

from __future__ import annotations

import importlib

from calendar_sync.errors import MassDeleteError, SyncError
from calendar_sync.settings import ReminderRule, SyncSettings

# name -> module, imported on first attribute access
_LAZY = {
    # events and the operations on them
    **dict.fromkeys(("BANGKOK", "DesiredEvent", "Reminder", "RemoteEvent", "Op", "OpResult",
                     "event_id", "content_hash", "desired_visible"), "calendar_sync.model"),
    # backends (memory, ICS files, Google Calendar)
    **dict.fromkeys(("CalendarBackend", "OnResult", "MemoryBackend", "IcsBackend",
                     "GoogleBackend"), "calendar_sync.backends"),
    "event_body": "calendar_sync.backends.google",
    "render_event": "calendar_sync.backends.ics",  # the ICS writer (bench/e2e.py compares it)
    # ledger and planner
    **dict.fromkeys(("Ledger", "LedgerEntry"), "calendar_sync.ledger"),
    **dict.fromkeys(("plan_sync", "apply_sync", "sync_events", "SyncPlan", "SyncReport"),
                    "calendar_sync.sync"),
    # procurement milestones (กำหนดการจัดซื้อจัดจ้าง)
    **dict.fromkeys(("milestone_events", "milestone_key", "reminders_for", "route"),
                    "calendar_sync.milestones"),
    **dict.fromkeys(("open_backend", "plan_milestones", "sync_milestones"), "calendar_sync.runner"),
    # executive reminders about disbursement (เบิกจ่าย)
    **dict.fromkeys(("ReminderOptions", "reminder_events", "sync_reminders", "period_key",
                     "reminder_key", "summary_key", "existing_reminder_keys", "baht", "pct"),
                    "calendar_sync.reminders"),
    # sheet calendar names → configured keys; TOML lines in messages
    **dict.fromkeys(("resolve_calendar_names", "calendar_names"), "calendar_sync.routing"),
    "toml_line": "calendar_sync.settings",
    # agency scoring and follow-up groups (docs/scoring.md)
    **dict.fromkeys(("SCORING_KINDS", "FollowupGroup", "score_key", "followup_key",
                     "score_summary_event", "followup_events", "group_copies",
                     "plan_scoring_events", "sync_scoring_events"), "calendar_sync.scoring_events"),
    # ICS feed server (`procal sync serve`)
    **dict.fromkeys(("make_server", "list_feeds", "feed_file", "FeedFile", "gzip_body",
                     "accepts_gzip"), "calendar_sync.feeds"),
}

__all__ = ["SyncError", "MassDeleteError", "SyncSettings", "ReminderRule", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
