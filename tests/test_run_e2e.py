"""End to end through the loopback Google emulator: the example workbook as a Google Sheet →
milestones and executive reminders on Google calendars, schedule/status written back; a second run
changes nothing; an agency catching up gets its reminder marked resolved."""

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from procal.cli import EXIT_ROW_ERRORS, app
from procal.cmd_run import run_job
from procal.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SID = "1PrOcAlExAmPlEkHoNkAeN2570aBcDeFgH"
TODAY = date(2026, 11, 25)
CALS = {"province": "province@group.calendar.google.com",
        "executives": "executives@group.calendar.google.com",
        "ผู้บริหาร": "governor@group.calendar.google.com"}


def _config(tmp_path, google_env) -> Path:
    lines = [
        "[run]", f'source = "https://docs.google.com/spreadsheets/d/{SID}/edit"', 'backend = "google"',
        "[targets]", f'dirs = ["{(ROOT / "examples" / "targets").as_posix()}"]',
        "[sync]", f'out_dir = "{(tmp_path / "out").as_posix()}"', 'event_steps = ["contract_signing"]',
        "requests_per_minute = 600",
        "[sync.google_calendars]", *[f'"{k}" = "{v}"' for k, v in CALS.items()],
        "[google]", f'token_file = "{google_env.token_file.as_posix()}"',
        "requests_per_minute = 1000000", "sheets_requests_per_minute = 1000000",
        "max_backoff_seconds = 0.01",
    ]
    path = tmp_path / "procal.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _live(emu, cal_id):
    return [e for e in emu.events(cal_id) if e.get("status") != "cancelled"]


def _reminders(emu, agency):
    return [e for e in _live(emu, CALS["executives"])
            if e.get("extendedProperties", {}).get("private", {}).get("procal_kind") == "reminder"
            and agency in e.get("summary", "")]


def test_example_workbook_end_to_end_through_google(google_env, tmp_path):
    emu = google_env.emulator
    emu.seed_spreadsheet_from_file(SID, ROOT / "examples" / "plans.xlsx")
    for cid in CALS.values():
        emu.add_calendar(cid)
    emu.insert_foreign_event(CALS["executives"], {
        "summary": "ประชุมกรมการจังหวัด", "start": {"dateTime": "2026-11-26T09:00:00+07:00"},
        "end": {"dateTime": "2026-11-26T12:00:00+07:00"}})
    cfg = _config(tmp_path, google_env)

    # first run, through the CLI: row errors in the example → exit 1, everything else done
    res = CliRunner().invoke(app, ["run", "--config", str(cfg), "--today", TODAY.isoformat()])
    assert res.exit_code == EXIT_ROW_ERRORS, res.output
    assert "procal run" in res.output

    execs = _live(emu, CALS["executives"])
    kinds = [e["extendedProperties"]["private"]["procal_kind"] for e in execs
             if "extendedProperties" in e]
    assert kinds.count("summary") == 1 and kinds.count("reminder") >= 5
    foreign = [e for e in execs if e.get("summary") == "ประชุมกรมการจังหวัด"]
    assert len(foreign) == 1  # never touched
    kaset = _reminders(emu, "สำนักงานเกษตรจังหวัดขอนแก่น")
    assert len(kaset) == 1 and "ติดตามเร่งรัดเบิกจ่าย" in kaset[0]["summary"]
    assert kaset[0]["start"]["dateTime"].startswith("2026-11-26T08:30:00")
    assert "ต้องเบิกจ่ายเพิ่มอีก" in kaset[0]["description"]
    assert _live(emu, CALS["province"])  # milestones
    assert {"schedule", "status"} <= set(emu.spreadsheet_tabs(SID))
    assert (tmp_path / "out" / "reports" / "disbursement-2570-10.xlsx").is_file()

    # second run: nothing changes anywhere
    settings = load_settings(cfg)
    before = {e["id"]: e.get("updated") for e in emu.events(CALS["executives"])}
    again = run_job(settings, today=TODAY, progress=False)
    assert again.milestone_report.created == again.milestone_report.updated == 0
    assert again.reminder_report.created == again.reminder_report.updated == 0
    assert again.milestone_report.deleted == again.reminder_report.deleted == 0
    assert {e["id"]: e.get("updated") for e in emu.events(CALS["executives"])} == before

    # สำนักงานเกษตรฯ catches up (row 11, column F = เบิกจ่าย): its reminder is marked resolved
    assert emu.spreadsheet_values(SID, "เบิกจ่าย")[10][0] == "สำนักงานเกษตรจังหวัดขอนแก่น"
    emu.set_cell(SID, "เบิกจ่าย", 11, 6, 2_000_000)
    n_before = len([e for e in _live(emu, CALS["executives"]) if "extendedProperties" in e])
    caught_up = run_job(settings, today=TODAY, progress=False)
    rep = caught_up.reminder_report
    # no duplicate, nothing removed; the agency's event, the summary (and ranks shown in the
    # other agencies' events) are updated in place
    assert rep.created == 0 and rep.deleted == 0 and rep.updated >= 2
    assert len([e for e in _live(emu, CALS["executives"]) if "extendedProperties" in e]) == n_before
    assert caught_up.reconciliation.agency("สำนักงานเกษตรจังหวัดขอนแก่น").total.behind is False
    kaset = _reminders(emu, "สำนักงานเกษตรจังหวัดขอนแก่น")
    assert len(kaset) == 1 and "แก้ไขแล้ว" in kaset[0]["summary"]


def test_a_run_lists_each_google_calendar_once(google_env, tmp_path):
    """The milestone sync, the reminders' look-up of earlier reminders and the reminder sync share
    one listing per calendar (the executives' calendar used to be listed three times per run)."""
    emu = google_env.emulator
    emu.seed_spreadsheet_from_file(SID, ROOT / "examples" / "plans.xlsx")
    for cid in CALS.values():
        emu.add_calendar(cid)
    settings = load_settings(_config(tmp_path, google_env))
    for _ in range(2):  # first run (writes) and a no-change rerun
        n0 = len(emu.requests)
        res = run_job(settings, today=TODAY, progress=False)
        assert res.reminder_plan is not None and res.milestone_plan is not None
        lists = [r for r in list(emu.requests)[n0:] if r.api == "calendar" and r.method == "GET"
                 and r.path.endswith("/events") and not r.inner]
        per_cal = {}
        for r in lists:
            per_cal[r.path] = per_cal.get(r.path, 0) + 1
        assert per_cal and all(n == 1 for n in per_cal.values()), per_cal
    assert res.milestone_report.created == res.reminder_report.created == 0
