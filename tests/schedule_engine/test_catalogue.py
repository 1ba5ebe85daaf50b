from datetime import date

import pytest

from schedule_engine import RulebookError, UnknownMethodError, default_rulebook, load_rulebook
from schedule_engine.catalogue import parse_rulebook

GOOD = """
[[method]]
code = "m1"
name_th = "วิธีทดสอบ"
name_en = "Test method"
  [[method.tier]]
  code = "low"
  budget_over = 0
  budget_up_to = 1000
  [[method.tier]]
  code = "high"
  budget_over = 1000
  [[method.step]]
  code = "s1"
  name_th = "ขั้นหนึ่ง"
  name_en = "Step one"
  unit = "working"
  min_days = 2
  default_days = 3
  legal_ref = "ม.1"
  confidence = "P"
  effective_from = 2020-01-01
"""


def test_good_minimal_rulebook_parses():
    rb = parse_rulebook(GOOD, "x.toml")
    m = rb.resolve_method("TEST METHOD")
    assert m.code == "m1" and [t.code for t in m.tiers] == ["low", "high"]
    assert m.tier_for(1000, date(2021, 1, 1)).code == "low"
    assert m.tier_for(1000.01, date(2021, 1, 1)).code == "high"


@pytest.mark.parametrize("old, new, fragment, step", [
    ('unit = "working"', 'unit = "weeks"', "unknown unit 'weeks'", "s1"),
    ("default_days = 3", "default_days = 1", "below the legal minimum", "s1"),
    ("budget_over = 1000", "budget_over = 500", "overlap", "tier high"),
    ("effective_from = 2020-01-01", 'effective_from = "2020-13-01"', "must be a TOML date", "s1"),
    ("effective_from = 2020-01-01", "effective_from = 2020-13-01", "not valid TOML", "s1"),
    ("budget_up_to = 1000", "budget_up_to = 1000\n  effective_from = 2020-02-30", "not valid TOML",
     "tier low"),
    ('confidence = "P"', 'confidence = "X"', "P/T/S/U", "s1"),
    ("min_days = 2", "min_days = -1", "whole number", "s1"),
    ('legal_ref = "ม.1"', "", "'legal_ref' is required", "s1"),
    ("budget_up_to = 1000", "budget_up_to = 0", "must be above", "tier low"),
])
def test_broken_rulebook_fails_at_load_naming_file_method_step(old, new, fragment, step):
    assert old in GOOD
    with pytest.raises(RulebookError) as exc:
        parse_rulebook(GOOD.replace(old, new, 1), "broken.toml")
    msg = str(exc.value)
    assert "broken.toml" in msg and fragment in msg
    if step:
        assert f"m1.{step}" in msg


def test_overlapping_entries_for_one_step_are_refused():
    dup = GOOD + GOOD[GOOD.index("  [[method.step]]"):]
    with pytest.raises(RulebookError, match="same time"):
        parse_rulebook(dup, "dup.toml")
    # a circular as a new entry (old one ended the day before) is fine
    ended = GOOD.replace("effective_from = 2020-01-01", "effective_from = 2020-01-01\n  effective_to = 2024-12-31")
    circ = ended + GOOD[GOOD.index("  [[method.step]]"):].replace("2020-01-01", "2025-01-01").replace(
        "default_days = 3", "default_days = 9")
    m = parse_rulebook(circ, "c.toml").resolve_method("m1")
    assert m.steps_for("low", date(2024, 12, 31))[0].default_days == 3
    assert m.steps_for("low", date(2025, 1, 1))[0].default_days == 9


def test_load_rulebook_from_path(tmp_path):
    f = tmp_path / "rules.toml"
    f.write_text(GOOD.replace('unit = "working"', 'unit = "hours"'), encoding="utf-8")
    with pytest.raises(RulebookError, match="rules.toml.*m1.s1.*unknown unit"):
        load_rulebook(f)
    with pytest.raises(RulebookError, match="cannot read"):
        load_rulebook(tmp_path / "missing.toml")


def test_shipped_rulebook_has_the_required_shape():
    rb = default_rulebook()
    assert set(rb.codes()) >= {"e-bidding", "e-market", "selection", "specific", "consultant-general",
                               "consultant-selection", "consultant-specific", "design-general",
                               "design-selection", "design-specific"}
    on = date(2024, 1, 15)
    eb = rb.resolve_method("e-bidding")
    assert [t.code for t in eb.tiers_in_force(on)] == ["0.5-5m", "5-10m", "10-50m", "over-50m"]
    for tier, minimum in zip(eb.tiers, (5, 10, 12, 20), strict=True):
        codes = [r.code for r in eb.steps_for(tier.code, on)]
        for required in ("draft_hearing", "invitation", "bid_submission", "winner_announcement",
                         "appeal", "contract_signing"):
            assert required in codes
        inv = {r.code: r for r in eb.steps_for(tier.code, on)}["invitation"]
        assert inv.min_days == minimum and inv.unit == "working"
    for m in rb.methods:
        for t in m.tiers:
            rules = m.steps_for(t.code, on)
            codes = [r.code for r in rules]
            assert codes[-1] == "contract_signing"
            assert ("appeal" in codes) == (m.route != "specific" and m.code not in ("specific", "selection-urgent"))
            for r in rules:
                assert r.legal_ref and r.confidence in "PTSU" and r.default_days >= r.min_floor
                if r.code == "appeal":
                    assert r.min_days == 7 and "ม.117" in r.legal_ref


@pytest.mark.parametrize("text, code", [
    ("e-bidding", "e-bidding"), ("E-Bidding", "e-bidding"), ("ประกวดราคาอิเล็กทรอนิกส์", "e-bidding"),
    ("เฉพาะเจาะจง", "specific"), ("วิธีเฉพาะเจาะจง", "specific"), ("คัดเลือก", "selection"),
    (" e-market ", "e-market"), ("ตลาดอิเล็กทรอนิกส์", "e-market"), ("Specific method", "specific"),
    ("จ้างที่ปรึกษาวิธีคัดเลือก", "consultant-selection"),
])
def test_resolve_method(text, code):
    assert default_rulebook().resolve_method(text).code == code


def test_unknown_method_lists_codes():
    with pytest.raises(UnknownMethodError) as exc:
        default_rulebook().resolve_method("วิธีพิเศษ")  # the 2535 method, gone since 2560
    assert "e-bidding" in str(exc.value) and "specific" in str(exc.value)
