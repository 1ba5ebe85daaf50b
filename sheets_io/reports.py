"""The executives' report: an ``.xlsx`` workbook (agencies against targets, lines per budget type,
province totals per budget source, late milestones, row errors) plus PNG charts.

Thai headers, Buddhist-Era dates as text (``31 ต.ค. 2569``), money as numbers with ``#,##0.00``,
percentages rounded half-up to 2 dp. ``procal report`` and ``procal run`` call :func:`write_report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from schedule_engine.dates import format_thai_date, quarter_of
from schedule_engine.thaitext import display_width
from schedule_engine.errors import InputError
from schedule_engine.reconcile import Figures, Reconciliation, Severity, pct2
from schedule_engine.targets import BUDGET_TYPE_TH, TargetTable
from sheets_io.safecell import write_cell, write_date

_THAI = re.compile(r"[\u0e00-\u0e7f]")
MONEY = "#,##0.00"
# a real date shown in the Buddhist Era with Thai month names (western digits, Thai Buddhist
# calendar, Thai locale): it sorts and filters as a date in Excel and LibreOffice
BE_DATE = "[$-107041E]d mmm yyyy"
PCT = "0.00"
FILLS = {
    Severity.ON_TRACK: PatternFill("solid", fgColor="C8E6C9"),
    Severity.WATCH: PatternFill("solid", fgColor="FFF59D"),
    Severity.BEHIND: PatternFill("solid", fgColor="FFCC80"),
    Severity.CRITICAL: PatternFill("solid", fgColor="EF9A9A"),
}
HEADER_FILL = PatternFill("solid", fgColor="1A237E")
HEADER_FONT = Font(bold=True, color="FFFFFF")

FIGURE_HEADERS = ["ได้รับจัดสรร (บาท)", "ก่อหนี้ผูกพัน/PO (บาท)", "เบิกจ่าย (บาท)", "เบิกจ่าย (%)",
                  "เป้าหมายเบิกจ่าย (%)", "ส่วนต่าง (จุด)", "ต้องเบิกจ่ายเพิ่ม (บาท)", "ใช้จ่าย (%)",
                  "เป้าหมายใช้จ่าย (%)", "ส่วนต่างใช้จ่าย (จุด)", "สถานะ"]
_FIG_FORMATS = [MONEY, MONEY, MONEY, PCT, PCT, PCT, MONEY, PCT, PCT, PCT, None]


@dataclass
class ReportFiles:
    workbook: Path
    charts: list[Path] = field(default_factory=list)

    @property
    def all(self) -> list[Path]:
        return [self.workbook, *self.charts]


def _num(v: Decimal) -> float:
    return float(pct2(v))


def _figure_cells(f: Figures) -> list[object]:
    return [_num(f.allocated), _num(f.committed), _num(f.disbursed), _num(f.disbursement_pct),
            _num(f.disbursement_target_pct), _num(f.disbursement_gap_pp),
            _num(f.disbursement_gap_baht), _num(f.spending_pct), _num(f.spending_target_pct),
            _num(f.spending_gap_pp), f.severity.label_th]


def _text_width(v: object) -> int:
    """Columns a value takes in a cell (Thai marks take none)."""
    if isinstance(v, date):
        return 12
    if isinstance(v, float):
        return len(f"{v:,.2f}")
    text = str(v)
    # Thai glyphs are wider than the digit a column-width unit measures: about 1.3 digits each
    return round(display_width(text) * (1.3 if _THAI.search(text) else 1.0))


def page_setup(ws, header_row: int, data_date: date | None) -> None:
    """Print like a treasury report: A4 landscape, fitted to one page wide, the header row repeated
    on every page, a footer with the page number and the date of the data."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "หน้า &P / &N"
    ws.oddFooter.center.size = 9
    if data_date is not None:
        ws.oddFooter.left.text = f"ข้อมูล ณ วันที่ {format_thai_date(data_date)}"
        ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "&A"  # the sheet's name
    ws.oddFooter.right.size = 9


