"""``procal run`` (the treasury's one-command job), ``procal report`` and ``procal init``.

    procal run                              # no config, no Google: the shipped example → procal-out/
    procal run --dry-run                    # read, validate, compute, print the plan; write nothing
    procal run --config /etc/procal/procal.toml --today 2026-11-25
    procal report examples/plans.xlsx       # only the xlsx + PNG report
    procal init                             # write a commented procal.toml

Exit codes (constants in procal/cli.py): 0 success; 1 finished, but some rows had errors (reported,
left out, their events kept); 2 failed (configuration, source, targets, a blocked or failed sync).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional
from zoneinfo import ZoneInfo

import typer

from procal import output as say
from procal.google_clients import google_clients_for
from schedule_engine.errors import ProcalError, SourceError
from schedule_engine.i18n import N_, get_language, t as tr

if TYPE_CHECKING:  # rich loads when a command prints (not for `procal --help`)
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

EXAMPLE_WORKBOOK = Path("examples") / "plans.xlsx"
EXAMPLE_TARGETS = Path("examples") / "targets"


def bangkok_today() -> date:
    return datetime.now(ZoneInfo("Asia/Bangkok")).date()


def repo_root() -> Path | None:
    """The repo checkout procal runs from (editable install or a source tree), if any."""
    here = Path(__file__).resolve().parents[1]
    if (here / EXAMPLE_WORKBOOK).is_file():
        return here
    cwd = Path.cwd()
    if (cwd / EXAMPLE_WORKBOOK).is_file():
        return cwd
    return None


def find_example() -> tuple[Path, Path]:
    """The shipped example workbook and its illustrative targets folder, or a clear SourceError."""
    root = repo_root()
    if root is None:
        installed = _installed_examples()
        if installed is not None:
            return installed / EXAMPLE_WORKBOOK.name, installed / EXAMPLE_TARGETS.name
        raise SourceError(
            "no source given and the example workbook examples/plans.xlsx was not found (procal is "
            "installed without its repository checkout). Pass a source — `procal run <Google Sheet "
            "URL | plans.xlsx | folder of CSVs>` — or set [run] source in procal.toml "
            "(`procal init` writes one)")
    return root / EXAMPLE_WORKBOOK, root / EXAMPLE_TARGETS


def _installed_examples() -> Path | None:
    """The example folder a wheel installs as ``procal_examples`` (see setup.py), if any."""
    try:
        import procal_examples  # type: ignore[import-not-found]
    except ImportError:
        return None
    for folder in getattr(procal_examples, "__path__", ()):
        if (Path(folder) / EXAMPLE_WORKBOOK.name).is_file():
            return Path(folder)
    return None


@dataclass
class RunResult:
    """What one run did (also what the tests look at)."""

    source: str = ""
    example: bool = False
    dry_run: bool = False
    plan_rows: int = 0
    plan_problems: list = field(default_factory=list)
    disbursement_problems: list = field(default_factory=list)
    disbursement_rows: int = 0
    milestone_plan: Any = None
    milestone_report: Any = None
    reminder_plan: Any = None
    reminder_report: Any = None
    reconciliation: Any = None
    write_report: Any = None
    report_files: list[Path] = field(default_factory=list)
    scoring: Any = None  # procal.cmd_score.ScoringRun (docs/scoring.md)
    backend: str = ""
    notes: list[str] = field(default_factory=list)
    forecasts: dict = field(default_factory=dict)  # project id -> Forecast (early warning)
    at_risk: dict = field(default_factory=dict)  # agency -> [(id, name, Forecast)] AT_RISK, LOST

    @property
    def row_errors(self) -> int:
        return (len(self.plan_problems) + len(self.disbursement_problems)
                + len(getattr(self.scoring, "problems", ())))

    @property
    def exit_code(self) -> int:
        from procal.cli import EXIT_FAILED, EXIT_OK, EXIT_ROW_ERRORS

        scoring_rep = getattr(self.scoring, "event_report", None)
        for rep in (self.milestone_report, self.reminder_report, scoring_rep):
            if rep is not None and rep.errors:
                return EXIT_FAILED
        return EXIT_ROW_ERRORS if self.row_errors else EXIT_OK


def _progress(console: Console, enabled: bool = True) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), console=console, transient=True,
                    disable=not enabled or not console.is_terminal)


def run_job(settings, *, source: str | None = None, today: date | None = None,
            dry_run: bool = False, allow_mass_delete: bool = False, backend: str | None = None,
            console: Console | None = None, progress: bool = True) -> RunResult:
    """The whole treasury job. Raises ``ProcalError`` for failures (exit 2)."""
    with contextlib.ExitStack() as run_scope:  # lives as long as the run (shared listings)
        return _run_job(run_scope, settings, source=source, today=today, dry_run=dry_run,
                        allow_mass_delete=allow_mass_delete, backend=backend, console=console,
                        progress=progress)


def _run_job(run_scope: contextlib.ExitStack, settings, *, source: str | None, today: date | None,
             dry_run: bool, allow_mass_delete: bool, backend: str | None,
             console: Console | None, progress: bool) -> RunResult:
    from calendar_sync.ledger import Ledger
    from calendar_sync.reminders import (ReminderOptions, existing_reminder_keys, period_key,
                                         reminder_events, sync_reminders)
    from calendar_sync.runner import open_backend, plan_milestones
    from calendar_sync.sync import apply_sync
    from procal.settings import with_overrides
    from schedule_engine import default_calendar, default_rulebook
    from schedule_engine.reconcile import late_milestones, province_history, reconcile
    from schedule_engine.targets import load_targets
    from sheets_io.disbursement import read_disbursement
    from sheets_io.plans import read_plans
    from sheets_io.reports import write_report
    from sheets_io.writeback import write_back

    console = console or say.stderr_console()
    today = today or bangkok_today()
    backend = backend or settings.run.backend
    result = RunResult(dry_run=dry_run)
    example_copy = None
    src = source or settings.run.source
    if src is None:
        workbook, targets_dir = find_example()
        result.example = True
        settings = with_overrides(settings, extra_target_dirs=(targets_dir,))
        # never write into the shipped example: work on a copy next to the outputs (a dry run
        # reads the original); both carry the same label so event texts do not change
        from sheets_io.tables import XlsxSource

        out_dir = Path(settings.sync.out_dir)
        copy = out_dir / workbook.name
        # read the original; the copy is made once every check has passed (see _write_phase)
        src_obj = XlsxSource(workbook, settings.sheets)
        src_obj.label = EXAMPLE_WORKBOOK.as_posix()
        example_copy = (workbook, copy)
        result.notes.append(f"no source configured: using the example workbook {workbook}"
                            + ("" if dry_run else f" (write-back goes to the copy {copy})"))
        src = src_obj
    result.source = getattr(src, 'label', None) or str(src)
    cal = default_calendar()
    from procal.rules import rulebook_for

    rulebook = rulebook_for(settings) if getattr(settings, "rules", None) else default_rulebook()
    # a dry run asks for the same access as the real run, so it reports a login that cannot write
    clients = google_clients_for(settings, src if isinstance(src, str) else None, backend,
                                 write=settings.sheets.write_back)

    with _progress(console, progress) as bar:
        t = bar.add_task("reading plans", total=None)
        book = read_plans(src, settings=settings.sheets, rulebook=rulebook, calendar=cal,
                          today=today, clients=clients)
        bar.update(t, total=1, completed=1)
    from calendar_sync.routing import resolve_calendar_names

    resolve_calendar_names(book, settings.sync)  # ปฏิทิน names → configured keys; unknown = row error
    result.plan_rows = len(book.plans)
    result.plan_problems = list(book.problems)
    from procal.forecasting import forecast_book, risks_by_agency

    result.forecasts = forecast_book(book, settings, today=today, calendar=cal,
                                     example=result.example)
    result.at_risk = risks_by_agency(book)
    if book.timelines:
        unannounced = cal.unannounced_note(min(t.start for t in book.timelines.values()),
                                           max(t.contract_date for t in book.timelines.values()))
        if unannounced:
            result.notes.append(unannounced)

    # disbursement: the same source's tab, or its own source
    dsrc = settings.run.disbursement_source
    dbook = None
    try:
        if dsrc:
            from sheets_io.tables import open_source

            dbook = read_disbursement(open_source(dsrc, settings=settings.sheets, clients=clients),
                                      settings=settings.sheets, today=today)
        else:
            dbook = read_disbursement(book.source, settings=settings.sheets, today=today)
    except SourceError as exc:
        if dsrc or "not found" not in str(exc):
            raise
        result.notes.append(f"no disbursement tab ({exc}); reconciliation and reminders skipped")
    if dbook is not None:
        result.disbursement_problems = list(dbook.problems)
        result.disbursement_rows = len(dbook.records)

    # --- everything that can fail the run happens before the first write: exit 2 means nothing
    # was written (targets for the year reconciled, calendars mapped, reachable and writable,
    # credentials, the folders and the workbook written to) -------------------------------------
    tdirs = settings.targets.dirs
    recon = history = table = None
    if dbook is not None and dbook.records:
        late = late_milestones(((p, book.timelines[p.project_id]) for p in book.plans
                                if p.project_id in book.timelines), book.progress, today, cal,
                               settings.late_step_codes)
        recon = reconcile(dbook.records, lambda fy: load_targets(fy, tdirs),
                          mode=settings.targets.mode,
                          thresholds=settings.reconcile.thresholds,
                          totals_target=settings.reconcile.totals_target, late=late)
        result.reconciliation = recon
        if settings.run.reports:
            history = province_history(dbook.history, lambda fy: load_targets(fy, tdirs),
                                       mode=settings.targets.mode,
                                       thresholds=settings.reconcile.thresholds)
            table = load_targets(recon.fiscal_year, tdirs)
    elif dbook is not None:
        result.notes.append("the disbursement tab has no valid rows; nothing to reconcile")

    be = open_backend(settings.sync, backend="ics" if backend == "ics" else backend,
                      google_settings=settings.google,
                      credentials=clients.credentials if clients is not None else None)
    result.backend = be.name
    rplan = None
    # plan on a copy of the state file: planning never changes it, even when a check fails later
    # Google: one listing per calendar per run, shared by the milestone, reminder and scoring
    # syncs (the backend keeps it in step with its own writes); it lasts until the run ends
    run_scope.enter_context(getattr(be, "shared_listings", contextlib.nullcontext)())
    with _open_ledger(Ledger, settings.sync.ledger_file, True) as ledger:
        # 1. milestones
        plan = plan_milestones(book, settings.sync, be, ledger, today=today, calendar=cal,
                               allow_mass_delete=allow_mass_delete)
        result.milestone_plan = plan
        exec_cal = settings.sync.executives_calendar
        if recon is not None and settings.reconcile.reminders and exec_cal:
            opts = ReminderOptions(
                calendar=exec_cal, at=settings.reconcile.reminder_time,
                duration_minutes=settings.reconcile.reminder_minutes,
                min_severity=settings.reconcile.remind_from,
                late_milestones=settings.reconcile.remind_late_milestones,
                resolved=settings.reconcile.resolved, summary=settings.reconcile.summary_event)
            prev = existing_reminder_keys(be, ledger, namespace=settings.sync.namespace,
                                          calendar=exec_cal)
            events = reminder_events(recon, today=today, calendar=cal, options=opts,
                                     previously_reminded=prev, risks=result.at_risk)
            rplan, _ = sync_reminders(events, be, ledger, namespace=settings.sync.namespace,
                                      period=period_key(recon.as_of), dry_run=True,
                                      on_hand_edit=settings.sync.on_hand_edit)
            result.reminder_plan = rplan
        elif recon is not None:
            result.notes.append("executive reminders are off ([reconcile] reminders / "
                                "[sync] executives_calendar)")
    if dry_run:
        return result
    from procal.prewrite import check_before_writing

    check_before_writing(settings, be, [plan, rplan], book=book,
                         write_back_target=None if example_copy else book.source,
                         reports=table is not None)

    # --- the writes -----------------------------------------------------------------------------
    if example_copy is not None:
        from sheets_io.tables import XlsxSource

        original, copy = example_copy
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, copy)
        book.source = XlsxSource(copy, settings.sheets)  # write-back goes to the copy
        book.source.label = EXAMPLE_WORKBOOK.as_posix()
    with Ledger(settings.sync.ledger_file) as ledger:
        result.milestone_report = _apply(plan, be, ledger, console, progress, "milestones",
                                         apply_sync)
        if rplan is not None:
            result.reminder_report = _apply(rplan, be, ledger, console, progress, "reminders",
                                            apply_sync)
    if table is not None:
        files = write_report(recon, table, settings.reports_dir, history=history,
                             problems=[*dbook.problems, *book.problems], today=today,
                             inputs=_input_sources(book, dsrc),
                             forecasts=[(p, book.forecasts[p.project_id]) for p in book.plans
                                        if p.project_id in book.forecasts],
                             short_names=settings.reconcile.short_names)
        result.report_files = files.all
        _write_summary(result, recon, history, settings, today)
    # agency scoring: scoreboard sheets, ranking chart, quarterly and follow-up events
    from procal.cmd_score import run_scoring

    with Ledger(settings.sync.ledger_file) as ledger:
        result.scoring = run_scoring(
            settings, book=book, dbook=dbook, recon=recon, backend=be, ledger=ledger,
            today=today, calendar=cal, dry_run=False,
            report_workbook=result.report_files[0] if result.report_files else None,
            reminder_events=events if rplan is not None else (), at_risk=result.at_risk)
    result.report_files += [f for f in result.scoring.files if f not in result.report_files]
    result.write_report = write_back(book.source, book, today=today, calendar=cal)
    if result.write_report.note and book.source.kind == "xlsx":
        result.notes.append(result.write_report.note)
    return result


def _write_summary(result: RunResult, recon, history, settings, today: date) -> None:
    """``reports/summary.json``: the reconciliation for the web dashboard (`procal web`)."""
    from sheets_io.run_summary import SUMMARY_NAME, run_summary, write_run_summary

    summary = run_summary(recon, history=history, report_files=result.report_files,
                          reports_dir=Path(settings.reports_dir), today=today,
                          plans=result.plan_rows, row_errors=result.row_errors)
    if result.forecasts:
        summary["forecast"] = forecast_summary(result.forecasts, result.at_risk)
    result.report_files.append(write_run_summary(Path(settings.reports_dir) / SUMMARY_NAME,
                                                 summary))


def forecast_summary(forecasts: dict, at_risk: dict) -> dict:
    """The early warning in ``summary.json``: how many projects are in each state, and every
    AT_RISK then LOST project, soonest action first (the order of ``procal forecast``)."""
    from schedule_engine.forecast import ForecastState

    counts = {s.value: 0 for s in ForecastState}
    for f in forecasts.values():
        counts[f.state.value] += 1
    rows = [(agency, pid, name, f) for agency, items in at_risk.items()
            for pid, name, f in items]
    rows.sort(key=lambda r: (r[3].state.rank, r[3].action.by if r[3].action else date.max,
                             -r[3].lost_by, r[0], r[1]))

    def iso(d):
        return d.isoformat() if d else None

    return {"counts": counts, "projects": [{
        "agency": agency, "project_id": pid, "project_name": name, "state": f.state.value,
        "deadline": iso(f.deadline.date) if f.deadline else None,
        "deadline_th": f.deadline.label("th") if f.deadline else "",
        "deadline_en": f.deadline.label("en") if f.deadline else "",
        "expected_contract": iso(f.expected_contract),
        "earliest_contract": iso(f.earliest_contract),
        "action_by": iso(f.action.by) if f.action else None,
        "action_th": f.action.text("th") if f.action else "",
        "action_en": f.action.text("en") if f.action else "",
        "lost_by_working_days": f.lost_by,
    } for agency, pid, name, f in rows]}


def _input_sources(book, disbursement_source) -> list:
    """What a run read, so no output is ever written over it."""
    out = [book.source]
    if disbursement_source and not str(disbursement_source).startswith("http"):
        out.append(str(disbursement_source))
    return out


@contextlib.contextmanager
def _open_ledger(Ledger, path: Path, dry_run: bool):
    """The state file; a dry run works on a throw-away copy so nothing on disk changes."""
    if not dry_run:
        with Ledger(path) as ledger:
            yield ledger
        return
    with tempfile.TemporaryDirectory(prefix="procal-dry-") as tmp:
        copy = Path(tmp) / "state.sqlite"
        if Path(path).is_file():
            shutil.copyfile(path, copy)
        with Ledger(copy) as ledger:
            yield ledger


def _blocked(reason: str):
    from calendar_sync.errors import MassDeleteError

    return MassDeleteError(reason)


def _apply(plan, be, ledger, console, progress, what, apply_sync):
    if plan.blocked:
        raise _blocked(plan.blocked)
    with _progress(console, progress) as bar:
        task = bar.add_task(f"syncing {what} ({be.name})", total=len(plan.ops))
        return apply_sync(plan, be, ledger, progress=lambda n: bar.advance(task, n))


# sync counts and target modes as people read them (schedule_engine.i18n catalogue)
_COUNT_LABELS = {
    "created": N_("created"), "updated": N_("updated"), "deleted": N_("deleted"),
    "unchanged": N_("unchanged"), "held": N_("held"), "restored": N_("restored"),
    "hand_edited": N_("hand-edited"), "errors": N_("errors"), "create": N_("to create"),
    "update": N_("to update"), "delete": N_("to delete"),
}
_MODES = {"pro_rata": N_("pro rata"), "quarter_end": N_("quarter end")}


def _counts(counts: dict) -> str:
    return ", ".join(f"{tr(_COUNT_LABELS.get(k, k))} {v}" for k, v in counts.items())


def _add(table: Table, what: str, value: str) -> None:
    from rich.markup import escape

    table.add_row(escape(what), escape(value))


def print_summary(result: RunResult, settings, console: Console, err: Console) -> None:
    from rich.table import Table

    from calendar_sync.reminders import baht, pct

    for note in result.notes:
        say.note(note, err)
    for p in result.plan_problems:
        say.row_error(p, err)
    for p in result.disbursement_problems:
        say.row_error(p, err)
    for p in getattr(result.scoring, "problems", ()):
        say.row_error(p, err)
    t = Table(title="procal run" + (tr(" (dry run: nothing written)") if result.dry_run else ""),
              show_header=False)
    t.add_column("what")
    t.add_column("result")
    _add(t, tr("source"), result.source)
    _add(t, tr("plans"), tr("{n} projects read, {errors} row error(s)", n=result.plan_rows,
                            errors=len(result.plan_problems)))
    if result.forecasts:
        n = {s: sum(1 for f in result.forecasts.values() if f.state.value == s)
             for s in ("at_risk", "lost", "on_track", "done")}
        _add(t, tr("forecast"), tr("{at_risk} at risk, {lost} lost, {on_track} on track, {done} signed "
                                   "(procal forecast lists them)", **n))
    for label, plan, rep in ((tr("milestones"), result.milestone_plan, result.milestone_report),
                             (tr("reminders"), result.reminder_plan, result.reminder_report)):
        if plan is None:
            continue
        if rep is not None:
            _add(t, label, f"{result.backend}: {_counts(rep.as_dict())}")
        else:
            _add(t, label, f"{result.backend} ({tr('plan')}): {_counts(plan.counts())}")
    sc = result.scoring
    if sc is not None and sc.board is not None:
        awards = sum(1 for a in sc.board.agencies if a.award)
        _add(t, "scores", f"{len(sc.board.agencies)} agencies scored, {awards} with an award tier"
                          + (f", {len(sc.problems)} deduction row error(s)" if sc.problems else ""))
        if sc.event_report is not None:
            _add(t, "score events", f"{result.backend}: {sc.event_report.summary_line()}")
    _add(t, tr("disbursement"), tr("{n} rows, {errors} row error(s)", n=result.disbursement_rows,
                                   errors=len(result.disbursement_problems)))
    recon = result.reconciliation
    if recon is not None:
        from schedule_engine.dates import format_date

        p = recon.province
        behind = [a for a in recon.agencies if a.total.behind]
        _add(t, tr("province"), tr(
            "as of {date} (FY{fy}): disbursed {pct} of {allocated} baht, target {target} ({mode})",
            date=format_date(recon.as_of, get_language()), fy=recon.fiscal_year,
            pct=f"{pct(p.disbursement_pct)} %", allocated=baht(p.allocated),
            target=f"{pct(p.disbursement_target_pct)} %", mode=tr(_MODES.get(recon.mode, recon.mode)))
            + (tr(" — ILLUSTRATIVE targets") if recon.illustrative_targets else ""))
        _add(t, tr("agencies"), tr("{n} agencies, {behind} behind target, {late} late milestone(s)",
                                   n=len(recon.agencies), behind=len(behind),
                                   late=len(recon.late_milestones)))
        for s in recon.by_budget_source:
            f = s.figures
            _add(t, f"  {s.budget_source}", tr("{pct} (target {target}), allocated {allocated}",
                                               pct=f"{pct(f.disbursement_pct)} %",
                                               target=f"{pct(f.disbursement_target_pct)} %",
                                               allocated=baht(f.allocated)))
    if result.write_report is not None:
        w = result.write_report
        _add(t, tr("write-back"), ", ".join(tr("{tab}: {n} rows", tab=k, n=v) for k, v in w.tabs.items())
                  + (tr(" (already up to date: not rewritten)") if w.unchanged else "")
                  if w.written else tr("off ([sheets] write_back = false)"))
    if result.report_files:
        _add(t, tr("reports"), str(Path(result.report_files[0]).parent.resolve()))
    if result.backend == "ics" and not result.dry_run:
        _add(t, tr("ics feeds"), str(Path(settings.sync.out_dir).resolve()))
    console.print(t)


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        source: Optional[str] = typer.Argument(
            None, help="Plan workbook (.xlsx/.csv/folder) or Google Sheet URL/id. Default: "
                       "run.source in procal.toml, else the shipped example workbook."),
        config: Optional[Path] = typer.Option(None, "--config", "-c",
                                              help="procal.toml (default: ./procal.toml if present)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Read, check and plan; write nothing."),
        today: Optional[str] = typer.Option(None, "--today",
                                            help="Run as if today were this date (reproducible runs)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (ICS, state, reports)."),
        backend: Optional[str] = typer.Option(None, "--backend", help="auto | ics | google"),
        allow_mass_delete: bool = typer.Option(False, "--allow-mass-delete",
                                               help="Allow deleting many procal events at once."),
    ) -> None:
        """งานประจำของคลังจังหวัด — The treasury job: plans → milestones, disbursement → reminders, reports, write-back."""
        from procal.cli import EXIT_FAILED
        from procal.settings import load_settings, with_overrides
        from rich.console import Console

        from schedule_engine.dates import parse_date

        console, err = Console(), say.stderr_console()
        if backend is not None and backend not in ("auto", "ics", "google"):
            raise typer.BadParameter("use auto, ics or google", param_hint="--backend")
        try:
            settings = with_overrides(load_settings(config), out_dir=out)
            day = parse_date(today) if today else None
            result = run_job(settings, source=source, today=day, dry_run=dry_run,
                             allow_mass_delete=allow_mass_delete, backend=backend, console=err)
        except ProcalError as exc:
            say.error(exc, err)
            raise typer.Exit(EXIT_FAILED)
        print_summary(result, settings, console, err)
        raise typer.Exit(result.exit_code)

    @app.command()
    def report(
        source: Optional[str] = typer.Argument(None, help="Workbook with the disbursement tab "
                                                          "(default: run.source or the example)."),
        config: Optional[Path] = typer.Option(None, "--config", "-c"),
        today: Optional[str] = typer.Option(None, "--today"),
        out: Optional[Path] = typer.Option(None, "--out", help="Folder for the xlsx and PNGs."),
    ) -> None:
        """รายงานผลการเบิกจ่ายสำหรับผู้บริหาร — Write the executives' report: an .xlsx workbook and PNG charts (Thai, BE dates)."""
        from procal.cli import EXIT_FAILED, EXIT_OK, EXIT_ROW_ERRORS

        from procal.settings import load_settings
        from rich.console import Console

        console, err = Console(), say.stderr_console()
        try:
            files, problems = report_job(load_settings(config), source=source, today=today, out=out)
        except ProcalError as exc:
            say.error(exc, err)
            raise typer.Exit(EXIT_FAILED)
        for p in problems:
            say.row_error(p, err)
        for f in files:
            console.print(str(f))
        raise typer.Exit(EXIT_ROW_ERRORS if problems else EXIT_OK)

    @app.command()
    def init(
        path: Path = typer.Argument(Path("procal.toml"), help="Where to write it."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    ) -> None:
        """สร้างไฟล์ตั้งค่า — Write a commented procal.toml with every setting and its default."""
        from procal.cli import EXIT_FAILED
        from rich.console import Console
        from rich.markup import escape

        from procal.settings import TEMPLATE

        if path.exists() and not force:
            say.error(f"{path} exists; use --force to overwrite it")
            raise typer.Exit(EXIT_FAILED)
        try:
            path.write_text(TEMPLATE, encoding="utf-8")
        except OSError as exc:
            say.error(f"{path}: cannot write ({exc.strerror}) — create the folder first or "
                      "choose another path")
            raise typer.Exit(EXIT_FAILED)
        Console().print(escape(f"wrote {path} — edit [run] source and [sync.google_calendars], "
                               f"then `procal run --dry-run`"), highlight=False)


def report_job(settings, *, source: str | None = None, today: str | date | None = None,
               out: Path | None = None) -> tuple[list[Path], list]:
    """Only the report: read plans (for late milestones) and disbursement, reconcile, write."""
    from procal.settings import with_overrides
    from schedule_engine import default_calendar
    from schedule_engine.dates import parse_date
    from schedule_engine.reconcile import late_milestones, province_history, reconcile
    from schedule_engine.targets import load_targets
    from sheets_io.disbursement import read_disbursement
    from sheets_io.plans import read_plans
    from sheets_io.reports import write_report

    day = parse_date(today) if isinstance(today, str) else (today or bangkok_today())
    src = source or settings.run.source
    if src is None:
        workbook, targets_dir = find_example()
        src = str(workbook)
        settings = with_overrides(settings, extra_target_dirs=(targets_dir,))
    cal = default_calendar()
    clients = google_clients_for(settings, src, "ics", write=False)  # the report only reads
    book = read_plans(src, settings=settings.sheets, calendar=cal, today=day, clients=clients)
    from procal.forecasting import forecast_book

    forecast_book(book, settings, today=day, calendar=cal, example=source is None
                  and settings.run.source is None)
    if settings.run.disbursement_source:
        dbook = read_disbursement(settings.run.disbursement_source, settings=settings.sheets, today=day)
    else:
        dbook = read_disbursement(book.source, settings=settings.sheets, today=day)
    if not dbook.records:
        raise SourceError(f"{dbook.source}: the disbursement tab has no valid rows to report on")
    tdirs = settings.targets.dirs
    late = late_milestones(((p, book.timelines[p.project_id]) for p in book.plans
                            if p.project_id in book.timelines), book.progress, day, cal,
                           settings.late_step_codes)
    lookup = lambda fy: load_targets(fy, tdirs)  # noqa: E731
    recon = reconcile(dbook.records, lookup, mode=settings.targets.mode,
                      thresholds=settings.reconcile.thresholds,
                      totals_target=settings.reconcile.totals_target, late=late)
    history = province_history(dbook.history, lookup, mode=settings.targets.mode,
                               thresholds=settings.reconcile.thresholds)  # as `run`
    out_dir = out or settings.reports_dir
    problems = [*dbook.problems, *book.problems]
    files = write_report(recon, lookup(recon.fiscal_year), out_dir, history=history,
                         problems=problems, today=day,
                         inputs=_input_sources(book, settings.run.disbursement_source),
                         forecasts=[(p, book.forecasts[p.project_id]) for p in book.plans
                                    if p.project_id in book.forecasts],
                         short_names=settings.reconcile.short_names)
    return files.all, problems
