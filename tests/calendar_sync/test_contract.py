"""The backend contract: the same tests against the memory fake, ICS files and Google (emulator)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from calendar_sync.errors import MassDeleteError
from calendar_sync.ledger import Ledger
from calendar_sync.model import event_id
from calendar_sync.sync import plan_sync, sync_events

from .conftest import NS, assert_calendar_is_plan, ev

KINDS = {"milestone"}


def run(h, desired, ledger, **kw):
    kw.setdefault("max_delete_share", 1.0)
    return sync_events(desired, h.backend, ledger, namespace=NS, kinds=kw.pop("kinds", KINDS),
                       **kw)


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "state.sqlite") as led:
        yield led


def test_first_sync_creates_then_rerun_writes_nothing(harness, ledger):
    desired = [ev(f"P{i}", s) for i in range(4) for s in ("invitation", "bid_submission")]
    plan, rep = run(harness, desired, ledger)
    assert (rep.created, rep.errors) == (8, 0)
    assert_calendar_is_plan(harness, desired, ["province"])
    plan2, rep2 = run(harness, desired, ledger)
    assert plan2.ops == [] and rep2.unchanged == 8 and rep2.created == 0
    assert_calendar_is_plan(harness, desired, ["province"])


def test_dry_run_writes_nothing(harness, ledger):
    plan, rep = run(harness, [ev("P1")], ledger, dry_run=True)
    assert rep is None and plan.counts()["create"] == 1
    assert harness.tagged("province") == {}


def test_change_updates_in_place_same_id(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    moved = [ev("P1", day=date(2026, 12, 9)), ev("P2", summary="ชื่อใหม่")]
    plan, rep = run(harness, moved, ledger)
    assert rep.updated == 2 and rep.created == 0
    assert_calendar_is_plan(harness, moved, ["province"])
    live = harness.tagged("province")
    assert live[event_id(NS, "m/P1/bid_submission")].start == "2026-12-09"
    assert live[event_id(NS, "m/P1/bid_submission")].end == "2026-12-10"  # exclusive end


def test_colour_or_reminder_change_is_an_update(harness, ledger):
    run(harness, [ev("P1")], ledger)
    plan, rep = run(harness, [ev("P1", color="late")], ledger)
    assert rep.updated == 1
    assert run(harness, [ev("P1", color="late")], ledger)[0].ops == []


def test_removed_row_is_deleted(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    plan, rep = run(harness, [ev("P1")], ledger)
    assert rep.deleted == 1
    assert_calendar_is_plan(harness, [ev("P1")], ["province"])


def test_foreign_events_are_never_touched(harness, ledger):
    harness.add_foreign("province", "foreign0001", "ประชุมผู้บริหาร")
    run(harness, [ev("P1"), ev("P2")], ledger)
    run(harness, [ev("P1", summary="x")], ledger)
    run(harness, [ev("P3")], ledger, allow_mass_delete=True)
    foreign = harness.foreign("province")
    assert list(foreign.values()) == ["ประชุมผู้บริหาร"]


def test_held_projects_keep_their_events(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    plan, rep = run(harness, [ev("P1")], ledger, held_project_ids={"P2"})
    assert rep.deleted == 0 and rep.held == 1
    assert set(harness.tagged("province")) == {event_id(NS, "m/P1/bid_submission"),
                                              event_id(NS, "m/P2/bid_submission")}


def test_suppress_deletes_keeps_everything(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    plan, rep = run(harness, [ev("P1")], ledger, suppress_deletes=True)
    assert rep.deleted == 0 and len(harness.tagged("province")) == 2


def test_hand_edit_is_detected_and_restored(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    eid = event_id(NS, "m/P1/bid_submission")
    harness.hand_edit("province", eid, "แก้ด้วยมือ")
    plan = plan_sync([ev("P1"), ev("P2")], harness.backend, ledger, namespace=NS, kinds=KINDS)
    assert [r.key for r in plan.hand_edited] == ["m/P1/bid_submission"]
    plan, rep = run(harness, [ev("P1"), ev("P2")], ledger)
    assert rep.hand_edited == 1 and rep.updated == 1
    assert_calendar_is_plan(harness, [ev("P1"), ev("P2")], ["province"])


def test_hand_edit_can_be_kept(harness, ledger):
    run(harness, [ev("P1")], ledger)
    eid = event_id(NS, "m/P1/bid_submission")
    harness.hand_edit("province", eid, "แก้ด้วยมือ")
    plan, rep = run(harness, [ev("P1")], ledger, on_hand_edit="keep")
    assert rep.hand_edited == 1 and rep.updated == 0
    assert harness.tagged("province")[eid].summary == "แก้ด้วยมือ"


def test_hand_deleted_event_comes_back_once(harness, ledger):
    desired = [ev("P1"), ev("P2")]
    run(harness, desired, ledger)
    harness.hand_delete("province", event_id(NS, "m/P1/bid_submission"))
    plan, rep = run(harness, desired, ledger)
    assert rep.errors == 0 and (rep.created + rep.updated) == 1
    assert_calendar_is_plan(harness, desired, ["province"])


def test_deleted_then_readded_row_is_restored_not_duplicated(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    run(harness, [ev("P1")], ledger)
    plan, rep = run(harness, [ev("P1"), ev("P2")], ledger)
    assert rep.errors == 0
    assert_calendar_is_plan(harness, [ev("P1"), ev("P2")], ["province"])


def test_empty_source_is_refused_before_writing(harness, ledger):
    run(harness, [ev("P1"), ev("P2")], ledger)
    with pytest.raises(MassDeleteError):
        run(harness, [], ledger)
    assert len(harness.tagged("province")) == 2
    plan, rep = run(harness, [], ledger, allow_mass_delete=True, calendars=["province"])
    assert rep.deleted == 2 and harness.tagged("province") == {}


def test_mass_delete_share_guard(harness, ledger):
    desired = [ev(f"P{i}") for i in range(10)]
    run(harness, desired, ledger)
    plan = plan_sync(desired[:7], harness.backend, ledger, namespace=NS, kinds=KINDS,
                     max_delete_share=0.2)
    assert plan.blocked and "3 of 10" in plan.blocked
    with pytest.raises(MassDeleteError):
        run(harness, desired[:7], ledger, max_delete_share=0.2)
    assert len(harness.tagged("province")) == 10
    plan = plan_sync(desired[:8], harness.backend, ledger, namespace=NS, kinds=KINDS,
                     max_delete_share=0.2)
    assert plan.blocked is None  # 2 of 10 is within 20 %


def test_other_kinds_are_invisible_to_the_sync(harness, ledger):
    milestones = [ev("P1"), ev("P2")]
    reminders = [ev("A1", "q1", kind="reminder", calendar="province")]
    run(harness, milestones, ledger)
    run(harness, reminders, ledger, kinds={"reminder"})
    plan, rep = run(harness, [], ledger, kinds={"reminder"}, allow_mass_delete=True)
    assert rep.deleted == 1
    assert_calendar_is_plan(harness, milestones, ["province"])


def test_routing_change_moves_the_event(harness, ledger):
    run(harness, [ev("P1")], ledger)
    moved = [ev("P1", calendar="agency-a")]
    plan, rep = run(harness, moved, ledger)
    assert (rep.created, rep.deleted) == (1, 1)
    assert_calendar_is_plan(harness, moved, ["province", "agency-a"])


def test_lost_ledger_rebuilds_without_duplicates(harness, ledger, tmp_path):
    desired = [ev(f"P{i}") for i in range(3)]
    run(harness, desired, ledger)
    with Ledger(tmp_path / "fresh.sqlite") as fresh:
        plan, rep = run(harness, desired, fresh)
        assert plan.ops == [] and rep.unchanged == 3
        assert len(fresh.entries(NS)) == 3


def test_writes_lost_from_ledger_converge(harness, ledger):
    """Killed after the calendar write but before the ledger commit: rerun converges."""
    desired = [ev(f"P{i}", s) for i in range(3) for s in ("invitation", "appeal")]
    plan = plan_sync(desired, harness.backend, ledger, namespace=NS, kinds=KINDS)
    harness.backend.apply("province", plan.ops[:4])  # no ledger callback: as if killed
    plan2, rep = run(harness, desired, ledger)
    assert rep.errors == 0 and rep.created == 2
    assert_calendar_is_plan(harness, desired, ["province"])


def test_timed_events_round_trip(harness, ledger):
    desired = [ev("A1", "meeting", kind="reminder", timed=True)]
    run(harness, desired, ledger, kinds={"reminder"})
    plan, rep = run(harness, desired, ledger, kinds={"reminder"})
    assert plan.ops == []
    assert_calendar_is_plan(harness, desired, ["province"], kinds=("reminder",))


def test_two_namespaces_share_a_calendar(harness, tmp_path):
    with Ledger(tmp_path / "a.sqlite") as la, Ledger(tmp_path / "b.sqlite") as lb:
        sync_events([ev("P1")], harness.backend, la, namespace="procal", kinds=KINDS)
        sync_events([ev("P1")], harness.backend, lb, namespace="other-province", kinds=KINDS)
        sync_events([], harness.backend, lb, namespace="other-province", kinds=KINDS,
                    allow_mass_delete=True, calendars=["province"])
        assert len(harness.tagged("province", "procal")) == 1
        assert harness.tagged("province", "other-province") == {}


def test_ledger_records_each_write(harness, ledger):
    desired = [ev("P1"), ev("P2", calendar="executives")]
    run(harness, desired, ledger)
    entries = ledger.entries(NS, KINDS)
    assert set(entries) == {("province", event_id(NS, "m/P1/bid_submission")),
                            ("executives", event_id(NS, "m/P2/bid_submission"))}
    run(harness, [ev("P1")], ledger)
    assert set(ledger.entries(NS, KINDS)) == {("province", event_id(NS, "m/P1/bid_submission"))}


def test_desired_event_validation():
    with pytest.raises(ValueError):
        dataclasses.replace(ev("P1"), start=None, all_day=None)
    from calendar_sync.backends import MemoryBackend

    with pytest.raises(ValueError):  # duplicate key on one calendar
        plan_sync([ev("P1"), ev("P1")], MemoryBackend(), Ledger(":memory:"), namespace=NS,
                  kinds=KINDS)
    with pytest.raises(ValueError):  # kind outside the sync's kinds
        plan_sync([ev("P1", kind="reminder")], MemoryBackend(), Ledger(":memory:"),
                  namespace=NS, kinds=KINDS)
