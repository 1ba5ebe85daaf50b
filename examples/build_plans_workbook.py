"""Build ``examples/plans.xlsx``: Khon Kaen province procurement plans, fiscal year 2570.

Deterministic — run it to regenerate the shipped workbook::

    .venv/bin/python examples/build_plans_workbook.py [OUT.xlsx]

Scenario: today is 25 Nov 2569 (2026-11-25). 12 provincial agencies, 50 plan rows: every method and
budget tier of the rulebook, start dates Sep 2569 – Apr 2570 plus a few contract-by deadlines,
values typed the way people type them (``2.5 ล้าน``, ``1,500,000 บาท``, ``15/12/2569``,
``1 ธ.ค. 2569``, date cells), a progress tab with actual dates for the steps already past — most
projects on track, a few done early, three clearly late on key milestones (``LATE_FROM``), some
agencies recording only the key milestones (``KEY_ONLY``) — and six plan rows plus two progress rows
with typical mistakes (marked ``# MISTAKE``). With ``procal run --today 2026-11-25`` six of the 12
agencies get an executive reminder: three only behind the disbursement target, two behind and late,
one only late.
The disbursement tab (เบิกจ่าย) comes from ``examples/disbursement_data.py`` when it exists, the
deductions tab (หักคะแนน) from ``examples/deductions_data.py``.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

PLANS_TAB = "แผนจัดซื้อจัดจ้าง"
PROGRESS_TAB = "ผลการดำเนินงาน"
TODAY = date(2026, 11, 25)

HEADERS = ["รหัสโครงการ", "หน่วยงาน", "ชื่อโครงการ", "ประเภทงบประมาณ", "แหล่งงบประมาณ",
           "วงเงิน (บาท)", "วิธีจัดซื้อจัดจ้าง", "วันที่ขึ้นโครงการ", "กำหนดลงนามสัญญา",
           "ปรับจำนวนวัน", "อีเมลผู้รับผิดชอบ", "ปฏิทิน", "ไม่ลงปฏิทิน"]
PROGRESS_HEADERS = ["รหัสโครงการ", "ขั้นตอน", "วันที่ดำเนินการจริง", "ปัญหาอุปสรรค"]

A = {  # agency key -> (Thai name, e-mail prefix)
    "pvo": ("สำนักงานจังหวัดขอนแก่น", "pvo"),
    "doh": ("แขวงทางหลวงขอนแก่นที่ 1", "doh1"),
    "drr": ("แขวงทางหลวงชนบทขอนแก่น", "drr"),
    "rid": ("โครงการชลประทานขอนแก่น", "rid"),
    "moph": ("สำนักงานสาธารณสุขจังหวัดขอนแก่น", "ssj"),
    "agri": ("สำนักงานเกษตรจังหวัดขอนแก่น", "kaset"),
    "dpt": ("สำนักงานโยธาธิการและผังเมืองจังหวัดขอนแก่น", "yotha"),
    "cdd": ("สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น", "cdd"),
    "dld": ("สำนักงานปศุสัตว์จังหวัดขอนแก่น", "pasusat"),
    "mots": ("สำนักงานการท่องเที่ยวและกีฬาจังหวัดขอนแก่น", "mots"),
    "tnr": ("สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น", "tnr"),
    "moc": ("สำนักงานพาณิชย์จังหวัดขอนแก่น", "moc"),
}

# id, agency, name, type, source, amount (as typed), method (as typed), start, contract-by,
# overrides, officer, calendar, exclude
P = [
    ("KK70-001", "doh", "ก่อสร้างทางหลวงหมายเลข 2 ช่วงบ้านท่าพระ–บ้านทุ่ม ตอน 1", "งบลงทุน", "งบส่วนราชการ", 185_000_000, "e-bidding", date(2026, 10, 15), None, "", "somchai.k", "", ""),
    ("KK70-002", "doh", "ติดตั้งไฟฟ้าแสงสว่างทางหลวงหมายเลข 12", "งบลงทุน", "งบส่วนราชการ", "12,800,000", "ประกวดราคาอิเล็กทรอนิกส์", date(2026, 11, 2), None, "", "somchai.k", "", ""),
    ("KK70-003", "doh", "ซ่อมบำรุงผิวทางแอสฟัลต์ติก ทล.209", "งบลงทุน", "งบส่วนราชการ", "8.5 ล้าน", "e-bidding", date(2026, 12, 1), None, "invitation=12", "wanida.s", "", ""),
    ("KK70-004", "doh", "จ้างเหมาตัดหญ้าไหล่ทาง ไตรมาส 2", "งบประจำ", "งบส่วนราชการ", "480,000 บาท", "เฉพาะเจาะจง", date(2027, 1, 11), None, "", "wanida.s", "", ""),
    ("KK70-005", "drr", "ก่อสร้างถนนลาดยาง สาย ขก.3012 บ้านโนนทัน–บ้านหนองไผ่", "งบลงทุน", "งบส่วนราชการ", "45,600,000", "e-bidding", date(2026, 9, 21), None, "", "prasert.t", "", ""),
    ("KK70-006", "drr", "ก่อสร้างสะพาน คสล. ข้ามลำน้ำพอง", "งบลงทุน", "งบส่วนราชการ", 28_900_000, "e-bidding", None, date(2027, 3, 31), "draft_hearing=5", "prasert.t", "", ""),
    ("KK70-007", "drr", "จ้างที่ปรึกษาสำรวจออกแบบถนนเชื่อมเมือง", "งบลงทุน", "งบส่วนราชการ", "3,200,000", "งานจ้างที่ปรึกษาวิธีประกาศเชิญชวนทั่วไป", date(2026, 11, 9), None, "", "prasert.t", "", ""),
    ("KK70-008", "rid", "ขุดลอกหนองกองแก้ว อำเภอชุมแพ", "งบลงทุน", "งบส่วนราชการ", "62 ล้าน", "e-bidding", date(2026, 10, 1), None, "invitation=25", "anan.p", "", ""),
    ("KK70-009", "rid", "ปรับปรุงคลองส่งน้ำสายใหญ่ฝั่งซ้าย เขื่อนอุบลรัตน์", "งบลงทุน", "งบเหลื่อมปี", "9,750,000", "e-bidding", date(2026, 9, 28), None, "", "anan.p", "", ""),
    ("KK70-010", "rid", "จ้างควบคุมงานก่อสร้างอาคารบังคับน้ำ", "งบลงทุน", "งบส่วนราชการ", "1,850,000", "งานจ้างออกแบบหรือควบคุมงานก่อสร้างวิธีคัดเลือก", date(2026, 12, 14), None, "", "anan.p", "", ""),
    ("KK70-011", "rid", "ซื้อเครื่องสูบน้ำขนาด 12 นิ้ว 6 เครื่อง", "งบลงทุน", "งบจังหวัด", "2.4 ล้าน", "e-market", date(2026, 11, 16), None, "", "kittipong.r", "", ""),
    ("KK70-012", "moph", "ก่อสร้างอาคารผู้ป่วยนอก โรงพยาบาลชุมแพ", "งบลงทุน", "งบส่วนราชการ", "38,500,000", "e-bidding", date(2027, 1, 18), None, "", "dr.suda", "", ""),
    ("KK70-013", "moph", "ซื้อครุภัณฑ์การแพทย์ เครื่องเอกซเรย์ดิจิทัล", "งบลงทุน", "งบส่วนราชการ", 6_200_000, "e-market", date(2026, 10, 19), None, "", "dr.suda", "", ""),
    ("KK70-014", "moph", "ซื้อวัสดุวิทยาศาสตร์การแพทย์ ไตรมาส 1", "งบประจำ", "งบส่วนราชการ", "1,250,000", "ตลาดอิเล็กทรอนิกส์", date(2026, 10, 6), None, "", "nattaya.c", "", ""),
    ("KK70-015", "moph", "จ้างทำความสะอาดอาคาร สสจ.ขอนแก่น", "งบประจำ", "งบส่วนราชการ", "960,000", "วิธีคัดเลือก", date(2026, 9, 14), None, "", "nattaya.c", "", ""),
    ("KK70-016", "moph", "ซื้อชุดตรวจโรคติดเชื้อทางเดินหายใจ (กรณีเร่งด่วน)", "งบประจำ", "เงินกู้", "750,000", "คัดเลือกเร่งด่วน", date(2026, 11, 23), None, "", "nattaya.c", "", ""),
    ("KK70-017", "agri", "ซื้อเมล็ดพันธุ์ข้าวหอมมะลิ 105 ชั้นพันธุ์ขยาย", "งบประจำ", "งบจังหวัด", "2,750,000", "e-market", date(2027, 2, 1), None, "", "boonmee.w", "", ""),
    ("KK70-018", "agri", "จ้างอบรมเกษตรกรปลูกพืชใช้น้ำน้อย", "งบประจำ", "งบกลุ่มจังหวัด", "350,000", "specific", date(2026, 12, 7), None, "", "boonmee.w", "", "ใช่"),
    ("KK70-019", "agri", "ก่อสร้างโรงเรือนผลิตเมล็ดพันธุ์ชุมชน", "งบลงทุน", "งบกลุ่มจังหวัด", "4,300,000", "e-bidding", date(2027, 3, 1), None, "draft_hearing=on", "boonmee.w", "", ""),
    ("KK70-020", "agri", "จ้างที่ปรึกษาศึกษาห่วงโซ่อุปทานอ้อย", "งบลงทุน", "งบกลุ่มจังหวัด", "1,500,000", "consultant-selection", date(2027, 1, 4), None, "", "jintana.m", "", ""),
    ("KK70-021", "dpt", "ก่อสร้างเขื่อนป้องกันตลิ่งริมลำน้ำชี บ้านท่าม่วง", "งบลงทุน", "งบกลุ่มจังหวัด", "48,700,000", "e-bidding", date(2026, 10, 26), None, "", "wichai.y", "", ""),
    ("KK70-022", "dpt", "ปรับปรุงภูมิทัศน์บึงแก่นนคร ระยะที่ 2", "งบลงทุน", "งบจังหวัด", "9,900,000", "e-bidding", date(2027, 2, 15), None, "", "wichai.y", "", ""),
    ("KK70-023", "dpt", "จ้างออกแบบอาคารศูนย์ราชการจังหวัดหลังใหม่", "งบลงทุน", "งบจังหวัด", "5,600,000", "งานจ้างออกแบบหรือควบคุมงานก่อสร้างวิธีประกาศเชิญชวนทั่วไป", date(2026, 11, 30), None, "", "wichai.y", "", ""),
    ("KK70-024", "dpt", "จ้างออกแบบปรับปรุงทางเท้าถนนหน้าเมือง", "งบลงทุน", "งบจังหวัด", "420,000", "งานจ้างออกแบบหรือควบคุมงานก่อสร้างวิธีเฉพาะเจาะจง", date(2027, 4, 5), None, "", "siriporn.n", "", ""),
    ("KK70-025", "dpt", "ซื้อวัสดุงานโยธา (ท่อ คสล.) 300 ท่อน", "งบประจำ", "งบส่วนราชการ", "385,000", "เฉพาะเจาะจง", date(2026, 10, 12), None, "", "siriporn.n", "", ""),
    ("KK70-026", "cdd", "จ้างจัดงานแสดงสินค้า OTOP ขอนแก่น 2570", "งบประจำ", "งบจังหวัด", "2,900,000", "e-bidding", None, date(2027, 2, 26), "", "kanokwan.p", "", ""),
    ("KK70-027", "cdd", "จ้างพิมพ์คู่มือกองทุนหมู่บ้าน", "งบประจำ", "งบส่วนราชการ", "95,000", "specific", date(2026, 11, 4), None, "", "kanokwan.p", "", ""),
    ("KK70-028", "cdd", "จ้างที่ปรึกษาประเมินผลโครงการพัฒนาหมู่บ้าน", "งบประจำ", "งบส่วนราชการ", "450,000", "งานจ้างที่ปรึกษาวิธีเฉพาะเจาะจง", date(2027, 1, 25), None, "", "kanokwan.p", "", ""),
    ("KK70-029", "dld", "ซื้อวัคซีนป้องกันโรคปากและเท้าเปื่อย", "งบประจำ", "งบส่วนราชการ", "1,180,000", "e-market", date(2026, 12, 21), None, "", "thanakorn.b", "", ""),
    ("KK70-030", "dld", "ซื้อแร่ธาตุก้อนสำหรับโคเนื้อเกษตรกร", "งบประจำ", "งบจังหวัด", "260,000", "เฉพาะเจาะจง", date(2027, 3, 8), None, "", "thanakorn.b", "", "x"),
    ("KK70-031", "dld", "ก่อสร้างโรงฆ่าสัตว์มาตรฐาน อำเภอน้ำพอง", "งบลงทุน", "งบกลุ่มจังหวัด", "7,450,000", "e-bidding", date(2027, 4, 19), None, "", "thanakorn.b", "", ""),
    ("KK70-032", "mots", "ปรับปรุงสนามกีฬากลางจังหวัดขอนแก่น", "งบลงทุน", "งบจังหวัด", "16,500,000", "e-bidding", date(2026, 11, 11), None, "", "piyapong.s", "", ""),
    ("KK70-033", "mots", "จ้างจัดงานเทศกาลไหมนานาชาติ ประเพณีผูกเสี่ยว", "งบประจำ", "งบจังหวัด", "4,800,000", "e-bidding", None, date(2026, 12, 25), "", "piyapong.s", "", ""),
    ("KK70-034", "mots", "จ้างที่ปรึกษาจัดทำแผนแม่บทการท่องเที่ยว", "งบประจำ", "งบกลุ่มจังหวัด", "2,100,000", "งานจ้างที่ปรึกษาวิธีประกาศเชิญชวนทั่วไป", date(2027, 2, 8), None, "", "piyapong.s", "", ""),
    ("KK70-035", "mots", "ซื้ออุปกรณ์กีฬาให้โรงเรียนพื้นที่ห่างไกล 40 แห่ง", "งบประจำ", "งบจังหวัด", "1,600,000", "วิธีสอบราคา", date(2027, 1, 6), None, "", "ratree.k", "", ""),
    ("KK70-036", "tnr", "จ้างปลูกป่าต้นน้ำภูเวียง 300 ไร่", "งบลงทุน", "งบส่วนราชการ", "3,750,000", "วิธีคัดเลือก", date(2026, 12, 2), None, "", "supot.l", "", ""),
    ("KK70-037", "tnr", "ซื้อเครื่องตรวจวัดคุณภาพอากาศ PM2.5", "งบลงทุน", "งบจังหวัด", "5,900,000", "ตลาดอิเล็กทรอนิกส์", date(2027, 3, 15), None, "", "supot.l", "", ""),
    ("KK70-038", "tnr", "จ้างเหมาเก็บขยะแม่น้ำพอง", "งบประจำ", "งบส่วนราชการ", "180,000", "specific", date(2026, 10, 20), None, "", "supot.l", "", ""),
    ("KK70-039", "moc", "จ้างจัดตลาดนัดสินค้าชุมชนเชื่อมโยงการค้า", "งบประจำ", "เงินกู้", "650,000", "เฉพาะเจาะจง", date(2026, 12, 9), None, "", "arunee.c", "", ""),
    ("KK70-040", "moc", "จ้างที่ปรึกษาศึกษาศักยภาพการค้าชายแดน", "งบประจำ", "งบกลุ่มจังหวัด", "1,200,000", "consultant-general", date(2027, 3, 22), None, "", "arunee.c", "", ""),
    ("KK70-041", "pvo", "ก่อสร้างศูนย์ประชุมและแสดงสินค้าจังหวัด ระยะที่ 1", "งบลงทุน", "งบจังหวัด", "55,000,000", "e-bidding", None, date(2027, 6, 30), "", "chaiwat.p", "ผู้บริหาร", ""),
    ("KK70-042", "pvo", "จ้างที่ปรึกษาออกแบบศูนย์ประชุม", "งบลงทุน", "งบจังหวัด", "2,600,000", "งานจ้างออกแบบหรือควบคุมงานก่อสร้างวิธีประกาศเชิญชวนทั่วไป", date(2026, 9, 7), None, "", "chaiwat.p", "", ""),
    ("KK70-043", "pvo", "ซื้อรถยนต์ตรวจการณ์ 4 คัน", "งบลงทุน", "งบส่วนราชการ", "3,480,000", "e-market", date(2026, 10, 27), None, "", "malee.s", "", ""),
    ("KK70-044", "pvo", "จ้างที่ปรึกษาประเมินผลแผนพัฒนาจังหวัด", "งบประจำ", "งบจังหวัด", "980,000", "งานจ้างที่ปรึกษาวิธีคัดเลือก", date(2026, 11, 18), None, "", "malee.s", "", ""),
    ("KK70-045", "pvo", "ซื้อวัสดุสำนักงาน ไตรมาส 2", "งบประจำ", "งบส่วนราชการ", "120,000", "specific", date(2027, 1, 13), None, "", "malee.s", "", "ใช่"),
    ("KK70-046", "drr", "ซ่อมสร้างผิวจราจรแอสฟัลต์ สาย ขก.4024", "งบลงทุน", "งบเหลื่อมปี", "5,450,000", "e-bidding", date(2026, 9, 1), None, "", "prasert.t", "", ""),
    # ---- typical mistakes
    ("KK70-047", "dpt", "ก่อสร้างลานจอดรถศาลากลาง", "งบลงทุน", "งบจังหวัด", "2,300,000", "e-bidding", "5/1/70", None, "", "wichai.y", "", ""),  # MISTAKE: two-digit year
    ("KK70-048", "cdd", "จ้างซ่อมแซมอาคารศูนย์เรียนรู้ชุมชน", "งบลงทุน", "งบส่วนราชการ", "450,000", "e-bidding", date(2026, 12, 15), None, "", "kanokwan.p", "", ""),  # MISTAKE: below e-bidding
    ("KK70-049", "agri", "ซื้อปุ๋ยอินทรีย์สำหรับแปลงสาธิต", "งบประจำ", "งบจังหวัด", "780,000", "ประมูลออนไลน์", date(2027, 1, 20), None, "", "jintana.m", "", ""),  # MISTAKE: unknown method
    ("KK70-050", "rid", "ก่อสร้างฝายชะลอน้ำ 12 แห่ง", "งบลงทุน", "งบจังหวัด", "11,200,000", "e-bidding", date(2027, 2, 22), None, "appeal=5", "kittipong.r", "", ""),  # MISTAKE: below legal minimum
    ("KK70-032", "mots", "ติดตั้งระบบไฟส่องสว่างสนามกีฬา", "งบลงทุน", "งบจังหวัด", "3,300,000", "e-bidding", date(2027, 1, 12), None, "", "ratree.k", "", ""),  # MISTAKE: duplicate id
    ("KK70-051", "tnr", "ปรับปรุงศูนย์ศึกษาธรรมชาติภูผาม่าน", "งบลงทุน", "งบจังหวัด", "1,900,000", "e-bidding", date(2027, 3, 1), date(2027, 1, 29), "", "supot.l", "", ""),  # MISTAKE: deadline before start
]

# ---- progress tab (ผลการดำเนินงาน): what the agencies have recorded by TODAY
# By default a project is on track: every step planned before TODAY has its actual date (a mix of
# on the day, a day early, a day late). The exceptions below make the story the example tells:
LATE_FROM = {  # clearly late on key milestones: nothing recorded from this step on (+ the reason)
    "KK70-001": ("draft_hearing", "แก้ไขร่าง TOR ตามข้อวิจารณ์ของผู้ประกอบการ ยังไม่ได้เผยแพร่รับฟังความคิดเห็น"),
    "KK70-009": ("invitation", "รอความเห็นชอบแบบรูปรายการจากกรมชลประทาน ยังไม่ได้ประกาศเชิญชวน"),
    "KK70-021": ("tor_and_reference_price", "รอแบบรูปรายการจากกรมโยธาธิการฯ"),
}
EARLY = {"KK70-013": 3, "KK70-025": 1, "KK70-043": 3}  # done ahead of plan (working days early)
# on track, but the agency records only the key milestones (the steps on the calendar), never the
# internal ones (TOR drafting, purchase approval, committee, evaluation, negotiation) — common in
# practice; they count as late only with [reconcile] late_steps = ["*"]
KEY_ONLY = {"KK70-027", "KK70-033", "KK70-038", "KK70-042"}
KEY_STEPS = {"draft_hearing", "invitation", "bid_submission", "winner_announcement", "appeal",
             "contract_signing"}  # calendar_sync's default [sync] event_steps
SLIPS = {  # (id, step) -> (working days after the planned date, note): done late but done
    ("KK70-046", "bid_evaluation"): (3, "ผู้ยื่นข้อเสนอ 14 ราย ใช้เวลาพิจารณานาน"),
    ("KK70-042", "invitation"): (2, "แก้ไขขอบเขตงานตามข้อทักท้วง"),
    ("KK70-015", "contract_signing"): (1, "ผู้ชนะขอเลื่อนวันลงนาม"),
    ("KK70-005", "purchase_approval"): (4, "รอผู้ว่าราชการจังหวัดลงนามอนุมัติ"),
    ("KK70-038", "negotiation"): (1, "ผู้รับจ้างรายเดิมไม่เสนอราคา ต้องหารายใหม่"),
}
ON_TRACK_SHIFTS = (0, 0, -1, 0, 1, 0, 0)  # cycled: mostly on the day
PROGRESS_MISTAKES = [
    ["KK70-999", "invitation", "2026-11-02", ""],  # MISTAKE: unknown project id
    ["KK70-013", "ส่งมอบงาน", "2026-11-10", ""],  # MISTAKE: unknown step
]


def timeline_of(p: tuple):
    """The project's timeline exactly as procal computes it from the typed cells."""
    from schedule_engine import build_timeline, default_calendar, default_rulebook

    overrides = [x.strip() for x in p[9].split(";") if x.strip()]
    start = p[7] if isinstance(p[7], date) else None
    return build_timeline(
        default_rulebook(), default_calendar(), method=p[6], budget=p[5], start=start,
        contract_by=None if start else p[8],
        day_overrides={k: int(v) for k, v in (x.split("=") for x in overrides) if v.isdigit()},
        with_steps=[x.split("=")[0] for x in overrides if x.endswith("=on")])


