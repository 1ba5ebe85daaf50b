"""The rulebook a deployment uses: the shipped one plus the treasury's rules overlay, if any.

``[rules] overlay = "rules-overlay.toml"`` in procal.toml (or ``--rules FILE``) names a file of
``[[override]]`` entries (see docs/legal-sources.md, "Setting a minimum procal does not know"):
a legal minimum procal marks as unknown, or a circular's period for a range of dates.
"""

from __future__ import annotations

from pathlib import Path

from schedule_engine import Rulebook, default_rulebook
from schedule_engine import load_overlay


def rulebook_for(settings=None, overlay: str | Path | None = None) -> Rulebook:
    """The shipped rulebook with ``overlay`` (or ``settings.rules.overlay``) applied."""
    path = overlay or (settings.rules.overlay if settings is not None else None)
    rulebook = default_rulebook()
    return load_overlay(rulebook, path) if path else rulebook


__all__ = ["rulebook_for"]
