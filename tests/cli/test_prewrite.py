"""Exit 2 means nothing was written.

Every check that can fail ``procal run`` — settings, targets of the fiscal year reconciled, calendars
mapped, reachable and writable, credentials, the folders written to, write-back permission — runs
before the first write. After each such failure the out folder (feeds, state file, reports), the
workbook and the calendars (ICS files, the Google emulator's calendars and sheet) are byte-identical
to what they were before the failed run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from google_access import scopes_for
from procal.cli import EXIT_FAILED, EXIT_ROW_ERRORS, app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
FIRST, LATER = "2026-11-25", "2026-12-21"  # LATER: statuses and reminders change → writes planned


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(cfg: Path, *args: str, today: str = LATER):
    return runner.invoke(app, ["run", "--config", str(cfg), "--today", today, *args])


# --------------------------------------------------------------------------------- ICS backend
def _ics_job(tmp_path: Path, **sections: list[str]) -> Path:
    job = tmp_path / "job"
    if not job.exists():
        job.mkdir()
        shutil.copyfile(ROOT / "examples" / "plans.xlsx", job / "plans.xlsx")
        shutil.copytree(ROOT / "examples" / "targets", job / "targets")
    text = {"run": ['source = "plans.xlsx"', 'backend = "ics"'],
            "targets": ['dirs = ["targets"]'], "sync": [f'out_dir = "{(job / "out").as_posix()}"']}
    text.update(sections)
    cfg = job / "procal.toml"
    cfg.write_text("".join(f"[{k}]\n" + "".join(f"{x}\n" for x in v) for k, v in text.items()),
                   encoding="utf-8")
    return cfg


def test_explicit_example_without_targets_stops_before_writing_anything(tmp_path):
    """`procal run plans.xlsx` on a fresh folder, no targets for FY2570: exit 2, nothing created;
    the hint names the targets/ folder beside procal.toml and [targets] dirs."""
    shutil.copyfile(ROOT / "examples" / "plans.xlsx", tmp_path / "plans.xlsx")
    before = _files(tmp_path)
    res = runner.invoke(app, ["run", str(tmp_path / "plans.xlsx"), "--out", str(tmp_path / "out"),
                              "--today", FIRST, "--backend", "ics"])
    assert res.exit_code == EXIT_FAILED, res.output
    assert not (tmp_path / "out").exists()
    assert _files(tmp_path) == before
    flat = " ".join(res.output.split())
    assert "2570" in flat and "targets/" in flat and "[targets] dirs" in flat
    assert "procal_config" not in flat and "config/targets" not in flat


@pytest.mark.slow
def test_ics_failures_leave_everything_byte_identical(tmp_path, monkeypatch):
    """One good run, then each failure in turn against the same state (a failure writes nothing,
    so every failure starts from the same bytes)."""
    import os

    cfg = _ics_job(tmp_path)
    job = cfg.parent
    first = _run(cfg, today=FIRST)
    assert first.exit_code == EXIT_ROW_ERRORS, first.output
    assert (job / "out" / "procal-state.sqlite").is_file() and (job / "out" / "province.ics").is_file()
    assert (job / "plans.procal.xlsx").is_file()
    good = cfg.read_text()
    (job / "not-a-folder").write_text("x")
    real_access = os.access
    plans = str(job / "plans.procal.xlsx")  # where the schedule/status tabs are written
    for failure in ("settings", "targets", "reports-folder", "write-back"):
        cfg.write_text(good, encoding="utf-8")
        if failure == "settings":
            cfg.write_text(good + "[reconcile]\nbehind_pp = -1\n", encoding="utf-8")
        elif failure == "targets":
            _ics_job(tmp_path, targets=[])
        elif failure == "reports-folder":
            _ics_job(tmp_path, run=['source = "plans.xlsx"', 'backend = "ics"',
                                    f'reports_dir = "{(job / "not-a-folder" / "reports").as_posix()}"'])
        elif failure == "write-back":  # a workbook the job may not write
            monkeypatch.setattr(os, "access", lambda p, m, *a, **k: False if str(p) == plans
                                else real_access(p, m, *a, **k))
        before = _files(job)
        res = _run(cfg)
        assert res.exit_code == EXIT_FAILED, (failure, res.output)
        assert "Traceback" not in res.output
        assert _files(job) == before, f"{failure}: something was written before the failure"
        monkeypatch.undo()


# ------------------------------------------------------------------------------ Google backend
SID = "1PrEwRiTeChEcKsKhOnKaEn2570aBcDeF"
CALS = {"province": "province@group.calendar.google.com",
        "executives": "executives@group.calendar.google.com",
        "ผู้บริหาร": "executives@group.calendar.google.com"}


def _google_cfg(tmp_path, env, *, calendars=None, token_file=None, write_back=True) -> Path:
    cals = CALS if calendars is None else calendars
    lines = [
        "[run]", f'source = "https://docs.google.com/spreadsheets/d/{SID}/edit"',
        'backend = "google"',
        "[targets]", f'dirs = ["{(ROOT / "examples" / "targets").as_posix()}"]',
        "[sheets]", f"write_back = {'true' if write_back else 'false'}",
        "[sync]", f'out_dir = "{(tmp_path / "out").as_posix()}"', 'event_steps = ["contract_signing"]',
        "[sync.google_calendars]", *[f'"{k}" = "{v}"' for k, v in cals.items()],
        "[google]", f'token_file = "{(token_file or env.token_file).as_posix()}"',
        "requests_per_minute = 1000000", "sheets_requests_per_minute = 1000000",
        "max_backoff_seconds = 0.01", "max_retries = 1",
    ]
    path = tmp_path / "procal.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _google_state(emu, tmp_path) -> str:
    dump = emu.dump()
    return json.dumps({"calendars": dump["calendars"], "spreadsheets": dump["spreadsheets"],
                       "out": _files(tmp_path / "out")}, sort_keys=True, ensure_ascii=False)


@pytest.mark.slow
def test_google_failures_leave_calendars_sheet_and_out_folder_identical(google_env, tmp_path):
    emu = google_env.emulator
    emu.seed_spreadsheet_from_file(SID, ROOT / "examples" / "plans.xlsx")
    for cid in set(CALS.values()):
        emu.add_calendar(cid)
    cfg = _google_cfg(tmp_path, google_env)
    first = _run(cfg, today=FIRST)
    assert first.exit_code == EXIT_ROW_ERRORS, first.output
    assert emu.events(CALS["executives"])
    token = google_env.token_file.read_text()
    for failure in ("unmapped-calendar", "missing-calendar", "read-only-calendar", "credentials",
                    "write-back-scope", "targets"):
        cfg = _google_cfg(tmp_path, google_env)
        google_env.token_file.write_text(token)
        emu.set_access_role(CALS["executives"], "owner")
        if failure == "unmapped-calendar":
            _google_cfg(tmp_path, google_env, calendars={"province": CALS["province"]})
        elif failure == "missing-calendar":
            gone = "gone@group.calendar.google.com"
            _google_cfg(tmp_path, google_env, calendars={**CALS, "executives": gone,
                                                         "ผู้บริหาร": gone})
        elif failure == "read-only-calendar":
            emu.set_access_role(CALS["executives"], "reader")
        elif failure == "credentials":
            _google_cfg(tmp_path, google_env, token_file=tmp_path / "no-such-token.json")
        elif failure == "write-back-scope":
            data = json.loads(token)
            data["scopes"] = scopes_for(False)  # a login that may only read the sheet
            google_env.token_file.write_text(json.dumps(data))
        elif failure == "targets":
            cfg.write_text(cfg.read_text().replace(
                f'dirs = ["{(ROOT / "examples" / "targets").as_posix()}"]', "dirs = []"))
        before = _google_state(emu, tmp_path)
        res = _run(cfg)
        assert res.exit_code == EXIT_FAILED, (failure, res.output)
        assert "Traceback" not in res.output
        assert _google_state(emu, tmp_path) == before, f"{failure}: written before the failure"
        flat = " ".join(res.output.split())
        if failure == "missing-calendar":
            assert "gone@group.calendar.google.com" in flat and "Make changes to events" in flat
        if failure == "read-only-calendar":
            assert CALS["executives"] in flat and "Make changes to events" in flat
