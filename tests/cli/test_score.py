"""``procal score`` and the scoring step of ``procal run`` on the shipped example: the golden
scoreboard, the breakdown, the deductions tab (a bad row is a located error, the rest count), the
ranking chart, the quarterly summary event, follow-up groups from procal.toml."""

import os
from decimal import Decimal
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from procal.cli import EXIT_FAILED, EXIT_ROW_ERRORS, app
from procal.cmd_score import score_job
from procal.settings import from_mapping, load_settings
from schedule_engine.errors import ConfigError
from schedule_engine.scoring import round2
from sheets_io.scoring_io import breakdown_rows

GOLDEN = Path(__file__).parent / "golden" / "scoreboard_example.txt"
runner = CliRunner()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no Google credentials
    return tmp_path


@pytest.fixture(scope="module")
def example():
    return score_job(from_mapping({}), today=date(2026, 11, 25))


def render(board) -> str:
    lines = [f"as of {board.as_of.isoformat()} FY{board.fiscal_year} Q{board.quarter}"]
    for gname, members in board.groups:
        lines.append(f"## {gname}")
        for a in members:
            dims = " ".join(f"{d.id}={round2(v)}" for d, v in a.by_dimension)
            lines.append(f"{a.rank}. {a.agency} | {dims} | -{round2(a.deducted)} | "
                         f"{round2(a.total)} | {a.award.name_th if a.award else '-'}")
            for cs in a.criteria:
                value = "n/a" if cs.value is None else str(round2(cs.value))
                lines.append(f"    {cs.criterion.id}: {value} -> {round2(cs.raw_points)} "
                             f"({round2(cs.points)})")
            for d in a.deductions:
                lines.append(f"    deduction {round2(d.points)}: {d.reason}")
    return "\n".join(lines) + "\n"


def test_example_scoreboard_golden(example):
    board, problems, _ = example
    got = render(board)
    if os.environ.get("PROCAL_REGEN_GOLDEN"):
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")


def test_example_scoreboard_facts(example):
    """Facts checked by hand against the example data (docs/scoring.md works them through)."""
    board, problems, _ = example
    drr = board.agency("แขวงทางหลวงชนบทขอนแก่น")
    # KK70-046 signed on its planned day; KK70-005's planned day is the as-of day (not yet due)
    assert drr.total == 100 and not drr.reweighted and drr.award.name_th == "ดีเด่น"
    doh = board.agency("แขวงทางหลวงขอนแก่นที่ 1")
    # the treasury's deduction of 16 Nov counts (2 points) ...
    assert [d.points for d in doh.deductions if not d.rule] == [2]
    # ... KK70-001's draft hearing (planned 9 Nov) is still not done on 25 Nov: 12 working days
    # late, in the 5–15 band (6 of 10 points)
    worst = next(cs for cs in doh.criteria if cs.criterion.id == "slip_worst")
    assert worst.value == 12 and worst.raw_points == 6 and "KK70-001" in worst.inputs[1]
    assert round2(doh.total) == Decimal("52.00")
    # the 10 Dec deduction is after the as-of date: not yet
    agri = board.agency("สำนักงานเกษตรจังหวัดขอนแก่น")
    assert not [d for d in agri.deductions if not d.rule]
    # the bad row (points typed as a word) is one located error; the others still count
    assert len(problems) == 1
    assert problems[0].location.sheet == "หักคะแนน" and problems[0].location.row == 4
    assert problems[0].location.column == "คะแนนที่หัก"
    # groups by allocation: the two highway offices are large, ranked among themselves
    large = dict(board.groups)["หน่วยงานขนาดใหญ่ (100 ล้านบาทขึ้นไป)"]
    assert {a.agency for a in large} == {"แขวงทางหลวงขอนแก่นที่ 1", "โครงการชลประทานขอนแก่น"}
    assert [a.rank for a in large] == [1, 2]


def test_breakdown_explains_each_point(example):
    board, _, _ = example
    header, rows = breakdown_rows(board)
    doh = [r for r in rows if r[0] == "แขวงทางหลวงขอนแก่นที่ 1"]
    ded = [r for r in doh if r[1] == "หักคะแนน"]
    assert ded and "ส่งรายงาน" in ded[0][3] and "หักคะแนน แถว 2" in ded[0][11]
    disb = next(r for r in doh if r[2] == "disbursement_overall")
    assert "31 ต.ค. 2569" in disb[11] and "เบิกจ่าย แถว" in disb[11]  # the rows used


def test_score_as_of_a_quarter_end_is_stable(in_tmp):
    settings = from_mapping({})
    q1a, _, _ = score_job(settings, today=date(2027, 1, 15), quarter=1)
    q1b, _, _ = score_job(settings, today=date(2027, 3, 20), quarter=1)
    assert q1a.as_of == q1b.as_of == date(2026, 12, 31)
    assert render(q1a) == render(q1b)


