"""Line breaking for Thai text in the PDF (Thai has no spaces between words).

fpdf2 breaks lines only at spaces; a long Thai run is otherwise cut at an arbitrary character.
Here lines are broken at spaces and at word boundaries found by longest matching against a small
vocabulary of the words procurement plans use; an unknown stretch is kept whole when it fits,
else cut between character clusters (never between a consonant and its vowel or tone marks).
"""

from __future__ import annotations

import re
from functools import lru_cache

WORDS = """
กรณี กรม กรมบัญชีกลาง กรรมการ กฎหมาย กับ การ กำหนด ก่อสร้าง ข้อ ข้อตกลง ข้อเสนอ ขอ ขอบเขต ของ
ความ ความคิดเห็น ความเห็นชอบ ควบคุม คณะ คณะกรรมการ คัดเลือก คุณภาพ คุณลักษณะ ค่าจ้าง จำเป็น
จ้าง จัด จัดซื้อ จัดจ้าง จัดทำ เจรจา เจาะจง ชนะ เชิญ เชิญชวน ซื้อ ได้รับ ตลาด ต่อรอง ตาม ต้อง
แต่งตั้ง ทั่วไป ที่ ที่ปรึกษา ไม่ ไม่น้อยกว่า ไม่พบ ไม่มี นาม ใน น้อย บริการ บัญชี ประกวด ประกอบการ
ประกาศ ปรึกษา ผล ผู้ ผู้ชนะ ผู้ประกอบการ ผู้ให้บริการ ผู้ได้รับ พิจารณา เผยแพร่ ฟัง รับ รับฟัง
ร่าง ระบบ ระยะ ระยะเวลา ระเบียบ ราคา ราคากลาง ราย รายงาน รายละเอียด รอ ลงนาม วรรค วัน วันทำการ
วิธี เวียน สัญญา สอง หนังสือ หนึ่ง หรือ แบบ ออกแบบ อนุมัติ อนุโลม อุทธรณ์ อิเล็กทรอนิกส์ เอกสาร
เร่งด่วน เฉพาะ เฉพาะเจาะจง เสนอ เสนอราคา และ โดย โครงการ งาน งบ งบประมาณ ถนน คอนกรีต เสริม
เหล็ก หมู่ ตำบล อำเภอ จังหวัด อาคาร ซ่อมแซม ปรับปรุง ติดตั้ง ครุภัณฑ์ จัดหา ปฏิทิน ทำการ ท้าย
ยกเว้น ยื่น ขั้นต่ำ ชื่อ หน่วยงาน ช่วง วงเงิน บาท เริ่ม นับ จาก ครบ สิงหาคม กันยายน ตุลาคม
พฤศจิกายน ธันวาคม มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม ที่มีผล ตั้งแต่ ใช้
หลักเกณฑ์ คำเตือน ประกาศ ยังไม่ ประกาศ วันหยุด พืชมงคล พิเศษ มติ นับเป็น อาจ เร็ว ไป
""".split()

_MARKS = set(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
_LEADING = set("เแโใไ")
_THAI = re.compile(r"[\u0e00-\u0e7f]+")


@lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset[str], int]:
    words = frozenset(WORDS)
    return words, max(map(len, words))


def clusters(text: str) -> list[str]:
    """Character clusters: a leading vowel sticks to the next character, marks and SARA AM/AA
    to the previous one."""
    out: list[str] = []
    for ch in text:
        if out and (ch in _MARKS or ch in "ำะา" or out[-1][-1] in _LEADING):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def segments(text: str) -> list[str]:
    """Pieces between which a line may break (spaces stay at the end of their piece)."""
    words, longest = _vocab()
    pieces: list[str] = []
    for m in re.finditer(r"\S+\s*", text):
        token = m.group(0)
        stripped = token.rstrip()
        tail = token[len(stripped):]
        parts: list[str] = []
        i = 0
        pending = ""
        while i < len(stripped):
            if not _THAI.match(stripped[i]):
                j = i
                while j < len(stripped) and not _THAI.match(stripped[j]):
                    j += 1
                pending += stripped[i:j]
                i = j
                continue
            hit = None
            for n in range(min(longest, len(stripped) - i), 0, -1):
                cand = stripped[i:i + n]
                if cand in words:
                    after = stripped[i + n:i + n + 1]
                    if after and after in _MARKS:
                        continue  # a word may not end before a mark
                    hit = cand
                    break
            if hit:
                if pending:
                    parts.append(pending)
                    pending = ""
                parts.append(hit)
                i += len(hit)
            else:
                pending += stripped[i]
                i += 1
        if pending:
            parts.append(pending)
        # glue marks that landed at a piece's start back onto the previous piece
        glued: list[str] = []
        for p in parts:
            if glued and (p[0] in _MARKS or p[0] in "ำะา)],;:/." or glued[-1][-1] in _LEADING
                          or glued[-1][-1] in "([/"):
                glued[-1] += p
            else:
                glued.append(p)
        if glued:
            glued[-1] += tail
        pieces.extend(glued)
    return pieces


def wrap(text: str, width: float, measure) -> str:
    """``text`` with ``\\n`` where lines must break to fit ``width`` (``measure(s)`` → width)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for piece in segments(para):
            if not line or measure((line + piece).rstrip()) <= width:
                line += piece
                continue
            lines.append(line.rstrip())
            line = ""
            if measure(piece.rstrip()) > width:  # longer than a line: cut between clusters
                for c in clusters(piece):
                    if line and measure((line + c).rstrip()) > width:
                        lines.append(line.rstrip())
                        line = ""
                    line += c
            else:
                line = piece
        lines.append(line.rstrip())
    return "\n".join(lines)
