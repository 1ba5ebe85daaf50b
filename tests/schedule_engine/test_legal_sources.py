"""Legal second pass (issue 16, issue 12 item 6): step order, citations, unknown minimums, the rules
overlay, the appeal-filed branch, price inquiry and the annual plan. Every entry changed in that
pass is pinned here to its citation (docs/legal-sources.md says what each was checked against)."""

from datetime import date, timedelta

import numpy as np
import pytest

from schedule_engine import build_timeline, default_calendar, default_rulebook, plan_many
from schedule_engine.catalogue import apply_overlay, parse_rulebook
from schedule_engine.errors import BelowLegalMinimumError, RulebookError, StepSwitchError

CAL = default_calendar()
RB = default_rulebook()
ON_2560 = date(2024, 6, 3)
ON_W210 = date(2026, 5, 5)
EXT = ("appeal_committee_extension_1", "appeal_committee_extension_2")
# some tests match the English wording of engine errors
pytestmark = pytest.mark.usefixtures("lang_en")


def _rules(method, budget, on, **kw):
    m = RB.resolve_method(method)
    return {r.code: r for r in m.steps_for(m.tier_for(budget, on).code, on, **kw)}


# ------------------------------------------------------------------ 1. e-bidding step order (Cl.45, 47)
@pytest.mark.parametrize("budget,on", [(6_000_000, ON_2560), (60_000_000, ON_2560),
                                       (6_000_000, ON_W210), (3_000_000, ON_2560)])
def test_ebidding_purchase_approval_comes_before_the_hearing_and_revision_follows_it(budget, on):
    t = build_timeline(RB, CAL, method="e-bidding", budget=budget, start=on, with_steps=["draft_hearing"])
    codes = [s.code for s in t.steps]
    assert codes.index("tor_and_reference_price") < codes.index("purchase_approval") \
        < codes.index("draft_hearing") < codes.index("hearing_revision") < codes.index("invitation")
    appr = t.step("purchase_approval")
    assert "ข้อ 22" in appr.legal_ref and "ข้อ 45" in appr.legal_ref and "47" not in appr.legal_ref
    rev = t.step("hearing_revision")
    assert "ข้อ 47" in rev.legal_ref and rev.min_days == 0
    assert rev.confidence == ("U" if on >= ON_W210 else "T")
    assert t.step("draft_hearing").start == appr.end and rev.start == t.step("draft_hearing").end


def test_revision_step_only_with_the_hearing():
    t = build_timeline(RB, CAL, method="e-bidding", budget=3_000_000, start=ON_2560)
    assert "draft_hearing" not in [s.code for s in t.steps]
    assert "hearing_revision" not in [s.code for s in t.steps]
    off = build_timeline(RB, CAL, method="e-bidding", budget=6_000_000, start=ON_W210,
                         without_steps=["draft_hearing"])
    assert not {"draft_hearing", "hearing_revision"} & {s.code for s in off.steps}
    with pytest.raises(StepSwitchError, match="needs step 'draft_hearing'"):
        build_timeline(RB, CAL, method="e-bidding", budget=3_000_000, start=ON_2560,
                       with_steps=["hearing_revision"])


# ------------------------------------------------------------------ 2. citations
@pytest.mark.parametrize("method,route", [("design-general", "ม.79 (1), ม.80"),
                                          ("design-selection", "ม.79 (2), ม.81"),
                                          ("design-specific", "ม.79 (3), ม.82")])
def test_design_hiring_routes_cite_s79_with_s80_s81_s82(method, route):
    m = RB.resolve_method(method)
    assert route in m.legal_ref and all(route in t.legal_ref for t in m.tiers)
    for r in m.rules:
        assert "ม.82 (" not in r.legal_ref  # s.82(3) is only the urgency ground of the specific route


@pytest.mark.parametrize("method", ["consultant-general", "consultant-selection", "design-general",
                                    "design-selection"])
def test_s117_applies_directly_to_consultant_and_design_appeals(method):
    appeal = _rules(method, 1_000_000, ON_2560)["appeal"]
    assert appeal.legal_ref == "พ.ร.บ.จัดซื้อจัดจ้างฯ 2560 ม.117"


