"""Targets files: the shipped FY2565 cabinet table, interpolation, quarter boundaries, errors."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from schedule_engine.errors import TargetsError
from schedule_engine.model import BudgetType
from schedule_engine.targets import Measure, load_targets, parse_targets, shipped_fiscal_years

D = Decimal


def test_fy2565_ships_the_cabinet_table():
    t = load_targets(2565)
    assert 2565 in shipped_fiscal_years()
    assert not t.illustrative
    assert "21" in t.source and "2564" in t.source
    # the table in timeline-semantics.md, row by row
    assert t.quarters[(Measure.DISBURSEMENT, BudgetType.OVERALL)] == (D("30.00"), D("51.00"), D("72.00"), D("93.00"))
    assert t.quarters[(Measure.SPENDING, BudgetType.RECURRENT)] == (D("35.33"), D("55.78"), D("81.76"), D("100.00"))
    assert t.quarter_end("disbursement", "investment", 3) == D("46.00")
    assert t.quarter_end(Measure.SPENDING, BudgetType.INVESTMENT, 1) == D("28.96")


def test_quarter_end_mode_uses_the_current_quarter_target():
    t = load_targets(2565)
    # 30 June 2565 is the end of Q3; 1 April is its first day
    assert t.target_on("disbursement", "overall", date(2022, 6, 30), "quarter_end") == D("72.00")
    assert t.target_on("disbursement", "overall", date(2022, 4, 1), "quarter_end") == D("72.00")
    assert t.target_on("disbursement", "overall", date(2022, 3, 31), "quarter_end") == D("51.00")


def test_pro_rata_hits_each_quarter_end_exactly():
    t = load_targets(2565)
    for q, end in enumerate([date(2021, 12, 31), date(2022, 3, 31), date(2022, 6, 30), date(2022, 9, 30)], 1):
        assert t.target_on("disbursement", "investment", end) == t.quarter_end("disbursement", "investment", q)


def test_pro_rata_interpolates_by_calendar_day():
    t = load_targets(2565)
    # 31 July 2565: 31 of Q4's 92 days, between 72.00 and 93.00 → 72 + 21 × 31/92 = 79.0760…
    v = t.target_on("disbursement", "overall", date(2022, 7, 31))
    assert v.quantize(D("0.0001")) == D("79.0761")
    # 1 October: the first of Q1's 92 days from 0 → 30 × 1/92
    assert t.target_on("disbursement", "overall", date(2021, 10, 1)) == D(30) / D(92)


def test_leap_year_fy2567_quarter_two_has_91_days():
    table = parse_targets({"fiscal_year": 2567, "disbursement": {"overall": [30, 51, 72, 93]}},
                          file="FY2567.toml")
    # Q2 FY2567 = Jan–Mar 2024 = 31 + 29 + 31 = 91 days; 29 Feb 2024 is day 60
    v = table.target_on("disbursement", "overall", date(2024, 2, 29))
    assert v == D(30) + D(21) * D(60) / D(91)
    assert table.target_on("disbursement", "overall", date(2024, 3, 31)) == D(51)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=364))
def test_pro_rata_is_monotone_and_bounded(offset):
    t = load_targets(2565)
    d = date(2021, 10, 1) + timedelta(days=offset)
    nxt = d + timedelta(days=1)
    v = t.target_on("spending", "recurrent", d)
    assert D(0) < v <= D(100)
    if nxt <= date(2022, 9, 30):
        assert t.target_on("spending", "recurrent", nxt) >= v


def test_missing_year_names_the_file_to_add(tmp_path):
    with pytest.raises(TargetsError) as err:
        load_targets(2571, dirs=[tmp_path])
    assert f"{tmp_path}/FY2571.toml" in str(err.value)
    # no folder configured: the hint names the folder the treasury guide uses (targets/ beside
    # procal.toml, listed in [targets] dirs), not the package's own config folder
    with pytest.raises(TargetsError, match="targets/FY2571.toml") as err:
        load_targets(2571)
    assert "config/targets" not in str(err.value) and "[targets] dirs" in str(err.value)


def test_missing_quarter_is_a_clear_error(tmp_path):
    (tmp_path / "FY2566.toml").write_text(
        'fiscal_year = 2566\n[disbursement]\noverall = [30.0, 51.0]\n', encoding="utf-8")
    t = load_targets(2566, dirs=[tmp_path])
    assert t.target_on("disbursement", "overall", date(2023, 2, 1)) > 30
    with pytest.raises(TargetsError) as err:
        t.target_on("disbursement", "overall", date(2023, 5, 1))
    assert "Q3" in str(err.value) and "FY2566.toml" in str(err.value)
    with pytest.raises(TargetsError, match="investment"):
        t.target_on("disbursement", "investment", date(2023, 2, 1))


def test_extra_dirs_are_searched_first(tmp_path):
    (tmp_path / "FY2565.toml").write_text(
        'fiscal_year = 2565\nillustrative = true\n[disbursement]\noverall = [1, 2, 3, 4]\n',
        encoding="utf-8")
    t = load_targets(2565, dirs=[tmp_path])
    assert t.illustrative and t.quarter_end("disbursement", "overall", 4) == D(4)


@pytest.mark.parametrize("data, key", [
    ({"fiscal_year": 2565, "disbursement": {"overall": [30, 20]}}, "disbursement.overall"),
    ({"fiscal_year": 2565, "disbursement": {"overall": [130]}}, "disbursement.overall[0]"),
    ({"fiscal_year": 2565, "disbursement": {"capital": [10]}}, "disbursement.capital"),
    ({"fiscal_year": 2565, "extra": 1}, "extra"),
    ({"fiscal_year": 65}, "fiscal_year"),
])
def test_invalid_files_name_the_key(data, key):
    with pytest.raises(TargetsError) as err:
        parse_targets(data, file="x.toml")
    assert err.value.key == key and "x.toml" in str(err.value)


def test_example_fy2570_is_marked_illustrative():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    t = load_targets(2570, dirs=[root / "examples" / "targets"])
    assert t.illustrative and "ILLUSTRATIVE" in t.source
    assert t.quarter_end("disbursement", "overall", 4) == D(93)
    assert t.quarter_end("disbursement", "recurrent", 4) == D(98)
    assert t.quarter_end("disbursement", "investment", 4) == D(75)
