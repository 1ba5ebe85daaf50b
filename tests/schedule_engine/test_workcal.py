from datetime import date, timedelta

import numpy as np
import pytest

from schedule_engine.workcal import CalendarRangeError, Closure, WorkingCalendar, load_closures
from schedule_engine.errors import ConfigError


def naive_is_working(cal, d):
    return d.weekday() < 5 and cal.holiday_name(d, "en") is None


def test_july_2565_lent_and_bridge_days(cal):
    # Asarnha Bucha Wed 13, Buddhist Lent Thu 14, cabinet bridge Fri 15 July 2022; King's birthday
    # Thu 28 + bridge Fri 29 July 2022.
    for d in (13, 14, 15, 28, 29):
        assert not cal.is_working_day(date(2022, 7, d)), d
    assert cal.is_working_day(date(2022, 7, 12))
    assert cal.holiday_name(date(2022, 7, 15), "en") == "Bridge Public Holiday"
    assert cal.holiday_name(date(2022, 7, 15)) == "วันหยุดพิเศษ (เพิ่มเติม)"
    # Tue 12 July + 1 working day skips Wed–Sun → Mon 18 July
    assert cal.add_working_days(date(2022, 7, 12), 1) == date(2022, 7, 18)
    assert cal.next_working_day(date(2022, 7, 13)) == date(2022, 7, 18)
    assert cal.previous_working_day(date(2022, 7, 17)) == date(2022, 7, 12)
    assert cal.sub_working_days(date(2022, 7, 18), 1) == date(2022, 7, 12)
    assert cal.working_days_between(date(2022, 7, 12), date(2022, 7, 18)) == 1
    assert cal.working_days_between(date(2022, 7, 18), date(2022, 7, 12)) == -1


def test_songkran_2566(cal):
    # Chakri Thu 6 Apr 2023; Songkran Thu 13 – Sat 15 Apr 2023 (+ Mon 17 in lieu of Saturday)
    assert [cal.is_working_day(date(2023, 4, d)) for d in range(10, 19)] == [
        True, True, True, False, False, False, False, False, True]
    assert cal.add_working_days(date(2023, 4, 12), 1) == date(2023, 4, 18)


def test_government_category_royal_ploughing(cal):
    assert not cal.is_working_day(date(2022, 5, 13))  # Royal Ploughing Ceremony, government only


def test_inclusive_and_exclusive_neighbours(cal):
    d = date(2022, 7, 20)  # a Wednesday working day
    assert cal.next_working_day(d) == d
    assert cal.next_working_day(d, inclusive=False) == date(2022, 7, 21)
    assert cal.previous_working_day(d) == d
    assert cal.previous_working_day(d, inclusive=False) == date(2022, 7, 19)
    assert cal.add_working_days(d, 0) == d


def test_index_matches_day_by_day_count(cal):
    rng = np.random.default_rng(7)
    for _ in range(200):
        d = date(2000, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 50)))
        n = int(rng.integers(0, 40))
        cur, left = d, n
        while left:
            cur += timedelta(days=1)
            if naive_is_working(cal, cur):
                left -= 1
        assert cal.add_working_days(d, n) == cur
        assert cal.working_days_between(d, cur) == n
        if n:
            assert cal.sub_working_days(cur, n) == cal.previous_working_day(d)


def test_non_working_days_lists_weekends_and_holidays(cal):
    days = cal.non_working_days(date(2022, 7, 11), date(2022, 7, 18))
    assert days == tuple(date(2022, 7, d) for d in (13, 14, 15, 16, 17))


def test_vectorised_forms_agree_with_scalar(cal):
    rng = np.random.default_rng(3)
    starts = [date(2015, 1, 1) + timedelta(days=int(x)) for x in rng.integers(0, 4000, 300)]
    ns = rng.integers(0, 30, 300)
    got = cal.add_working_days_many(np.array(starts, dtype="datetime64[D]"), ns)
    want = [cal.add_working_days(s, int(n)) for s, n in zip(starts, ns, strict=True)]
    assert [x.item() for x in got] == want
    nxt = cal.next_working_day_many(starts)
    assert [x.item() for x in nxt] == [cal.next_working_day(s) for s in starts]
    assert cal.is_working_day_many(starts).tolist() == [cal.is_working_day(s) for s in starts]
    between = cal.working_days_between_many(starts, want)
    assert between.tolist() == [int(n) for n in ns]


def test_out_of_range_is_a_clear_error():
    small = WorkingCalendar({}, first_year=2020, last_year=2021)
    with pytest.raises(CalendarRangeError, match="outside the working calendar"):
        small.is_working_day(date(2019, 12, 31))
    with pytest.raises(CalendarRangeError):
        small.add_working_days(date(2021, 12, 20), 30)
    with pytest.raises(CalendarRangeError):
        small.add_working_days_many(np.array(["2022-01-03"], dtype="datetime64[D]"), 1)


def test_closures_add_and_withdraw(tmp_path):
    f = tmp_path / "h.toml"
    f.write_text(
        '[[closure]]\ndate = 2030-03-04\nreason = "test closure"\nsource = "unit test"\nname_en = "X day"\n'
        '[[withdrawn]]\ndate = 2030-04-15\nreason = "withdrawn"\nsource = "unit test"\n',
        encoding="utf-8")
    closures = load_closures(f)
    assert [c.kind for c in closures] == ["closure", "withdrawn"]
    cal = WorkingCalendar.thailand(first_year=2029, last_year=2031, closures=closures)
    assert not cal.is_working_day(date(2030, 3, 4)) and cal.holiday_name(date(2030, 3, 4), "en") == "X day"
    plain = WorkingCalendar.thailand(first_year=2029, last_year=2031, closures=())
    assert not plain.is_working_day(date(2030, 4, 15))  # Songkran in the package
    assert cal.is_working_day(date(2030, 4, 15))  # withdrawn in config


@pytest.mark.parametrize("body, key", [
    ('[[closure]]\ndate = "2030-03-04"\nreason = "r"\nsource = "s"\n', "closure[1]"),
    ('[[closure]]\ndate = 2030-03-04\nsource = "s"\n', "closure[1].reason"),
    ('[[withdrawn]]\ndate = 2030-03-04\nreason = "r"\n', "withdrawn[1].source"),
    ('[[holiday]]\ndate = 2030-03-04\n', None),
])
def test_broken_holiday_file_names_file_and_entry(tmp_path, body, key):
    f = tmp_path / "bad.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_closures(f)
    assert str(f) in str(exc.value)
    if key:
        assert key in str(exc.value)


def test_shipped_holiday_file_loads():
    for c in load_closures():
        assert isinstance(c, Closure) and c.reason and c.source
