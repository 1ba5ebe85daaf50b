"""ICS feeds: one RFC 5545 ``.ics`` file per calendar, written atomically (temp file + rename).

UID = the deterministic event id + ``@procal``; SEQUENCE rises on every change; reminders become
VALARMs; X-WR-CALNAME / X-WR-TIMEZONE and a VTIMEZONE for Asia/Bangkok name the feed. procal's
mark and identity travel as ``X-PROCAL-*`` properties; components without procal's mark (someone
else's events pasted into the file) are kept exactly as they are.

**The ledger is the record of what a feed holds.** After each write the backend records, in the
same SQLite transaction as the events it wrote, a digest of the whole file. When the file on disk
still has that digest, listing it is a ledger query: the file is never parsed. When it does not
(someone edited the file, a run was killed between the rename and the ledger commit, the ledger was
deleted), the file is parsed with ``icalendar`` as the source of truth and the next write records
every procal event it holds again. Writing streams the old file component by component into a
temporary file — unchanged components are copied byte for byte, changed ones rendered once — then
fsyncs and renames it into place: the rename is the commit point, the ledger follows it, so a
kill -9 anywhere leaves either the old file or the new one, and a ledger that is never ahead.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

from calendar_sync.backends import OnResult
from calendar_sync.model import BANGKOK, TIME_ZONE, DesiredEvent, Op, OpResult, RemoteEvent
from calendar_sync.settings import DEFAULT_ICS_COLORS

X_NS = "X-PROCAL-NS"
X_KEY = "X-PROCAL-KEY"
X_KIND = "X-PROCAL-KIND"
X_PROJECT = "X-PROCAL-PROJECT"
X_HASH = "X-PROCAL-HASH"
UID_SUFFIX = "@procal"
PRODID = "-//procal//procal calendar sync//TH"
_PROP_NAMES = {"procal": X_NS, "procal_key": X_KEY, "procal_kind": X_KIND,
               "procal_project": X_PROJECT, "procal_hash": X_HASH}
# icalendar's canonical order for VEVENT properties; the rest follow sorted by name
_CANONICAL = ("SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID", "SEQUENCE")


def calendar_filename(calendar: str) -> str:
    """A safe file name for a calendar key (letters incl. Thai, digits, '.', '-', '_')."""
    name = re.sub(r"[^\w\u0e00-\u0e7f.-]", "_", calendar).strip("._") or "calendar"
    return f"{name}.ics"


def _iso(value) -> str:
    v = value.dt if hasattr(value, "dt") else value
    if isinstance(v, datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=BANGKOK)
        return v.astimezone(BANGKOK).isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _text(component, name: str) -> str:
    v = component.get(name)
    return "" if v is None else str(v)


# --- the direct writer (RFC 5545 text escaping and 75-octet folding, as icalendar does them) -----
def escape_text(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11), the same replacements as ``icalendar``."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded at 75 octets (CRLF + space) without splitting a
    character or an escape, then CRLF — byte for byte what ``icalendar.parser.foldline`` makes."""
    b = line.encode("utf-8")
    if len(b) < 75:
        return b + b"\r\n"
    out = []
    start = 0
    n = len(b)
    while n - start >= 75:
        cut = start + 74
        while b[cut] & 0xC0 == 0x80:  # never split a UTF-8 sequence
            cut -= 1
        if cut - start > 1 and b[cut - 1] in b"\\^":  # keep an escape with what it escapes
            cut -= 1
        out.append(b[start:cut])
        start = cut
    out.append(b[start:])
    return b"\r\n ".join(out) + b"\r\n"


@functools.lru_cache(maxsize=8)  # one "now" per apply: formatted once, not once per event
def _stamp(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@functools.lru_cache(maxsize=4096)  # a feed's events share their days
def _dt_prop(name: str, value: date | datetime) -> str:
    if isinstance(value, datetime):
        v = value.astimezone(BANGKOK)
        return f"{name};TZID={TIME_ZONE}:{v.strftime('%Y%m%dT%H%M%S')}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


def _duration(minutes: int) -> str:
    """``timedelta(minutes=-m)`` as icalendar writes it (``-PT15H``, ``-P5DT15H``, ``P0D``)."""
    if minutes == 0:
        return "P0D"
    sign = "-" if minutes > 0 else ""
    days, rem = divmod(abs(minutes), 1440)
    hours, mins = divmod(rem, 60)
    out = sign + "P" + (f"{days}D" if days else "")
    if hours or mins:
        out += "T" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "")
    return out


