"""``procal plan`` (the procurement timeline calculator) and ``procal methods`` (the rulebook).

    procal plan --method e-bidding --budget 3,000,000 --start "20 ก.ค. 2565"
    procal plan --method e-bidding --budget 3,000,000 --contract-by 30/09/2565 --format json
    procal plan --method e-bidding --budget 30m --start 1/6/2569 --appeal-filed --appeal-extensions 2
    procal methods --method e-bidding
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from procal import output as say
from schedule_engine import (
    InputError,
    build_timeline,
    default_calendar,
    default_rulebook,
    explain_timeline,
    parse_date,
)
from schedule_engine.catalogue import Method, Rulebook, format_baht
from schedule_engine.dates import format_date, today_bangkok
from schedule_engine.i18n import get_language, set_language
from schedule_engine.model import Timeline

APPEAL_EXTENSIONS = ("appeal_committee_extension_1", "appeal_committee_extension_2")

FORMATS = ("table", "json", "csv")
LANGS = ("th", "en")

_T = {
    "th": {"no": "ที่", "step": "ขั้นตอน", "days": "วัน (ขั้นต่ำ)", "start": "เริ่ม", "end": "ครบกำหนด",
           "ref": "อ้างอิง", "wd": "วันทำการ", "cd": "วัน", "budget": "วงเงิน", "baht": "บาท",
           "tier": "ช่วงวงเงิน", "contract": "ลงนามสัญญา", "from": "เริ่ม", "deadline": "กำหนดลงนาม",
           "latest": "วันเริ่มช้าที่สุด", "optional": "เลือกได้", "min": "ขั้นต่ำ", "unit": "หน่วย",
           "conf": "ความเชื่อมั่น", "method": "วิธี", "code": "รหัส", "default": "ปกติ"},
    "en": {"no": "#", "step": "Step", "days": "Days (min)", "start": "From", "end": "Due",
           "ref": "Legal ref.", "wd": "wd", "cd": "cd", "budget": "Budget", "baht": "baht",
           "tier": "tier", "contract": "contract", "from": "start", "deadline": "deadline",
           "latest": "latest start", "optional": "optional", "min": "min", "unit": "unit",
           "conf": "conf.", "method": "Method", "code": "Code", "default": "default"},
}


def _language(lang: str | None) -> str:
    """The command's ``--lang``, else the global one (``procal --lang``, PROCAL_LANG, Thai)."""
    if lang is None:
        return get_language()
    code = _choice(lang, LANGS, "--lang")
    set_language(code)
    return code


def _parse_days(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        from sheets_io.cells import parse_day_count  # the one day-count parser (sheet and CLI)

        code, sep, num = v.partition("=")
        code, num = code.strip(), num.strip()
        hint = "write e.g. --days invitation=8 (see `procal methods` for step codes)"
        if not sep or not code or not num:
            raise InputError(f"--days {v!r} is not CODE=N", value=v, hint=hint)
        try:
            out[code] = parse_day_count(num)
        except InputError as exc:
            raise InputError(f"--days {v!r} is not CODE=N: {exc.reason}", value=v,
                             hint=exc.hint) from None
    return out


def _split(values: list[str]) -> list[str]:
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def _min_cell(min_days: int | None) -> str:
    """A minimum in a table cell: the number, or ? when the law's minimum is unknown (never 0)."""
    return "?" if min_days is None else str(min_days)


_UNKNOWN_NOTE = {
    "th": "? = ขั้นต่ำตามกฎหมายยังไม่ทราบ (กฎหมายกำหนดไว้แต่ procal ยังไม่ได้ตรวจสอบตัวเลข) — ตรวจสอบกับระเบียบ "
          "และกำหนดได้ใน [rules] overlay ของ procal.toml",
    "en": "? = legal minimum unknown (the law sets one procal has not verified) — check the regulation; "
          "a treasury can set it with [rules] overlay in procal.toml",
}


def _load_rulebook(config: Optional[str], rules: Optional[str]) -> Rulebook:
    """The shipped rulebook plus the overlay from --rules or procal.toml's [rules] overlay."""
    from procal.rules import rulebook_for
    from procal.settings import load_settings

    if rules:
        return rulebook_for(overlay=rules)
    from pathlib import Path

    if config or Path("procal.toml").is_file():
        return rulebook_for(load_settings(config))
    return default_rulebook()


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    v = value.strip().lower()
    if v not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=option)
    return v


