"""procal run / report / init on the shipped example (ICS, no Google), settings validation, exits."""

import tomllib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from procal.cli import EXIT_FAILED, EXIT_OK, EXIT_ROW_ERRORS, app
from procal.settings import TEMPLATE, from_mapping, load_settings
from schedule_engine.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no Google credentials
    return tmp_path


def test_run_with_no_arguments_uses_the_example_and_writes_ics_reports_state(in_tmp, lang_en):
    res = runner.invoke(app, ["run", "--today", "2026-11-25"])
    # the example carries deliberate bad rows: finished, with row errors
    assert res.exit_code == EXIT_ROW_ERRORS, res.output
    out = in_tmp / "procal-out"
    assert (out / "procal-state.sqlite").is_file()
    import icalendar

    cal = icalendar.Calendar.from_ical((out / "executives.ics").read_bytes())
    titles = [str(e.get("SUMMARY")) for e in cal.walk("VEVENT")]
    assert any("ติดตามเร่งรัดเบิกจ่าย" in t for t in titles)
    assert sum("สรุปการเบิกจ่ายจังหวัด" in t for t in titles) == 1
    assert (out / "province.ics").is_file()
    assert (out / "reports" / "disbursement-2570-10.xlsx").is_file()
    assert (out / "reports" / "charts" / "province-progress.png").is_file()
    # write-back went to the copy, never to the shipped example
    assert {"schedule", "status"} <= set(openpyxl.load_workbook(out / "plans.procal.xlsx").sheetnames)
    assert (out / "plans.xlsx").read_bytes() == (ROOT / "examples" / "plans.xlsx").read_bytes()
    assert "schedule" not in openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx").sheetnames
    assert "ILLUSTRATIVE" in res.output
    # a second run changes nothing; a dry run writes nothing
    before = (out / "executives.ics").read_bytes()
    again = runner.invoke(app, ["run", "--today", "2026-11-25"])
    assert again.exit_code == EXIT_ROW_ERRORS
    assert (out / "executives.ics").read_bytes() == before
    dry = runner.invoke(app, ["run", "--today", "2026-12-15", "--dry-run"])
    assert dry.exit_code == EXIT_ROW_ERRORS and "dry run" in dry.output
    assert (out / "executives.ics").read_bytes() == before


def test_dry_run_on_a_fresh_folder_writes_nothing(in_tmp):
    res = runner.invoke(app, ["run", "--today", "2026-11-25", "--dry-run"])
    assert res.exit_code == EXIT_ROW_ERRORS, res.output
    assert not (in_tmp / "procal-out").exists() or not any((in_tmp / "procal-out").iterdir())


