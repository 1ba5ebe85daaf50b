"""Reconciliation: agencies' disbursement against the cabinet targets, and late milestones.

Pure: takes :class:`DisbursementRecord` rows (from ``sheets_io.disbursement``), a targets lookup,
the plans' timelines and progress, and returns figures ready for reports and reminders.

Definitions (docs/reconcile.md):
- disbursement % = disbursed / allocated × 100 (เบิกจ่าย / ได้รับจัดสรร)
- spending %     = (disbursed + committed) / allocated × 100 (ใช้จ่าย = เบิกจ่าย + ก่อหนี้ผูกพัน)
- target %       = the target on the row's as-of date (``pro_rata`` or ``quarter_end``) for the row's
  budget type; for a group of rows (an agency's total, the province per budget source) it is the
  allocation-weighted target of its rows (``totals_target="weighted"``, default) or the cabinet's
  ``overall`` row (``totals_target="overall"``)
- gap (pp)       = actual % − target %; gap (baht) = how much must still be disbursed (or spent) to
  reach the target: max(0, target % × allocated − actual amount)
- severity       = from the disbursement gap and :class:`Thresholds`

Money stays :class:`Decimal`; percentages are kept exact and rounded half-up to 2 dp only for
display (:func:`pct2`).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable, Literal, Mapping, Sequence

from schedule_engine.dates import fiscal_year as fiscal_year_of
from schedule_engine.errors import ConfigError
from schedule_engine.model import (
    BudgetType,
    ProjectPlan,
    SourceRef,
    StepProgress,
    StepState,
    Timeline,
)
from schedule_engine.targets import HUNDRED, Measure, TargetMode, TargetTable
from schedule_engine.timeline import step_status
from schedule_engine.workcal import WorkingCalendar

TotalsTarget = Literal["weighted", "overall"]
ZERO = Decimal(0)
CENT = Decimal("0.01")


def pct2(value: Decimal) -> Decimal:
    """A percentage (or baht amount) rounded half-up to 2 dp, for display."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole × 100`` exactly (0 when ``whole`` is 0)."""
    if whole == 0:
        return ZERO
    return part * HUNDRED / whole


@dataclass(frozen=True)
class DisbursementRecord:
    """One row of the disbursement tab: agency × budget type × budget source, as of a date
    (the figures the treasury gets from GFMIS each month)."""

    agency: str  # หน่วยงาน
    budget_type: BudgetType  # ประเภทงบ
    budget_source: str  # แหล่งงบประมาณ
    allocated: Decimal  # ได้รับจัดสรร
    committed: Decimal  # ก่อหนี้ผูกพัน / PO (not yet disbursed)
    disbursed: Decimal  # เบิกจ่าย
    as_of: date  # ข้อมูล ณ วันที่
    source_ref: SourceRef | None = None

    @property
    def spent(self) -> Decimal:
        """ใช้จ่าย = disbursed + commitments."""
        return self.disbursed + self.committed


class Severity(str, enum.Enum):
    """How far behind the disbursement target (ordered, worst last)."""

    ON_TRACK = "on_track"  # ตามเป้าหมาย
    WATCH = "watch"  # ต่ำกว่าเป้าหมายเล็กน้อย
    BEHIND = "behind"  # ต่ำกว่าเป้าหมาย
    CRITICAL = "critical"  # ต่ำกว่าเป้าหมายมาก

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    @property
    def label_th(self) -> str:
        return SEVERITY_TH[self]


SEVERITY_TH = {
    Severity.ON_TRACK: "ตามเป้าหมาย",
    Severity.WATCH: "ต่ำกว่าเป้าหมายเล็กน้อย",
    Severity.BEHIND: "ต่ำกว่าเป้าหมาย",
    Severity.CRITICAL: "ต่ำกว่าเป้าหมายมาก",
}


@dataclass(frozen=True)
class Thresholds:
    """Severity from the disbursement gap in percentage points below target.

    gap >= 0 → on track; 0 > gap > -behind_pp → watch; -behind_pp >= gap > -critical_pp → behind;
    gap <= -critical_pp → critical.
    """

    behind_pp: Decimal = Decimal(5)
    critical_pp: Decimal = Decimal(15)

    def __post_init__(self) -> None:
        if not ZERO < self.behind_pp <= self.critical_pp:
            raise ConfigError(f"need 0 < behind_pp ({self.behind_pp}) <= critical_pp "
                              f"({self.critical_pp})", key="reconcile.thresholds")

    def severity(self, gap_pp: Decimal) -> Severity:
        if gap_pp >= 0:
            return Severity.ON_TRACK
        if gap_pp <= -self.critical_pp:
            return Severity.CRITICAL
        if gap_pp <= -self.behind_pp:
            return Severity.BEHIND
        return Severity.WATCH


