"""A reminder's description stays a phone page at country scale: the worst late steps first,
then 'และอีก M รายการ'; the province summary lists the best and worst agencies, not all."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from calendar_sync.reminders import MAX_LISTED, agency_description, summary_description
from schedule_engine.model import BudgetType
from schedule_engine.reconcile import DisbursementRecord, LateMilestone, reconcile
from schedule_engine.targets import load_targets

AS_OF = date(2022, 3, 31)


def _late(n: int) -> list[LateMilestone]:
    return [LateMilestone("สนง.ข", f"P-{i:05d}", f"โครงการที่ {i} " + "ก่อสร้างถนน" * 5,
                          "contract_signing", "ลงนามสัญญา", AS_OF - timedelta(days=i % 300), i % 97)
            for i in range(n)]


def test_late_list_is_capped_with_the_worst_first():
    recs = [DisbursementRecord("สนง.ข", BudgetType.INVESTMENT, "งบส่วนราชการ", Decimal(1000),
                               Decimal(0), Decimal(10), AS_OF)]
    late = _late(5000)
    recon = reconcile(recs, load_targets(2565), mode="quarter_end", late=late)
    text = agency_description(recon, recon.agencies[0])
    assert len(text) < 4000  # was 186,094 characters at 5,000 projects
    assert "ขั้นตอนการจัดซื้อจัดจ้างที่ล่าช้า (5000 รายการ)" in text
    assert f"และอีก {5000 - MAX_LISTED} รายการ" in text
    listed = [line for line in text.splitlines() if line.startswith("  - P-")]
    assert len(listed) == MAX_LISTED
    assert all("ล่าช้า 96 วันทำการ" in line for line in listed)  # the worst slip is 96


def test_short_lists_are_unchanged():
    recs = [DisbursementRecord("สนง.ข", BudgetType.INVESTMENT, "งบส่วนราชการ", Decimal(1000),
                               Decimal(0), Decimal(10), AS_OF)]
    recon = reconcile(recs, load_targets(2565), mode="quarter_end", late=_late(3))
    text = agency_description(recon, recon.agencies[0])
    assert "และอีก" not in text and text.count("  - P-") == 3


def test_summary_lists_best_and_worst_agencies_only():
    recs = [DisbursementRecord(f"หน่วยงาน {i:04d}", BudgetType.RECURRENT, "งบจังหวัด", Decimal(1000),
                               Decimal(0), Decimal(i % 900 + 1), AS_OF) for i in range(2000)]
    recon = reconcile(recs, load_targets(2565), mode="quarter_end")
    text = summary_description(recon)
    assert len(text) < 8000
    assert f"และอีก {2000 - 2 * MAX_LISTED} หน่วยงาน" in text
