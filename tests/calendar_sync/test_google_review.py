"""Fresh-eyes review probes of the Google sync (real googleapiclient over HTTP, loopback emulator)."""

from __future__ import annotations

import pytest

pytest.importorskip("google_access.retry")
pytest.importorskip("tests.emulator")

from calendar_sync.ledger import Ledger  # noqa: E402
from calendar_sync.model import Op, event_id  # noqa: E402
from calendar_sync.sync import sync_events  # noqa: E402
from google_access.errors import QuotaExceededError  # noqa: E402
from google_access.retry import RetryPolicy  # noqa: E402
from tests.emulator import GoogleEmulator  # noqa: E402

from .conftest import NS, assert_calendar_is_plan, ev  # noqa: E402
from .google_harness import GoogleHarness  # noqa: E402

KINDS = {"milestone"}


@pytest.fixture
def gh():
    with GoogleEmulator(latency=0.0, seed=11) as emu:
        yield GoogleHarness(emu)


def many(n, **kw):
    return [ev(f"P{i:03d}", **kw) for i in range(n)]


def test_mixed_batch_retries_only_the_failed_calls_with_backoff(gh):
    slept = []
    gh.backend.sleep = slept.append
    gh.backend.policy = RetryPolicy(max_retries=3, base=1.0, jitter=False)
    gh.emu.faults.fail_nth(3, "rateLimitExceeded", op="events.insert", inner=True)
    gh.emu.faults.fail_nth(7, 503, op="events.insert", inner=True)
    desired = many(10)
    with Ledger(":memory:") as led:
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.created == 10 and rep.errors == 0
        assert len(led.entries(NS)) == 10
    assert gh.emu.count(op="events.insert", inner=True) + gh.emu.count(op="events.insert", inner=False) == 12
    assert slept == [1.0]
    assert_calendar_is_plan(gh, desired, ["province"])


def test_a_call_that_keeps_failing_gives_up_after_the_policy_and_the_rest_are_recorded(gh):
    slept = []
    gh.backend.sleep = slept.append
    gh.backend.policy = RetryPolicy(max_retries=3, base=1.0, jitter=False)
    bad = event_id(NS, "m/P009/bid_submission")
    # the 10th insert (P009) fails, and so does every retry of it (sent alone: not inner)
    gh.emu.faults.add(503, op="events.insert", times=None, after=9)
    desired = many(10)
    with Ledger(":memory:") as led:
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.created == 9 and rep.errors == 1
        assert [r.error for r in rep.rows if not r.ok][0] and "503" in [r.error for r in rep.rows if not r.ok][0]
        assert (("province", bad) not in led.entries(NS)) and len(led.entries(NS)) == 9
    assert slept == [1.0, 2.0, 4.0]
    assert gh.emu.count(op="events.insert") == 10 + 3