def _date_as_typed(d: date, i: int) -> object:
    """Mix the ways people enter dates: date cells, 20/07/2565, 20 ก.ค. 2565, ISO text."""
    from schedule_engine.dates import format_thai_date

    style = i % 4
    if style == 0:
        return datetime(d.year, d.month, d.day)
    if style == 1:
        return f"{d.day:02d}/{d.month:02d}/{d.year + 543}"
    if style == 2:
        return format_thai_date(d)
    return d.isoformat()


def plan_rows() -> list[list[object]]:
    rows = []
    for i, (pid, ag, name, btype, bsrc, amount, method, start, deadline, ovr, who, cal, excl) in \
            enumerate(P):
        agency, prefix = A[ag]
        rows.append([
            pid, agency, name, btype, bsrc, amount, method,
            _date_as_typed(start, i) if isinstance(start, date) else start,
            _date_as_typed(deadline, i + 1) if isinstance(deadline, date) else deadline,
            ovr, f"{who}@{prefix}.example.go.th" if who else "", cal, excl,
        ])
    # a stray non-breaking space and a trailing space, as pasted from LINE / Word
    rows[10][1] = rows[10][1] + "\u00a0"
    rows[20][0] = " " + rows[20][0] + " "
    return rows


def _past_records() -> list[tuple[str, str, date | None, str, int]]:
    """(id, step, actual or None, note, n) of the progress tab as known on TODAY (n: the typing
    style counter of the row)."""
    cal = _cal()
    out, n = [], 0
    for p in P[:46]:  # the valid plan rows (the mistakes follow)
        pid = p[0]
        late = LATE_FROM.get(pid)
        is_late, previous = False, date.min
        for step in timeline_of(p).steps:
            is_late = is_late or (late is not None and step.code == late[0])
            if is_late:
                if step.end < TODAY and step.code == late[0]:
                    out.append((pid, step.code, None, late[1], n))  # the reason, no date yet
                continue
            if pid in KEY_ONLY and step.code not in KEY_STEPS:
                continue
            shift, note = SLIPS.get((pid, step.code), (None, ""))
            if shift is None:
                shift = -EARLY[pid] if pid in EARLY else ON_TRACK_SHIFTS[n % len(ON_TRACK_SHIFTS)]
            actual = (cal.add_working_days(step.end, shift) if shift > 0 else
                      cal.sub_working_days(step.end, -shift) if shift < 0 else step.end)
            if step.end >= TODAY and (pid not in EARLY or actual > TODAY):
                continue  # not due yet (an early project may already have done it)
            if actual > TODAY:
                actual = step.end
            actual = previous = max(actual, previous)  # a step is never done before the one before
            out.append((pid, step.code, actual, note, n))
            n += 1
    return out


