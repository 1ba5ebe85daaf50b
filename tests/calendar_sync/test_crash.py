"""Kill the sync process (SIGKILL) at random points, rerun; it converges with zero duplicates."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from calendar_sync.model import desired_visible, event_id

from .crash_driver import CALENDARS, NS, desired

ROOT = Path(__file__).resolve().parents[2]


def _run_child(kind: str, out: Path, version: int, *, kill_after: float | None, env=None,
               slow: float = 0.0) -> int | None:
    cmd = [sys.executable, "-m", "tests.calendar_sync.crash_driver", kind, str(out),
           str(version), str(slow)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env or os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after is None:
        out_, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
        return proc.returncode
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    out_, _ = proc.communicate(timeout=30)
    return None if b"done" in out_ else proc.returncode  # None: it finished before the kill


def assert_converged(backend, version: int) -> None:
    want = desired(version)
    for cal in CALENDARS:
        listed = backend.list_tagged(cal, NS)
        live = {eid: r for eid, r in listed.items() if not r.cancelled}
        expect = {event_id(NS, e.key): e for e in want if e.calendar == cal}
        assert set(live) == set(expect), cal
        for eid, e in expect.items():
            assert live[eid].visible() == desired_visible(e)
        keys = [r.key for r in live.values()]
        assert len(keys) == len(set(keys))


def crash_loop(kind: str, tmp_path: Path, *, kills: int, seed: int, env=None,
               max_delay: float, slow: float, writes_seen=None) -> tuple[int, int, int]:
    """``kills`` runs, each SIGKILLed after a seeded random delay counted from the moment the
    child is ready to sync; then one run to completion. Returns (final version, runs killed
    before finishing, killed runs that had already written something)."""
    rng = random.Random(seed)
    killed = killed_mid_write = 0
    for _ in range(kills):
        version = rng.randrange(4)
        before = writes_seen() if writes_seen else 0
        rc = _run_child(kind, tmp_path, version, kill_after=rng.uniform(0.0, max_delay),
                        env=env, slow=slow)
        if rc == -signal.SIGKILL:
            killed += 1
            killed_mid_write += bool(writes_seen and writes_seen() > before)
    final = rng.randrange(4)
    _run_child(kind, tmp_path, final, kill_after=None, env=env)
    return final, killed, killed_mid_write


def _ics_duplicates(feeds: Path) -> int:
    import icalendar

    dups = 0
    for f in feeds.glob("*.ics"):
        uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(f.read_bytes()).walk("VEVENT")]
        dups += len(uids) - len(set(uids))
    return dups


def test_ics_sync_survives_sigkill(tmp_path):
    from calendar_sync.backends import IcsBackend

    final, killed, _ = crash_loop("ics", tmp_path, kills=20, seed=20261125, max_delay=0.4,
                                  slow=0.004)
    assert killed >= 10  # most runs were really killed mid-way (not finished before the kill)
    assert_converged(IcsBackend(tmp_path / "feeds"), final)
    assert _ics_duplicates(tmp_path / "feeds") == 0
    assert not list((tmp_path / "feeds").glob(".tmp-*"))  # no half-written feed left behind


def test_google_sync_survives_sigkill(tmp_path):
    """The child talks to an in-test emulator thread over PROCAL_GOOGLE_API_ROOT; each HTTP
    request takes 5 ms, so kills land between batches, inside batches and between the calendar
    write and the ledger commit."""
    pytest.importorskip("google_access.retry")
    emulator = pytest.importorskip("tests.emulator")
    from .google_harness import make_backend

    with emulator.GoogleEmulator(latency=0.005, seed=3) as emu:
        ids = {c: f"{c}@group.calendar.google.com" for c in CALENDARS}
        for cid in ids.values():
            emu.add_calendar(cid)
        env = os.environ.copy()
        env["PROCAL_GOOGLE_API_ROOT"] = emu.root_url
        env["NO_PROXY"] = "127.0.0.1,localhost"
        def writes_seen():
            return sum(1 for r in list(emu.requests)
                       if r.method in ("POST", "PATCH", "DELETE") and r.api == "calendar")

        final, killed, mid = crash_loop("google", tmp_path, kills=20, seed=5, env=env,
                                        max_delay=0.5, slow=0.004, writes_seen=writes_seen)
        assert killed >= 10 and mid >= 5  # most kills hit a run that was writing
        backend = make_backend(emu.root_url, ids)
        assert_converged(backend, final)
        for cid in ids.values():  # zero duplicates, cancelled ones included
            keys = [e["extendedProperties"]["private"]["procal_key"]
                    for e in emu.events(cid, include_cancelled=True)]
            assert len(keys) == len(set(keys))
