"""procal sub-commands: ``check`` (validate a plan source) and ``export`` (the printable annual
procurement plan report). The work is done in :mod:`sheets_io`; this module only parses options
and prints.

    procal check examples/plans.xlsx               # problems table + summary; exit 0 / 1 / 2
    procal check SHEET_URL --write                 # also write the schedule + status tabs
    procal export examples/plans.xlsx --out แผนจัดซื้อจัดจ้าง-2570.xlsx
"""

from __future__ import annotations

import json
import os
import tomllib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from procal import output as say
from schedule_engine.errors import ConfigError, ProcalError

if TYPE_CHECKING:  # rich loads when a command prints (not for `procal --help`)
    from rich.console import Console
    from rich.table import Table as RichTable

EXIT_OK, EXIT_ROW_ERRORS, EXIT_FAILED = 0, 1, 2


def _load_config(path: Optional[Path]) -> dict:
    if path is None:
        default = Path(os.environ.get("PROCAL_CONFIG", "procal.toml"))
        if not default.exists():
            return {}
        path = default
    from schedule_engine.text import read_config_text

    try:
        return tomllib.loads(read_config_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None


def _settings(config: dict, file: str):
    from sheets_io.settings import SheetsSettings

    return SheetsSettings.from_mapping(config.get("sheets") or {}, file)


def _clients_for(source: str, config: dict, file: str, write: bool):
    from sheets_io.tables import spreadsheet_id_from

    if not spreadsheet_id_from(source):
        return None
    from google_access.clients import GoogleClients
    from google_access.credentials import load_credentials
    from google_access.settings import GoogleSettings

    gs = GoogleSettings.from_mapping(config.get("google") or {}, file)
    return GoogleClients(load_credentials(gs, write=write), gs)


def _parse_today(today: Optional[str]) -> Optional[date]:
    if not today:
        return None
    from schedule_engine.dates import parse_date

    return parse_date(today)


def _problem_table(book, title: str) -> RichTable:
    from rich.table import Table as RichTable

    from sheets_io.cells import clean_text

    t = RichTable(title=title, show_lines=False, expand=False)
    for col in ("tab", "row", "column", "value", "problem — what to do"):
        t.add_column(col, overflow="fold")
    for e in book.problems:
        loc = e.location
        t.add_row(loc.sheet or "", str(loc.row or ""), loc.column or "",
                  clean_text(e.value), e.reason + (f" — {e.hint}" if e.hint else ""))
    return t


def _progress(err: Console):
    """A spinner on stderr while reading and writing (as `procal run` shows); off without a
    terminal, so cron logs stay clean."""
    from procal.cmd_run import _progress as run_progress

    return run_progress(err)


def _check_what_run_reads(book, cfg: dict, file: str, clients) -> None:
    """`procal check` reads every tab `procal run` reads: the plan and progress tabs (read_plans),
    the disbursement tab (เบิกจ่าย, or [run] disbursement_source) and the ปฏิทิน names against the
    configured calendars. Their row errors join ``book.problems``."""
    from calendar_sync.routing import resolve_calendar_names
    from calendar_sync.settings import SyncSettings
    from schedule_engine.errors import SourceError
    from sheets_io.disbursement import read_disbursement

    resolve_calendar_names(book, SyncSettings.from_mapping(cfg.get("sync") or {}, file))
    dsrc = (cfg.get("run") or {}).get("disbursement_source")
    try:
        if dsrc:
            from sheets_io.tables import open_source

            src = open_source(str(dsrc), settings=book.settings, clients=clients)
        else:
            src = book.source
        dbook = read_disbursement(src, settings=book.settings)
    except SourceError as exc:
        if dsrc or "not found" not in str(exc):
            raise
        return  # no disbursement tab: `run` skips reconciliation too
    book.problems.extend(dbook.problems)


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        source: str = typer.Argument(..., help="Google Sheet URL or id, .xlsx, .csv or a folder of CSVs"),
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="procal.toml"),
        today: Optional[str] = typer.Option(None, help="pretend today is this date (statuses)"),
        write: bool = typer.Option(False, "--write", help="also write the schedule and status tabs"),
        fmt: str = typer.Option("table", "--format", help="table or json"),
    ) -> None:
        """ตรวจแผนจัดซื้อจัดจ้าง — Validate a plan source: every row problem with tab, row, column, value and what to do.

        Exit 0 if clean, 1 if some rows have errors (they are held), 2 if the source cannot be used.
        """
        from rich.console import Console

        console = Console(soft_wrap=False, width=200 if fmt == "table" else None)
        err = say.stderr_console()
        try:
            from sheets_io.plans import read_plans
            from sheets_io.writeback import write_back

            cfg = _load_config(config)
            file = str(config or "procal.toml")
            settings = _settings(cfg, file)
            # write scope only when the tabs will really be written ([sheets] write_back)
            clients = _clients_for(source, cfg, file, write and settings.write_back)
            day = _parse_today(today)
            with _progress(err) as bar:
                bar.add_task("reading plans", total=None)
                book = read_plans(source, settings=settings, clients=clients, today=day)
                bar.add_task("checking the disbursement tab and calendars", total=None)
                _check_what_run_reads(book, cfg, file, clients)
            report = None
            if write:
                from schedule_engine import default_calendar
                from sheets_io.plans import _bangkok_today

                report = write_back(book.source, book, today=day or _bangkok_today(),
                                    calendar=default_calendar())
        except ProcalError as exc:
            say.error(exc, err)
            raise typer.Exit(EXIT_FAILED)
        from sheets_io.cells import clean_text

        n_rows = len(book.row_status)
        if fmt == "json":
            typer.echo(json.dumps({
                "source": book.source.label, "plan_rows": n_rows, "valid": len(book.plans),
                "held_project_ids": sorted(book.held_project_ids),
                "unidentified_rows": book.unidentified_rows,
                "problems": [{"tab": e.location.sheet, "row": e.location.row,
                              "column": e.location.column,
                              "value": clean_text(e.value) or None,
                              "message": e.reason, "hint": e.hint} for e in book.problems],
                "warnings": [str(w) for w in book.warnings],
            }, ensure_ascii=False, indent=2))
        else:
            if book.problems:
                console.print(_problem_table(book, f"Problems in {book.source.label}"))
            for w in book.warnings:
                console.print(f"[yellow]warning:[/] {w}", highlight=False)
            held = len(book.held_project_ids) + len(book.unidentified_rows)
            console.print(
                f"{n_rows} plan rows: [green]{len(book.plans)} OK[/], "
                f"[red]{held} held[/] (kept as they are downstream until fixed); "
                f"{len(book.progress)} progress entries; {len(book.problems)} problem(s).",
                highlight=False)
            if book.unidentified_rows:
                console.print("[red]rows without a readable project id:[/] "
                              + ", ".join(map(str, book.unidentified_rows))
                              + " — the calendar sync will delete nothing until they are fixed",
                              highlight=False)
            if report is not None and report.written:
                console.print("wrote " + ", ".join(f"'{t}' ({n} rows)" for t, n in
                                                   report.tabs.items()), highlight=False)
                if book.source.kind == "xlsx":
                    say.note(report.note, say.stderr_console())
        raise typer.Exit(EXIT_ROW_ERRORS if book.problems else EXIT_OK)

    @app.command("export")
    def export(
        source: str = typer.Argument(..., help="Google Sheet URL or id, .xlsx, .csv or a folder of CSVs"),
        out: Path = typer.Option(..., "--out", "-o", help="the report .xlsx to write"),
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="procal.toml"),
        fiscal_year: Optional[int] = typer.Option(None, "--fiscal-year", help="BE, e.g. 2570"),
    ) -> None:
        """ส่งออกแผนการจัดซื้อจัดจ้างประจำปี — Write the annual procurement plan report (แผนการจัดซื้อจัดจ้าง) as a printable .xlsx."""
        err = say.stderr_console()
        try:
            from sheets_io.plan_report import export_plan_report
            from sheets_io.plans import read_plans

            if out.suffix.lower() != ".xlsx":
                raise ConfigError("the report is an .xlsx file; use --out NAME.xlsx", key="--out")
            cfg = _load_config(config)
            file = str(config or "procal.toml")
            with _progress(err) as bar:
                bar.add_task("reading plans", total=None)
                book = read_plans(source, settings=_settings(cfg, file),
                                  clients=_clients_for(source, cfg, file, False))
                bar.add_task(f"writing {out.name}", total=None)
                path = export_plan_report(book, out, fiscal_year_be=fiscal_year)
        except ProcalError as exc:
            say.error(exc, err)
            raise typer.Exit(EXIT_FAILED)
        typer.echo(f"wrote {path}: {len(book.plans)} projects"
                   + (f"; {len(book.problems)} problem(s) listed on the last sheet"
                      if book.problems else ""))
        raise typer.Exit(EXIT_ROW_ERRORS if book.problems else EXIT_OK)
