"""Legal-correctness review: the rulebook against its sources (docs/legal-sources.md), rule periods, holidays."""

from datetime import date, timedelta

import pytest

from schedule_engine import build_timeline, default_calendar, default_rulebook
from schedule_engine.catalogue import parse_rulebook
from schedule_engine.errors import BudgetOutOfTierError

CAL = default_calendar()
RB = default_rulebook()

# A circular that LENGTHENS a step (5 -> 20 working days from 2026-05-05): the docs tell users to
# add such entries ("Adding a circular"), so backward planning must handle them.
LONGER_RULES = """
[[method]]
code = "circ"
name_th = "ทดสอบ"
name_en = "Circular test"
  [[method.tier]]
  code = "any"
  budget_over = 0
  [[method.step]]
  code = "publish"
  name_th = "ก"
  name_en = "Publish"
  unit = "working"
  min_days = 5
  default_days = 5
  legal_ref = "old rule"
  confidence = "U"
  effective_to = 2026-05-04
  [[method.step]]
  code = "publish"
  name_th = "ก"
  name_en = "Publish"
  unit = "working"
  min_days = 20
  default_days = 20
  legal_ref = "new circular"
  confidence = "U"
  effective_from = 2026-05-05
"""
LONGER = parse_rulebook(LONGER_RULES, "longer.toml")


def _latest_start_by_brute_force(rb, contract_by: date) -> date:
    """Oracle: the latest working day S whose forward timeline (rules in force on S) meets C."""
    d = contract_by
    while True:
        if CAL.is_working_day(d):
            t = build_timeline(rb, CAL, method="circ", budget=1, start=d)
            if t.contract_date <= contract_by:
                return d
        d -= timedelta(days=1)


@pytest.mark.parametrize("contract_by", [date(2026, 5, 8) + timedelta(days=k) for k in range(0, 40, 3)])
def test_backward_is_latest_start_when_a_circular_lengthens_a_step(contract_by):
    b = build_timeline(LONGER, CAL, method="circ", budget=1, contract_by=contract_by)
    assert b.contract_date <= contract_by
    assert b.start == _latest_start_by_brute_force(LONGER, contract_by)


# ---------------------------------------------------------------------------- rulebook vs reference
ON_2560 = date(2024, 6, 3)     # under the 2560 rules
ON_W210 = date(2026, 5, 5)     # ว 210 in force (first day)
RANK = {"P": 0, "T": 1, "S": 2, "U": 3}  # lower = stronger evidence


def _rule(method: str, step: str, budget, on: date):
    m = RB.resolve_method(method)
    tier = m.tier_for(budget, on)
    rules = {r.code: r for r in m.steps_for(tier.code, on)}
    return rules.get(step)


APPEAL_METHODS = ["e-bidding", "e-market", "selection", "consultant-general", "consultant-selection",
                  "design-general", "design-selection"]
NO_APPEAL_METHODS = ["specific", "selection-urgent", "consultant-specific", "design-specific"]


@pytest.mark.parametrize("method", APPEAL_METHODS)
def test_appeal_is_7_working_days_s117_P_and_contract_is_d_plus_8(method):
    m = RB.resolve_method(method)
    for tier in m.tiers:
        budget = tier.budget_over + 1
        for on in (ON_2560, ON_W210):
            appeal = _rule(method, "appeal", budget, on)
            contract = _rule(method, "contract_signing", budget, on)
            assert (appeal.unit, appeal.min_days, appeal.confidence) == ("working", 7, "P")
            assert "ม.117" in appeal.legal_ref and "119" not in appeal.legal_ref
            assert not appeal.optional
            assert (contract.unit, contract.min_days, contract.confidence) == ("working", 1, "P")
            codes = [r.code for r in m.steps_for(tier.code, on)]  # the no-appeal path
            assert codes.index("appeal") == codes.index("contract_signing") - 1
    # announced on working day D -> earliest signing D+8 working days (Act s.66/s.117 + CCC 193/3)
    t = build_timeline(RB, CAL, method=method, budget=m.tiers[0].budget_over + 1, start=ON_2560)
    d = t.step("winner_announcement").end
    assert t.contract_date == CAL.add_working_days(d, 8)


