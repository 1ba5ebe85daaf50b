"""The calculator's use case: typed inputs (query string, form or JSON) → a timeline or errors.

Inputs use the CLI's long option names (``method``, ``budget``, ``start`` / ``contract_by``,
``days`` = ``CODE=N``, ``with``, ``without``, ``lang``) so a page URL, an API call and a
``procal plan`` command line say the same thing. The page also sends one input per step
(``d_<code>``), the optional steps shown (``opt``) and which of them are ticked (``on``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Mapping

from schedule_engine import (
    BelowLegalMinimumError,
    BudgetOutOfTierError,
    DateParseError,
    InputError,
    Method,
    StepRule,
    StepSwitchError,
    Timeline,
    UnknownMethodError,
    build_timeline,
    default_calendar,
    default_rulebook,
    format_baht,
    format_date,
    parse_budget,
    parse_date,
)

MAX_FIELD = 200  # characters per typed value; more is refused (422), never parsed

FAMILY_TH = {
    None: ("วิธีซื้อหรือจ้าง", "Purchase or hire"),
    "consultant": ("งานจ้างที่ปรึกษา", "Consultancy"),
    "design": ("งานจ้างออกแบบหรือควบคุมงานก่อสร้าง", "Design or construction supervision"),
}

UNIT = {"th": {"working": "วันทำการ", "calendar": "วัน"}, "en": {"working": "working days",
                                                                   "calendar": "calendar days"}}


@dataclass
class Problem:
    """One thing wrong with the input, in Thai and English; ``field`` is the input it belongs to
    (``budget``, ``date``, ``method``, ``d_<step>`` …)."""

    field: str
    th: str
    en: str

    def to_dict(self) -> dict:
        return {"field": self.field, "message_th": self.th, "message_en": self.en}


@dataclass
class PlanInput:
    method: str = ""
    budget: str = ""
    name: str = ""
    mode: str = "start"  # start | contract_by
    date_text: str = ""
    days: dict[str, str] = field(default_factory=dict)  # code -> typed text
    with_steps: list[str] = field(default_factory=list)
    without_steps: list[str] = field(default_factory=list)
    lang: str = "th"
    strict: bool = True  # API: unknown step codes are errors; page: ignored (method changed)

    @property
    def empty(self) -> bool:
        return not (self.method or self.budget or self.date_text)


@dataclass
class PlanResult:
    inp: PlanInput
    timeline: Timeline | None = None
    method: Method | None = None
    problems: list[Problem] = field(default_factory=list)
    rules: tuple[StepRule, ...] = ()  # every step of the method/tier in force (incl. switched off)
    on_date: date | None = None

    def problem(self, name: str) -> Problem | None:
        return next((p for p in self.problems if p.field == name), None)


def _one(values: Iterable[str]) -> str:
    vals = [v for v in values if v is not None]
    return vals[-1].strip() if vals else ""


def _split(values: Iterable[str]) -> list[str]:
    return [p.strip() for v in values for p in str(v).split(",") if p.strip()]


def input_from_multi(get_list, *, strict: bool) -> PlanInput:
    """Build the input from a multi-dict getter (``name -> list of values``)."""
    inp = PlanInput(strict=strict)
    inp.method = _one(get_list("method"))
    inp.budget = _one(get_list("budget"))
    inp.name = _one(get_list("name"))
    inp.lang = "en" if _one(get_list("lang")).lower() == "en" else "th"
    start, contract_by = _one(get_list("start")), _one(get_list("contract_by"))
    mode = _one(get_list("mode"))
    typed = _one(get_list("date")) or _one(get_list("pick"))
    if start or contract_by:
        inp.mode = "contract_by" if contract_by and not start else "start"
        inp.date_text = start or contract_by
        if start and contract_by:
            inp.mode = "both"
    else:
        inp.mode = "contract_by" if mode == "contract_by" else "start"
        inp.date_text = typed
    for v in get_list("days"):
        code, sep, num = str(v).partition("=")
        inp.days[code.strip()] = num.strip() if sep else "\x00" + str(v)
    return inp


def page_input(params) -> PlanInput:
    """The calculator page's query string (a Starlette ``QueryParams``)."""
    inp = input_from_multi(params.getlist, strict=False)
    for key in params.keys():
        if key.startswith("d_"):
            inp.days.setdefault(key[2:], _one(params.getlist(key)))
    shown = set(_split(params.getlist("opt")))
    ticked = set(_split(params.getlist("on")))
    inp.with_steps = sorted((shown & ticked) | set(_split(params.getlist("with"))))
    inp.without_steps = sorted((shown - ticked) | (set(_split(params.getlist("without"))) - ticked))
    return inp


