"""Plan, then apply (the vdirsyncer way).

``plan_sync`` compares the desired events with what the calendars hold (events carrying procal's
mark, listed per calendar) and the local ledger, and decides per event: create / update / delete /
unchanged / held. Nothing is written while planning, so ``procal sync --dry-run`` is just the plan.
``apply_sync`` performs the plan through the backend and records each success in the ledger as it
happens, so a run killed at any point can be rerun to convergence without duplicates.

Only events whose ``kind`` (a private property) is in ``kinds`` are considered: the milestone sync
never deletes reminder events and vice versa.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from calendar_sync.backends import CalendarBackend
from calendar_sync.ledger import Ledger
from calendar_sync.model import (DesiredEvent, Op, OpResult, RemoteEvent, content_hash,
                                 desired_visible, event_id)
from calendar_sync.errors import MassDeleteError, SyncError  # noqa: F401

PlanAction = str  # "create" | "update" | "delete" | "unchanged" | "held"


@dataclass(frozen=True)
class PlanRow:
    action: PlanAction
    calendar: str
    event_id: str
    key: str
    kind: str
    project_id: str | None
    summary: str
    reason: str = ""


@dataclass
class SyncPlan:
    namespace: str
    kinds: frozenset[str]
    calendars: tuple[str, ...]
    ops: list[Op] = field(default_factory=list)
    rows: list[PlanRow] = field(default_factory=list)  # one per event considered, ops included
    hand_edited: list[PlanRow] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)  # ledger rows with no event left
    blocked: str | None = None  # why applying is refused (mass-delete / empty-source guard)
    live_count: int = 0  # procal events of these kinds currently on the calendars

    def counts(self) -> dict[str, int]:
        c = Counter(r.action for r in self.rows)
        return {a: c.get(a, 0) for a in ("create", "update", "delete", "unchanged", "held")}

    @property
    def writes(self) -> int:
        return len(self.ops)


@dataclass(frozen=True)
class ReportRow:
    action: str
    calendar: str
    key: str
    summary: str
    ok: bool
    error: str | None = None
    restored: bool = False


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    held: int = 0
    restored: int = 0
    hand_edited: int = 0
    errors: int = 0
    rows: list[ReportRow] = field(default_factory=list)
    aborted: str | None = None  # set when the run stopped early (e.g. quota exceeded)

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("created", "updated", "deleted", "unchanged",
                                              "held", "restored", "hand_edited", "errors")}

    def summary_line(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.as_dict().items())


def _row(action: str, cal: str, eid: str, ev: DesiredEvent | None, r: RemoteEvent | None,
         reason: str = "") -> PlanRow:
    if ev is not None:
        return PlanRow(action, cal, eid, ev.key, ev.kind, ev.project_id, ev.summary, reason)
    assert r is not None
    return PlanRow(action, cal, eid, r.key, r.kind, r.project_id, r.summary, reason)


def _canonical(backend: CalendarBackend) -> Callable[[str], str]:
    """Calendar key → the one key procal plans that calendar under. Two keys naming the same
    Google calendar id (``executives`` and ``"ผู้บริหาร"``) are one calendar: listed once, its
    events counted once, never deleted as "gone" from the other name (backends without
    ``canonical_calendar`` — ICS, memory — have one calendar per key)."""
    resolve = getattr(backend, "canonical_calendar", None)
    if resolve is None:
        return lambda c: c
    cache: dict[str, str] = {}

    def canon(c: str) -> str:
        got = cache.get(c)
        if got is None:
            got = cache[c] = resolve(c)
        return got

    return canon


def plan_sync(desired: Iterable[DesiredEvent], backend: CalendarBackend, ledger: Ledger, *,
              namespace: str, kinds: set[str] | frozenset[str],
              held_project_ids: Iterable[str] = (), suppress_deletes: bool = False,
              max_delete_share: float = 0.2, allow_mass_delete: bool = False,
              on_hand_edit: str = "restore", calendars: Iterable[str] = ()) -> SyncPlan:
    """Compute what must change. Reads the calendars (listing) and the ledger; writes nothing.

    ``held_project_ids``: projects whose rows could not be read this run — their events are left
    exactly as they are. ``suppress_deletes``: never delete (e.g. a partial source). ``calendars``:
    extra calendar keys to inspect (besides those of the desired events and the ledger).
    """
    kinds = frozenset(kinds)
    held = set(held_project_ids)
    canon = _canonical(backend)
    want: dict[tuple[str, str], DesiredEvent] = {}
    named: dict[tuple[str, str], str] = {}  # the calendar name each wanted event was routed to
    for ev in desired:
        if ev.kind not in kinds:
            raise ValueError(f"desired event {ev.key!r} has kind {ev.kind!r} outside {sorted(kinds)}")
        k = (canon(ev.calendar), event_id(namespace, ev.key))
        if k in want:
            if named[k] != ev.calendar and content_hash(want[k]) == content_hash(ev):
                continue  # the same event routed to two names of one calendar: it is one event
            raise ValueError(f"two desired events with key {ev.key!r} on calendar {ev.calendar!r}")
        named[k] = ev.calendar
        if ev.calendar != k[0]:
            ev = replace(ev, calendar=k[0])
        want[k] = ev
    known: dict[tuple[str, str], object] = {}
    alias_rows: list[tuple[str, str]] = []
    for (c, e), entry in ledger.entries(namespace, kinds).items():
        known[(canon(c), e)] = entry
        if canon(c) != c:  # recorded under another name of the same calendar: re-recorded
            alias_rows.append((c, e))
    cals = sorted({c for c, _ in want} | {c for c, _ in known} | {canon(c) for c in calendars})
    have: dict[tuple[str, str], RemoteEvent] = {}
    recorded = getattr(backend, "list_recorded", None)  # ICS: the ledger's record of the feed
    for cal in cals:
        listed = (recorded(cal, namespace, ledger) if recorded is not None
                  else backend.list_tagged(cal, namespace))
        for eid, r in listed.items():
            if r.kind in kinds:
                have[(cal, eid)] = r

    plan = SyncPlan(namespace=namespace, kinds=kinds, calendars=tuple(cals))
    plan.live_count = sum(1 for r in have.values() if not r.cancelled)

    def op(action, cal, eid, ev, r, reason):
        plan.ops.append(Op(action, eid, cal, ev, r, reason, namespace,
                           ledger_known=(cal, eid) in known))
        plan.rows.append(_row(action, cal, eid, ev, r, reason))

    for (cal, eid), ev in sorted(want.items(), key=lambda kv: (kv[0][0], kv[1].key)):
        r = have.get((cal, eid))
        if ev.project_id is not None and ev.project_id in held:
            plan.rows.append(_row("held", cal, eid, ev, r, "row unreadable this run"))
        elif r is None:
            op("create", cal, eid, ev, None, "new")
        elif r.cancelled:
            op("update", cal, eid, ev, r, "restore-deleted")
        elif r.stored_hash != content_hash(ev):
            op("update", cal, eid, ev, r, "changed")
        elif not r.trusted and r.visible() != desired_visible(ev):
            row = _row("update", cal, eid, ev, r, "hand-edited")
            plan.hand_edited.append(row)
            if on_hand_edit == "restore":
                op("update", cal, eid, ev, r, "hand-edited")
            else:
                plan.rows.append(_row("unchanged", cal, eid, ev, r, "hand-edited, kept"))
        else:
            plan.rows.append(_row("unchanged", cal, eid, ev, r))

    for (cal, eid), r in sorted(have.items(), key=lambda kv: (kv[0][0], kv[1].key)):
        if (cal, eid) in want or r.cancelled:
            continue
        if r.project_id is not None and r.project_id in held:
            plan.rows.append(_row("held", cal, eid, None, r, "row unreadable this run"))
        elif suppress_deletes:
            plan.rows.append(_row("held", cal, eid, None, r, "deletes suppressed"))
        else:
            op("delete", cal, eid, None, r, "gone-from-plan")

    for k in known:
        if k not in have and k not in want:
            plan.stale.append(k)
    plan.stale.extend(alias_rows)

    deletes = sum(1 for o in plan.ops if o.action == "delete")
    if deletes and not allow_mass_delete:
        if not want and not held:
            plan.blocked = (f"the source produced no events but {plan.live_count} procal events "
                            "exist; refusing to delete them all (use --allow-mass-delete if "
                            "this is intended)")
        elif deletes > max_delete_share * plan.live_count:
            plan.blocked = (f"{deletes} of {plan.live_count} procal events would be deleted "
                            f"(more than {max_delete_share:.0%}); refusing "
                            "(check the source, or use --allow-mass-delete)")
    return plan


def apply_sync(plan: SyncPlan, backend: CalendarBackend, ledger: Ledger, *,
               progress: Callable[[int], None] | None = None) -> SyncReport:
    """Perform the plan; record each success in the ledger the moment it succeeds.

    Raises ``SyncError`` before writing anything when the plan is blocked. A ``ProcalError`` from
    the backend (e.g. ``QuotaExceededError``) stops the run; everything done so far is recorded.
    """
    if plan.blocked:
        raise MassDeleteError(plan.blocked)
    report = SyncReport()
    counts = plan.counts()
    report.unchanged = counts["unchanged"]
    report.held = counts["held"]
    report.hand_edited = len(plan.hand_edited)
    run_id = ledger.start_run(getattr(backend, "name", type(backend).__name__))
    bind = getattr(backend, "bind_ledger", None)  # ICS: records each feed file it writes
    if bind is not None:
        bind(ledger)

    known = ledger.entries(plan.namespace, plan.kinds)
    for row in plan.rows:  # rebuild ledger rows for events that are fine but unknown locally
        if row.action == "unchanged" and (row.calendar, row.event_id) not in known:
            ledger.record_write(calendar=row.calendar, event_id=row.event_id,
                                namespace=plan.namespace, key=row.key, kind=row.kind,
                                project_id=row.project_id, hash="?", sequence=0)
    for cal, eid in plan.stale:
        ledger.record_delete(cal, eid)

    def on_result(res: OpResult) -> None:
        o = res.op
        if res.ok:
            if o.action == "delete":
                ledger.record_delete(o.calendar, o.event_id)
                report.deleted += 1
            else:
                ev = o.desired
                assert ev is not None
                ledger.record_write(calendar=o.calendar, event_id=o.event_id,
                                    namespace=plan.namespace, key=ev.key, kind=ev.kind,
                                    project_id=ev.project_id, hash=content_hash(ev),
                                    sequence=res.sequence)
                if o.action == "create":
                    report.created += 1
                else:
                    report.updated += 1
                if res.restored or o.reason == "restore-deleted":
                    report.restored += 1
        else:
            report.errors += 1
        summary = o.desired.summary if o.desired else (o.remote.summary if o.remote else "")
        report.rows.append(ReportRow(o.action, o.calendar, o.key, summary, res.ok, res.error,
                                     res.restored or o.reason == "restore-deleted"))
        if progress:
            progress(1)

    by_cal: dict[str, list[Op]] = defaultdict(list)
    for o in plan.ops:
        by_cal[o.calendar].append(o)
    try:
        for cal in sorted(by_cal):
            backend.apply(cal, by_cal[cal], on_result)
        settle = getattr(backend, "settle", None)  # ICS: re-record a feed read from the file
        if settle is not None:
            edited = {r.calendar for r in plan.hand_edited}
            for cal in plan.calendars:
                if cal not in by_cal and cal not in edited:
                    settle(cal, plan.namespace, ledger, plan.kinds)
    except Exception as exc:
        report.aborted = str(exc)
        ledger.finish_run(run_id, f"aborted: {exc}; {report.summary_line()}")
        raise
    ledger.finish_run(run_id, report.summary_line())
    return report


def sync_events(desired: Iterable[DesiredEvent], backend: CalendarBackend, ledger: Ledger, *,
                namespace: str, kinds: set[str] | frozenset[str], dry_run: bool = False,
                progress: Callable[[int], None] | None = None, **plan_kw
                ) -> tuple[SyncPlan, SyncReport | None]:
    """``plan_sync`` then (unless ``dry_run``) ``apply_sync``. Returns ``(plan, report or None)``."""
    plan = plan_sync(desired, backend, ledger, namespace=namespace, kinds=kinds, **plan_kw)
    if dry_run:
        return plan, None
    return plan, apply_sync(plan, backend, ledger, progress=progress)
