"""The report workbook read back with openpyxl: the styled header row is the one with the headers,
the pane is frozen under it, dates are real dates in a Buddhist-Era number format, the page is set
up for printing, totals are formulas, charts are embedded; the charts mark status by hatch and text,
not colour alone. (LibreOffice renders the same file: docs/reports.md shows a page.)"""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from sheets_io.reports import BE_DATE, HEADER_FILL, write_report
from tests.sheets_io.test_reports import _recon


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    recon, t, history = _recon()
    out = tmp_path_factory.mktemp("report")
    files = write_report(recon, t, out, history=history, today=date(2022, 7, 5))
    return files, openpyxl.load_workbook(files.workbook)


def _header_row(ws) -> int:
    row = ws.freeze_panes  # e.g. "A7": the header is the row above
    return int(row[1:]) - 1


@pytest.mark.parametrize("sheet", ["หน่วยงาน", "รายประเภทงบ", "ภาพรวมจังหวัด", "ขั้นตอนล่าช้า",
                                   "ข้อผิดพลาด"])
def test_header_row_is_styled_and_frozen_under(report, sheet):
    ws = report[1][sheet]
    h = _header_row(ws)
    header = [c for c in ws[h] if c.value is not None]
    assert len(header) >= 6 and all(isinstance(c.value, str) for c in header)
    for c in header:
        assert c.font.b and c.fill.fgColor.rgb.endswith(HEADER_FILL.fgColor.rgb[-6:]), c.coordinate
    above = ws.cell(row=h - 1, column=1)
    assert above.value is None and not above.font.b and above.fill.fill_type is None
    assert ws.print_title_rows == f"${h}:${h}"
    ps = ws.page_setup
    assert ps.orientation == "landscape" and str(ps.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1 and ps.fitToHeight == 0
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "30 มิ.ย. 2565" in ws.oddFooter.left.text  # the data date


def test_title_is_merged_across_the_table(report):
    ws = report[1]["หน่วยงาน"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:N1" in merged  # 14 columns wide


def test_dates_are_real_dates_in_buddhist_era_format(report):
    ws = report[1]["รายประเภทงบ"]
    h = _header_row(ws)
    col = [c.value for c in ws[h]].index("ข้อมูล ณ วันที่") + 1
    cells = [ws.cell(row=r, column=col) for r in range(h + 1, ws.max_row + 1)]
    assert cells and all(isinstance(c.value, datetime) for c in cells)
    assert all(c.number_format == BE_DATE == "[$-107041E]d mmm yyyy" for c in cells)


def test_totals_row_adds_up_and_says_why_it_is_not_a_formula(report):
    ws = report[1]["หน่วยงาน"]
    h = _header_row(ws)
    total = next(r for r in range(h + 1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "รวม")
    for col in (3, 4, 5):
        above = sum(ws.cell(row=r, column=col).value for r in range(h + 1, total))
        assert ws.cell(row=total, column=col).value == pytest.approx(above)
    assert ws.cell(row=total, column=6).value == pytest.approx(
        round(ws.cell(row=total, column=5).value / ws.cell(row=total, column=3).value * 100, 2))
    assert "ไม่ใช่สูตร" in ws.cell(row=total + 1, column=2).value


def test_charts_are_embedded_and_written_as_png(report):
    files, wb = report
    assert files.charts and all(p.suffix == ".png" and p.stat().st_size > 5000 for p in files.charts)
    assert len(wb["กราฟ"]._images) == len(files.charts)


def test_chart_status_is_not_colour_alone():
    from sheets_io.charts import SEVERITY_COLOURS, SEVERITY_HATCHES

    assert len(set(SEVERITY_COLOURS.values())) == 4
    assert len(set(SEVERITY_HATCHES.values())) == 4  # a distinct pattern per status
    # the two below-target colours differ clearly (not amber vs orange): RGB distance
    rgb = {s: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for s, c in SEVERITY_COLOURS.items()}
    cols = list(rgb.values())
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            assert sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 > 90  # clearly apart


def test_short_names_and_wrapping():
    from sheets_io.charts import _short

    assert _short("สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น",
                  short_names={"สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น": "โยธาฯ"}) == "โยธาฯ"
    long = _short("สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น", width=20)
    assert "…" not in long and "\n" in long
    assert all(not line[0] in "ะาำ่้๊๋ัิีึืุู" for line in long.split("\n"))


def test_plan_export_title_spans_the_table_and_sheet_names_cut_at_words(tmp_path):
    from sheets_io import export_plan_report, read_plans
    from sheets_io.plan_report import _sheet_title
    from tests.sheets_io.conftest import EXAMPLE

    out = export_plan_report(read_plans(str(EXAMPLE), today=date(2026, 11, 25)),
                             tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert any(r.startswith("A1:") for r in merged), ws.title  # the title is not clipped
        assert len(ws.title) <= 31
    used: set[str] = set()
    long = "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น"
    names = [_sheet_title(long, used) for _ in range(3)]
    assert len(set(names)) == 3 and all(len(n) <= 31 for n in names)
    assert names[0] == "สนง.ทรัพยากรธรรมชาติและ"  # whole words, not "…สิ่งแวดล"
    assert names[1].endswith("~2")
