"""Every sub-command's error path, run as the real console script in a subprocess.

Bad input must end with exit 2 and exactly one line on stderr (``error: ...``) — no traceback,
no usage box, no message wrapped across lines (cron mails and logs are read line by line, and a
subprocess has no terminal, so rich falls back to 80 columns). Messages quote what people typed
and name TOML sections like ``[sheets]``; those must come through verbatim, not be eaten as
markup. ``procal auth status`` without credentials is a report, not an error.

Any Google call would go to a closed loopback port (``PROCAL_GOOGLE_API_ROOT``), never the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCAL = [sys.executable, "-m", "procal"]


FILES = {
    "broken.toml": "[sync\nbroken = \n",
    "unknown.toml": "[sync]\nno_such_key = 1\n",
    "corrupt.xlsx": "this is not a workbook\n",
    "wrong-headers.csv": "a,b\n1,2\n",
}

def case(name: str, args: list[str], expected: str, marks=()):
    return pytest.param(args, expected, id=name)


CASES = [
    # (id, argv, what stderr must say)
    case("plan-impossible-date", ["plan", "-m", "e-bidding", "-b", "3000000", "-s", "31 ก.พ. 2565"],
     "'31 ก.พ. 2565' is not a real date"),
    case("plan-unreadable-date", ["plan", "-m", "e-bidding", "-b", "3000000", "-s", "soon"],
     "cannot read 'soon' as a date"),
    case("plan-no-date", ["plan", "-m", "e-bidding", "-b", "3000000"], "no date given"),
    case("plan-unknown-method", ["plan", "-m", "auction", "-b", "1000", "-s", "2022-07-20"],
     "unknown procurement method 'auction'"),
    case("plan-method-looks-like-markup", ["plan", "-m", "[/x]", "-b", "1000", "-s", "2022-07-20"],
     "unknown procurement method '[/x]'"),
    case("plan-bad-budget", ["plan", "-m", "e-bidding", "-b", "lots", "-s", "2022-07-20"],
     "'lots' is not an amount in baht"),
    case("plan-unknown-step", ["plan", "-m", "e-bidding", "-b", "3000000", "-s", "2022-07-20",
                           "-d", "nonsense=5"], "has no step 'nonsense'"),
    case("plan-days-not-a-number", ["plan", "-m", "e-bidding", "-b", "3000000", "-s", "2022-07-20",
                                    "-d", "draft_hearing=abc"], "is not CODE=N"),
    case("plan-below-legal-minimum", ["plan", "-m", "e-bidding", "-b", "3000000", "-s",
                                      "2022-07-20", "-d", "draft_hearing=1"],
         "below the legal minimum of 3 working days"),
    case("plan-mandatory-step-off", ["plan", "-m", "e-bidding", "-b", "3000000", "-s",
                                     "2022-07-20", "--without", "contract_signing"],
         "is mandatory for e-bidding"),
    case("check-missing-file", ["check", "missing.xlsx"], "missing.xlsx: file not found"),
    case("check-corrupt-file", ["check", "corrupt.xlsx"], "corrupt.xlsx: not a readable .xlsx"),
    case("check-wrong-headers", ["check", "wrong-headers.csv"], "under [sheets.headers]"),
    case("check-path-looks-like-markup", ["check", "[/x].xlsx"],
                 "[/x].xlsx: file not found"),
    case("sync-missing-file", ["sync", "missing.xlsx"], "missing.xlsx: file not found"),
    case("sync-corrupt-file", ["sync", "corrupt.xlsx"], "corrupt.xlsx: not a readable .xlsx"),
    case("sync-wrong-headers", ["sync", "wrong-headers.csv"], "under [sheets.headers] in procal.toml"),
    case("sync-unknown-setting", ["sync", "--config", "unknown.toml", "plans.xlsx"],
         "unknown.toml, sync.no_such_key: unknown setting; known: agency_calendars"),
    case("export-wrong-headers", ["export", "wrong-headers.csv", "-o", "plan.xlsx"],
         "under [sheets.headers]"),
    case("sync-path-looks-like-markup", ["sync", "[/x].xlsx"], "[/x].xlsx: file not found"),
    case("run-missing-file", ["run", "missing.xlsx"], "missing.xlsx: file not found"),
    case("run-missing-config", ["run", "--config", "missing.toml"], "missing.toml: cannot read: file not found"),
    case("run-broken-config", ["run", "--config", "broken.toml"],
                 "broken.toml: not valid TOML"),
    case("run-unknown-setting", ["run", "--config", "unknown.toml"],
                 "unknown.toml, sync.no_such_key: unknown setting"),
    # the example's disbursement is FY2570; given explicitly, only the shipped FY2565 targets apply
    case("report-missing-targets-year", ["report", "plans.xlsx", "--out", "rep"],
                 "targets/FY2570.toml"),
    case("init-into-missing-folder", ["init", "no/such/folder/procal.toml"], "no/such/folder"),
    case("serve-missing-folder", ["serve", "--dir", "no-such-folder", "--port", "0"],
         "no-such-folder: no such folder"),
    case("usage-missing-argument", ["check"], "Missing argument 'source'"),
    case("usage-bad-choice", ["plan", "-m", "e-bidding", "-b", "1", "-s", "2022-07-20", "-f", "pdf"],
         "(see `procal plan --help`)"),
    case("report-bad-today", ["report", "--today", "soon", "--out", "rep"],
                 "cannot read 'soon' as a date"),
]


@pytest.fixture
def workdir(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "examples" / "plans.xlsx", tmp_path / "plans.xlsx")
    return tmp_path


def procal(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PROCAL_", "GOOGLE_")) and k not in ("COLUMNS", "LINES")}
    env.update(HOME=str(cwd / "home"), XDG_CONFIG_HOME=str(cwd / "xdg"),  # no saved login
               PROCAL_GOOGLE_API_ROOT="http://127.0.0.1:9/", PYTHONPATH=str(ROOT))
    if "PROCAL_LANG" in os.environ:  # the lang_en fixture: the wording checked below is English
        env["PROCAL_LANG"] = os.environ["PROCAL_LANG"]
    return subprocess.run(PROCAL + args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("args,expected", CASES)
def test_bad_input_is_one_line_and_exit_2(args, expected, workdir, lang_en):
    res = procal(args, workdir)
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{res.stderr}"
    assert lines[0].startswith("error: "), lines[0]
    assert expected in lines[0], lines[0]


def test_auth_status_without_credentials_is_not_an_error(workdir):
    res = procal(["auth", "status"], workdir)
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert "no credentials" in res.stdout
    assert "procal auth login" in res.stdout  # says what to do


def test_the_harness_sees_a_traceback_and_a_multi_line_error(workdir):
    # the assertions above must be able to fail: a crash and a wrapped message are both visible
    crash = subprocess.run([sys.executable, "-c", "raise SystemExit(__import__('x_no_such'))"],
                           capture_output=True, text=True, cwd=workdir)
    assert "Traceback" in crash.stderr and crash.returncode == 1
    wrapped = subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('error: a\\nb\\n')"],
                             capture_output=True, text=True, cwd=workdir)
    assert len(wrapped.stderr.strip().splitlines()) > 1


def test_plan_past_the_announced_holidays_warns_on_stderr(workdir):
    from schedule_engine import default_calendar

    year = default_calendar().announced_through + 1
    res = procal(["plan", "-m", "e-bidding", "-b", "3000000", "-s", f"{year}-03-01", "-f", "json"],
                 workdir)
    assert res.returncode == 0, res.stderr
    assert res.stdout.lstrip().startswith("{")  # stdout stays machine-readable
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("note: ") and str(year + 543) in lines[0]
    ok = procal(["plan", "-m", "e-bidding", "-b", "3000000", "-s", "2022-07-20", "-f", "json"],
                workdir)
    assert ok.returncode == 0 and ok.stderr == ""
