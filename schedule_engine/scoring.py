"""Agency performance scoring (PTS, การประเมินผลการดำเนินงานของหน่วยงาน): criteria as data, measures,
bands → points, applicability and re-weighting, deductions, groups, award tiers, breakdown.

Pure: takes already-read domain objects (plans with timelines, progress, disbursement records,
deductions, row-error counts) and a validated :class:`Criteria`; returns a :class:`Scoreboard`.
Nothing here reads a sheet or writes a file; the shipped default criteria are read through
``importlib.resources`` (``procal_config/scoring/default.toml``).

As-of rule: :func:`score` uses only data dated on or before ``as_of`` — disbursement rows with a
later as-of date, progress (actual) dates after ``as_of`` and deductions dated later are ignored,
so a past quarter's scoreboard recomputed later is the same (docs/scoring.md).

Scale: each criterion has ``points``; a dimension's criteria add up to the dimension's ``weight``
and the dimensions add up to ``total`` (100 by default). An agency to which some criteria do not
apply is scored on the others, scaled up so its total stays out of ``total`` (re-weighting; the
breakdown says so). Deductions are subtracted after that, at most ``max_deduction`` in all, and
the total never goes below ``floor``.
"""

from __future__ import annotations

import statistics
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from typing import Callable, Iterable, Mapping, Sequence

from schedule_engine.dates import fiscal_year as fiscal_year_of
from schedule_engine.dates import format_thai_date, quarter_bounds, quarter_of
from schedule_engine.errors import ConfigError, ScoringCriteriaError, TargetsError
from schedule_engine.model import BudgetType, ProjectPlan, SourceRef, StepProgress, Timeline
from schedule_engine.reconcile import DisbursementRecord, percent
from schedule_engine.targets import BUDGET_TYPE_TH, HUNDRED, Measure, TargetTable
from schedule_engine.workcal import WorkingCalendar

ZERO = Decimal(0)
DEFAULT_FILE = "config/scoring/default.toml"
KEY_STEPS = ("draft_hearing", "invitation", "bid_submission", "winner_announcement", "appeal",
             "contract_signing")
E_BIDDING = "e-bidding"


def round2(v: Decimal) -> Decimal:
    return v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------------ measures
@dataclass(frozen=True)
class MeasureSpec:
    """A measure procal knows how to compute: its id, Thai name, unit and value domain."""

    id: str
    name_th: str
    unit: str  # "%", "วันทำการ", ...
    low: Decimal  # smallest possible value
    high: Decimal | None  # largest possible value (None = unbounded)
    params: frozenset[str] = frozenset()


MEASURES: dict[str, MeasureSpec] = {m.id: m for m in (
    MeasureSpec("ebidding_contract_on_time", "สัดส่วนโครงการ e-bidding ที่ลงนามสัญญาภายในวันที่กำหนดในแผน",
                "%", ZERO, HUNDRED),
    MeasureSpec("milestone_slip_median", "ค่ามัธยฐานความล่าช้าของขั้นตอนสำคัญ", "วันทำการ", ZERO,
                None, frozenset({"steps"})),
    MeasureSpec("milestone_slip_worst", "ความล่าช้าสูงสุดของขั้นตอนสำคัญ", "วันทำการ", ZERO, None,
                frozenset({"steps"})),
    MeasureSpec("plan_submitted", "ส่งแผนจัดซื้อจัดจ้าง (มีแถวที่ถูกต้อง) ภายในวันที่กำหนด", "%",
                ZERO, HUNDRED, frozenset({"due"})),
    MeasureSpec("disbursement_vs_target", "ผลการเบิกจ่ายเทียบเป้าหมาย (ร้อยละของเป้าหมาย)", "%",
                ZERO, None, frozenset({"budget_type", "current"})),
    MeasureSpec("spending_vs_target", "ผลการใช้จ่าย (เบิกจ่าย + ก่อหนี้ผูกพัน) เทียบเป้าหมาย", "%",
                ZERO, None, frozenset({"budget_type", "current"})),
    MeasureSpec("data_quality", "สัดส่วนแถวข้อมูลของหน่วยงานที่มีข้อผิดพลาด", "%", ZERO, HUNDRED),
)}
APPLIES = ("all", "has_ebidding", "has_plans", "has_investment", "has_disbursement")
COMPUTED_DEDUCTIONS = ("row_error_unfixed", "milestone_late_over")


# ------------------------------------------------------------------------------------ criteria
@dataclass(frozen=True)
class Band:
    """``low <= value < high`` (``high`` None = no upper end) earns ``points``."""

    low: Decimal
    high: Decimal | None
    points: Decimal

    def holds(self, v: Decimal) -> bool:
        return self.low <= v and (self.high is None or v < self.high)

    def label(self, unit: str) -> str:
        hi = "ขึ้นไป" if self.high is None else f"ถึงน้อยกว่า {self.high:g}"
        return f"{self.low:g} {hi} {unit}".strip()


@dataclass(frozen=True)
class Linear:
    """``points + per_unit × (value − start)``, kept between ``floor`` and the criterion's points
    (e.g. full points on or before the planned date, −2 per working day late, floor 0)."""

    start: Decimal
    per_unit: Decimal
    floor: Decimal


