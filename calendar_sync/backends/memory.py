"""An in-memory calendar that behaves like Google Calendar where it matters for sync.

Deleted events stay as ``cancelled``; inserting an existing id (cancelled or not) is a conflict the
backend resolves by patching (as the Google backend does after a 409); faults can be injected.
Used by the contract suite, the state machine and dry reasoning.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from calendar_sync.backends import OnResult
from calendar_sync.errors import SyncError
from calendar_sync.model import (PROP_HASH, PROP_KEY, PROP_KIND, PROP_MARK, PROP_PROJECT, Op,
                                 OpResult, RemoteEvent)


class TransientFault(SyncError):
    """An injected failure (like a 503 that outlived its retries); part of procal's error tree."""


@dataclass
class MemoryBackend:
    name: str = "memory"
    calendars: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    faults: list[int] = field(default_factory=list)  # op ordinals (0-based, this backend) to fail
    requests: int = 0  # one per list and per write, like a naive HTTP client
    _ops_seen: int = 0

    # --- the CalendarBackend interface -----------------------------------------------------------
    def list_tagged(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        self.requests += 1
        out = {}
        for eid, body in self.calendars.get(calendar, {}).items():
            props = body.get("private", {})
            if props.get(PROP_MARK) != namespace:
                continue
            out[eid] = RemoteEvent(
                event_id=eid, calendar=calendar, key=props.get(PROP_KEY, ""),
                kind=props.get(PROP_KIND, ""), project_id=props.get(PROP_PROJECT),
                stored_hash=props.get(PROP_HASH, ""), cancelled=body["status"] == "cancelled",
                summary=body.get("summary", ""), description=body.get("description", ""),
                start=body.get("start", ""), end=body.get("end", ""),
                sequence=body.get("sequence", 0))
        return out

    def apply(self, calendar: str, ops: list[Op], on_result: OnResult | None = None
              ) -> list[OpResult]:
        results = []
        cal = self.calendars.setdefault(calendar, {})
        for op in ops:
            self.requests += 1
            ordinal = self._ops_seen
            self._ops_seen += 1
            try:
                if ordinal in self.faults:
                    raise TransientFault(f"injected fault on op {ordinal}")
                res = self._do(cal, op)
            except TransientFault as exc:
                res = OpResult(op, ok=False, error=str(exc))
            results.append(res)
            if on_result:
                on_result(res)
        return results

    # --- internals -------------------------------------------------------------------------------
    def _do(self, cal: dict[str, dict[str, Any]], op: Op) -> OpResult:
        existing = cal.get(op.event_id)
        if op.action == "delete":
            if existing is not None and existing["status"] != "cancelled":
                existing["status"] = "cancelled"
            return OpResult(op, ok=True)
        assert op.desired is not None
        ev = op.desired
        restored = existing is not None and (op.action == "create"
                                             or existing["status"] == "cancelled")
        start, end = ev.span()
        seq = (existing or {}).get("sequence", -1) + 1
        cal[op.event_id] = {
            "id": op.event_id, "status": "confirmed", "summary": ev.summary,
            "description": ev.description, "start": start, "end": end,
            "color": ev.color_name, "reminders": [(r.minutes, r.method) for r in ev.reminders],
            "attendees": list(ev.attendees), "private": ev.private_props(op.namespace),
            "sequence": seq,
        }
        return OpResult(op, ok=True, restored=restored, sequence=seq)

    # --- helpers for tests: what people and other tools do to a shared calendar ------------------
    def add_foreign(self, calendar: str, event_id: str, summary: str = "someone else's") -> None:
        self.calendars.setdefault(calendar, {})[event_id] = {
            "id": event_id, "status": "confirmed", "summary": summary, "description": "",
            "start": "2026-01-01", "end": "2026-01-02", "private": {"other": "tool"}}

    def hand_edit(self, calendar: str, event_id: str, summary: str) -> None:
        self.calendars[calendar][event_id]["summary"] = summary

    def hand_delete(self, calendar: str, event_id: str) -> None:
        self.calendars[calendar][event_id]["status"] = "cancelled"

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        return copy.deepcopy(self.calendars)