@functools.lru_cache(maxsize=256)
def _extra_prop_name(key: str) -> str:
    return "X-PROCAL-PROP-" + re.sub(r"[^A-Za-z0-9-]", "-", key).upper()


def render_event(op: Op, uid: str, seq: int, now: datetime, created: str | None,
                 colors: Mapping[str, str]) -> bytes:
    """The VEVENT of ``op.desired`` (``created``: the CREATED value already in the file)."""
    ev: DesiredEvent = op.desired  # type: ignore[assignment]
    stamp = _stamp(now)
    summary = escape_text(ev.summary)
    props: list[tuple[str, str]] = []
    if ev.all_day is not None:
        start = _dt_prop("DTSTART", ev.all_day)
        end = _dt_prop("DTEND", ev.all_day + timedelta(days=1))  # exclusive end
    else:
        start = _dt_prop("DTSTART", ev.start)  # type: ignore[arg-type]
        end = _dt_prop("DTEND", ev.end)  # type: ignore[arg-type]
    for a in ev.attendees:
        props.append(("ATTENDEE", f"ATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:"
                                  f"mailto:{a}"))
    if ev.color_name:
        props.append(("CATEGORIES", "CATEGORIES:" + escape_text(ev.category)))
        props.append(("COLOR", "COLOR:" + escape_text(colors.get(ev.color_name,
                                                                   ev.color_name))))
    props.append(("CREATED", "CREATED:" + (created or stamp)))
    if ev.description:
        props.append(("DESCRIPTION", "DESCRIPTION:" + escape_text(ev.description)))
    props.append(("LAST-MODIFIED", "LAST-MODIFIED:" + stamp))
    props.append(("STATUS", "STATUS:CONFIRMED"))
    props.append(("TRANSP", "TRANSP:TRANSPARENT"))
    for k, v in ev.private_props(op.namespace).items():
        name = _PROP_NAMES.get(k) or _extra_prop_name(k)
        # written as icalendar writes unknown X- properties: raw (procal's values hold no breaks)
        props.append((name, f"{name}:" + v.replace("\r", " ").replace("\n", " ")))
    props.sort(key=lambda p: p[0])  # stable: attendees keep their order
    lines = [b"BEGIN:VEVENT\r\n", fold("SUMMARY:" + summary), fold(start), fold(end),
             fold("DTSTAMP:" + stamp), fold("UID:" + uid), fold(f"SEQUENCE:{seq}")]
    lines.extend(fold(p[1]) for p in props)
    if ev.reminders:
        alarm_desc = fold("DESCRIPTION:" + summary)
        for r in ev.reminders:
            lines.append(b"BEGIN:VALARM\r\nACTION:DISPLAY\r\n")
            lines.append(alarm_desc)
            lines.append(fold("TRIGGER:" + _duration(r.minutes)))
            lines.append(b"END:VALARM\r\n")
    lines.append(b"END:VEVENT\r\n")
    return b"".join(lines)


# --- reading a feed as components, without parsing it --------------------------------------------
def _components(path: Path) -> Iterator[tuple[bytes, list[bytes]]]:
    """Each top-level component of the VCALENDAR in ``path``: (name, its raw lines)."""
    with open(path, "rb") as fh:
        cur: list[bytes] | None = None
        end = b""
        name = b""
        for line in fh:
            if cur is None:
                if line[:6] == b"BEGIN:":
                    name = line[6:].strip()
                    if name == b"VCALENDAR":
                        continue
                    cur = [line]
                    end = b"END:" + name
                continue  # calendar properties: procal writes its own header
            cur.append(line)
            if line[:len(end)] == end and line[len(end):].strip() == b"":
                yield name, cur
                cur = None
        if cur is not None:  # a truncated component (a hand edit gone wrong): keep it as it is
            yield name, cur