@dataclass(frozen=True)
class Criterion:
    id: str
    name_th: str
    name_en: str
    dimension: str
    points: Decimal
    measure: str
    bands: tuple[Band, ...] = ()
    linear: Linear | None = None
    applies_to: str = "all"
    params: Mapping[str, object] = field(default_factory=dict)

    def points_for(self, value: Decimal) -> tuple[Decimal, str]:
        """Points for a measure value, and the rule that gave them (for the breakdown)."""
        unit = MEASURES[self.measure].unit
        if self.linear is not None:
            lin = self.linear
            raw = self.points + lin.per_unit * (value - lin.start)
            pts = min(self.points, max(lin.floor, raw))
            return pts, (f"เต็ม {self.points:g} คะแนน {lin.per_unit:+g} ต่อ 1 {unit} "
                         f"เกิน {lin.start:g} (ต่ำสุด {lin.floor:g})")
        for b in self.bands:
            if b.holds(value):
                return b.points, f"ช่วง {b.label(unit)} = {b.points:g} คะแนน"
        return ZERO, "ไม่อยู่ในช่วงใด"  # unreachable for validated bands


@dataclass(frozen=True)
class Dimension:
    id: str
    name_th: str
    name_en: str
    weight: Decimal


@dataclass(frozen=True)
class ScoreGroup:
    """A ranking group by total allocation: ``min_allocation <= allocation < max_allocation``."""

    id: str
    name_th: str
    name_en: str
    min_allocation: Decimal
    max_allocation: Decimal | None


@dataclass(frozen=True)
class Award:
    id: str
    name_th: str
    name_en: str
    min_score: Decimal
    max_deduction: Decimal | None = None  # e.g. no award when more than this was deducted


@dataclass(frozen=True)
class DeductionRule:
    """A deduction computed from the data (not typed in the หักคะแนน tab)."""

    id: str
    name_th: str
    kind: str  # row_error_unfixed | milestone_late_over
    days: int  # row errors older than this (calendar days) / slips over this (working days)
    points: Decimal  # per occurrence
    max_points: Decimal | None = None


@dataclass(frozen=True)
class Criteria:
    file: str
    name: str
    illustrative: bool
    source: str
    total: Decimal
    floor: Decimal
    max_deduction: Decimal
    dimensions: tuple[Dimension, ...]
    criteria: tuple[Criterion, ...]
    groups: tuple[ScoreGroup, ...] = ()
    awards: tuple[Award, ...] = ()
    deduction_rules: tuple[DeductionRule, ...] = ()

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)


def _err(file: str, key: str, reason: str) -> ScoringCriteriaError:
    return ScoringCriteriaError(reason, file=file, key=key)


def _num(v: object, file: str, key: str, *, min_: Decimal | None = None) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, float, str, Decimal)):
        raise _err(file, key, f"must be a number, got {v!r}")
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise _err(file, key, f"must be a number, got {v!r}") from None
    if not d.is_finite():
        raise _err(file, key, f"must be a finite number, got {v!r}")
    if min_ is not None and d < min_:
        raise _err(file, key, f"must be at least {min_}, got {v!r}")
    return d


def _text(data: Mapping, k: str, file: str, key: str, *, required: bool = True,
          default: str = "") -> str:
    v = data.get(k, None)
    if v is None:
        if required:
            raise _err(file, f"{key}.{k}" if key else k, "missing")
        return default
    if not isinstance(v, str) or (required and not v.strip()):
        raise _err(file, f"{key}.{k}" if key else k, f"must be non-empty text, got {v!r}")
    return v.strip()


def _keys(data: Mapping, allowed: set[str], file: str, key: str) -> None:
    for k in data:
        if k not in allowed:
            raise _err(file, f"{key}.{k}" if key else str(k),
                       f"unknown key; expected one of {', '.join(sorted(allowed))}")


def _table_list(data: Mapping, k: str, file: str) -> list[Mapping]:
    v = data.get(k, [])
    if not isinstance(v, list) or not all(isinstance(x, Mapping) for x in v):
        raise _err(file, k, f"must be an array of tables ([[{k}]])")
    return v


def _ranges(items: Sequence[tuple[Decimal, Decimal | None]], file: str, key: str, *,
            low: Decimal, high: Decimal | None, what: str) -> None:
    """Ranges ``[lo, hi)`` must be sorted, touch each other (no gap, no overlap) and cover
    ``low`` .. ``high`` (``None`` = unbounded)."""
    if not items:
        raise _err(file, key, f"needs at least one {what}")
    order = sorted(range(len(items)), key=lambda i: items[i][0])
    for i in order:
        lo, hi = items[i]
        if hi is not None and hi <= lo:
            raise _err(file, f"{key}[{i}]", f"{what} 'to' ({hi}) must be above 'from' ({lo})")
    first_lo = items[order[0]][0]
    if first_lo > low:
        raise _err(file, f"{key}[{order[0]}]",
                   f"{what}s leave a gap: nothing covers {low} up to {first_lo}")
    for a, b in zip(order, order[1:], strict=False):
        hi_a, lo_b = items[a][1], items[b][0]
        if hi_a is None or hi_a > lo_b:
            raise _err(file, f"{key}[{b}]", f"{what}s overlap: {key}[{a}] reaches "
                       f"{'beyond' if hi_a is None else hi_a} but {key}[{b}] starts at {lo_b}")
        if hi_a < lo_b:
            raise _err(file, f"{key}[{b}]",
                       f"{what}s leave a gap: nothing covers {hi_a} up to {lo_b}")
    last_hi = items[order[-1]][1]
    if last_hi is not None and (high is None or last_hi <= high):
        raise _err(file, f"{key}[{order[-1]}]", f"{what}s leave a gap: nothing covers values from "
                   f"{last_hi}{'' if high is None else f' to {high}'} — leave out 'to' on the "
                   f"last {what}")


