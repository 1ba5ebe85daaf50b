"""``procal plan`` / ``procal methods``: golden table at a fixed width, JSON/CSV, one-line errors."""

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from procal.cli import main
from procal.cmd_plan import render_methods, render_table
from schedule_engine.thaitext import display_width, wrap
from schedule_engine import build_timeline, default_calendar, default_rulebook

GOLDEN = Path(__file__).parent / "golden"
ARGS = ["plan", "--method", "e-bidding", "--budget", "3,000,000", "--start", "20 ก.ค. 2565"]


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code or 0, out, err


def _render(lang, width=100):
    t = build_timeline(default_rulebook(), default_calendar(), method="e-bidding", budget="3,000,000",
                       start=date(2022, 7, 20))
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None,
                      legacy_windows=False, force_terminal=False)
    render_table(t, lang, console)
    return console.export_text()


def _render_methods(lang, width):
    rulebook = default_rulebook()
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None,
                      legacy_windows=False, force_terminal=False)
    render_methods(rulebook, date(2026, 10, 1), lang, rulebook.resolve_method("e-bidding"), console)
    return console.export_text()


def _golden(path: Path, got: str) -> str:
    """The golden text; ``PROCAL_REGEN_GOLDEN=1 pytest tests/cli/test_plan.py`` rewrites them
    (needed whenever the rulebook's names, references or days change: docs/messages.md)."""
    if os.environ.get("PROCAL_REGEN_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def _no_split_syllables(text: str, width: int) -> None:
    """No line is wider than the terminal (marks are zero width) and no line starts with a
    combining mark or a following vowel (ะ า ำ): Thai was never cut inside a syllable."""
    for line in text.splitlines():
        assert display_width(line) <= width, line
        cells = line.replace("│", "|").split("|")
        for cell in cells:
            body = cell.strip()
            if body:
                assert not unicodedata.category(body[0]).startswith("M"), line
                assert body[0] not in "ะาำๅ", line


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("lang", ["th", "en"])
def test_plan_table_golden(lang, width):
    # The dates in these files were counted by hand (see tests/schedule_engine/test_timeline.py:
    # 20 Jul 2565 → TOR 5 Aug, approval 10 Aug, invitation 18 Aug, bid 19 Aug, evaluation 26 Aug,
    # winner 30 Aug, appeal 8 Sep, contract 9 Sep 2565).
    got = _render(lang, width)
    assert got == _golden(GOLDEN / f"plan_ebidding_3m_{lang}_{width}.txt", got)
    _no_split_syllables(got, width)
    for day in (("9 ก.ย. 2565", "30 ส.ค. 2565") if lang == "th" else ("9 Sep 2022", "30 Aug 2022")):
        assert day in got
    # total = 10+3+5+1+5+2+7+1 = 34 working days; 20 Jul → 9 Sep 2022 = 51 calendar days
    assert ("รวม 34 วันทำการ (51 วันปฏิทิน)" if lang == "th" else "total 34 working days (51 calendar days)") in got
    if lang == "th":  # whole words, never the fragments the old fold produced
        assert "อุทธรณ์" in got and "ราค\n" not in got and "│ า" not in got


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("lang", ["th", "en"])
def test_methods_table_golden(lang, width):
    got = _render_methods(lang, width)
    assert got == _golden(GOLDEN / f"methods_ebidding_{lang}_{width}.txt", got)
    _no_split_syllables(got, width)
    legend = "".join(got.rsplit("┘", 1)[1].split())  # the text after the last table
    for letter in "PTSU":
        assert f"{letter}=" in legend


def test_thai_wrapping_is_at_word_boundaries():
    assert wrap("การเสนอราคาระยะเวลาอุทธรณ์", 11) == ["การเสนอราคา", "ระยะเวลา", "อุทธรณ์"]
    for piece in wrap("ผู้ว่าราชการจังหวัดขอนแก่น", 4):  # cut inside a word: between syllables
        assert not unicodedata.category(piece[0]).startswith("M") and piece[0] not in "ะาำ"
    assert display_width("ที่นี่ น้ำ") == 5  # ที่ นี่ (1 each), space, น้ำ (น + ำ; the tone mark is 0)


def test_plan_table_default_is_thai_be(capsys):
    code, out, _ = run(ARGS, capsys)
    assert code == 0
    assert "ระยะเวลาอุทธรณ์" in out and "8 ก.ย. 2565" in out and "9 ก.ย. 2565" in out


def test_plan_json_is_timeline_to_dict(capsys):
    code, out, _ = run(ARGS + ["--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"method", "tier", "budget", "start", "contract_date", "appeal_filed", "steps"}
    assert data["contract_date"] == "2022-09-09" and data["start"] == "2022-07-20"
    assert set(data["steps"][0]) == {"code", "name_th", "name_en", "days", "min_days", "min_days_known",
                                     "max_days", "unit", "start", "end", "legal_ref", "confidence",
                                     "branch"}
    assert [s["code"] for s in data["steps"]][-2:] == ["appeal", "contract_signing"]


def test_plan_csv_backward_with_overrides(capsys):
    code, out, _ = run(["plan", "-m", "ประกวดราคาอิเล็กทรอนิกส์", "-b", "๖,๐๐๐,๐๐๐", "--contract-by",
                        "30/09/2565", "--days", "invitation=12", "-f", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by = {r["code"]: r for r in rows}
    assert by["invitation"]["days"] == "12" and by["invitation"]["min_days"] == "10"
    assert by["contract_signing"]["end"] <= "2022-09-30"
    assert "draft_hearing" in by


def test_plan_with_optional_step_and_explain(capsys):
    code, out, _ = run(ARGS + ["--with", "draft_hearing", "--explain", "--lang", "en"], capsys)
    assert code == 0
    assert "Public hearing" in out
    assert "Bridge Public Holiday" in out and "HM King Maha Vajiralongkorn's Birthday" in out
    assert "ม.117" in out


@pytest.mark.parametrize("extra, fragment", [
    (["--days", "invitation=4"], "below the legal minimum of 5 working days"),
    (["--days", "invitation"], "is not CODE=N"),
    (["--without", "appeal"], "mandatory"),
    (["--with", "bogus"], "has no step 'bogus'"),
])
def test_plan_errors_are_one_line_exit_2(capsys, extra, fragment, lang_en):
    code, out, err = run(ARGS + extra, capsys)
    assert code == 2
    assert fragment in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, fragment", [
    (["plan", "-m", "e-bidding", "-b", "450,000", "-s", "20/07/2565"], "500,000.01"),
    (["plan", "-m", "auction", "-b", "1000000", "-s", "20/07/2565"], "unknown procurement method"),
    (["plan", "-m", "e-bidding", "-b", "1000000", "-s", "20/07/65"], "two-digit year"),
    (["plan", "-m", "e-bidding", "-b", "1000000", "-s", "31/02/2565"], "not a real date"),
    (["plan", "-m", "e-bidding", "-b", "lots", "-s", "20/07/2565"], "not an amount"),
    (["plan", "-m", "e-bidding", "-b", "1000000"], "no date given"),
])
def test_bad_input_exit_2(capsys, argv, fragment, lang_en):
    code, _, err = run(argv, capsys)
    assert code == 2 and fragment in err


def test_methods_lists_minimums_and_sources(capsys):
    code, out, _ = run(["methods", "--lang", "en", "--on", "2024-01-15"], capsys)
    assert code == 0
    for text in ("e-bidding", "> 50,000,000", "ม.117", "consultant-general",
                 "design-specific"):
        assert text in out
    code, out, _ = run(["methods", "-m", "e-bidding", "-f", "json", "--on", "2024-01-15"], capsys)
    data = json.loads(out)
    assert [t["code"] for t in data[0]["tiers"]] == ["0.5-5m", "5-10m", "10-50m", "over-50m"]
    inv = [[s for s in t["steps"] if s["code"] == "invitation"][0]["min_days"] for t in data[0]["tiers"]]
    assert inv == [5, 10, 12, 20]


def test_real_process_exit_code_and_tz():
    env = dict(os.environ, TZ="America/Los_Angeles")
    exe = Path(sys.executable).with_name("procal")
    ok = subprocess.run([str(exe), *ARGS, "-f", "json"], capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)["contract_date"] == "2022-09-09"
    bad = subprocess.run([str(exe), *ARGS, "--days", "appeal=3"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert bad.returncode == 2 and "ม.117" in bad.stderr and "Traceback" not in bad.stderr


def test_date_outside_calendar_is_one_line(capsys):
    code, _, err = run(["plan", "-m", "e-bidding", "-b", "3000000", "-s", "2100-01-01"], capsys)
    assert code == 2 and "outside the working calendar" in err and "2600" in err


def test_explain_travels_in_the_json(capsys):
    code, out, err = run(ARGS + ["-f", "json", "--explain"], capsys)
    data = json.loads(out)
    assert code == 0 and data["contract_date"] == "2022-09-09"
    steps = data["explanation"]["steps"]
    assert [s["code"] for s in steps] == [s["code"] for s in data["steps"]]
    appeal = next(s["text"] for s in steps if s["code"] == "appeal")
    assert "ม.117" in appeal and "8 ก.ย. 2565" in appeal
    assert "ม.117" not in err  # stdout is the whole answer; stderr only for notes


def test_explain_says_one_working_day(capsys):
    code, out, _ = run(["--lang", "en"] + ARGS + ["-f", "json", "--explain"], capsys)
    steps = {s["code"]: s["text"] for s in json.loads(out)["explanation"]["steps"]}
    assert code == 0
    assert "1 working day (minimum 1)" in steps["contract_signing"]
    assert "7 working days (minimum 7)" in steps["appeal"]
    assert "working days (minimum 1)" not in steps["contract_signing"]
