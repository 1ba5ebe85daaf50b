"""The Google Sheet source over real HTTP (loopback emulator) with the real gspread client."""

from datetime import date

import pytest

from schedule_engine.errors import SourceError
from sheets_io import SheetsSettings, open_source, read_plans, write_back
from sheets_io.google_source import GoogleSheetSource
from tests.sheets_io.conftest import EXAMPLE, SID

S = SheetsSettings()
TODAY = date(2026, 11, 25)


def _seed(emu, tabs):
    emu.seed_spreadsheet(SID, tabs, title="plans")
    return SID


def test_read_is_two_requests_and_keeps_ids_as_text(sheets_emulator, sheets_gc):
    _seed(sheets_emulator, {S.plans_tab: [["รหัสโครงการ", "วงเงิน"], ["0012", 1500000]],
                            S.progress_tab: [["รหัสโครงการ", "ขั้นตอน", "วันที่ดำเนินการจริง"],
                                             ["0012", "invitation", date(2026, 11, 2)]],
                            "other": [["x"]]})
    src = open_source(f"https://docs.google.com/spreadsheets/d/{SID}/edit", clients=sheets_gc)
    assert isinstance(src, GoogleSheetSource)
    sheets_emulator.reset_counts()
    tabs = src.read_tabs([S.plans_tab], optional=[S.progress_tab, "schedule"])
    assert sheets_emulator.count(api="sheets") == 2
    assert sheets_emulator.count(api="sheets", op="values.batchGet") == 1
    assert set(tabs) == {S.plans_tab, S.progress_tab}
    rec = tabs[S.plans_tab].records(S.headers)[0]
    assert rec.get("project_id") == "0012" and rec.get("amount") == 1500000
    prog = tabs[S.progress_tab].records(S.headers)[0]
    # UNFORMATTED_VALUE + SERIAL_NUMBER: the date comes as a serial number
    assert isinstance(prog.get("actual"), (int, float)) and prog.get("actual") == 46328
    assert "#gid=" in src.row_url(S.plans_tab, 2)


def test_missing_tab_and_missing_sheet_are_source_errors(sheets_emulator, sheets_gc):
    _seed(sheets_emulator, {"Sheet1": [["a"]]})
    with pytest.raises(SourceError, match="not found: " + S.plans_tab):
        GoogleSheetSource(SID, clients=sheets_gc).read_tabs([S.plans_tab])
    with pytest.raises(SourceError, match="not found"):
        GoogleSheetSource("1NoSuchSheetxxxxxxxxxxxxxxxxxxxx", clients=sheets_gc).read_tabs(["a"])


def test_no_permission_is_one_clear_source_error(sheets_emulator, sheets_gc):
    _seed(sheets_emulator, {S.plans_tab: [["a"]]})
    sheets_emulator.faults.fail_next(1, "forbidden", api="sheets")
    with pytest.raises(SourceError, match="no permission"):
        GoogleSheetSource(SID, clients=sheets_gc).read_tabs([S.plans_tab])


def test_429_is_retried_a_bounded_number_of_times(sheets_emulator, sheets_gc, no_backoff):
    _seed(sheets_emulator, {S.plans_tab: [["รหัสโครงการ"], ["1"]]})
    sheets_emulator.faults.fail_next(2, 429, api="sheets", op="values.batchGet")
    tabs = GoogleSheetSource(SID, clients=sheets_gc).read_tabs([S.plans_tab])
    assert tabs[S.plans_tab].grid[1] == ["1"]
    assert sheets_emulator.count(api="sheets", op="values.batchGet", status=429) == 2

    sheets_emulator.reset_counts()
    sheets_emulator.faults.add(429, api="sheets", op="values.batchGet", times=None)
    with pytest.raises(SourceError, match="kept failing"):
        GoogleSheetSource(SID, clients=sheets_gc).read_tabs([S.plans_tab])
    assert sheets_emulator.count(api="sheets", op="values.batchGet") == 5  # bounded


def test_example_workbook_round_trip_through_google(sheets_emulator, sheets_gc):
    sheets_emulator.seed_spreadsheet_from_file(SID, EXAMPLE)
    before = {t: sheets_emulator.spreadsheet_values(SID, t) for t in (S.plans_tab, S.progress_tab)}
    xlsx_book = read_plans(str(EXAMPLE), today=TODAY)
    sheets_emulator.reset_counts()
    book = read_plans(SID, clients=sheets_gc, today=TODAY)
    assert sheets_emulator.count(api="sheets") == 2
    assert [p.project_id for p in book.plans] == [p.project_id for p in xlsx_book.plans]
    assert {k: t.steps for k, t in book.timelines.items()} == \
        {k: t.steps for k, t in xlsx_book.timelines.items()}
    assert [str(e) for e in book.problems] == [str(e) for e in xlsx_book.problems]

    sheets_emulator.reset_counts()
    report = write_back(book.source, book, today=TODAY)
    # one structural call (two new tabs) + ONE values write
    assert sheets_emulator.count(api="sheets", op="values.batchUpdate") == 1
    assert sheets_emulator.count(api="sheets", op="spreadsheets.batchUpdate") == 1
    assert sheets_emulator.count(api="sheets") == 2
    sched = sheets_emulator.spreadsheet_values(SID, S.schedule_tab)
    assert len(sched) - 1 == report.tabs[S.schedule_tab] == sum(
        len(t.steps) for t in book.timelines.values())
    # agency tabs untouched
    assert {t: sheets_emulator.spreadsheet_values(SID, t) for t in before} == before

    # second run, nothing new: the tabs already hold these rows, nothing is written
    book2 = read_plans(SID, clients=sheets_gc, today=TODAY)
    sheets_emulator.reset_counts()
    assert write_back(book2.source, book2, today=TODAY).unchanged
    assert sheets_emulator.count(api="sheets") == 0
    assert sheets_emulator.spreadsheet_values(SID, S.schedule_tab) == sched

    # a later day changes statuses: tabs exist, one values write only, old extent overwritten
    later = date(2027, 1, 20)
    book3 = read_plans(SID, clients=sheets_gc, today=later)
    sheets_emulator.reset_counts()
    report3 = write_back(book3.source, book3, today=later)
    assert not report3.unchanged
    assert sheets_emulator.count(api="sheets") == 1
    assert len(sheets_emulator.spreadsheet_values(SID, S.schedule_tab)) == len(sched)


