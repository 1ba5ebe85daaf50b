"""The CLI surface an administrator meets first: help texts, switches, --version, -h, -v."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from procal.cli import app

ROOT = Path(__file__).resolve().parents[2]
PROCAL = [sys.executable, "-m", "procal"]


def _procal(args, *, cwd, env=None, timeout=120):
    env = {**os.environ, **(env or {})}
    env.setdefault("PROCAL_GOOGLE_API_ROOT", "http://127.0.0.1:9/")
    return subprocess.run([*PROCAL, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _commands():
    root = typer.main.get_command(app)
    for name, cmd in root.commands.items():
        if hasattr(cmd, "commands"):  # a group (`procal auth …`)
            for sub, subcmd in cmd.commands.items():
                yield f"{name} {sub}", subcmd
        else:
            yield name, cmd


COMMANDS = dict(_commands())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_every_help_text_verbatim_and_no_value_for_switches(name, tmp_path):
    """`[run] backend`, `[google]` must survive (rich markup ate them); a switch shows no `<bool>`
    as if it took a value; `-h` is `--help`."""
    res = _procal([*name.split(), "-h"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    flat = re.sub(r"\s+", " ", res.stdout)
    for param in COMMANDS[name].params:
        help_text = getattr(param, "help", None)
        if help_text and "[" in help_text:
            for bracketed in re.findall(r"\[[^\]]*\]", help_text):
                assert bracketed in flat, f"{name}: {bracketed!r} lost from --help"
    assert "<bool>" not in res.stdout


def test_a_switch_given_a_value_is_refused_not_read_as_the_source(tmp_path, lang_en):
    res = _procal(["run", "--dry-run", "true"], cwd=tmp_path)
    assert res.returncode == 2
    assert "--dry-run" in res.stderr and "takes no value" in res.stderr
    assert "not a Google Sheet" not in res.stderr
    assert not any(tmp_path.iterdir())


def test_version_and_short_help(tmp_path):
    from procal.cli import installed_version

    res = _procal(["--version"], cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.strip() == f"procal {installed_version()}"
    assert installed_version() != "0+unknown"  # the distribution procal-th is installed
    res = _procal(["-h"], cwd=tmp_path)
    assert res.returncode == 0 and "--verbose" in res.stdout and "--version" in res.stdout


def test_verbose_logs_each_google_request_without_secrets(google_env, tmp_path):
    emu = google_env.emulator
    sid = "1VeRbOsEtEsTsHeEt0000000000000000"
    emu.seed_spreadsheet_from_file(sid, ROOT / "examples" / "plans.xlsx")
    for key in ("province", "executives"):
        emu.add_calendar(f"{key}@group.calendar.google.com")
    cfg = tmp_path / "procal.toml"
    cfg.write_text("\n".join([
        "[sync]", f'out_dir = "{(tmp_path / "out").as_posix()}"', 'event_steps = ["contract_signing"]',
        "[sync.google_calendars]", 'province = "province@group.calendar.google.com"',
        'executives = "executives@group.calendar.google.com"',
        '"ผู้บริหาร" = "executives@group.calendar.google.com"',
        "[google]", f'token_file = "{google_env.token_file.as_posix()}"',
    ]) + "\n", encoding="utf-8")
    # `-v` after the sub-command works as well as before it
    res = _procal(["sync", sid, "--config", str(cfg), "--backend", "google", "--dry-run",
                   "--today", "2026-11-25", "-v"], cwd=tmp_path)
    assert res.returncode in (0, 1), res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("procal.google: ")]
    assert lines, res.stderr
    pattern = re.compile(r"^procal\.google: (GET|POST|PUT|PATCH|DELETE) (/\S*) (\d{3}) (\d+) ms$")
    assert all(pattern.match(ln) for ln in lines), lines
    paths = " ".join(ln.split()[2] for ln in lines)
    assert "/token" in paths and "/v4/spreadsheets/" in paths and "/calendar/v3/" in paths
    secrets = [google_env.refresh_token, "test-client-secret", "access_token", "Bearer", "?"]
    assert not any(s in "\n".join(lines) for s in secrets)
    quiet = _procal(["sync", sid, "--config", str(cfg), "--backend", "google", "--dry-run",
                     "--today", "2026-11-25"], cwd=tmp_path)
    assert "procal.google:" not in quiet.stderr


def test_check_reports_every_row_error_run_reports(tmp_path):
    """`procal check` reads every tab `procal run` reads: plans, progress and เบิกจ่าย (the example
    has bad rows in all three) — the same problems, tab for tab and row for row."""
    import json

    from typer.testing import CliRunner

    from procal.cmd_run import run_job
    from procal.settings import from_mapping

    example = ROOT / "examples" / "plans.xlsx"
    res = CliRunner().invoke(app, ["check", str(example), "--format", "json",
                                   "--today", "2026-11-25"])
    assert res.exit_code == 1, res.output
    checked = {(p["tab"], p["row"], p["column"]) for p in json.loads(res.stdout)["problems"]}
    settings = from_mapping({"targets": {"dirs": [str(ROOT / "examples" / "targets")]},
                             "sync": {"out_dir": str(tmp_path / "out")}}, None)
    from datetime import date

    result = run_job(settings, source=str(example), today=date(2026, 11, 25), dry_run=True,
                     backend="ics", progress=False)
    ran = {(p.location.sheet, p.location.row, p.location.column)
           for p in [*result.plan_problems, *result.disbursement_problems]}
    assert "เบิกจ่าย" in {tab for tab, _, _ in ran}
    assert checked == ran


@pytest.mark.parametrize("command", ["check", "export"])
def test_check_and_export_show_progress_on_a_terminal(command, tmp_path):
    """Long reads show a spinner on stderr (as `run` does) when stderr is a terminal; stdout and
    a cron log (no terminal) stay clean. TTY_COMPATIBLE/TTY_INTERACTIVE make rich treat the pipe
    as a terminal."""
    example = str(ROOT / "examples" / "plans.xlsx")
    args = {"check": ["check", example, "--format", "json"],
            "export": ["export", example, "--out", str(tmp_path / "plan.xlsx")]}[command]
    res = _procal(args, cwd=tmp_path, env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"})
    assert res.returncode in (0, 1), res.stderr
    assert "reading plans" in res.stderr
    assert "reading plans" not in res.stdout
    quiet = _procal(args[:-2] + ["--out", str(tmp_path / "plan2.xlsx")] if command == "export"
                    else args, cwd=tmp_path, env={"TTY_COMPATIBLE": "0"})
    assert "reading plans" not in quiet.stderr
