"""Timelines: every step's milestone date, forward from a start or backward from a deadline.

Counting (docs/legal-sources.md, "How days are counted"): a step of N working days after milestone D ends on the N-th
working day after D (D not counted, CCC s.193/3); N calendar days ends on D+N rolled to the next
working day (CCC s.193/8); 0 days ends on D. Rules are those in force on the start date.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping

from schedule_engine.catalogue import Method, Rulebook, StepRule, Tier
from schedule_engine.errors import (
    BelowLegalMinimumError,
    InputError,
    Location,
    StepSwitchError,
)
from schedule_engine.model import Milestone, ProjectPlan, StepState, StepStatus, Timeline
from schedule_engine.workcal import WorkingCalendar
from schedule_engine.i18n import get_language, t, tn

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class ResolvedStep:
    """A step rule with the days actually used (default or override)."""

    rule: StepRule
    days: int

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def unit(self) -> str:
        return self.rule.unit


def _step_name(rule: StepRule) -> str:
    return rule.name_th if get_language() == "th" else rule.name_en


def _days(n: int, unit: str) -> str:
    """``1 working day`` / ``7 working days`` / ``3 calendar days`` in the current language."""
    if unit == "working":
        return tn("{n} working day", "{n} working days", n)
    return tn("{n} calendar day", "{n} calendar days", n)


def parse_budget(value: object) -> Decimal:
    """An amount in baht from ``3,000,000`` / ``3000000.50`` / ``๓,๐๐๐,๐๐๐ บาท`` / a number."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, bool) or value is None:
        raise InputError(f"{value!r} is not an amount", value=value, hint="type the budget in baht, e.g. 3,000,000")
    elif isinstance(value, (int, float)):
        amount = Decimal(str(value))
    else:
        text = str(value).translate(_THAI_DIGITS).replace(",", "").replace("บาท", "").replace("฿", "")
        text = "".join(text.split())
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([mMkK]|ล้าน)?", text)
        if not m:
            raise InputError(f"{value!r} is not an amount in baht", value=value,
                             hint="type the budget in baht, e.g. 3,000,000")
        amount = Decimal(m.group(1))
        if m.group(2) in ("m", "M", "ล้าน"):
            amount *= 1_000_000
        elif m.group(2) in ("k", "K"):
            amount *= 1_000
    try:
        ok = amount.is_finite() and amount > 0
    except InvalidOperation:  # pragma: no cover
        ok = False
    if not ok:
        raise InputError(f"{value!r} is not a positive amount", value=value,
                         hint="type the budget in baht, e.g. 3,000,000")
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    return amount


def resolve_steps(method: Method, tier: Tier, on: date, *,
                  day_overrides: Mapping[str, int] | None = None,
                  with_steps: Iterable[str] = (), without_steps: Iterable[str] = (),
                  appeal_filed: bool = False) -> tuple[ResolvedStep, ...]:
    """The active steps of ``method``/``tier`` under the rules in force on ``on``, with days.

    Overrides below a step's legal minimum (or above a legal maximum) raise
    :class:`BelowLegalMinimumError`; switching off a mandatory step or naming an unknown step raises
    :class:`StepSwitchError`. Giving days to an optional step switches it on (unless it is also in
    ``without_steps``). A step that ``requires`` another is active only with it. ``appeal_filed``
    adds the appeal-filed branch (Act s.118-119) after the appeal step; a method without an appeal
    step (Act s.66 para 2) refuses it.
    """
    with_steps, without_steps = tuple(with_steps), tuple(without_steps)
    key = (id(method), tier.code, on, tuple(sorted((day_overrides or {}).items(),
                                                   key=lambda kv: kv[0])),
           frozenset(with_steps), frozenset(without_steps), appeal_filed)
    try:
        hit = _STEPS_MEMO.get(key)
    except TypeError:  # an override value that cannot be a key: count it afresh (and refuse it)
        return _resolve_steps(method, tier, on, day_overrides=day_overrides,
                              with_steps=with_steps, without_steps=without_steps,
                              appeal_filed=appeal_filed)
    if hit is not None and hit[0] is method and hit[1] is tier:
        return hit[2]
    steps = _resolve_steps(method, tier, on, day_overrides=day_overrides, with_steps=with_steps,
                           without_steps=without_steps, appeal_filed=appeal_filed)
    if len(_STEPS_MEMO) >= _MEMO_MAX:
        _STEPS_MEMO.clear()
    _STEPS_MEMO[key] = (method, tier, steps)  # steps are immutable; errors are not kept
    return steps


_STEPS_MEMO: dict = {}


