"""``procal sync`` (milestones → Google Calendar or ICS feeds) and ``procal serve`` (the feeds).

    procal sync examples/plans.xlsx                 # no Google account: writes procal-out/*.ics
    procal sync examples/plans.xlsx --dry-run       # print the plan, write nothing
    procal serve --dir procal-out                   # http://127.0.0.1:8080/province.ics
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from procal import output as say
from procal.google_clients import google_clients_for
from schedule_engine.errors import ProcalError

if TYPE_CHECKING:  # rich loads when a command prints (not for `procal --help`)
    from rich.console import Console

ACTION_TH = {"create": "สร้าง", "update": "แก้ไข", "delete": "ลบ", "unchanged": "คงเดิม",
             "held": "คงไว้ (อ่านแถวไม่ได้)"}


def load_settings(config: Path | None, out: Path | None):
    """The whole ``procal.toml`` (given, or ./procal.toml when present), with ``--out`` applied."""
    from procal.settings import load_settings as _load, with_overrides

    return with_overrides(_load(config), out_dir=out)


def print_plan(plan, console: Console, *, limit: int = 50) -> None:
    from rich.table import Table

    counts = plan.counts()
    console.print("แผนการซิงก์ (sync plan): " + ", ".join(f"{k} {v}" for k, v in counts.items())
                  + (f", hand-edited {len(plan.hand_edited)}" if plan.hand_edited else ""))
    rows = [r for r in plan.rows if r.action != "unchanged"]
    if rows:
        t = Table(show_lines=False)
        for col, width in (("action", 6), ("calendar", 8), ("key", 14), ("summary", 12),
                           ("reason", 8)):
            wrap = col == "summary"  # the Thai title wraps; the rest stays on one line
            t.add_column(col, no_wrap=not wrap, overflow="fold" if wrap else "ellipsis",
                         min_width=width)
        for r in rows[:limit]:
            t.add_row(r.action, r.calendar, r.key, r.summary, r.reason)
        console.print(t)
        if len(rows) > limit:
            console.print(f"... and {len(rows) - limit} more")
    for r in plan.hand_edited[:limit]:
        verb = "kept" if any(x.key == r.key and x.action == "unchanged" for x in plan.rows) \
            else "will be restored"
        console.print(f"[yellow]hand-edited in the calendar ({verb}):[/] {r.calendar} {r.key}",
                      highlight=False)
    if plan.blocked:
        console.print(f"[bold red]blocked:[/] {plan.blocked}")


def _bangkok_today() -> date:
    from datetime import datetime

    from calendar_sync.model import BANGKOK

    return datetime.now(BANGKOK).date()


def register(app: typer.Typer) -> None:
    @app.command()
    def sync(
        source: str = typer.Argument(..., help="Plan workbook (.xlsx/.csv) or Google Sheet id/URL."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing."),
        allow_mass_delete: bool = typer.Option(
            False, "--allow-mass-delete",
            help="Allow deleting more than the configured share of procal's events."),
        out: Optional[Path] = typer.Option(None, "--out", help="Folder for .ics feeds + ledger."),
        today: Optional[str] = typer.Option(None, "--today", help="Date for statuses (default: today)."),
        config: Optional[Path] = typer.Option(None, "--config", help="procal.toml (default: ./procal.toml if present)."),
        backend: Optional[str] = typer.Option(None, "--backend", help="auto | ics | google (default: [run] backend)"),
    ) -> None:
        """ลงปฏิทินขั้นตอนสำคัญ — Put every project's key milestones on the calendars (Google, or .ics feeds without an account)."""
        from calendar_sync.ledger import Ledger
        from calendar_sync.runner import open_backend, plan_milestones
        from calendar_sync.sync import apply_sync
        from schedule_engine import default_calendar
        from schedule_engine.dates import parse_date
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from sheets_io import read_plans  # type: ignore[attr-defined]

        console = Console()
        err = say.stderr_console()
        full = load_settings(config, out)
        settings = full.sync
        backend = backend or full.run.backend
        if backend not in ("auto", "ics", "google"):
            raise typer.BadParameter("use auto, ics or google", param_hint="--backend")
        day = parse_date(today) if today else _bangkok_today()
        cal = default_calendar()
        # sync reads the plan sheet and writes only calendars: read-only Sheets access is enough
        clients = google_clients_for(full, source, backend, write=False)
        book = read_plans(source, settings=full.sheets, today=day, calendar=cal, clients=clients)
        from calendar_sync.routing import resolve_calendar_names

        resolve_calendar_names(book, settings)
        for problem in getattr(book, "problems", []):
            say.row_error(problem, err)
        be = open_backend(settings, backend=backend, google_settings=full.google,
                          credentials=clients.credentials if clients is not None else None)
        ledger_file = settings.ledger_file
        if dry_run and not Path(ledger_file).exists():
            ledger_file = ":memory:"  # a dry run creates nothing, not even the ledger
        with Ledger(ledger_file) as ledger:
            plan = plan_milestones(book, settings, be, ledger, today=day, calendar=cal,
                                   allow_mass_delete=allow_mass_delete)
            print_plan(plan, console)
            if dry_run:
                console.print("dry run: nothing written.")
                raise typer.Exit(1 if getattr(book, "problems", None) else 0)
            if plan.blocked:
                say.error(plan.blocked, err)
                raise typer.Exit(2)
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True,
                          disable=not plan.ops) as bar:
                task = bar.add_task(f"syncing ({be.name})", total=len(plan.ops))
                try:
                    report = apply_sync(plan, be, ledger,
                                        progress=lambda n: bar.advance(task, n))
                except ProcalError as exc:
                    say.error(exc, err)
                    raise typer.Exit(2)
        for row in report.rows:
            if not row.ok:
                err.print(f"[red]failed:[/] {escape(row.action)} {escape(row.calendar)} {escape(row.key)}: {escape(str(row.error))}",
                          highlight=False)
        target = (f"{Path(settings.out_dir).resolve()}" if be.name == "ics" else be.name)
        console.print(f"done ({be.name} → {target}): {report.summary_line()}")
        if report.errors:
            raise typer.Exit(2)
        raise typer.Exit(1 if getattr(book, "problems", None) else 0)

    @app.command()
    def serve(
        dir: Path = typer.Option(Path("procal-out"), "--dir", help="Folder holding the .ics feeds."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
        port: int = typer.Option(8080, "--port"),
    ) -> None:
        """เผยแพร่ปฏิทิน .ics — Publish the .ics feeds for phones (webcal://): the `procal web` server (alias)."""
        from procal.cmd_web import run_web

        run_web(dir, host, port, None)
