"""Scoring (PTS): criteria validation, bands, re-weighting, deductions, as-of independence."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from schedule_engine import BudgetType, ProjectPlan, StepProgress, build_timeline
from schedule_engine.errors import ConfigError, ScoringCriteriaError
from schedule_engine.reconcile import DisbursementRecord
from schedule_engine.scoring import (
    Deduction,
    RowIssue,
    ScoringInputs,
    load_criteria,
    parse_criteria,
    quarter_end_on_or_before,
    score,
)
from schedule_engine.targets import parse_targets

TARGETS = parse_targets({"fiscal_year": 2570, "illustrative": True,
                         "disbursement": {"overall": [30, 51, 72, 93], "recurrent": [34, 57, 79, 98],
                                          "investment": [13, 29, 46, 75]},
                         "spending": {"overall": [34, 56, 81, 100], "recurrent": [35, 55, 81, 100],
                                      "investment": [28, 58, 81, 100]}}, "FY2570.toml")


def lookup(fy):
    assert fy == 2570
    return TARGETS


def raw_default() -> dict:
    text = resources.files("procal_config").joinpath("scoring/default.toml").read_text("utf-8")
    return tomllib.loads(text)


def crit(data, cid):
    return next(c for c in data["criteria"] if c["id"] == cid)


# ----------------------------------------------------------------------------- the default file
def test_default_criteria_load_and_are_marked_illustrative():
    c = load_criteria()
    assert c.illustrative is True
    assert c.file == "config/scoring/default.toml"
    assert [d.id for d in c.dimensions] == ["procurement", "disbursement"]
    assert sum(x.points for x in c.criteria) == c.total == 100
    measures = {x.measure for x in c.criteria}
    assert {"ebidding_contract_on_time", "milestone_slip_median", "milestone_slip_worst",
            "plan_submitted", "disbursement_vs_target", "spending_vs_target",
            "data_quality"} <= measures
    assert [a.name_th for a in c.awards] == ["ดีเด่น", "ดี", "ผ่าน"]


# ----------------------------------------------------------------------------- validation errors
def _error(data) -> ScoringCriteriaError:
    with pytest.raises(ScoringCriteriaError) as exc:
        parse_criteria(data, "province.toml")
    assert isinstance(exc.value, ConfigError)
    assert str(exc.value).startswith("province.toml, ")  # names the file, then the key
    return exc.value


def test_unknown_measure_names_file_key_and_known_measures():
    data = raw_default()
    crit(data, "slip_worst")["measure"] = "slip_wrost"
    e = _error(data)
    assert e.key == "criteria.slip_worst.measure"
    assert "unknown measure 'slip_wrost'" in str(e) and "milestone_slip_worst" in str(e)


def test_overlapping_bands():
    data = raw_default()
    crit(data, "slip_worst")["bands"][1]["from"] = 3  # 0–5 and 3–15 overlap
    e = _error(data)
    assert e.key.startswith("criteria.slip_worst.bands[") and "overlap" in str(e)


def test_bands_with_a_gap():
    data = raw_default()
    crit(data, "data_quality")["bands"][2]["from"] = 20  # 5–15 then 20–30: 15–20 uncovered
    e = _error(data)
    assert e.key == "criteria.data_quality.bands[2]"
    assert "gap" in str(e) and "15" in str(e) and "20" in str(e)


def test_bands_must_start_at_the_measures_lowest_value():
    data = raw_default()
    crit(data, "contract_on_time")["bands"][0]["from"] = 10
    e = _error(data)
    assert "gap" in str(e) and "nothing covers 0" in str(e)


def test_last_band_must_stay_open_or_cover_the_top():
    data = raw_default()
    crit(data, "slip_worst")["bands"][-1]["to"] = 60  # slips above 60 days would get nothing
    e = _error(data)
    assert "gap" in str(e) and "60" in str(e)


def test_band_above_the_criterions_points():
    data = raw_default()
    crit(data, "slip_worst")["bands"][0]["points"] = 12
    e = _error(data)
    assert e.key == "criteria.slip_worst.bands[0].points" and "more than" in str(e)


def test_criteria_weights_must_add_up_to_the_dimension():
    data = raw_default()
    crit(data, "slip_worst")["points"] = 12
    for b in crit(data, "slip_worst")["bands"]:
        b["points"] = min(b["points"], 12)
    e = _error(data)
    assert e.key == "dimensions.procurement.weight" and "do not add up" in str(e)
    assert "52" in str(e)


def test_dimension_weights_must_add_up_to_the_total():
    data = raw_default()
    data["total"] = 120
    e = _error(data)
    assert e.key == "dimensions" and "do not add up" in str(e) and "120" in str(e)


@pytest.mark.parametrize("mutate, key, words", [
    (lambda d: crit(d, "slip_worst").update(dimension="speed"), "criteria.slip_worst.dimension",
     "unknown dimension"),
    (lambda d: crit(d, "slip_worst").update(applies_to="big ones"),
     "criteria.slip_worst.applies_to", "unknown value"),
    (lambda d: crit(d, "slip_worst").update(linear={"per_unit": -1}), "criteria.slip_worst",
     "exactly one of"),
    (lambda d: crit(d, "disbursement_overall")["params"].update(budget_type="capex"),
     "criteria.disbursement_overall.params.budget_type", "overall"),
    (lambda d: crit(d, "plan_submitted")["params"].update(due="31 Oct"),
     "criteria.plan_submitted.params.due", "MM-DD"),
    (lambda d: d["groups"][1].update(min_allocation=20_000_000), "groups[1]", "gap"),
    (lambda d: d["deductions"][0].update(kind="late_coffee"), "deductions[0].kind", "unknown kind"),
    (lambda d: d.update(colour="blue"), "colour", "unknown key"),
    (lambda d: d["criteria"].append(copy.deepcopy(d["criteria"][0])), "criteria.contract_on_time",
     "duplicate"),
])
def test_other_validation_errors(mutate, key, words):
    data = raw_default()
    mutate(data)
    e = _error(data)
    assert e.key == key and words in str(e)


def test_load_criteria_bad_toml_names_the_file(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text("total = [", encoding="utf-8")
    with pytest.raises(ScoringCriteriaError, match="mine.toml.*not valid TOML"):
        load_criteria(p)


# ----------------------------------------------------------------------------- scoring
AS_OF = date(2026, 11, 25)


def rec(agency, bt, alloc, disb, committed=0, as_of=date(2026, 10, 31)):
    return DisbursementRecord(agency, bt, "งบส่วนราชการ", Decimal(alloc), Decimal(committed),
                              Decimal(disb), as_of)


@pytest.fixture(scope="module")
def ebidding(cal, rulebook):
    plan = ProjectPlan("P1", "A", "ถนน", BudgetType.INVESTMENT, "งบส่วนราชการ",
                       Decimal(20_000_000), "e-bidding", start=date(2026, 8, 3))
    return plan, build_timeline(rulebook, cal, method="e-bidding", budget=plan.amount,
                                start=plan.start)


def test_contract_on_time_and_slips_explained(cal, ebidding):
    plan, tl = ebidding
    signing = tl.step("contract_signing").end
    assert signing < AS_OF
    progress = [StepProgress("P1", s.code, s.end) for s in tl.steps if s.code != "contract_signing"]
    progress.append(StepProgress("P1", "contract_signing", cal.add_working_days(signing, 3)))
    board = score(ScoringInputs(plans=[(plan, tl)], progress=progress,
                                disbursement=[rec("A", BudgetType.INVESTMENT, 1_000_000, 50_000)]),
                  load_criteria(), as_of=AS_OF, targets=lookup, calendar=cal)
    a = board.agency("A")
    by = {cs.criterion.id: cs for cs in a.criteria}
    assert by["contract_on_time"].value == 0 and by["contract_on_time"].raw_points == 0
    assert "P1" in by["contract_on_time"].inputs[1] and "ไม่ทันกำหนด" in by["contract_on_time"].inputs[1]
    assert by["slip_worst"].value == 3 and by["slip_worst"].raw_points == 10
    assert by["slip_median"].value == 0 and by["slip_median"].raw_points == 10
    # 5.00 % disbursed of investment vs the pro-rata investment target on 31 Oct (13 × 31/92)
    assert by["disbursement_investment"].inputs[0].startswith("ข้อมูลล่าสุด 31 ต.ค. 2569")
    assert a.award is None or a.total >= a.award.min_score


def test_not_applicable_criteria_are_reweighted_and_said(cal):
    # no plans at all: only the disbursement dimension and data quality / plan submitted apply
    board = score(ScoringInputs(disbursement=[rec("B", BudgetType.RECURRENT, 1_000_000, 900_000,
                                                  100_000)]),
                  load_criteria(), as_of=AS_OF, targets=lookup, calendar=cal)
    a = board.agency("B")
    assert a.reweighted
    assert any("ปรับน้ำหนัก" in n for n in a.notes)
    assert any("contract_on_time" in n for n in a.notes)
    by = {cs.criterion.id: cs for cs in a.criteria}
    # procurement: only plan_submitted applies (no plan rows: 0); disbursement: overall and
    # spending apply with full marks and are scaled up from 35 to the dimension's 50
    assert [cs.criterion.id for cs in a.criteria if cs.applicable] == [
        "plan_submitted", "disbursement_overall", "spending_overall"]
    assert by["plan_submitted"].value == 0
    assert dict((d.id, v) for d, v in a.by_dimension) == {"procurement": 0, "disbursement": 50}
    assert a.total == 50 and a.award is None


def test_deductions_typed_and_computed_with_cap_and_floor(cal):
    crits = load_criteria()
    deds = [Deduction("C", date(2026, 11, 1), Decimal(4), "ส่งรายงานล่าช้า"),
            Deduction("C", date(2026, 11, 2), Decimal(5), "ข้อมูลไม่ตรง GFMIS"),
            Deduction("C", date(2026, 12, 1), Decimal(9), "ยังไม่เกิด")]  # after as-of: ignored
    issues = [RowIssue("C", "sheet 'เบิกจ่าย', row 3", "negative", date(2026, 9, 1)),
              RowIssue("C", "sheet 'เบิกจ่าย', row 4", "negative", date(2026, 11, 20))]
    board = score(ScoringInputs(disbursement=[rec("C", BudgetType.RECURRENT, 1_000_000, 0)],
                                deductions=deds, row_issues=issues,
                                rows_per_agency={"C": 3}), crits, as_of=AS_OF, targets=lookup,
                  calendar=cal)
    a = board.agency("C")
    reasons = [d.reason for d in a.deductions]
    assert "ส่งรายงานล่าช้า" in reasons and "ยังไม่เกิด" not in reasons
    computed = [d for d in a.deductions if d.rule == "row_error_unfixed"]
    assert len(computed) == 1 and "row 3" in computed[0].reason  # 85 days > 30; row 4 is 5 days
    assert a.deducted == min(Decimal(10), Decimal(4 + 5 + 1))
    assert a.total == max(crits.floor, a.subtotal - a.deducted)


def test_quarter_end_as_of():
    assert quarter_end_on_or_before(date(2027, 2, 10), 1) == date(2026, 12, 31)
    assert quarter_end_on_or_before(date(2027, 2, 10), 2) == date(2026, 3, 31)  # not ended yet
    assert quarter_end_on_or_before(date(2027, 2, 10)) == date(2027, 2, 10)


# ----------------------------------------------------------------------------- properties
AGENCIES = ["ก", "ข", "ค"]
money = st.integers(min_value=1_000, max_value=50_000_000)


@st.composite
def records(draw):
    out = []
    for agency in draw(st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=3, unique=True)):
        for bt in draw(st.lists(st.sampled_from([BudgetType.RECURRENT, BudgetType.INVESTMENT]),
                                min_size=1, max_size=2, unique=True)):
            alloc = draw(money)
            for day in draw(st.lists(st.integers(0, 330), min_size=1, max_size=3, unique=True)):
                disb = draw(st.integers(0, alloc))
                committed = draw(st.integers(0, alloc - disb))
                out.append(rec(agency, bt, alloc, disb, committed,
                               date(2026, 10, 1) + timedelta(days=day)))
    return out


@st.composite
def deductions(draw):
    return [Deduction(draw(st.sampled_from(AGENCIES)),
                      date(2026, 10, 1) + timedelta(days=draw(st.integers(0, 330))),
                      Decimal(draw(st.integers(1, 40))) / 2, "เหตุผล")
            for _ in range(draw(st.integers(0, 6)))]


@st.composite
def progress_for(draw, timeline):
    out = []
    for s in timeline.steps:
        if draw(st.booleans()):
            out.append(StepProgress("P1", s.code, s.end + timedelta(days=draw(st.integers(-5, 40)))))
    return out


PROP = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROP
@given(recs=records(), deds=deductions(), data=st.data(),
       as_of=st.integers(0, 360).map(lambda d: date(2026, 10, 1) + timedelta(days=d)))
def test_score_bounds(cal, ebidding, recs, deds, data, as_of):
    plan, tl = ebidding
    plan = ProjectPlan(**{**plan.__dict__, "agency": "ก"})
    crits = load_criteria()
    board = score(ScoringInputs(plans=[(plan, tl)], progress=data.draw(progress_for(tl)),
                                disbursement=recs, deductions=deds), crits, as_of=as_of,
                  targets=lookup, calendar=cal)
    for a in board.agencies:
        for cs in a.criteria:
            assert 0 <= cs.raw_points <= cs.criterion.points  # never above the criterion
            if not cs.applicable:
                assert cs.points == 0
        for _d, v in a.by_dimension:  # re-weighted dimensions stay on their own scale
            assert 0 <= v <= crits.total
        assert a.subtotal <= crits.total
        assert a.deducted <= crits.max_deduction
        assert crits.floor <= a.total <= crits.total  # deductions never below the floor
        if a.award:
            assert a.total >= a.award.min_score


@PROP
@given(recs=records(), skip=st.sets(st.sampled_from(
    ["contract_on_time", "slip_median", "slip_worst", "plan_submitted", "data_quality",
     "disbursement_overall", "disbursement_investment", "spending_overall"]), max_size=7))
def test_reweighting_keeps_the_scale(cal, recs, skip):
    """Full marks on whatever applies = the full total, whichever criteria do not apply."""
    crits = load_criteria()
    from schedule_engine import scoring as sc

    crit_scores = [sc.CriterionScore(c, c.id not in skip, Decimal(0) if c.id not in skip else None,
                                     c.points if c.id not in skip else Decimal(0), Decimal(0), "",
                                     ()) for c in crits.criteria]
    f = sc._factors(crits, crit_scores)
    total = sum((sc._scaled(cs.raw_points, f.get(cs.criterion.dimension)) for cs in crit_scores),
                Decimal(0))
    assert abs(total - crits.total) < Decimal("1e-20")
    half = sum((sc._scaled(cs.raw_points / 2, f.get(cs.criterion.dimension))
                for cs in crit_scores), Decimal(0))
    assert abs(half - crits.total / 2) < Decimal("1e-20")


@PROP
@given(recs=records(), deds=deductions(), later=records(), data=st.data(),
       as_of=st.integers(0, 300).map(lambda d: date(2026, 10, 1) + timedelta(days=d)))
def test_scores_use_only_data_dated_on_or_before_as_of(cal, ebidding, recs, deds, later, data,
                                                       as_of):
    plan, tl = ebidding
    progress = data.draw(progress_for(tl))
    crits = load_criteria()

    def board(extra_recs, extra_progress, extra_deds):
        return score(ScoringInputs(plans=[(plan, tl)], progress=[*progress, *extra_progress],
                                   disbursement=[*recs, *extra_recs],
                                   deductions=[*deds, *extra_deds]),
                     crits, as_of=as_of, targets=lookup, calendar=cal)

    before = board([], [], [])
    # everything below is dated after as_of: a later recomputation must not change the result
    shift = (as_of - date(2026, 10, 1)).days + 1
    future = [DisbursementRecord(r.agency, r.budget_type, r.budget_source, r.allocated,
                                 r.committed, r.disbursed, r.as_of + timedelta(days=shift))
              for r in later if fiscal_year_ok(r.as_of + timedelta(days=shift))]
    fut_progress = [StepProgress("P1", s.code, as_of + timedelta(days=1)) for s in tl.steps]
    fut_deds = [Deduction("ก", as_of + timedelta(days=1), Decimal(3), "ภายหลัง")]
    after = board(future, fut_progress, fut_deds)
    assert summary(before) == summary(after)


def fiscal_year_ok(d: date) -> bool:
    return d <= date(2027, 9, 30)


def summary(board):
    return [(a.agency, a.total, a.deducted, a.award, tuple((c.criterion.id, c.value, c.points)
                                                           for c in a.criteria))
            for a in board.agencies]
