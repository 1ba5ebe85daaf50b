"""The local SQLite ledger: what procal wrote where, committed item by item.

The calendar (tagged events) stays the source of truth for what exists; the ledger records each
successful write as soon as it succeeds (one transaction per item, WAL), so a run killed at any
point leaves a ledger that is never *ahead* of the calendar, and a rerun finishes the work. It also
keeps ICS SEQUENCE numbers and the last run's summary. Deleting the file is safe: the next run
rebuilds it from the tagged events it lists.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    calendar   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    project_id TEXT,
    hash       TEXT NOT NULL,
    sequence   INTEGER NOT NULL DEFAULT 0,
    written_at TEXT NOT NULL,
    PRIMARY KEY (calendar, event_id)
);
CREATE INDEX IF NOT EXISTS events_kind ON events (namespace, kind);
-- the ICS backend's record of each feed file: its digest right after procal wrote it (the events
-- table then holds exactly the procal events of that file)
CREATE TABLE IF NOT EXISTS feeds (
    calendar  TEXT NOT NULL,
    namespace TEXT NOT NULL,
    digest    TEXT NOT NULL,
    PRIMARY KEY (calendar, namespace)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    backend TEXT,
    summary TEXT
);
"""


@dataclass(frozen=True)
class LedgerEntry:
    calendar: str
    event_id: str
    namespace: str
    key: str
    kind: str
    project_id: str | None
    hash: str
    sequence: int
    written_at: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Ledger:
    """SQLite ledger (WAL, one commit per recorded item). ``Ledger(":memory:")`` works for tests."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reads -----------------------------------------------------------------------------------
    def entries(self, namespace: str, kinds: set[str] | frozenset[str] | None = None
                ) -> dict[tuple[str, str], LedgerEntry]:
        rows = self._db.execute(
            "SELECT calendar, event_id, namespace, key, kind, project_id, hash, sequence, written_at"
            " FROM events WHERE namespace = ?", (namespace,)).fetchall()
        out = {}
        for r in rows:
            e = LedgerEntry(*r)
            if kinds is None or e.kind in kinds:
                out[(e.calendar, e.event_id)] = e
        return out

    def entries_on(self, calendar: str, namespace: str) -> list[LedgerEntry]:
        """Every entry of one calendar (all kinds)."""
        return [LedgerEntry(*r) for r in self._db.execute(
            "SELECT calendar, event_id, namespace, key, kind, project_id, hash, sequence, written_at"
            " FROM events WHERE calendar = ? AND namespace = ?", (calendar, namespace))]

    def feed_digest(self, calendar: str, namespace: str) -> str | None:
        """The digest of the feed file as procal last wrote it (ICS), or None."""
        row = self._db.execute("SELECT digest FROM feeds WHERE calendar=? AND namespace=?",
                               (calendar, namespace)).fetchone()
        return row[0] if row else None

    def calendars(self, namespace: str) -> set[str]:
        return {r[0] for r in self._db.execute(
            "SELECT DISTINCT calendar FROM events WHERE namespace = ?", (namespace,))}

    def sequence(self, calendar: str, event_id: str) -> int:
        row = self._db.execute("SELECT sequence FROM events WHERE calendar=? AND event_id=?",
                               (calendar, event_id)).fetchone()
        return int(row[0]) if row else 0

    # --- writes (each one its own transaction) ---------------------------------------------------
    def record_write(self, *, calendar: str, event_id: str, namespace: str, key: str, kind: str,
                     project_id: str | None, hash: str, sequence: int = 0) -> None:
        self._db.execute(
            "INSERT INTO events (calendar, event_id, namespace, key, kind, project_id, hash,"
            " sequence, written_at) VALUES (?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (calendar, event_id) DO UPDATE SET namespace=excluded.namespace,"
            " key=excluded.key, kind=excluded.kind, project_id=excluded.project_id,"
            " hash=excluded.hash, sequence=excluded.sequence, written_at=excluded.written_at",
            (calendar, event_id, namespace, key, kind, project_id, hash, sequence, _now()))

    def record_delete(self, calendar: str, event_id: str) -> None:
        self._db.execute("DELETE FROM events WHERE calendar=? AND event_id=?", (calendar, event_id))

    def set_feed_digest(self, calendar: str, namespace: str, digest: str | None) -> None:
        if digest is None:
            self._db.execute("DELETE FROM feeds WHERE calendar=? AND namespace=?",
                             (calendar, namespace))
        else:
            self._db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?)",
                             (calendar, namespace, digest))

    def retain(self, calendar: str, namespace: str, event_ids: set[str]) -> None:
        """Forget every entry of ``calendar`` whose id is not in ``event_ids``."""
        gone = [(calendar, r[0]) for r in self._db.execute(
            "SELECT event_id FROM events WHERE calendar=? AND namespace=?", (calendar, namespace))
            if r[0] not in event_ids]
        self._db.executemany("DELETE FROM events WHERE calendar=? AND event_id=?", gone)

    @contextlib.contextmanager
    def transaction(self):
        """One transaction around several records (all or nothing, e.g. one feed file's)."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def start_run(self, backend: str) -> int:
        cur = self._db.execute("INSERT INTO runs (started_at, backend) VALUES (?, ?)",
                               (_now(), backend))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, summary: str) -> None:
        self._db.execute("UPDATE runs SET finished_at=?, summary=? WHERE id=?",
                         (_now(), summary, run_id))

    def last_run(self) -> tuple[str, str | None, str | None] | None:
        row = self._db.execute(
            "SELECT started_at, finished_at, summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return tuple(row) if row else None