def test_quota_mid_batch_records_only_successes_and_rerun_converges(gh):
    gh.emu.faults.fail_nth(2, "rateLimitExceeded", op="events.insert", inner=True)
    gh.emu.faults.fail_nth(10, "quotaExceeded", op="events.insert", inner=True)
    desired = many(30)
    with Ledger(":memory:") as led:
        with pytest.raises(QuotaExceededError) as ei:
            sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        assert "read-only" in str(ei.value) and "hours" in str(ei.value)
        on_cal = {e["id"] for e in gh.emu.events(gh.ids["province"])}
        assert set(eid for _, eid in led.entries(NS)) == on_cal and len(on_cal) == 28
        assert gh.emu.count(api="batch", inner=False) == 1
        gh.emu.reset_counts()
        plan, rep = sync_events(desired, gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.created == 2 and rep.errors == 0
    assert_calendar_is_plan(gh, desired, ["province"])
    assert len(gh.emu.events(gh.ids["province"], include_cancelled=True)) == 30


def test_409_on_a_cancelled_event_without_procal_mark_is_reported_not_restored(gh):
    eid = event_id(NS, "m/P1/bid_submission")
    gh.emu.insert_foreign_event(gh.ids["province"], {
        "id": eid, "summary": "somebody's deleted meeting", "start": {"date": "2026-01-01"},
        "end": {"date": "2026-01-02"}})
    gh.emu.delete_event(gh.ids["province"], eid)
    [res] = gh.backend.apply("province", [Op("create", eid, "province", ev("P1"), namespace=NS)])
    after = gh.emu.event(gh.ids["province"], eid)
    assert after["summary"] == "somebody's deleted meeting" and after["status"] == "cancelled"
    assert not res.ok and "did not create" in res.error


def test_409_on_another_namespaces_event_is_reported_not_patched(gh):
    eid = event_id(NS, "m/P1/bid_submission")
    gh.emu.insert_foreign_event(gh.ids["province"], {
        "id": eid, "summary": "other office", "start": {"date": "2026-01-01"},
        "end": {"date": "2026-01-02"},
        "extendedProperties": {"private": {"procal": "other-office", "procal_key": "m/P1/bid_submission",
                                           "procal_kind": "milestone"}}})
    with Ledger(":memory:") as led:
        plan, rep = sync_events([ev("P1")], gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.errors == 1 and rep.created == 0 and not led.entries(NS)
        assert "did not create" in rep.rows[0].error
    assert gh.emu.event(gh.ids["province"], eid)["summary"] == "other office"
    assert gh.emu.event(gh.ids["province"], eid)["extendedProperties"]["private"]["procal"] == "other-office"


def test_listing_pages_beyond_2500_and_includes_cancelled(gh):
    cid = gh.ids["province"]
    for i in range(2600):
        gh.emu.insert_foreign_event(cid, {
            "id": f"evt{i:05d}", "summary": f"e{i}", "start": {"date": "2026-01-01"},
            "end": {"date": "2026-01-02"},
            "extendedProperties": {"private": {"procal": NS, "procal_key": f"k{i}",
                                               "procal_kind": "milestone"}}})
    gh.emu.insert_foreign_event(cid, {
        "id": "other00001", "summary": "x", "start": {"date": "2026-01-01"},
        "end": {"date": "2026-01-02"},
        "extendedProperties": {"private": {"procal": "other", "procal_key": "k1",
                                           "procal_kind": "milestone"}}})
    gh.emu.delete_event(cid, "evt02599")
    gh.emu.reset_counts()
    got = gh.backend.list_tagged("province", NS)
    assert len(got) == 2600 and got["evt02599"].cancelled and "other00001" not in got
    assert gh.emu.count(op="events.list") == 2


def test_a_401_mid_run_refreshes_the_token_and_the_run_goes_on(google_env):
    from calendar_sync.backends.google import GoogleBackend
    from calendar_sync.settings import SyncSettings
    from google_access.retry import Pacer

    emu = google_env.emulator
    ids = {"province": "province@group.calendar.google.com"}
    emu.add_calendar(ids["province"])
    backend = GoogleBackend(google_env.clients(), SyncSettings(), ids, pacer=Pacer(None),
                            sleep=lambda s: None)
    desired = many(120)
    seen = []

    def progress(n):
        seen.append(n)
        if len(seen) == 10:
            emu.expire_access_tokens()  # every token so far now answers 401

    with Ledger(":memory:") as led:
        plan, rep = sync_events(desired, backend, led, namespace=NS, kinds=KINDS, progress=progress)
        assert rep.created == 120 and rep.errors == 0 and len(led.entries(NS)) == 120
    assert emu.count(op="token") >= 2  # the first login + a refresh after the 401
    assert len(emu.events(ids["province"], include_cancelled=True)) == 120


def test_insert_409_then_patch_404_ping_pong_is_bounded(gh):
    """Google does not promise consistency between the id check and reads: an insert can meet 409
    while get/patch answer 404. That must not loop (each lap costs three calls of quota)."""
    eid = event_id(NS, "m/P1/bid_submission")
    with Ledger(":memory:") as led:
        sync_events([ev("P1")], gh.backend, led, namespace=NS, kinds=KINDS)
    gh.emu.faults.add(404, op="events.get", times=40)
    gh.emu.faults.add(404, op="events.patch", times=40)
    gh.emu.reset_counts()
    [res] = gh.backend.apply("province", [Op("create", eid, "province", ev("P1", summary="x"),
                                             namespace=NS)])
    assert gh.emu.count(op="events.insert") <= gh.backend.policy.max_retries + 1
    assert not res.ok and res.error


def _strip_marks_and_cancel(gh, eid):
    cid = gh.ids["province"]
    props = gh.emu.event(cid, eid)["extendedProperties"]["private"]
    gh.emu.edit_event(cid, eid, extendedProperties={"private": {k: None for k in props}})
    gh.emu.delete_event(cid, eid)
    assert not (gh.emu.event(cid, eid).get("extendedProperties") or {}).get("private")


def test_cancelled_event_whose_marks_were_purged_is_restored_when_the_ledger_knows_it(gh):
    """If Google ever drops a cancelled event's private properties, the ledger (procal wrote this
    id on this calendar) is what proves it is ours; then the rerun restores it, once."""
    eid = event_id(NS, "m/P1/bid_submission")
    with Ledger(":memory:") as led:
        sync_events([ev("P1")], gh.backend, led, namespace=NS, kinds=KINDS)
        _strip_marks_and_cancel(gh, eid)
        plan, rep = sync_events([ev("P1")], gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.errors == 0 and rep.restored == 1
    assert gh.emu.event(gh.ids["province"], eid)["status"] == "confirmed"
    assert_calendar_is_plan(gh, [ev("P1")], ["province"])


def test_cancelled_unmarked_event_unknown_to_the_ledger_is_left_alone(gh):
    eid = event_id(NS, "m/P1/bid_submission")
    with Ledger(":memory:") as led:
        sync_events([ev("P1")], gh.backend, led, namespace=NS, kinds=KINDS)
    _strip_marks_and_cancel(gh, eid)
    with Ledger(":memory:") as fresh:
        plan, rep = sync_events([ev("P1")], gh.backend, fresh, namespace=NS, kinds=KINDS)
        assert rep.errors == 1 and not fresh.entries(NS)
    assert gh.emu.event(gh.ids["province"], eid)["status"] == "cancelled"


def _env_backend(google_env):
    from calendar_sync.backends.google import GoogleBackend
    from calendar_sync.settings import SyncSettings
    from google_access.retry import Pacer

    ids = {"province": "province@group.calendar.google.com"}
    google_env.emulator.add_calendar(ids["province"])
    return GoogleBackend(google_env.clients(), SyncSettings(), ids, pacer=Pacer(None),
                         sleep=lambda s: None)


def test_inner_and_single_call_401s_refresh_and_go_on(google_env):
    emu = google_env.emulator
    backend = _env_backend(google_env)
    desired = many(20)
    with Ledger(":memory:") as led:
        sync_events(desired, backend, led, namespace=NS, kinds=KINDS)
        emu.faults.add(401, op="events.patch", inner=True, times=3)
        tokens_before = emu.count(op="token")
        changed = [ev(f"P{i:03d}", summary=f"ใหม่ {i}") for i in range(20)]
        plan, rep = sync_events(changed, backend, led, namespace=NS, kinds=KINDS)
        assert rep.updated == 20 and rep.errors == 0
        assert emu.count(op="token") > tokens_before
        emu.faults.add(401, op="events.patch", inner=False, times=1)
        plan, rep = sync_events([ev("P000", summary="อีกครั้ง"), *changed[1:]], backend, led,
                                namespace=NS, kinds=KINDS)
        assert rep.updated == 1 and rep.errors == 0
    assert {e["summary"] for e in emu.events("province@group.calendar.google.com")} >= {"อีกครั้ง"}


def test_quota_in_a_mixed_run_over_two_calendars_then_rerun_converges(gh):
    first = many(40) + [ev(f"A{i:02d}", calendar="agency-a") for i in range(20)]
    with Ledger(":memory:") as led:
        sync_events(first, gh.backend, led, namespace=NS, kinds=KINDS)
        # next run: 10 updates, 5 deletes, 20 creates on province; 20 updates on agency-a
        second = ([ev(f"P{i:03d}", summary=f"เปลี่ยน {i}") for i in range(10)]
                  + many(35)[10:] + [ev(f"N{i:02d}") for i in range(20)]
                  + [ev(f"A{i:02d}", calendar="agency-a", summary="ใหม่") for i in range(20)])
        gh.emu.faults.fail_nth(3, 503, api="calendar", inner=True)
        gh.emu.faults.fail_nth(20, "quotaExceeded", api="calendar", inner=True)
        gh.emu.reset_counts()
        with pytest.raises(QuotaExceededError):
            sync_events(second, gh.backend, led, namespace=NS, kinds=KINDS)
        # agency-a is written first (20 patches: the 3rd fails 503, the 20th quotaExceeded)
        assert gh.emu.count(path="province", inner=True) == 0  # nothing after the stop
        assert len([e for e in gh.emu.events(gh.ids["agency-a"]) if e["summary"] == "ใหม่"]) == 18
        plan, rep = sync_events(second, gh.backend, led, namespace=NS, kinds=KINDS)
        assert rep.errors == 0
        assert len(led.entries(NS)) == 35 + 20 + 20
    assert_calendar_is_plan(gh, second, ["province", "agency-a"])