def api_input(params) -> PlanInput:
    inp = input_from_multi(params.getlist, strict=True)
    inp.with_steps = _split(params.getlist("with"))
    inp.without_steps = _split(params.getlist("without"))
    return inp


def json_input(body: Mapping) -> PlanInput:
    """A POST body: the same names; lists may be lists or single strings."""
    def get_list(name: str) -> list[str]:
        v = body.get(name)
        if v is None:
            return []
        if isinstance(v, (list, tuple)):
            return [str(x) for x in v]
        if isinstance(v, dict) and name == "days":
            return [f"{k}={n}" for k, n in v.items()]
        return [str(v)]
    inp = input_from_multi(get_list, strict=True)
    inp.with_steps = _split(get_list("with"))
    inp.without_steps = _split(get_list("without"))
    return inp


# ------------------------------------------------------------------------ computing
def _too_long(inp: PlanInput) -> Problem | None:
    for name, value in (("method", inp.method), ("budget", inp.budget), ("name", inp.name),
                        ("date", inp.date_text), *((f"d_{k}", v) for k, v in inp.days.items())):
        if len(value) > MAX_FIELD or len(name) > MAX_FIELD:
            return Problem(name, f"ข้อความยาวเกิน {MAX_FIELD} ตัวอักษร",
                           f"the value is longer than {MAX_FIELD} characters")
    return None


def _translate(exc: InputError, field_name: str) -> Problem:
    """A Thai sentence for an engine error (the English one is the engine's own)."""
    v = exc.value
    if isinstance(exc, UnknownMethodError):
        th = f"ไม่รู้จักวิธีจัดซื้อจัดจ้าง {v!r} — เลือกจากรายการ"
    elif isinstance(exc, BudgetOutOfTierError):
        th = f"วงเงิน {v} บาท อยู่นอกช่วงวงเงินของวิธีนี้ — ตรวจสอบวงเงินหรือเลือกวิธีอื่น"
    elif isinstance(exc, DateParseError):
        th = (f"อ่านวันที่ {v!r} ไม่ได้ — พิมพ์เช่น 20/07/2565, 20 ก.ค. 2565 หรือ 2022-07-20 "
              "(ปีสองหลักใช้ไม่ได้)") if v not in (None, "") else "ยังไม่ได้ใส่วันที่"
    elif isinstance(exc, StepSwitchError):
        th = f"ขั้นตอน {v!r} ปิดไม่ได้หรือไม่มีในวิธีนี้"
    elif field_name == "budget":
        th = f"วงเงิน {v!r} ไม่ใช่จำนวนเงิน — พิมพ์เช่น 1,500,000 หรือ 1.5 ล้าน"
    else:
        th = "ข้อมูลไม่ถูกต้อง"
    return Problem(field_name, th, exc.reason + (f" — {exc.hint}" if exc.hint else ""))


def _field_for(exc: InputError) -> str:
    if isinstance(exc, UnknownMethodError):
        return "method"
    if isinstance(exc, BudgetOutOfTierError):
        return "budget"
    if isinstance(exc, DateParseError):
        return "date"
    if isinstance(exc, StepSwitchError):
        return "steps"
    return "date"


def below_minimum(rule: StepRule, days: int, lang: str = "th") -> Problem:
    unit_th, unit_en = UNIT["th"][rule.unit], UNIT["en"][rule.unit]
    return Problem(
        f"d_{rule.code}",
        f"ขั้นตอน “{rule.name_th}” ใส่ {days} {unit_th} น้อยกว่าขั้นต่ำตามกฎหมาย "
        f"{rule.min_days} {unit_th} ({rule.legal_ref}) — ใช้ {rule.min_days} หรือมากกว่า",
        f"{days} {unit_en} for step '{rule.code}' ({rule.name_en}) is below the legal minimum of "
        f"{rule.min_days} {unit_en} ({rule.legal_ref}) — use {rule.code}={rule.min_days} or more")