def _resolve_steps(method: Method, tier: Tier, on: date, *,
                   day_overrides: Mapping[str, int] | None = None,
                   with_steps: Iterable[str] = (), without_steps: Iterable[str] = (),
                   appeal_filed: bool = False) -> tuple[ResolvedStep, ...]:
    """:func:`resolve_steps` counted afresh (no memo)."""
    if appeal_filed and not method.has_appeal():
        raise StepSwitchError(
            f"{method.code} has no appeal period before signing (Act s.66 para 2), so no "
            "appeal-filed branch", value=method.code, hint="drop the appeal-filed option for this method")
    rules = method.steps_for(tier.code, on, appeal_filed=appeal_filed)
    if not rules:
        raise InputError(
            f"no {method.code} rules are in force on {on.isoformat()}",
            value=on, hint="the Public Procurement Act 2560 rules apply from 2017-08-23; check the date")
    by_code = {r.code: r for r in rules}
    valid = ", ".join(by_code)
    overrides = dict(day_overrides or {})
    with_set, without_set = set(with_steps), set(without_steps)
    for code in [*overrides, *with_set, *without_set]:
        if code not in by_code:
            raise StepSwitchError(
                t("{method} ({tier}) has no step {code!r}", method=method.code, tier=tier.label,
                  code=code), value=code,
                hint=t("steps are: {steps}", steps=valid))
    both = with_set & without_set
    if both:
        raise StepSwitchError(f"step(s) {sorted(both)} both switched on and off", value=sorted(both),
                              hint="use either --with or --without for a step")
    out: list[ResolvedStep] = []
    active: set[str] = set()
    for r in rules:
        if r.requires is not None and r.requires not in active:
            if r.code in with_set or r.code in overrides:
                raise StepSwitchError(
                    f"step {r.code!r} ({r.name_en}) needs step {r.requires!r}, which is off",
                    value=r.code, hint=f"switch {r.requires} on too")
            continue
        if r.code in without_set:
            if not r.optional:
                raise StepSwitchError(
                    t("step {code!r} ({name}) is mandatory for {method} {tier} and cannot be "
                      "switched off ({ref})", code=r.code, name=_step_name(r), method=method.code,
                      tier=tier.label, ref=r.legal_ref), value=r.code,
                    hint=t("remove --without {code}", code=r.code))
            continue
        on_flag = (not r.optional) or r.default_on or r.code in with_set or r.code in overrides
        if not on_flag:
            continue
        days = r.default_days
        if r.code in overrides:
            raw = overrides[r.code]
            try:
                days = int(raw)
                if days != raw and not isinstance(raw, str):
                    raise ValueError
            except (TypeError, ValueError):
                raise InputError(t("days for step {code!r} must be a whole number, got {raw!r}",
                                   code=r.code, raw=raw),
                                 value=raw, hint=t("e.g. {code}={days}", code=r.code,
                                                   days=r.default_days)) from None
            if days < r.min_floor:
                raise BelowLegalMinimumError(
                    t("{days} for step {code!r} ({name}) is below the legal minimum of {minimum} "
                      "({ref})", days=_days(days, r.unit), code=r.code, name=_step_name(r),
                      minimum=_days(r.min_days, r.unit), ref=r.legal_ref), value=raw,
                    hint=t("use {code}={days} or more", code=r.code, days=r.min_days))
            if r.max_days is not None and days > r.max_days:
                raise BelowLegalMinimumError(
                    t("{days} for step {code!r} ({name}) is above the legal maximum of {maximum} "
                      "({ref})", days=_days(days, r.unit), code=r.code, name=_step_name(r),
                      maximum=_days(r.max_days, r.unit), ref=r.legal_ref), value=raw,
                    hint=t("use {code}={days} or less", code=r.code, days=r.max_days))
        out.append(ResolvedStep(rule=r, days=days))
        active.add(r.code)
    return tuple(out)


def _run_forward(calendar: WorkingCalendar, steps: tuple[ResolvedStep, ...], start: date
                 ) -> tuple[Milestone, ...]:
    cur = start
    out: list[Milestone] = []
    for s in steps:
        r = s.rule
        rolled_from = None
        if s.days == 0:
            end = calendar.next_working_day(cur, inclusive=True)
            if end != cur:
                rolled_from = cur
            skipped = calendar.non_working_days(cur, end - timedelta(days=1)) if rolled_from else ()
        elif r.unit == "working":
            end = calendar.add_working_days(cur, s.days)
            skipped = calendar.non_working_days(cur + timedelta(days=1), end)
        else:  # calendar days, rolled to the next working day
            raw = cur + timedelta(days=s.days)
            end = calendar.next_working_day(raw, inclusive=True)
            if end != raw:
                rolled_from = raw
            skipped = calendar.non_working_days(raw, end - timedelta(days=1)) if rolled_from else ()
        out.append(Milestone(
            code=r.code, name_th=r.name_th, name_en=r.name_en, days=s.days, min_days=r.min_days,
            unit=r.unit, start=cur, end=end, legal_ref=r.legal_ref, confidence=r.confidence,
            optional=r.optional, skipped=tuple(skipped), rolled_from=rolled_from,
            max_days=r.max_days, branch=r.branch,
        ))
        cur = end
    return tuple(out)


