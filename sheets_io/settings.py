"""Settings of the sheet adapter: tab names, accepted header texts, write-back switches.

``procal.toml`` section ``[sheets]``::

    [sheets]
    plans_tab = "แผนจัดซื้อจัดจ้าง"
    progress_tab = "ผลการดำเนินงาน"
    write_back = true
    due_soon_working_days = 3

    [sheets.headers]          # extra header texts per logical field (added to the defaults)
    amount = ["งบประมาณที่ได้รับจัดสรร"]
    project_id = ["เลขที่โครงการ"]

Header matching ignores case, spaces, non-breaking spaces, dots and a trailing ``*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Mapping

from schedule_engine.i18n import N_, t
from schedule_engine.errors import ConfigError

# logical field -> header texts accepted by default (Thai first, then English)
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    # --- plan tab (แผนจัดซื้อจัดจ้าง)
    "project_id": ("รหัสโครงการ", "รหัส", "project id", "project_id", "project code", "id"),
    "agency": ("หน่วยงาน", "ส่วนราชการ", "agency", "department"),
    "name": ("ชื่อโครงการ", "โครงการ", "รายการ", "project name", "project", "name"),
    "budget_type": ("ประเภทงบประมาณ", "ประเภทงบ", "ประเภทรายจ่าย", "budget type"),
    "budget_source": ("แหล่งงบประมาณ", "แหล่งเงิน", "แหล่งที่มาของงบประมาณ", "budget source",
                      "source of funds", "funding source"),
    "amount": ("วงเงิน", "วงเงินงบประมาณ", "วงเงิน (บาท)", "งบประมาณ", "amount", "budget",
               "amount (baht)"),
    "method": ("วิธีจัดซื้อจัดจ้าง", "วิธีการจัดซื้อจัดจ้าง", "วิธีการจัดหา", "วิธีจัดหา", "วิธี",
               "procurement method", "method"),
    "start": ("วันที่ขึ้นโครงการ", "วันเริ่มโครงการ", "วันที่เริ่ม", "start date", "start",
              "project start"),
    "contract_by": ("กำหนดลงนามสัญญา", "ลงนามสัญญาภายใน", "กำหนดวันลงนามสัญญา", "contract by",
                    "contract deadline", "contract-signing deadline", "sign contract by"),
    "day_overrides": ("ปรับจำนวนวัน", "จำนวนวัน (ปรับ)", "กำหนดวันเอง", "day overrides", "days",
                      "step days"),
    "officer_email": ("อีเมลผู้รับผิดชอบ", "อีเมล", "ผู้รับผิดชอบ (อีเมล)", "officer email", "email",
                      "officer e-mail", "e-mail"),
    "calendar": ("ปฏิทิน", "ปฏิทินปลายทาง", "calendar", "target calendar"),
    "exclude_from_sync": ("ไม่ลงปฏิทิน", "ไม่ต้องลงปฏิทิน", "exclude from sync", "exclude",
                          "no sync"),
    # --- progress tab (ผลการดำเนินงาน); project_id is shared
    "step": ("ขั้นตอน", "รหัสขั้นตอน", "step", "step code"),
    "actual": ("วันที่ดำเนินการจริง", "วันที่ดำเนินการ", "วันที่แล้วเสร็จ", "actual date", "actual",
               "done on"),
    "note": ("ปัญหาอุปสรรค", "ปัญหา/อุปสรรค", "หมายเหตุ", "note", "obstacles", "remarks"),
}

# every logical field a [sheets.headers] key may name: the plan and progress fields above, the
# disbursement tab's own (sheets_io.disbursement), and any a module registers for its own tab
HEADER_FIELDS: set[str] = set(DEFAULT_HEADERS) | {"allocated", "committed", "disbursed", "as_of"}


def register_header_fields(*names: str) -> None:
    """Let a module that reads another tab accept ``[sheets.headers]`` keys for its fields."""
    HEADER_FIELDS.update(names)


PLAN_REQUIRED = ("project_id", "agency", "name", "budget_type", "budget_source", "amount", "method")
PLAN_OPTIONAL = ("start", "contract_by", "day_overrides", "officer_email", "calendar",
                 "exclude_from_sync")
PROGRESS_REQUIRED = ("project_id", "step", "actual")
PROGRESS_OPTIONAL = ("note",)

DEFAULT_BUDGET_SOURCES = ("งบส่วนราชการ", "งบจังหวัด", "งบกลุ่มจังหวัด", "งบเหลื่อมปี", "เงินกู้")


@dataclass(frozen=True)
class SheetsSettings:
    """How procal finds things in the plan sheet (section ``[sheets]`` of procal.toml)."""

    plans_tab: str = "แผนจัดซื้อจัดจ้าง"  # agency-entered
    progress_tab: str = "ผลการดำเนินงาน"  # agency-entered
    disbursement_tab: str = "เบิกจ่าย"  # agency-entered
    schedule_tab: str = "schedule"  # written by procal
    status_tab: str = "status"  # written by procal
    headers: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_HEADERS)))
    budget_sources: tuple[str, ...] = DEFAULT_BUDGET_SOURCES
    write_back: bool = True
    due_soon_working_days: int = 3
    header_search_rows: int = 10  # the header row may sit below a title; look this far down

    @property
    def agency_tabs(self) -> frozenset[str]:
        """Tabs agencies type into: procal never writes to them."""
        return frozenset({self.plans_tab, self.progress_tab, self.disbursement_tab})

    def header_texts(self, logical: str) -> tuple[str, ...]:
        return tuple(self.headers.get(logical, ()))

    @classmethod
    def from_mapping(cls, data: Mapping | None, file: str = "procal.toml") -> "SheetsSettings":
        """Build from the ``[sheets]`` table; unknown keys and bad types raise ConfigError."""
        data = dict(data or {})
        base = cls()
        known = {f.name for f in fields(cls)}
        changes: dict = {}
        for key, value in data.items():
            where = f"sheets.{key}"
            if key not in known:
                raise ConfigError(f"unknown setting; known: {', '.join(sorted(known))}",
                                  file=file, key=where)
            if key.endswith("_tab"):
                if not isinstance(value, str) or not value.strip():
                    raise ConfigError("a tab name must be non-empty text", file=file, key=where)
                changes[key] = value.strip()
            elif key == "headers":
                if not isinstance(value, Mapping):
                    raise ConfigError("must be a table: field = [\"header\", ...]", file=file,
                                      key=where)
                merged = dict(DEFAULT_HEADERS)
                for logical, texts in value.items():
                    if logical not in HEADER_FIELDS:
                        import difflib

                        close = difflib.get_close_matches(logical, sorted(HEADER_FIELDS), n=1)
                        raise ConfigError(
                            t(N_("unknown column field"))
                            + (t(N_("; did you mean {guess}?"), guess=close[0]) if close else "")
                            + t(N_("; known: {fields}"), fields=", ".join(sorted(HEADER_FIELDS))),
                            file=file, key=f"{where}.{logical}")
                    if isinstance(texts, str):
                        texts = [texts]
                    if not isinstance(texts, (list, tuple)) or not all(
                            isinstance(t, str) and t.strip() for t in texts):
                        raise ConfigError("must be a list of header texts", file=file,
                                          key=f"{where}.{logical}")
                    merged[logical] = tuple(texts) + tuple(
                        t for t in merged.get(logical, ()) if t not in texts)
                changes[key] = MappingProxyType(merged)
            elif key == "budget_sources":
                if not isinstance(value, (list, tuple)) or not value or not all(
                        isinstance(t, str) and t.strip() for t in value):
                    raise ConfigError("must be a non-empty list of names", file=file, key=where)
                changes[key] = tuple(v.strip() for v in value)
            elif key == "write_back":
                if not isinstance(value, bool):
                    raise ConfigError(f"must be true or false, got {value!r}", file=file, key=where)
                changes[key] = value
            elif key in ("due_soon_working_days", "header_search_rows"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ConfigError(f"must be a whole number >= 0, got {value!r}", file=file,
                                      key=where)
                changes[key] = value
        result = replace(base, **changes)
        tabs = [result.plans_tab, result.progress_tab, result.disbursement_tab, result.schedule_tab,
                result.status_tab]
        if len(set(tabs)) != len(tabs):
            raise ConfigError(f"tab names must all differ, got {tabs}", file=file, key="sheets")
        return result
