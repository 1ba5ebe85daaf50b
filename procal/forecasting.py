"""Early warning wiring: ``[forecast]`` settings, forecasts for a plan book, ``procal forecast``.

    procal forecast                         # the shipped example, today (Asia/Bangkok)
    procal forecast plans.xlsx --today 2027-03-01
    procal forecast --all --lang en         # every project, not only AT_RISK / LOST

``[forecast]`` in procal.toml::

    [forecast]
    dirs = ["measures"]          # folders with FY<BE>.toml deadline measures
    [[forecast.deadlines]]       # or measures right here (same keys as in FY<BE>.toml)
    code = "province-q2"
    name_th = "จังหวัดกำหนดให้งบลงทุนลงนามสัญญาภายใน 31 มี.ค. 2570"
    contract_by = 2027-03-31
    budget_types = ["investment"]
    source_text = "หนังสือจังหวัด ..."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional

import typer

from procal import output as say
from schedule_engine.errors import ConfigError, ProcalError

if TYPE_CHECKING:  # rich loads when a command prints (not for `procal --help`)
    from rich.console import Console


@dataclass(frozen=True)
class ForecastSettings:
    """``[forecast]``: where deadline measures come from."""

    dirs: tuple[Path, ...] = ()  # folders with FY<BE>.toml measures
    deadlines: tuple = ()  # DeadlineMeasure from [[forecast.deadlines]]


def parse_forecast_settings(data: Mapping[str, Any], base: Path, file: str | None
                            ) -> ForecastSettings:
    from schedule_engine.measures import parse_measures

    label = file or "procal.toml"
    unknown = set(data) - {"dirs", "deadlines"}
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)}; known: dirs, deadlines",
                          file=label, key="forecast")
    dirs = data.get("dirs", [])
    if isinstance(dirs, str):
        dirs = [dirs]
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise ConfigError("must be a list of folders holding FY<BE>.toml measures", file=label,
                          key="forecast.dirs")
    paths = tuple((base / d) if not Path(d).is_absolute() else Path(d) for d in dirs)
    for p in paths:
        if not p.is_dir():
            raise ConfigError(f"folder {p} does not exist", file=label, key="forecast.dirs")
    measures = parse_measures(data.get("deadlines", []), file=label, key="forecast.deadlines")
    return ForecastSettings(dirs=paths, deadlines=measures)


def forecast_settings(settings) -> ForecastSettings:
    return getattr(settings, "forecast", None) or ForecastSettings()


def example_measures_dir() -> Path | None:
    from procal.cmd_run import repo_root

    root = repo_root()
    d = root / "examples" / "measures" if root else None
    return d if d is not None and d.is_dir() else None


def forecast_book(book, settings, *, today: date, calendar, example: bool = False) -> dict:
    """Forecast every plan of ``book`` (a ``sheets_io`` PlanBook) and store them on
    ``book.forecasts`` (read by the write-back, the milestone events and the reminders)."""
    from schedule_engine.measures import forecast_plans, load_measures

    fs = forecast_settings(settings)
    dirs = list(fs.dirs)
    if example:
        ex = example_measures_dir()
        if ex is not None:
            dirs.append(ex)
    book.forecasts = forecast_plans(book.plans, book.timelines, book.progress, today=today,
                                    calendar=calendar,
                                    measures_of=lambda fy: load_measures(fy, dirs),
                                    extra=fs.deadlines)
    return book.forecasts


def at_risk_list(book) -> list:
    """(plan, forecast) of the AT_RISK and LOST projects, AT_RISK first, soonest action first."""
    from schedule_engine.forecast import ForecastState

    rows = []
    for plan in book.plans:
        f = book.forecasts.get(plan.project_id)
        if f is not None and f.state in (ForecastState.AT_RISK, ForecastState.LOST):
            rows.append((plan, f))
    rows.sort(key=lambda pf: (pf[1].state.rank,
                              pf[1].action.by if pf[1].action else date.max,
                              -pf[1].lost_by, pf[0].agency, pf[0].project_id))
    return rows


def risks_by_agency(book) -> dict[str, list[tuple]]:
    """agency → (project id, name, Forecast) of its AT_RISK then LOST projects (reminders)."""
    out: dict[str, list[tuple]] = {}
    for plan, f in at_risk_list(book):
        out.setdefault(plan.agency, []).append((plan.project_id, plan.name, f))
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def forecast(
        source: Optional[str] = typer.Argument(
            None, help="Plan workbook (.xlsx/.csv/folder) or Google Sheet URL/id. Default: "
                       "run.source in procal.toml, else the shipped example workbook."),
        config: Optional[Path] = typer.Option(None, "--config", "-c"),
        today: Optional[str] = typer.Option(None, "--today", help="Forecast as of this date."),
        show_all: bool = typer.Option(False, "--all", help="Every project, not only the ones "
                                                           "at risk or lost."),
        lang: str = typer.Option("th", "--lang", help="th | en"),
    ) -> None:
        """คาดการณ์โครงการที่จะลงนามไม่ทัน — Projects that will miss their contract-signing deadline (early warning)."""
        from procal.cli import EXIT_FAILED, EXIT_OK, EXIT_ROW_ERRORS
        from procal.cmd_run import bangkok_today, find_example
        from procal.google_clients import google_clients_for
        from procal.settings import load_settings
        from schedule_engine import default_calendar, default_rulebook
        from schedule_engine.dates import parse_date
        from rich.console import Console

        from sheets_io.plans import read_plans

        console, err = Console(), say.stderr_console()
        try:
            settings = load_settings(config)
            day = parse_date(today) if today else bangkok_today()
            src = source or settings.run.source
            example = src is None
            if example:
                src = str(find_example()[0])
            cal = default_calendar()
            clients = google_clients_for(settings, src, "ics", write=False)
            book = read_plans(src, settings=settings.sheets, rulebook=default_rulebook(),
                              calendar=cal, today=day, clients=clients)
            forecast_book(book, settings, today=day, calendar=cal, example=example)
        except ProcalError as exc:
            say.error(exc, err)
            raise typer.Exit(EXIT_FAILED) from None
        for p in book.problems:
            say.row_error(p, err)
        print_forecasts(book, day, console, lang=lang, show_all=show_all)
        raise typer.Exit(EXIT_ROW_ERRORS if book.problems else EXIT_OK)


def print_forecasts(book, today: date, console: Console, *, lang: str = "th",
                    show_all: bool = False) -> None:
    from rich.markup import escape

    from schedule_engine.dates import format_date
    from schedule_engine.forecast import STATE_EN, STATE_TH, ForecastState

    th = lang == "th"
    if show_all:
        rows = sorted(((p, book.forecasts[p.project_id]) for p in book.plans
                       if p.project_id in book.forecasts),
                      key=lambda pf: (pf[1].state.rank, pf[0].agency, pf[0].project_id))
    else:
        rows = at_risk_list(book)
    title = (f"โครงการที่เสี่ยงลงนามสัญญาไม่ทันกำหนด ณ {format_date(today, 'th')}" if th else
             f"Projects at risk of missing their contract deadline, {format_date(today, 'en')}")
    counts = {s: sum(1 for f in book.forecasts.values() if f.state is s) for s in ForecastState}
    names = STATE_TH if th else STATE_EN
    console.print(escape(title), style="bold", highlight=False)
    current = None
    for plan, f in rows:
        if f.state is not current:
            current = f.state
            n = sum(1 for _, g in rows if g.state is f.state)
            mark = {ForecastState.AT_RISK: "⚠️ ", ForecastState.LOST: "⛔ "}.get(f.state, "")
            console.print(escape(f"\n{mark}{names[f.state]} ({n})"), style="bold", highlight=False)
        d = f.deadline
        parts = []
        if f.expected_contract:
            parts.append(("คาดว่าลงนาม " if th else "expected ")
                         + format_date(f.expected_contract, lang))
        if f.earliest_contract:
            parts.append(("เร็วที่สุด " if th else "earliest ")
                         + format_date(f.earliest_contract, lang)
                         + ((" (ไม่แน่นอน)" if th else " (uncertain)") if f.earliest_uncertain
                            else ""))
        if d is not None:
            parts.append(("กำหนด " if th else "deadline ") + format_date(d.date, lang)
                         + f" ({d.label(lang)})")
        console.print(escape(f"{plan.project_id} {plan.name} — {plan.agency}"), highlight=False)
        console.print(escape("   " + " · ".join(parts)), highlight=False)
        if f.state in (ForecastState.AT_RISK, ForecastState.LOST):
            console.print(escape("   → " + f.summary(lang)), highlight=False)
    if rows:
        console.print("")
    summary = (f"เสี่ยงไม่ทัน {counts[ForecastState.AT_RISK]} โครงการ, ไม่ทันแล้ว "
               f"{counts[ForecastState.LOST]}, ทันกำหนด {counts[ForecastState.ON_TRACK]}, "
               f"ลงนามแล้ว {counts[ForecastState.DONE]}, ไม่มีกำหนด "
               f"{counts[ForecastState.NO_DEADLINE]}" if th else
               f"at risk {counts[ForecastState.AT_RISK]}, lost {counts[ForecastState.LOST]}, "
               f"on track {counts[ForecastState.ON_TRACK]}, done {counts[ForecastState.DONE]}, "
               f"no deadline {counts[ForecastState.NO_DEADLINE]}")
    console.print(escape(summary), highlight=False)
    illustrative = {d.code for _, f in rows for d in f.deadlines if d.illustrative}
    if illustrative:
        console.print(escape("หมายเหตุ: กำหนดจากมาตรการที่เป็นตัวอย่าง (ILLUSTRATIVE): "
                             if th else "note: illustrative measure dates: ")
                      + escape(", ".join(sorted(illustrative))), highlight=False)


__all__ = ["ForecastSettings", "parse_forecast_settings", "forecast_settings", "forecast_book",
           "at_risk_list", "risks_by_agency", "print_forecasts", "register", "example_measures_dir"]
