import openpyxl
import pytest

from schedule_engine.errors import SourceError
from sheets_io import CsvSource, SheetsSettings, XlsxSource, open_source
from sheets_io.tables import Table, normalise_header, spreadsheet_id_from

S = SheetsSettings()


def _xlsx(path, tabs):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tabs.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_open_source_dispatch(tmp_path):
    assert isinstance(open_source(str(tmp_path / "a.xlsx")), XlsxSource)
    assert isinstance(open_source(str(tmp_path / "a.csv")), CsvSource)
    assert isinstance(open_source(str(tmp_path)), CsvSource)
    with pytest.raises(SourceError):
        open_source(str(tmp_path / "a.txt"))
    sid = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    assert spreadsheet_id_from(f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0") == sid
    assert spreadsheet_id_from(sid) == sid
    assert spreadsheet_id_from("examples/plans.xlsx") is None


def test_header_matching_ignores_case_spaces_nbsp():
    assert normalise_header(" Project\u00a0ID* ") == normalise_header("projectid")
    t = Table("x", "t", [["title row"], [], ["PROJECT\u00a0id", " วงเงิน ", "other"], ["0012", "5", "z"]])
    recs = t.records(S.headers, required=["project_id", "amount"])
    assert len(recs) == 1
    r = recs[0]
    assert r.row == 4 and r.get("project_id") == "0012" and r.get("amount") == "5"
    assert r.column("amount") == "วงเงิน" and r.extra == {"other": "z"}


def test_missing_required_column_is_source_error():
    t = Table("x", "plans", [["รหัสโครงการ", "หน่วยงาน"], ["1", "a"]])
    with pytest.raises(SourceError, match="amount"):
        t.records(S.headers, required=["project_id", "amount"])


def test_empty_tab_is_source_error():
    with pytest.raises(SourceError, match="empty"):
        Table("x", "plans", [[None, ""], []]).records(S.headers, required=["project_id"])


def test_xlsx_read_and_missing_tab(tmp_path):
    p = _xlsx(tmp_path / "w.xlsx", {"a": [["รหัสโครงการ"], ["0012"], [None], [12]]})
    src = open_source(str(p))
    tabs = src.read_tabs(["a"], optional=["nope"])
    assert list(tabs) == ["a"]
    assert [r.get("project_id") for r in tabs["a"].records(S.headers)] == ["0012", 12]
    assert [r.row for r in tabs["a"].records(S.headers)] == [2, 4]
    with pytest.raises(SourceError, match="nope"):
        src.read_tabs(["nope"])
    with pytest.raises(SourceError, match="not found"):
        open_source(str(tmp_path / "missing.xlsx")).read_tabs(["a"])


def test_xlsx_write_keeps_formulas_as_text_and_refuses_agency_tabs(tmp_path):
    p = _xlsx(tmp_path / "w.xlsx", {S.plans_tab: [["รหัสโครงการ"], ["1"]]})
    src = open_source(str(p))
    before = p.read_bytes()
    src.write_tabs({"schedule": [["h1", "h2"], ["=HYPERLINK(\"http://x\")", "+1"], ["@a", -3]]})
    assert p.read_bytes() == before  # the agencies' workbook is never rewritten
    out = tmp_path / "w.procal.xlsx"
    wb = openpyxl.load_workbook(out)
    ws = wb["schedule"]
    assert ws["A2"].value == '=HYPERLINK("http://x")' and ws["A2"].data_type == "s"
    assert ws["B2"].data_type == "s" and ws["A3"].data_type == "s"
    assert ws["B3"].value == -3 and ws["B3"].data_type == "n"
    with pytest.raises(SourceError, match="never writes"):
        src.write_tabs({S.plans_tab: [["x"]]})
    # rewriting replaces the tab (no stale rows)
    src.write_tabs({"schedule": [["only"]]})
    ws = openpyxl.load_workbook(out)["schedule"]
    assert ws.max_row == 1 and ws["A1"].value == "only"


def test_csv_folder_and_single_file(tmp_path):
    (tmp_path / f"{S.plans_tab}.csv").write_text("รหัสโครงการ,วงเงิน\n0012,\"1,500,000\"\n",
                                                 encoding="utf-8-sig")
    (tmp_path / "x.csv").write_bytes("รหัสโครงการ\n007\n".encode("cp874"))
    src = open_source(str(tmp_path))
    tabs = src.read_tabs([S.plans_tab, "x"])
    assert tabs[S.plans_tab].records(S.headers)[0].get("amount") == "1,500,000"
    assert tabs["x"].records(S.headers)[0].get("project_id") == "007"
    src.write_tabs({"schedule": [["=1+1", 2]]})
    assert (tmp_path / "schedule.csv").read_text(encoding="utf-8-sig").strip() == "'=1+1,2"
    single = open_source(str(tmp_path / f"{S.plans_tab}.csv"))
    assert S.plans_tab in single.read_tabs([S.plans_tab])
