"""calendar_sync's errors (subclasses of the one procal error tree)."""

from __future__ import annotations

from schedule_engine.errors import ProcalError


class SyncError(ProcalError):
    """The sync refused to write (mass-delete / empty-source guard) or failed for good."""


class MassDeleteError(SyncError):
    """Deletions would exceed the configured share of procal's events, or the source is empty."""