def test_w210_is_a_ruling_committee_letter_in_force_5_may_2569_exempting_46_47_52():
    hearing = _rules("e-bidding", 6_000_000, ON_W210)["draft_hearing"]
    ref = hearing.legal_ref
    assert "กวจ" in ref and "0405.2/ว 210" in ref and "กรมบัญชีกลาง" not in ref
    assert "5 พ.ค. 2569" in ref and all(c in ref for c in ("46", "47", "52"))
    assert hearing.effective_from == date(2026, 5, 5) and hearing.optional


# ------------------------------------------------------------------ 3. minimums the law does not give
UNKNOWN = [("consultant-general", 1_000_000, "invitation"), ("design-general", 1_000_000, "invitation"),
           ("e-market", 6_000_000, "invitation"), ("price-inquiry", 1_000_000, "invitation"),
           ("selection", 1_000_000, "invitation"), ("consultant-selection", 1_000_000, "invitation"),
           ("design-selection", 1_000_000, "invitation")]


@pytest.mark.parametrize("method,budget,step", UNKNOWN)
def test_minimums_the_law_delegates_are_unknown_not_zero(method, budget, step):
    r = _rules(method, budget, ON_2560)[step]
    assert r.min_days is None and not r.min_known and r.confidence == "U"
    t = build_timeline(RB, CAL, method=method, budget=budget, start=ON_2560)
    ms = t.step(step)
    assert ms.min_days is None
    d = [s for s in t.to_dict()["steps"] if s["code"] == step][0]
    assert d["min_days"] is None and d["min_days_known"] is False
    # nothing to enforce: any whole number of days is accepted (but still shown as unknown)
    t1 = build_timeline(RB, CAL, method=method, budget=budget, start=ON_2560, day_overrides={step: 1})
    assert t1.step(step).days == 1 and t1.step(step).min_days is None


def test_emarket_up_to_5m_keeps_its_3_day_minimum():
    r = _rules("e-market", 5_000_000, ON_2560)["invitation"]
    assert (r.min_days, r.confidence) == (3, "S")


def test_no_invitation_step_claims_a_zero_minimum():
    """An invitation period is always set by law (Act s.62 and the regulation): 0 would be a claim."""
    for m in RB.methods:
        for r in m.rules:
            if r.code == "invitation":
                assert r.min_days != 0, (m.code, r.tiers)


def test_unknown_minimum_in_a_rulebook_file_and_bad_values():
    text = _MINI.replace("MIN", '"unknown"')
    rb = parse_rulebook(text, "t.toml")
    assert rb.methods[0].rules[0].min_days is None
    with pytest.raises(RulebookError, match="whole number of days or \"unknown\""):
        parse_rulebook(_MINI.replace("MIN", '"none"'), "t.toml")


_MINI = """
[[method]]
code = "m"
name_th = "ก"
name_en = "M"
  [[method.tier]]
  code = "any"
  budget_over = 0
  [[method.step]]
  code = "invitation"
  name_th = "ก"
  name_en = "Invitation"
  unit = "working"
  min_days = MIN
  default_days = 5
  legal_ref = "x"
  confidence = "U"
"""


# ------------------------------------------------------------------ the treasury's rules overlay
OVERLAY = """
[[override]]
method = "consultant-general"
step = "invitation"
min_days = 7
default_days = 7
legal_ref = "ระเบียบ กค. ข้อ X (checked by the treasury)"
confidence = "P"

[[override]]
method = "e-bidding"
step = "invitation"
effective_from = 2025-03-01
effective_to = 2025-09-30
min_days = 3
default_days = 3
legal_ref = "measure 2568 (treasury)"
confidence = "S"
"""


def test_overlay_sets_an_unknown_minimum_and_enforces_it():
    rb = apply_overlay(RB, OVERLAY, "overlay.toml")
    t = build_timeline(rb, CAL, method="consultant-general", budget=1e6, start=ON_2560)
    inv = t.step("invitation")
    assert (inv.min_days, inv.days, inv.confidence) == (7, 7, "P") and "checked" in inv.legal_ref
    with pytest.raises(BelowLegalMinimumError, match="minimum of 7"):
        build_timeline(rb, CAL, method="consultant-general", budget=1e6, start=ON_2560,
                       day_overrides={"invitation": 6})
    # the shipped rulebook is untouched
    assert build_timeline(RB, CAL, method="consultant-general", budget=1e6,
                          start=ON_2560).step("invitation").min_days is None


@pytest.mark.parametrize("start,expected", [(date(2025, 2, 28), 5), (date(2025, 3, 3), 3),
                                            (date(2025, 9, 30), 3), (date(2025, 10, 1), 5)])
