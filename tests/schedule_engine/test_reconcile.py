"""Reconciliation against hand-computed figures (incl. the Khon Kaen FY2565 seed figures)."""

from datetime import date
from pathlib import Path
from decimal import Decimal

import pytest

from schedule_engine.errors import TargetsError
from schedule_engine.model import BudgetType, ProjectPlan, StepProgress
from schedule_engine.reconcile import (
    DisbursementRecord, Severity, Thresholds, late_milestones, line_figures, pct2, percent,
    reconcile,
)
from schedule_engine.targets import load_targets, parse_targets
from schedule_engine.timeline import timeline_for_plan

D = Decimal
M = D(1_000_000)
R, I = BudgetType.RECURRENT, BudgetType.INVESTMENT


def rec(agency, bt, src, alloc, committed, disb, as_of):
    return DisbursementRecord(agency, bt, src, D(alloc), D(committed), D(disb), as_of)


@pytest.mark.parametrize("disbursed, allocated, expected", [
    ("2364.75", "2964.27", "79.78"),  # carry-over budget, 30 June 2565
    ("2475.34", "2968.08", "83.40"),  # carry-over budget, 31 July 2565
    ("2879.66", "3081.21", "93.46"),  # COVID-19 loan, 30 June 2565
    ("2890.85", "3081.21", "93.82"),  # COVID-19 loan, 31 July 2565
])
def test_khon_kaen_percentages(disbursed, allocated, expected):
    assert pct2(percent(D(disbursed) * M, D(allocated) * M)) == D(expected)


def test_khon_kaen_province_by_budget_source_at_end_of_q3():
    recs = [
        rec("สนง.ก", I, "งบเหลื่อมปี", D("2000.00") * M, 0, D("1600.00") * M, date(2022, 6, 30)),
        rec("สนง.ข", I, "งบเหลื่อมปี", D("964.27") * M, 0, D("764.75") * M, date(2022, 6, 30)),
        rec("สนง.ก", R, "เงินกู้", D("3081.21") * M, D("100") * M, D("2879.66") * M, date(2022, 6, 30)),
    ]
    r = reconcile(recs, load_targets(2565), mode="quarter_end")
    src = {s.budget_source: s.figures for s in r.by_budget_source}
    carry = src["งบเหลื่อมปี"]
    assert carry.allocated == D("2964.27") * M and carry.disbursed == D("2364.75") * M
    assert pct2(carry.disbursement_pct) == D("79.78")
    # all-investment source → weighted target is the investment Q3 target 46.00
    assert carry.disbursement_target_pct == D("46.00")
    assert pct2(carry.disbursement_gap_pp) == D("33.78")
    assert carry.disbursement_gap_baht == 0 and carry.severity is Severity.ON_TRACK
    loan = src["เงินกู้"]
    assert pct2(loan.disbursement_pct) == D("93.46") and loan.disbursement_target_pct == D("79.00")
    # spending = (2879.66 + 100) / 3081.21 = 96.70 %
    assert pct2(loan.spending_pct) == D("96.70")


def test_agency_behind_target_gap_in_points_and_baht():
    # recurrent Q1 end target 34 %: 1,000,000 allocated, 250,000 disbursed → 25 %, 9 pp behind,
    # 90,000 baht still to disburse; spending 25 + 5 = 30 % against 35.33 % → 53,300 baht to spend
    recs = [rec("สนง.ก", R, "งบส่วนราชการ", 1_000_000, 50_000, 250_000, date(2021, 12, 31))]
    r = reconcile(recs, load_targets(2565))
    f = r.agency("สนง.ก").total
    assert f.disbursement_pct == D(25) and f.disbursement_target_pct == D(34)
    assert f.disbursement_gap_pp == D(-9)
    assert f.disbursement_gap_baht == D(90_000)
    assert f.spending_gap_baht == D("53300.00")
    assert f.severity is Severity.BEHIND  # 9 pp: between 5 and 15
    assert r.agency("สนง.ก").needs_attention


def test_pro_rata_target_mid_quarter():
    # 15 Nov 2564 is day 46 of Q1 (92 days): overall-recurrent target 34 × 46/92 = 17 %
    recs = [rec("A", R, "งบส่วนราชการ", 200, 0, 30, date(2021, 11, 15))]
    f = reconcile(recs, load_targets(2565)).agency("A").total
    assert f.disbursement_target_pct == D(17)
    assert f.disbursement_gap_pp == D(-2)  # 15 % against 17 %
    assert f.disbursement_gap_baht == D(4)
    assert f.severity is Severity.WATCH


def test_quarter_boundary_switches_target():
    t = load_targets(2565)
    end_q1 = reconcile([rec("A", I, "x", 100, 0, 13, date(2021, 12, 31))], t, mode="quarter_end")
    start_q2 = reconcile([rec("A", I, "x", 100, 0, 13, date(2022, 1, 1))], t, mode="quarter_end")
    assert end_q1.province.severity is Severity.ON_TRACK
    assert start_q2.province.disbursement_target_pct == D(29)
    assert start_q2.province.severity is Severity.CRITICAL  # 16 pp behind


