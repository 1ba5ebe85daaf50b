"""Legal-correctness review: the rulebook against procurement-rules.md, rule periods, holidays."""

from datetime import date, timedelta

import pytest

from schedule_engine import build_timeline, default_calendar, default_rulebook
from schedule_engine.catalogue import parse_rulebook

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
