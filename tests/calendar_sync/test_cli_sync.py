"""``procal sync``: the README's quick start (example workbook → ICS, no account) and Google."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from procal.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plans.xlsx"
TODAY = "2026-11-25"
runner = CliRunner()

pytestmark = pytest.mark.skipif(not EXAMPLE.exists(), reason="example workbook not built")


def sync(*args, env=None):
    return runner.invoke(app, ["sync", str(EXAMPLE), "--today", TODAY, *args], env=env)


def feeds(out: Path) -> dict[str, icalendar.Calendar]:
    return {p.name: icalendar.Calendar.from_ical(p.read_bytes()) for p in out.glob("*.ics")}


def test_quick_start_writes_valid_feeds_and_a_ledger(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    res = sync("--out", str(out), "--backend", "ics")
    assert res.exit_code in (0, 1), res.output
    assert "created" in res.output
    cals = feeds(out)
    assert "province.ics" in cals and (out / "procal-state.sqlite").exists()
    uids = []
    for name, cal in cals.items():
        assert cal["X-WR-TIMEZONE"] == "Asia/Bangkok" and str(cal["X-WR-CALNAME"])
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Bangkok"]
        for ev in cal.walk("VEVENT"):
            start, end = ev["DTSTART"].dt, ev["DTEND"].dt
            assert end - start == timedelta(days=1) and not hasattr(start, "hour")  # all-day
            assert 0 < len(ev.walk("VALARM")) <= 5 or str(ev["CATEGORIES"].cats[0]) in ("done", "ดำเนินการแล้ว")
            assert ev["X-PROCAL-KIND"] == "milestone"
            uids.append((name, str(ev["UID"])))
    assert len(uids) == len(set(uids)) > 50
    before = {p.name: p.read_bytes() for p in out.glob("*.ics")}

    again = sync("--out", str(out), "--backend", "ics")
    assert again.exit_code in (0, 1)
    assert "created 0, updated 0, deleted 0" in again.output.replace("\n", " ")
    assert {p.name: p.read_bytes() for p in out.glob("*.ics")} == before  # nothing rewritten


def test_dry_run_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    res = sync("--out", str(out), "--dry-run", "--backend", "ics")
    assert res.exit_code in (0, 1), res.output
    assert "dry run" in res.output and "create" in res.output
    assert not out.exists()  # no feeds, no ledger, no folder


def test_a_later_day_updates_statuses_not_identities(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    sync("--out", str(out), "--backend", "ics")
    first = {n: {str(e["UID"]) for e in c.walk("VEVENT")} for n, c in feeds(out).items()}
    res = runner.invoke(app, ["sync", str(EXAMPLE), "--today", "2027-03-01", "--out", str(out),
                              "--backend", "ics"])
    assert res.exit_code in (0, 1), res.output
    later = {n: {str(e["UID"]) for e in c.walk("VEVENT")} for n, c in feeds(out).items()}
    assert later == first  # same events, updated in place (SEQUENCE raised)
    seqs = [int(e["SEQUENCE"]) for c in feeds(out).values() for e in c.walk("VEVENT")]
    assert max(seqs) >= 1


def test_sync_to_google_through_the_emulator(tmp_path, monkeypatch):
    emulator = pytest.importorskip("tests.emulator")
    monkeypatch.chdir(tmp_path)
    with emulator.GoogleEmulator(latency=0.0) as emu:
        monkeypatch.setenv("PROCAL_GOOGLE_API_ROOT", emu.root_url)
        probe = tmp_path / "probe"
        sync("--out", str(probe), "--backend", "ics")
        keys = sorted(p.stem for p in probe.glob("*.ics"))
        ids = {k: f"cal{i}@group.calendar.google.com" for i, k in enumerate(keys)}
        for cid in ids.values():
            emu.add_calendar(cid)
        token = tmp_path / "token.json"
        token.write_text(json.dumps({
            "type": "authorized_user", "client_id": "c", "client_secret": "s",
            "refresh_token": "r", "token": "t", "expiry": "2099-01-01T00:00:00Z"}))
        cfg = tmp_path / "procal.toml"
        cfg.write_text(f'[google]\ncredentials_file = "{token}"\nrequests_per_minute = 100000\n\n'
                       '[sync]\nrequests_per_minute = 100000\n\n[sync.google_calendars]\n'
                       + "".join(f'"{k}" = "{v}"\n' for k, v in ids.items()), encoding="utf-8")
        res = sync("--out", str(tmp_path / "g"), "--config", str(cfg))
        assert res.exit_code in (0, 1), (res.output, res.exception)
        assert "google" in res.output
        n_ics = sum(len(c.walk("VEVENT")) for c in feeds(probe).values())
        n_google = sum(len(emu.events(cid)) for cid in ids.values())
        assert n_google == n_ics
        assert emu.count(api="batch") >= n_ics // 50
        emu.reset_counts()
        again = sync("--out", str(tmp_path / "g"), "--config", str(cfg))
        assert again.exit_code in (0, 1)
        assert emu.count(api="batch") == 0  # no change, no writes
        assert emu.count(op="events.list") == len(ids)


def test_dates_do_not_depend_on_the_machine_time_zone(tmp_path):
    """All-day milestones are dates end to end: the feeds are identical in Bangkok and LA."""
    import os
    import subprocess
    import sys

    spans = {}
    for tz in ("Asia/Bangkok", "America/Los_Angeles"):
        out = tmp_path / tz.replace("/", "_")
        env = dict(os.environ, TZ=tz)
        r = subprocess.run([sys.executable, "-m", "procal", "sync", str(EXAMPLE), "--today", TODAY,
                            "--out", str(out), "--backend", "ics"], cwd=tmp_path, env=env,
                           capture_output=True, timeout=120)
        assert r.returncode in (0, 1), r.stderr.decode()[-1000:]
        spans[tz] = sorted((str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt)
                           for c in feeds(out).values() for e in c.walk("VEVENT"))
    assert spans["Asia/Bangkok"] == spans["America/Los_Angeles"] and spans["Asia/Bangkok"]
