"""Example deductions tab (หักคะแนน) for the shipped workbook ``examples/plans.xlsx``.

Deductions the provincial treasury decided (agency, date, points, reason, evidence link), as
``procal score`` and ``procal run`` read them (docs/scoring.md). One row is dated after the
example's run date (25 Nov 2569) and so does not count yet; one row is deliberately wrong (the
points are a word, not a number) to show a located row error while the other rows still count.

``examples/build_plans_workbook.py`` imports :data:`HEADERS`, :data:`TAB` and :func:`rows`.
"""

from __future__ import annotations

from datetime import datetime

TAB = "หักคะแนน"
HEADERS = ["หน่วยงาน", "วันที่", "คะแนนที่หัก", "เหตุผล", "หลักฐาน"]

_ROWS: list[list[object]] = [
    ["แขวงทางหลวงขอนแก่นที่ 1", datetime(2026, 11, 16), 2,
     "ส่งรายงานผลการจัดซื้อจัดจ้างประจำเดือนตุลาคมล่าช้า",
     "https://drive.example.go.th/kk-treasury/pts/2570/doh1-report-late.pdf"],
    ["สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น", "20 พ.ย. 2569", 1,
     "ข้อมูลเบิกจ่ายที่รายงานไม่ตรงกับ GFMIS",
     "https://drive.example.go.th/kk-treasury/pts/2570/yotha-gfmis.pdf"],
    ["สำนักงานปศุสัตว์จังหวัดขอนแก่น", "21/11/2569", "หนึ่ง",  # MISTAKE: points as a word
     "ไม่ส่งผู้แทนเข้าประชุมติดตามการเบิกจ่าย", ""],
    ["สำนักงานเกษตรจังหวัดขอนแก่น", "10/12/2569", 1,  # after the example's today: not yet
     "ไม่ส่งผู้แทนเข้าประชุมติดตามการเบิกจ่าย เดือนธันวาคม", ""],
]


def rows() -> list[list[object]]:
    return [list(r) for r in _ROWS]
