"""Scoring adapters: the treasury's deductions tab (หักคะแนน), the inputs the scoring engine needs
from a plan book and a disbursement book, the scoreboard and breakdown sheets, the ranking chart
and the ``คะแนน`` write-back rows. The maths lives in ``schedule_engine.scoring``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from schedule_engine.dates import format_thai_date
from schedule_engine.errors import InputError, Location, SourceError
from schedule_engine.i18n import t
from schedule_engine.model import SourceRef
from schedule_engine.scoring import AgencyScore, Deduction, RowIssue, Scoreboard, ScoringInputs, round2
from sheets_io.cells import clean_text, is_blank, parse_date_cell
from sheets_io.tables import Table, TableSource

DEDUCTIONS_TAB = "หักคะแนน"
SCORES_TAB = "คะแนน"
DEDUCTION_HEADERS: dict[str, tuple[str, ...]] = {
    "agency": ("หน่วยงาน", "ส่วนราชการ", "agency"),
    "date": ("วันที่", "วันที่หักคะแนน", "date"),
    "points": ("คะแนนที่หัก", "หักคะแนน", "คะแนน", "points"),
    "reason": ("เหตุผล", "เหตุผลการหักคะแนน", "reason"),
    "evidence": ("หลักฐาน", "ลิงก์หลักฐาน", "evidence", "evidence link"),
}
DEDUCTION_REQUIRED = ("agency", "date", "points", "reason")


# ------------------------------------------------------------------------------- deductions tab
def read_deductions(source: TableSource, *, tab: str = DEDUCTIONS_TAB,
                    table: Table | None = None) -> tuple[list[Deduction], list[InputError]]:
    """Rows of the หักคะแนน tab. A missing tab = no deductions. A bad row is one located
    :class:`InputError`; the other rows go on."""
    if table is None:
        try:
            tables = source.read_tabs([], optional=[tab])
        except SourceError:
            return [], []
        table = next(iter(tables.values()), None)
        if table is None:
            return [], []
    if table.is_empty:
        return [], []
    out: list[Deduction] = []
    problems: list[InputError] = []
    for rec in table.records(DEDUCTION_HEADERS, required=DEDUCTION_REQUIRED):
        def loc(f: str, rec=rec) -> Location:
            return Location(source=source.label, sheet=rec.tab, row=rec.row, column=rec.column(f))

        try:
            agency = clean_text(rec.get("agency"))
            if not agency:
                raise InputError(t("the agency is empty"), value=rec.get("agency"),
                                 hint=t("type the agency's name as in the plan tab")
                                 ).at(loc("agency"))
            raw_date = rec.get("date")
            if is_blank(raw_date):
                raise InputError(t("the date is empty"), value=raw_date,
                                 hint=t("type the date of the decision, e.g. 15/11/2569")
                                 ).at(loc("date"))
            try:
                on = parse_date_cell(raw_date)
            except InputError as exc:
                raise exc.at(loc("date")) from None
            points = _points(rec.get("points"))
            if isinstance(points, InputError):
                raise points.at(loc("points"))
            reason = clean_text(rec.get("reason"))
            if not reason:
                raise InputError(t("the reason is empty"), value=rec.get("reason"),
                                 hint=t("every deduction needs its reason")).at(loc("reason"))
        except InputError as exc:
            problems.append(exc)
            continue
        out.append(Deduction(agency=agency, on=on, points=points, reason=reason,
                             evidence=clean_text(rec.get("evidence")),
                             source_ref=SourceRef(source.label, rec.tab, rec.row)))
    return out, problems


def _points(value: object) -> Decimal | InputError:
    text = clean_text(value).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    hint = t("type the points to deduct as a number above 0, e.g. 2 or 0.5")
    if not text:
        return InputError(t("the points are empty"), value=value, hint=hint)
    try:
        d = abs(Decimal(text.replace(",", "")))  # "-2" and "2" both mean: deduct 2
    except ArithmeticError:
        return InputError(t("{text!r} is not a number of points", text=text), value=value,
                          hint=hint)
    if not d.is_finite() or d == 0 or d > 100:
        return InputError(t("{text!r} is not a number of points between 0 and 100", text=text),
                          value=value, hint=hint)
    return d


# ------------------------------------------------------------------------------- inputs
def _row_agencies(table: Table | None, headers) -> dict[int, str]:
    if table is None or table.is_empty:
        return {}
    try:
        recs = table.records(headers, required=())
    except SourceError:
        return {}
    return {r.row: clean_text(r.get("agency")) for r in recs if clean_text(r.get("agency"))}


def row_issue_key(issue: RowIssue) -> str:
    return f"{issue.agency}\x1f{issue.where.split(',')[0]}\x1f{issue.reason}"


def scoring_inputs(book: Any, dbook: Any = None, *, deductions: Sequence[Deduction] = (),
                   first_seen: dict[str, date] | None = None, group_of=None,
                   extra_problems: Sequence[InputError] = ()) -> ScoringInputs:
    """What ``schedule_engine.scoring.score`` needs from a ``PlanBook`` and a
    ``DisbursementBook``: valid rows, and each bad row attributed to its agency."""
    settings = book.settings
    plans_tab = settings.plans_tab
    agency_at = {plans_tab: _row_agencies(book.tables.get(plans_tab), settings.headers)}
    project_agency = {p.project_id: p.agency for p in book.plans}
    progress_agency: dict[int, str] = {}
    ptable = book.tables.get(settings.progress_tab)
    if ptable is not None and not ptable.is_empty:
        try:
            for r in ptable.records({"project_id": settings.headers.get("project_id", ())}):
                pid = clean_text(r.get("project_id"))
                if pid in project_agency:
                    progress_agency[r.row] = project_agency[pid]
        except SourceError:
            pass
    agency_at[settings.progress_tab] = progress_agency
    problems = [*book.problems, *(dbook.problems if dbook is not None else ()), *extra_problems]
    if dbook is not None and dbook.problems:
        dtab = getattr(dbook, "tab", "") or settings.disbursement_tab
        try:
            dt = book.source.read_tabs([], optional=[dtab]).get(dtab)
        except (SourceError, OSError):
            dt = None
        agency_at[dtab] = _row_agencies(dt, {"agency": settings.headers.get("agency", ())})
    seen = first_seen or {}
    issues = []
    for p in problems:
        loc = p.location
        agency = agency_at.get(loc.sheet or "", {}).get(loc.row or -1)
        if not agency:
            continue
        where = str(loc) or (loc.sheet or "")
        issue = RowIssue(agency=agency, where=where, reason=p.reason)
        issues.append(RowIssue(agency, where, p.reason, seen.get(row_issue_key(issue))))
    rows: Counter = Counter()
    for p in book.plans:
        rows[p.agency] += 1
    for pr in book.progress:
        if pr.project_id in project_agency:
            rows[project_agency[pr.project_id]] += 1
    if dbook is not None:
        for r in dbook.history:
            rows[r.agency] += 1
    for i in issues:
        rows[i.agency] += 1
    plans = [(p, book.timelines.get(p.project_id)) for p in book.plans]
    return ScoringInputs(plans=plans, progress=list(book.progress),
                         disbursement=list(dbook.history) if dbook is not None else [],
                         deductions=list(deductions), row_issues=issues,
                         rows_per_agency=dict(rows), group_of=dict(group_of or {}))


def update_first_seen(path: Path, issues: Sequence[RowIssue], today: date, *,
                      write: bool = True) -> dict[str, date]:
    """First-seen dates of row errors (for the ``row_error_unfixed`` deduction), kept in a small
    JSON file procal owns. Errors no longer present are forgotten."""
    path = Path(path)
    old: dict[str, date] = {}
    if path.is_file():
        try:
            old = {k: date.fromisoformat(v)
                   for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
        except (ValueError, OSError, AttributeError):
            old = {}
    now = {}
    for i in issues:
        k = row_issue_key(i)
        now[k] = min(old.get(k, today), today)
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: v.isoformat() for k, v in sorted(now.items())},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    return now


# ------------------------------------------------------------------------------- tables
def _n(v: Decimal) -> float:
    return float(round2(v))


def scoreboard_rows(board: Scoreboard) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the scoreboard (one row per agency, ranked within its group)."""
    dims = [d for d in board.criteria.dimensions]
    header = ["กลุ่ม", "อันดับในกลุ่ม", "อันดับรวม", "หน่วยงาน", "งบที่ได้รับจัดสรร (บาท)",
              *(f"{d.name_th} (เต็ม {d.weight:g})" for d in dims), "คะแนนก่อนหัก",
              "หักคะแนน", f"คะแนนรวม (เต็ม {board.criteria.total:g})", "ระดับรางวัล",
              "กลุ่มติดตาม", "หมายเหตุ"]
    rows = []
    for gname, members in board.groups:
        for a in members:
            rows.append([gname, a.rank, a.rank_overall, a.agency, _n(a.allocation),
                         *(_n(v) for _, v in a.by_dimension), _n(a.subtotal), _n(a.deducted),
                         _n(a.total), a.award.name_th if a.award else "ไม่ผ่านเกณฑ์",
                         a.followup_group, "; ".join(a.notes)])
    return header, rows


