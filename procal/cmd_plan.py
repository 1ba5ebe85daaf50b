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
from typing import TYPE_CHECKING, List, Optional

import typer

from procal import output as say
from schedule_engine.errors import InputError
from schedule_engine.i18n import get_language, set_language

# The engine and rich are imported inside the functions that use them: `procal --help` and the
# other commands do not load them (tests/cli/test_startup.py).
if TYPE_CHECKING:
    from rich.console import Console

    from schedule_engine.catalogue import Method, Rulebook
    from schedule_engine.model import Timeline

APPEAL_EXTENSIONS = ("appeal_committee_extension_1", "appeal_committee_extension_2")

FORMATS = ("table", "json", "csv")
LANGS = ("th", "en")

_T = {
    "th": {"no": "ที่", "step": "ขั้นตอน", "days": "วัน (ขั้นต่ำ)", "start": "เริ่ม", "end": "ครบกำหนด",
           "ref": "อ้างอิง", "wd": "วันทำการ", "cd": "วัน", "budget": "วงเงิน", "baht": "บาท",
           "tier": "ช่วงวงเงิน", "contract": "ลงนามสัญญา", "from": "เริ่ม", "deadline": "กำหนดลงนาม",
           "latest": "วันเริ่มช้าที่สุด", "optional": "เลือกได้", "min": "ขั้นต่ำ", "unit": "หน่วย",
           "conf": "ความเชื่อมั่น", "method": "วิธี", "code": "รหัส", "default": "ปกติ",
           "conf_short": "ระดับ", "min_default": "ขั้นต่ำ / ปกติ", "wd_long": "วันทำการ",
           "cd_long": "วันปฏิทิน", "on": "เปิด", "off": "ปิด"},
    "en": {"no": "#", "step": "Step", "days": "Days (min)", "start": "From", "end": "Due",
           "ref": "Legal ref.", "wd": "wd", "cd": "cd", "budget": "Budget", "baht": "baht",
           "tier": "tier", "contract": "contract", "from": "start", "deadline": "deadline",
           "latest": "latest start", "optional": "optional", "min": "min", "unit": "unit",
           "conf": "conf.", "method": "Method", "code": "Code", "default": "default",
           "conf_short": "Conf.", "min_default": "Min / default", "wd_long": "working days",
           "cd_long": "calendar days", "on": "on", "off": "off"},
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
    from pathlib import Path

    from schedule_engine.catalogue import default_rulebook

    if not (rules or config or Path("procal.toml").is_file()):
        return default_rulebook()  # the common case needs neither procal.settings nor the overlay
    from procal.rules import rulebook_for
    from procal.settings import load_settings

    if rules:
        return rulebook_for(overlay=rules)
    return rulebook_for(load_settings(config))


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    v = value.strip().lower()
    if v not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=option)
    return v


def _fit(total: int, fixed: list[int], weights: list[float], min_flex: int = 8) -> list[int]:
    """Widths of the flexible columns of a boxed rich table ``total`` columns wide: each column
    costs its width + 3 (padding and a rule), the table one more."""
    n = len(fixed) + len(weights)
    room = max(min_flex * len(weights), total - (3 * n + 1) - sum(fixed))
    widths = [max(min_flex, int(room * w / sum(weights))) for w in weights]
    widths[0] += max(0, room - sum(widths))
    return widths


def _cell(text: str, width: int) -> str:
    """``text`` wrapped at (Thai) word boundaries to ``width`` columns, as rich cell text."""
    from rich.markup import escape

    from schedule_engine.thaitext import wrap

    return escape("\n".join(wrap(text, width)))


def _width_of(values) -> int:
    from schedule_engine.thaitext import display_width

    return max((display_width(line) for v in values for line in str(v).split("\n")), default=1)


