"""Cabinet disbursement targets (เป้าหมายการเบิกจ่ายงบประมาณตามมติคณะรัฐมนตรี) per fiscal year.

A targets file ``FY<BE>.toml`` holds cumulative quarter-end percentages of the allocation per
measure (``disbursement`` เบิกจ่าย, ``spending`` ใช้จ่าย = disbursed + commitments) and budget type
(``overall`` ภาพรวม, ``recurrent`` รายจ่ายประจำ, ``investment`` รายจ่ายลงทุน)::

    fiscal_year = 2565
    illustrative = false
    source = "มติคณะรัฐมนตรี 21 ธ.ค. 2564 ..."
    [disbursement]
    overall = [30.00, 51.00, 72.00, 93.00]     # Q1..Q4, cumulative
    ...

Shipped files live in ``config/targets`` (package ``procal_config.targets``); a deployment adds
directories (``[targets] dirs``) that are searched first. The target on a date is either the
current quarter's end target (``quarter_end``) or — the default, for early warning — interpolated
linearly by calendar day between the previous quarter-end target (0 before 1 October) and the
current one (``pro_rata``): at the close of day ``d`` the target is
``prev + (cur - prev) * days_elapsed_through_d / days_in_quarter``, so on a quarter's last day it
equals that quarter's target exactly.
"""

from __future__ import annotations

import enum
import itertools
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Iterable, Literal, Mapping

from schedule_engine.dates import fiscal_year as fiscal_year_of
from schedule_engine.dates import quarter_bounds, quarter_of
from schedule_engine.errors import TargetsError
from schedule_engine.text import read_config_text
from schedule_engine.model import BudgetType

TargetMode = Literal["pro_rata", "quarter_end"]
TARGET_MODES: tuple[str, ...] = ("pro_rata", "quarter_end")


class Measure(str, enum.Enum):
    """What a target measures."""

    DISBURSEMENT = "disbursement"  # เบิกจ่าย — cash paid out
    SPENDING = "spending"  # ใช้จ่าย — disbursed + legal commitments (ก่อหนี้ผูกพัน/PO)


MEASURE_TH = {Measure.DISBURSEMENT: "เบิกจ่าย", Measure.SPENDING: "ใช้จ่าย"}
BUDGET_TYPE_TH = {
    BudgetType.OVERALL: "ภาพรวม",
    BudgetType.RECURRENT: "รายจ่ายประจำ",
    BudgetType.INVESTMENT: "รายจ่ายลงทุน",
}

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TargetTable:
    """One fiscal year's cumulative quarter-end targets (percent of allocation)."""

    fiscal_year: int  # BE
    quarters: Mapping[tuple[Measure, BudgetType], tuple[Decimal, ...]]  # up to 4 values, Q1..
    source: str = ""
    illustrative: bool = False  # True for example tables that are NOT a cabinet resolution
    file: str = ""  # where it was read from (for error messages)
    _hint_dir: str = field(default="config/targets", repr=False)

    def quarter_end(self, measure: Measure | str, budget_type: BudgetType | str, quarter: int
                    ) -> Decimal:
        """The cumulative target (%) at the end of ``quarter`` (1–4)."""
        m, bt = Measure(measure), BudgetType(budget_type)
        values = self.quarters.get((m, bt))
        where = self.file or f"{self._hint_dir}/FY{self.fiscal_year}.toml"
        if values is None:
            raise TargetsError(
                f"no {m.value} target for budget type '{bt.value}' in FY{self.fiscal_year}"
                f" — add `{bt.value} = [Q1, Q2, Q3, Q4]` under [{m.value}]",
                file=where, key=f"{m.value}.{bt.value}")
        if not 1 <= quarter <= len(values):
            raise TargetsError(
                f"FY{self.fiscal_year} has no Q{quarter} {m.value} target for '{bt.value}'"
                f" (only {len(values)} quarter(s) given) — complete the list with Q1..Q4",
                file=where, key=f"{m.value}.{bt.value}")
        return values[quarter - 1]

    def target_on(self, measure: Measure | str, budget_type: BudgetType | str, on: date,
                  mode: TargetMode = "pro_rata") -> Decimal:
        """The cumulative target (%) on ``on`` (which must fall in this fiscal year)."""
        if fiscal_year_of(on) != self.fiscal_year:
            raise TargetsError(f"{on.isoformat()} is in FY{fiscal_year_of(on)}, not FY{self.fiscal_year}",
                               file=self.file or None)
        q = quarter_of(on)
        current = self.quarter_end(measure, budget_type, q)
        if mode == "quarter_end":
            return current
        if mode != "pro_rata":
            raise TargetsError(f"unknown target mode {mode!r}; use one of {', '.join(TARGET_MODES)}",
                               key="targets.mode")
        previous = self.quarter_end(measure, budget_type, q - 1) if q > 1 else Decimal(0)
        first, last = quarter_bounds(self.fiscal_year, q)
        elapsed = (on - first).days + 1  # days elapsed through the close of `on`
        length = (last - first).days + 1
        return previous + (current - previous) * Decimal(elapsed) / Decimal(length)