def _bands(raw: object, crit: str, points: Decimal, spec: MeasureSpec, file: str, key: str
           ) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, Mapping) for x in raw):
        raise _err(file, key, "must be a list of { from = …, to = …, points = … }")
    out = []
    for i, b in enumerate(raw):
        _keys(b, {"from", "to", "points"}, file, f"{key}[{i}]")
        if "from" not in b or "points" not in b:
            raise _err(file, f"{key}[{i}]", "each band needs 'from' and 'points' ('to' is "
                                            "optional on the last band)")
        lo = _num(b["from"], file, f"{key}[{i}].from")
        hi = _num(b["to"], file, f"{key}[{i}].to") if "to" in b else None
        pts = _num(b["points"], file, f"{key}[{i}].points", min_=ZERO)
        if pts > points:
            raise _err(file, f"{key}[{i}].points",
                       f"{pts} is more than the criterion's points ({points})")
        out.append(Band(lo, hi, pts))
    _ranges([(b.low, b.high) for b in out], file, key, low=spec.low, high=spec.high, what="band")
    return tuple(sorted(out, key=lambda b: b.low))


def parse_criteria(data: Mapping, file: str = "<criteria>") -> Criteria:
    """Validate a parsed criteria TOML; errors name the file, the key and the reason."""
    _keys(data, {"name", "illustrative", "source", "total", "floor", "max_deduction",
                 "dimensions", "criteria", "groups", "awards", "deductions"}, file, "")
    illustrative = data.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise _err(file, "illustrative", "must be true or false")
    total = _num(data.get("total", 100), file, "total", min_=Decimal(1))
    floor = _num(data.get("floor", 0), file, "floor", min_=ZERO)
    max_ded = _num(data.get("max_deduction", total), file, "max_deduction", min_=ZERO)
    dims_raw = data.get("dimensions")
    if not isinstance(dims_raw, Mapping) or not dims_raw:
        raise _err(file, "dimensions", "needs at least one [dimensions.<id>] table")
    dims = []
    for did, d in dims_raw.items():
        k = f"dimensions.{did}"
        if not isinstance(d, Mapping):
            raise _err(file, k, "must be a table")
        _keys(d, {"name_th", "name_en", "weight"}, file, k)
        dims.append(Dimension(did, _text(d, "name_th", file, k),
                              _text(d, "name_en", file, k, required=False, default=did),
                              _num(d.get("weight"), file, f"{k}.weight", min_=ZERO)))
    if sum(d.weight for d in dims) != total:
        raise _err(file, "dimensions", f"weights do not add up: "
                   f"{' + '.join(f'{d.weight:g}' for d in dims)} = "
                   f"{sum(d.weight for d in dims):g}, but total is {total:g}")
    dim_ids = {d.id for d in dims}
    crits: list[Criterion] = []
    seen: set[str] = set()
    for i, c in enumerate(_table_list(data, "criteria", file)):
        k = f"criteria[{i}]"
        _keys(c, {"id", "name_th", "name_en", "dimension", "points", "measure", "bands", "linear",
                  "applies_to", "params"}, file, k)
        cid = _text(c, "id", file, k)
        k = f"criteria.{cid}"
        if cid in seen:
            raise _err(file, k, "duplicate criterion id")
        seen.add(cid)
        dim = _text(c, "dimension", file, k)
        if dim not in dim_ids:
            raise _err(file, f"{k}.dimension", f"unknown dimension {dim!r}; defined: "
                       f"{', '.join(sorted(dim_ids))}")
        measure = _text(c, "measure", file, k)
        if measure not in MEASURES:
            raise _err(file, f"{k}.measure", f"unknown measure {measure!r}; known: "
                       f"{', '.join(sorted(MEASURES))}")
        spec = MEASURES[measure]
        points = _num(c.get("points"), file, f"{k}.points", min_=ZERO)
        applies = c.get("applies_to", "all")
        if applies not in APPLIES:
            raise _err(file, f"{k}.applies_to", f"unknown value {applies!r}; use one of "
                       f"{', '.join(APPLIES)}")
        params = c.get("params", {})
        if not isinstance(params, Mapping):
            raise _err(file, f"{k}.params", "must be a table")
        for p in params:
            if p not in spec.params:
                raise _err(file, f"{k}.params.{p}", f"measure {measure} takes "
                           f"{', '.join(sorted(spec.params)) or 'no parameters'}")
        _check_params(measure, params, file, f"{k}.params")
        has_b, has_l = "bands" in c, "linear" in c
        if has_b == has_l:
            raise _err(file, k, "give exactly one of 'bands' or 'linear'")
        bands: tuple[Band, ...] = ()
        linear = None
        if has_b:
            bands = _bands(c["bands"], cid, points, spec, file, f"{k}.bands")
        else:
            lin = c["linear"]
            if not isinstance(lin, Mapping):
                raise _err(file, f"{k}.linear", "must be { start = …, per_unit = …, floor = … }")
            _keys(lin, {"start", "per_unit", "floor"}, file, f"{k}.linear")
            linear = Linear(_num(lin.get("start", 0), file, f"{k}.linear.start"),
                            _num(lin.get("per_unit"), file, f"{k}.linear.per_unit"),
                            _num(lin.get("floor", 0), file, f"{k}.linear.floor", min_=ZERO))
            if linear.floor > points:
                raise _err(file, f"{k}.linear.floor", "is above the criterion's points")
        crits.append(Criterion(cid, _text(c, "name_th", file, k),
                               _text(c, "name_en", file, k, required=False, default=cid), dim,
                               points, measure, bands, linear, applies, dict(params)))
    if not crits:
        raise _err(file, "criteria", "needs at least one [[criteria]]")
    for d in dims:
        got = sum((c.points for c in crits if c.dimension == d.id), ZERO)
        if got != d.weight:
            raise _err(file, f"dimensions.{d.id}.weight", f"weights do not add up: the criteria "
                       f"of {d.id} give {got:g} points, the dimension weighs {d.weight:g}")
    groups = []
    for i, g in enumerate(_table_list(data, "groups", file)):
        k = f"groups[{i}]"
        _keys(g, {"id", "name_th", "name_en", "min_allocation", "max_allocation"}, file, k)
        groups.append(ScoreGroup(
            _text(g, "id", file, k), _text(g, "name_th", file, k),
            _text(g, "name_en", file, k, required=False, default=str(g.get("id", ""))),
            _num(g.get("min_allocation", 0), file, f"{k}.min_allocation", min_=ZERO),
            _num(g["max_allocation"], file, f"{k}.max_allocation")
            if "max_allocation" in g else None))
    if groups:
        _ranges([(g.min_allocation, g.max_allocation) for g in groups], file, "groups",
                low=ZERO, high=None, what="group")
        groups.sort(key=lambda g: g.min_allocation)
    awards = []
    for i, a in enumerate(_table_list(data, "awards", file)):
        k = f"awards[{i}]"
        _keys(a, {"id", "name_th", "name_en", "min_score", "max_deduction"}, file, k)
        ms = _num(a.get("min_score"), file, f"{k}.min_score", min_=ZERO)
        if ms > total:
            raise _err(file, f"{k}.min_score", f"{ms} is above the total ({total})")
        awards.append(Award(_text(a, "id", file, k), _text(a, "name_th", file, k),
                            _text(a, "name_en", file, k, required=False, default=""), ms,
                            _num(a["max_deduction"], file, f"{k}.max_deduction", min_=ZERO)
                            if "max_deduction" in a else None))
    if len({a.min_score for a in awards}) != len(awards):
        raise _err(file, "awards", "two award tiers have the same min_score")
    awards.sort(key=lambda a: -a.min_score)
    rules = []
    for i, r in enumerate(_table_list(data, "deductions", file)):
        k = f"deductions[{i}]"
        _keys(r, {"id", "name_th", "kind", "days", "points", "max_points"}, file, k)
        kind = _text(r, "kind", file, k)
        if kind not in COMPUTED_DEDUCTIONS:
            raise _err(file, f"{k}.kind", f"unknown kind {kind!r}; use one of "
                       f"{', '.join(COMPUTED_DEDUCTIONS)}")
        days = r.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise _err(file, f"{k}.days", f"must be a whole number of days >= 0, got {days!r}")
        rules.append(DeductionRule(_text(r, "id", file, k), _text(r, "name_th", file, k), kind,
                                   days, _num(r.get("points"), file, f"{k}.points", min_=ZERO),
                                   _num(r["max_points"], file, f"{k}.max_points", min_=ZERO)
                                   if "max_points" in r else None))
    if floor >= total:
        raise _err(file, "floor", f"must be below the total ({total})")
    return Criteria(file=file, name=str(data.get("name", "")), illustrative=illustrative,
                    source=str(data.get("source", "")), total=total, floor=floor,
                    max_deduction=max_ded, dimensions=tuple(dims), criteria=tuple(crits),
                    groups=tuple(groups), awards=tuple(awards), deduction_rules=tuple(rules))