@dataclass(frozen=True)
class Figures:
    """Actual against target for one line (an agency × budget type, an agency, a source, …)."""

    allocated: Decimal
    committed: Decimal
    disbursed: Decimal
    disbursement_pct: Decimal
    spending_pct: Decimal
    disbursement_target_pct: Decimal
    spending_target_pct: Decimal
    disbursement_gap_pp: Decimal  # actual − target (negative = behind)
    spending_gap_pp: Decimal
    disbursement_gap_baht: Decimal  # still to disburse to reach the target (>= 0)
    spending_gap_baht: Decimal  # still to spend (disburse or commit) to reach the target (>= 0)
    severity: Severity

    @property
    def spent(self) -> Decimal:
        return self.disbursed + self.committed

    @property
    def behind(self) -> bool:
        return self.severity is not Severity.ON_TRACK


@dataclass(frozen=True)
class AgencyLine:
    """One agency × budget type (all its budget sources summed)."""

    agency: str
    budget_type: BudgetType
    budget_sources: tuple[str, ...]
    as_of: date
    figures: Figures


@dataclass(frozen=True)
class LateMilestone:
    """A plan step whose planned date has passed with no actual date (ล่าช้า)."""

    agency: str
    project_id: str
    project_name: str
    step_code: str
    step_name_th: str
    planned: date
    slip_working_days: int


@dataclass(frozen=True)
class AgencyResult:
    """An agency's standing: total, lines per budget type, rank and late milestones."""

    agency: str
    rank: int  # 1 = best disbursement % in the province
    as_of: date
    total: Figures
    lines: tuple[AgencyLine, ...]
    late_milestones: tuple[LateMilestone, ...] = ()

    @property
    def needs_attention(self) -> bool:
        return self.total.behind or any(ln.figures.behind for ln in self.lines) \
            or bool(self.late_milestones)

    @property
    def worst_severity(self) -> Severity:
        sev = [self.total.severity, *(ln.figures.severity for ln in self.lines)]
        return max(sev, key=lambda s: s.rank)


@dataclass(frozen=True)
class SourceLine:
    """The province's figures for one budget source (แหล่งงบประมาณ)."""

    budget_source: str
    figures: Figures


@dataclass(frozen=True)
class Reconciliation:
    """Everything the reports and reminders need for one as-of date."""

    fiscal_year: int
    as_of: date  # latest as-of date among the records
    mode: TargetMode
    agencies: tuple[AgencyResult, ...]  # ranked, best first
    by_budget_source: tuple[SourceLine, ...]
    by_budget_type: tuple[tuple[BudgetType, Figures], ...]
    province: Figures
    late_milestones: tuple[LateMilestone, ...]
    targets_source: str = ""
    illustrative_targets: bool = False
    # late milestones of agencies that have no row in the disbursement data (still worth a reminder)
    unmatched_late: Mapping[str, tuple[LateMilestone, ...]] = field(default_factory=dict)

    def agency(self, name: str) -> AgencyResult:
        for a in self.agencies:
            if a.agency == name:
                return a
        raise KeyError(name)


TargetsLookup = Callable[[int], TargetTable]