def compute(inp: PlanInput) -> PlanResult:
    """Everything the page and the API show for one input. Never raises for bad input."""
    res = PlanResult(inp)
    long = _too_long(inp)
    if long:
        res.problems.append(long)
        return res
    rulebook, cal = default_rulebook(), default_calendar()
    probs = res.problems
    method = amount = day = None
    if not inp.method:
        probs.append(Problem("method", "เลือกวิธีจัดซื้อจัดจ้าง", "choose a procurement method"))
    else:
        try:
            method = rulebook.resolve_method(inp.method)
        except InputError as exc:
            probs.append(_translate(exc, "method"))
    if not inp.budget:
        probs.append(Problem("budget", "ใส่วงเงิน (บาท)", "type the budget in baht"))
    else:
        try:
            amount = parse_budget(inp.budget)
        except InputError as exc:
            probs.append(_translate(exc, "budget"))
    if inp.mode == "both":
        probs.append(Problem("date", "ใส่วันเริ่มหรือกำหนดลงนามสัญญาอย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง",
                             "give either start or contract_by, not both"))
    elif not inp.date_text:
        probs.append(Problem("date", "ใส่วันที่ขึ้นโครงการ หรือกำหนดลงนามสัญญา",
                             "give start or contract_by"))
    else:
        try:
            day = parse_date(inp.date_text)
        except InputError as exc:
            probs.append(_translate(exc, "date"))
    res.method = method
    if method is None or amount is None or day is None:
        return res

    # the rules in force on the start (forward) or, for a backward plan, on the deadline as a
    # first guess; the engine itself picks the right rule period for the final answer
    overrides: dict[str, int] = {}
    try:
        tier = method.tier_for(amount, day)
    except InputError as exc:
        probs.append(_translate(exc, "budget"))
        return res
    rules = method.steps_for(tier.code, day)
    res.rules, res.on_date = rules, day
    by_code = {r.code: r for r in rules}
    for code, text in inp.days.items():
        rule = by_code.get(code)
        if rule is None:
            if inp.strict:
                probs.append(Problem("days", f"วิธีนี้ไม่มีขั้นตอนรหัส {code!r} — ขั้นตอนที่มี: "
                                     + ", ".join(by_code),
                                     f"{method.code} ({tier.label}) has no step {code!r} — steps "
                                     "are: " + ", ".join(by_code)))
            continue
        raw = text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")).strip()
        if raw == "" and not inp.strict:
            continue
        if rule.requires and not inp.strict and not _step_on(by_code.get(rule.requires), inp):
            continue  # the form shows every step; a step whose parent step is off is not counted
        if not raw.lstrip("-").isdigit():
            probs.append(Problem(f"d_{code}", f"จำนวนวันของขั้นตอน “{rule.name_th}” ต้องเป็นจำนวนเต็ม",
                                 f"days for step {code!r} must be a whole number (CODE=N)"))
            continue
        n = int(raw)
        if rule.min_days is not None and n < rule.min_days:
            probs.append(below_minimum(rule, n))
            continue
        if n > 3650:
            probs.append(Problem(f"d_{code}", f"จำนวนวันของขั้นตอน “{rule.name_th}” มากเกินไป (สูงสุด 3650)",
                                 f"days for step {code!r} above 3650"))
            continue
        if not inp.strict and n == rule.default_days and rule.code not in inp.with_steps \
                and rule.optional and not rule.default_on:
            continue  # an untouched default of a switched-off optional step does not switch it on
        overrides[code] = n
    with_steps = [c for c in inp.with_steps if inp.strict or c in by_code]
    without_steps = [c for c in inp.without_steps if inp.strict or c in by_code]
    if not inp.strict:
        without_steps = [c for c in without_steps if by_code[c].optional]
        for c in without_steps:
            overrides.pop(c, None)
    if probs and inp.strict:
        return res
    bad_steps = {p.field[2:] for p in probs if p.field.startswith("d_")}
    try:
        res.timeline = build_timeline(
            rulebook, cal, method=method, budget=amount,
            start=day if inp.mode == "start" else None,
            contract_by=day if inp.mode == "contract_by" else None,
            day_overrides={k: v for k, v in overrides.items() if k not in bad_steps},
            with_steps=with_steps, without_steps=without_steps)
    except BelowLegalMinimumError as exc:  # a rule period other than the first guess
        probs.append(Problem("days", exc.reason, exc.reason + (f" — {exc.hint}" if exc.hint else "")))
    except InputError as exc:
        probs.append(_translate(exc, _field_for(exc)))
    if res.timeline is not None and res.timeline.start != day:
        # backward: the steps in force on the latest start (the table lists those)
        t = res.timeline
        res.rules = method.steps_for(t.tier, t.start)
        res.on_date = t.start
    return res


def plan_json(timeline: Timeline) -> str:
    """Exactly what ``procal plan --format json`` prints (without its final newline)."""
    return json.dumps(timeline.to_dict(), ensure_ascii=False, indent=2)


# ------------------------------------------------------------------------ views of a result
@dataclass
class Row:
    no: int
    code: str
    name: str
    days: int | None
    typed: str
    unit: str
    min_days: int
    start: str
    end: str
    legal_ref: str
    optional: bool
    active: bool
    explain: str = ""
    error: Problem | None = None