@pytest.mark.parametrize("method", NO_APPEAL_METHODS)
def test_no_appeal_wait_for_specific_and_urgent_selection_s66(method):
    m = RB.resolve_method(method)
    assert "appeal" not in m.step_codes()
    for tier in m.tiers:
        c = _rule(method, "contract_signing", tier.budget_over + 1, ON_2560)
        assert c.min_days == 0 and "ม.66" in c.legal_ref and c.confidence == "P"


@pytest.mark.parametrize("budget,days", [(500_000.01, 5), (5_000_000, 5), (5_000_001, 10),
                                         (10_000_000, 10), (10_000_001, 12), (50_000_000, 12),
                                         (50_000_001, 20)])
def test_ebidding_invitation_tiers_over_x_up_to_y(budget, days):
    for on in (ON_2560, ON_W210):
        r = _rule("e-bidding", "invitation", budget, on)
        assert (r.unit, r.min_days, r.optional, r.confidence) == ("working", days, False, "S")


def test_ebidding_draft_hearing_by_tier_and_date():
    small = _rule("e-bidding", "draft_hearing", 5_000_000, ON_2560)
    assert small.optional and not small.default_on and small.min_days == 3
    big_old = _rule("e-bidding", "draft_hearing", 5_000_001, date(2026, 5, 4))
    assert not big_old.optional and big_old.min_days == 3 and "ข้อ 45" in big_old.legal_ref
    big_new = _rule("e-bidding", "draft_hearing", 5_000_001, ON_W210)
    assert big_new.optional and big_new.default_on and "ว 210" in big_new.legal_ref
    assert big_new.confidence in "SU"
    assert _rule("e-bidding", "draft_hearing", 5_000_000, ON_W210).optional


def test_ebidding_and_emarket_start_above_half_a_million_and_specific_caps_there():
    for method in ("e-bidding", "e-market"):
        m = RB.resolve_method(method)
        assert min(t.budget_over for t in m.tiers) == 500_000
        with pytest.raises(BudgetOutOfTierError):
            m.tier_for(500_000, ON_2560)
    em = RB.resolve_method("e-market")
    assert em.tier_for(5_000_000, ON_2560).code == "0.5-5m"
    assert em.tier_for(5_000_000.01, ON_2560).code == "over-5m"
    sp = RB.resolve_method("specific")
    assert sp.tier_for(500_000, ON_2560).code == "up-to-0.5m"
    assert sp.tier_for(500_000.01, ON_2560).code == "over-0.5m"


@pytest.mark.parametrize("method", ["consultant-general", "consultant-selection", "design-general",
                                    "design-selection"])
def test_consultant_and_design_invitation_minimums_are_unknown_not_zero(method):
    """Act s.62 (applied by s.77 / s.91) leaves the invitation period to the Minister's regulation:
    a minimum exists, procal has not read it, so it is unknown (None), never 0."""
    r = _rule(method, "invitation", 1_000_000, ON_2560)
    assert r.min_days is None and r.confidence == "U" and "ม.62" in r.legal_ref


# Legal minimums and the source each comes from (docs/legal-sources.md). A step's confidence letter is
# shown next to its minimum ("3 working days (minimum 3) … [confidence T]"), so it must not be
# stronger than the source of the minimum.
MIN_SOURCE = {
    ("e-bidding", "draft_hearing"): "S",     # 3 working days: APP only (Cl.46 not read)
    ("e-bidding", "invitation"): "S",        # 5/10/12/20: APP / commonly cited
    ("e-bidding", "bid_submission"): "S",    # bid day after publication: practice
    ("e-market", "invitation"): "S",         # 3 working days: e-GP default
    ("e-market", "bid_submission"): "S",     # Cl.37 fixes the bid day, not a 1-day gap
}


