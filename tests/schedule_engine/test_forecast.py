"""Early-warning forecast: properties (hypothesis), hand-checked golden cases, bulk = scalar."""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from schedule_engine import build_timeline, default_calendar, default_rulebook
from schedule_engine.errors import ConfigError
from schedule_engine.forecast import (
    Deadline,
    ForecastState,
    binding_deadline,
    forecast_many,
    forecast_timeline,
    state_of,
)
from schedule_engine.measures import load_measures, parse_measures

CAL = default_calendar()
RB = default_rulebook()

METHOD_BUDGETS = [(m.code, t) for m in RB.methods for t in m.tiers
                  if t.effective_to is None or t.effective_to > date(2026, 1, 1)]
starts_ = st.dates(min_value=date(2019, 1, 1), max_value=date(2035, 12, 31))


def dl(d: date, code="project") -> Deadline:
    return Deadline(date=d, kind="project" if code == "project" else "measure", code=code,
                    name_th="กำหนด")


@st.composite
def project(draw):
    code, tier = draw(st.sampled_from(METHOD_BUDGETS))
    lo = float(tier.budget_over) + 1
    hi = float(tier.budget_up_to) if tier.budget_up_to is not None else lo + 1e9
    budget = round(draw(st.floats(min_value=lo, max_value=hi)), 2)
    start = draw(starts_)
    t = build_timeline(RB, CAL, method=code, budget=budget, start=start)
    n = len(t.steps)
    done = draw(st.integers(0, n))
    # actual dates: planned end shifted by a few working days, non-decreasing
    actuals, prev = {}, start
    for s in t.steps[:done]:
        a = max(prev, CAL.add_working_days(s.end, draw(st.integers(-3, 15))))
        actuals[s.code] = prev = a
    today = CAL.add_working_days(prev if done else start, draw(st.integers(-30, 80)))
    today = max(today, prev)
    deadline = CAL.add_working_days(t.contract_date, draw(st.integers(-40, 40)))
    deadline += timedelta(days=draw(st.integers(0, 3)))
    return t, actuals, today, deadline


@settings(max_examples=200, deadline=None)
@given(p=project())
def test_earliest_never_after_expected(p):
    t, actuals, today, deadline = p
    f = forecast_timeline(t, actuals, today, CAL, [dl(deadline)])
    if f.state is ForecastState.DONE:
        return
    assert f.earliest_contract <= f.expected_contract
    assert f.expected_contract >= today or f.expected_contract >= f.anchor
    for s in f.steps:
        if not s.done:
            assert s.earliest <= s.expected
            assert CAL.is_working_day(s.expected) and CAL.is_working_day(s.earliest)
            assert s.expected >= min(today, CAL.next_working_day(today))
    # the state follows the dates
    if f.expected_contract <= deadline:
        assert f.state is ForecastState.ON_TRACK
    elif f.earliest_contract <= deadline:
        assert f.state is ForecastState.AT_RISK and f.action is not None
        assert f.action.by >= today or f.action.step_code == "contract_signing"
    else:
        assert f.state is ForecastState.LOST
        assert f.lost_by == CAL.working_days_between(deadline, f.earliest_contract) > 0


@settings(max_examples=80, deadline=None)
@given(p=project())
def test_all_steps_done_is_done_without_forecast(p):
    t, _, today, deadline = p
    actuals = {s.code: s.end for s in t.steps}
    f = forecast_timeline(t, actuals, max(today, t.contract_date), CAL, [dl(deadline)])
    assert f.state is ForecastState.DONE
    assert f.expected_contract is None and f.earliest_contract is None and f.action is None
    assert f.actual_contract == t.contract_date
    assert all(s.done and s.expected is None for s in f.steps)


@settings(max_examples=200, deadline=None)
@given(p=project(), shift=st.integers(1, 20))
def test_a_later_actual_never_gives_an_earlier_forecast(p, shift):
    t, actuals, today, deadline = p
    if not actuals:
        return
    last = list(actuals)[-1]
    moved = dict(actuals)
    moved[last] = CAL.add_working_days(actuals[last], shift)
    today2 = max(today, moved[last])
    a = forecast_timeline(t, actuals, today2, CAL, [dl(deadline)])
    b = forecast_timeline(t, moved, today2, CAL, [dl(deadline)])
    if a.state is ForecastState.DONE:
        return
    assert b.expected_contract >= a.expected_contract
    assert b.earliest_contract >= a.earliest_contract
    # and a later today never gives an earlier forecast either
    c = forecast_timeline(t, actuals, CAL.add_working_days(today2, shift), CAL, [dl(deadline)])
    assert c.expected_contract >= a.expected_contract
    assert c.earliest_contract >= a.earliest_contract


