"""``procal score`` (the agency scoreboard in the terminal) and the scoring step of ``procal run``
(scoreboard and breakdown sheets in the report workbook, the ranking chart, the optional ``คะแนน``
tab, the quarterly summary event and the follow-up groups' events). docs/scoring.md.

    procal score                       # ranking as of today, the shipped example if no source
    procal score --today 2026-11-25    # as of a date: only data dated on or before it is used
    procal score --quarter 1           # as of the end of Q1 (recomputing it later gives the same)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from procal import output as say
from schedule_engine.errors import ProcalError, SourceError

if TYPE_CHECKING:  # rich loads when a command prints (not for `procal --help`)
    from rich.console import Console


@dataclass
class ScoringRun:
    board: Any = None
    problems: list = field(default_factory=list)  # bad rows of the หักคะแนน tab
    files: list[Path] = field(default_factory=list)
    event_plan: Any = None
    event_report: Any = None
    groups: tuple = ()


def _scoring_settings(settings):
    from procal.scoring_settings import ScoringSettings

    return getattr(settings, "scoring", None) or ScoringSettings()


def _group_of(settings, book, dbook) -> dict[str, str]:
    """Follow-up group per agency: ``[[scoring.groups]]``, then the sheet column."""
    ss = _scoring_settings(settings)
    out = {m: g.name for g in ss.groups for m in g.members}
    if ss.followup_column and dbook is not None:
        from sheets_io.cells import clean_text

        tab = getattr(dbook, "tab", "") or settings.sheets.disbursement_tab
        try:
            table = book.source.read_tabs([], optional=[tab]).get(tab)
            recs = table.records({"agency": settings.sheets.headers.get("agency", ()),
                                  "group": (ss.followup_column,)}) if table is not None else []
        except (SourceError, OSError):
            recs = []
        for r in recs:
            agency, group = clean_text(r.get("agency")), clean_text(r.get("group"))
            if agency and group:
                out.setdefault(agency, group)
    return out


def followup_groups(settings, group_of: dict[str, str]):
    """Configured groups plus groups named only in the sheet column (no lead, no calendar)."""
    from calendar_sync.scoring_events import FollowupGroup

    ss = _scoring_settings(settings)
    groups = {g.name: FollowupGroup(g.name, g.lead, g.members, g.calendar) for g in ss.groups}
    extra: dict[str, list[str]] = {}
    for agency, g in group_of.items():
        if g not in groups:
            extra.setdefault(g, []).append(agency)
    for g, members in sorted(extra.items()):
        groups[g] = FollowupGroup(g, members[0], tuple(sorted(members)), None)
    return tuple(groups.values())


def build_scoreboard(settings, book, dbook, *, as_of: date, calendar, state_file: Path | None,
                     write_state: bool):
    """Score the agencies of ``book``/``dbook`` as of ``as_of``; returns (board, deduction row
    errors)."""
    from schedule_engine.scoring import load_criteria, score
    from schedule_engine.targets import load_targets
    from sheets_io.scoring_io import read_deductions, scoring_inputs, update_first_seen

    ss = _scoring_settings(settings)
    criteria = load_criteria(ss.criteria)
    deductions, problems = read_deductions(book.source)
    group_of = _group_of(settings, book, dbook)
    inputs = scoring_inputs(book, dbook, deductions=deductions, group_of=group_of)
    if state_file is not None:
        seen = update_first_seen(state_file, inputs.row_issues, as_of, write=write_state)
        inputs = scoring_inputs(book, dbook, deductions=deductions, first_seen=seen,
                                group_of=group_of)
    tdirs = settings.targets.dirs
    board = score(inputs, criteria, as_of=as_of, targets=lambda fy: load_targets(fy, tdirs),
                  calendar=calendar)
    return board, problems


def run_scoring(settings, *, book, dbook, recon, backend, ledger, today: date, calendar,
                report_workbook: Path | None, dry_run: bool, reminder_events=(),
                at_risk=None) -> ScoringRun:
    """The scoring step of ``procal run`` (called from one place in ``run_job``)."""
    from calendar_sync.reminders import period_key
    from calendar_sync.scoring_events import (followup_events, group_copies,
                                              score_summary_event, sync_scoring_events)

    ss = _scoring_settings(settings)
    out = ScoringRun()
    if not ss.enabled:
        return out
    board, problems = build_scoreboard(settings, book, dbook, as_of=today, calendar=calendar,
                                       state_file=Path(settings.sync.out_dir)
                                       / "scoring-row-errors.json", write_state=not dry_run)
    out.board, out.problems = board, problems
    groups = followup_groups(settings, _group_of(settings, book, dbook))
    out.groups = groups
    if not dry_run and report_workbook is not None:  # the report exists (reports on, data read)
        out.files = write_score_outputs(board, settings.reports_dir, report_workbook)
        if ss.write_back and settings.sheets.write_back:
            from sheets_io.scoring_io import SCORES_TAB, writeback_rows

            book.source.write_tabs({SCORES_TAB: writeback_rows(board)})
    events = []
    exec_cal = settings.sync.executives_calendar
    if ss.summary_event and exec_cal:
        events.append(score_summary_event(board, today=today, calendar=calendar,
                                          executives_calendar=exec_cal))
    current = [f"score/{board.fiscal_year}-Q{board.quarter}/"]
    if recon is not None:
        period = period_key(recon.as_of)
        current += [f"followup/{period}/", f"/reminder/{period}/"]
        if ss.followup_proposals:
            events += followup_events(recon, groups, today=today, calendar=calendar,
                                      period=period, at_risk=_risk_lines(at_risk))
        events += group_copies(reminder_events, groups)
    cals = [exec_cal] if exec_cal else []
    cals += [g.calendar for g in groups if g.calendar]
    known = getattr(backend, "calendar_ids", None)
    if known is not None:
        cals = [c for c in cals if c in known or "@" in c or c == "primary"]
    plan, report = sync_scoring_events(events, backend, ledger, namespace=settings.sync.namespace,
                                       current=current, calendars=cals, dry_run=dry_run,
                                       on_hand_edit=settings.sync.on_hand_edit)
    out.event_plan, out.event_report = plan, report
    return out


def _risk_lines(at_risk) -> dict[str, list[str]]:
    """The forecast's at-risk and lost projects per agency, one line each (for the proposal)."""
    from schedule_engine.dates import format_thai_date

    out: dict[str, list[str]] = {}
    for agency, items in (at_risk or {}).items():
        for pid, name, fc in items:
            state = getattr(getattr(fc, "state", None), "label_th", "")
            dl = getattr(fc, "deadline", None)
            when = f" กำหนด {format_thai_date(dl.date)}" if dl is not None else ""
            out.setdefault(agency, []).append(f"{pid} {name} — {state}{when}")
    return out