def _check_params(measure: str, params: Mapping, file: str, key: str) -> None:
    if "budget_type" in params:
        try:
            BudgetType(params["budget_type"])
        except ValueError:
            raise _err(file, f"{key}.budget_type", "use overall, recurrent or investment"
                       ) from None
    if "current" in params and not isinstance(params["current"], bool):
        raise _err(file, f"{key}.current", "must be true or false")
    if "steps" in params:
        v = params["steps"]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            raise _err(file, f"{key}.steps", "must be a list of step codes")
    if "due" in params:
        if _due_date(params["due"], 2570) is None:
            raise _err(file, f"{key}.due", "must be a TOML date (2026-10-31, CE) or \"MM-DD\" "
                                           "in each fiscal year, e.g. \"10-31\"")


def _due_date(v: object, fy: int) -> date | None:
    """A plan deadline: a date, or ``"MM-DD"`` within fiscal year ``fy`` (Oct–Dec = its first
    calendar year)."""
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            mm, dd = (int(x) for x in v.strip().split("-"))
            ce = fy - 543 - (1 if mm >= 10 else 0)
            return date(ce, mm, dd)
        except ValueError:
            return None
    return None


def load_criteria(path: object = None) -> Criteria:
    """The criteria file at ``path`` (a ``pathlib.Path``-like, read as UTF-8), or the shipped
    default (``config/scoring/default.toml``) when ``path`` is None."""
    if path is None:
        res = resources.files("procal_config").joinpath("scoring").joinpath("default.toml")
        text, label = res.read_text(encoding="utf-8"), DEFAULT_FILE
    else:
        label = str(path)
        try:
            text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
        except OSError as exc:
            raise ScoringCriteriaError(f"cannot read: {exc.strerror or exc}", file=label) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScoringCriteriaError(f"not valid TOML: {exc}", file=label) from None
    return parse_criteria(data, label)


# ------------------------------------------------------------------------------------ inputs
@dataclass(frozen=True)
class Deduction:
    """One deduction (หักคะแนน): typed by the treasury or computed from a rule."""

    agency: str
    on: date
    points: Decimal
    reason: str
    evidence: str = ""
    rule: str = ""  # the computed rule's id; "" = typed in the หักคะแนน tab
    source_ref: SourceRef | None = None


@dataclass(frozen=True)
class RowIssue:
    """A row of the agency's data that could not be read, and since when (for data quality and
    the ``row_error_unfixed`` deduction). ``first_seen`` None = unknown (seen today)."""

    agency: str
    where: str  # "sheet 'แผนจัดซื้อจัดจ้าง', row 52"
    reason: str
    first_seen: date | None = None