def _as_percent(value: object, file: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TargetsError(f"{value!r} is not a percentage", file=file, key=key)
    try:
        pct = Decimal(str(value))
    except InvalidOperation:
        raise TargetsError(f"{value!r} is not a percentage", file=file, key=key) from None
    if not Decimal(0) <= pct <= HUNDRED:
        raise TargetsError(f"{value!r} is outside 0–100 %", file=file, key=key)
    return pct


def parse_targets(data: Mapping, file: str = "<targets>", fiscal_year: int | None = None
                  ) -> TargetTable:
    """Validate one targets mapping (a parsed ``FY<BE>.toml``)."""
    allowed = {"fiscal_year", "illustrative", "source", *(m.value for m in Measure)}
    for key in data:
        if key not in allowed:
            raise TargetsError(f"unknown key; expected one of {', '.join(sorted(allowed))}",
                               file=file, key=str(key))
    fy = data.get("fiscal_year", fiscal_year)
    if not isinstance(fy, int) or isinstance(fy, bool) or fy < 2400:
        raise TargetsError("fiscal_year must be a Buddhist-Era year such as 2565", file=file,
                           key="fiscal_year")
    if fiscal_year is not None and fy != fiscal_year:
        raise TargetsError(f"file is for FY{fy} but was looked up as FY{fiscal_year}", file=file,
                           key="fiscal_year")
    illustrative = data.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise TargetsError("must be true or false", file=file, key="illustrative")
    quarters: dict[tuple[Measure, BudgetType], tuple[Decimal, ...]] = {}
    for measure in Measure:
        section = data.get(measure.value, {})
        if not isinstance(section, Mapping):
            raise TargetsError("must be a table of budget type = [Q1, Q2, Q3, Q4]", file=file,
                               key=measure.value)
        for bt_name, values in section.items():
            key = f"{measure.value}.{bt_name}"
            try:
                bt = BudgetType(bt_name)
            except ValueError:
                raise TargetsError("unknown budget type; use overall, recurrent or investment",
                                   file=file, key=key) from None
            if not isinstance(values, list) or not 1 <= len(values) <= 4:
                raise TargetsError("must be a list of 1 to 4 cumulative quarter-end percentages",
                                   file=file, key=key)
            pcts = tuple(_as_percent(v, file, f"{key}[{i}]") for i, v in enumerate(values))
            if any(b < a for a, b in itertools.pairwise(pcts)):
                raise TargetsError("targets are cumulative and may not decrease from one quarter "
                                   "to the next", file=file, key=key)
            quarters[(measure, bt)] = pcts
    return TargetTable(fiscal_year=fy, quarters=quarters, source=str(data.get("source", "")),
                       illustrative=illustrative, file=file)


def _candidates(fy: int, dirs: Iterable[str | Path]) -> list[tuple[str, object]]:
    name = f"FY{fy}.toml"
    found: list[tuple[str, object]] = [(str(Path(d) / name), Path(d) / name) for d in dirs]
    shipped = resources.files("procal_config").joinpath("targets").joinpath(name)
    found.append((f"config/targets/{name}", shipped))
    return found


def load_targets(fiscal_year: int, dirs: Iterable[str | Path] = ()) -> TargetTable:
    """Targets for ``fiscal_year`` (BE): the first ``FY<BE>.toml`` in ``dirs``, then the shipped
    ``config/targets``. A missing year raises :class:`TargetsError` naming the file to add."""
    dirs = list(dirs)
    for label, path in _candidates(fiscal_year, dirs):
        if path.is_file():
            try:
                data = tomllib.loads(read_config_text(path, TargetsError))
            except tomllib.TOMLDecodeError as exc:
                raise TargetsError(f"not valid TOML: {exc}", file=label) from None
            return parse_targets(data, file=label, fiscal_year=fiscal_year)
    from schedule_engine.i18n import t

    # the folder the treasury guide tells users to keep: targets/ beside procal.toml
    where = str(Path(dirs[0]) / f"FY{fiscal_year}.toml") if dirs else f"targets/FY{fiscal_year}.toml"
    raise TargetsError(
        t("no disbursement targets for FY{fy} — add {file} with the cabinet's cumulative quarterly "
          "table (a folder targets/ beside procal.toml, listed in procal.toml as [targets] dirs = "
          "[\"targets\"]; the format is that of the shipped FY2565.toml, see "
          "docs/guide-treasury.md §3)", fy=fiscal_year, file=where), file=where)


def shipped_fiscal_years() -> list[int]:
    """Fiscal years that ship with procal (``config/targets``)."""
    folder = resources.files("procal_config").joinpath("targets")
    out = []
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith("FY") and name.endswith(".toml") and name[2:-5].isdigit():
            out.append(int(name[2:-5]))
    return sorted(out)
