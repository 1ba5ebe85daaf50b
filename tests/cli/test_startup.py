"""Start-up: `procal --help` and `procal plan` load only what they use.

Each command runs in a fresh interpreter; the test then reads ``sys.modules``. No timing: a module
that is loaded is loaded however fast the machine is (bench/e2e.py --startup measures the time).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# libraries that neither command needs (each costs tens of milliseconds or more to import)
HEAVY = ("numpy", "matplotlib", "openpyxl", "icalendar", "gspread", "googleapiclient",
         "google.auth", "google.oauth2", "httplib2", "requests", "sqlite3", "starlette", "jinja2",
         "uvicorn", "fpdf", "uharfbuzz", "segno",
         # `holidays.Thailand` imports every country's module through this package; the working
         # calendar loads only holidays.countries.thailand
         "holidays.countries")
NEEDED = ("holidays.countries.thailand",)
# `--help` prints typer's help and nothing else
ENGINE = ("bulk", "catalogue", "dates", "explain", "forecast", "measures", "model", "reconcile",
          "scoring", "targets", "text", "thaitext", "timeline", "workcal")  # all but errors, i18n
HELP_HEAVY = HEAVY + ("rich", "pydantic", "holidays", "pythainlp", "procal.settings", "sheets_io",
                      "calendar_sync", "google_access", *(f"schedule_engine.{m}" for m in ENGINE))

PLAN = ["plan", "-m", "e-bidding", "-b", "3,000,000", "-s", "20 ก.ค. 2565"]

_PROBE = """
import contextlib, io, json, sys
from procal.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main({argv!r})
    except SystemExit as exc:
        code = exc.code
watched = {watched!r}
modules = [m for m in sys.modules if m not in {needed!r}]
loaded = sorted(w for w in watched if any(m == w or m.startswith(w + ".") for m in modules))
trie = sys.modules.get("pythainlp.tokenize")
print(json.dumps({{"code": code, "loaded": loaded, "out": out.getvalue(),
                  "whole_trie": bool(trie and trie.word_dict_trie.cache_info().currsize)}}))
"""


def probe(argv: list[str], watched=HEAVY, columns: int = 80) -> dict:
    """Run ``procal argv`` in a fresh interpreter: which of the ``watched`` modules (or any of
    their submodules) it imported, its exit code and output, whether it built the whole trie."""
    code = _PROBE.format(argv=argv, watched=list(watched), needed=list(NEEDED))
    env = {**os.environ, "COLUMNS": str(columns), "PROCAL_LANG": "th"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_loads_no_engine_and_no_rich():
    got = probe(["--help"], HELP_HEAVY)
    assert got["code"] in (0, None) and "plan" in got["out"]
    assert got["loaded"] == [], f"`procal --help` imports {got['loaded']}"


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_plan_loads_no_heavy_module(fmt, columns):
    got = probe([*PLAN, "--format", fmt], columns=columns)
    assert got["code"] in (0, None)
    assert ("20 ก.ค. 2565" if fmt == "table" else '"start": "2022-07-20"') in got["out"]
    assert got["loaded"] == [], f"`procal plan --format {fmt}` imports {got['loaded']}"
    # PyThaiNLP's whole dictionary trie costs half a second to build; one table needs none of it
    assert not got["whole_trie"]


def test_plan_table_that_fits_needs_no_word_segmenter():
    got = probe(PLAN, ["pythainlp"], columns=200)  # Thai, but every cell fits on its line
    assert "ประกาศเชิญชวน และเผยแพร่เอกสารประกวดราคา" in got["out"]
    assert got["loaded"] == []


def test_probe_sees_what_a_command_imports():
    # the calculator does need the holiday package (the working calendar): the probe must see it
    got = probe(PLAN, ["holidays", "schedule_engine.workcal"])
    assert got["loaded"] == ["holidays", "schedule_engine.workcal"]
    # the Thai module it needs is not counted as the package of all countries
    assert probe(PLAN, ["holidays.countries"])["loaded"] == []
    # and a narrow table does segment Thai words
    assert "pythainlp" in probe(PLAN, ["pythainlp"], columns=60)["loaded"]