def test_overlay_period_applies_only_inside_its_dates(start, expected):
    rb = apply_overlay(RB, OVERLAY, "overlay.toml")
    t = build_timeline(rb, CAL, method="e-bidding", budget=3e6, start=start)
    assert t.step("invitation").days == expected
    # backward planning sees the period boundaries too, and bulk agrees with the scalar engine
    deadline = t.contract_date
    b = build_timeline(rb, CAL, method="e-bidding", budget=3e6, contract_by=deadline)
    assert b.contract_date <= deadline
    r = plan_many(rb, CAL, ["e-bidding"], [3e6], starts=np.array([start], dtype="datetime64[D]"))
    assert r.contract[0].astype(object) == t.contract_date


@pytest.mark.parametrize("text,match", [
    ('[[override]]\nmethod = "e-bidding"\nstep = "nope"\nlegal_ref = "x"\nconfidence = "P"\n', "no step"),
    ('[[override]]\nmethod = "e-bidding"\nstep = "invitation"\nmin_days = 3\n', "legal_ref"),
    ('[[override]]\nmethod = "zzz"\nstep = "invitation"\nlegal_ref = "x"\nconfidence = "P"\n', "unknown method"),
    ('[[override]]\nmethod = "e-bidding"\nstep = "invitation"\nlegal_ref = "x"\nconfidence = "P"\n'
     'effective_to = 2010-01-01\n', "no e-bidding 'invitation' entry"),
    ('[[override]]\nmethod = "e-bidding"\nstep = "invitation"\nlegal_ref = "x"\nconfidence = "P"\n'
     'min_days = 9\ndefault_days = 3\n', "below min_days"),
    ('[rules]\nx = 1\n', "unknown section"),
])
def test_overlay_errors_name_the_file_and_the_problem(text, match):
    with pytest.raises(RulebookError, match=match) as exc:
        apply_overlay(RB, text, "overlay.toml")
    assert "overlay.toml" in str(exc.value)


# ------------------------------------------------------------------ 4. the appeal-filed branch
APPEAL_METHODS = [m.code for m in RB.methods if m.has_appeal()]
NO_APPEAL = [m.code for m in RB.methods if not m.has_appeal()]


@pytest.mark.parametrize("method", APPEAL_METHODS)
def test_appeal_filed_branch_s118_s119_before_the_contract(method):
    m = RB.resolve_method(method)
    budget = m.tiers[0].budget_over + 1
    plain = build_timeline(RB, CAL, method=method, budget=budget, start=ON_2560)
    t = build_timeline(RB, CAL, method=method, budget=budget, start=ON_2560, appeal_filed=True)
    assert t.appeal_filed and t.to_dict()["appeal_filed"] is True
    codes = [s.code for s in t.steps]
    i = codes.index("appeal")
    assert codes[i:] == ["appeal", "appeal_review", "appeal_referral", "appeal_committee",
                         "contract_signing"]
    appeal, review, referral, committee = (t.step(c) for c in codes[i:i + 4])
    assert appeal.end == plain.step("appeal").end
    assert review.end == CAL.add_working_days(appeal.end, 7) and review.max_days == 7
    assert "ม.118" in review.legal_ref and review.confidence == "P" and review.branch == "appeal_filed"
    assert referral.end == CAL.add_working_days(review.end, 3) and "ม.118" in referral.legal_ref
    assert committee.unit == "calendar" and committee.days == 30 and "ม.119" in committee.legal_ref
    assert committee.end == CAL.next_working_day(referral.end + timedelta(days=30), inclusive=True)
    assert t.contract_date == CAL.add_working_days(committee.end, 1) > plain.contract_date


@pytest.mark.parametrize("extensions", [1, 2])
def test_appeals_committee_extends_at_most_twice_by_15_days(extensions):
    t = build_timeline(RB, CAL, method="e-bidding", budget=3e6, start=ON_2560, appeal_filed=True,
                       with_steps=EXT[:extensions])
    ext = [s for s in t.steps if s.code.startswith("appeal_committee_extension")]
    assert len(ext) == extensions
    for s in ext:
        assert s.days == 15 and s.max_days == 15 and s.unit == "calendar" and "ม.119" in s.legal_ref
    with pytest.raises(BelowLegalMinimumError, match="maximum of 30"):
        build_timeline(RB, CAL, method="e-bidding", budget=3e6, start=ON_2560, appeal_filed=True,
                       day_overrides={"appeal_committee": 31})