def test_clean_source_exits_zero(in_tmp, lang_en):
    wb = openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx")
    plans = wb["แผนจัดซื้อจัดจ้าง"]
    keep = [r for r in plans.iter_rows(values_only=True)][:6]
    for ws in list(wb.worksheets):
        wb.remove(ws)
    ws = wb.create_sheet("แผนจัดซื้อจัดจ้าง")
    for r in keep:
        ws.append(list(r))
    ws = wb.create_sheet("เบิกจ่าย")
    ws.append(["หน่วยงาน", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "ได้รับจัดสรร", "ก่อหนี้ผูกพัน",
               "เบิกจ่าย", "ข้อมูล ณ วันที่"])
    ws.append(["แขวงทางหลวงขอนแก่นที่ 1", "งบลงทุน", "งบส่วนราชการ", 1000, 0, 500, date(2021, 11, 30)])
    wb.save(in_tmp / "clean.xlsx")
    res = runner.invoke(app, ["run", "clean.xlsx", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_OK, res.output
    assert "FY2565" in res.output


def test_missing_targets_year_fails_with_the_file_to_add(in_tmp):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "แผนจัดซื้อจัดจ้าง"
    src = openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx")["แผนจัดซื้อจัดจ้าง"]
    for r in list(src.iter_rows(values_only=True))[:3]:
        ws.append(list(r))
    d = wb.create_sheet("เบิกจ่าย")
    d.append(["หน่วยงาน", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "ได้รับจัดสรร", "เบิกจ่าย", "ข้อมูล ณ วันที่"])
    d.append(["ก", "งบประจำ", "งบจังหวัด", 100, 10, date(2026, 10, 31)])
    wb.save(in_tmp / "x.xlsx")
    res = runner.invoke(app, ["run", "x.xlsx", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_FAILED
    flat = " ".join(res.output.split())
    assert "2570" in flat and "targets/FY2570.toml" in flat and "[targets] dirs" in flat
    assert "config/targets" not in flat  # the folder the guide uses, not the package's own
    assert not (in_tmp / "procal-out").exists()  # exit 2: nothing written


def test_installed_without_checkout_says_to_pass_a_source(in_tmp, monkeypatch):
    import procal.cmd_run as cmd_run

    monkeypatch.setattr(cmd_run, "repo_root", lambda: None)
    monkeypatch.setattr(cmd_run, "_installed_examples", lambda: None)  # a wheel ships them
    res = runner.invoke(app, ["run"])
    assert res.exit_code == EXIT_FAILED
    assert "pass a source" in res.output.lower() and "examples/plans.xlsx" in res.output
    assert "[run] source" in " ".join(res.output.split())


def test_init_writes_a_valid_commented_config(in_tmp):
    res = runner.invoke(app, ["init"])
    assert res.exit_code == 0
    text = (in_tmp / "procal.toml").read_text(encoding="utf-8")
    assert text == TEMPLATE and text.count("#") > 30
    s = load_settings(in_tmp / "procal.toml")
    assert s.targets.mode == "pro_rata" and s.sync.executives_calendar == "executives"
    assert runner.invoke(app, ["init"]).exit_code == EXIT_FAILED  # no silent overwrite


@pytest.mark.parametrize("toml, key", [
    ("[run]\nbackend = 'cloud'\n", "run.backend"),
    ("[run]\nsorce = 'x.xlsx'\n", "run.sorce"),
    ("[targets]\nmode = 'monthly'\n", "targets.mode"),
    ("[targets]\ndirs = ['nowhere']\n", "targets.dirs"),
    ("[reconcile]\nbehind_pp = -1\n", "reconcile.behind_pp"),
    ("[reconcile]\nbehind_pp = 10\ncritical_pp = 5\n", "reconcile.critical_pp"),
    ("[reconcile]\nremind_from = 'on_track'\n", "reconcile.remind_from"),
    ("[reconcile]\nreminder_time = 'soon'\n", "reconcile.reminder_time"),
    ("[sync]\nbatch_size = 500\n", "sync.batch_size"),
    ("[sheets]\nplans_tab = ''\n", "sheets.plans_tab"),
    ("[google]\nsubject = 'nobody'\n", "google.subject"),
    ("[report]\nx = 1\n", "report"),
])
def test_invalid_configuration_names_key_and_fails_at_start(in_tmp, toml, key):
    with pytest.raises(ConfigError) as err:
        from_mapping(tomllib.loads(toml), str(in_tmp / "procal.toml"))
    assert err.value.key == key and "procal.toml" in str(err.value)
    (in_tmp / "procal.toml").write_text(toml, encoding="utf-8")
    res = runner.invoke(app, ["run", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_FAILED and key in res.output
    assert not (in_tmp / "procal-out").exists()


def test_report_command_writes_xlsx_and_pngs(in_tmp):
    res = runner.invoke(app, ["report", "--today", "2026-11-25", "--out", "rep"])
    assert res.exit_code == EXIT_ROW_ERRORS, res.output  # the two bad disbursement rows
    assert (in_tmp / "rep" / "disbursement-2570-10.xlsx").is_file()
    assert len(list((in_tmp / "rep" / "charts").glob("*.png"))) == 4


def test_plans_without_a_disbursement_tab_still_sync_milestones(in_tmp):
    wb = openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx")
    for name in ("เบิกจ่าย", "ผลการดำเนินงาน", "หักคะแนน"):
        wb.remove(wb[name])
    plans = wb["แผนจัดซื้อจัดจ้าง"]
    plans.delete_rows(8, plans.max_row)  # keep a few clean rows
    wb.save(in_tmp / "plans-only.xlsx")
    res = runner.invoke(app, ["run", "plans-only.xlsx", "--today", "2026-11-25"])
    assert res.exit_code == EXIT_OK, res.output
    assert "no disbursement tab" in res.output
    assert (in_tmp / "procal-out" / "province.ics").is_file()
    assert not (in_tmp / "procal-out" / "reports").exists()
    rep = runner.invoke(app, ["report", "plans-only.xlsx", "--today", "2026-11-25"])
    assert rep.exit_code == EXIT_FAILED and "เบิกจ่าย" in rep.output


def _dry_run_example(in_tmp, reconcile: dict | None = None):
    """``procal run --dry-run`` on the shipped example, as the result object."""
    import io

    from rich.console import Console

    from procal.cmd_run import run_job

    settings = from_mapping({"reconcile": reconcile or {}}, str(in_tmp / "procal.toml"))
    res = run_job(settings, today=date(2026, 11, 25), dry_run=True, progress=False,
                  console=Console(file=io.StringIO()))
    reminded = {r.key.split("/", 2)[2] for r in res.reminder_plan.rows
                if r.key.startswith("reminder/")}
    return settings, res, reminded


@pytest.mark.parametrize("value, expected", [
    ([], None),  # None = [sync] event_steps
    (["*"], ()),
    (["invitation", "contract_signing"], ("invitation", "contract_signing")),
])
def test_late_steps_setting(in_tmp, value, expected):
    s = from_mapping({"reconcile": {"late_steps": value}}, "procal.toml")
    assert s.late_step_codes == (tuple(s.sync.event_steps) if expected is None else expected)
    assert from_mapping({}, None).late_step_codes == tuple(s.sync.event_steps)
    custom = from_mapping({"sync": {"event_steps": ["bid_submission"]}}, None)
    assert custom.late_step_codes == ("bid_submission",)
    with pytest.raises(ConfigError) as err:
        from_mapping({"reconcile": {"late_steps": ["*", "appeal"]}}, "procal.toml")
    assert err.value.key == "reconcile.late_steps"


def test_internal_steps_do_not_make_executive_reminders_by_default(in_tmp):
    settings, res, reminded = _dry_run_example(in_tmp)
    recon = res.reconciliation
    key_steps = set(settings.sync.event_steps)
    assert recon.late_milestones  # the example has late key milestones ...
    assert {m.step_code for m in recon.late_milestones} <= key_steps  # ... and only those count
    # every reminded agency is short of its target, late on a key milestone or has a project
    # that will miss its contract deadline (early warning), nothing else
    risky = set(res.at_risk)
    assert risky  # the example has projects at risk
    expected = {a.agency for a in recon.agencies
                if a.worst_severity.value != "on_track"
                or any(m.step_code in key_steps for m in a.late_milestones)} | risky
    assert reminded == expected
    # late_steps = ["*"]: internal steps (TOR drafting, purchase approval) count too
    _, every, every_reminded = _dry_run_example(in_tmp, {"late_steps": ["*"]})
    internal = {m.step_code for m in every.reconciliation.late_milestones} - key_steps
    assert internal & {"tor_and_reference_price", "purchase_approval"}
    # the example: a few agencies reminded, not every one; counting internal steps would add the
    # agencies that record only their key milestones (flooding the executives)
    assert 3 <= len(reminded) < len(recon.agencies)
    assert reminded < every_reminded
    # both reasons occur: short of target only, late on a key milestone only
    short = {a.agency for a in recon.agencies if a.worst_severity.value != "on_track"}
    assert reminded - short and short - {m.agency for m in recon.late_milestones}


def test_example_progress_tab_is_mostly_on_track(in_tmp):
    """Most projects have recorded every step already past; a couple finished steps early."""
    from sheets_io.plans import read_plans

    from schedule_engine import default_calendar
    from schedule_engine.timeline import StepState, step_status

    today, cal = date(2026, 11, 25), default_calendar()
    book = read_plans(str(ROOT / "examples" / "plans.xlsx"), today=today)
    actual = {(p.project_id, p.step_code): p.actual for p in book.progress}
    with_past, behind, early = set(), set(), set()
    for pid, tl in book.timelines.items():
        for step in tl.steps:
            st = step_status(step.end, actual.get((pid, step.code)), today, cal)
            if step.end < today:
                with_past.add(pid)
            if st.state is StepState.LATE:
                behind.add(pid)
            if st.state is StepState.DONE and st.slip_working_days < 0:
                early.add(pid)
    assert len(with_past) >= 15 and len(behind) <= len(with_past) // 2
    assert len(early) >= 2


def test_second_run_changes_nothing_and_dry_run_touches_no_file(in_tmp):
    import io

    from rich.console import Console

    from procal.cmd_run import run_job

    settings, day = load_settings(None), date(2026, 11, 25)
    quiet = dict(today=day, progress=False, console=Console(file=io.StringIO()))
    first = run_job(settings, **quiet)
    assert first.milestone_report.created and first.reminder_report.created
    out = in_tmp / "procal-out"
    feeds = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.glob("*.ics")}
    assert len(feeds) >= 2
    again = run_job(settings, **quiet)
    for rep, plan in ((again.milestone_report, first.milestone_plan),
                      (again.reminder_report, first.reminder_plan)):
        assert (rep.created, rep.updated, rep.deleted, rep.errors) == (0, 0, 0, 0)
        assert rep.unchanged == len(plan.rows)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.glob("*.ics")} == feeds
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    dry = run_job(settings, dry_run=True, **quiet)
    assert set(dry.milestone_plan.counts()) and not dry.milestone_plan.ops
    assert not dry.reminder_plan.ops
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()} == files
