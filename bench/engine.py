"""Benchmark: 100,000 project timelines in bulk (procal's vectorised engine) vs a naive loop.

    .venv/bin/python bench/engine.py [--projects 100000] [--naive-sample 2000] [--repeat 5]

Both sides get the same inputs (random method, budget and start date, 2018–2029) and produce
every step's milestone date. The naive baseline walks the calendar one day at a time in Python
(weekday check + holiday set lookup); it runs on a subsample and is extrapolated (it says so). The
scalar ``build_timeline`` (one Timeline object per project) is shown too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from schedule_engine import build_timeline, default_calendar, default_rulebook  # noqa: E402
from schedule_engine.bulk import plan_many  # noqa: E402
from schedule_engine.forecast import forecast_many, forecast_timeline, state_of  # noqa: E402
from schedule_engine.timeline import resolve_steps  # noqa: E402

METHODS = ["e-bidding", "e-market", "specific", "selection", "consultant-general",
           "consultant-selection", "design-general", "design-specific", "ประกวดราคาอิเล็กทรอนิกส์",
           "วิธีเฉพาะเจาะจง"]


def make_inputs(n: int, seed: int = 2565):
    rng = np.random.default_rng(seed)
    methods = rng.choice(METHODS, n)
    budgets = np.round(np.exp(rng.uniform(np.log(6e5), np.log(2e8), n)), 2)
    small = np.isin(methods, ["specific", "วิธีเฉพาะเจาะจง", "design-specific"])
    budgets[small] = np.round(rng.uniform(1e4, 5e5, small.sum()), 2)
    starts = np.datetime64("2018-01-01") + rng.integers(0, 365 * 12, n).astype("timedelta64[D]")
    return methods, budgets, starts


def naive_timeline(rulebook, holidays: frozenset, method: str, budget: float, start: date) -> list[date]:
    """Day-by-day: for each step walk forward one calendar day at a time."""
    m = rulebook.resolve_method(method)
    tier = m.tier_for(budget, start)
    ends = []
    cur = start
    for s in resolve_steps(m, tier, start):
        if s.days == 0 or s.rule.unit == "calendar":
            cur = cur + timedelta(days=s.days)
            while cur.weekday() >= 5 or cur in holidays:
                cur += timedelta(days=1)
        else:
            left = s.days
            while left:
                cur += timedelta(days=1)
                if cur.weekday() < 5 and cur not in holidays:
                    left -= 1
        ends.append(cur)
    return ends


def _naive_step(holidays: frozenset, cur: date, days: int, unit: str) -> date:
    def off(d):
        return d.weekday() >= 5 or d in holidays

    if days == 0 or unit == "calendar":
        cur = cur + timedelta(days=days)
        while off(cur):
            cur += timedelta(days=1)
        return cur
    left = days
    while left:
        cur += timedelta(days=1)
        if not off(cur):
            left -= 1
    return cur


def naive_forecast(rulebook, holidays: frozenset, method: str, budget: float, start: date,
                   done: int, anchor: date, today: date, deadline: date):
    """Day-by-day: re-plan the remaining steps at planned days and at legal minimums from the
    anchor (an overdue next step ends today at the earliest), then the state."""
    m = rulebook.resolve_method(method)
    steps = resolve_steps(m, m.tier_for(budget, start), start)
    done = min(done, len(steps))
    if done == len(steps):
        return "done", None, None
    anchor = anchor if done else start
    today_w = today
    while today_w.weekday() >= 5 or today_w in holidays:
        today_w += timedelta(days=1)
    exp = ear = anchor
    if not done:
        ear = min(anchor, today)
    for j, s in enumerate(steps[done:]):
        exp = _naive_step(holidays, exp, s.days, s.rule.unit)
        ear = _naive_step(holidays, ear, s.rule.min_days, s.rule.unit)
        if j == 0:
            exp, ear = max(exp, today_w), max(ear, today_w)
    state = "on_track" if exp <= deadline else "at_risk" if ear <= deadline else "lost"
    return state, exp, ear


def bench_forecast(rb, cal, methods, budgets, starts, n: int, repeat: int, naive_sample: int) -> None:
    """Bulk early-warning forecast of n projects in various stages vs a naive per-project loop."""
    rng = np.random.default_rng(2570)
    done = rng.integers(0, 8, n)
    anchors = starts + rng.integers(0, 60, n).astype("timedelta64[D]")
    today = anchors + rng.integers(0, 30, n).astype("timedelta64[D]")
    deadlines = starts + rng.integers(60, 200, n).astype("timedelta64[D]")
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fc = forecast_many(rb, cal, methods, budgets, starts, done_count=done, anchors=anchors,
                           today=today, deadlines=deadlines)
        times.append(time.perf_counter() - t)
    best, med = min(times), float(np.median(times))
    counts = {state_of(c).value: int((fc.state == c).sum()) for c in np.unique(fc.state)}
    print(f"procal bulk forecast (expected + earliest + latest safe starts + state): "
          f"{n / med:,.0f} projects/s  (median of {repeat}: {med * 1000:.1f} ms; best "
          f"{n / best:,.0f}/s; {fc.groups} groups; {counts})")
    holidays = frozenset(cal.holidays_between(cal.first_day, cal.last_day))
    sample = [i for i in range(min(naive_sample, n)) if i not in fc.errors]
    t = time.perf_counter()
    naive = [naive_forecast(rb, holidays, str(methods[i]), float(budgets[i]), starts[i].item(),
                            int(done[i]), anchors[i].item(), today[i].item(), deadlines[i].item())
             for i in sample]
    dt = time.perf_counter() - t
    print(f"naive per-project forecast loop: {len(sample) / dt:>8,.0f} projects/s  (day by day, "
          f"{len(sample):,}-project subsample, extrapolated to {n:,}: ~{n / (len(sample) / dt):.1f} s)")
    t = time.perf_counter()
    for i in sample[:500]:
        tl = build_timeline(rb, cal, method=str(methods[i]), budget=float(budgets[i]),
                            start=starts[i].item())
        k = min(int(done[i]), len(tl.steps))
        actual = {s.code: anchors[i].item() for s in tl.steps[:k]}
        from schedule_engine.forecast import Deadline

        f = forecast_timeline(tl, actual, today[i].item(), cal,
                              [Deadline(deadlines[i].item(), "project", "project", "x")])
        assert f.state.value == naive[sample.index(i)][0], i
    dt = time.perf_counter() - t
    print(f"procal scalar forecast_timeline (with build_timeline): {min(500, len(sample)) / dt:,.0f} "
          f"projects/s")
    for i, (st, exp, ear) in zip(sample, naive, strict=True):
        assert state_of(fc.state[i]).value == st, (i, st)
        if exp is not None:
            assert fc.expected[i].item() == exp and fc.earliest[i].item() == ear, i
    print(f"check: bulk forecast and the naive loop agree on all {len(sample):,} sampled states "
          f"and dates")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=100_000)
    ap.add_argument("--naive-sample", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    cal, rb = default_calendar(), default_rulebook()
    print(f"calendar index build (1997–2057, holidays.Thailand + config): {time.perf_counter() - t0:.3f} s")
    methods, budgets, starts = make_inputs(args.projects)
    n = args.projects
    print(f"inputs: {n:,} projects, {len(METHODS)} method names, starts 2018–2029, cores={os.cpu_count()}")

    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = plan_many(rb, cal, methods, budgets, starts)
        times.append(time.perf_counter() - t)
    best, med = min(times), float(np.median(times))
    print(f"procal bulk (every milestone): {n / med:>12,.0f} projects/s  (median of {args.repeat}: "
          f"{med * 1000:.1f} ms; best {n / best:,.0f}/s; {res.groups} groups, {len(res.errors)} refused)")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        plan_many(rb, cal, methods, budgets, starts, with_milestones=False)
        times.append(time.perf_counter() - t)
    med = float(np.median(times))
    print(f"procal bulk (contract date only): {n / med:>9,.0f} projects/s  (median {med * 1000:.1f} ms)")

    deadlines = starts + np.timedelta64(120, "D")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        back = plan_many(rb, cal, methods, budgets, contract_by=deadlines)
        times.append(time.perf_counter() - t)
    med = float(np.median(times))
    print(f"procal bulk backward (latest start + every milestone): {n / med:,.0f} projects/s  "
          f"(median {med * 1000:.1f} ms)")
    for i in range(0, n, max(1, n // 200)):
        if i in back.errors:
            continue
        bt = build_timeline(rb, cal, method=str(methods[i]), budget=float(budgets[i]),
                            contract_by=deadlines[i].item())
        assert bt.start == back.start[i].item() and bt.contract_date == back.contract[i].item()

    k = min(args.naive_sample, n)
    holidays = frozenset(cal.holidays_between(cal.first_day, cal.last_day))
    sample = [i for i in range(k) if i not in res.errors]
    t = time.perf_counter()
    naive = [naive_timeline(rb, holidays, str(methods[i]), float(budgets[i]), starts[i].item()) for i in sample]
    dt = time.perf_counter() - t
    rate = len(sample) / dt
    print(f"naive day-by-day loop:      {rate:>12,.0f} projects/s  (measured on a {len(sample):,}-project "
          f"subsample, extrapolated to {n:,}: ~{n / rate:.1f} s)")
    t = time.perf_counter()
    scalar = [build_timeline(rb, cal, method=str(methods[i]), budget=float(budgets[i]), start=starts[i].item())
              for i in sample]
    dt = time.perf_counter() - t
    print(f"procal scalar build_timeline: {len(sample) / dt:>10,.0f} projects/s  (same subsample, full "
          "Timeline objects with explain data)")
    # same answers
    for i, nv, sc in zip(sample, naive, scalar, strict=True):
        assert nv[-1] == sc.contract_date == res.contract[i].item(), (i, nv[-1], sc.contract_date)
    print(f"check: bulk, scalar and naive agree on all {len(sample):,} sampled contract dates")
    bench_forecast(rb, cal, methods, budgets, starts, n, args.repeat, args.naive_sample)


if __name__ == "__main__":
    main()
