"""The ICS backend's direct writer and its ledger record.

* The writer is byte for byte what ``icalendar`` makes of the same event (escaping, folding,
  property order), and the feeds parse in icalendar, vobject and ics-py.
* A no-change rerun parses nothing and leaves every feed byte-identical; the ledger is the record.
* A run killed between the rename and the ledger commit (simulated here; test_crash.py does it with
  SIGKILL) is detected by the digest: the next run reads the file itself and converges.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_sync.backends.ics import IcsBackend, fold, render_event
from calendar_sync.ledger import Ledger
from calendar_sync.model import BANGKOK, DesiredEvent, Op, Reminder, event_id
from calendar_sync.sync import sync_events

icalendar = pytest.importorskip("icalendar")
NOW = datetime(2026, 11, 25, 3, 4, 5, tzinfo=timezone.utc)
COLORS = {"on_time": "royalblue", "late": "red"}


def icalendar_vevent(op: Op, uid: str, seq: int, now: datetime, created) -> bytes:
    """The reference: the event built with icalendar's API (the writer procal used before)."""
    ev = op.desired
    e = icalendar.Event()
    e.add("UID", uid)
    e.add("DTSTAMP", now)
    e.add("CREATED", created)
    e.add("LAST-MODIFIED", now)
    e.add("SEQUENCE", seq)
    e.add("SUMMARY", ev.summary)
    if ev.description:
        e.add("DESCRIPTION", ev.description)
    if ev.all_day is not None:
        e.add("DTSTART", ev.all_day)
        e.add("DTEND", ev.all_day + timedelta(days=1))
    else:
        e.add("DTSTART", ev.start.astimezone(BANGKOK))
        e.add("DTEND", ev.end.astimezone(BANGKOK))
    e.add("TRANSP", "TRANSPARENT")
    e.add("STATUS", "CONFIRMED")
    if ev.color_name:
        e.add("COLOR", COLORS.get(ev.color_name, ev.color_name))
        e.add("CATEGORIES", [ev.category])  # the status word people read (Thai by default)
    for a in ev.attendees:
        e.add("ATTENDEE", f"mailto:{a}", parameters={"ROLE": "REQ-PARTICIPANT",
                                                      "PARTSTAT": "NEEDS-ACTION"})
    for r in ev.reminders:
        alarm = icalendar.Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", ev.summary)
        alarm.add("TRIGGER", timedelta(minutes=-r.minutes))
        e.add_component(alarm)
    names = {"procal": "X-PROCAL-NS", "procal_key": "X-PROCAL-KEY", "procal_kind": "X-PROCAL-KIND",
             "procal_project": "X-PROCAL-PROJECT", "procal_hash": "X-PROCAL-HASH"}
    for k, v in ev.private_props(op.namespace).items():
        e.add(names.get(k) or "X-PROCAL-PROP-" + re.sub(r"[^A-Za-z0-9-]", "-", k).upper(), v)
    return e.to_ical()


TEXT = st.lists(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) |
                st.sampled_from(list("\\;,^:\n\"ก่ำ๑") + ["\r\n", "\\N"]),
                max_size=200).map("".join)


@pytest.mark.filterwarnings("ignore:foldline is deprecated")
@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_fold_is_icalendars_folding(text):
    line = "DESCRIPTION:" + text.replace("\r", "").replace("\n", "")
    from icalendar.parser import foldline

    assert fold(line) == (foldline(line) + "\r\n").encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(summary=TEXT.filter(lambda s: s.strip()), description=TEXT,
       day=st.dates(date(2020, 1, 1), date(2035, 12, 31)), timed=st.booleans(),
       minutes=st.lists(st.integers(0, 40320), max_size=5, unique=True),
       color=st.sampled_from([None, "on_time", "late", "done"]),
       attendees=st.lists(st.sampled_from(["a@x.go.th", "b@y.go.th"]), unique=True),
       project=st.sampled_from([None, "KK70-001", "0012,x;y"]), seq=st.integers(0, 9),
       created=st.booleans())
def test_writer_is_byte_identical_to_icalendar(summary, description, day, timed, minutes, color,
                                               attendees, project, seq, created):
    if timed:
        start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=BANGKOK)
        span = dict(start=start, end=start + timedelta(minutes=30))
    else:
        span = dict(all_day=day)
    ev = DesiredEvent(key=f"m/{project}/invitation", kind="milestone", calendar="province",
                      summary=summary, description=description, color=color,
                      reminders=tuple(Reminder(m) for m in minutes), attendees=tuple(attendees),
                      project_id=project, extra={"procal_step": "invitation"}, **span)
    op = Op("create", event_id("procal", ev.key), "province", ev, namespace="procal")
    uid = op.event_id + "@procal"
    made = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    got = render_event(op, uid, seq, NOW, "20260102T030405Z" if created else None, COLORS)
    assert got == icalendar_vevent(op, uid, seq, NOW, made if created else NOW)