class _Acc:
    """Sums of amounts and of target amounts over a group of records."""

    def __init__(self) -> None:
        self.allocated = ZERO
        self.committed = ZERO
        self.disbursed = ZERO
        self.target_disb = ZERO  # Σ allocated × target% / 100
        self.target_spend = ZERO

    def add(self, rec: DisbursementRecord, t_disb: Decimal, t_spend: Decimal) -> None:
        self.allocated += rec.allocated
        self.committed += rec.committed
        self.disbursed += rec.disbursed
        self.target_disb += rec.allocated * t_disb / HUNDRED
        self.target_spend += rec.allocated * t_spend / HUNDRED

    def figures(self, thresholds: Thresholds, override: tuple[Decimal, Decimal] | None = None
                ) -> Figures:
        if override is not None:
            t_disb_pct, t_spend_pct = override
        else:
            t_disb_pct = percent(self.target_disb, self.allocated)
            t_spend_pct = percent(self.target_spend, self.allocated)
        d_pct = percent(self.disbursed, self.allocated)
        s_pct = percent(self.disbursed + self.committed, self.allocated)
        gap = d_pct - t_disb_pct
        need_d = self.allocated * t_disb_pct / HUNDRED - self.disbursed
        need_s = self.allocated * t_spend_pct / HUNDRED - (self.disbursed + self.committed)
        return Figures(
            allocated=self.allocated, committed=self.committed, disbursed=self.disbursed,
            disbursement_pct=d_pct, spending_pct=s_pct,
            disbursement_target_pct=t_disb_pct, spending_target_pct=t_spend_pct,
            disbursement_gap_pp=gap, spending_gap_pp=s_pct - t_spend_pct,
            disbursement_gap_baht=max(ZERO, need_d), spending_gap_baht=max(ZERO, need_s),
            severity=thresholds.severity(gap),
        )


def line_figures(allocated: Decimal, committed: Decimal, disbursed: Decimal,
                 target_disbursement_pct: Decimal, target_spending_pct: Decimal = ZERO,
                 thresholds: Thresholds = Thresholds()) -> Figures:
    """Figures for one set of amounts against given targets (handy for ad-hoc checks)."""
    acc = _Acc()
    acc.allocated, acc.committed, acc.disbursed = allocated, committed, disbursed
    return acc.figures(thresholds, override=(target_disbursement_pct, target_spending_pct))


def late_milestones(
    plans: Iterable[tuple[ProjectPlan, Timeline]],
    progress: Iterable[StepProgress],
    today: date,
    calendar: WorkingCalendar,
    steps: Iterable[str] = (),
) -> list[LateMilestone]:
    """Every step whose planned date has passed with no actual date, worst slip first
    (only the step codes in ``steps`` when given)."""
    only = frozenset(steps)
    actual: dict[tuple[str, str], date | None] = {}
    for p in progress:
        if p.actual is not None:
            actual[(p.project_id, p.step_code)] = p.actual
    out: list[LateMilestone] = []
    for plan, timeline in plans:
        for step in timeline.steps:
            if only and step.code not in only:
                continue
            status = step_status(step.end, actual.get((plan.project_id, step.code)), today, calendar)
            if status.state is StepState.LATE:
                out.append(LateMilestone(
                    agency=plan.agency, project_id=plan.project_id, project_name=plan.name,
                    step_code=step.code, step_name_th=step.name_th, planned=step.end,
                    slip_working_days=status.slip_working_days))
    out.sort(key=lambda m: (-m.slip_working_days, m.agency, m.project_id, m.planned))
    return out


