import shutil

import pytest
from typer.testing import CliRunner

from procal.cli import app
from schedule_engine.errors import ConfigError
from sheets_io import SheetsSettings
from sheets_io.tables import Table
from tests.sheets_io.conftest import EXAMPLE


def test_settings_defaults_and_overrides():
    s = SheetsSettings()
    assert (s.plans_tab, s.progress_tab, s.disbursement_tab, s.schedule_tab, s.status_tab) == (
        "แผนจัดซื้อจัดจ้าง", "ผลการดำเนินงาน", "เบิกจ่าย", "schedule", "status")
    assert s.write_back and s.due_soon_working_days == 3
    s2 = SheetsSettings.from_mapping({"plans_tab": "Plans", "write_back": False,
                                      "headers": {"amount": ["งบที่ได้รับ"]}}, "procal.toml")
    assert s2.plans_tab == "Plans" and not s2.write_back
    assert s2.headers["amount"][0] == "งบที่ได้รับ" and "วงเงิน" in s2.headers["amount"]
    t = Table("x", "Plans", [["รหัสโครงการ", "งบที่ได้รับ"], ["1", "5"]])
    assert t.records(s2.headers, required=["amount"])[0].get("amount") == "5"


@pytest.mark.parametrize("data, key", [
    ({"nope": 1}, "sheets.nope"),
    ({"write_back": "yes"}, "sheets.write_back"),
    ({"due_soon_working_days": -1}, "sheets.due_soon_working_days"),
    ({"plans_tab": ""}, "sheets.plans_tab"),
    ({"headers": {"amount": [1]}}, "sheets.headers.amount"),
    ({"schedule_tab": "แผนจัดซื้อจัดจ้าง"}, "sheets"),
])
def test_settings_errors_name_the_key(data, key):
    with pytest.raises(ConfigError) as ei:
        SheetsSettings.from_mapping(data, "procal.toml")
    assert ei.value.key == key and ei.value.file == "procal.toml"


def test_check_exit_codes(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["check", str(EXAMPLE), "--today", "2026-11-25"])
    assert r.exit_code == 1
    assert "45 OK" in r.output and "6 held" in r.output
    r = runner.invoke(app, ["check", str(tmp_path / "none.xlsx")])
    assert r.exit_code == 2 and "not found" in r.output
    # a clean source: only the valid rows of the example, as CSV
    import csv

    import openpyxl

    ws = openpyxl.load_workbook(EXAMPLE)["แผนจัดซื้อจัดจ้าง"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)][:10]
    with (tmp_path / "plans.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r] for r in rows])
    r = runner.invoke(app, ["check", str(tmp_path / "plans.csv"), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert '"valid": 9' in r.output


def test_export_command(tmp_path):
    src = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, src)
    out = tmp_path / "report.xlsx"
    r = CliRunner().invoke(app, ["export", str(src), "--out", str(out)])
    assert r.exit_code == 1 and out.exists() and "45 projects" in r.output
    r = CliRunner().invoke(app, ["export", str(src), "--out", str(tmp_path / "r.pdf")])
    assert r.exit_code == 2
