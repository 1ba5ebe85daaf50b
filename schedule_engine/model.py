"""Domain objects shared by every part of procal.

These are the contract between the engine and its adapters: ``sheets_io`` turns rows into
:class:`ProjectPlan` and :class:`StepProgress`; the engine turns a plan into a :class:`Timeline` of
:class:`Milestone`; ``calendar_sync`` turns milestones into events. Plain frozen dataclasses: no
I/O, no Google types, no pandas.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Mapping

DayUnit = Literal["working", "calendar"]


class BudgetType(str, enum.Enum):
    """ประเภทงบประมาณ."""

    OVERALL = "overall"  # ภาพรวม (only for targets / totals)
    RECURRENT = "recurrent"  # งบประจำ (รายจ่ายประจำ)
    INVESTMENT = "investment"  # งบลงทุน (รายจ่ายลงทุน)


class StepState(str, enum.Enum):
    """Status of one milestone on a given day (drives event colour and the schedule tab)."""

    DONE = "done"  # ดำเนินการแล้ว — an actual date is recorded
    ON_TIME = "on_time"  # ตามแผน — planned date still ahead, not yet close
    DUE_SOON = "due_soon"  # ใกล้ถึงกำหนด — within the due-soon window
    LATE = "late"  # ล่าช้า — planned date passed with no actual date


@dataclass(frozen=True)
class SourceRef:
    """Where a plan row lives, for error messages and links back to the sheet."""

    source: str  # file path or spreadsheet id
    sheet: str  # tab name
    row: int  # 1-based sheet row (header is row 1)
    url: str | None = None  # deep link to the row, when the source is a Google Sheet


@dataclass(frozen=True)
class ProjectPlan:
    """One agency project row of the plan sheet (แผนการจัดซื้อจัดจ้าง)."""

    project_id: str  # รหัสโครงการ — the stable key
    agency: str  # หน่วยงาน
    name: str  # ชื่อโครงการ
    budget_type: BudgetType  # งบประจำ / งบลงทุน
    budget_source: str  # แหล่งงบประมาณ: งบส่วนราชการ, งบจังหวัด, งบกลุ่มจังหวัด, งบเหลื่อมปี, เงินกู้
    amount: Decimal  # วงเงิน (baht)
    method: str  # method code in the rulebook, e.g. "e-bidding"
    start: date | None = None  # วันที่ขึ้นโครงการ (forward)
    contract_by: date | None = None  # กำหนดลงนามสัญญา (backward), used when start is None
    day_overrides: Mapping[str, int] = field(default_factory=dict)  # step code -> days
    appeal_filed: bool = False  # an appeal was filed: the Act s.118-119 branch applies
    with_steps: frozenset[str] = frozenset()  # optional steps switched on
    without_steps: frozenset[str] = frozenset()  # optional steps switched off
    officer_email: str | None = None  # ผู้รับผิดชอบ
    calendar: str | None = None  # optional target calendar key (routing override)
    exclude_from_sync: bool = False  # ไม่ต้องลงปฏิทิน
    source_ref: SourceRef | None = None


@dataclass(frozen=True)
class StepProgress:
    """An actual date an agency recorded for a step (ผลการดำเนินงาน / progress tab)."""

    project_id: str
    step_code: str
    actual: date | None
    note: str = ""  # ปัญหาอุปสรรค
    source_ref: SourceRef | None = None


@dataclass(frozen=True)
class Milestone:
    """One computed step of a timeline: it follows ``start`` and ends on ``end`` (its milestone)."""

    code: str  # stable step code, e.g. "invitation"
    name_th: str
    name_en: str
    days: int  # days used (default or override)
    min_days: int | None  # legal minimum; None = the law sets one procal does not know (never 0)
    unit: DayUnit
    start: date  # the previous milestone (or the project start); not counted (CCC s.193/3)
    end: date  # this step's milestone date — always a working day
    legal_ref: str  # e.g. "พ.ร.บ.จัดซื้อจัดจ้างฯ 2560 ม.117"
    confidence: str  # P / T / S / U, as in docs/legal-sources.md
    optional: bool = False
    skipped: tuple[date, ...] = ()  # non-working days passed over while counting (for explain)
    rolled_from: date | None = None  # calendar-day step whose raw end fell on a non-working day
    max_days: int | None = None  # legal maximum ("within N days", e.g. Act s.118), if any
    branch: str | None = None  # "appeal_filed" for the steps of the appeal-filed branch

    @property
    def min_known(self) -> bool:
        return self.min_days is not None


@dataclass(frozen=True)
class Timeline:
    """Every step's date for one procurement (forward from a start or backward from a deadline)."""

    method: str  # method code
    method_name_th: str
    method_name_en: str
    tier: str  # tier code within the method
    tier_label: str  # e.g. "> 500,000 – 5,000,000"
    budget: Decimal
    start: date  # project start (วันที่ขึ้นโครงการ)
    contract_date: date  # contract-signing milestone
    steps: tuple[Milestone, ...]
    direction: Literal["forward", "backward"] = "forward"
    contract_by: date | None = None  # the deadline, for backward timelines
    rules_effective_from: date | None = None
    appeal_filed: bool = False  # the timeline follows the appeal-filed branch (Act s.118-119)

    def step(self, code: str) -> Milestone:
        for s in self.steps:
            if s.code == code:
                return s
        raise KeyError(code)

    def to_dict(self) -> dict:
        """The ``procal plan --format json`` object (ISO CE dates)."""
        return {
            "method": self.method,
            "tier": self.tier,
            "budget": str(self.budget),
            "start": self.start.isoformat(),
            "contract_date": self.contract_date.isoformat(),
            "appeal_filed": self.appeal_filed,
            "steps": [
                {
                    "code": s.code,
                    "name_th": s.name_th,
                    "name_en": s.name_en,
                    "days": s.days,
                    "min_days": s.min_days,  # null = legal minimum unknown (not 0)
                    "min_days_known": s.min_days is not None,
                    "max_days": s.max_days,
                    "unit": s.unit,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "legal_ref": s.legal_ref,
                    "confidence": s.confidence,
                    "branch": s.branch,
                }
                for s in self.steps
            ],
        }


@dataclass(frozen=True)
class StepStatus:
    """Status of a milestone on ``today``: state plus slip in working days (+ = late)."""

    state: StepState
    slip_working_days: int  # actual (or today, if not done and overdue) minus planned; 0 if on time