def write_score_outputs(board, reports_dir: Path, report_workbook: Path | None) -> list[Path]:
    """Scoreboard + breakdown sheets (in the report workbook when there is one, else in
    ``scores-<FY>-Q<q>.xlsx``) and ``charts/scores-ranking.png``."""
    from openpyxl import Workbook, load_workbook

    from sheets_io.scoring_io import add_score_sheets, ranking_chart

    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    files = []
    if report_workbook is not None and Path(report_workbook).is_file():
        wb = load_workbook(report_workbook)  # procal's own report, written moments ago
        path = Path(report_workbook)
    else:
        wb = Workbook()
        wb.remove(wb.active)
        path = reports_dir / f"scores-{board.fiscal_year}-Q{board.quarter}.xlsx"
    for title in ("สรุปคะแนน", "รายละเอียดคะแนน"):
        if title in wb.sheetnames:
            del wb[title]
    add_score_sheets(wb, board)
    wb.save(path)
    files.append(path)
    files.append(ranking_chart(board, reports_dir / "charts" / "scores-ranking.png"))
    return files


def score_job(settings, *, source: str | None = None, today: date, quarter: int | None = None):
    """Read, score, return (board, problems) — ``procal score``; writes nothing."""
    from procal.cmd_run import find_example
    from procal.google_clients import google_clients_for
    from procal.settings import with_overrides
    from schedule_engine import default_calendar
    from schedule_engine.scoring import quarter_end_on_or_before
    from sheets_io.disbursement import read_disbursement
    from sheets_io.plans import read_plans

    as_of = quarter_end_on_or_before(today, quarter)
    src = source or settings.run.source
    if src is None:
        workbook, targets_dir = find_example()
        src = str(workbook)
        settings = with_overrides(settings, extra_target_dirs=(targets_dir,))
    cal = default_calendar()
    clients = google_clients_for(settings, src, "ics", write=False)
    book = read_plans(src, settings=settings.sheets, calendar=cal, today=as_of, clients=clients)
    try:
        if settings.run.disbursement_source:
            dbook = read_disbursement(settings.run.disbursement_source, settings=settings.sheets)
        else:
            dbook = read_disbursement(book.source, settings=settings.sheets)
    except SourceError as exc:
        if settings.run.disbursement_source or "not found" not in str(exc):
            raise
        dbook = None
    state = Path(settings.sync.out_dir) / "scoring-row-errors.json"
    board, problems = build_scoreboard(settings, book, dbook, as_of=as_of, calendar=cal,
                                       state_file=state if state.is_file() else None,
                                       write_state=False)
    other = [*book.problems, *(dbook.problems if dbook is not None else [])]
    return board, problems, other


