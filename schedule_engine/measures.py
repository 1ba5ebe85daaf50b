"""Contract-signing deadlines set by measures (มาตรการเร่งรัดการใช้จ่ายงบประมาณ), as data.

A cabinet or provincial measure says, for example, that investment-budget contracts above 1 M
baht must be signed by 31 March, or that carry-over budget must be committed by a date. These are
configuration, not code: a file ``FY<BE>.toml`` in ``config/measures`` (shipped) or in a folder of
the deployment, or ``[[forecast.deadlines]]`` tables in procal.toml, each::

    [[deadline]]
    code = "investment-over-1m"          # short, stable
    name_th = "งบลงทุนวงเงินเกิน 1 ล้านบาท ลงนามสัญญาภายในไตรมาส 2"
    name_en = "Investment contracts over 1 M baht signed by the end of Q2"
    contract_by = 2027-03-31
    budget_types = ["investment"]        # optional: recurrent / investment
    budget_sources = ["งบเหลื่อมปี"]      # optional: the plan tab's แหล่งงบประมาณ
    amount_over = 1000000                # optional: applies above this amount (baht)
    methods = ["e-bidding"]              # optional: method codes
    source_text = "มติคณะรัฐมนตรี ..."    # what the measure says, where it comes from
    illustrative = true                  # the real date is not known: an example

A project is held to its own กำหนดลงนามสัญญา and every measure of the fiscal year of its planned
contract date whose conditions it meets; the earliest date binds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from schedule_engine.dates import fiscal_year as fiscal_year_of
from schedule_engine.errors import ConfigError
from schedule_engine.forecast import Deadline, Forecast, forecast_timelines, project_deadline
from schedule_engine.model import BudgetType, ProjectPlan, StepProgress, Timeline
from schedule_engine.workcal import WorkingCalendar

_KEYS = {"code", "name_th", "name_en", "contract_by", "budget_types", "budget_sources",
         "amount_over", "methods", "source_text", "illustrative", "fiscal_year"}


@dataclass(frozen=True)
class DeadlineMeasure:
    """One measure: a contract-signing date for the projects that meet its conditions."""

    code: str
    name_th: str
    contract_by: date
    name_en: str = ""
    budget_types: frozenset[BudgetType] = frozenset()  # empty = any
    budget_sources: frozenset[str] = frozenset()  # empty = any
    amount_over: Decimal | None = None
    methods: frozenset[str] = frozenset()  # empty = any
    source_text: str = ""
    illustrative: bool = False
    fiscal_year: int | None = None  # BE; None = any year
    file: str = ""

    def applies_to(self, plan: ProjectPlan, timeline: Timeline | None = None) -> bool:
        if self.budget_types and plan.budget_type not in self.budget_types:
            return False
        if self.budget_sources and plan.budget_source not in self.budget_sources:
            return False
        if self.amount_over is not None and not plan.amount > self.amount_over:
            return False
        if self.methods and plan.method not in self.methods:
            return False
        if self.fiscal_year is not None and timeline is not None \
                and fiscal_year_of(timeline.contract_date) != self.fiscal_year:
            return False
        return True

    def deadline(self) -> Deadline:
        return Deadline(date=self.contract_by, kind="measure", code=self.code,
                        name_th=self.name_th, name_en=self.name_en,
                        source_text=self.source_text, illustrative=self.illustrative)


def parse_measures(data: Mapping[str, Any] | Sequence[Mapping[str, Any]], *, file: str,
                   fiscal_year: int | None = None, key: str = "deadline"
                   ) -> tuple[DeadlineMeasure, ...]:
    """Measures from a decoded TOML document (``[[deadline]]`` tables, optional top-level
    ``fiscal_year`` and ``illustrative`` defaults) or from a list of tables."""
    if isinstance(data, Mapping):
        extra = set(data) - {key, "fiscal_year", "illustrative", "source"}
        if extra:
            raise ConfigError(f"unknown key(s) {sorted(extra)}", file=file)
        fy = data.get("fiscal_year", fiscal_year)
        default_illustrative = data.get("illustrative", False)
        items = data.get(key, [])
    else:
        fy, default_illustrative, items = fiscal_year, False, data
    if fy is not None and (not isinstance(fy, int) or isinstance(fy, bool) or fy < 2400):
        raise ConfigError(f"fiscal_year must be a BE year like 2570, got {fy!r}", file=file,
                          key="fiscal_year")
    if not isinstance(items, list):
        raise ConfigError(f"[[{key}]] must be a list of tables", file=file, key=key)
    out: list[DeadlineMeasure] = []
    seen: set[str] = set()
    for n, item in enumerate(items, 1):
        where = f"{key}[{n}]"
        if not isinstance(item, Mapping):
            raise ConfigError("must be a table", file=file, key=where)
        unknown = set(item) - _KEYS
        if unknown:
            raise ConfigError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}",
                              file=file, key=where)
        code = item.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ConfigError("needs a code (a short name, e.g. investment-over-1m)", file=file,
                              key=f"{where}.code")
        where = f"{key}.{code}"
        if code in seen:
            raise ConfigError(f"code {code!r} is used twice", file=file, key=where)
        seen.add(code)
        name_th = item.get("name_th")
        if not isinstance(name_th, str) or not name_th.strip():
            raise ConfigError("needs name_th (what the measure says, in Thai)", file=file,
                              key=f"{where}.name_th")
        cb = item.get("contract_by")
        if not isinstance(cb, date) or hasattr(cb, "hour"):
            raise ConfigError(f"contract_by must be a TOML date like 2027-03-31, got {cb!r}",
                              file=file, key=f"{where}.contract_by")
        types: set[BudgetType] = set()
        for t in _list(item.get("budget_types"), file, f"{where}.budget_types"):
            try:
                types.add(BudgetType(t))
            except ValueError:
                raise ConfigError(f"budget type must be recurrent or investment, got {t!r}",
                                  file=file, key=f"{where}.budget_types") from None
        amount = item.get("amount_over")
        if amount is not None:
            if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
                raise ConfigError(f"amount_over must be a number of baht, got {amount!r}",
                                  file=file, key=f"{where}.amount_over")
            amount = Decimal(str(amount))
        illustrative = item.get("illustrative", default_illustrative)
        if not isinstance(illustrative, bool):
            raise ConfigError("illustrative must be true or false", file=file,
                              key=f"{where}.illustrative")
        item_fy = item.get("fiscal_year", fy)
        out.append(DeadlineMeasure(
            code=code.strip(), name_th=name_th.strip(), contract_by=cb,
            name_en=str(item.get("name_en", "")).strip(), budget_types=frozenset(types),
            budget_sources=frozenset(_list(item.get("budget_sources"), file,
                                           f"{where}.budget_sources")),
            amount_over=amount,
            methods=frozenset(_list(item.get("methods"), file, f"{where}.methods")),
            source_text=str(item.get("source_text", "")).strip(), illustrative=illustrative,
            fiscal_year=item_fy, file=file))
    return tuple(out)


def _list(v: Any, file: str, key: str) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ConfigError("must be a list of texts", file=file, key=key)
    return [x.strip() for x in v]


def load_measures(fiscal_year: int, dirs: Iterable[str | Path] = ()) -> tuple[DeadlineMeasure, ...]:
    """The measures of ``fiscal_year`` (BE): the first ``FY<BE>.toml`` in ``dirs``, then the
    shipped ``config/measures``; none is fine (an empty tuple)."""
    name = f"FY{fiscal_year}.toml"
    candidates: list[tuple[str, Any]] = [(str(Path(d) / name), Path(d) / name) for d in dirs]
    candidates.append((f"config/measures/{name}",
                       resources.files("procal_config").joinpath("measures").joinpath(name)))
    for label, path in candidates:
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"not valid TOML: {exc}", file=label) from None
            return parse_measures(data, file=label, fiscal_year=fiscal_year)
    return ()


def deadlines_for(plan: ProjectPlan, timeline: Timeline | None,
                  measures: Iterable[DeadlineMeasure]) -> tuple[Deadline, ...]:
    """Every deadline a project is held to: its own กำหนดลงนามสัญญา and the measures that apply."""
    out = []
    own = project_deadline(plan.contract_by)
    if own is not None:
        out.append(own)
    out += [m.deadline() for m in measures if m.applies_to(plan, timeline)]
    return tuple(sorted(out, key=lambda d: (d.date, d.kind != "project", d.code)))


__all__ = ["DeadlineMeasure", "parse_measures", "load_measures", "deadlines_for"]


def forecast_plans(plans: Iterable[ProjectPlan], timelines: Mapping[str, Timeline],
                   progress: Iterable[StepProgress], *, today: date, calendar: WorkingCalendar,
                   measures_of: Callable[[int], Iterable[DeadlineMeasure]] | None = None,
                   extra: Iterable[DeadlineMeasure] = ()) -> dict[str, Forecast]:
    """Every plan's forecast on ``today`` (project id → :class:`Forecast`), held to its own
    deadline, the measures of its fiscal year (``measures_of(fy_be)``, fiscal year of the planned
    contract date) and ``extra`` measures (``[forecast] deadlines``)."""
    actuals: dict[str, dict[str, date]] = {}
    for p in progress:
        if p.actual is not None:
            actuals.setdefault(p.project_id, {})[p.step_code] = p.actual
    extra = tuple(extra)
    cache: dict[int, tuple[DeadlineMeasure, ...]] = {}
    items = []
    for plan in plans:
        tl = timelines.get(plan.project_id)
        if tl is None:
            continue
        fy = fiscal_year_of(tl.contract_date)
        if fy not in cache:
            cache[fy] = tuple(measures_of(fy)) if measures_of else ()
        items.append((plan.project_id, tl, actuals.get(plan.project_id, {}),
                      deadlines_for(plan, tl, cache[fy] + extra)))
    out = {f.project_id: f for f in forecast_timelines(items, today, calendar)}
    return out


__all__ += ["forecast_plans"]