def rows(res: PlanResult, lang: str) -> list[Row]:
    """The table: every step of the method/tier (switched-off optional steps without dates)."""
    from schedule_engine import explain

    cal = default_calendar()
    t = res.timeline
    computed = {s.code: s for s in t.steps} if t else {}
    out: list[Row] = []
    no = 0
    for r in res.rules:
        m = computed.get(r.code)
        active = m is not None
        if active:
            no += 1
        typed = res.inp.days.get(r.code, "")
        err = res.problem(f"d_{r.code}")
        days = m.days if m else (r.default_days if not err else None)
        out.append(Row(
            no=no if active else 0, code=r.code, name=r.name_th if lang == "th" else r.name_en,
            days=days, typed=typed if err else str(m.days if m else r.default_days),
            unit=UNIT[lang][r.unit], min_days=r.min_days,
            start=format_date(m.start, lang) if m else "", end=format_date(m.end, lang) if m else "",
            legal_ref=r.legal_ref, optional=r.optional, active=active,
            explain=explain(m, cal, lang) if m else "", error=err))
    return out


def summary(res: PlanResult, lang: str) -> dict:
    """Head and totals of a computed plan (page, print view, PDF, xlsx)."""
    t = res.timeline
    assert t is not None
    cal = default_calendar()
    wd = cal.working_days_between(t.start, t.contract_date)
    cd = (t.contract_date - t.start).days
    th = lang == "th"
    rules_from = t.rules_effective_from
    note = cal.unannounced_note(t.start, t.contract_date)
    if note and th:
        years = ", ".join(str(y + 543) for y in cal.unannounced_years(t.start, t.contract_date))
        note = (f"วันหยุดของปี พ.ศ. {years} ยังไม่ประกาศ (เช่น วันพืชมงคล และวันหยุดพิเศษตามมติ "
                f"ครม.) จึงนับเป็นวันทำการ วันที่คำนวณอาจเร็วไป 1 วันทำการ")
    return {
        "method_name": t.method_name_th if th else t.method_name_en,
        "method": t.method,
        "budget": format_baht(t.budget),
        "tier": t.tier_label,
        "start": format_date(t.start, lang, long=True),
        "contract": format_date(t.contract_date, lang, long=True),
        "deadline": format_date(t.contract_by, lang, long=True) if t.contract_by else "",
        "backward": t.direction == "backward",
        "working_days": wd,
        "calendar_days": cd,
        "rules_from": format_date(rules_from, lang, long=True) if rules_from
        else format_date(date(2017, 8, 23), lang, long=True),
        "unannounced": note,
    }


@lru_cache(maxsize=1)
def method_groups() -> tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...]:
    """(group Thai, group English, ((code, name_th, name_en), …)) in rulebook order."""
    groups: dict[object, list[tuple[str, str, str]]] = {}
    for m in default_rulebook().methods:
        groups.setdefault(m.family, []).append((m.code, m.name_th, m.name_en))
    out = []
    for fam, items in groups.items():
        th, en = FAMILY_TH.get(fam, (str(fam), str(fam)))
        out.append((th, en, tuple(items)))
    return tuple(out)


def methods_json() -> list[dict]:
    """``GET /api/methods``: every method with its tiers in force today and their steps."""
    from schedule_engine import today_bangkok

    when = today_bangkok()
    data = []
    for m in default_rulebook().methods:
        data.append({
            "code": m.code, "name_th": m.name_th, "name_en": m.name_en, "family": m.family,
            "tiers": [{
                "code": t.code, "label": t.label, "budget_over": str(t.budget_over),
                "budget_up_to": None if t.budget_up_to is None else str(t.budget_up_to),
                "steps": [{
                    "code": r.code, "name_th": r.name_th, "name_en": r.name_en,
                    "min_days": r.min_days, "default_days": r.default_days, "unit": r.unit,
                    "optional": r.optional, "default_on": r.default_on,
                    "legal_ref": r.legal_ref, "confidence": r.confidence,
                } for r in m.steps_for(t.code, when)],
            } for t in m.tiers_in_force(when)],
        })
    return data


def tier_hint(method_code: str, budget: Decimal) -> str:
    m = default_rulebook().resolve_method(method_code)
    return m.tier_for(budget).label


def _step_on(rule, inp) -> bool:
    """Is this (optional) step part of the plan the form asks for?"""
    if rule is None:
        return False
    if rule.code in inp.with_steps:
        return True
    if rule.code in inp.without_steps:
        return False
    return not rule.optional or bool(getattr(rule, "default_on", False))