def _events(version: int, n: int = 40) -> list[DesiredEvent]:
    out = []
    for p in range(n):
        cal = ("province", "ผู้บริหาร")[p % 2]
        out.append(DesiredEvent(
            key=f"m/P{p:03d}/invitation", kind="milestone", calendar=cal,
            summary=f"ประกาศเชิญชวน: โครงการ {p}, ระยะ; {version if p % 10 == 0 else 0}",
            description=f"รหัสโครงการ: P{p:03d}\nวงเงิน: 1,500,000.00 บาท",
            all_day=date(2026, 12, 1) + timedelta(days=p), color="on_time",
            reminders=(Reminder(900), Reminder(7 * 1440 + 900)), project_id=f"P{p:03d}"))
    return out


def _sync(backend, ledger, events, **kw):
    return sync_events(events, backend, ledger, namespace="procal", kinds={"milestone"},
                       allow_mass_delete=True, **kw)


def _bytes(out):
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.ics"))}


def test_feeds_parse_in_icalendar_vobject_and_ics_py(tmp_path):
    import ics  # declared in the test extra: these readers must always run
    import vobject
    be = IcsBackend(tmp_path)
    with Ledger(tmp_path / "state.sqlite") as led:
        _sync(be, led, _events(0))
    for path in tmp_path.glob("*.ics"):
        text = path.read_text("utf-8")
        cal = icalendar.Calendar.from_ical(text)
        assert len(cal.walk("VEVENT")) == 20
        vcal = vobject.readOne(text)
        assert len(vcal.vevent_list) == 20
        assert {str(e.summary.value) for e in vcal.vevent_list} == {
            str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
        assert len(ics.Calendar(text).events) == 20


def test_no_change_rerun_parses_nothing_and_leaves_feeds_byte_identical(tmp_path):
    be = IcsBackend(tmp_path)
    with Ledger(tmp_path / "state.sqlite") as led:
        _sync(be, led, _events(0))
        first = _bytes(tmp_path)
        fresh = IcsBackend(tmp_path)  # a new process: nothing cached
        plan, report = _sync(fresh, led, _events(0))
        assert plan.ops == [] and report.unchanged == 40
        assert fresh.parses == 0
        assert _bytes(tmp_path) == first
        # a change rewrites one feed, copying the other events byte for byte
        plan, report = _sync(fresh, led, _events(1))
        assert report.updated == 4 and fresh.parses == 0
        after = _bytes(tmp_path)
        assert after["ผู้บริหาร.ics"] == first["ผู้บริหาร.ics"]
        old = first["province.ics"].split(b"BEGIN:VEVENT")
        new = after["province.ics"].split(b"BEGIN:VEVENT")
        assert sum(a != b for a, b in zip(old, new, strict=True)) == 4


def test_hand_edit_of_a_feed_is_seen_although_the_ledger_matched(tmp_path):
    be = IcsBackend(tmp_path)
    with Ledger(tmp_path / "state.sqlite") as led:
        _sync(be, led, _events(0))
        eid = event_id("procal", "m/P000/invitation")
        be.hand_edit("province", eid, "แก้ด้วยมือ")
        be.add_foreign("province", "someone-else", "ประชุม")
        plan, report = _sync(IcsBackend(tmp_path), led, _events(0))
        assert [o.reason for o in plan.ops] == ["hand-edited"] and report.updated == 1
        text = (tmp_path / "province.ics").read_bytes()
        assert b"someone-else@elsewhere" in text and "แก้ด้วยมือ".encode() not in text
        again = IcsBackend(tmp_path)
        plan, _ = _sync(again, led, _events(0))
        assert plan.ops == [] and again.parses == 0  # the ledger vouches for the new file


class _Killed(Exception):
    pass


@pytest.mark.parametrize("after", [0, 3, 9])
def test_killed_between_rename_and_ledger_commit_converges(tmp_path, after):
    """The file is renamed into place, then the process dies before the ledger's transaction
    commits (the results of that file are recorded in one transaction): the ledger is behind the
    file, its digest does not match, and the next run reads the file and converges."""
    be = IcsBackend(tmp_path)
    with Ledger(tmp_path / "state.sqlite") as led:
        _sync(be, led, _events(0))
        calls = {"n": 0}

        def dying_progress(n):
            calls["n"] += 1
            if calls["n"] > after:
                raise _Killed()

        with pytest.raises(_Killed):
            _sync(IcsBackend(tmp_path), led, _events(7, n=50), progress=dying_progress)
        # the feed is new, the ledger still describes the old one
        assert led.feed_digest("province", "procal") is not None
        nxt = IcsBackend(tmp_path)
        plan, report = _sync(nxt, led, _events(7, n=50))
        assert nxt.parses >= 1  # the digest did not match: the file was read
        assert report.errors == 0
        final = IcsBackend(tmp_path)
        plan, _ = _sync(final, led, _events(7, n=50))
        assert plan.ops == [] and final.parses == 0
        for cal in ("province", "ผู้บริหาร"):
            listed = IcsBackend(tmp_path).list_tagged(cal, "procal")
            want = {event_id("procal", e.key) for e in _events(7, n=50) if e.calendar == cal}
            assert set(listed) == want
            rec = {e.event_id: e for e in led.entries_on(cal, "procal")}
            assert set(rec) == want
            assert all(rec[i].hash == listed[i].stored_hash and
                       rec[i].sequence == listed[i].sequence for i in want)
