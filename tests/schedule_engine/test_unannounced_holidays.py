"""Dates past the announced holidays are flagged, not silently trusted.

holidays.Thailand knows Royal Ploughing Day (government category) only for the years its
maintainers hard-coded; later years count that day as a working day. procal says so.
"""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from schedule_engine import WorkingCalendar, default_calendar
from schedule_engine.errors import ConfigError
from schedule_engine.workcal import load_announced_through


def _package_last_ploughing_year() -> int:
    years = range(2015, 2058)
    return max(d.year for d in holidays.Thailand(categories=("government",), years=years))


def test_announced_through_follows_the_holidays_package():
    cal = default_calendar()
    assert cal.announced_through == _package_last_ploughing_year()
    last = cal.announced_through
    assert cal.unannounced_years(date(last, 1, 5), date(last, 12, 30)) == ()
    assert cal.unannounced_years(date(last, 11, 1), date(last + 2, 2, 1)) == (last + 1, last + 2)
    note = cal.unannounced_note(date(last, 11, 1), date(last + 1, 6, 1))
    assert note is not None and str(last + 1 + 543) in note and "วันพืชมงคล" in note
    assert cal.unannounced_note(date(last, 1, 5), date(last, 3, 1)) is None


def test_config_extends_the_announced_years(tmp_path):
    last = _package_last_ploughing_year()
    f = tmp_path / "holidays.toml"
    f.write_text(f"[meta]\nannounced_through = {last + 1}\n\n[[closure]]\ndate = {last + 1}-05-10\n"
                 'reason = "Royal Ploughing Ceremony"\nsource = "test"\n', encoding="utf-8")
    cal = WorkingCalendar.thailand(first_year=last - 1, last_year=last + 3, closures_path=f)
    assert cal.announced_through == last + 1
    assert not cal.is_working_day(date(last + 1, 5, 10)) or date(last + 1, 5, 10).weekday() >= 5
    assert cal.unannounced_years(date(last + 1, 1, 1), date(last + 2, 1, 1)) == (last + 2,)


def test_bad_announced_through_is_a_config_error(tmp_path):
    f = tmp_path / "holidays.toml"
    f.write_text('[meta]\nannounced_through = "next year"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="meta.announced_through"):
        load_announced_through(f)
