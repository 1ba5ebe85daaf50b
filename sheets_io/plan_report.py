"""``procal export``: the annual procurement plan report (แผนการจัดซื้อจัดจ้าง) as a printable .xlsx.

One summary sheet, one sheet per agency (each project's method, amount and the planned date of
each key step, Thai BE dates), and a sheet listing rows that could not be read. Every text cell
is written as text — a value starting with ``=``, ``+``, ``-`` or ``@`` never becomes a formula.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from schedule_engine.dates import THAI_MONTHS_SHORT, fiscal_year, format_thai_date
from schedule_engine.thaitext import clusters, words
from sheets_io.cells import clean_text
from sheets_io.plans import PlanBook
from sheets_io.safecell import write_cell as _safe_text_cell
from sheets_io.tables import refuse_overwriting_input

# key steps shown in the report: (step code, Thai column title)
KEY_STEPS = (
    ("invitation", "ประกาศเชิญชวน"),
    ("winner_announcement", "ประกาศผู้ชนะ"),
    ("contract_signing", "ลงนามสัญญา"),
)
BUDGET_TYPE_TH = {"recurrent": "งบประจำ", "investment": "งบลงทุน", "overall": "ภาพรวม"}
FONT_NAME = "TH Sarabun New"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _month_be(d: date) -> str:
    return f"{THAI_MONTHS_SHORT[d.month - 1]} {d.year + 543}"


def _cut_at_word(text: str, limit: int) -> str:
    """At most ``limit`` characters (Excel counts code points), cut at a Thai word boundary."""
    if len(text) <= limit:
        return text
    out = ""
    for word in words(text):
        if len(out) + len(word) > limit:
            break
        out += word
    return out.strip() or "".join(clusters(text)[:1])


def _sheet_title(name: str, used: set[str]) -> str:
    """A sheet name from an agency name: abbreviated, at most 31 characters, cut at a word
    boundary, unique (case-insensitively, as Excel compares them) with ~2, ~3 … when needed."""
    short = " ".join(name.replace("สำนักงาน", "สนง.").replace("จังหวัด", " จ.").split())
    base = _cut_at_word(_BAD_TITLE.sub(" ", short).strip(), 28) or "หน่วยงาน"
    title, n = base, 2
    taken = {u.casefold() for u in used}
    while title.casefold() in taken:
        suffix = f" ~{n}"
        title = _cut_at_word(base, 31 - len(suffix)) + suffix
        n += 1
    used.add(title)
    return title


def export_plan_report(book: PlanBook, path: str | Path, *, fiscal_year_be: int | None = None) -> Path:
    """Write the annual plan report for ``book`` to ``path`` (.xlsx) and return the path."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    path = Path(path)
    refuse_overwriting_input(path, book.source)
    if fiscal_year_be is None:
        years = Counter(fiscal_year(book.timelines[p.project_id].contract_date) for p in book.plans)
        fiscal_year_be = years.most_common(1)[0][0] if years else None
    fy_text = f"ประจำปีงบประมาณ พ.ศ. {fiscal_year_be}" if fiscal_year_be else ""

    font = Font(name=FONT_NAME, size=14)
    bold = Font(name=FONT_NAME, size=14, bold=True)
    title_font = Font(name=FONT_NAME, size=18, bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)

    def setup_print(ws, header_row: int, widths: list[int]) -> None:
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.oddFooter.center.text = "หน้า &P / &N"
        # the title lines above the table span its whole width (a wrapped title in the narrow
        # first column showed only "แผน")
        for r in range(1, header_row):
            cell = ws.cell(row=r, column=1)
            if cell.value in (None, "") or any(ws.cell(row=r, column=c).value not in (None, "")
                                               for c in range(2, len(widths) + 1)):
                continue
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(widths))
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=False)

    def put(ws, r: int, c: int, v, *, f=font, align=wrap, fmt: str | None = None, box=True):
        cell = ws.cell(row=r, column=c)
        _safe_text_cell(cell, v)
        cell.font = f
        cell.alignment = align
        if box:
            cell.border = border
        if fmt:
            cell.number_format = fmt
        return cell

    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "สรุป"
    used = {"สรุป"}

    by_agency: dict[str, list] = {}
    for p in book.plans:
        by_agency.setdefault(p.agency, []).append(p)

    # ---- summary sheet
    put(summary, 1, 1, f"แผนการจัดซื้อจัดจ้าง {fy_text}".strip(), f=title_font, box=False)
    put(summary, 2, 1, f"แหล่งข้อมูล: {book.source.label}", box=False)
    head = ["ลำดับ", "หน่วยงาน", "จำนวนโครงการ", "วงเงินรวม (บาท)", "ลงนามสัญญาเร็วสุด",
            "ลงนามสัญญาช้าสุด"]
    for c, h in enumerate(head, start=1):
        put(summary, 4, c, h, f=bold, align=center).fill = head_fill
    r = 5
    for i, (agency, plans) in enumerate(sorted(by_agency.items()), start=1):
        contracts = [book.timelines[p.project_id].contract_date for p in plans]
        put(summary, r, 1, i, align=center)
        put(summary, r, 2, agency)
        put(summary, r, 3, len(plans), align=center)
        put(summary, r, 4, float(sum((p.amount for p in plans), Decimal(0))), fmt="#,##0.00")
        put(summary, r, 5, format_thai_date(min(contracts)))
        put(summary, r, 6, format_thai_date(max(contracts)))
        r += 1
    put(summary, r, 2, "รวม", f=bold)
    put(summary, r, 3, len(book.plans), f=bold, align=center)
    put(summary, r, 4, float(sum((p.amount for p in book.plans), Decimal(0))), f=bold,
        fmt="#,##0.00")
    setup_print(summary, 4, [7, 45, 14, 20, 18, 18])

    # ---- one sheet per agency
    cols = ["ลำดับ", "รหัสโครงการ", "ชื่อโครงการ", "ประเภทงบ", "แหล่งงบประมาณ", "วงเงิน (บาท)",
            "วิธีจัดซื้อจัดจ้าง", "วันที่ขึ้นโครงการ", *[t for _, t in KEY_STEPS],
            "เดือนที่ลงนามสัญญา", "ผู้รับผิดชอบ"]
    for agency, plans in sorted(by_agency.items()):
        ws = wb.create_sheet(_sheet_title(agency, used))
        put(ws, 1, 1, f"แผนการจัดซื้อจัดจ้าง {fy_text}".strip(), f=title_font, box=False)
        put(ws, 2, 1, f"หน่วยงาน: {agency}", f=bold, box=False)
        for c, h in enumerate(cols, start=1):
            put(ws, 4, c, h, f=bold, align=center).fill = head_fill
        r = 5
        for i, p in enumerate(plans, start=1):
            tl = book.timelines[p.project_id]
            codes = {s.code: s.end for s in tl.steps}
            values = [i, p.project_id, p.name, BUDGET_TYPE_TH.get(p.budget_type.value, ""),
                      p.budget_source, float(p.amount), tl.method_name_th,
                      format_thai_date(tl.start)]
            values += [format_thai_date(codes[c]) if c in codes else "-" for c, _ in KEY_STEPS]
            values += [_month_be(tl.contract_date), p.officer_email or ""]
            for c, v in enumerate(values, start=1):
                put(ws, r, c, v, fmt="#,##0.00" if c == 6 else None,
                    align=center if c in (1, 8, 9, 10, 11, 12) else wrap)
            r += 1
        put(ws, r, 3, "รวม", f=bold)
        put(ws, r, 6, float(sum((p.amount for p in plans), Decimal(0))), f=bold, fmt="#,##0.00")
        setup_print(ws, 4, [6, 14, 40, 11, 16, 16, 30, 14, 14, 14, 14, 13, 26])

    # ---- rows not in the plan (held)
    if book.problems:
        ws = wb.create_sheet(_sheet_title("รายการที่ต้องแก้ไข", used))
        put(ws, 1, 1, "รายการที่ยังอ่านไม่ได้ (ไม่รวมในแผนข้างต้น)", f=title_font, box=False)
        for c, h in enumerate(["แท็บ", "แถว", "คอลัมน์", "ค่าที่พิมพ์", "ปัญหา / วิธีแก้"], start=1):
            put(ws, 3, c, h, f=bold, align=center).fill = head_fill
        for r, e in enumerate(book.problems, start=4):
            loc = e.location
            msg = e.reason + (f" — {e.hint}" if e.hint else "")
            for c, v in enumerate([loc.sheet or "", loc.row or "", loc.column or "",
                                   clean_text(e.value), msg], start=1):
                put(ws, r, c, v)
        setup_print(ws, 3, [20, 7, 22, 24, 80])

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
