"""Issue 10, kinds 1 and 3 at the adapter: CSV dialects Excel and LINE produce, and write-back that
leaves every part of the agencies' xlsx package byte for byte as it was (shapes, text boxes,
comments, data validation, conditional formatting, defined names)."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from sheets_io import SheetsSettings, read_plans, write_back
from sheets_io.tables import open_source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plans.xlsx"
S = SheetsSettings()
TODAY = date(2026, 11, 25)
HEAD = ["รหัสโครงการ", "หน่วยงาน", "ชื่อโครงการ", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "วงเงิน",
        "วิธีจัดซื้อจัดจ้าง", "วันที่ขึ้นโครงการ"]
ROW = ["KK-1", "สนง.จังหวัด", "ซื้อรถ", "งบลงทุน", "งบจังหวัด", "2,000,000", "e-bidding",
       "01/12/2569"]


def _csv(path: Path, sep: str, rows, encoding="utf-8-sig"):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_semicolon_csv_with_thousands_commas(tmp_path):
    p = tmp_path / "plans.csv"
    # unquoted thousands commas, as Excel with a ';' list separator writes them
    p.write_text("\r\n".join([";".join(HEAD), ";".join(ROW), ";".join(["KK-2", *ROW[1:]])]),
                 encoding="utf-8-sig")
    book = read_plans(str(p), today=TODAY)
    assert not book.problems, [str(e) for e in book.problems]
    assert [pl.amount for pl in book.plans] == [Decimal("2000000.00")] * 2


def test_extra_trailing_cells_are_ignored(tmp_path):
    p = _csv(tmp_path / "plans.csv", ",", [HEAD, ROW, ["KK-2", *ROW[1:], "", "x", "y"],
                                           ["KK-3", *ROW[1:]]])
    book = read_plans(str(p), today=TODAY)
    assert not book.problems, [str(e) for e in book.problems]
    assert [pl.project_id for pl in book.plans] == ["KK-1", "KK-2", "KK-3"]


def test_tab_separated_utf16_csv(tmp_path):
    p = _csv(tmp_path / "plans.csv", "\t", [HEAD, ROW], encoding="utf-16")
    book = read_plans(str(p), today=TODAY)
    assert [pl.project_id for pl in book.plans] == ["KK-1"]


def test_short_rows_and_quoted_newlines(tmp_path):
    p = _csv(tmp_path / "plans.csv", ",", [["แผนปี 2570"], HEAD, [*ROW[:2], "ชื่อ\nสองบรรทัด",
                                                                   *ROW[3:]], ["KK-2", "x"]])
    book = read_plans(str(p), today=TODAY)
    assert [pl.project_id for pl in book.plans] == ["KK-1"]
    assert book.held_project_ids == {"KK-2"}


# --------------------------------------------------------------- write-back loses nothing
_DRAWING = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
            b' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            b'<xdr:twoCellAnchor><xdr:from><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff>'
            b'<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>12</xdr:col>'
            b'<xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
            b'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/>'
            b'<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
            b'<a:ext cx="1" cy="1"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            b'</xdr:spPr><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>do not edit column F</a:t></a:r></a:p>'
            b'</xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>')


def _agency_workbook(path: Path) -> Path:
    """The example workbook plus what agencies add: a text box (which openpyxl drops on save),
    data validation, conditional formatting, a comment, a defined name."""
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb[S.plans_tab]
    dv = DataValidation(type="list", formula1='"งบประจำ,งบลงทุน"')
    ws.add_data_validation(dv)
    dv.add("D2:D60")
    ws.conditional_formatting.add("F2:F60", CellIsRule(operator="lessThan", formula=["0"],
                                                       fill=PatternFill("solid", fgColor="FF0000")))
    ws["A1"].comment = Comment("รหัสห้ามซ้ำ", "สนง.คลัง")
    wb.defined_names["งบรวม"] = DefinedName("งบรวม", attr_text=f"'{S.plans_tab}'!$F$2:$F$60")
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    # add the text box by hand: a drawing part linked from the plan sheet
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        sheet_part = None
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout_data = data
            if item.filename == "xl/worksheets/sheet1.xml":
                sheet_part = item.filename
                zout_data = data.replace(b"</worksheet>", b'<drawing r:id="rIdTB1"/></worksheet>')
                if b'xmlns:r=' not in zout_data[:600]:
                    zout_data = zout_data.replace(
                        b"<worksheet ", b'<worksheet xmlns:r="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships" ', 1)
            if item.filename == "[Content_Types].xml":
                zout_data = data.replace(b"</Types>", b'<Override PartName="/xl/drawings/drawingTB.xml" '
                                         b'ContentType="application/vnd.openxmlformats-officedocument.'
                                         b'drawing+xml"/></Types>')
            if item.filename == "xl/worksheets/_rels/sheet1.xml.rels":
                zout_data = data.replace(b"</Relationships>", b'<Relationship Id="rIdTB1" Type="http://'
                                         b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                         b'drawing" Target="../drawings/drawingTB.xml"/></Relationships>')
            zout.writestr(item, zout_data)
        assert sheet_part
        zout.writestr("xl/drawings/drawingTB.xml", _DRAWING)
    tmp.unlink()
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_write_back_leaves_every_part_of_the_agency_workbook_unchanged(tmp_path):
    path = _agency_workbook(tmp_path / "plans.xlsx")
    before = _parts(path)
    assert b"TextBox 1" in before["xl/drawings/drawingTB.xml"]
    assert any(b"dataValidation" in v for v in before.values())
    for _ in range(2):  # first write creates procal's workbook, the second rewrites it
        book = read_plans(str(path), today=TODAY)
        report = write_back(book.source, book, today=TODAY)
        after = _parts(path)
        assert after.keys() == before.keys()
        changed = [n for n in before if before[n] != after[n]]
        assert changed == []
    assert report.target == str(tmp_path / "plans.procal.xlsx")
    assert "untouched" in report.note
    out = openpyxl.load_workbook(tmp_path / "plans.procal.xlsx")
    assert {S.schedule_tab, S.status_tab} <= set(out.sheetnames)
    # held projects still find last run's schedule rows (read from procal's own workbook)
    assert open_source(str(path)).read_tabs([S.plans_tab], optional=[S.schedule_tab])[
        S.schedule_tab].grid[0][0] == "รหัสโครงการ (project id)"


def test_write_back_into_csv_leaves_the_agency_csv_alone(tmp_path):
    p = _csv(tmp_path / "plans.csv", ";", [HEAD, ROW])
    before = p.read_bytes()
    book = read_plans(str(p), today=TODAY)
    write_back(book.source, book, today=TODAY)
    assert p.read_bytes() == before
    assert (tmp_path / "plans.schedule.csv").is_file()


def test_example_copy_for_run_is_never_the_shipped_file(tmp_path):
    path = tmp_path / "plans.xlsx"
    shutil.copy(EXAMPLE, path)
    src = open_source(str(path))
    assert src.write_target.endswith("plans.procal.xlsx")