def _run_min(t, j: int, start: date) -> date:
    """Steps j.. of ``t`` at their legal minimums from ``start`` (scalar, the timeline rules)."""
    cur = start
    for s in t.steps[j:]:
        n = s.days if s.min_days is None else s.min_days  # unknown minimum: at its planned days
        if n == 0:
            cur = CAL.next_working_day(cur)
        elif s.unit == "working":
            cur = CAL.add_working_days(cur, n)
        else:
            cur = CAL.next_working_day(cur + timedelta(days=n))
    return cur


@settings(max_examples=150, deadline=None)
@given(p=project())
def test_latest_safe_start_meets_the_deadline_and_the_next_day_does_not(p):
    t, actuals, today, deadline = p
    f = forecast_timeline(t, actuals, today, CAL, [dl(deadline)])
    for j, s in enumerate(f.steps):
        lss = s.latest_safe_start
        assert CAL.is_working_day(lss)
        assert _run_min(t, j, lss) <= deadline
        assert _run_min(t, j, CAL.next_working_day(lss, inclusive=False)) > deadline
        nxt = f.steps[j + 1].latest_safe_start if j + 1 < len(f.steps) else \
            CAL.previous_working_day(deadline)
        assert s.latest_safe_end == nxt


def test_bulk_equals_scalar():
    rng = np.random.default_rng(7)
    methods, budgets, starts, done, anchors, deadlines, todays, expect = [], [], [], [], [], [], [], []
    for _ in range(300):
        code, tier = METHOD_BUDGETS[rng.integers(len(METHOD_BUDGETS))]
        lo = float(tier.budget_over) + 1
        hi = float(tier.budget_up_to) if tier.budget_up_to is not None else lo * 3 + 1e6
        budget = round(float(rng.uniform(lo, hi)), 2)
        start = date(2020, 1, 1) + timedelta(days=int(rng.integers(0, 4000)))
        t = build_timeline(RB, CAL, method=code, budget=budget, start=start)
        k = int(rng.integers(0, len(t.steps) + 1))
        actuals = {s.code: CAL.add_working_days(s.end, int(rng.integers(0, 6)))
                   for s in t.steps[:k]}
        anchor = max(actuals.values()) if actuals else start
        actuals = {c: anchor if i == k - 1 else a for i, (c, a) in enumerate(actuals.items())}
        today = CAL.add_working_days(anchor, int(rng.integers(0, 40)))
        deadline = CAL.add_working_days(t.contract_date, int(rng.integers(-30, 30)))
        f = forecast_timeline(t, actuals, today, CAL, [dl(deadline)])
        methods.append(code)
        budgets.append(budget)
        starts.append(start)
        done.append(k)
        anchors.append(anchor)
        deadlines.append(deadline)
        todays.append(today)
        expect.append(f)
    b = forecast_many(RB, CAL, methods, budgets, np.array(starts, dtype="datetime64[D]"),
                      done_count=done, anchors=np.array(anchors, dtype="datetime64[D]"),
                      today=np.array(todays, dtype="datetime64[D]"),
                      deadlines=np.array(deadlines, dtype="datetime64[D]"))
    assert not b.errors
    for i, f in enumerate(expect):
        assert state_of(b.state[i]) is f.state, i
        if f.state is ForecastState.DONE:
            assert np.isnat(b.expected[i])
            continue
        assert b.expected[i] == np.datetime64(f.expected_contract)
        assert b.earliest[i] == np.datetime64(f.earliest_contract)
        assert b.lost_by[i] == f.lost_by


# ------------------------------------------------------------------------------ golden cases
def _ebid8m(start: date):
    return build_timeline(RB, CAL, method="e-bidding", budget="8,000,000", start=start)