def test_second_extension_needs_the_first_and_the_branch_needs_an_appeal_filed():
    with pytest.raises(StepSwitchError, match="needs step 'appeal_committee_extension_1'"):
        build_timeline(RB, CAL, method="e-bidding", budget=3e6, start=ON_2560, appeal_filed=True,
                       with_steps=[EXT[1]])
    with pytest.raises(StepSwitchError, match="has no step 'appeal_review'"):
        build_timeline(RB, CAL, method="e-bidding", budget=3e6, start=ON_2560,
                       day_overrides={"appeal_review": 3})


@pytest.mark.parametrize("method", NO_APPEAL)
def test_methods_without_an_appeal_wait_refuse_the_branch_s66(method):
    m = RB.resolve_method(method)
    with pytest.raises(StepSwitchError, match="s.66"):
        build_timeline(RB, CAL, method=method, budget=m.tiers[0].budget_over + 1, start=ON_2560,
                       appeal_filed=True)


@pytest.mark.parametrize("backward", [False, True])
def test_bulk_appeal_filed_equals_scalar(backward):
    days = [date(2025, 1, 6) + timedelta(days=k * 37) for k in range(12)]
    methods = (["e-bidding", "e-market", "selection", "price-inquiry"] * 3)
    budgets = [3e6, 6e6, 2e6, 1e6] * 3
    arr = np.array(days, dtype="datetime64[D]")
    kw = {"contract_by": arr} if backward else {"starts": arr}
    r = plan_many(RB, CAL, methods, budgets, appeal_filed=True, with_steps=EXT[:1], **kw)
    assert not r.errors
    for i, (m, b, d) in enumerate(zip(methods, budgets, days, strict=True)):
        t = build_timeline(RB, CAL, method=m, budget=b, appeal_filed=True, with_steps=EXT[:1],
                           **({"contract_by": d} if backward else {"start": d}))
        assert r.contract[i].astype(object) == t.contract_date
        assert r.start[i].astype(object) == t.start
        assert r.ends["appeal_committee"][i].astype(object) == t.step("appeal_committee").end
    bad = plan_many(RB, CAL, ["specific"], [1e5], starts=arr[:1], appeal_filed=True)
    assert 0 in bad.errors and "s.66" in bad.errors[0]


# ------------------------------------------------------------------ 6. price inquiry, annual plan
def test_price_inquiry_is_a_general_invitation_method_for_half_to_five_million():
    m = RB.resolve_method("วิธีสอบราคา")
    assert m.code == "price-inquiry" and RB.resolve_method("สอบราคา") is m
    assert [(t.budget_over, t.budget_up_to) for t in m.tiers] == [(500_000, 5_000_000)]
    assert "ข้อ 32" in m.tiers[0].legal_ref
    rules = _rules("price-inquiry", 1_000_000, ON_2560)
    assert (rules["appeal"].min_days, rules["appeal"].confidence) == (7, "P")
    assert "ข้อ 32" in rules["purchase_approval"].legal_ref
    assert rules["draft_hearing"].optional and not rules["draft_hearing"].default_on
    t = build_timeline(RB, CAL, method="price-inquiry", budget=1_000_000, start=ON_2560)
    assert t.contract_date == CAL.add_working_days(t.step("winner_announcement").end, 8)


@pytest.mark.parametrize("method", [m.code for m in RB.methods])
def test_annual_plan_is_an_optional_first_milestone_s11(method):
    m = RB.resolve_method(method)
    budget = m.tiers[0].budget_over + 1
    if method == "selection-urgent":  # s.11 exempts urgent procurement (s.56(1)(c))
        assert "annual_plan" not in m.step_codes()
        return
    r = _rules(method, budget, ON_2560)["annual_plan"]
    assert r.optional and not r.default_on and "ม.11" in r.legal_ref and r.order == 0
    assert "annual_plan" not in [s.code for s in
                                 build_timeline(RB, CAL, method=method, budget=budget, start=ON_2560).steps]
    start = date(2024, 6, 4)  # a working day (3 June 2024 is the Queen's birthday)
    t = build_timeline(RB, CAL, method=method, budget=budget, start=start, with_steps=["annual_plan"])
    assert t.steps[0].code == "annual_plan" and t.steps[0].end == start
    assert t.steps[1].start == start