def print_scoreboard(board, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    from schedule_engine.dates import format_thai_date
    from schedule_engine.scoring import round2

    title = (f"ผลการประเมินหน่วยงาน ข้อมูล ณ {format_thai_date(board.as_of)} "
             f"ปีงบประมาณ {board.fiscal_year} ไตรมาส {board.quarter}")
    if board.criteria.illustrative:
        title += " — เกณฑ์ตัวอย่าง (ILLUSTRATIVE)"
    for gname, members in board.groups:
        t = Table(title=escape(f"{title}\n{gname}"), show_lines=False)
        t.add_column("อันดับ", justify="right")
        t.add_column("หน่วยงาน", overflow="fold")
        for d in board.criteria.dimensions:
            t.add_column(escape(f"{d.name_th} ({d.weight:g})"), justify="right", overflow="fold")
        t.add_column("หัก", justify="right")
        t.add_column(f"รวม ({board.criteria.total:g})", justify="right")
        t.add_column("ระดับ")
        for a in members:
            t.add_row(str(a.rank), escape(a.agency),
                      *(f"{round2(v):.2f}" for _, v in a.by_dimension),
                      f"{round2(a.deducted):.2f}" if a.deducted else "-",
                      f"{round2(a.total):.2f}",
                      escape(a.award.name_th if a.award else "ไม่ผ่านเกณฑ์")
                      + (" *" if a.reweighted else ""))
        console.print(t)
    console.print(escape("* ปรับน้ำหนัก: บางเกณฑ์ใช้กับหน่วยงานนี้ไม่ได้ คะแนนคิดจากเกณฑ์ที่เหลือแล้ว"
                         "ปรับเป็นฐานเดียวกัน (รายละเอียดในรายงาน แผ่นงาน 'รายละเอียดคะแนน')"),
                  highlight=False)


def register(app: typer.Typer) -> None:
    @app.command()
    def score(
        source: Optional[str] = typer.Argument(None, help="Plan workbook / Google Sheet (default: "
                                                          "run.source or the shipped example)."),
        config: Optional[Path] = typer.Option(None, "--config", "-c"),
        today: Optional[str] = typer.Option(None, "--today",
                                            help="Score as of this date (only data dated on or "
                                                 "before it)."),
        quarter: Optional[int] = typer.Option(None, "--quarter", "-q",
                                              help="Score as of the end of fiscal quarter 1–4."),
    ) -> None:
        """คะแนนหน่วยงาน (PTS) — Agency scoreboard (PTS): procurement and disbursement scores, deductions, awards."""
        from procal.cli import EXIT_FAILED, EXIT_OK, EXIT_ROW_ERRORS
        from procal.cmd_run import bangkok_today
        from procal.settings import load_settings
        from rich.console import Console

        from schedule_engine.dates import parse_date

        console, err = Console(), say.stderr_console()
        if quarter is not None and quarter not in (1, 2, 3, 4):
            raise typer.BadParameter("use 1, 2, 3 or 4", param_hint="--quarter")
        try:
            day = parse_date(today) if today else bangkok_today()
            board, problems, other = score_job(load_settings(config), source=source, today=day,
                                               quarter=quarter)
        except ProcalError as exc:
            say.error(exc, err)
            raise typer.Exit(EXIT_FAILED)
        for p in problems:
            say.row_error(p, err)
        print_scoreboard(board, console)
        raise typer.Exit(EXIT_ROW_ERRORS if problems else EXIT_OK)