def _sheet(wb: Workbook, title: str, intro: Sequence[str], headers: Sequence[str],
           rows: Iterable[tuple[list[object], Severity | None]], formats: Sequence[str | None],
           *, data_date: date | None = None):
    """A sheet: intro lines (the first as a title) merged across the table width, a blank row,
    the styled header row, the data rows; frozen below the header, set up for printing."""
    ws = wb.create_sheet(title)
    width = len(headers)
    r = 0
    for line in intro:
        r += 1
        cell = write_cell(ws.cell(row=r, column=1), line)
        cell.alignment = Alignment(vertical="center")
        if width > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    if intro:
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        ws.row_dimensions[1].height = 22
        r += 1  # a blank row between the intro and the table
    header_row = r + 1
    for c, h in enumerate(headers, start=1):
        cell = write_cell(ws.cell(row=header_row, column=c), h)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    r = header_row
    for values, sev in rows:
        r += 1
        for c, v in enumerate(values, start=1):
            if isinstance(v, date):  # a real date (BE_DATE shows it in the Buddhist Era)
                write_date(ws.cell(row=r, column=c), v, BE_DATE)
            else:
                write_cell(ws.cell(row=r, column=c), v)  # agency text is never a live formula
        for c, fmt in enumerate(formats, start=1):
            if fmt:
                ws.cell(row=r, column=c).number_format = fmt
        if sev is not None:
            ws.cell(row=r, column=len(headers)).fill = FILLS[sev]
    for c, h in enumerate(headers, start=1):
        longest = max([_text_width(ws.cell(row=rr, column=c).value or "")
                       for rr in range(header_row + 1, ws.max_row + 1)] or [0])
        # headers wrap (two lines at most), data does not
        need = max(longest, min(_text_width(h), max(8, (_text_width(h) + 1) // 2)))
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, need + 2))
    ws.row_dimensions[header_row].height = 36
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)  # the header stays in view
    page_setup(ws, header_row, data_date)
    ws.sheet_view.zoomScale = 90
    return ws


FORECAST_FILLS = {
    "at_risk": PatternFill("solid", fgColor="FFCC80"),
    "lost": PatternFill("solid", fgColor="EF9A9A"),
    "on_track": PatternFill("solid", fgColor="C8E6C9"),
    "done": PatternFill("solid", fgColor="E0E0E0"),
    "no_deadline": PatternFill("solid", fgColor="FFFFFF"),
}