@dataclass
class ScoringInputs:
    plans: Sequence[tuple[ProjectPlan, Timeline | None]] = ()
    progress: Sequence[StepProgress] = ()
    disbursement: Sequence[DisbursementRecord] = ()  # every valid row, all months
    deductions: Sequence[Deduction] = ()
    row_issues: Sequence[RowIssue] = ()
    rows_per_agency: Mapping[str, int] = field(default_factory=dict)  # valid + invalid rows
    agencies: Sequence[str] = ()  # extra names to score even without data
    group_of: Mapping[str, str] = field(default_factory=dict)  # follow-up group per agency


TargetsLookup = Callable[[int], TargetTable]


# ------------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    applicable: bool
    value: Decimal | None
    raw_points: Decimal  # points from the bands (0 when not applicable)
    points: Decimal  # after re-weighting
    rule: str  # which band / linear rule gave the points, or why not applicable
    inputs: tuple[str, ...]  # the rows and dates behind the value


@dataclass(frozen=True)
class AgencyScore:
    agency: str
    group: ScoreGroup | None
    allocation: Decimal
    criteria: tuple[CriterionScore, ...]
    by_dimension: tuple[tuple[Dimension, Decimal], ...]
    scale: Decimal  # total / applicable points (1 = nothing re-weighted)
    applicable_points: Decimal
    subtotal: Decimal  # re-weighted, before deductions
    deductions: tuple[Deduction, ...]
    deducted: Decimal  # capped at max_deduction
    total: Decimal
    award: Award | None
    rank: int = 0  # within the group
    rank_overall: int = 0
    followup_group: str = ""
    notes: tuple[str, ...] = ()

    @property
    def reweighted(self) -> bool:
        return self.scale != 1


@dataclass(frozen=True)
class Scoreboard:
    as_of: date
    fiscal_year: int
    quarter: int
    criteria: Criteria
    agencies: tuple[AgencyScore, ...]  # overall rank order
    groups: tuple[tuple[str, tuple[AgencyScore, ...]], ...]  # ranking group name -> ranked
    followup: tuple[tuple[str, tuple[AgencyScore, ...]], ...] = ()

    def agency(self, name: str) -> AgencyScore:
        for a in self.agencies:
            if a.agency == name:
                return a
        raise KeyError(name)


# ------------------------------------------------------------------------------------ computing
def _known(inputs: ScoringInputs, as_of: date) -> ScoringInputs:
    """Only what was known on ``as_of``."""
    return ScoringInputs(
        plans=inputs.plans,
        progress=[p for p in inputs.progress if p.actual is not None and p.actual <= as_of],
        disbursement=[r for r in inputs.disbursement if r.as_of <= as_of],
        deductions=[d for d in inputs.deductions if d.on <= as_of],
        row_issues=[r for r in inputs.row_issues
                    if r.first_seen is None or r.first_seen <= as_of],
        rows_per_agency=inputs.rows_per_agency, agencies=inputs.agencies,
        group_of=inputs.group_of)


class _Ctx:
    def __init__(self, inputs: ScoringInputs, as_of: date, targets: TargetsLookup | None,
                 calendar: WorkingCalendar):
        self.as_of, self.targets, self.cal = as_of, targets, calendar
        self.fy = fiscal_year_of(as_of)
        self.plans: dict[str, list[tuple[ProjectPlan, Timeline | None]]] = defaultdict(list)
        for p, t in inputs.plans:
            self.plans[p.agency].append((p, t))
        self.actual: dict[tuple[str, str], date] = {
            (p.project_id, p.step_code): p.actual for p in inputs.progress if p.actual}
        self.records: dict[str, list[DisbursementRecord]] = defaultdict(list)
        for r in inputs.disbursement:
            if fiscal_year_of(r.as_of) == self.fy:
                self.records[r.agency].append(r)
        self.issues: dict[str, list[RowIssue]] = defaultdict(list)
        for i in inputs.row_issues:
            self.issues[i.agency].append(i)
        self.rows = inputs.rows_per_agency


def _latest(records: Iterable[DisbursementRecord], on: date) -> list[DisbursementRecord]:
    """Each line's latest row dated on or before ``on``."""
    best: dict[tuple, DisbursementRecord] = {}
    for r in records:
        if r.as_of > on:
            continue
        k = (r.budget_type, r.budget_source)
        if k not in best or r.as_of > best[k].as_of:
            best[k] = r
    return list(best.values())


def _applies(c: Criterion, agency: str, ctx: _Ctx) -> tuple[bool, str]:
    plans = ctx.plans.get(agency, [])
    if c.applies_to == "has_ebidding" and not any(p.method == E_BIDDING for p, _ in plans):
        return False, "ไม่มีโครงการ e-bidding"
    if c.applies_to == "has_plans" and not plans:
        return False, "ไม่มีแผนจัดซื้อจัดจ้าง"
    if c.applies_to == "has_investment" and not any(
            r.budget_type is BudgetType.INVESTMENT for r in ctx.records.get(agency, [])):
        return False, "ไม่มีงบลงทุน"
    if c.applies_to == "has_disbursement" and not ctx.records.get(agency):
        return False, "ไม่มีข้อมูลการเบิกจ่าย"
    return True, ""


def _measure(c: Criterion, agency: str, ctx: _Ctx) -> tuple[Decimal | None, list[str], str]:
    """(value, inputs, reason when there is no value)."""
    m = c.measure
    if m == "ebidding_contract_on_time":
        return _contract_on_time(agency, ctx)
    if m in ("milestone_slip_median", "milestone_slip_worst"):
        return _slips(agency, ctx, tuple(c.params.get("steps", KEY_STEPS)),
                      worst=m.endswith("worst"))
    if m == "plan_submitted":
        return _plan_submitted(agency, ctx, c.params.get("due"))
    if m in ("disbursement_vs_target", "spending_vs_target"):
        bt = BudgetType(c.params.get("budget_type", "overall"))
        return _vs_target(agency, ctx, Measure.DISBURSEMENT if m.startswith("disb")
                          else Measure.SPENDING, bt, bool(c.params.get("current", True)))
    if m == "data_quality":
        return _data_quality(agency, ctx)
    raise AssertionError(m)  # pragma: no cover - validated