def render_table(timeline: Timeline, lang: str = "th", console: Console | None = None,
                 calendar=None) -> None:
    """Print the timeline as a table (like the Khon Kaen treasury calculator)."""
    t, L = timeline, _T[lang]
    calendar = calendar or default_calendar()
    console = console or Console()
    name = t.method_name_th if lang == "th" else t.method_name_en
    head = (f"{name} — {L['budget']} {format_baht(t.budget)} {L['baht']} ({L['tier']} {t.tier_label})\n"
            f"{L['from']} {format_date(t.start, lang)} → {L['contract']} {format_date(t.contract_date, lang)}")
    if t.direction == "backward" and t.contract_by:
        head += f"  ({L['deadline']} {format_date(t.contract_by, lang)}; {L['latest']})"
    wd = calendar.working_days_between(t.start, t.contract_date)
    cd = (t.contract_date - t.start).days
    caption = (f"รวม {wd} วันทำการ ({cd} วันปฏิทิน)" if lang == "th"
               else f"total {wd} working days ({cd} calendar days)")
    table = Table(title=head, title_justify="left", show_lines=False, caption=caption,
                  caption_justify="right")
    table.add_column(L["no"], justify="right")
    table.add_column(L["step"], overflow="fold")
    table.add_column(L["days"], justify="right", no_wrap=True)
    table.add_column(L["start"], no_wrap=True)
    table.add_column(L["end"], no_wrap=True)
    for i, s in enumerate(t.steps, start=1):
        unit = L["wd"] if s.unit == "working" else L["cd"]
        step_name = s.name_th if lang == "th" else s.name_en
        if s.optional:
            step_name += f" ({L['optional']})"
        table.add_row(str(i), step_name, f"{s.days} {unit} ({_min_cell(s.min_days)})",
                      format_date(s.start, lang), format_date(s.end, lang))
    console.print(table)
    if any(s.min_days is None for s in t.steps):
        console.print(_UNKNOWN_NOTE[lang], markup=False)


def render_csv(timeline: Timeline) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = ["code", "name_th", "name_en", "days", "min_days", "unit", "start", "end", "legal_ref",
            "confidence", "min_days_known"]
    w.writerow(cols)
    for s in timeline.to_dict()["steps"]:  # an unknown minimum is an empty cell, never 0
        w.writerow(["" if s[c] is None else s[c] for c in cols])
    return buf.getvalue()