def test_leap_year_fy2567():
    t = parse_targets({"fiscal_year": 2567, "disbursement": {"investment": [10, 40, 60, 75]},
                       "spending": {"investment": [20, 50, 80, 100]}})
    # 29 Feb 2024 = day 60 of a 91-day Q2: 10 + 30 × 60/91 = 29.78 %
    f = reconcile([rec("A", I, "x", 1000, 0, 300, date(2024, 2, 29))], t).province
    assert pct2(f.disbursement_target_pct) == D("29.78")
    assert f.severity is Severity.ON_TRACK


def test_weighted_totals_and_ranking():
    t = load_targets(2565)
    d = date(2022, 3, 31)  # Q2 end: recurrent 57, investment 29, overall 51
    recs = [
        rec("A", R, "s1", 100, 0, 60, d), rec("A", I, "s1", 100, 0, 10, d),
        rec("B", R, "s2", 300, 0, 180, d),
    ]
    r = reconcile(recs, t, mode="quarter_end")
    a, b = r.agency("A"), r.agency("B")
    assert a.total.disbursement_target_pct == D(43)  # (57 + 29) / 2
    assert b.total.disbursement_target_pct == D(57)
    assert [x.agency for x in r.agencies] == ["B", "A"]  # 60 % before 35 %
    assert (b.rank, a.rank) == (1, 2)
    assert {ln.budget_type for ln in a.lines} == {R, I}
    line_i = next(ln for ln in a.lines if ln.budget_type is I)
    assert line_i.figures.disbursement_gap_pp == D(-19) and line_i.figures.disbursement_gap_baht == D(19)
    # the province's overall row instead of the weighted one, when configured
    r2 = reconcile(recs, t, mode="quarter_end", totals_target="overall")
    assert r2.province.disbursement_target_pct == D(51)
    assert dict(r.by_budget_type)[R].allocated == D(400)


def test_thresholds_are_configurable():
    th = Thresholds(behind_pp=D(2), critical_pp=D(3))
    f = line_figures(D(100), D(0), D(27), D(30), thresholds=th)
    assert f.severity is Severity.CRITICAL
    assert Thresholds().severity(D(-3)) is Severity.WATCH
    assert Thresholds().severity(D(0)) is Severity.ON_TRACK
    assert Thresholds().severity(D(-15)) is Severity.CRITICAL


def test_missing_targets_year_is_reported():
    with pytest.raises(TargetsError, match="FY2599"):
        reconcile([rec("A", R, "x", 1, 0, 0, date(2055, 11, 1))], lambda fy: load_targets(fy))


def test_late_milestones_with_slip(cal, rulebook):
    plan = ProjectPlan(project_id="P1", agency="สนง.ก", name="ซ่อมถนน", budget_type=I,
                       budget_source="งบจังหวัด", amount=D(3_000_000), method="e-bidding",
                       start=date(2026, 10, 1))
    tl = timeline_for_plan(plan, rulebook, cal)
    first, second = tl.steps[0], tl.steps[1]
    today = cal.add_working_days(second.end, 4)
    done = [StepProgress("P1", first.code, first.end)]
    late = late_milestones([(plan, tl)], done, today, cal)
    codes = [m.step_code for m in late]
    assert first.code not in codes and second.code in codes
    m = next(m for m in late if m.step_code == second.code)
    assert m.slip_working_days == 4 and m.planned == second.end and m.agency == "สนง.ก"
    only = late_milestones([(plan, tl)], done, today, cal, steps=[first.code, second.code])
    assert [x.step_code for x in only] == [second.code]
    assert late_milestones([(plan, tl)], done, today, cal, steps=[first.code]) == []
    r = reconcile([rec("สนง.ก", I, "งบจังหวัด", 10, 0, 10, date(2026, 10, 31))],
                  lambda fy: load_targets(fy, [Path(__file__).resolve().parents[2] / "examples" / "targets"]), late=late)
    assert r.agency("สนง.ก").late_milestones and r.agency("สนง.ก").needs_attention
    assert r.agency("สนง.ก").total.severity is Severity.ON_TRACK


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=80, deadline=None)
@given(alloc=st.integers(1, 10**9), disb_share=st.integers(0, 1000), target=st.integers(0, 10000))
def test_gap_in_baht_closes_the_gap(alloc, disb_share, target):
    """Disbursing exactly the baht gap reaches the target; the gap is 0 when on target."""
    allocated = D(alloc)
    disbursed = (allocated * disb_share / 1000).quantize(D("0.01"))
    t = D(target) / 100
    f = line_figures(allocated, D(0), disbursed, t)
    assert f.disbursement_gap_baht >= 0
    assert (f.disbursement_gap_baht == 0) == (f.disbursement_pct >= t)
    after = line_figures(allocated, D(0), disbursed + f.disbursement_gap_baht, t)
    if f.disbursement_gap_baht > 0:
        assert abs(after.disbursement_gap_pp) < D("1e-18")  # exactly on target (Decimal rounding)
    else:
        assert after == f
