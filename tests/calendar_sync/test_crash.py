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
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return proc.returncode


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
               max_delay: float, slow: float) -> int:
    rng = random.Random(seed)
    killed = 0
    for i in range(kills):
        version = rng.randrange(4)
        rc = _run_child(kind, tmp_path, version, kill_after=rng.uniform(0.05, max_delay),
                        env=env, slow=slow)
        killed += rc == -signal.SIGKILL
    final = rng.randrange(4)
    _run_child(kind, tmp_path, final, kill_after=None, env=env)
    return final, killed


def _ics_duplicates(feeds: Path) -> int:
    import icalendar

    dups = 0
    for f in feeds.glob("*.ics"):
        uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(f.read_bytes()).walk("VEVENT")]
        dups += len(uids) - len(set(uids))
    return dups


def test_ics_sync_survives_sigkill(tmp_path):
    from calendar_sync.backends import IcsBackend

    final, killed = crash_loop("ics", tmp_path, kills=20, seed=20261125, max_delay=0.6,
                               slow=0.002)
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
        final, killed = crash_loop("google", tmp_path, kills=20, seed=5, env=env,
                                   max_delay=1.2, slow=0.003)
        assert killed >= 10
        backend = make_backend(emu.root_url, ids)
        assert_converged(backend, final)
        for cid in ids.values():  # zero duplicates, cancelled ones included
            keys = [e["extendedProperties"]["private"]["procal_key"]
                    for e in emu.events(cid, include_cancelled=True)]
            assert len(keys) == len(set(keys))
