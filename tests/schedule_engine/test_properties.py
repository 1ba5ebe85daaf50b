"""Property tests (hypothesis) for the working calendar and timelines."""

from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from schedule_engine import build_timeline, default_calendar, default_rulebook
from schedule_engine.catalogue import parse_rulebook

CAL = default_calendar()
RB = default_rulebook()

days_ = st.dates(min_value=date(2018, 1, 1), max_value=date(2040, 12, 31))
METHOD_BUDGETS = [(m.code, t) for m in RB.methods for t in m.tiers]


@st.composite
def method_budget(draw):
    code, tier = draw(st.sampled_from(METHOD_BUDGETS))
    lo = float(tier.budget_over) + 0.01
    hi = float(tier.budget_up_to) if tier.budget_up_to is not None else lo + 1e9
    return code, round(draw(st.floats(min_value=lo, max_value=hi)), 2)


@settings(max_examples=150, deadline=None)
@given(d=days_, n=st.integers(0, 400))
def test_add_sub_between_are_consistent(d, n):
    e = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, e) == n
    if n:
        assert CAL.is_working_day(e)
        assert CAL.sub_working_days(e, n) == CAL.previous_working_day(d)
        assert CAL.add_working_days(d, n - 1) < e


@settings(max_examples=60, deadline=None)
@given(mb=method_budget(), start=days_, extra=st.integers(0, 5))
def test_forward_milestones_are_ordered_working_days(mb, start, extra):
    code, budget = mb
    m = RB.resolve_method(code)
    minimum = m.steps_for(m.tier_for(budget, start).code, start)[-1].min_days
    t = build_timeline(RB, CAL, method=code, budget=budget, start=start,
                       day_overrides={"contract_signing": minimum + extra})
    assert t.step("contract_signing").days == minimum + extra
    prev = start
    for s in t.steps:
        assert CAL.is_working_day(s.end)
        assert s.start == prev and s.end >= prev
        if s.unit == "working" and s.days:
            assert CAL.working_days_between(s.start, s.end) == s.days
        prev = s.end
    assert t.contract_date == t.steps[-1].end


@settings(max_examples=60, deadline=None)
@given(mb=method_budget(), c=st.dates(min_value=date(2019, 1, 1), max_value=date(2040, 12, 31)))
def test_backward_is_the_latest_start_that_makes_the_deadline(mb, c):
    code, budget = mb
    b = build_timeline(RB, CAL, method=code, budget=budget, contract_by=c)
    assert CAL.is_working_day(b.start)
    fwd = build_timeline(RB, CAL, method=code, budget=budget, start=b.start)
    assert fwd.contract_date == b.contract_date <= c
    later = CAL.next_working_day(b.start, inclusive=False)
    assert build_timeline(RB, CAL, method=code, budget=budget, start=later).contract_date > c


CAL_RULES = """
[[method]]
code = "mixed"
name_th = "ผสม"
name_en = "Mixed units"
  [[method.tier]]
  code = "any"
  budget_over = 0
  [[method.step]]
  code = "a"
  name_th = "ก"
  name_en = "A"
  unit = "calendar"
  min_days = 0
  default_days = 0
  legal_ref = "test"
  confidence = "U"
  [[method.step]]
  code = "b"
  name_th = "ข"
  name_en = "B"
  unit = "working"
  min_days = 0
  default_days = 0
  legal_ref = "test"
  confidence = "U"
  [[method.step]]
  code = "c"
  name_th = "ค"
  name_en = "C"
  unit = "calendar"
  min_days = 0
  default_days = 0
  legal_ref = "test"
  confidence = "U"
"""
MIXED = parse_rulebook(CAL_RULES, "mixed.toml")


@settings(max_examples=120, deadline=None)
@given(a=st.integers(0, 40), b=st.integers(0, 10), c=st.integers(0, 40), d=days_)
def test_calendar_day_steps_roll_and_backward_holds(a, b, c, d):
    ov = {"a": a, "b": b, "c": c}
    start = CAL.next_working_day(d)
    t = build_timeline(MIXED, CAL, method="mixed", budget=1, start=start, day_overrides=ov)
    for s in t.steps:
        assert CAL.is_working_day(s.end)
        if s.unit == "calendar" and s.days:
            raw = s.start + timedelta(days=s.days)
            assert s.end == CAL.next_working_day(raw)
            assert (s.rolled_from == raw) == (raw != s.end)
    bk = build_timeline(MIXED, CAL, method="mixed", budget=1, contract_by=d, day_overrides=ov)
    assert bk.contract_date <= d
    later = CAL.next_working_day(bk.start, inclusive=False)
    assert build_timeline(MIXED, CAL, method="mixed", budget=1, start=later,
                          day_overrides=ov).contract_date > d


@settings(max_examples=150, deadline=None)
@given(planned=days_, today=days_, actual=st.one_of(st.none(), days_), window=st.integers(0, 10))
def test_step_status_invariants(planned, today, actual, window):
    from schedule_engine import StepState, step_status

    planned = CAL.next_working_day(planned)
    s = step_status(planned, actual, today, CAL, due_soon_working_days=window)
    if actual is not None:
        assert s.state is StepState.DONE
        assert s.slip_working_days == CAL.working_days_between(planned, actual)
        assert (s.slip_working_days > 0) == (CAL.working_days_between(planned, actual) > 0)
    elif today > planned:
        assert s.state is StepState.LATE and s.slip_working_days >= 0
        assert s.slip_working_days == CAL.working_days_between(planned, today)
    else:
        left = CAL.working_days_between(today, planned)
        assert s.slip_working_days == 0
        assert s.state is (StepState.DUE_SOON if left <= window else StepState.ON_TIME)


@settings(max_examples=120, deadline=None)
@given(mb=method_budget(), start=days_, extra=st.integers(0, 3),
       backward=st.booleans(), bump=st.integers(0, 3))
def test_memoised_timelines_equal_a_fresh_count(mb, start, extra, backward, bump):
    """build_timeline reuses the timeline of an identical plan (another budget in the same tier
    keeps its own budget); what it returns equals counting afresh."""
    import pytest

    from schedule_engine.errors import InputError
    from schedule_engine.timeline import _build_timeline, parse_budget

    code, budget = mb
    m = RB.resolve_method(code)
    kw = dict(start=None, contract_by=start) if backward else dict(start=start)
    for b in (budget, round(budget + bump / 100, 2), budget):  # same key twice, a neighbour between
        try:
            fresh = _build_timeline(m, CAL, parse_budget(b), kw.get("start"),
                                    kw.get("contract_by"), None, (), (), False)
        except InputError as exc:
            with pytest.raises(type(exc)):
                build_timeline(RB, CAL, method=m, budget=b, **kw)
            continue
        got = build_timeline(RB, CAL, method=m, budget=b, **kw)
        assert got == fresh
        assert str(got.budget) == str(parse_budget(b))