def test_every_positive_minimum_has_a_source_and_no_inflated_letter():
    seen = set()
    for m in RB.methods:
        for r in m.rules:
            if not r.min_days or r.code in ("appeal", "contract_signing"):
                continue
            key = (m.code, r.code)
            assert key in MIN_SOURCE, f"{key}: minimum {r.min_days} with no source in the reference"
            assert RANK[r.confidence] >= RANK[MIN_SOURCE[key]], (
                f"{key} ({r.effective_from}–{r.effective_to}, tiers {r.tiers}) is marked "
                f"{r.confidence} but its minimum of {r.min_days} days is only {MIN_SOURCE[key]}")
            seen.add(key)
    assert seen == set(MIN_SOURCE)


def test_backward_deadline_too_close_to_the_act_says_why():
    from schedule_engine.errors import InputError

    with pytest.raises(InputError, match="2017-09-01.*before those rules applied"):
        build_timeline(RB, CAL, method="e-bidding", budget=3_000_000, contract_by=date(2017, 9, 1))


@pytest.mark.parametrize("start,hearing_optional", [(date(2026, 5, 4), False), (date(2026, 5, 5), True)])
def test_rules_in_force_on_the_start_date_effective_to_and_from_are_inclusive(start, hearing_optional):
    """ว 210: the 2560 entry ends effective_to = 2026-05-04 (inclusive), the new one starts
    effective_from = 2026-05-05 (inclusive); a project uses the entry in force on its start date."""
    t = build_timeline(RB, CAL, method="e-bidding", budget=6_000_000, start=start)
    assert t.step("draft_hearing").optional is hearing_optional
    assert t.rules_effective_from == (date(2026, 5, 5) if hearing_optional else date(2017, 8, 23))


@pytest.mark.parametrize("n", [-1, -3, -12, 0, 1, 7])
def test_vectorised_add_working_days_matches_scalar_for_negative_n(n):
    import numpy as np

    days = [date(2026, 4, 10), date(2026, 5, 4), date(2026, 12, 5), date(2027, 1, 1)]
    got = CAL.add_working_days_many(np.array(days, dtype="datetime64[D]"), n)
    assert [d.astype(object) for d in got] == [CAL.add_working_days(d, n) for d in days]


@pytest.mark.parametrize("backward", [False, True])
def test_bulk_reports_a_blank_or_out_of_range_date_per_project(backward):
    """One blank (NaT) or out-of-calendar date must not stop the other projects (index range)."""
    import numpy as np

    from schedule_engine import plan_many

    dates = np.array(["2026-01-05", "NaT", "2070-01-01", "2057-12-20", "1997-01-03", "2026-03-02"],
                     dtype="datetime64[D]")
    kw = {"contract_by": dates} if backward else {"starts": dates}
    r = plan_many(RB, CAL, ["e-bidding"] * len(dates), [3e6] * len(dates), **kw)
    good = [0, 5]
    # 4: 1997 is before the Act (no rules); 3: forward from 20 Dec 2057 runs off the calendar
    assert set(r.errors) == ({1, 2, 4} if backward else {1, 2, 3, 4})
    assert np.isnat(r.contract[1]) and np.isnat(r.start[1])
    for i in good:
        d = dates[i].astype(object)
        t = (build_timeline(RB, CAL, method="e-bidding", budget=3e6, contract_by=d) if backward
             else build_timeline(RB, CAL, method="e-bidding", budget=3e6, start=d))
        assert r.contract[i].astype(object) == t.contract_date
    assert "date" in r.errors[1].lower() or "outside" in r.errors[1]


def test_a_date_both_closed_and_withdrawn_is_refused(tmp_path):
    """Contradictory holiday config must not silently make an added day off a working day."""
    from schedule_engine.errors import ConfigError
    from schedule_engine.workcal import load_closures

    f = tmp_path / "h.toml"
    f.write_text('[[closure]]\ndate = 2027-05-12\nreason = "Royal Ploughing Ceremony 2570"\n'
                 'source = "announcement"\n\n[[withdrawn]]\ndate = 2027-05-12\nreason = "x"\n'
                 'source = "y"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"2027-05-12.*closure\[1\].*withdrawn\[1\]"):
        load_closures(f)