def _contract_on_time(agency: str, ctx: _Ctx):
    due = on_time = 0
    lines = []
    for p, t in ctx.plans.get(agency, []):
        if p.method != E_BIDDING or t is None:
            continue
        try:
            planned = t.step("contract_signing").end
        except KeyError:
            planned = t.contract_date
        actual = ctx.actual.get((p.project_id, "contract_signing"))
        if planned >= ctx.as_of and actual is None:
            continue  # not due yet (on the planned day itself it can still be signed)
        due += 1
        ok = actual is not None and actual <= planned
        on_time += ok
        lines.append(f"{p.project_id} ลงนามสัญญาตามแผน {format_thai_date(planned)} "
                     f"จริง {format_thai_date(actual) if actual else 'ยังไม่ลงนาม'} "
                     f"{'✓ ทันกำหนด' if ok else '✗ ไม่ทันกำหนด'}")
    if not due:
        return None, lines, "ยังไม่มีโครงการ e-bidding ที่ถึงกำหนดลงนามสัญญา"
    lines.insert(0, f"ทันกำหนด {on_time} จาก {due} โครงการ")
    return Decimal(on_time) * HUNDRED / Decimal(due), lines, ""


def _slips(agency: str, ctx: _Ctx, steps: tuple[str, ...], *, worst: bool):
    slips: list[tuple[int, str]] = []
    for p, t in ctx.plans.get(agency, []):
        if t is None:
            continue
        for s in t.steps:
            if s.code not in steps or s.end > ctx.as_of:
                continue
            actual = ctx.actual.get((p.project_id, s.code))
            if actual is not None:
                slip = max(0, ctx.cal.working_days_between(s.end, actual))
                how = f"จริง {format_thai_date(actual)}"
            elif ctx.as_of > s.end:
                slip = ctx.cal.working_days_between(s.end, ctx.as_of)
                how = "ยังไม่ดำเนินการ"
            else:
                slip, how = 0, "ครบกำหนดวันนี้"
            slips.append((slip, f"{p.project_id} {s.name_th} ตามแผน {format_thai_date(s.end)} "
                                f"{how} ล่าช้า {slip} วันทำการ"))
    if not slips:
        return None, [], "ยังไม่มีขั้นตอนสำคัญที่ถึงกำหนด"
    values = [s for s, _ in slips]
    value = Decimal(max(values)) if worst else Decimal(statistics.median(values) * 2) / 2
    slips.sort(key=lambda x: -x[0])
    head = (f"ล่าช้าสูงสุด {max(values)} วันทำการ จาก {len(values)} ขั้นตอน" if worst else
            f"ค่ามัธยฐาน {value:g} วันทำการ จาก {len(values)} ขั้นตอน")
    return value, [head, *(line for _, line in slips[:20])], ""


def _plan_submitted(agency: str, ctx: _Ctx, due_raw: object):
    due = _due_date(due_raw, ctx.fy) if due_raw is not None else None
    if isinstance(due, date) and ctx.as_of < due:
        return None, [], f"ยังไม่ถึงกำหนดส่งแผน ({format_thai_date(due)})"
    n = len(ctx.plans.get(agency, []))
    bad = sum(1 for i in ctx.issues.get(agency, []) if "แผน" in i.where or "plan" in i.where)
    lines = [f"แถวแผนที่ถูกต้อง {n} แถว, แถวที่มีข้อผิดพลาด {bad} แถว"]
    if isinstance(due, date):
        lines.append(f"กำหนดส่ง {format_thai_date(due)}")
    return (HUNDRED if n else ZERO), lines, ""


def _vs_target(agency: str, ctx: _Ctx, measure: Measure, bt: BudgetType, current: bool):
    recs = ctx.records.get(agency, [])
    if bt is not BudgetType.OVERALL:
        recs = [r for r in recs if r.budget_type is bt]
    if not recs:
        return None, [], f"ไม่มีข้อมูล{BUDGET_TYPE_TH[bt]}"
    if ctx.targets is None:
        return None, [], "ไม่มีตารางเป้าหมาย"
    table = ctx.targets(ctx.fy)
    points: list[tuple[date, str]] = []
    for q in range(1, quarter_of(ctx.as_of) + 1):
        end = quarter_bounds(ctx.fy, q)[1]
        if end <= ctx.as_of:
            points.append((end, f"สิ้นไตรมาส {q}"))
    latest = max(r.as_of for r in recs)
    if current and (not points or latest > points[-1][0]):
        points.append((latest, "ข้อมูลล่าสุด"))
    achieved: list[Decimal] = []
    lines = []
    what = "เบิกจ่าย" if measure is Measure.DISBURSEMENT else "ใช้จ่าย"
    for on, label in points:
        rows = _latest(recs, on)
        if not rows:
            lines.append(f"{label} {format_thai_date(on)}: ไม่มีข้อมูล")
            continue
        alloc = sum((r.allocated for r in rows), ZERO)
        amount = sum(((r.disbursed if measure is Measure.DISBURSEMENT else r.spent)
                      for r in rows), ZERO)
        # target: each line's own budget type, allocation-weighted (as the reconciliation)
        mode = "quarter_end" if label.startswith("สิ้น") else "pro_rata"
        try:
            tgt_amount = sum((r.allocated * table.target_on(measure, r.budget_type, on, mode)
                              for r in rows), ZERO) / HUNDRED
        except TargetsError:
            lines.append(f"{label}: ไม่มีเป้าหมายไตรมาสนี้")
            continue
        actual_pct, target_pct = percent(amount, alloc), percent(tgt_amount, alloc)
        ach = percent(actual_pct, target_pct) if target_pct > 0 else HUNDRED
        achieved.append(ach)
        src = ", ".join(sorted({f"{r.source_ref.sheet} แถว {r.source_ref.row}"
                                for r in rows if r.source_ref}))
        lines.append(f"{label} {format_thai_date(on)}: {what} {round2(actual_pct)}% "
                     f"เป้าหมาย {round2(target_pct)}% = {round2(ach)}% ของเป้าหมาย"
                     + (f" ({src})" if src else ""))
    if not achieved:
        return None, lines, "ยังไม่มีจุดวัดผล"
    value = sum(achieved, ZERO) / len(achieved)
    if len(achieved) > 1:
        lines.insert(0, f"เฉลี่ย {len(achieved)} จุดวัด = {round2(value)}%")
    return value, lines, ""


