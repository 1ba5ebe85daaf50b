from datetime import date
from decimal import Decimal

import pytest

from schedule_engine import (
    BelowLegalMinimumError,
    BudgetOutOfTierError,
    InputError,
    ProjectPlan,
    SourceRef,
    StepState,
    StepSwitchError,
    UnknownMethodError,
    build_timeline,
    step_status,
    timeline_for_plan,
)

# these tests pin the English wording; the Thai texts are checked in test_thai_messages.py
pytestmark = pytest.mark.usefixtures("lang_en")


def ends(t):
    return {s.code: s.end for s in t.steps}


def test_ebidding_3m_from_20_july_2565_hand_checked(rulebook, cal):
    # Counted by hand against the holiday list (first day not counted):
    #  tor 10 wd from Wed 20 Jul: 21,22,25,26,27 (28 King's birthday, 29 bridge holiday, 30-31
    #    weekend), 1,2,3,4,5 Aug -> Fri 5 Aug 2022
    #  purchase_approval 3: 8,9,10 -> 10 Aug; invitation 5: 11 (12 Mother's Day) 15,16,17,18 -> 18 Aug
    #  bid 1: 19 Aug; evaluation 5: 22..26 -> 26 Aug; winner 2: 29,30 -> 30 Aug
    #  appeal 7: 31 Aug, 1,2,5,6,7,8 Sep -> 8 Sep; contract 1 -> Fri 9 Sep 2022
    t = build_timeline(rulebook, cal, method="e-bidding", budget="3,000,000", start=date(2022, 7, 20))
    assert t.tier == "0.5-5m"
    assert ends(t) == {
        "tor_and_reference_price": date(2022, 8, 5),
        "purchase_approval": date(2022, 8, 10),
        "invitation": date(2022, 8, 18),
        "bid_submission": date(2022, 8, 19),
        "bid_evaluation": date(2022, 8, 26),
        "winner_announcement": date(2022, 8, 30),
        "appeal": date(2022, 9, 8),
        "contract_signing": date(2022, 9, 9),
    }
    assert t.contract_date == date(2022, 9, 9)
    assert "draft_hearing" not in ends(t)  # optional, off by default at 0.5–5 M
    tor = t.step("tor_and_reference_price")
    assert date(2022, 7, 28) in tor.skipped and date(2022, 7, 29) in tor.skipped
    d = t.to_dict()
    assert d["contract_date"] == "2022-09-09" and d["budget"] == "3000000"
    assert d["steps"][0]["start"] == "2022-07-20"


def test_appeal_is_seven_working_days_and_contract_the_day_after(rulebook, cal):
    t = build_timeline(rulebook, cal, method="e-bidding", budget=6_000_000, start=date(2022, 7, 20))
    wa, ap, cs = t.step("winner_announcement"), t.step("appeal"), t.step("contract_signing")
    assert cal.working_days_between(wa.end, ap.end) == 7
    assert cal.working_days_between(wa.end, cs.end) == 8
    assert ap.legal_ref.endswith("ม.117")


@pytest.mark.parametrize("budget, tier, minimum", [
    (500_000.01, "0.5-5m", 5), (5_000_000, "0.5-5m", 5), (5_000_000.01, "5-10m", 10),
    (10_000_000, "5-10m", 10), (50_000_000, "10-50m", 12), (50_000_001, "over-50m", 20),
])
def test_ebidding_tiers_are_over_x_up_to_y(rulebook, cal, budget, tier, minimum):
    t = build_timeline(rulebook, cal, method="e-bidding", budget=budget, start=date(2023, 1, 9))
    assert t.tier == tier
    assert t.step("invitation").min_days == minimum
    assert ("draft_hearing" in ends(t)) == (tier != "0.5-5m")


def test_specific_has_no_appeal_and_can_sign_same_day(rulebook, cal):
    t = build_timeline(rulebook, cal, method="เฉพาะเจาะจง", budget=100_000, start=date(2022, 7, 20))
    assert "appeal" not in ends(t)
    cs = t.step("contract_signing")
    assert cs.min_days == 0 and cs.end == t.step("winner_announcement").end


def test_overrides_longer_accepted_shorter_refused(rulebook, cal):
    t = build_timeline(rulebook, cal, method="e-bidding", budget=3e6, start=date(2022, 7, 20),
                       day_overrides={"invitation": 8})
    assert t.step("invitation").days == 8
    with pytest.raises(BelowLegalMinimumError) as exc:
        build_timeline(rulebook, cal, method="e-bidding", budget=3e6, start=date(2022, 7, 20),
                       day_overrides={"invitation": 4})
    msg = str(exc.value)
    assert "invitation" in msg and "minimum of 5" in msg and "ข้อ 51" in msg
    with pytest.raises(BelowLegalMinimumError, match="ม.117"):
        build_timeline(rulebook, cal, method="e-bidding", budget=3e6, start=date(2022, 7, 20),
                       day_overrides={"appeal": 6})


