from datetime import date

from schedule_engine import build_timeline, explain, explain_timeline
from schedule_engine.catalogue import parse_rulebook

RULES = """
[[method]]
code = "cal"
name_th = "ทดสอบ"
name_en = "Calendar-day test"
  [[method.tier]]
  code = "any"
  budget_over = 0
  [[method.step]]
  code = "notice"
  name_th = "แจ้ง"
  name_en = "Notice"
  unit = "calendar"
  min_days = 1
  default_days = 5
  legal_ref = "ป.พ.พ. ม.193/8"
  confidence = "P"
"""


def test_explain_names_rule_days_and_skipped_holidays(rulebook, cal):
    t = build_timeline(rulebook, cal, method="e-bidding", budget=3e6, start=date(2022, 7, 20))
    tor = t.step("tor_and_reference_price")
    en = explain(tor, cal, "en")
    assert "10 working days" in en and "minimum 0" in en and "ม.63" in en
    assert "28 Jul 2022 HM King Maha Vajiralongkorn's Birthday" in en
    assert "29 Jul 2022 Bridge Public Holiday" in en and "4 weekend days" in en
    th = explain(tor, cal, "th")
    assert "29 ก.ค. 2565 วันหยุดพิเศษ (เพิ่มเติม)" in th and "5 ส.ค. 2565" in th
    full = explain_timeline(t, cal, "th")
    assert len(full.splitlines()) == 1 + len(t.steps) and "ม.117" in full


def test_explain_calendar_day_roll(cal):
    rb = parse_rulebook(RULES, "t.toml")
    # Fri 8 Jul 2565 + 5 calendar days = Wed 13 Jul (Asarnha Bucha) → rolls over 13, 14, 15 (bridge),
    # 16, 17 to Mon 18 Jul.
    t = build_timeline(rb, cal, method="cal", budget=1, start=date(2022, 7, 8))
    m = t.step("notice")
    assert m.rolled_from == date(2022, 7, 13) and m.end == date(2022, 7, 18)
    assert m.skipped == tuple(date(2022, 7, d) for d in (13, 14, 15, 16, 17))
    text = explain(m, cal, "en")
    assert "13 Jul 2022 is not a working day" in text and "Asarnha Bucha" in text
    assert "เลื่อนเป็นวันทำการถัดไป" in explain(m, cal, "th")