def _data_quality(agency: str, ctx: _Ctx):
    bad = ctx.issues.get(agency, [])
    total = ctx.rows.get(agency, 0)
    total = max(total, len(bad))
    if not total:
        return None, [], "ไม่มีแถวข้อมูล"
    lines = [f"แถวที่มีข้อผิดพลาด {len(bad)} จาก {total} แถว"]
    lines += [f"{i.where}: {i.reason}" for i in bad[:20]]
    return Decimal(len(bad)) * HUNDRED / Decimal(total), lines, ""


def _computed_deductions(rules: Sequence[DeductionRule], agency: str, ctx: _Ctx
                         ) -> list[Deduction]:
    out: list[Deduction] = []
    for rule in rules:
        found: list[Deduction] = []
        if rule.kind == "row_error_unfixed":
            for i in ctx.issues.get(agency, []):
                if i.first_seen is not None and (ctx.as_of - i.first_seen).days > rule.days:
                    found.append(Deduction(agency, ctx.as_of, rule.points,
                                           f"{rule.name_th}: {i.where} — {i.reason} "
                                           f"(พบครั้งแรก {format_thai_date(i.first_seen)})",
                                           rule=rule.id))
        elif rule.kind == "milestone_late_over":
            for p, t in ctx.plans.get(agency, []):
                if t is None:
                    continue
                for s in t.steps:
                    if s.code not in KEY_STEPS or s.end >= ctx.as_of:
                        continue
                    if (p.project_id, s.code) in ctx.actual:
                        continue
                    slip = ctx.cal.working_days_between(s.end, ctx.as_of)
                    if slip > rule.days:
                        found.append(Deduction(agency, ctx.as_of, rule.points,
                                               f"{rule.name_th}: {p.project_id} {s.name_th} "
                                               f"ล่าช้า {slip} วันทำการ", rule=rule.id))
        budget = rule.max_points
        for d in found:
            if budget is not None:
                if budget <= 0:
                    break
                if d.points > budget:
                    d = Deduction(d.agency, d.on, budget, d.reason, d.evidence, d.rule)
                budget -= d.points
            out.append(d)
    return out