def test_text_that_looks_like_a_formula_stays_text(sheets_emulator, sheets_gc):
    _seed(sheets_emulator, {S.plans_tab: [["a"]]})
    src = GoogleSheetSource(SID, clients=sheets_gc)
    src.write_tabs({"schedule": [["=1+1", "+66 81", "@x", "-2"]]})
    assert sheets_emulator.spreadsheet_values(SID, "schedule") == [["=1+1", "+66 81", "@x", "-2"]]
    with pytest.raises(SourceError, match="never writes"):
        src.write_tabs({S.plans_tab: [["x"]]})


def test_production_clients_and_cli_against_the_emulator(google_env, google_clients, tmp_path):
    """GoogleClients (token refresh, pacing, retry) + `procal check SHEET_URL --write`."""
    from typer.testing import CliRunner

    from procal.cli import app

    emu = google_env.emulator
    emu.seed_spreadsheet_from_file(SID, EXAMPLE)
    emu.faults.fail_next(1, 503, api="sheets", op="values.batchGet")
    book = read_plans(SID, clients=google_clients, today=TODAY)
    assert len(book.plans) == 45 and len(book.problems) == 9
    assert emu.count(api="sheets", op="values.batchGet") == 2  # one 503 + the retry
    assert book.source_url("KK70-001").startswith(
        f"https://docs.google.com/spreadsheets/d/{SID}/edit#gid=")

    result = CliRunner().invoke(app, ["check", f"https://docs.google.com/spreadsheets/d/{SID}/edit",
                                      "--today", "2026-11-25", "--write"])
    assert result.exit_code == 1, result.output
    assert "KK70-048" in result.output or "450,000" in result.output
    status = emu.spreadsheet_values(SID, S.status_tab)
    assert status[0][0].startswith("แท็บ")
    held = {r[2] for r in status[1:] if r[3] == "held"}
    assert held == book.held_project_ids


def test_write_grows_a_small_tab_and_blanks_leftovers(sheets_emulator, sheets_gc):
    _seed(sheets_emulator, {S.plans_tab: [["a"]], "schedule": [["old"]] * 5})
    src = GoogleSheetSource(SID, clients=sheets_gc)
    src.read_tabs([S.plans_tab], optional=["schedule"])
    big = [[f"r{i}", i] for i in range(1500)]  # more rows than the default 1000-row grid
    sheets_emulator.reset_counts()
    src.write_tabs({"schedule": big})
    assert sheets_emulator.count(api="sheets", op="spreadsheets.batchUpdate") == 1
    assert sheets_emulator.spreadsheet_values(SID, "schedule") == big
    src.write_tabs({"schedule": [["only"]]})
    assert sheets_emulator.spreadsheet_values(SID, "schedule") == [["only"]]


def test_plans_and_disbursement_in_one_batch_get(sheets_emulator, sheets_gc):
    from sheets_io.disbursement import read_disbursement

    sheets_emulator.seed_spreadsheet_from_file(SID, EXAMPLE)
    sheets_emulator.reset_counts()
    book = read_plans(SID, clients=sheets_gc, today=TODAY)
    dbook = read_disbursement(book.source, settings=book.settings)
    assert dbook.records
    assert sheets_emulator.count(api="sheets") == 2  # metadata + ONE batchGet for every tab
    assert S.disbursement_tab in book.tables


from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.text(alphabet="0123456789", min_size=1, max_size=8).map(lambda s: "0" + s),
                    min_size=1, max_size=5, unique=True))
def test_ids_with_leading_zeros_survive_google(sheets_emulator, sheets_gc, ids):
    sheets_emulator.seed_spreadsheet(SID, {S.plans_tab: [["รหัสโครงการ"], *[[i] for i in ids]]})
    tabs = GoogleSheetSource(SID, clients=sheets_gc).read_tabs([S.plans_tab])
    from sheets_io.cells import parse_id

    assert [parse_id(r.get("project_id")) for r in tabs[S.plans_tab].records(S.headers)] == ids