def forward_end(calendar: WorkingCalendar, steps: tuple[ResolvedStep, ...], start: date) -> date:
    """The last milestone of ``steps`` run forward from ``start`` (no Milestone objects)."""
    cur = start
    for s in steps:
        if s.days == 0:
            cur = calendar.next_working_day(cur, inclusive=True)
        elif s.rule.unit == "working":
            cur = calendar.add_working_days(cur, s.days)
        else:
            cur = calendar.next_working_day(cur + timedelta(days=s.days), inclusive=True)
    return cur


def latest_start(calendar: WorkingCalendar, steps: tuple[ResolvedStep, ...], contract_by: date) -> date:
    """Latest working day S with forward(S) <= ``contract_by`` while forward(next working day) > it."""
    cur = calendar.previous_working_day(contract_by, inclusive=True)
    for s in reversed(steps):
        if s.days == 0:
            continue
        if s.rule.unit == "working":
            cur = calendar.sub_working_days(cur, s.days)
        else:
            cur = calendar.previous_working_day(cur - timedelta(days=s.days), inclusive=True)
    # exactness guard (cheap; at most a step or two either way)
    while forward_end(calendar, steps, cur) > contract_by:
        cur = calendar.previous_working_day(cur, inclusive=False)
    while True:
        nxt = calendar.next_working_day(cur, inclusive=False)
        if forward_end(calendar, steps, nxt) > contract_by:
            return cur
        cur = nxt


def _backward_over_rule_periods(m: Method, calendar: WorkingCalendar, contract_by: date, resolve):
    """Latest start S (with its tier and steps) such that forward(S) under the rules in force on S
    meets ``contract_by``, over every rules period of the method (a circular may lengthen or
    shorten a step). Within one period forward is monotone in the start, so the period's latest
    start is the unconstrained latest start clamped to the period; the answer is the latest of
    those. Periods whose rules cannot be resolved (e.g. a step switched off that is mandatory
    there) are skipped; if none works, the error of the latest period is raised."""
    bounds = [b for b in m.effective_boundaries() if b <= contract_by]
    # periods [lo, hi) from the latest (holding contract_by) back to the earliest
    edges = [date.min, *bounds]
    his = [*bounds, None]
    first_error: InputError | None = None
    too_early: tuple[date, date] | None = None
    for lo, hi in reversed(list(zip(edges, his, strict=True))):
        on = lo if lo != date.min else (bounds[0] - timedelta(days=1) if bounds else contract_by)
        try:
            tier, steps = resolve(on)
        except InputError as exc:
            err = exc
            if first_error is None and too_early is not None and lo == date.min:
                rules_from, s = too_early
                err = InputError(
                    f"no start date lets {m.code} meet the contract deadline {contract_by.isoformat()}: "
                    f"under the rules in force from {rules_from.isoformat()} the latest start would be "
                    f"{s.isoformat()}, before those rules applied", value=contract_by,
                    hint="check the deadline (the Public Procurement Act 2560 rules apply from 2017-08-23)")
            first_error = first_error or err
            continue
        s = latest_start(calendar, steps, contract_by)
        if hi is not None and s >= hi:
            s = calendar.previous_working_day(hi - timedelta(days=1), inclusive=True)
        if lo != date.min and s < lo:
            too_early = too_early or (lo, s)
            continue
        return tier, steps, s
    if first_error is not None:
        raise first_error
    raise InputError(f"no start date lets {m.code} meet the contract deadline {contract_by.isoformat()}",
                     value=contract_by, hint="check the deadline or the method")