def progress_rows() -> list[list[object]]:
    from schedule_engine import parse_date

    out = []
    for pid, code, actual, note, n in _past_records():
        if actual is None:
            out.append([pid, code, "", note])
            continue
        parse_date(actual)
        out.append([pid, code, _date_as_typed(actual, n), note])
    return out + [list(r) for r in PROGRESS_MISTAKES]


# ---- the rest of the season (after TODAY): not in the workbook (it is dated TODAY) but what the
# early-warning backtest (bench/forecast_backtest.py) replays day by day. Steps not recorded by
# TODAY take their planned days from the previous actual date, except:
LATE_DONE = {  # LATE_FROM projects: their late step is finally done this many working days after TODAY
    "KK70-001": 35,  # the draft TOR is revised twice after objections
    "KK70-009": 15,  # the drawings are approved mid-December: too late for carry-over (31 Dec)
    "KK70-021": 45,  # the drawings arrive at the end of January
}
SEASON = {  # (id, step) -> (extra working days, or "min" = the legal minimum; note)
    ("KK70-001", "bid_submission"): (20, "ไม่มีผู้ยื่นข้อเสนอ ต้องประกาศเชิญชวนใหม่"),
    ("KK70-008", "bid_submission"): (65, "ไม่มีผู้ยื่นข้อเสนอ ยกเลิกและประกาศใหม่ 2 ครั้ง"),
    ("KK70-012", "appeal"): (15, "ผู้เสนอราคารายอื่นยื่นอุทธรณ์"),
    ("KK70-006", "draft_hearing"): (4, "มีผู้วิจารณ์ร่าง TOR ต้องแก้ไขและเผยแพร่ใหม่"),
    ("KK70-003", "bid_evaluation"): (25, "ผู้ยื่นข้อเสนอ 20 ราย พิจารณานาน"),
    ("KK70-003", "winner_announcement"): (15, "ราคาต่ำสุดเกินวงเงิน ต้องขอความเห็นชอบเพิ่ม"),
    ("KK70-023", "proposal_evaluation"): (45, "ต้องให้ผู้เสนอแก้ไขข้อเสนอด้านเทคนิคหลายรอบ"),
    ("KK70-036", "proposal_evaluation"): (60, "ผู้ได้รับคัดเลือกไม่ยอมลดราคา ต้องคัดเลือกใหม่"),
    ("KK70-002", "bid_evaluation"): (5, "เอกสารผู้เสนอราคาไม่ครบ ขอเพิ่มเติม"),
    # late on a step but the agency catches up on the rest (at the legal minimums): on time
    ("KK70-026", "invitation"): (3, "แก้ไขเอกสารประกวดราคา"),
    ("KK70-026", "bid_evaluation"): ("min", "เร่งพิจารณาผล"),
    ("KK70-026", "winner_announcement"): ("min", "เร่งอนุมัติ"),
    ("KK70-033", "purchase_approval"): ("min", "เร่งเสนอรายงานขอจ้างหลังได้รับการเตือน"),
    ("KK70-033", "bid_evaluation"): ("min", "เร่งพิจารณาผล"),
    ("KK70-033", "winner_announcement"): ("min", "เร่งอนุมัติ"),
}
# planned to start too late for the measure, and the agency starts early once warned
START_EARLY = {"KK70-019": date(2027, 1, 25)}
# (KK70-022, -031, -037 and -041 are planned to sign after the illustrative 31 Mar measure and do
# not react: late by their plan)


