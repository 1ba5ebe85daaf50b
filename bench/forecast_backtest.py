"""Backtest of the early warning on the example year (FY2570: 1 Oct 2569 – 30 Sep 2570).

    .venv/bin/python bench/forecast_backtest.py [--csv days.csv]

The example workbook's plans (``examples/plans.xlsx``) and its illustrative deadline measures
(``examples/measures/FY2570.toml``), and the example's whole season of actual dates
(``examples/build_plans_workbook.py``: ``season_progress()`` — the progress tab is the part of it
known on 25 Nov 2569). Every working day of the year, procal forecasts each project from the
actual dates recorded up to that day only (what it would have known then) and notes its state.

Printed: for every project that ended late (signed after its binding deadline, or not signed by
it), the first day it was flagged AT_RISK and how many working days before its deadline that was
(and when it became LOST); then precision — the share of projects ever flagged AT_RISK that did end
late — and the same share over every (project, day) AT_RISK flag.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schedule_engine import default_calendar, format_thai_date  # noqa: E402
from schedule_engine.forecast import ForecastState, forecast_timeline  # noqa: E402
from schedule_engine.measures import deadlines_for, load_measures  # noqa: E402

FY_START, FY_END = date(2026, 10, 1), date(2027, 9, 30)


def load_example():
    """Plans and timelines exactly as procal reads them, and the builder's whole season."""
    from sheets_io.plans import read_plans

    sys.path.insert(0, str(ROOT / "examples"))
    try:
        builder = runpy.run_path(str(ROOT / "examples" / "build_plans_workbook.py"),
                                 run_name="builder")
    finally:
        sys.path.remove(str(ROOT / "examples"))
    book = read_plans(str(ROOT / "examples" / "plans.xlsx"), today=builder["TODAY"])
    season: dict[str, dict[str, date]] = {}
    for pid, code, actual, _note in builder["season_progress"]():
        season.setdefault(pid, {})[code] = actual
    return book, season, builder


class DayForecast:
    """The part of a day's forecast the backtest looks at."""

    __slots__ = ("state", "deadline")

    def __init__(self, state, deadline):
        self.state, self.deadline = state, deadline


