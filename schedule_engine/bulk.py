"""Many project timelines at once, vectorised with numpy over the working-day index.

Projects are grouped by (method, rules period, tier); within a group every project has the same
steps, so each step is one array operation over all of the group's start dates (two gathers on the
calendar index). Results equal :func:`schedule_engine.timeline.build_timeline` (tests check it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping, Sequence

import numpy as np

from schedule_engine.catalogue import Rulebook
from schedule_engine.errors import CalendarRangeError, InputError
from schedule_engine.timeline import ResolvedStep, resolve_steps
from schedule_engine.workcal import WorkingCalendar

NAT = np.datetime64("NaT", "D")


def forward_idx(calendar: WorkingCalendar, steps: Sequence[ResolvedStep], start_idx: np.ndarray
                ) -> np.ndarray:
    """Milestone day numbers, shape ``(len(steps), len(start_idx))``, for one group of projects."""
    out = np.empty((len(steps), len(start_idx)), dtype=np.int64)
    cur = np.asarray(start_idx, dtype=np.int64)
    for k, s in enumerate(steps):
        if s.days == 0:
            cur = calendar.next_working_idx(cur)
        elif s.rule.unit == "working":
            cur = calendar.add_working_days_idx(cur, s.days)
        else:
            cur = calendar.next_working_idx(cur + s.days)
        out[k] = cur
    return out


@dataclass
class BulkTimelines:
    """Results for many projects, aligned with the inputs.

    ``start``: start date per project (the input for forward runs; the latest start for backward);
    ``contract``: contract-signing date per project (``NaT`` where it could not be computed);
    ``ends``: step code → milestone date per project (``NaT`` where the step is absent/off);
    ``errors``: project position → one-line message (unknown method, budget outside the tiers…).
    """

    contract: np.ndarray
    ends: dict[str, np.ndarray] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    groups: int = 0
    start: np.ndarray | None = None


def backward_idx(calendar: WorkingCalendar, steps: Sequence[ResolvedStep], deadline_idx: np.ndarray
                 ) -> np.ndarray:
    """Latest start day numbers (working days) whose forward run meets each deadline, vectorised
    (same definition as :func:`schedule_engine.timeline.latest_start`)."""
    c = np.asarray(deadline_idx, dtype=np.int64)
    cur = calendar.previous_working_idx(c)
    for s in reversed(steps):
        if s.days == 0:
            continue
        if s.rule.unit == "working":
            cur = calendar.sub_working_days_idx(cur, s.days)
        else:
            cur = calendar.previous_working_idx(cur - s.days)
    # exactness guard, as in the scalar version (rarely moves anything)
    for _ in range(64):
        over = forward_idx(calendar, steps, cur)[-1] > c if steps else np.zeros(len(c), bool)
        if not over.any():
            break
        cur[over] = calendar.previous_working_idx(cur[over] - 1)
    for _ in range(64):
        nxt = calendar.next_working_idx(cur + 1)
        fits = forward_idx(calendar, steps, nxt)[-1] <= c if steps else np.zeros(len(c), bool)
        if not fits.any():
            break
        cur[fits] = nxt[fits]
    return cur


def plan_many(rulebook: Rulebook, calendar: WorkingCalendar, methods: Sequence[str],
              budgets: Sequence[float], starts=None, *, contract_by=None,
              day_overrides: Mapping[str, int] | None = None,
              with_milestones: bool = True, appeal_filed: bool = False,
              with_steps: Sequence[str] = ()) -> BulkTimelines:
    """Timelines for many projects: ``methods`` (codes/names), ``budgets`` (baht) and either
    ``starts`` (forward) or ``contract_by`` (backward: latest starts), as dates or
    ``datetime64[D]``. One override mapping applies to every project (group the projects by their
    overrides and call once per group). ``appeal_filed`` / ``with_steps`` likewise apply to every
    project (the appeal-filed branch, optional steps switched on). Same results as
    ``build_timeline`` one by one."""
    if (starts is None) == (contract_by is None):
        raise ValueError("give exactly one of starts or contract_by")
    backward = starts is None
    method_list = methods.tolist() if isinstance(methods, np.ndarray) else list(methods)
    budgets = np.asarray(budgets, dtype=np.float64)
    raw_dates = np.asarray(contract_by if backward else starts)
    if raw_dates.dtype == object:
        raw_dates = np.array([np.datetime64("NaT") if d is None else d for d in raw_dates.tolist()],
                             dtype="datetime64[D]")
    raw_dates = raw_dates.astype("datetime64[D]")
    blank = np.isnat(raw_dates)
    key_idx = np.where(blank, 0, (raw_dates - calendar.from_index(np.zeros(1, np.int64))[0])
                       .astype(np.int64))
    outside = ~blank & ((key_idx < 0) | (key_idx >= len(calendar._work)))
    key_idx = np.where(outside, 0, key_idx)
    n = len(key_idx)
    if not (len(method_list) == len(budgets) == n):
        raise ValueError("methods, budgets and dates must have the same length")
    contract = np.full(n, NAT, dtype="datetime64[D]")
    start_out = np.full(n, NAT, dtype="datetime64[D]") if backward else None
    np_origin = calendar.from_index(np.zeros(1, dtype=np.int64))[0]
    ends: dict[str, np.ndarray] = {}
    errors: dict[int, str] = {}
    what = "contract-signing deadline" if backward else "start date"
    for i in np.flatnonzero(blank):
        errors[int(i)] = f"no {what} (blank or unreadable date)"
    for i in np.flatnonzero(outside):
        errors[int(i)] = (f"{what} {raw_dates[i]} is outside the working calendar "
                          f"({calendar.first_year}–{calendar.last_year} CE); check the year")
    usable = ~(blank | outside)
    groups = 0
    overrides = dict(day_overrides or {})
    origin = calendar.first_day.toordinal()

    def store(sel: np.ndarray, steps, start_sel: np.ndarray) -> None:
        if backward:
            start_out[sel] = np_origin + start_sel
        if not steps:
            contract[sel] = np_origin + start_sel
            return
        if with_milestones:
            mat = forward_idx(calendar, steps, start_sel)
            for k, s in enumerate(steps):
                arr = ends.get(s.code)
                if arr is None:
                    arr = ends[s.code] = np.full(n, NAT, dtype="datetime64[D]")
                arr[sel] = np_origin + mat[k]
            contract[sel] = np_origin + mat[-1]
        else:
            contract[sel] = np_origin + forward_idx(calendar, steps, start_sel)[-1]

    def one_by_one(m, sel: np.ndarray) -> None:
        """Backward runs whose start falls under other rules than the deadline (rare), and groups
        whose results run off the calendar (each project then gets its own error)."""
        from schedule_engine.timeline import build_timeline

        for i in sel:
            d = date.fromordinal(int(key_idx[i]) + origin)
            try:
                t = build_timeline(rulebook, calendar, method=m, budget=float(budgets[i]),
                                   contract_by=d if backward else None,
                                   start=None if backward else d, day_overrides=overrides,
                                   with_steps=with_steps, appeal_filed=appeal_filed)
            except InputError as exc:
                errors[int(i)] = str(exc)
                continue
            if backward:
                start_out[i] = np.datetime64(t.start, "D")
            contract[i] = np.datetime64(t.contract_date, "D")
            if with_milestones:
                for ms in t.steps:
                    arr = ends.get(ms.code)
                    if arr is None:
                        arr = ends[ms.code] = np.full(n, NAT, dtype="datetime64[D]")
                    arr[i] = np.datetime64(ms.end, "D")

    # factorise the method names (a dict is faster than np.unique on strings)
    lookup: dict[str, int] = {}
    inverse = np.fromiter((lookup.setdefault(x, len(lookup)) for x in method_list), np.int64, n)
    for text, mi in lookup.items():
        sel_m = np.flatnonzero((inverse == mi) & usable)
        if not len(sel_m):
            continue
        try:
            m = rulebook.resolve_method(str(text))
        except InputError as exc:
            for i in sel_m:
                errors[int(i)] = str(exc)
            continue
        # rules periods: split by the dates on which some rule of the method starts/stops
        bounds = np.array([d.toordinal() - origin for d in m.effective_boundaries()], dtype=np.int64)
        period = np.searchsorted(bounds, key_idx[sel_m], side="right")
        for p in np.unique(period):
            sel_p = sel_m[period == p]
            on = date.fromordinal(int(key_idx[sel_p[0]]) + origin)
            b = budgets[sel_p]
            assigned = np.zeros(len(sel_p), dtype=bool)
            for tier in m.tiers_in_force(on):
                lo = float(tier.budget_over)
                mask = b > lo
                if tier.budget_up_to is not None:
                    mask &= b <= float(tier.budget_up_to)
                mask &= ~assigned
                if not mask.any():
                    continue
                assigned |= mask
                sel = sel_p[mask]
                try:
                    steps = resolve_steps(m, tier, on, day_overrides=overrides,
                                          with_steps=with_steps, appeal_filed=appeal_filed)
                except InputError as exc:
                    if not backward:
                        for i in sel:
                            errors[int(i)] = str(exc)
                        continue
                    one_by_one(m, sel)  # the deadline's rules may not exist; the start's may
                    continue
                groups += 1
                try:
                    if not backward:
                        store(sel, steps, key_idx[sel])
                        continue
                    start_sel = backward_idx(calendar, steps, key_idx[sel])
                    same = np.searchsorted(bounds, start_sel, side="right") == p
                    store(sel[same], steps, start_sel[same])
                except CalendarRangeError:  # some result runs off the calendar: one by one
                    one_by_one(m, sel)
                    continue
                if not same.all():
                    one_by_one(m, sel[~same])
            for i in sel_p[~assigned]:
                try:
                    m.tier_for(Decimal(str(budgets[i])), on)
                    errors[int(i)] = f"no {m.code} tier for {budgets[i]:,.2f}"
                except InputError as exc:
                    errors[int(i)] = str(exc)

    if not backward:
        start_out = np.where(usable, np_origin + key_idx, NAT)
    return BulkTimelines(contract=contract, ends=ends, errors=errors, groups=groups, start=start_out)
