"""Calendar backends: a small vdirsyncer-like interface with memory, ICS and Google implementations.

A backend only ever *lists* events carrying procal's mark (private property ``procal=<namespace>``)
and only writes the ops the planner hands it; it never reads, changes or deletes anything else.
"""

from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

from calendar_sync.model import Op, OpResult, RemoteEvent

OnResult = Callable[[OpResult], None]


@runtime_checkable
class CalendarBackend(Protocol):
    name: str

    def list_tagged(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        """Every event on ``calendar`` marked as procal's for ``namespace`` (cancelled ones too)."""
        ...

    def apply(self, calendar: str, ops: list[Op], on_result: OnResult | None = None
              ) -> list[OpResult]:
        """Perform ``ops`` (batched/paced inside); call ``on_result`` as each one is done."""
        ...


from calendar_sync.backends.memory import MemoryBackend  # noqa: E402
from calendar_sync.backends.ics import IcsBackend  # noqa: E402


def __getattr__(name: str):  # GoogleBackend imports the Google client lazily
    if name == "GoogleBackend":
        from calendar_sync.backends.google import GoogleBackend

        return GoogleBackend
    raise AttributeError(name)


__all__ = ["CalendarBackend", "OnResult", "MemoryBackend", "IcsBackend", "GoogleBackend"]