def score(inputs: ScoringInputs, criteria: Criteria, *, as_of: date,
          targets: TargetsLookup | None, calendar: WorkingCalendar) -> Scoreboard:
    """Score every agency on ``criteria`` with the data known on ``as_of``."""
    known = _known(inputs, as_of)
    ctx = _Ctx(known, as_of, targets, calendar)
    names = sorted(set(ctx.plans) | set(ctx.records) | set(inputs.agencies)
                   | {d.agency for d in known.deductions})
    typed: dict[str, list[Deduction]] = defaultdict(list)
    for d in known.deductions:
        typed[d.agency].append(d)
    results: list[AgencyScore] = []
    for name in names:
        crit_scores = []
        applicable_points = ZERO
        for c in criteria.criteria:
            ok, why = _applies(c, name, ctx)
            value, lines, reason = (None, [], why) if not ok else _measure(c, name, ctx)
            if value is None:
                crit_scores.append(CriterionScore(c, False, None, ZERO, ZERO,
                                                  f"ไม่นำมาคิดคะแนน: {reason}", tuple(lines)))
                continue
            pts, rule = c.points_for(value)
            applicable_points += c.points
            crit_scores.append(CriterionScore(c, True, value, pts, pts, rule, tuple(lines)))
        notes = []
        factor = _factors(criteria, crit_scores)
        if applicable_points > 0:
            scale = criteria.total / applicable_points
        else:
            scale = ZERO
            notes.append("ไม่มีเกณฑ์ที่ใช้ได้กับหน่วยงานนี้")
        skipped = [cs.criterion.id for cs in crit_scores if not cs.applicable]
        if applicable_points and skipped:
            for d in criteria.dimensions:
                f = factor.get(d.id)
                ratio = f[0] / f[1] if f else None
                if f is None:
                    notes.append(f"ปรับน้ำหนัก: ไม่มีเกณฑ์ใน{d.name_th}ที่ใช้ได้ "
                                 f"คะแนนมิติอื่นปรับเป็นฐาน {criteria.total:g}")
                elif ratio != 1:
                    got = sum((cs.criterion.points for cs in crit_scores
                               if cs.applicable and cs.criterion.dimension == d.id), ZERO)
                    notes.append(f"ปรับน้ำหนัก{d.name_th}: คิดจากเกณฑ์ที่ใช้ได้ เต็ม {got:g} "
                                 f"คะแนน ปรับเป็นฐาน {d.weight:g} (×{round2(ratio)})")
            notes.append(f"เกณฑ์ที่ไม่นำมาคิด: {', '.join(skipped)}")
        crit_scores = [CriterionScore(cs.criterion, cs.applicable, cs.value, cs.raw_points,
                                      _scaled(cs.raw_points, factor.get(cs.criterion.dimension)),
                                      cs.rule, cs.inputs)
                       for cs in crit_scores]
        by_dim = tuple((d, sum((cs.points for cs in crit_scores
                                if cs.criterion.dimension == d.id), ZERO))
                       for d in criteria.dimensions)
        subtotal = sum((v for _, v in by_dim), ZERO)
        deds = [*typed.get(name, []), *_computed_deductions(criteria.deduction_rules, name, ctx)]
        raw_ded = sum((d.points for d in deds), ZERO)
        deducted = min(raw_ded, criteria.max_deduction)
        if raw_ded > deducted:
            notes.append(f"หักคะแนนรวม {raw_ded:g} เกินเพดาน หักได้ไม่เกิน "
                         f"{criteria.max_deduction:g} คะแนน")
        total = max(criteria.floor, subtotal - deducted)
        if subtotal - deducted < criteria.floor:
            notes.append(f"คะแนนหลังหักต่ำกว่าขั้นต่ำ ใช้ขั้นต่ำ {criteria.floor:g}")
        allocation = sum((r.allocated for r in _latest(ctx.records.get(name, []), as_of)), ZERO)
        award = None
        for a in criteria.awards:
            if total >= a.min_score and (a.max_deduction is None or deducted <= a.max_deduction):
                award = a
                break
        results.append(AgencyScore(
            agency=name, group=_group_for(criteria.groups, allocation), allocation=allocation,
            criteria=tuple(crit_scores), by_dimension=by_dim, scale=scale,
            applicable_points=applicable_points, subtotal=subtotal, deductions=tuple(deds),
            deducted=deducted, total=total, award=award,
            followup_group=inputs.group_of.get(name, ""), notes=tuple(notes)))
    results.sort(key=lambda a: (-round2(a.total), a.agency))
    ranked: list[AgencyScore] = []
    in_group: dict[str, int] = defaultdict(int)
    for i, a in enumerate(results, start=1):
        g = a.group.id if a.group else ""
        in_group[g] += 1
        ranked.append(_with_rank(a, in_group[g], i))
    groups: dict[str, list[AgencyScore]] = defaultdict(list)
    for a in ranked:
        groups[a.group.name_th if a.group else "ทุกหน่วยงาน"].append(a)
    order = [g.name_th for g in criteria.groups] or ["ทุกหน่วยงาน"]
    if any(a.group is None for a in ranked) and "ทุกหน่วยงาน" not in order:
        order.append("ทุกหน่วยงาน")
    follow: dict[str, list[AgencyScore]] = defaultdict(list)
    for a in ranked:
        if a.followup_group:
            follow[a.followup_group].append(a)
    return Scoreboard(as_of=as_of, fiscal_year=ctx.fy, quarter=quarter_of(as_of),
                      criteria=criteria, agencies=tuple(ranked),
                      groups=tuple((g, tuple(groups[g])) for g in order if groups.get(g)),
                      followup=tuple((g, tuple(v)) for g, v in sorted(follow.items())))


def _factors(criteria: Criteria, scores: Sequence[CriterionScore]
             ) -> dict[str, tuple[Decimal, Decimal]]:
    """Re-weighting factor per dimension: inside a dimension the applicable criteria are scaled
    up to the dimension's weight; dimensions with no applicable criterion drop out and the
    others are scaled up to ``total``. Nothing skipped = factor 1 everywhere."""
    applicable: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for cs in scores:
        if cs.applicable:
            applicable[cs.criterion.dimension] += cs.criterion.points
    live = [d for d in criteria.dimensions if applicable[d.id] > 0]
    live_weight = sum((d.weight for d in live), ZERO)
    if not live_weight:
        return {}
    # points × numerator / denominator: one division, so full marks give exactly the total
    return {d.id: (d.weight * criteria.total, applicable[d.id] * live_weight) for d in live}


def _scaled(points: Decimal, factor: tuple[Decimal, Decimal] | None) -> Decimal:
    if factor is None:
        return ZERO
    num, den = factor
    return points if num == den else points * num / den


def _with_rank(a: AgencyScore, rank: int, overall: int) -> AgencyScore:
    from dataclasses import replace

    return replace(a, rank=rank, rank_overall=overall)


def _group_for(groups: Sequence[ScoreGroup], allocation: Decimal) -> ScoreGroup | None:
    for g in groups:
        if g.min_allocation <= allocation and (g.max_allocation is None
                                               or allocation < g.max_allocation):
            return g
    return None


def quarter_end_on_or_before(today: date, quarter: int | None = None) -> date:
    """The as-of date for ``procal score --quarter Q``: the end of quarter Q of ``today``'s fiscal
    year (or of the previous fiscal year when that quarter has not ended yet)."""
    if quarter is None:
        return today
    if quarter not in (1, 2, 3, 4):
        raise ConfigError(f"quarter must be 1–4, got {quarter}", key="--quarter")
    fy = fiscal_year_of(today)
    end = quarter_bounds(fy, quarter)[1]
    if end > today:
        end = quarter_bounds(fy - 1, quarter)[1]
    return end


__all__ = [
    "MEASURES", "MeasureSpec", "Band", "Linear", "Criterion", "Dimension", "ScoreGroup", "Award",
    "DeductionRule", "Criteria", "parse_criteria", "load_criteria", "Deduction", "RowIssue",
    "ScoringInputs", "CriterionScore", "AgencyScore", "Scoreboard", "score", "round2",
    "quarter_end_on_or_before", "KEY_STEPS",
]
