"""The working calendar starts light: a plain-Python index (numpy only for the vectorised API) and
the Thai holiday module alone (not the package of every country). Same days, same holidays."""

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from schedule_engine.workcal import default_calendar

ROOT = Path(__file__).resolve().parents[2]
YEARS = (1997, 2057)


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_scalar_api_loads_no_numpy():
    code = """
import sys
from datetime import date
from schedule_engine.workcal import default_calendar
cal = default_calendar()
d = cal.add_working_days(date(2022, 7, 20), 30)
cal.sub_working_days(d, 30), cal.working_days_between(date(2022, 1, 1), d)
cal.next_working_day(date(2022, 4, 13)), cal.previous_working_day(date(2022, 4, 13))
cal.non_working_days(date(2022, 4, 1), date(2022, 4, 30)), cal.is_working_day(d)
print(sorted(m for m in sys.modules if m == "numpy" or m.startswith("numpy.")))
"""
    assert json.loads(_python(code).replace("'", '"')) == []


def test_plain_index_and_numpy_index_agree():
    cal = default_calendar()
    n = len(cal._flags)
    assert cal._work.dtype == bool and cal._cum.dtype == np.int32 and cal._wdays.dtype == np.int32
    assert cal._work.tolist() == [bool(f) for f in cal._flags]
    assert cal._cum.tolist() == list(cal._cumulative) and cal._cum[-1] == len(cal._working)
    assert cal._wdays.tolist() == list(cal._working)
    assert n == (cal.last_day - cal.first_day).days + 1


def test_scalar_and_vectorised_answers_agree():
    cal = default_calendar()
    days = [date(2021, 12, 1) + timedelta(days=i) for i in range(500)]  # New Year, Songkran …
    arr = np.array(days, dtype="datetime64[D]")
    for n in (-15, -1, 0, 1, 7, 22):
        want = cal.add_working_days_many(arr, n).astype(object).tolist()
        assert [cal.add_working_days(d, n) for d in days] == want, n
    assert [cal.is_working_day(d) for d in days] == cal.is_working_day_many(arr).tolist()
    assert [cal.next_working_day(d) for d in days] == \
        cal.next_working_day_many(arr).astype(object).tolist()
    assert [cal.working_days_between(days[0], d) for d in days] == \
        cal.working_days_between_many(np.full(len(days), arr[0]), arr).tolist()
    off = cal.non_working_days(days[0], days[-1])
    assert list(off) == [d for d in days if not cal.is_working_day(d)]
    assert all(d.weekday() >= 5 or cal.holiday_name(d) for d in off)


_HOLIDAYS = """
import json, sys
{load}
years = range({first}, {last} + 1)
out = {{}}
for key, kw in (("en", dict(categories=("public", "government"), language="en_US")),
                ("th", dict(categories=("public", "government"), language="th")),
                ("gov", dict(categories=("government",)))):
    out[key] = sorted((d.isoformat(), n) for d, n in Thailand(years=years, **kw).items())
out["all_countries_loaded"] = "holidays.countries" in sys.modules
print(json.dumps(out, ensure_ascii=False))
"""


def test_holidays_are_those_of_the_library_loaded_its_own_way():
    ours = json.loads(_python(_HOLIDAYS.format(
        load="from schedule_engine.workcal import _thailand_holidays\nThailand = _thailand_holidays()",
        first=YEARS[0], last=YEARS[1])))
    library = json.loads(_python(_HOLIDAYS.format(
        load="import holidays\nThailand = holidays.Thailand", first=YEARS[0], last=YEARS[1])))
    assert ours.pop("all_countries_loaded") is False  # only the Thai module was imported
    assert library.pop("all_countries_loaded") is True  # the probe can see the difference
    assert ours == library
    assert len(ours["th"]) > 1000 and ["2022-04-13", "วันสงกรานต์"] in ours["th"]


def test_the_library_way_later_in_the_same_process_gives_the_same_class():
    code = """
import sys
from schedule_engine.workcal import _thailand_holidays
ours = _thailand_holidays()
import holidays
from holidays.countries import Thailand
print(ours is Thailand is holidays.Thailand.get_entity())
"""
    assert _python(code) == "True"