def test_golden_at_risk_across_songkran():
    """e-bidding 8 M (invitation ≥ 10 wd, bid day ≥ 1 wd, appeal 7 wd, contract ≥ 1 wd), deadline
    Fri 30 Apr 2570 (2027). Songkran 13–15 Apr 2027 (Tue–Thu) and Chakri Day Tue 6 Apr are not
    working days. Counted back by hand below."""
    t = _ebid8m(date(2027, 1, 4))
    actual = {"tor_and_reference_price": date(2027, 2, 26), "draft_hearing": date(2027, 3, 19)}
    f = forecast_timeline(t, actual, date(2027, 3, 22), CAL, [dl(date(2027, 4, 30))])
    st = {s.code: s for s in f.steps}
    assert st["contract_signing"].latest_safe_end == date(2027, 4, 30)
    assert st["appeal"].latest_safe_end == date(2027, 4, 29)
    assert st["appeal"].latest_safe_start == date(2027, 4, 20)
    # bid day ≥ 1 wd after the invitation closes: invitation must close by Mon 19 Apr
    assert st["invitation"].latest_safe_end == date(2027, 4, 19)
    # 10 working days back from 19 Apr, skipping Songkran 13–15 and Chakri Day 6 Apr:
    # the 10 counted days are 19, 16, 12, 9, 8, 7, 5, 2, 1 Apr and 31 Mar; the start day itself
    # is not counted → publish by Tue 30 Mar
    assert st["invitation"].latest_safe_start == date(2027, 3, 30)
    # the purchase approval came before the hearing (Cl.45); after it the comments are considered
    # (Cl.47), overdue on 22 Mar so expected today; expected signing after the deadline
    assert f.state is ForecastState.AT_RISK
    assert f.action.step_code == "invitation" and f.action.by == date(2027, 3, 30)
    assert f.action.text() == ("ประกาศเชิญชวนภายใน 30 มี.ค. 2570 มิฉะนั้นจะลงนามสัญญาไม่ทัน "
                               "30 เม.ย. 2570")
    # comments considered 22 Mar (overdue: today); invitation 10 wd: 23,24,25,26,29,30,31,1,2,5
    # (Chakri Tue 6 Apr) → 5 Apr; bid day 7 Apr; evaluation 5 wd: 8,9,12,16,19 (Songkran 13–15)
    # → 19 Apr; award 2 wd → 21 Apr; appeal 7 wd: 22,23,26,27,28,29,30 Apr → 30 Apr; contract
    # (Mon 3 May: Labour Day in lieu; Tue 4 May: Coronation Day) Wed 5 May
    assert st["hearing_revision"].expected == date(2027, 3, 22)
    assert st["invitation"].expected == date(2027, 4, 5)
    assert f.expected_contract == date(2027, 5, 5)


def test_golden_lost_across_new_year():
    """Carry-over (งบเหลื่อมปี) deadline Fri 31 Dec 2569 is a holiday (New Year's Eve): the last
    signing day is Wed 30 Dec 2569 (2026). e-bidding 8 M whose draft hearing ended Tue 15 Dec
    and nothing since, seen on Fri 18 Dec: earliest = comments considered today (18 Dec; the
    purchase approval came before the hearing, Cl.45), invitation 10 wd
    (21,22,23,24,25,28,29,30 Dec, 4,5 Jan — 1 Jan holiday, 2–3 weekend) → 5 Jan … → lost."""
    t = _ebid8m(date(2026, 11, 16))
    actual = {"tor_and_reference_price": date(2026, 12, 1), "draft_hearing": date(2026, 12, 15)}
    f = forecast_timeline(t, actual, date(2026, 12, 18), CAL, [dl(date(2026, 12, 31))])
    st = {s.code: s for s in f.steps}
    assert st["contract_signing"].latest_safe_end == date(2026, 12, 30)
    assert st["hearing_revision"].earliest == date(2026, 12, 18)  # overdue: not before today
    assert st["invitation"].earliest == date(2027, 1, 5)
    # bid day 6 Jan; 0-minimum steps on 6 Jan; appeal 7 wd: 7,8,11,12,13,14,15 → 15 Jan;
    # contract 1 wd → Mon 18 Jan 2570
    assert f.earliest_contract == date(2027, 1, 18)
    assert f.state is ForecastState.LOST
    # working days in (30 Dec, 18 Jan]: 4,5,6,7,8,11,12,13,14,15,18 = 11 (1 Jan holiday)
    assert f.lost_by == CAL.working_days_between(date(2026, 12, 31), date(2027, 1, 18)) == 11
    assert "11 วันทำการ" in f.summary()


def test_golden_on_track_and_done():
    t = _ebid8m(date(2027, 1, 4))
    f = forecast_timeline(t, {}, date(2027, 1, 4), CAL, [dl(date(2027, 3, 31))])
    assert f.state is ForecastState.ON_TRACK and f.expected_contract == t.contract_date
    assert f.slack == CAL.working_days_between(t.contract_date, date(2027, 3, 31))
    done = forecast_timeline(t, {"contract_signing": date(2027, 3, 5)}, date(2027, 3, 8), CAL,
                             [dl(date(2027, 3, 31))])
    assert done.state is ForecastState.DONE and done.actual_contract == date(2027, 3, 5)
    none = forecast_timeline(t, {}, date(2027, 1, 4), CAL, [])
    assert none.state is ForecastState.NO_DEADLINE and none.expected_contract == t.contract_date