def _advance(cal, d: date, days: int, unit: str) -> date:
    from datetime import timedelta

    if days == 0:
        return cal.next_working_day(d)
    if unit == "working":
        return cal.add_working_days(d, days)
    return cal.next_working_day(d + timedelta(days=days))


def season_progress() -> list[tuple[str, str, date, str]]:
    """Every actual date of the example year: the progress tab's (as known on TODAY) and the
    ones after it, as (id, step, actual, note)."""
    from datetime import timedelta

    cal = _cal()
    past = [(pid, code, a, note) for pid, code, a, note, _ in _past_records() if a is not None]
    done: dict[str, dict[str, date]] = {}
    for pid, code, a, _ in past:
        done.setdefault(pid, {})[code] = a
    out = list(past)
    after_today = cal.next_working_day(TODAY + timedelta(days=1))
    for p in P[:46]:
        pid = p[0]
        steps = timeline_of(p).steps
        rec = done.get(pid, {})
        last = max((i for i, s in enumerate(steps) if s.code in rec), default=-1)
        prev = rec[steps[last].code] if last >= 0 else START_EARLY.get(pid, timeline_of(p).start)
        for s in steps[last + 1:]:
            extra, note = SEASON.get((pid, s.code), (0, ""))
            days = s.min_days if extra == "min" else s.days + extra
            end = max(_advance(cal, prev, days, s.unit), after_today)
            if pid in LATE_FROM and s.code == LATE_FROM[pid][0]:
                end = max(end, cal.add_working_days(TODAY, LATE_DONE[pid]))
                note = LATE_FROM[pid][1]
            prev = end
            if pid in KEY_ONLY and s.code not in KEY_STEPS:
                continue
            out.append((pid, s.code, end, note))
    return out