def breakdown_rows(board: Scoreboard) -> tuple[list[str], list[list[object]]]:
    """Per agency and criterion: the measure's value, the rule, the points and the inputs;
    then each deduction with its reason and evidence."""
    header = ["หน่วยงาน", "มิติ", "รหัสเกณฑ์", "เกณฑ์", "ค่าที่วัดได้", "หน่วย", "ใช้คิดคะแนน",
              "คะแนนตามเกณฑ์", "คะแนนเต็ม", "คะแนนหลังปรับน้ำหนัก", "ที่มาของคะแนน",
              "ข้อมูลที่ใช้ (แถวและวันที่)"]
    from schedule_engine.scoring import MEASURES

    rows: list[list[object]] = []
    for a in board.agencies:
        for cs in a.criteria:
            c = cs.criterion
            rows.append([a.agency, board.criteria.dimension(c.dimension).name_th, c.id, c.name_th,
                         "" if cs.value is None else _n(cs.value), MEASURES[c.measure].unit,
                         "ใช่" if cs.applicable else "ไม่ใช่", _n(cs.raw_points), _n(c.points),
                         _n(cs.points), cs.rule, "\n".join(cs.inputs)])
        for d in a.deductions:
            rows.append([a.agency, "หักคะแนน", d.rule or "หักคะแนน (แท็บ)", d.reason, "", "", "ใช่",
                         -_n(d.points), "", -_n(d.points),
                         f"ลงวันที่ {format_thai_date(d.on)}",
                         (d.evidence or "") + (f" ({d.source_ref.sheet} แถว {d.source_ref.row})"
                                               if d.source_ref else "")])
        for note in a.notes:
            rows.append([a.agency, "หมายเหตุ", "", note, "", "", "", "", "", "", "", ""])
    return header, rows