def build_timeline(rulebook: Rulebook, calendar: WorkingCalendar, *, method: str | Method,
                   budget, start: date | None = None, contract_by: date | None = None,
                   day_overrides: Mapping[str, int] | None = None,
                   with_steps: Iterable[str] = (), without_steps: Iterable[str] = (),
                   appeal_filed: bool = False) -> Timeline:
    """A forward timeline from ``start`` or, if only ``contract_by`` is given, a backward one.

    ``method`` is a code/name (resolved by the rulebook) or a :class:`Method`; ``budget`` a number
    or text like ``3,000,000``; dates are plain dates (use ``dates.parse_date`` for typed text).
    ``appeal_filed`` follows the appeal-filed branch (agency review, referral, Appeals Committee;
    Act s.118-119) before the contract; its extensions are the optional steps
    ``appeal_committee_extension_1`` / ``_2`` (``with_steps``).
    """
    m = method if isinstance(method, Method) else rulebook.resolve_method(method)
    amount = parse_budget(budget)
    with_steps, without_steps = tuple(with_steps), tuple(without_steps)
    if start is None and contract_by is None:
        raise InputError("a timeline needs a start date or a contract-signing deadline",
                         hint="give --start or --contract-by")
    # a province's projects repeat the same method, tier, dates and options: each distinct set
    # is counted once per calendar (the timeline is immutable; only the budget differs)
    options = (tuple(sorted((day_overrides or {}).items(), key=lambda kv: kv[0])),
               frozenset(with_steps), frozenset(without_steps), appeal_filed, get_language())
    if start is not None:
        key = (id(m), "forward", m.tier_for(amount, start).code, start, options)
    else:
        key = (id(m), "backward", amount, contract_by, options)
    memo = _MEMO.get(calendar)
    if memo is None:
        memo = _MEMO[calendar] = {}
    hit = memo.get(key)
    if hit is not None and hit[0] is m:
        tl = hit[1]
        same = tl.budget == amount and str(tl.budget) == str(amount)  # 1.0 ≠ 1 as typed
        return tl if same else replace(tl, budget=amount)
    tl = _build_timeline(m, calendar, amount, start, contract_by, day_overrides, with_steps,
                         without_steps, appeal_filed)
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = (m, tl)
    return tl


_MEMO: "weakref.WeakKeyDictionary[WorkingCalendar, dict]" = weakref.WeakKeyDictionary()
_MEMO_MAX = 200_000


def _build_timeline(m: Method, calendar: WorkingCalendar, amount: Decimal, start: date | None,
                    contract_by: date | None, day_overrides: Mapping[str, int] | None,
                    with_steps: tuple, without_steps: tuple, appeal_filed: bool) -> Timeline:
    def resolve(on: date):
        tier = m.tier_for(amount, on)
        steps = resolve_steps(m, tier, on, day_overrides=day_overrides, with_steps=with_steps,
                              without_steps=without_steps, appeal_filed=appeal_filed)
        return tier, steps

    if start is not None:
        tier, steps = resolve(start)
        direction = "forward"
    else:
        assert contract_by is not None
        tier, steps, s = _backward_over_rule_periods(m, calendar, contract_by, resolve)
        start = s
        direction = "backward"
    milestones = _run_forward(calendar, steps, start)
    in_force = [x.rule.effective_from for x in steps if x.rule.effective_from != date.min]
    return Timeline(
        method=m.code, method_name_th=m.name_th, method_name_en=m.name_en, tier=tier.code,
        tier_label=tier.label, budget=amount, start=start,
        contract_date=milestones[-1].end if milestones else start, steps=milestones,
        direction=direction, contract_by=contract_by if direction == "backward" else None,
        rules_effective_from=max(in_force) if in_force else None, appeal_filed=appeal_filed,
    )


_PLAN_COLUMNS = {
    "UnknownMethodError": "method",
    "BudgetOutOfTierError": "amount",
    "BelowLegalMinimumError": "day_overrides",
    "StepSwitchError": "steps",
}


def timeline_for_plan(plan: ProjectPlan, rulebook: Rulebook, calendar: WorkingCalendar) -> Timeline:
    """The timeline for one plan row (forward from ``plan.start``, else backward from
    ``plan.contract_by``). Errors carry the row's location when the plan has a ``source_ref``."""
    try:
        return build_timeline(
            rulebook, calendar, method=plan.method, budget=plan.amount, start=plan.start,
            contract_by=None if plan.start else plan.contract_by, day_overrides=plan.day_overrides,
            with_steps=plan.with_steps, without_steps=plan.without_steps,
            appeal_filed=plan.appeal_filed,
        )
    except InputError as exc:
        if plan.source_ref is not None and exc.location == Location():
            exc.at(Location(source=plan.source_ref.source, sheet=plan.source_ref.sheet,
                            row=plan.source_ref.row, column=_PLAN_COLUMNS.get(type(exc).__name__)))
        raise


def step_status(planned: date, actual: date | None, today: date, calendar: WorkingCalendar,
                due_soon_working_days: int = 3) -> StepStatus:
    """Status of a milestone on ``today``.

    DONE if ``actual`` is recorded (slip = working days from planned to actual, negative if early);
    LATE if ``today`` is after ``planned`` and nothing is recorded (slip = working days from planned
    to today); DUE_SOON if 0 <= working days until planned <= the window; else ON_TIME (slip 0).
    """
    if actual is not None:
        return StepStatus(StepState.DONE, calendar.working_days_between(planned, actual))
    if today > planned:
        return StepStatus(StepState.LATE, calendar.working_days_between(planned, today))
    if calendar.working_days_between(today, planned) <= due_soon_working_days:
        return StepStatus(StepState.DUE_SOON, 0)
    return StepStatus(StepState.ON_TIME, 0)
