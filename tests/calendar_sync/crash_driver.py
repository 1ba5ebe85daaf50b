"""Child process for the crash test: sync a deterministic plan version, to be SIGKILLed anywhere.

    python -m tests.calendar_sync.crash_driver ics OUT_DIR VERSION
    python -m tests.calendar_sync.crash_driver google OUT_DIR VERSION   # PROCAL_GOOGLE_API_ROOT set
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from pathlib import Path

from calendar_sync.ledger import Ledger
from calendar_sync.model import DesiredEvent, Reminder
from calendar_sync.sync import sync_events

NS = "procal"
CALENDARS = [f"cal{i}" for i in range(6)]
PROJECTS = 30
STEPS = ("invitation", "bid_submission", "contract_signing")


def desired(version: int) -> list[DesiredEvent]:
    """Plan version ``v``: shifts some dates and drops a few projects, so reruns update/delete."""
    out = []
    for p in range(PROJECTS):
        if (p + version) % 7 == 0:
            continue  # dropped in this version
        for i, step in enumerate(STEPS):
            shift = i * 10 + ((p * version) % 5)
            out.append(DesiredEvent(
                key=f"m/P{p:03d}/{step}", kind="milestone", calendar=CALENDARS[p % len(CALENDARS)],
                summary=f"{step}: โครงการ P{p:03d} (v{version % 3})",
                description=f"รหัสโครงการ: P{p:03d}",
                all_day=date(2026, 12, 1) + timedelta(days=shift),
                color=("on_time", "late", "done")[(p + version) % 3],
                reminders=(Reminder(900),), project_id=f"P{p:03d}"))
    return out


def backend_for(kind: str, out: Path):
    if kind == "ics":
        from calendar_sync.backends import IcsBackend

        return IcsBackend(out / "feeds")
    from tests.calendar_sync.google_harness import google_backend_from_env

    return google_backend_from_env({c: f"{c}@group.calendar.google.com" for c in CALENDARS})


def main(argv: list[str]) -> int:
    kind, out, version = argv[0], Path(argv[1]), int(argv[2])
    slow = float(argv[3]) if len(argv) > 3 else 0.0
    backend = backend_for(kind, out)
    print("ready", flush=True)  # imports done: the parent's kill timer starts now
    with Ledger(out / "state.sqlite") as ledger:
        def progress(n: int) -> None:
            if slow:
                time.sleep(slow)  # spread the kill points over the run
        plan, report = sync_events(desired(version), backend, ledger, namespace=NS,
                                   kinds={"milestone"}, allow_mass_delete=True,
                                   calendars=CALENDARS, progress=progress)
    print("done", report.summary_line() if report else "", flush=True)
    return 0 if report is not None and report.errors == 0 else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