def writeback_rows(board: Scoreboard) -> list[list[object]]:
    """The ``คะแนน`` tab written back to the sheet: the header on row 1 (like ``status``), then one
    row per agency; the as-of date and quarter are columns."""
    header, rows = scoreboard_rows(board)
    when = [format_thai_date(board.as_of), f"{board.quarter}/{board.fiscal_year}"]
    return [[*header, "ข้อมูล ณ วันที่", "ไตรมาส/ปีงบประมาณ"], *([*r, *when] for r in rows)]


def add_score_sheets(wb, board: Scoreboard) -> None:
    """Add the สรุปคะแนน (scoreboard) and รายละเอียดคะแนน (breakdown) sheets to an openpyxl
    workbook."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from sheets_io.safecell import append_row

    head_fill, head_font = PatternFill("solid", fgColor="1A237E"), Font(bold=True, color="FFFFFF")
    award_fill = {"ดีเด่น": "A5D6A7", "ดี": "C8E6C9", "ผ่าน": "FFF59D", "ไม่ผ่านเกณฑ์": "EF9A9A"}
    intro = [f"ผลการประเมินหน่วยงาน (PTS) ข้อมูล ณ วันที่ {format_thai_date(board.as_of)} "
             f"ปีงบประมาณ พ.ศ. {board.fiscal_year} ไตรมาสที่ {board.quarter}",
             f"เกณฑ์: {board.criteria.name or board.criteria.file} ({board.criteria.file})"]
    if board.criteria.illustrative:
        intro.append("หมายเหตุ: เกณฑ์เป็นตัวอย่าง (ILLUSTRATIVE) ไม่ใช่เกณฑ์ทางการของจังหวัด")
    for title, (header, rows), widths in (
            ("สรุปคะแนน", scoreboard_rows(board), None),
            ("รายละเอียดคะแนน", breakdown_rows(board), {12: 90, 11: 40, 4: 44})):
        ws = wb.create_sheet(title)
        for line in intro:
            append_row(ws, [line])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        if board.criteria.illustrative:
            ws.cell(row=3, column=1).font = Font(color="C62828", bold=True)
        append_row(ws, [""])
        hr = append_row(ws, header)
        for c in range(1, len(header) + 1):
            cell = ws.cell(row=hr, column=c)
            cell.fill, cell.font = head_fill, head_font
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r in rows:
            append_row(ws, r)
        for c, h in enumerate(header, start=1):
            w = max([len(str(h))] + [min(60, len(str(ws.cell(row=r, column=c).value or "")
                                                 .split("\n")[0]))
                                     for r in range(hr + 1, ws.max_row + 1)])
            ws.column_dimensions[get_column_letter(c)].width = (widths or {}).get(c, min(50, max(
                10, w + 2)))
        if title == "สรุปคะแนน":
            award_col = header.index("ระดับรางวัล") + 1
            for r in range(hr + 1, ws.max_row + 1):
                v = ws.cell(row=r, column=award_col).value
                if v in award_fill:
                    ws.cell(row=r, column=award_col).fill = PatternFill("solid",
                                                                         fgColor=award_fill[v])
                for c in range(5, award_col):
                    ws.cell(row=r, column=c).number_format = "#,##0.00"
        else:
            for r in range(hr + 1, ws.max_row + 1):
                for c in (11, 12, 4):
                    ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=hr + 1, column=1)


# ------------------------------------------------------------------------------- chart
def ranking_chart(board: Scoreboard, path: Path) -> Path:
    """Horizontal bars of each agency's total, stacked by dimension, the deductions in grey, the
    award tier written next to each bar and the tier thresholds as lines."""
    from sheets_io.charts import _short, plt, register_thai_font

    register_thai_font()
    agencies = list(reversed(board.agencies))  # best at the top
    n = max(1, len(agencies))
    fig, ax = plt.subplots(figsize=(11, max(3.2, 0.5 * n + 2.0)), dpi=110)
    names = [f"{_short(a.agency, 30)}" for a in agencies]
    colours = ["#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00"]
    left = [0.0] * len(agencies)
    for i, d in enumerate(board.criteria.dimensions):
        vals = [float(round2(dict((x.id, v) for x, v in a.by_dimension)[d.id]))
                for a in agencies]
        ax.barh(names, vals, left=left, color=colours[i % len(colours)],
                label=f"{d.name_th} (เต็ม {d.weight:g})")
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ded = [float(round2(a.deducted)) for a in agencies]
    if any(ded):
        ax.barh(names, [-x for x in ded], left=left, color="#9e9e9e", hatch="//",
                label="หักคะแนน")
    for y, a in enumerate(agencies):
        tier = a.award.name_th if a.award else "ไม่ผ่านเกณฑ์"
        grp = f" · {a.group.id}" if a.group else ""
        ax.text(float(round2(a.subtotal)) + 0.8, y,
                f"{round2(a.total):.2f} คะแนน — {tier} (อันดับ {a.rank}{grp})",
                va="center", fontsize=8.5)
    for aw in board.criteria.awards:
        ax.axvline(float(aw.min_score), color="#424242", linestyle=":", linewidth=1)
        ax.text(float(aw.min_score), n - 0.35, f" {aw.name_th} ≥{aw.min_score:g}", fontsize=8,
                color="#424242", va="bottom")
    ax.set_xlim(0, float(board.criteria.total) * 1.45)
    ax.set_xlabel(f"คะแนน (เต็ม {board.criteria.total:g})")
    ax.set_title(f"ผลการประเมินหน่วยงาน (PTS) ข้อมูล ณ {format_thai_date(board.as_of)} "
                 f"ปีงบประมาณ {board.fiscal_year} ไตรมาส {board.quarter}", fontsize=12)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.subplots_adjust(left=0.3)
    return _save_scores(fig, path, board)


def _save_scores(fig, path: Path, board: Scoreboard) -> Path:
    from sheets_io.charts import plt

    if board.criteria.illustrative:
        fig.text(0.01, 0.005, "เกณฑ์ตัวอย่าง (ILLUSTRATIVE) ไม่ใช่เกณฑ์ทางการ", fontsize=8,
                 color="#c62828")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def group_summary(board: Scoreboard) -> dict[str, list[AgencyScore]]:
    out: dict[str, list[AgencyScore]] = defaultdict(list)
    for g, members in board.followup:
        out[g].extend(members)
    return out


__all__ = ["DEDUCTIONS_TAB", "SCORES_TAB", "read_deductions", "scoring_inputs",
           "update_first_seen", "scoreboard_rows", "breakdown_rows", "writeback_rows",
           "add_score_sheets", "ranking_chart", "row_issue_key", "group_summary"]