def _raw_prop(lines: list[bytes], name: bytes) -> bytes | None:
    """The (unfolded, unescaped-enough) value of the first ``name`` property of a component."""
    n = len(name)
    for i, line in enumerate(lines):
        if line[:n] == name and line[n:n + 1] in (b":", b";"):
            value = line.rstrip(b"\r\n")
            j = i + 1
            while j < len(lines) and lines[j][:1] in (b" ", b"\t"):
                value += lines[j][1:].rstrip(b"\r\n")
                j += 1
            return value.split(b":", 1)[1] if b":" in value else b""
        if line[:10] == b"BEGIN:VALA":
            break
    return None


@dataclass
class IcsBackend:
    out_dir: Path
    calendar_names: Mapping[str, str] = field(default_factory=dict)
    colors: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ICS_COLORS))
    name: str = "ics"
    requests: int = 0  # file reads + file writes
    parses: int = 0  # files parsed with icalendar (0 on a run where the ledger matched them)
    ledger: Any = None  # bound by the sync engine (``bind_ledger``): the record of each feed

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        self._digests: dict[Path, tuple[tuple[int, int, int], str]] = {}
        self._parsed: dict[tuple[str, str], tuple[str, dict[str, RemoteEvent]]] = {}

    def bind_ledger(self, ledger: Any) -> None:
        """Use ``ledger`` as the record of what each feed holds (see the module docstring)."""
        self.ledger = ledger

    def path_for(self, calendar: str) -> Path:
        return self.out_dir / calendar_filename(calendar)

    # --- reading ---------------------------------------------------------------------------------
    def _digest(self, path: Path) -> str | None:
        """blake2b of the file (cached per file identity: inode, size, mtime)."""
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        hit = self._digests.get(path)
        if hit is not None and hit[0] == sig:
            return hit[1]
        h = hashlib.blake2b(digest_size=20)
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        self._digests[path] = (sig, h.hexdigest())
        return h.hexdigest()

    def _load(self, calendar: str):
        import icalendar

        path = self.path_for(calendar)
        if not path.exists():
            return None
        self.requests += 1
        return icalendar.Calendar.from_ical(path.read_bytes())

    def list_recorded(self, calendar: str, namespace: str, ledger: Any
                      ) -> dict[str, RemoteEvent]:
        """What the sync engine plans with: the ledger's record of the feed when the file is
        byte for byte what procal last wrote (``trusted`` events: no texts, no parsing), else
        ``list_tagged``."""
        digest = self._digest(self.path_for(calendar))
        if digest is None:
            return {}
        if ledger is not None and ledger.feed_digest(calendar, namespace) == digest:
            return {e.event_id: RemoteEvent(
                event_id=e.event_id, calendar=calendar, key=e.key, kind=e.kind,
                project_id=e.project_id, stored_hash=e.hash, sequence=e.sequence, trusted=True)
                for e in ledger.entries_on(calendar, namespace)}
        return self.list_tagged(calendar, namespace)

    def list_tagged(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        """Every procal event in the feed, parsed from the file (cached while it is unchanged)."""
        path = self.path_for(calendar)
        digest = self._digest(path)
        if digest is None:
            return {}
        hit = self._parsed.get((calendar, namespace))
        if hit is not None and hit[0] == digest:
            return dict(hit[1])
        out = self._parse(calendar, namespace)
        self._parsed[(calendar, namespace)] = (digest, out)
        return dict(out)

    def _parse(self, calendar: str, namespace: str) -> dict[str, RemoteEvent]:
        cal = self._load(calendar)
        self.parses += 1
        out: dict[str, RemoteEvent] = {}
        if cal is None:
            return out
        for ev in cal.walk("VEVENT"):
            if _text(ev, X_NS) != namespace:
                continue
            eid = _text(ev, "UID").removesuffix(UID_SUFFIX)
            out[eid] = RemoteEvent(
                event_id=eid, calendar=calendar, key=_text(ev, X_KEY), kind=_text(ev, X_KIND),
                project_id=_text(ev, X_PROJECT) or None, stored_hash=_text(ev, X_HASH),
                cancelled=_text(ev, "STATUS").upper() == "CANCELLED",
                summary=_text(ev, "SUMMARY"), description=_text(ev, "DESCRIPTION"),
                start=_iso(ev["DTSTART"]) if "DTSTART" in ev else "",
                end=_iso(ev["DTEND"]) if "DTEND" in ev else "",
                sequence=int(ev.get("SEQUENCE", 0)))
        return out

    # --- writing ---------------------------------------------------------------------------------
    def _header(self, calendar: str) -> bytes:
        import icalendar

        cal = icalendar.Calendar()
        cal.add("PRODID", PRODID)
        cal.add("VERSION", "2.0")
        cal.add("CALSCALE", "GREGORIAN")
        cal.add("METHOD", "PUBLISH")
        cal.add("X-WR-CALNAME", self.calendar_names.get(calendar, calendar))
        cal.add("X-WR-TIMEZONE", TIME_ZONE)
        cal.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", "PT1H")
        cal.add_component(icalendar.Timezone.from_tzid(TIME_ZONE))
        data = cal.to_ical()
        assert data.endswith(b"END:VCALENDAR\r\n")
        return data[: -len(b"END:VCALENDAR\r\n")]

    def apply(self, calendar: str, ops: list[Op], on_result: OnResult | None = None
              ) -> list[OpResult]:
        if not ops:
            return []
        for stale in self.out_dir.glob(".tmp-*.ics"):  # left by a run killed mid-write
            stale.unlink(missing_ok=True)
        namespace = ops[0].namespace
        path = self.path_for(calendar)
        old_digest = self._digest(path)
        trusted = (old_digest is not None and self.ledger is not None
                   and self.ledger.feed_digest(calendar, namespace) == old_digest)
        # the procal events the old file holds, when the ledger cannot vouch for them
        untrusted = {} if trusted or old_digest is None else self.list_tagged(calendar, namespace)
        pending: dict[bytes, Op] = {}
        for op in ops:
            pending[(op.event_id + UID_SUFFIX).encode()] = op
        results: dict[int, OpResult] = {}
        now = datetime.now(timezone.utc).replace(microsecond=0)
        mark = namespace.encode()
        kept: set[str] = set()  # procal events of this namespace copied unchanged
        done: set[bytes] = set()  # UIDs written or deleted by this apply

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ics", dir=path.parent)
        h = hashlib.blake2b(digest_size=20)
        try:
            with os.fdopen(fd, "wb") as fh:
                def put(data: bytes) -> None:
                    fh.write(data)
                    h.update(data)

                put(self._header(calendar))
                if old_digest is not None:
                    self.requests += 1
                    for name, lines in _components(path):
                        if name == b"VTIMEZONE":
                            continue  # the header carries a fresh one
                        uid = _raw_prop(lines, b"UID") if name == b"VEVENT" else None
                        op = pending.get(uid) if uid is not None else None
                        if op is None:
                            if uid is not None and uid.endswith(UID_SUFFIX.encode()) and \
                                    _raw_prop(lines, X_NS.encode()) == mark:
                                if uid in done:
                                    continue  # a second copy of an event just written: dropped
                                kept.add(uid[:-7].decode())
                            put(b"".join(lines))
                            continue
                        if _raw_prop(lines, X_NS.encode()) != mark:
                            results[id(op)] = OpResult(op, ok=False, error="UID belongs to an "
                                                       "event procal did not create; left "
                                                       "untouched")
                            del pending[uid]
                            put(b"".join(lines))
                            continue
                        del pending[uid]
                        done.add(uid)
                        if op.action == "delete":
                            results[id(op)] = OpResult(op, ok=True)
                            continue
                        seq = int(_raw_prop(lines, b"SEQUENCE") or b"0") + 1
                        created = _raw_prop(lines, b"CREATED")
                        put(render_event(op, uid.decode(), seq, now,
                                         created.decode() if created else None, self.colors))
                        results[id(op)] = OpResult(op, ok=True, restored=op.action == "create",
                                                   sequence=seq)
                for uid, op in pending.items():  # not in the file (yet)
                    if op.action == "delete":
                        results[id(op)] = OpResult(op, ok=True)
                        continue
                    put(render_event(op, uid.decode(), 0, now, None, self.colors))
                    results[id(op)] = OpResult(op, ok=True, sequence=0)
                put(b"END:VCALENDAR\r\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)  # the commit point for the whole file
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.requests += 1
        ordered = [results[id(op)] for op in ops]
        digest = h.hexdigest()
        st = path.stat()
        self._digests[path] = ((st.st_ino, st.st_size, st.st_mtime_ns), digest)
        ledger = self.ledger
        with (ledger.transaction() if ledger is not None else contextlib.nullcontext()):
            for r in ordered:
                if on_result:
                    on_result(r)
            if ledger is not None:
                if on_result is None:  # nobody recorded the events: the ledger cannot vouch
                    ledger.set_feed_digest(calendar, namespace, None)
                else:
                    present = kept | {r.op.event_id for r in ordered
                                      if r.ok and r.op.action != "delete"}
                    self._record_feed(ledger, calendar, namespace, digest, trusted, untrusted,
                                      kept, present)
        return ordered

    @staticmethod
    def _record_feed(ledger, calendar: str, namespace: str, digest: str, trusted: bool,
                     untrusted: dict[str, RemoteEvent], kept: set[str], present: set[str]
                     ) -> None:
        """Make the ledger the record of the new file: every procal event it holds, then its
        digest (in the caller's transaction, after the events written this time)."""
        if not trusted:  # the old file was not what the ledger said: record what it held
            for eid in kept:
                r = untrusted.get(eid)
                if r is not None and r.key and not r.cancelled:
                    ledger.record_write(calendar=calendar, event_id=eid, namespace=namespace,
                                        key=r.key, kind=r.kind, project_id=r.project_id,
                                        hash=r.stored_hash, sequence=r.sequence)
            ledger.retain(calendar, namespace, present)
        ledger.set_feed_digest(calendar, namespace, digest)

    def settle(self, calendar: str, namespace: str, ledger: Any, kinds) -> None:
        """After a sync that wrote nothing to ``calendar``: if the file was read because the
        ledger could not vouch for it (a killed run, a lost ledger) and it holds only events of
        ``kinds`` (all of them just compared with the plan), record what it holds, so the next
        run needs no parsing. The file stays the source of truth; nothing is written to it."""
        digest = self._digest(self.path_for(calendar))
        if digest is None or ledger.feed_digest(calendar, namespace) == digest:
            return
        hit = self._parsed.get((calendar, namespace))
        if hit is None or hit[0] != digest:
            return
        events = {eid: r for eid, r in hit[1].items() if not r.cancelled}
        if any(r.kind not in kinds for r in events.values()):
            return
        with ledger.transaction():
            for eid, r in events.items():
                ledger.record_write(calendar=calendar, event_id=eid, namespace=namespace,
                                    key=r.key, kind=r.kind, project_id=r.project_id,
                                    hash=r.stored_hash, sequence=r.sequence)
            ledger.retain(calendar, namespace, set(events))
            ledger.set_feed_digest(calendar, namespace, digest)

    # --- helpers for tests (hand edits: the ledger does not see them) ---------------------------
    def _write_components(self, calendar: str, components: list) -> None:
        import icalendar

        cal = icalendar.Calendar.from_ical(self._header(calendar) + b"END:VCALENDAR\r\n")
        for c in components:
            if c.name != "VTIMEZONE":
                cal.add_component(c)
        path = self.path_for(calendar)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ics", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(cal.to_ical())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)

    def add_foreign(self, calendar: str, event_id: str, summary: str = "someone else's") -> None:
        import icalendar

        cal = self._load(calendar)
        comps = list(cal.subcomponents) if cal is not None else []
        e = icalendar.Event()
        e.add("UID", f"{event_id}@elsewhere")
        e.add("DTSTAMP", datetime(2026, 1, 1, tzinfo=timezone.utc))
        e.add("SUMMARY", summary)
        e.add("DTSTART", date(2026, 1, 1))
        self._write_components(calendar, comps + [e])

    def _edit(self, calendar: str, event_id: str, fn) -> None:
        cal = self._load(calendar)
        assert cal is not None
        comps = list(cal.subcomponents)
        for c in comps:
            if c.name == "VEVENT" and _text(c, "UID") == event_id + UID_SUFFIX:
                fn(c)
        self._write_components(calendar, [c for c in comps if not getattr(c, "_drop", False)])

    def hand_edit(self, calendar: str, event_id: str, summary: str) -> None:
        import icalendar

        def fn(c):
            c["SUMMARY"] = icalendar.vText(summary)
        self._edit(calendar, event_id, fn)

    def hand_delete(self, calendar: str, event_id: str) -> None:
        def fn(c):
            c._drop = True
        self._edit(calendar, event_id, fn)