def test_procal_score_prints_the_thai_ranking(in_tmp, lang_th):
    res = runner.invoke(app, ["score", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_ROW_ERRORS, res.output  # the example's bad deduction row
    assert "ผลการประเมินหน่วยงาน" in res.output and "ดีเด่น" in res.output
    assert "หน่วยงานขนาดใหญ่" in res.output and "ILLUSTRATIVE" in res.output
    assert "row error: แผ่นงาน 'หักคะแนน', แถว 4, คะแนนที่หัก: 'หนึ่ง' ไม่ใช่ตัวเลขคะแนน" in res.output


def test_procal_score_bad_quarter_and_bad_criteria_are_one_line_errors(in_tmp):
    res = runner.invoke(app, ["score", "--quarter", "5"])
    assert res.exit_code != 0
    (in_tmp / "mine.toml").write_text("total = 100\n[dimensions.a]\nname_th = 'ก'\nweight = 100\n"
                                      "[[criteria]]\nid='x'\nname_th='x'\ndimension='a'\n"
                                      "points=100\nmeasure='speed'\nbands=[{from=0,points=1}]\n",
                                      encoding="utf-8")
    (in_tmp / "procal.toml").write_text('[scoring]\ncriteria = "mine.toml"\n', encoding="utf-8")
    res = runner.invoke(app, ["score", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_FAILED
    assert "mine.toml, criteria.x.measure: unknown measure 'speed'" in res.output


def test_scoring_settings_are_validated(in_tmp):
    with pytest.raises(ConfigError, match="scoring.criteria"):
        from_mapping({"scoring": {"criteria": "nope.toml"}})
    with pytest.raises(ConfigError, match="scoring.groups\\[1\\].members.*already in group"):
        from_mapping({"scoring": {"groups": [
            {"name": "ก", "lead": "A", "members": ["B"]},
            {"name": "ข", "lead": "C", "members": ["B"]}]}})
    with pytest.raises(ConfigError, match="scoring.colour"):
        from_mapping({"scoring": {"colour": 1}})


def test_run_adds_scores_chart_event_and_group_proposals(in_tmp):
    (in_tmp / "procal.toml").write_text("""
[scoring]
write_back = true
[[scoring.groups]]
name = "กลุ่มโครงสร้างพื้นฐาน"
lead = "แขวงทางหลวงชนบทขอนแก่น"
calendar = "followup-infra"
members = ["แขวงทางหลวงขอนแก่นที่ 1", "โครงการชลประทานขอนแก่น", "สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น"]
""", encoding="utf-8")
    res = runner.invoke(app, ["run", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_ROW_ERRORS, res.output
    out = in_tmp / "procal-out"
    wb = openpyxl.load_workbook(out / "reports" / "disbursement-2570-10.xlsx")
    assert {"สรุปคะแนน", "รายละเอียดคะแนน", "หน่วยงาน"} <= set(wb.sheetnames)
    assert (out / "reports" / "charts" / "scores-ranking.png").stat().st_size > 10_000
    # the คะแนน tab went to procal's own workbook beside the copy (never to the example)
    ws = openpyxl.load_workbook(out / "plans.procal.xlsx")["คะแนน"]
    assert ws.cell(row=1, column=4).value == "หน่วยงาน" and ws.max_row == 13  # 12 agencies
    assert ws.cell(row=2, column=ws.max_column - 1).value == "25 พ.ย. 2569"
    import icalendar

    def titles(name):
        cal = icalendar.Calendar.from_ical((out / f"{name}.ics").read_bytes())
        return [str(e.get("SUMMARY")) for e in cal.walk("VEVENT")]

    assert sum("ผลการประเมินหน่วยงาน ไตรมาส 1/2570" in t for t in titles("executives")) == 1
    infra = titles("followup-infra")
    assert sum("เสนอประชุมกลุ่มติดตาม" in t for t in infra) == 1
    assert any("ติดตามเร่งรัดเบิกจ่าย" in t for t in infra)  # members' reminders copied
    before = {n: (out / f"{n}.ics").read_bytes() for n in ("executives", "followup-infra")}
    again = runner.invoke(app, ["run", "--today", "2026-11-25"])
    assert again.exit_code == EXIT_ROW_ERRORS
    assert {n: (out / f"{n}.ics").read_bytes() for n in before} == before


def test_default_settings_have_scoring_on(in_tmp):
    s = load_settings(None)
    assert s.scoring.enabled and not s.scoring.write_back and s.scoring.criteria is None