def replay(book, season, cal):
    """Every working day of the year × every project with a deadline. One vectorised
    ``forecast_group`` call per project covers all its days (the batch is the days: each day has
    its own anchor, recorded-step count and today); ``forecast_timeline`` — the same core on one
    day — is checked against it on a sample."""
    import numpy as np

    from schedule_engine.forecast import binding_deadline, forecast_group, state_of

    measures = load_measures(2570, [ROOT / "examples" / "measures"])
    days = []
    d = FY_START
    while d <= FY_END:
        if cal.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    day_idx = cal.to_index(np.array(days, dtype="datetime64[D]"))
    results = {}
    for plan in book.plans:
        tl = book.timelines[plan.project_id]
        deadlines = deadlines_for(plan, tl, measures)
        if not deadlines:
            continue
        bind = binding_deadline(deadlines)
        actual = season.get(plan.project_id, {})
        codes = [s.code for s in tl.steps]
        anchors, done = [], []
        for day in days:
            k, a = 0, tl.start
            for j, c in enumerate(codes):
                if c in actual and actual[c] <= day:
                    k, a = j + 1, actual[c]
            anchors.append(a)
            done.append(k)
        g = forecast_group(cal, [s.days for s in tl.steps],
                           [s.min_days if s.min_days is not None else s.days for s in tl.steps],
                           [s.unit for s in tl.steps],
                           cal.to_index(np.array(anchors, dtype="datetime64[D]")), done, day_idx,
                           np.full(len(days), cal.to_index(np.array([bind.date],
                                                                    dtype="datetime64[D]"))[0]))
        history = [(day, DayForecast(state_of(g.state[i]), bind)) for i, day in enumerate(days)]
        for i in range(0, len(days), 37):  # the scalar forecast agrees
            known = {c: a for c, a in actual.items() if a <= days[i]}
            f = forecast_timeline(tl, known, days[i], cal, deadlines)
            assert f.state is history[i][1].state, (plan.project_id, days[i])
        results[plan.project_id] = (plan, tl, history, actual)
    return results, days


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", type=Path, help="also write every (day, project, state) here")
    args = ap.parse_args(argv)
    cal = default_calendar()
    t0 = time.perf_counter()
    book, season, _ = load_example()
    results, days = replay(book, season, cal)
    elapsed = time.perf_counter() - t0
    n_fc = sum(len(h) for _, _, h, _ in results.values())

    late, flagged, flag_days, flag_days_late = [], [], 0, 0
    rows = []
    for pid, (plan, tl, history, actual) in results.items():
        deadline = history[0][1].deadline.date
        signed = actual.get(tl.steps[-1].code)
        is_late = signed is None or signed > deadline
        first_risk = next((d for d, f in history if f.state is ForecastState.AT_RISK), None)
        first_lost = next((d for d, f in history if f.state is ForecastState.LOST), None)
        n_risk = sum(1 for _, f in history if f.state is ForecastState.AT_RISK)
        flag_days += n_risk
        if is_late:
            flag_days_late += n_risk
            late.append(pid)
        if first_risk is not None:
            flagged.append((pid, is_late))
        rows.append((pid, plan, history[0][1].deadline, signed, is_late, first_risk, first_lost))
        if args.csv:
            with args.csv.open("a", encoding="utf-8") as fh:
                for d, f in history:
                    fh.write(f"{d.isoformat()},{pid},{f.state.value}\n")

    print(f"example year FY2570: {len(days)} working days × {len(results)} projects with a "
          f"deadline = {n_fc:,} forecasts in {elapsed:.1f} s")
    print()
    print("projects that ended late (signed after the binding deadline):")
    print(f"{'project':<10} {'deadline':<14} {'signed':<14} {'late by':>8}  "
          f"{'first AT_RISK':<14} {'lead (wd)':>9}  {'first LOST':<14}  deadline source")
    leads, plan_leads = [], []
    for pid, _plan, dl, signed, is_late, first_risk, first_lost in sorted(
            rows, key=lambda r: r[0]):
        if not is_late:
            continue
        late_by = cal.working_days_between(dl.date, signed) if signed else None
        lead = cal.working_days_between(first_risk, dl.date) if first_risk else None
        by_plan = results[pid][1].contract_date > dl.date  # planned to sign after it already
        if lead is not None:
            (plan_leads if by_plan else leads).append(lead)
        print(f"{pid:<10} {format_thai_date(dl.date):<14} "
              f"{format_thai_date(signed) if signed else 'not signed':<14} "
              f"{late_by if late_by is not None else '-':>8}  "
              f"{format_thai_date(first_risk) if first_risk else 'never':<14} "
              f"{lead if lead is not None else '-':>9}  "
              f"{format_thai_date(first_lost) if first_lost else '-':<14}  {dl.code}"
              + ("  (late by its plan)" if by_plan else ""))
    print()
    n_flagged = len(flagged)
    tp = sum(1 for _, is_late in flagged if is_late)
    ontime_flagged = sorted(pid for pid, is_late in flagged if not is_late)
    print(f"late projects: {len(late)} of {len(results)}; flagged AT_RISK before the deadline: "
          f"{len(leads) + len(plan_leads)} of {len(late)}")
    for what, xs in (("slipped during the year", leads), ("late by their plan", plan_leads)):
        if xs:
            xs.sort()
            print(f"lead time of the first AT_RISK flag, {what} ({len(xs)}): median "
                  f"{xs[len(xs) // 2]} working days before the deadline, min {xs[0]}, "
                  f"max {xs[-1]}")
    if n_flagged:
        print(f"precision (projects): {tp} of {n_flagged} projects ever flagged AT_RISK ended late "
              f"= {tp / n_flagged:.0%}; flagged but on time: {', '.join(ontime_flagged) or '-'}")
    if flag_days:
        print(f"precision (flag-days): {flag_days_late} of {flag_days} AT_RISK project-days were "
              f"on projects that ended late = {flag_days_late / flag_days:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