def render_methods(rulebook: Rulebook, on: date, lang: str = "th", method: Method | None = None,
                   console: Console | None = None) -> None:
    console = console or Console()
    L = _T[lang]
    for m in ([method] if method else rulebook.methods):
        for tier in m.tiers_in_force(on):
            title = f"{m.code} — {m.name_th if lang == 'th' else m.name_en} — {tier.label}"
            table = Table(title=title, title_justify="left")
            table.add_column(L["code"], no_wrap=True)
            table.add_column(L["step"], overflow="fold")
            table.add_column(L["min"], justify="right")
            table.add_column(L["default"], justify="right")
            table.add_column(L["unit"])
            table.add_column(L["ref"], overflow="fold")
            table.add_column(L["conf"], justify="center")
            unknown = False
            for r in m.steps_for(tier.code, on, appeal_filed=m.has_appeal()):
                nm = r.name_th if lang == "th" else r.name_en
                if r.optional:
                    nm += f" ({L['optional']}{', on' if r.default_on else ', off'})"
                if r.branch:
                    nm += " (เมื่อมีผู้อุทธรณ์)" if lang == "th" else " (if an appeal is filed)"
                mn = _min_cell(r.min_days)
                if r.max_days is not None:
                    mn += f" – {r.max_days}"
                unknown |= r.min_days is None
                table.add_row(r.code, nm, mn, str(r.default_days),
                              L["wd"] if r.unit == "working" else L["cd"], r.legal_ref, r.confidence)
            console.print(table)
            if unknown:
                console.print(_UNKNOWN_NOTE[lang], markup=False)


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan(
        method: str = typer.Option(..., "--method", "-m", help="Method code or name, e.g. e-bidding, เฉพาะเจาะจง"),
        budget: str = typer.Option(..., "--budget", "-b", help="Budget in baht, e.g. 3,000,000"),
        start: Optional[str] = typer.Option(None, "--start", "-s", help='Start date, e.g. "20 ก.ค. 2565"'),
        contract_by: Optional[str] = typer.Option(None, "--contract-by", "-c",
                                                  help="Contract-signing deadline (computes backward)"),
        days: List[str] = typer.Option([], "--days", "-d", help="CODE=N day override (repeatable)"),
        with_: List[str] = typer.Option([], "--with", help="Switch an optional step on (repeatable)"),
        without: List[str] = typer.Option([], "--without", help="Switch an optional step off (repeatable)"),
        fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv"),
        lang: Optional[str] = typer.Option(None, "--lang", help="th | en (default: procal --lang)"),
        explain: bool = typer.Option(False, "--explain", help="Explain every date (rule, days, skipped holidays)"),
        appeal_filed: bool = typer.Option(False, "--appeal-filed",
                                          help="An appeal was filed: add the agency review, referral and "
                                               "Appeals Committee steps (Act s.118-119) before the contract"),
        appeal_extensions: int = typer.Option(0, "--appeal-extensions", min=0, max=2,
                                              help="With --appeal-filed: the Committee's 15-day extensions "
                                                   "(0-2, Act s.119)"),
        config: Optional[str] = typer.Option(None, "--config", help="procal.toml (default: ./procal.toml if present)"),
        rules: Optional[str] = typer.Option(None, "--rules", help="Rules overlay file ([[override]] entries)"),
    ) -> None:
        """Compute a procurement timeline (forward from --start or backward from --contract-by)."""
        fmt = _choice(fmt, FORMATS, "--format")
        lang = _language(lang)
        if start and contract_by:
            raise InputError("give either --start or --contract-by, not both",
                             hint="--start computes forward, --contract-by computes backward")
        if not start and not contract_by:
            raise InputError("no date given", hint="give --start DATE or --contract-by DATE")
        if appeal_extensions and not appeal_filed:
            raise InputError("--appeal-extensions needs --appeal-filed",
                             hint="add --appeal-filed (the extensions belong to the Appeals Committee)")
        rulebook, cal = _load_rulebook(config, rules), default_calendar()
        timeline = build_timeline(
            rulebook, cal, method=method, budget=budget,
            start=parse_date(start) if start else None,
            contract_by=parse_date(contract_by) if contract_by else None,
            day_overrides=_parse_days(days),
            with_steps=[*_split(with_), *APPEAL_EXTENSIONS[:appeal_extensions]],
            without_steps=_split(without), appeal_filed=appeal_filed,
        )
        if fmt == "json":
            typer.echo(json.dumps(timeline.to_dict(), ensure_ascii=False, indent=2))
        elif fmt == "csv":
            typer.echo(render_csv(timeline), nl=False)
        else:
            render_table(timeline, lang)
        if explain:  # to stderr for json/csv so stdout stays machine-readable
            typer.echo(explain_timeline(timeline, cal, lang), err=fmt != "table")
        unannounced = cal.unannounced_note(timeline.start, timeline.contract_date)
        if unannounced:
            say.note(unannounced)

    @app.command("methods")
    def methods(
        method: Optional[str] = typer.Option(None, "--method", "-m", help="Show only this method"),
        on: Optional[str] = typer.Option(None, "--on", help="Rules in force on this date (default today, Bangkok)"),
        lang: Optional[str] = typer.Option(None, "--lang", help="th | en (default: procal --lang)"),
        fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
        config: Optional[str] = typer.Option(None, "--config", help="procal.toml (default: ./procal.toml if present)"),
        rules: Optional[str] = typer.Option(None, "--rules", help="Rules overlay file ([[override]] entries)"),
    ) -> None:
        """List procurement methods, budget tiers and steps with their legal minimums and sources
        (? = a minimum the law sets but procal does not know; the confidence letter of each)."""
        lang = _language(lang)
        fmt = _choice(fmt, ("table", "json"), "--format")
        rulebook = _load_rulebook(config, rules)
        when = parse_date(on) if on else today_bangkok()
        chosen = rulebook.resolve_method(method) if method else None
        if fmt == "json":
            data = []
            for m in ([chosen] if chosen else rulebook.methods):
                data.append({
                    "code": m.code, "name_th": m.name_th, "name_en": m.name_en,
                    "tiers": [{
                        "code": t.code, "label": t.label, "budget_over": str(t.budget_over),
                        "budget_up_to": None if t.budget_up_to is None else str(t.budget_up_to),
                        "steps": [{
                            "code": r.code, "name_th": r.name_th, "name_en": r.name_en,
                            "min_days": r.min_days, "min_days_known": r.min_days is not None,
                            "max_days": r.max_days, "default_days": r.default_days, "unit": r.unit,
                            "optional": r.optional, "default_on": r.default_on, "requires": r.requires,
                            "branch": r.branch, "legal_ref": r.legal_ref, "confidence": r.confidence,
                            "effective_from": r.effective_from.isoformat() if r.effective_from != date.min else None,
                        } for r in m.steps_for(t.code, when, appeal_filed=m.has_appeal())],
                    } for t in m.tiers_in_force(when)],
                })
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            render_methods(rulebook, when, lang, chosen)
