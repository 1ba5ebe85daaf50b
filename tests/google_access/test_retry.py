"""google_access.retry: classification, bounded backoff, Retry-After, no retry on quota/4xx, pacing.
Errors come from the real clients talking to the emulator; sleeps and clocks are injected."""

from __future__ import annotations

import random
import threading

import gspread
import pytest
from hypothesis import given, settings, strategies as st

from google_access.errors import (ConflictError, GoneError, NotFoundError, PermissionDeniedError,
                                  QuotaExceededError, RateLimitError)
from google_access.retry import Pacer, RetryPolicy, call, classify, retry_delay_for

CAL = "primary"


def body(eid):
    return {"id": eid, "summary": "s", "start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def capture(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return exc
    raise AssertionError("no error")


@pytest.mark.parametrize("fault, kind", [
    (503, "retry"), (500, "retry"), (429, "retry"), ("rateLimitExceeded", "retry"),
    ("userRateLimitExceeded", "retry"), ("quotaExceeded", "quota"), ("forbidden", "fatal"),
    (404, "fatal"), (400, "fatal"), (409, "fatal"),
])
def test_classify_real_calendar_errors(google_clients, google_emulator, fault, kind):
    google_emulator.faults.add(fault, op="events.list")
    exc = capture(lambda: google_clients.calendar.events().list(calendarId=CAL).execute())
    assert classify(exc) == kind


@pytest.mark.parametrize("fault, kind", [(429, "retry"), (503, "retry"), ("forbidden", "fatal"),
                                         (404, "fatal")])
def test_classify_real_gspread_errors(google_clients, google_emulator, fault, kind):
    google_emulator.seed_spreadsheet("s1", {"T": [["a"]]})
    sh = google_clients.gspread.open_by_key("s1")
    google_emulator.faults.add(fault, api="sheets")
    exc = capture(lambda: sh.values_get("T!A1"))
    assert isinstance(exc, gspread.exceptions.APIError) and classify(exc) == kind


def test_connection_errors_are_retryable(google_clients, google_emulator):
    google_emulator.faults.add("drop", op="events.list", times=None)
    exc = capture(lambda: google_clients.calendar.events().list(calendarId=CAL).execute())
    assert classify(exc) == "retry"
    assert classify(ValueError("x")) == "fatal"


def test_call_retries_then_succeeds_with_growing_bounded_delays(google_clients, google_emulator):
    google_emulator.faults.fail_next(4, 503, op="events.insert")
    sleeps = Sleeps()
    policy = RetryPolicy(max_retries=6, base=1.0, max_backoff=5.0)
    ev = call(lambda: google_clients.calendar.events().insert(calendarId=CAL, body=body("c0000001")).execute(),
              pacer=None, policy=policy, what="insert", sleep=sleeps, rng=random.Random(1))
    assert ev["id"] == "c0000001" and len(sleeps) == 4
    for attempt, delay in enumerate(sleeps):
        cap = min(5.0, 2 ** attempt)
        assert cap / 2 <= delay <= cap
    assert google_emulator.count(op="events.insert") == 5


def test_call_gives_up_after_max_retries(google_clients, google_emulator):
    google_emulator.faults.add(429, op="events.list", times=None)
    sleeps = Sleeps()
    with pytest.raises(RateLimitError) as info:
        call(lambda: google_clients.calendar.events().list(calendarId=CAL).execute(), pacer=None,
             policy=RetryPolicy(max_retries=3), what="list events", sleep=sleeps)
    assert len(sleeps) == 3 and google_emulator.count(op="events.list") == 4
    assert info.value.status == 429 and "list events" in str(info.value)


def test_gspread_429_is_bounded_too(google_clients, google_emulator):
    google_emulator.seed_spreadsheet("s1", {"T": [["a"]]})
    sh = google_clients.gspread.open_by_key("s1")
    google_emulator.faults.add(429, api="sheets", times=None)
    with pytest.raises(RateLimitError):
        call(lambda: sh.values_get("T!A1"), pacer=None, policy=RetryPolicy(max_retries=2),
             what="read", sleep=Sleeps())
    assert google_emulator.count(op="values.get") == 3


@pytest.mark.parametrize("fault, error, status", [
    ("quotaExceeded", QuotaExceededError, 403), ("forbidden", PermissionDeniedError, 403),
    (404, NotFoundError, 404), (409, ConflictError, 409), (410, GoneError, 410),
])
def test_no_retry_on_quota_or_other_4xx(google_clients, google_emulator, fault, error, status):
    google_emulator.faults.add(fault, op="events.list", times=None)
    sleeps = Sleeps()
    with pytest.raises(error) as info:
        call(lambda: google_clients.calendar.events().list(calendarId=CAL).execute(), pacer=None,
             policy=RetryPolicy(), what="list", sleep=sleeps)
    assert sleeps == [] and google_emulator.count(op="events.list") == 1
    assert info.value.status == status


def test_quota_message_says_read_only_for_hours(google_clients, google_emulator):
    google_emulator.faults.add("quotaExceeded", op="events.insert")
    with pytest.raises(QuotaExceededError) as info:
        google_clients.call(lambda: google_clients.calendar.events().insert(
            calendarId=CAL, body=body("q0000001")).execute(), what="create event")
    assert "read-only" in str(info.value) and "hours" in str(info.value)


def test_retry_after_is_honoured(google_clients, google_emulator):
    google_emulator.faults.add(503, op="events.list", retry_after=3)
    sleeps = Sleeps()
    call(lambda: google_clients.calendar.events().list(calendarId=CAL).execute(), pacer=None,
         policy=RetryPolicy(max_backoff=64), what="list", sleep=sleeps)
    assert sleeps == [3.0]
    google_emulator.faults.add(429, op="events.list", retry_after=600)
    exc = capture(lambda: google_clients.calendar.events().list(calendarId=CAL).execute())
    assert retry_delay_for(exc, 0, RetryPolicy(max_backoff=30)) == 30  # bounded


def test_failed_batch_inner_calls_are_classified(google_clients, google_emulator):
    google_emulator.faults.fail_nth(2, "rateLimitExceeded", inner=True)
    google_emulator.faults.fail_nth(3, "quotaExceeded", inner=True)
    kinds = {}
    batch = google_clients.new_batch(lambda rid, resp, exc: kinds.__setitem__(rid, exc and classify(exc)))
    for i in range(1, 5):
        batch.add(google_clients.calendar.events().insert(calendarId=CAL, body=body(f"b000000{i}")),
                  request_id=str(i))
    google_clients.call(batch.execute, what="batch", cost=4)
    assert kinds == {"1": None, "2": "retry", "3": "quota", "4": None}


@settings(max_examples=60, deadline=None)
@given(attempt=st.integers(0, 40), base=st.floats(0.01, 5), cap=st.floats(0.1, 120), seed=st.integers(0, 999))
def test_backoff_is_bounded_and_jittered(attempt, base, cap, seed):
    policy = RetryPolicy(max_retries=10, base=base, max_backoff=cap)
    delay = policy.backoff(attempt, random.Random(seed))
    top = min(cap, base * 2 ** attempt)
    assert top / 2 <= delay <= top <= cap
    assert RetryPolicy(base=base, max_backoff=cap, jitter=False).backoff(attempt) == top


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def test_pacer_holds_the_rate_after_the_burst():
    clock = FakeClock()
    pacer = Pacer(60, burst=5, clock=clock, sleep=clock.sleep)
    waits = [pacer.acquire() for _ in range(65)]
    assert waits[:5] == [0.0] * 5 and all(w > 0 for w in waits[5:])
    assert clock.now == pytest.approx(60.0, abs=1e-6)  # 65 requests = burst of 5 + 60 in 60 s
    assert Pacer(None).acquire(100) == 0.0


def test_pacer_window_never_exceeds_googles_per_minute_limit():
    clock = FakeClock()
    pacer = Pacer(500, clock=clock, sleep=clock.sleep)  # default burst: 50
    stamps = []
    for _ in range(2000):
        pacer.acquire()
        stamps.append(clock.now)
    worst = max(sum(1 for t in stamps if s <= t < s + 60) for s in stamps)
    assert worst <= 600


def test_pacer_is_thread_safe():
    clock = FakeClock()
    pacer = Pacer(600, burst=10, clock=clock, sleep=clock.sleep)
    threads = [threading.Thread(target=lambda: [pacer.acquire() for _ in range(25)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 100 requests at 10/s after a burst of 10 need at least 9 s of (fake) waiting
    assert clock.now >= 9.0 - 1e-6


def test_dropped_connections_are_retried_by_call(google_clients, google_emulator):
    google_emulator.faults.add("drop", op="events.list", times=3)
    sleeps = Sleeps()
    resp = call(lambda: google_clients.calendar.events().list(calendarId=CAL).execute(), pacer=None,
                policy=RetryPolicy(max_retries=5), what="list", sleep=sleeps)
    assert resp["items"] == [] and google_emulator.faults.rules[0].fired == 3
    assert google_emulator.count(op="events.list", status=0) == 3 and len(sleeps) >= 1
