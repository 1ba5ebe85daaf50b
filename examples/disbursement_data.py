"""Example disbursement tab (เบิกจ่าย) for the shipped workbook ``examples/plans.xlsx``.

Fictional GFMIS-style figures for Khon Kaen provincial agencies, FY2570, as of 31 October 2569
(2026-10-31, a GFMIS month end): allocation (ได้รับจัดสรร), commitments/PO (ก่อหนี้ผูกพัน) and
disbursed (เบิกจ่าย) per agency × budget type × budget source. Some agencies are behind the
(illustrative) FY2570 targets, some ahead, and two rows are deliberately wrong (disbursed above the
allocation; a negative amount) to show how procal reports row errors instead of charting them.

``examples/build_plans_workbook.py`` imports :data:`HEADERS` and :func:`rows` to write the tab.
"""

from __future__ import annotations

from datetime import date

AS_OF = date(2026, 10, 31)  # ข้อมูล ณ วันที่ 31 ต.ค. 2569
TAB = "เบิกจ่าย"

HEADERS = ["หน่วยงาน", "ประเภทงบประมาณ", "แหล่งงบประมาณ", "ได้รับจัดสรร", "ก่อหนี้ผูกพัน",
           "เบิกจ่าย", "ข้อมูล ณ วันที่"]

# agency, budget type, budget source, allocated, committed (PO), disbursed — baht
_DATA: list[tuple[str, str, str, object, object, object]] = [
    ("สำนักงานจังหวัดขอนแก่น", "งบประจำ", "งบจังหวัด", 12_500_000, 600_000, 1_850_000),
    ("สำนักงานจังหวัดขอนแก่น", "งบลงทุน", "งบจังหวัด", 48_000_000, 9_500_000, 3_100_000),
    ("แขวงทางหลวงขอนแก่นที่ 1", "งบลงทุน", "งบส่วนราชการ", 185_000_000, 42_000_000, 4_200_000),
    ("แขวงทางหลวงขอนแก่นที่ 1", "งบประจำ", "งบส่วนราชการ", 22_000_000, 500_000, 1_300_000),
    ("แขวงทางหลวงชนบทขอนแก่น", "งบลงทุน", "งบส่วนราชการ", 96_500_000, 30_000_000, 6_800_000),
    ("โครงการชลประทานขอนแก่น", "งบลงทุน", "งบส่วนราชการ", 132_000_000, 15_000_000, 1_900_000),
    ("โครงการชลประทานขอนแก่น", "งบลงทุน", "งบเหลื่อมปี", 35_400_000, 8_000_000, 12_750_000),
    ("สำนักงานสาธารณสุขจังหวัดขอนแก่น", "งบประจำ", "งบส่วนราชการ", 64_000_000, 2_000_000, 9_600_000),
    ("สำนักงานสาธารณสุขจังหวัดขอนแก่น", "งบลงทุน", "งบส่วนราชการ", 28_750_000, 6_000_000, 2_300_000),
    ("สำนักงานเกษตรจังหวัดขอนแก่น", "งบประจำ", "งบส่วนราชการ", 8_900_000, 150_000, 380_000),
    ("สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น", "งบลงทุน", "งบกลุ่มจังหวัด", 54_300_000, 4_000_000, 650_000),
    ("สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น", "งบประจำ", "งบส่วนราชการ", "6,450,000.00", "0", "805,000.50"),
    ("สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น", "งบประจำ", "งบส่วนราชการ", 7_200_000, 200_000, 1_150_000),
    ("สำนักงานปศุสัตว์จังหวัดขอนแก่น", "งบประจำ", "งบส่วนราชการ", 5_600_000, 0, 240_000),
    ("สำนักงานการท่องเที่ยวและกีฬาจังหวัดขอนแก่น", "งบลงทุน", "งบจังหวัด", 18_000_000, 5_400_000, 1_620_000),
    ("สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น", "งบประจำ", "งบส่วนราชการ", 4_300_000, 100_000, 610_000),
    ("สำนักงานพาณิชย์จังหวัดขอนแก่น", "งบประจำ", "เงินกู้", 3_000_000, 0, 90_000),
    # deliberately wrong rows (row errors, not charts)
    ("สำนักงานพาณิชย์จังหวัดขอนแก่น", "งบลงทุน", "งบจังหวัด", 2_000_000, 0, 2_400_000),  # disbursed > allocated
    ("สำนักงานปศุสัตว์จังหวัดขอนแก่น", "งบลงทุน", "งบส่วนราชการ", 1_500_000, -50_000, 100_000),  # negative PO
]

AGENCIES = sorted({r[0] for r in _DATA})


def rows() -> list[list[object]]:
    """The tab's data rows (without the header), in :data:`HEADERS` order."""
    out: list[list[object]] = []
    for i, (agency, btype, source, alloc, committed, disbursed) in enumerate(_DATA):
        # one row types its date the way people do in Thai, the rest are real date cells
        as_of: object = "31 ต.ค. 2569" if i == 5 else AS_OF
        out.append([agency, btype, source, alloc, committed, disbursed, as_of])
    return out


if __name__ == "__main__":  # pragma: no cover
    print("\t".join(HEADERS))
    for r in rows():
        print("\t".join(str(v) for v in r))