def _forecast_sheet(wb: Workbook, forecasts: Sequence[tuple], today: date | None) -> None:
    """One row per project: the contract date forecast against its binding deadline, AT_RISK
    first. ``forecasts``: (ProjectPlan, Forecast) pairs."""
    order = sorted(forecasts, key=lambda pf: (pf[1].state.rank, pf[0].agency, pf[0].project_id))
    rows = []
    for plan, f in order:
        d = f.deadline
        earliest = format_thai_date(f.earliest_contract) if f.earliest_contract else ""
        if earliest and f.earliest_uncertain:
            earliest += " (ไม่แน่นอน)"
        rows.append(([plan.agency, plan.project_id, plan.name, f.state.label_th,
                      format_thai_date(f.planned_contract),
                      format_thai_date(f.expected_contract) if f.expected_contract else "",
                      earliest, format_thai_date(d.date) if d else "", d.label() if d else "",
                      f.slack if f.slack is not None else "",
                      f.summary() if f.state.value in ("at_risk", "lost") else ""], None))
    n_risk = sum(1 for _, f in forecasts if f.state.value == "at_risk")
    n_lost = sum(1 for _, f in forecasts if f.state.value == "lost")
    intro = [f"คาดการณ์วันลงนามสัญญา: เสี่ยงไม่ทัน {n_risk} โครงการ ไม่ทันกำหนดแล้ว {n_lost} โครงการ"
             + (f" (ณ {format_thai_date(today)})" if today else ""),
             "คาดการณ์ = ขั้นตอนที่เหลือตามจำนวนวันในแผน; เร็วที่สุด = ตามระยะเวลาขั้นต่ำตามกฎหมาย"]
    if any(dd.illustrative for _, f in forecasts for dd in f.deadlines):
        intro.append("หมายเหตุ: กำหนดที่มีคำว่า (ตัวอย่าง) มาจากมาตรการตัวอย่าง ไม่ใช่ข้อสั่งการจริง")
    ws = _sheet(wb, "คาดการณ์ลงนามสัญญา", intro,
                ["หน่วยงาน", "รหัสโครงการ", "ชื่อโครงการ", "การคาดการณ์", "ลงนามตามแผน",
                 "คาดว่าจะลงนาม", "เร็วที่สุด", "กำหนดลงนาม", "ที่มาของกำหนด",
                 "เหลือ (วันทำการ)", "ต้องทำ"], rows, [None] * 11)
    first = ws.max_row - len(order) + 1
    for i, (_, f) in enumerate(order):
        ws.cell(row=first + i, column=4).fill = FORECAST_FILLS[f.state.value]
    # printable: one page wide, landscape; long Thai texts wrap instead of running off the page
    wrapped = (("A", 30), ("C", 36), ("I", 30), ("K", 48))
    for col, width in wrapped:
        ws.column_dimensions[col].width = width
    for r in range(first, ws.max_row + 1):
        lines = 1
        for col, width in wrapped:
            cell = ws[f"{col}{r}"]
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = max(lines, -(-len(str(cell.value or "")) // int(width * 1.2)))
        ws.row_dimensions[r].height = 15 * lines  # explicit: viewers do not all grow rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _total_row(ws, first: int, last: int) -> None:
    """A totals row under the agencies (allocated C, committed D, disbursed E, disbursed % F,
    spending % J). Written as values, not formulas: every cell procal writes is a value, so no text
    typed into a source sheet can ever become a live formula here; the row equals the sum of the
    rows above and the province sheet (ภาพรวมจังหวัด), which an auditor can check with =SUM."""
    r = last + 1
    col = {c: [ws.cell(row=i, column=c).value or 0 for i in range(first, last + 1)] for c in (3, 4, 5)}
    alloc, comm, disb = (round(sum(float(v) for v in col[c]), 2) for c in (3, 4, 5))
    write_cell(ws.cell(row=r, column=2), "รวม")
    for c, v, fmt in ((3, alloc, MONEY), (4, comm, MONEY), (5, disb, MONEY),
                      (6, round(disb / alloc * 100, 2) if alloc else 0.0, PCT),
                      (10, round((comm + disb) / alloc * 100, 2) if alloc else 0.0, PCT)):
        write_cell(ws.cell(row=r, column=c), v).number_format = fmt
    write_cell(ws.cell(row=r + 1, column=2),
               "หมายเหตุ: ยอดรวมเป็นตัวเลข ไม่ใช่สูตร เพื่อไม่ให้ข้อความในแหล่งข้อมูลกลายเป็นสูตร "
               "ตรวจได้ด้วย =SUM ของแถวด้านบน")
    for c in range(1, ws.max_column + 1):
        ws.cell(row=r, column=c).font = Font(bold=True)


def build_workbook(recon: Reconciliation, *, problems: Sequence[InputError] = (),
                   today: date | None = None, forecasts: Sequence[tuple] = ()) -> Workbook:
    """The report workbook (not saved); ``forecasts`` ((plan, Forecast) pairs) adds the sheet
    คาดการณ์ลงนามสัญญา."""
    wb = Workbook()
    wb.remove(wb.active)
    intro = [
        f"ผลการเบิกจ่ายงบประมาณ ปีงบประมาณ พ.ศ. {recon.fiscal_year} ข้อมูล ณ วันที่ "
        f"{format_thai_date(recon.as_of)} (ไตรมาสที่ {quarter_of(recon.as_of)})",
        "เป้าหมาย: " + ("เฉลี่ยตามวัน (pro-rata) ระหว่างเป้าหมายสิ้นไตรมาส" if recon.mode == "pro_rata"
                       else "เป้าหมาย ณ สิ้นไตรมาส") + f" — ที่มา: {recon.targets_source}",
    ]
    if recon.illustrative_targets:
        intro.append("หมายเหตุ: เป้าหมายเป็นตัวอย่าง (ILLUSTRATIVE) ไม่ใช่มติคณะรัฐมนตรี")
    if today:
        intro.append(f"จัดทำเมื่อ {format_thai_date(today)} โดย procal")

    agency_rows = []
    for a in recon.agencies:
        agency_rows.append(([a.rank, a.agency, *_figure_cells(a.total), len(a.late_milestones)],
                            None))
    ws = _sheet(wb, "หน่วยงาน", intro, ["อันดับ", "หน่วยงาน", *FIGURE_HEADERS, "ขั้นตอนล่าช้า"],
                agency_rows, [None, None, *_FIG_FORMATS, None], data_date=recon.as_of)
    # colour the status column (it is not the last one on this sheet)
    first = ws.max_row - len(recon.agencies) + 1
    for i, a in enumerate(recon.agencies):
        ws.cell(row=first + i, column=2 + len(FIGURE_HEADERS)).fill = FILLS[a.total.severity]
    if recon.agencies:
        _total_row(ws, first, ws.max_row)

    line_rows = []
    for a in recon.agencies:
        for ln in a.lines:
            line_rows.append(([a.agency, BUDGET_TYPE_TH[ln.budget_type], ", ".join(ln.budget_sources),
                               ln.as_of, *_figure_cells(ln.figures)],
                              ln.figures.severity))
    _sheet(wb, "รายประเภทงบ", intro[:1],
           ["หน่วยงาน", "ประเภทงบ", "แหล่งงบประมาณ", "ข้อมูล ณ วันที่", *FIGURE_HEADERS],
           line_rows, [None, None, None, BE_DATE, *_FIG_FORMATS], data_date=recon.as_of)

    prov_rows = [(["รวมทั้งจังหวัด", *_figure_cells(recon.province)], recon.province.severity)]
    prov_rows += [([f"แหล่งงบ: {s.budget_source}", *_figure_cells(s.figures)], s.figures.severity)
                  for s in recon.by_budget_source]
    prov_rows += [([f"ประเภทงบ: {BUDGET_TYPE_TH[bt]}", *_figure_cells(f)], f.severity)
                  for bt, f in recon.by_budget_type]
    _sheet(wb, "ภาพรวมจังหวัด", intro[:1] + [
        "ยอดรวมในแผ่นนี้คำนวณจากข้อมูลรายแถวของ GFMIS ทุกแถว (ผลรวมแบบสูตรอยู่ท้ายแผ่นงาน หน่วยงาน)"],
           ["รายการ", *FIGURE_HEADERS], prov_rows, [None, *_FIG_FORMATS], data_date=recon.as_of)

    late_rows = [([m.agency, m.project_id, m.project_name, m.step_name_th, m.step_code,
                   m.planned, m.slip_working_days], None)
                 for m in recon.late_milestones]
    _sheet(wb, "ขั้นตอนล่าช้า", [f"ขั้นตอนที่เลยกำหนดแล้วแต่ยังไม่มีวันที่ดำเนินการจริง "
                                 f"({len(recon.late_milestones)} รายการ)"],
           ["หน่วยงาน", "รหัสโครงการ", "ชื่อโครงการ", "ขั้นตอน", "รหัสขั้นตอน", "กำหนดตามแผน",
            "ล่าช้า (วันทำการ)"], late_rows, [None] * 5 + [BE_DATE, None], data_date=recon.as_of)

    if forecasts:
        _forecast_sheet(wb, forecasts, today)

    err_rows = [([e.location.sheet or "", e.location.row or "", e.location.column or "",
                  "" if e.value is None else str(e.value), e.reason, e.hint or ""], None)
                for e in problems]
    _sheet(wb, "ข้อผิดพลาด", [f"แถวที่อ่านไม่ได้ ({len(problems)} แถว) — ไม่นำมาคำนวณ"],
           ["แผ่นงาน", "แถว", "คอลัมน์", "ค่าที่พิมพ์", "ปัญหา", "วิธีแก้"], err_rows, [None] * 6,
           data_date=recon.as_of)
    return wb


def write_report(recon: Reconciliation, targets: TargetTable, out_dir: Path, *,
                 history: Sequence[tuple[date, Figures]] = (), problems: Sequence[InputError] = (),
                 today: date | None = None, charts: bool = True,
                 inputs: Sequence[object] = (), forecasts: Sequence[tuple] = (),
                 short_names: Mapping[str, str] | None = None) -> ReportFiles:
    """Write ``disbursement-<FY>-<MM>.xlsx`` and the PNG charts into ``out_dir``. ``inputs`` (the
    sources read) are never overwritten: a report path that is one of them is refused."""
    from sheets_io.tables import refuse_overwriting_input

    out_dir = Path(out_dir)
    name = f"disbursement-{recon.fiscal_year}-{recon.as_of.month:02d}"
    path = out_dir / f"{name}.xlsx"
    refuse_overwriting_input(path, *inputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = build_workbook(recon, problems=problems, today=today, forecasts=forecasts)
    files = ReportFiles(workbook=path)
    if charts:
        from sheets_io.charts import write_charts

        files.charts = write_charts(recon, targets, history or [(recon.as_of, recon.province)],
                                    out_dir / "charts", short_names)
        embed_charts(wb, files.charts, recon.as_of)
    wb.save(path)
    return files


def embed_charts(wb: Workbook, pngs: Sequence[Path], data_date: date | None = None) -> None:
    """A sheet กราฟ with the PNG charts one under the other (the same pictures as the files)."""
    from openpyxl.drawing.image import Image

    if not pngs:
        return
    ws = wb.create_sheet("กราฟ")
    write_cell(ws.cell(row=1, column=1), "กราฟผลการเบิกจ่าย (ภาพเดียวกับไฟล์ PNG ในโฟลเดอร์ charts)")
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    row = 3
    for png in pngs:
        img = Image(str(png))
        scale = min(1.0, 900 / img.width)  # about the width of an A4 landscape page
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        ws.add_image(img, f"A{row}")
        row += int(img.height / 20) + 2  # default row height is 20 px
    page_setup(ws, 1, data_date)