def render_table(timeline: Timeline, lang: str = "th", console: Console | None = None,
                 calendar=None) -> None:
    """Print the timeline as a table (like the Khon Kaen treasury calculator), Thai wrapped at
    word boundaries to the console width."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from schedule_engine.catalogue import format_baht
    from schedule_engine.dates import format_date
    from schedule_engine.thaitext import wrap
    from schedule_engine.workcal import default_calendar

    t, L = timeline, _T[lang]
    calendar = calendar or default_calendar()
    console = console or Console()
    total = console.width
    name = t.method_name_th if lang == "th" else t.method_name_en
    head = (f"{name} — {L['budget']} {format_baht(t.budget)} {L['baht']} ({L['tier']} {t.tier_label})\n"
            f"{L['from']} {format_date(t.start, lang)} → {L['contract']} {format_date(t.contract_date, lang)}")
    if t.direction == "backward" and t.contract_by:
        head += f"  ({L['deadline']} {format_date(t.contract_by, lang)}; {L['latest']})"
    wd = calendar.working_days_between(t.start, t.contract_date)
    cd = (t.contract_date - t.start).days
    caption = (f"รวม {wd} วันทำการ ({cd} วันปฏิทิน)" if lang == "th"
               else f"total {wd} working days ({cd} calendar days)")
    rows = []
    for i, s in enumerate(t.steps, start=1):
        unit = L["wd"] if s.unit == "working" else L["cd"]
        step_name = s.name_th if lang == "th" else s.name_en
        if s.optional:
            step_name += f" ({L['optional']})"
        rows.append((str(i), step_name, f"{s.days} {unit}", f"({_min_cell(s.min_days)})",
                     format_date(s.start, lang), format_date(s.end, lang)))
    one_line_days = [f"{r[2]} {r[3]}" for r in rows]
    dates = [r[4] for r in rows] + [r[5] for r in rows] + [L["start"], L["end"]]
    fixed = [_width_of([r[0] for r in rows] + [L["no"]]), _width_of(one_line_days + [L["days"]]),
             _width_of(dates), _width_of(dates)]
    (step_w,) = _fit(total, fixed, [1.0])
    two_line = step_w < 16  # narrow terminal: days and minimum on two lines
    if two_line:
        fixed[1] = _width_of([r[2] for r in rows] + [r[3] for r in rows] + wrap(L["days"], 10))
        (step_w,) = _fit(total, fixed, [1.0])
    table = Table(title=_cell(head, max(20, total - 1)), title_justify="left", show_lines=False,
                  caption=escape(caption), caption_justify="right")
    table.add_column(L["no"], justify="right", width=fixed[0])
    table.add_column(_cell(L["step"], step_w), width=step_w, overflow="fold")
    table.add_column(_cell(L["days"], fixed[1]), justify="right", width=fixed[1], overflow="fold")
    table.add_column(L["start"], width=fixed[2], no_wrap=True)
    table.add_column(L["end"], width=fixed[3], no_wrap=True)
    for (no, step, days, mn, start, end), one in zip(rows, one_line_days, strict=True):
        table.add_row(no, _cell(step, step_w), escape(f"{days}\n{mn}" if two_line else one),
                      start, end)
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


CONFIDENCE_LEGEND = {
    "th": ("ความเชื่อมั่นของแหล่งที่มา: P = ตัวบทกฎหมายหรือระเบียบฉบับจริง, T = คำแปลจากราชกิจจานุเบกษา, "
           "S = แหล่งรอง (คู่มือ หนังสือเวียน), U = ยังไม่ได้ยืนยันจากแหล่งทางการ (แนวปฏิบัติ)"),
    "en": ("Confidence of the source: P = primary legal text, T = Gazette translation, "
           "S = secondary source (manual, circular), U = unverified (common practice)"),
}


def render_methods(rulebook: Rulebook, on: date, lang: str = "th", method: Method | None = None,
                   console: Console | None = None) -> None:
    """The rulebook as tables wrapped to the console width, then the P/T/S/U legend."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from schedule_engine.thaitext import wrap

    console = console or Console()
    L = _T[lang]
    total = console.width
    unit_names = {"working": L["wd_long"], "calendar": L["cd_long"]}
    for m in ([method] if method else rulebook.methods):
        for tier in m.tiers_in_force(on):
            title = f"{m.code} — {m.name_th if lang == 'th' else m.name_en} — {tier.label}"
            rules = m.steps_for(tier.code, on, appeal_filed=m.has_appeal())
            days = [_min_cell(r.min_days) + (f"–{r.max_days}" if r.max_days is not None else "")
                    + f" / {r.default_days}" for r in rules]
            unknown = any(r.min_days is None for r in rules)
            fixed = [_width_of(days + list(unit_names.values()) + wrap(L["min_default"], 9)),
                     _width_of([L["conf_short"], "U"])]
            step_w, ref_w = _fit(total, fixed, [0.55, 0.45], min_flex=10)
            table = Table(title=_cell(title, max(20, total - 1)), title_justify="left")
            table.add_column(_cell(L["step"], step_w), width=step_w, overflow="fold")
            table.add_column(_cell(L["min_default"], fixed[0]), justify="right", width=fixed[0],
                             overflow="fold")
            table.add_column(_cell(L["ref"], ref_w), width=ref_w, overflow="fold")
            table.add_column(L["conf_short"], justify="center", width=fixed[1])
            for r, d in zip(rules, days, strict=True):
                nm = r.name_th if lang == "th" else r.name_en
                if r.optional:
                    nm += f" ({L['optional']}, {L['on'] if r.default_on else L['off']})"
                if r.branch:
                    nm += " (เมื่อมีผู้อุทธรณ์)" if lang == "th" else " (if an appeal is filed)"
                table.add_row(_cell(nm, step_w) + "\n[dim]" + _cell(r.code, step_w) + "[/]",
                              escape(f"{d}\n{unit_names[r.unit]}"), _cell(r.legal_ref, ref_w),
                              r.confidence)
            console.print(table)
            if unknown:
                console.print(_UNKNOWN_NOTE[lang], markup=False)
    console.print(_cell(CONFIDENCE_LEGEND[lang], max(20, total - 1)))


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
        """คำนวณกำหนดการจัดซื้อจัดจ้าง — Compute a procurement timeline (forward from --start or backward from --contract-by)."""
        from schedule_engine.dates import parse_date
        from schedule_engine.explain import explain_timeline
        from schedule_engine.timeline import build_timeline
        from schedule_engine.workcal import default_calendar

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
            data = timeline.to_dict()
            if explain:  # the explanation travels with the data: a heading, then one line per step
                head, *lines = explain_timeline(timeline, cal, lang).split("\n")
                data["explanation"] = {"lang": lang, "heading": head, "steps": [
                    {"code": s.code, "text": line.split(". ", 1)[1]}
                    for s, line in zip(timeline.steps, lines, strict=True)]}
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            typer.echo(render_csv(timeline), nl=False)
        else:
            render_table(timeline, lang)
        if explain and fmt != "json":  # to stderr for csv so stdout stays machine-readable
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
        """วิธีจัดซื้อจัดจ้างและระยะเวลาขั้นต่ำ — List procurement methods, budget tiers and steps with their legal minimums and sources
        (? = a minimum the law sets but procal does not know; the confidence letter of each)."""
        from schedule_engine.dates import parse_date, today_bangkok

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
