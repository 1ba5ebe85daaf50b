"""Google-specific behaviour over real HTTP against the loopback emulator: batching, pacing,
per-call retries, 409 handling, quota stop."""

from __future__ import annotations

import pytest

pytest.importorskip("google_access.retry")
pytest.importorskip("tests.emulator")

from calendar_sync.ledger import Ledger  # noqa: E402
from calendar_sync.model import Op, event_id  # noqa: E402
from calendar_sync.sync import plan_sync, sync_events  # noqa: E402
from google_access.errors import QuotaExceededError  # noqa: E402
from tests.emulator import GoogleEmulator  # noqa: E402

from .conftest import NS, assert_calendar_is_plan, ev  # noqa: E402
from .google_harness import GoogleHarness  # noqa: E402

KINDS = {"milestone"}


@pytest.fixture
def gh():
    with GoogleEmulator(latency=0.0, seed=7) as emu:
        yield GoogleHarness(emu)


def many(n, **kw):
    return [ev(f"P{i:03d}", **kw) for i in range(n)]


def test_writes_go_in_batches_of_50(gh):
    desired = many(120)
    gh.emu.reset_counts()
    with Ledger(":memory:") as led:
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
    assert rep.created == 120
    assert gh.emu.count(api="batch", inner=False) == 3  # 50 + 50 + 20
    assert gh.emu.count(op="events.insert", inner=True) == 120
    assert gh.emu.count(op="events.list") == 1  # one page (maxResults=2500)


def test_no_change_rerun_lists_once_and_writes_nothing(gh):
    desired = many(60)
    with Ledger(":memory:") as led:
        sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        gh.emu.reset_counts()
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
    assert rep.unchanged == 60
    assert len(gh.emu.requests) == 1 and gh.emu.count(op="events.list") == 1


def test_pacer_is_charged_per_inner_call(gh):
    charged = []

    class RecordingPacer:
        def acquire(self, n=1):
            charged.append(n)
            return 0.0

    gh.backend.pacer = RecordingPacer()
    with Ledger(":memory:") as led:
        sync_events(many(70), gh.backend, led, namespace=NS, kinds=KINDS)
    assert sum(charged) == 1 + 70  # one list + every inner call
    assert max(charged) == 50


@pytest.mark.parametrize("fault", [429, "rateLimitExceeded", "userRateLimitExceeded", 503, 500])
def test_inner_call_faults_are_retried(gh, fault):
    gh.emu.faults.add(fault, op="events.insert", inner=True, times=7)
    desired = many(30)
    with Ledger(":memory:") as led:
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
    assert rep.errors == 0 and rep.created == 30
    assert gh.emu.count(op="events.insert", inner=True) == 30 + 7
    assert_calendar_is_plan(gh, desired, ["province"])


def test_outer_batch_failures_and_dropped_connections_are_retried(gh):
    gh.emu.faults.add(503, api="batch", inner=False, times=2)
    gh.emu.faults.add("drop", op="events.insert", inner=True, times=1, after=10)
    desired = many(60)
    with Ledger(":memory:") as led:
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
    assert rep.errors == 0
    assert_calendar_is_plan(gh, desired, ["province"])


def test_quota_exceeded_stops_at_once_and_a_later_run_finishes(gh):
    gh.emu.faults.add("quotaExceeded", op="events.insert", inner=True, times=1, after=60)
    desired = many(120)
    with Ledger(":memory:") as led:
        with pytest.raises(QuotaExceededError, match="read-only"):
            sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        assert gh.emu.count(api="batch", inner=False) == 2  # nothing after the failing batch
        done_before = len(led.entries(NS))
        assert 50 <= done_before < 120
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.created == 120 - done_before and rep.errors == 0
    assert_calendar_is_plan(gh, desired, ["province"])


def test_insert_meeting_409_patches_our_event_and_restores_a_cancelled_one(gh):
    with Ledger(":memory:") as led:
        sync_events([ev("P1"), ev("P2")], gh.backend, led, namespace=NS, kinds=KINDS)
    eid1, eid2 = event_id(NS, "m/P1/bid_submission"), event_id(NS, "m/P2/bid_submission")
    gh.emu.delete_event(gh.ids["province"], eid2)
    # as if the listing lagged: the planner thinks both are new
    ops = [Op("create", eid1, "province", ev("P1", summary="ใหม่"), namespace=NS),
           Op("create", eid2, "province", ev("P2"), namespace=NS)]
    results = gh.backend.apply("province", ops)
    assert [r.ok for r in results] == [True, True] and all(r.restored for r in results)
    assert gh.emu.event(gh.ids["province"], eid1)["summary"] == "ใหม่"
    assert gh.emu.event(gh.ids["province"], eid2)["status"] == "confirmed"
    assert len(gh.emu.events(gh.ids["province"], include_cancelled=True)) == 2


def test_insert_meeting_409_on_someone_elses_event_leaves_it_alone(gh):
    eid = event_id(NS, "m/P1/bid_submission")
    gh.emu.insert_foreign_event(gh.ids["province"], {
        "id": eid, "summary": "not procal's", "start": {"date": "2026-01-01"},
        "end": {"date": "2026-01-02"}})
    [res] = gh.backend.apply("province", [Op("create", eid, "province", ev("P1"), namespace=NS)])
    assert not res.ok and "did not create" in res.error
    assert gh.emu.event(gh.ids["province"], eid)["summary"] == "not procal's"


def test_all_day_event_wire_format(gh):
    with Ledger(":memory:") as led:
        sync_events([ev("P1")], gh.backend, led, namespace=NS, kinds=KINDS)
    [e] = gh.emu.events(gh.ids["province"])
    assert e["start"] == {"date": "2026-12-01"} and e["end"] == {"date": "2026-12-02"}
    assert e["reminders"]["useDefault"] is False and len(e["reminders"]["overrides"]) == 2
    assert e["colorId"] == "9"  # on_time -> blueberry
    props = e["extendedProperties"]["private"]
    assert props["procal"] == NS and props["procal_key"] == "m/P1/bid_submission"
    assert props["procal_kind"] == "milestone" and len(props["procal_hash"]) == 32


def test_unknown_calendar_key_is_a_clear_error(gh):
    from calendar_sync.errors import SyncError

    with Ledger(":memory:") as led, pytest.raises(SyncError, match="google_calendars"):
        plan_sync([ev("P1", calendar="nowhere")], gh.backend, led, namespace=NS, kinds=KINDS)