def _cal():
    from schedule_engine import default_calendar

    return default_calendar()


def build(out: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = PLANS_TAB
    head_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")

    def write(ws, header, rows, widths, date_cols=()):
        ws.append(header)
        for c in ws[1]:
            c.font = head_font
            c.fill = fill
            c.alignment = Alignment(wrap_text=True, vertical="center")
        for r in rows:
            ws.append(r)
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"
                if c.column in date_cols and isinstance(c.value, datetime):
                    c.number_format = "dd/mm/yyyy"
        ws.freeze_panes = "B2"
        for i, w in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = w

    write(ws, HEADERS, plan_rows(), [11, 38, 52, 13, 15, 15, 30, 16, 16, 18, 34, 10, 10],
          date_cols=(8, 9))
    # the id column is text, so 0012-style ids keep their zeros
    for c in ws["A"]:
        c.number_format = "@"
    ws2 = wb.create_sheet(PROGRESS_TAB)
    write(ws2, PROGRESS_HEADERS, progress_rows(), [11, 26, 20, 48], date_cols=(3,))

    try:
        from disbursement_data import HEADERS as D_HEADERS, TAB as D_TAB, rows as d_rows
    except ImportError:  # the disbursement example is optional
        D_HEADERS = None
    if D_HEADERS is not None:
        ws3 = wb.create_sheet(D_TAB)
        write(ws3, list(D_HEADERS), d_rows(), [44, 14, 16, 16, 16, 16, 16], date_cols=(7,))

    try:  # the treasury's deductions (หักคะแนน, docs/scoring.md) are optional too
        from deductions_data import HEADERS as X_HEADERS, TAB as X_TAB, rows as x_rows
    except ImportError:
        X_HEADERS = None
    if X_HEADERS is not None:
        ws4 = wb.create_sheet(X_TAB)
        write(ws4, list(X_HEADERS), x_rows(), [44, 14, 12, 52, 60], date_cols=(2,))

    # fixed document properties so the file is byte-stable apart from the zip timestamps
    wb.properties.creator = "procal examples"
    wb.properties.created = wb.properties.modified = datetime(2026, 11, 25, 9, 0, 0)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "plans.xlsx"
    print(build(target))
