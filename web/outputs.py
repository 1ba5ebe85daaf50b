"""One plan's downloads: PDF (fpdf2 + HarfBuzz shaping, Sarabun), xlsx (BE date format) and ICS
(the same events the feeds carry, every step)."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from web import calc
from web.i18n import t as texts
from web.thaiwrap import wrap

BE_DATE_FORMAT = "[$-107041E]d mmm yyyy"  # Thai Buddhist-era display of a real date value


@lru_cache(maxsize=1)
def _font_dir() -> Path:
    return Path(str(resources.files("fontpkg_sarabun") / "files"))


def _pdf_text(text: str) -> str:
    """SARA AM (U+0E33) as NIKHAHIT + SARA AA: HarfBuzz draws it as those two glyphs anyway, and
    this way the PDF's text layer extracts as Thai (NFKC-equal to the typed text) instead of
    SARA AM followed by an unmapped glyph."""
    return text.replace("\u0e33", "\u0e4d\u0e32")


def plan_pdf(res: calc.PlanResult, lang: str = "th") -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from schedule_engine import format_date, today_bangkok

    T = texts(lang)
    s = calc.summary(res, lang)
    rows = [r for r in calc.rows(res, lang) if r.active]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(16, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    fonts = _font_dir()
    pdf.add_font("Sarabun", "", str(fonts / "Sarabun-Regular.ttf"))
    pdf.add_font("Sarabun", "B", str(fonts / "Sarabun-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_title(res.inp.name or s["method_name"])
    pdf.set_creator("procal")
    pdf.set_lang("th" if lang == "th" else "en")
    pdf.add_page()
    pdf.set_font("Sarabun", "B", 17)
    pdf.cell(0, 9, "แผนระยะเวลาการจัดซื้อจัดจ้าง" if lang == "th" else "Procurement timeline",
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    head = []
    if res.inp.name:
        head.append((T["name"], res.inp.name))
    head += [(T["method"], s["method_name"]),
             (T["budget"], f"{s['budget']} {T['baht']} ({T['tier']} {s['tier']})"),
             (T["latest_start"] if s["backward"] else T["proj_start"], s["start"])]
    if s["backward"]:
        head.append((T["deadline"], s["deadline"]))
    head += [(T["contract"], s["contract"]),
             (T["total"], f"{s['working_days']} {T['wd']} ({s['calendar_days']} {T['cd']})")]
    for k, v in head:
        pdf.set_font("Sarabun", "B", 13)
        pdf.cell(48, 7, _pdf_text(k))
        pdf.set_font("Sarabun", "", 13)
        pdf.multi_cell(0, 7, _pdf_text(wrap(v, pdf.w - pdf.r_margin - pdf.get_x() - 1,
                                            pdf.get_string_width)),
                       new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    pdf.set_font("Sarabun", "", 10.5)
    widths = (8, 50, 22, 24, 24, 52)
    heading = FontFace(emphasis="BOLD", fill_color=(234, 238, 242))
    with pdf.table(col_widths=widths, text_align=("RIGHT", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT"),
                   headings_style=heading, line_height=5.4, padding=1.2,
                   first_row_as_headings=True) as table:
        def fit(text: str, col: int) -> str:  # Thai line breaks at word boundaries
            return _pdf_text(wrap(text, widths[col] - 2 * 1.2 - 0.5, pdf.get_string_width))

        hdr = table.row()
        for j, h in enumerate((T["no"], T["step"], T["days"], T["start"], T["end"], T["ref"])):
            hdr.cell(fit(h, j))
        for r in rows:
            row = table.row()
            row.cell(str(r.no))
            row.cell(fit(r.name, 1))
            row.cell(_pdf_text(f"{r.days} {r.unit}\n({T['min']} {r.min_days})"))
            row.cell(_pdf_text(r.start))
            row.cell(_pdf_text(r.end))
            row.cell(fit(r.legal_ref, 5))
    pdf.ln(2)
    pdf.set_font("Sarabun", "", 10.5)
    note = f"{T['rules_from']} {s['rules_from']}"
    if s["unannounced"]:
        note += f" · {T['warn']}: {s['unannounced']}"
    pdf.multi_cell(0, 5.5, _pdf_text(wrap(note, pdf.w - pdf.l_margin - pdf.r_margin - 1,
                                          pdf.get_string_width)),
                   new_x="LMARGIN", new_y="NEXT", align="L")
    # signature lines for the preparer and the approver
    if pdf.get_y() > 235:
        pdf.add_page()
    pdf.ln(14)
    pdf.set_font("Sarabun", "", 12.5)
    y = pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    sign = "ลงชื่อ" if lang == "th" else "Signed"
    when = "วันที่" if lang == "th" else "Date"
    for i, role in enumerate((T["preparer"], T["approver"])):
        pdf.set_xy(pdf.l_margin + i * half, y)
        for line in (f"{sign} ................................ {role}",
                     "( ................................ )",
                     f"{T['position']} ................................",
                     f"{when} ......./......./......."):
            pdf.set_x(pdf.l_margin + i * half)
            pdf.cell(half, 8, _pdf_text(line), align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Sarabun", "", 9)
    pdf.set_text_color(90, 96, 106)
    pdf.cell(0, 5, _pdf_text(f"{T['printed']} {format_date(today_bangkok(), lang, long=True)} · procal"))
    return bytes(pdf.output())


def plan_xlsx(res: calc.PlanResult, lang: str = "th") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from sheets_io import write_cell, write_date  # typed text never becomes a live formula

    def _put(cell, value):
        if isinstance(value, date):  # a real date (sorts and filters), shown in Buddhist Era
            return write_date(cell, value, BE_DATE_FORMAT)
        write_cell(cell, value)  # numbers stay numbers; text stays text, never a formula
        return cell

    T = texts(lang)
    s = calc.summary(res, lang)
    t = res.timeline
    wb = Workbook()
    ws = wb.active
    ws.title = "แผนระยะเวลา" if lang == "th" else "timeline"
    font, bold = Font(name="Sarabun", size=12), Font(name="Sarabun", size=12, bold=True)
    _put(ws["A1"], res.inp.name or s["method_name"])
    ws["A1"].font = Font(name="Sarabun", size=15, bold=True)
    info = [(T["method"], s["method_name"]), (T["budget"], float(t.budget)),
            (T["tier"], s["tier"]),
            (T["latest_start"] if s["backward"] else T["proj_start"], t.start),
            (T["contract"], t.contract_date),
            (T["total"], f"{s['working_days']} {T['wd']} ({s['calendar_days']} {T['cd']})")]
    if s["backward"]:
        info.insert(4, (T["deadline"], t.contract_by))
    r = 2
    for k, v in info:
        _put(ws.cell(r, 1), k).font = bold
        c = _put(ws.cell(r, 2), v)
        c.font = font
        if isinstance(v, date):
            c.number_format = BE_DATE_FORMAT
            c.alignment = Alignment(horizontal="left")
        elif isinstance(v, float):
            c.number_format = "#,##0.00"
            c.alignment = Alignment(horizontal="left")
        r += 1
    r += 1
    heads = [T["no"], "code", T["step"], T["days"], T["unit"], T["min"], T["start"], T["end"],
             T["ref"]]
    thin = Side(style="thin", color="B0B7BF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="EAEEF2")
    for j, h in enumerate(heads, start=1):
        c = _put(ws.cell(r, j), h)
        c.font, c.fill, c.border = bold, fill, border
        c.alignment = Alignment(wrap_text=True, vertical="top")
    header_row = r
    for i, m in enumerate(t.steps, start=1):
        r += 1
        vals = [i, m.code, m.name_th if lang == "th" else m.name_en, m.days,
                calc.UNIT[lang][m.unit], m.min_days, m.start, m.end, m.legal_ref]
        for j, v in enumerate(vals, start=1):
            c = _put(ws.cell(r, j), v)
            c.font, c.border = font, border
            c.alignment = Alignment(wrap_text=j in (3, 9), vertical="top")
            if isinstance(v, date):
                c.number_format = BE_DATE_FORMAT
    for col, width in zip("ABCDEFGHI", (5, 16, 46, 8, 12, 9, 15, 15, 42), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def plan_ics(res: calc.PlanResult) -> bytes:
    """Every step as an all-day event, with the same titles, descriptions, reminders and procal
    mark as the feeds' events (built by the same code)."""
    from decimal import Decimal

    from calendar_sync import IcsBackend, Op, SyncSettings, event_id, milestone_events
    from schedule_engine import BudgetType, ProjectPlan, default_calendar, today_bangkok

    t = res.timeline
    project_id = f"calc-{t.method}-{t.start.isoformat()}"
    plan = ProjectPlan(project_id=project_id, agency="-",
                       name=res.inp.name or t.method_name_th, budget_type=BudgetType.INVESTMENT,
                       budget_source="-", amount=Decimal(t.budget), method=t.method, start=t.start)
    settings = SyncSettings(event_steps=tuple(s.code for s in t.steps), executives_calendar=None,
                            province_calendar="plan")
    events = milestone_events(([plan], {project_id: t}, {}), settings=settings,
                              calendar=default_calendar(), today=today_bangkok())
    with tempfile.TemporaryDirectory(prefix="procal-web-") as tmp:
        name = res.inp.name or t.method_name_th
        be = IcsBackend(Path(tmp), calendar_names={"plan": f"procal: {name}"})
        ops = [Op("create", event_id(settings.namespace, e.key), "plan", desired=e,
                  namespace=settings.namespace) for e in events]
        be.apply("plan", ops)
        return be.path_for("plan").read_bytes()