def reconcile(
    records: Sequence[DisbursementRecord],
    targets: TargetTable | TargetsLookup | Mapping[int, TargetTable],
    *,
    mode: TargetMode = "pro_rata",
    thresholds: Thresholds = Thresholds(),
    totals_target: TotalsTarget = "weighted",
    late: Iterable[LateMilestone] = (),
) -> Reconciliation:
    """Reconcile disbursement records against targets (see the module docstring for formulas).

    ``targets`` is one table, a mapping FY → table, or a callable FY → table (e.g.
    ``lambda fy: load_targets(fy, dirs)``); a missing year raises ``TargetsError``.
    """
    if not records:
        raise ValueError("no disbursement records to reconcile")
    if totals_target not in ("weighted", "overall"):
        raise ConfigError(f"unknown totals_target {totals_target!r}; use weighted or overall",
                          key="reconcile.totals_target")
    lookup = _lookup(targets)
    as_of = max(r.as_of for r in records)
    fy = fiscal_year_of(as_of)
    table = lookup(fy)

    def row_targets(rec: DisbursementRecord) -> tuple[Decimal, Decimal]:
        t = lookup(fiscal_year_of(rec.as_of))
        return (t.target_on(Measure.DISBURSEMENT, rec.budget_type, rec.as_of, mode),
                t.target_on(Measure.SPENDING, rec.budget_type, rec.as_of, mode))

    def overall_override() -> tuple[Decimal, Decimal] | None:
        if totals_target == "weighted":
            return None
        return (table.target_on(Measure.DISBURSEMENT, BudgetType.OVERALL, as_of, mode),
                table.target_on(Measure.SPENDING, BudgetType.OVERALL, as_of, mode))

    by_line: dict[tuple[str, BudgetType], _Acc] = defaultdict(_Acc)
    line_sources: dict[tuple[str, BudgetType], set[str]] = defaultdict(set)
    line_asof: dict[tuple[str, BudgetType], date] = {}
    by_agency: dict[str, _Acc] = defaultdict(_Acc)
    agency_asof: dict[str, date] = {}
    by_source: dict[str, _Acc] = defaultdict(_Acc)
    by_type: dict[BudgetType, _Acc] = defaultdict(_Acc)
    province = _Acc()
    for rec in records:
        t = row_targets(rec)
        key = (rec.agency, rec.budget_type)
        for acc in (by_line[key], by_agency[rec.agency], by_source[rec.budget_source],
                    by_type[rec.budget_type], province):
            acc.add(rec, *t)
        line_sources[key].add(rec.budget_source)
        line_asof[key] = max(line_asof.get(key, rec.as_of), rec.as_of)
        agency_asof[rec.agency] = max(agency_asof.get(rec.agency, rec.as_of), rec.as_of)

    late = list(late)
    late_by_agency: dict[str, list[LateMilestone]] = defaultdict(list)
    for m in late:
        late_by_agency[m.agency].append(m)

    override = overall_override()
    unranked: list[tuple[str, Figures]] = [
        (name, acc.figures(thresholds, override)) for name, acc in by_agency.items()]
    unranked.sort(key=lambda item: (-item[1].disbursement_pct, item[0]))
    agencies = []
    for rank, (name, total) in enumerate(unranked, start=1):
        lines = tuple(
            AgencyLine(agency=name, budget_type=bt, budget_sources=tuple(sorted(line_sources[(a, bt)])),
                       as_of=line_asof[(a, bt)], figures=by_line[(a, bt)].figures(thresholds))
            for (a, bt) in sorted(by_line, key=lambda k: (k[0], list(BudgetType).index(k[1])))
            if a == name)
        agencies.append(AgencyResult(agency=name, rank=rank, as_of=agency_asof[name], total=total,
                                     lines=lines, late_milestones=tuple(late_by_agency.get(name, ()))))
    sources = tuple(SourceLine(src, acc.figures(thresholds, override))
                    for src, acc in sorted(by_source.items()))
    types = tuple((bt, by_type[bt].figures(thresholds)) for bt in BudgetType if bt in by_type)
    return Reconciliation(
        fiscal_year=fy, as_of=as_of, mode=mode, agencies=tuple(agencies),
        by_budget_source=sources, by_budget_type=types,
        province=province.figures(thresholds, override), late_milestones=tuple(late),
        unmatched_late={a: tuple(ms) for a, ms in sorted(late_by_agency.items())
                        if a not in by_agency},
        targets_source=table.source, illustrative_targets=table.illustrative)


def province_history(records: Sequence[DisbursementRecord],
                     targets: TargetTable | TargetsLookup | Mapping[int, TargetTable], *,
                     mode: TargetMode = "pro_rata", thresholds: Thresholds = Thresholds()
                     ) -> list[tuple[date, Figures]]:
    """The province's figures at each as-of date found in ``records`` (for progress charts)."""
    by_date: dict[date, list[DisbursementRecord]] = defaultdict(list)
    for r in records:
        by_date[r.as_of].append(r)
    return [(d, reconcile(rs, targets, mode=mode, thresholds=thresholds).province)
            for d, rs in sorted(by_date.items())]


def _lookup(targets: TargetTable | TargetsLookup | Mapping[int, TargetTable]) -> TargetsLookup:
    if isinstance(targets, TargetTable):
        single = targets

        def one(fy: int) -> TargetTable:
            if fy != single.fiscal_year:
                from schedule_engine.errors import TargetsError

                raise TargetsError(f"targets given for FY{single.fiscal_year} only, data is FY{fy}",
                                   file=f"config/targets/FY{fy}.toml")
            return single

        return one
    if isinstance(targets, Mapping):
        table_map = targets

        def from_map(fy: int) -> TargetTable:
            if fy not in table_map:
                from schedule_engine.errors import TargetsError

                raise TargetsError(f"no targets for FY{fy}", file=f"config/targets/FY{fy}.toml")
            return table_map[fy]

        return from_map
    return targets