def test_unknown_legal_minimum_falls_back_to_planned_days_and_says_so():
    import dataclasses

    t = _ebid8m(date(2027, 1, 4))
    steps = tuple(dataclasses.replace(s, min_days=None) if s.code == "invitation" else s
                  for s in t.steps)
    t2 = dataclasses.replace(t, steps=steps)
    f = forecast_timeline(t2, {}, date(2027, 1, 4), CAL, [dl(date(2027, 3, 31))])
    g = forecast_timeline(t, {}, date(2027, 1, 4), CAL, [dl(date(2027, 3, 31))])
    assert f.earliest_uncertain and not g.earliest_uncertain
    inv = {s.code: s for s in f.steps}["invitation"]
    assert CAL.working_days_between(inv.latest_safe_start, inv.latest_safe_end) == inv.days


def test_binding_deadline_is_the_earliest_and_own_wins_a_tie():
    own = dl(date(2027, 3, 31))
    m = Deadline(date(2027, 3, 31), "measure", "q2", "ไตรมาส 2")
    early = Deadline(date(2027, 2, 26), "measure", "x", "x")
    assert binding_deadline([m, own]) is own
    assert binding_deadline([m, own, early]) is early
    assert binding_deadline([]) is None


def test_measures_file_and_errors(tmp_path):
    example = Path(__file__).resolve().parents[2] / "examples" / "measures"
    shipped = load_measures(2570, [example])
    assert {m.code for m in shipped} >= {"investment-over-1m-q2", "carry-over-q1"}
    assert all(m.illustrative for m in shipped)
    assert load_measures(2570) == ()  # procal ships no real dates
    assert load_measures(2499) == ()
    (tmp_path / "FY2570.toml").write_text(
        'fiscal_year = 2570\n[[deadline]]\ncode = "a"\nname_th = "ก"\ncontract_by = 2027-02-01\n',
        encoding="utf-8")
    mine = load_measures(2570, [tmp_path])
    assert [m.code for m in mine] == ["a"] and not mine[0].illustrative
    with pytest.raises(ConfigError, match="contract_by"):
        parse_measures({"deadline": [{"code": "a", "name_th": "ก", "contract_by": "31/3/2570"}]},
                       file="x.toml")
    with pytest.raises(ConfigError, match="budget type"):
        parse_measures({"deadline": [{"code": "a", "name_th": "ก", "contract_by": date(2027, 1, 1),
                                      "budget_types": ["capex"]}]}, file="x.toml")
    with pytest.raises(ConfigError, match="unknown key"):
        parse_measures({"deadline": [{"code": "a", "name_th": "ก", "contract_by": date(2027, 1, 1),
                                      "amount": 5}]}, file="x.toml")


def test_grouped_forecasts_equal_one_by_one():
    """forecast_timelines shares one vectorised call among projects that count alike; the
    results are those of each project on its own."""
    from schedule_engine.forecast import forecast_timelines

    rng = np.random.default_rng(11)
    items = []
    for k in range(120):
        code, tier = METHOD_BUDGETS[k % len(METHOD_BUDGETS)]
        lo = float(tier.budget_over) + 1
        hi = float(tier.budget_up_to) if tier.budget_up_to is not None else lo * 3 + 1e6
        start = date(2026, 6, 1) + timedelta(days=int(rng.integers(0, 200)))
        t = build_timeline(RB, CAL, method=code, budget=round(float(rng.uniform(lo, hi)), 2),
                           start=start)
        j = int(rng.integers(0, len(t.steps) + 1))
        acts = {s.code: s.end for s in t.steps[:j]}
        dls = [dl(CAL.add_working_days(t.contract_date, int(rng.integers(-20, 20))))] \
            if k % 7 else []
        items.append((f"P{k}", t, acts, dls))
    today = date(2026, 12, 28)
    grouped = forecast_timelines(items, today, CAL)
    assert [f.project_id for f in grouped] == [i[0] for i in items]
    for f, (pid, t, acts, dls) in zip(grouped, items, strict=True):
        assert f == forecast_timelines([(pid, t, acts, dls)], today, CAL)[0]
