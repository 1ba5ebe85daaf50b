"""A Google login saved with read-only Sheets access (``procal auth login --read-only-sheets``):
every command that does not write the sheet works with it; one that would write the sheet back
stops at once with the login hint. Over real HTTP against the loopback emulator."""

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from google_access import scopes_for
from procal.cli import EXIT_FAILED, EXIT_ROW_ERRORS, app

ROOT = Path(__file__).resolve().parents[2]
SID = "1ReAdOnLyScOpEsKhOnKaEn2570aBcDeFgH"
URL = f"https://docs.google.com/spreadsheets/d/{SID}/edit"
CALS = {"province": "province@group.calendar.google.com",
        "executives": "executives@group.calendar.google.com"}
runner = CliRunner()


@pytest.fixture
def read_only(google_env, tmp_path):
    """The emulator holds a small plan sheet; the saved login has read-only Sheets scope."""
    wb = openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx")
    wb["แผนจัดซื้อจัดจ้าง"].delete_rows(8, 200)  # six projects
    wb["ผลการดำเนินงาน"].delete_rows(2, 500)
    small = tmp_path / "small.xlsx"
    wb.save(small)
    emu = google_env.emulator
    emu.seed_spreadsheet_from_file(SID, small)
    for cid in CALS.values():
        emu.add_calendar(cid)
    data = json.loads(google_env.token_file.read_text())
    data["scopes"] = scopes_for(False)
    google_env.token_file.write_text(json.dumps(data))
    return google_env


def _config(tmp_path, env, write_back: bool) -> Path:
    lines = [
        "[run]", f'source = "{URL}"', 'backend = "google"',
        "[targets]", f'dirs = ["{(ROOT / "examples" / "targets").as_posix()}"]',
        "[sheets]", f"write_back = {'true' if write_back else 'false'}",
        "[sync]", f'out_dir = "{(tmp_path / "out").as_posix()}"', 'event_steps = ["contract_signing"]',
        "[sync.google_calendars]", *[f'"{k}" = "{v}"' for k, v in CALS.items()],
        "[google]", f'token_file = "{env.token_file.as_posix()}"',
        "requests_per_minute = 1000000", "sheets_requests_per_minute = 1000000",
        "max_backoff_seconds = 0.01",
    ]
    path = tmp_path / f"procal-{write_back}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_only_login_runs_everything_that_does_not_write_the_sheet(read_only, tmp_path):
    emu = read_only.emulator
    cfg = _config(tmp_path, read_only, write_back=False)
    # procal run with write-back off: milestones and reminders on Google, the sheet untouched
    res = runner.invoke(app, ["run", "--config", str(cfg), "--today", "2026-11-25"])
    assert res.exit_code == EXIT_ROW_ERRORS, res.output  # the two bad disbursement rows
    assert [e for e in emu.events(CALS["executives"]) if "extendedProperties" in e]
    assert "schedule" not in emu.spreadsheet_tabs(SID)
    # procal sync only reads the sheet
    sync = runner.invoke(app, ["sync", URL, "--config", str(cfg), "--today", "2026-11-25"])
    assert sync.exit_code == 0, sync.output
    # procal check --write with write_back = false writes nothing, so it needs no write scope
    check = runner.invoke(app, ["check", URL, "--config", str(cfg), "--write"])
    assert check.exit_code in (0, 1), check.output
    # procal report only reads
    rep = runner.invoke(app, ["report", "--config", str(cfg), "--today", "2026-11-25",
                              "--out", str(tmp_path / "rep")])
    assert rep.exit_code == EXIT_ROW_ERRORS, rep.output
    assert "schedule" not in emu.spreadsheet_tabs(SID)


def test_write_back_with_a_read_only_login_stops_with_the_login_hint(read_only, tmp_path):
    cfg = _config(tmp_path, read_only, write_back=True)
    for args in (["run", "--config", str(cfg), "--today", "2026-11-25"],
                 ["run", "--config", str(cfg), "--today", "2026-11-25", "--dry-run"],
                 ["check", URL, "--config", str(cfg), "--write"]):
        res = runner.invoke(app, args)
        assert res.exit_code == EXIT_FAILED, (args, res.output)
        text = " ".join(res.output.split())
        assert "spreadsheets" in text and "procal auth login" in text, res.output
    assert "schedule" not in read_only.emulator.spreadsheet_tabs(SID)
    assert not [e for e in read_only.emulator.events(CALS["executives"])
                if "extendedProperties" in e]
