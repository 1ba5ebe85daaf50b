"""The checks ``procal run`` makes after planning and before its first write.

Exit 2 means nothing was written: the settings, the targets of the fiscal year being reconciled
and the credentials are checked while reading and planning (``run_job``); what is left is checked
here — a refused mass delete, every calendar that will be written is mapped, reachable (it was
listed while planning) and writable for procal's account, and every folder and workbook procal
writes to can be written. Only then does the first byte go out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from schedule_engine.errors import ConfigError, SourceError
from schedule_engine.i18n import t

READ_ONLY_ROLES = ("reader", "freeBusyReader", "none")


def _writable_folder(folder: Path, what: str) -> None:
    """``folder`` exists as a writable folder, or can be created in a writable one."""
    folder = Path(folder)
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConfigError(t("{path} is a file, not a folder; procal writes {what} there — choose "
                            "another folder", path=str(probe), what=what))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(t("cannot write to the folder {path} ({what}) — give the user running "
                            "procal write access, or choose another folder", path=str(probe),
                            what=what))


def _writable_workbook(source: Any) -> None:
    path = getattr(source, "output_path", None) or getattr(source, "path", None)
    if path is None:
        return  # a Google Sheet: the write scope was checked with the credentials
    path = Path(path)  # an xlsx source's tabs go to <name>.procal.xlsx beside it; CSVs: the folder
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise SourceError(t("{path}: procal cannot write the schedule and status tabs back (no "
                            "write permission) — allow it, or set [sheets] write_back = false",
                            path=str(path)))


def check_before_writing(settings: Any, backend: Any, plans: Iterable[Any], *, book: Any,
                         write_back_target: Any, reports: bool) -> None:
    """Raise the first reason the run cannot write everything it planned; return if it can."""
    from calendar_sync.errors import MassDeleteError

    plans = [p for p in plans if p is not None]
    for plan in plans:
        if plan.blocked:
            raise MassDeleteError(plan.blocked)
    roles = getattr(backend, "access_roles", None) or {}
    for plan in plans:
        for cal in sorted({op.calendar for op in plan.ops}):
            if roles.get(cal) in READ_ONLY_ROLES:
                raise backend.access_error(cal)
    if backend.name == "ics":
        _writable_folder(Path(settings.sync.out_dir), t("the calendar feeds"))
    _writable_folder(Path(settings.sync.ledger_file).parent, t("the state file"))
    if reports:
        _writable_folder(Path(settings.reports_dir), t("the reports"))
    if settings.sheets.write_back and write_back_target is not None:
        _writable_workbook(write_back_target)