def test_optional_on_off_and_mandatory_refused(rulebook, cal):
    on = build_timeline(rulebook, cal, method="e-bidding", budget=3e6, start=date(2022, 7, 20),
                        with_steps=["draft_hearing"])
    assert on.step("draft_hearing").days == 3
    assert on.contract_date > build_timeline(rulebook, cal, method="e-bidding", budget=3e6,
                                             start=date(2022, 7, 20)).contract_date
    with pytest.raises(StepSwitchError, match="mandatory"):
        build_timeline(rulebook, cal, method="e-bidding", budget=6e6, start=date(2022, 7, 20),
                       without_steps=["draft_hearing"])
    with pytest.raises(StepSwitchError, match="appeal"):
        build_timeline(rulebook, cal, method="e-bidding", budget=6e6, start=date(2022, 7, 20),
                       without_steps=["appeal"])
    with pytest.raises(StepSwitchError, match="no step 'nonsense'"):
        build_timeline(rulebook, cal, method="e-bidding", budget=6e6, start=date(2022, 7, 20),
                       day_overrides={"nonsense": 3})


def test_w210_makes_hearing_optional_from_5_may_2569(rulebook, cal):
    before = build_timeline(rulebook, cal, method="e-bidding", budget=6e6, start=date(2026, 5, 4))
    after = build_timeline(rulebook, cal, method="e-bidding", budget=6e6, start=date(2026, 5, 5))
    assert before.step("draft_hearing").optional is False
    assert after.step("draft_hearing").optional is True  # still on by default (conservative)
    off = build_timeline(rulebook, cal, method="e-bidding", budget=6e6, start=date(2026, 5, 5),
                         without_steps=["draft_hearing"])
    assert "draft_hearing" not in ends(off)


def test_backward_latest_start(rulebook, cal):
    c = date(2022, 9, 30)
    b = build_timeline(rulebook, cal, method="e-bidding", budget=3e6, contract_by=c)
    assert b.direction == "backward" and b.contract_by == c
    assert b.contract_date <= c and cal.is_working_day(b.start)
    later = cal.next_working_day(b.start, inclusive=False)
    assert build_timeline(rulebook, cal, method="e-bidding", budget=3e6, start=later).contract_date > c


def test_errors(rulebook, cal):
    with pytest.raises(UnknownMethodError, match="e-bidding"):
        build_timeline(rulebook, cal, method="auction", budget=1e6, start=date(2022, 7, 20))
    with pytest.raises(BudgetOutOfTierError, match="below the e-bidding minimum of 500,000.01"):
        build_timeline(rulebook, cal, method="e-bidding", budget=450_000, start=date(2022, 7, 20))
    with pytest.raises(InputError, match="start date or a contract"):
        build_timeline(rulebook, cal, method="e-bidding", budget=1e6)
    with pytest.raises(InputError, match="no e-bidding rules are in force"):
        build_timeline(rulebook, cal, method="e-bidding", budget=1e6, start=date(2017, 1, 5))


def test_timeline_for_plan_places_errors_on_the_row(rulebook, cal):
    plan = ProjectPlan(project_id="P1", agency="A", name="n", budget_type="investment",
                       budget_source="x", amount=Decimal("450000"), method="e-bidding",
                       start=date(2022, 7, 20), source_ref=SourceRef("wb.xlsx", "plan", 7))
    with pytest.raises(BudgetOutOfTierError) as exc:
        timeline_for_plan(plan, rulebook, cal)
    assert "sheet 'plan', row 7" in str(exc.value)
    ok = ProjectPlan(project_id="P2", agency="A", name="n", budget_type="investment",
                     budget_source="x", amount=Decimal("3000000"), method="e-bidding",
                     contract_by=date(2022, 9, 30))
    assert timeline_for_plan(ok, rulebook, cal).direction == "backward"


def test_step_status(cal):
    planned = date(2022, 7, 20)  # Wed
    done = step_status(planned, date(2022, 7, 22), date(2022, 8, 1), cal)
    assert done.state is StepState.DONE and done.slip_working_days == 2
    early = step_status(planned, date(2022, 7, 18), date(2022, 8, 1), cal)
    assert early.slip_working_days == -2
    late = step_status(planned, None, date(2022, 7, 26), cal)  # 21,22,25,26
    assert late.state is StepState.LATE and late.slip_working_days == 4
    soon = step_status(planned, None, date(2022, 7, 15), cal)  # 18,19,20 = 3 working days
    assert soon.state is StepState.DUE_SOON and soon.slip_working_days == 0
    assert step_status(planned, None, planned, cal).state is StepState.DUE_SOON
    # from Tue 12 Jul only 18, 19, 20 are working days (13–15 Lent + bridge): still due soon
    assert step_status(planned, None, date(2022, 7, 12), cal).state is StepState.DUE_SOON
    assert step_status(planned, None, date(2022, 7, 11), cal).state is StepState.ON_TIME
