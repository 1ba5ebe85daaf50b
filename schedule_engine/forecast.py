"""Early warning (การเตือนล่วงหน้า): each project's contract date forecast from its actual progress.

From the latest step with an actual date (the *anchor*; the project start when nothing is
recorded) the remaining steps are re-planned twice, with the counting rules of the timelines:

* at the planned day counts (defaults or the row's overrides) → the **expected** contract date;
* at the legal minimums → the **earliest possible** contract date.

A project not started yet could start today: its earliest date counts from today when its
planned start is later. A step that is not recorded is never assumed done in the past: when the
next step is overdue
(its re-planned milestone is before ``today``) its milestone is taken as ``today`` (the next
working day if today is not one) and the steps after it are re-planned from there.

For every step, the **latest safe start** is the last day it can start (its previous milestone)
and still sign by the deadline with every step from it at its legal minimum — backward from the
deadline with the same counting rules (exact: starting one working day later misses).

States against the binding deadline (the earliest of the project's own กำหนดลงนามสัญญา and the
measures that apply to it): ``ON_TRACK`` (expected ≤ deadline), ``AT_RISK`` (expected > deadline
but earliest ≤ deadline: it can still make it if the next step moves now — the *action* says
which step by which date), ``LOST`` (even at legal minimums it signs after the deadline; by how
many working days), ``DONE`` (the contract is signed; no forecast), ``NO_DEADLINE``.

A step whose legal minimum is unknown (``min_days is None``) counts at its planned days for the
earliest date, and the forecast says the earliest date is uncertain.

:func:`forecast_group` is the vectorised core (numpy over the working-day index, one group of
projects with the same steps); :func:`forecast_timeline` runs one project through it and
:func:`forecast_many` many projects of any methods (grouped like ``plan_many``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Sequence

import numpy as np

from schedule_engine.catalogue import Rulebook
from schedule_engine.errors import CalendarRangeError, InputError
from schedule_engine.model import Milestone, Timeline
from schedule_engine.workcal import WorkingCalendar

NAT = np.datetime64("NaT", "D")


class ForecastState(str, enum.Enum):
    """Where a project stands against its deadline."""

    ON_TRACK = "on_track"  # ทันกำหนด
    AT_RISK = "at_risk"  # เสี่ยงไม่ทัน — still possible if it moves now
    LOST = "lost"  # ไม่ทันแล้ว — even at legal minimums
    DONE = "done"  # ลงนามสัญญาแล้ว
    NO_DEADLINE = "no_deadline"  # ไม่มีกำหนดลงนามสัญญา

    @property
    def label_th(self) -> str:
        return STATE_TH[self]

    @property
    def rank(self) -> int:
        """Sort order for people: the ones to act on first."""
        return _RANK[self]


STATE_TH = {
    ForecastState.ON_TRACK: "ทันกำหนด",
    ForecastState.AT_RISK: "เสี่ยงไม่ทัน",
    ForecastState.LOST: "ไม่ทันกำหนดแล้ว",
    ForecastState.DONE: "ลงนามสัญญาแล้ว",
    ForecastState.NO_DEADLINE: "ไม่มีกำหนดลงนาม",
}
STATE_EN = {
    ForecastState.ON_TRACK: "on track",
    ForecastState.AT_RISK: "at risk",
    ForecastState.LOST: "lost",
    ForecastState.DONE: "done",
    ForecastState.NO_DEADLINE: "no deadline",
}
_RANK = {ForecastState.AT_RISK: 0, ForecastState.LOST: 1, ForecastState.ON_TRACK: 2,
         ForecastState.NO_DEADLINE: 3, ForecastState.DONE: 4}
_STATE_CODES = (ForecastState.ON_TRACK, ForecastState.AT_RISK, ForecastState.LOST,
                ForecastState.DONE, ForecastState.NO_DEADLINE)
STATE_CODE = {s: i for i, s in enumerate(_STATE_CODES)}

# what a person does to START a step (the action of an AT_RISK project)
START_ACTION_TH = {
    "tor_and_reference_price": "เริ่มจัดทำ TOR และราคากลาง",
    "draft_hearing": "เผยแพร่ร่างประกาศรับฟังความคิดเห็น",
    "purchase_approval": "เสนอรายงานขอซื้อขอจ้าง",
    "committee_appointment": "เสนอรายงานขอซื้อขอจ้างและแต่งตั้งคณะกรรมการ",
    "invitation": "ประกาศเชิญชวน",
    "bid_submission": "ปิดการเผยแพร่ประกาศเชิญชวน",
    "bid_evaluation": "เปิดซองและเริ่มพิจารณาผล",
    "proposal_evaluation": "ปิดรับข้อเสนอและเริ่มพิจารณา",
    "negotiation": "เริ่มเจรจาต่อรอง",
    "winner_announcement": "สรุปผลการพิจารณาเสนอผู้มีอำนาจอนุมัติ",
    "appeal": "ประกาศผลผู้ชนะ",
    "contract_signing": "ลงนามสัญญา",
}
START_ACTION_EN = {
    "tor_and_reference_price": "start the TOR and reference price",
    "draft_hearing": "publish the draft for public hearing",
    "purchase_approval": "submit the purchase report",
    "committee_appointment": "submit the purchase report and appoint the committee",
    "invitation": "publish the invitation",
    "bid_submission": "close the invitation",
    "bid_evaluation": "open the bids and start evaluating",
    "proposal_evaluation": "close proposals and start evaluating",
    "negotiation": "start negotiating",
    "winner_announcement": "submit the result for approval",
    "appeal": "announce the winner",
    "contract_signing": "sign the contract",
}


# ------------------------------------------------------------------------------ deadlines
@dataclass(frozen=True)
class Deadline:
    """A date a project must sign its contract by, and where it comes from."""

    date: date
    kind: str  # "project" (the row's กำหนดลงนามสัญญา) or "measure"
    code: str  # "project" or the measure's code
    name_th: str
    name_en: str = ""
    source_text: str = ""  # the cabinet/province text it comes from
    illustrative: bool = False  # the real date is not known: an example date

    def label(self, lang: str = "th") -> str:
        name = self.name_th if lang == "th" or not self.name_en else self.name_en
        if self.illustrative:
            name += " (ตัวอย่าง)" if lang == "th" else " (illustrative)"
        return name


def project_deadline(contract_by: date | None) -> Deadline | None:
    if contract_by is None:
        return None
    return Deadline(date=contract_by, kind="project", code="project",
                    name_th="กำหนดลงนามสัญญาของโครงการ", name_en="the project's own deadline")


def binding_deadline(deadlines: Sequence[Deadline]) -> Deadline | None:
    """The deadline that binds: the earliest date (the project's own wins a tie)."""
    if not deadlines:
        return None
    return min(deadlines, key=lambda d: (d.date, d.kind != "project", d.code))


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class StepForecast:
    """One step of a forecast (dates are milestone dates: the step's end)."""

    code: str
    name_th: str
    name_en: str
    planned: date  # the plan's milestone
    actual: date | None  # recorded (progress tab)
    done: bool  # recorded, or before the anchor
    expected: date | None  # re-planned at planned days (None when done)
    earliest: date | None  # re-planned at legal minimums (None when done)
    latest_safe_start: date | None  # last day to start it and still sign by the deadline
    latest_safe_end: date | None  # last day for its milestone (= next step's latest safe start)
    min_days: int | None  # legal minimum (None: unknown)
    days: int  # planned days


@dataclass(frozen=True)
class Action:
    """What an AT_RISK project must do, by when."""

    step_code: str
    step_name_th: str
    by: date
    deadline: date

    def text(self, lang: str = "th") -> str:
        from schedule_engine.dates import format_date

        if lang == "th":
            verb = START_ACTION_TH.get(self.step_code, f"เริ่ม{self.step_name_th}")
            return (f"{verb}ภายใน {format_date(self.by, 'th')} มิฉะนั้นจะลงนามสัญญาไม่ทัน "
                    f"{format_date(self.deadline, 'th')}")
        verb = START_ACTION_EN.get(self.step_code, f"start {self.step_code}")
        return (f"{verb} by {format_date(self.by, 'en')} or the contract cannot be signed by "
                f"{format_date(self.deadline, 'en')}")


@dataclass(frozen=True)
class Forecast:
    """One project's forecast on ``today``."""

    project_id: str
    today: date
    state: ForecastState
    deadline: Deadline | None  # the binding one
    deadlines: tuple[Deadline, ...]  # every one that applies
    planned_contract: date
    expected_contract: date | None  # None when DONE
    earliest_contract: date | None
    earliest_uncertain: bool  # some remaining step has no known legal minimum
    actual_contract: date | None
    anchor: date  # the latest actual date (or the project start)
    anchor_step: str | None  # its step code (None: nothing recorded)
    action: Action | None  # AT_RISK only
    lost_by: int  # LOST: working days the earliest date is after the deadline
    slack: int | None  # working days from the expected date to the deadline (+ = spare)
    steps: tuple[StepForecast, ...] = ()

    @property
    def at_risk(self) -> bool:
        return self.state is ForecastState.AT_RISK

    def summary(self, lang: str = "th") -> str:
        """One line for people: the state, and the action or the loss."""
        from schedule_engine.dates import format_date

        d = self.deadline
        if self.state is ForecastState.AT_RISK and self.action is not None:
            return self.action.text(lang)
        if self.state is ForecastState.LOST and d is not None:
            if lang == "th":
                return (f"แม้ใช้ระยะเวลาขั้นต่ำตามกฎหมาย จะลงนามสัญญาได้เร็วที่สุด "
                        f"{format_date(self.earliest_contract, 'th')} ช้ากว่ากำหนด "
                        f"{format_date(d.date, 'th')} {self.lost_by} วันทำการ")
            return (f"even at the legal minimums the earliest signing is "
                    f"{format_date(self.earliest_contract, 'en')}, {self.lost_by} working days "
                    f"after {format_date(d.date, 'en')}")
        if self.state is ForecastState.DONE:
            return STATE_TH[self.state] if lang == "th" else STATE_EN[self.state]
        if self.expected_contract is None:
            return STATE_TH[self.state] if lang == "th" else STATE_EN[self.state]
        if lang == "th":
            return f"คาดว่าจะลงนามสัญญา {format_date(self.expected_contract, 'th')}"
        return f"expected signing {format_date(self.expected_contract, 'en')}"


# ------------------------------------------------------------------------------ the core
@dataclass
class GroupForecast:
    """Arrays (day numbers of the calendar index) for one group of projects with the same steps.

    ``expected``/``earliest``: shape ``(steps, projects)`` milestone day numbers (the anchor's
    value for steps already done); ``latest_start``: shape ``(steps + 1, projects)`` — row ``j``
    is the latest safe start of step ``j``, the last row the latest contract day (deadline rolled
    back to a working day); ``-1`` where there is no deadline.
    """

    expected: np.ndarray
    earliest: np.ndarray
    latest_start: np.ndarray
    state: np.ndarray  # int8, index into _STATE_CODES
    lost_by: np.ndarray  # int64 working days (LOST), else 0
    slack: np.ndarray  # int64 working days deadline - expected (0 where no deadline)
    action: np.ndarray  # int64 step index of the action (AT_RISK), else -1


def _advance(cal: WorkingCalendar, cur: np.ndarray, days: int, unit: str) -> np.ndarray:
    if days == 0:
        return cal.next_working_idx(cur)
    if unit == "working":
        return cal.add_working_days_idx(cur, days)
    return cal.next_working_idx(cur + days)


def _retreat(cal: WorkingCalendar, latest_end: np.ndarray, days: int, unit: str) -> np.ndarray:
    """Latest working start S with advance(S) <= latest_end (a working day): exact, no search —
    N working days: the N-th working day before; N calendar days: the working day on or before
    latest_end - N; 0 days: latest_end itself."""
    if days == 0:
        return latest_end
    if unit == "working":
        return cal.sub_working_days_idx(latest_end, days)
    return cal.previous_working_idx(latest_end - days)


def forecast_group(cal: WorkingCalendar, days: Sequence[int], min_days: Sequence[int],
                   units: Sequence[str], anchor_idx, done_count, today_idx, deadline_idx
                   ) -> GroupForecast:
    """The vectorised forecast of projects sharing one list of steps.

    ``days``/``min_days``/``units``: per step (planned days, legal minimum — callers put the
    planned days where the minimum is unknown —, ``working``/``calendar``); per project:
    ``anchor_idx`` (day number of the latest actual date, or of the start), ``done_count`` (steps
    up to and including the anchor's step; 0 = nothing recorded), ``today_idx``, ``deadline_idx``
    (-1 = no deadline).
    """
    n = len(days)
    anchor = np.asarray(anchor_idx, dtype=np.int64)
    done = np.asarray(done_count, dtype=np.int64)
    today = np.asarray(today_idx, dtype=np.int64)
    deadline = np.asarray(deadline_idx, dtype=np.int64)
    m = len(anchor)
    today_w = cal.next_working_idx(today)
    exp = np.empty((n, m), dtype=np.int64)
    ear = np.empty((n, m), dtype=np.int64)
    # earliest possible: a project not started yet could start today rather than on its plan
    ce, cm = anchor, np.where(done == 0, np.minimum(anchor, today), anchor)
    for j in range(n):
        ne = _advance(cal, ce, days[j], units[j])
        nm = _advance(cal, cm, min_days[j], units[j])
        first = done == j  # the next step: not recorded, so not before today
        if first.any():
            ne = np.where(first, np.maximum(ne, today_w), ne)
            nm = np.where(first, np.maximum(nm, today_w), nm)
        later = done <= j
        ce = np.where(later, ne, ce)
        cm = np.where(later, nm, cm)
        exp[j] = ce
        ear[j] = cm
    has_deadline = deadline >= 0
    latest = np.full((n + 1, m), -1, dtype=np.int64)
    state = np.full(m, STATE_CODE[ForecastState.NO_DEADLINE], dtype=np.int8)
    lost_by = np.zeros(m, dtype=np.int64)
    slack = np.zeros(m, dtype=np.int64)
    action = np.full(m, -1, dtype=np.int64)
    if has_deadline.any():
        sel = np.flatnonzero(has_deadline)
        lat = cal.previous_working_idx(deadline[sel])
        latest[n, sel] = lat
        for j in range(n - 1, -1, -1):
            lat = _retreat(cal, lat, min_days[j], units[j])
            latest[j, sel] = lat
        exp_c = exp[n - 1, sel] if n else anchor[sel]
        ear_c = ear[n - 1, sel] if n else anchor[sel]
        dl = deadline[sel]
        cum = cal._cum
        slack[sel] = cum[dl].astype(np.int64) - cum[exp_c]
        st = np.where(exp_c <= dl, STATE_CODE[ForecastState.ON_TRACK],
                      np.where(ear_c <= dl, STATE_CODE[ForecastState.AT_RISK],
                               STATE_CODE[ForecastState.LOST])).astype(np.int8)
        state[sel] = st
        lost = st == STATE_CODE[ForecastState.LOST]
        lost_by[sel[lost]] = cum[ear_c[lost]].astype(np.int64) - cum[dl[lost]]
        # action: the first remaining step that is not started yet (its earliest start is today
        # or later); the step in progress when nothing after it remains
        risk = sel[st == STATE_CODE[ForecastState.AT_RISK]]
        if len(risk):
            today_r = today[risk]
            act = np.full(len(risk), -1, dtype=np.int64)
            first_start = np.where(done[risk] == 0, np.maximum(anchor[risk], today_r),
                                   anchor[risk])
            for j in range(n - 1, -1, -1):
                start_j = first_start if j == 0 else np.where(done[risk] >= j, first_start,
                                                              ear[j - 1, risk])
                ok = (done[risk] <= j) & (start_j >= today_r)
                act = np.where(ok, j, act)
            act = np.where(act < 0, np.minimum(done[risk], n - 1), act)
            action[risk] = act
    done_all = done >= n
    state[done_all] = STATE_CODE[ForecastState.DONE]
    lost_by[done_all] = 0
    action[done_all] = -1
    return GroupForecast(expected=exp, earliest=ear, latest_start=latest, state=state,
                         lost_by=lost_by, slack=slack, action=action)


# ------------------------------------------------------------------------------ one project
def _idx(cal: WorkingCalendar, d: date) -> int:
    return cal._i(d)


def _date(cal: WorkingCalendar, i: int) -> date:
    return cal._d(int(i))


def forecast_timeline(timeline: Timeline, actuals: Mapping[str, date | None], today: date,
                      calendar: WorkingCalendar, deadlines: Sequence[Deadline] = (), *,
                      project_id: str = "") -> Forecast:
    """The forecast of one project: its timeline, the actual dates recorded per step code, the
    day of the forecast and the deadlines that apply (the earliest binds)."""
    return forecast_timelines([(project_id, timeline, actuals, deadlines)], today, calendar)[0]


def _prepare(timeline: Timeline, actuals: Mapping[str, date | None],
             deadlines: Sequence[Deadline]):
    codes = [s.code for s in timeline.steps]
    recorded = {c: a for c, a in actuals.items() if a is not None and c in codes}
    done_count, anchor, anchor_step = 0, timeline.start, None
    for j, code in enumerate(codes):
        if code in recorded:
            done_count, anchor, anchor_step = j + 1, recorded[code], code
    deadlines = tuple(sorted(deadlines, key=lambda d: d.date))
    return recorded, done_count, anchor, anchor_step, deadlines, binding_deadline(deadlines)


def forecast_timelines(items: Sequence[tuple], today: date, calendar: WorkingCalendar
                       ) -> list[Forecast]:
    """Forecasts of many projects on one day, in the order given: ``items`` are
    ``(project_id, timeline, actuals, deadlines)``. Projects whose steps count alike (same days,
    minimums and units) share one vectorised :func:`forecast_group` call."""
    preps = [_prepare(tl, acts, dls) for _, tl, acts, dls in items]
    groups: dict[tuple, list[int]] = {}
    for i, (_, tl, _, _) in enumerate(items):
        sig = tuple((s.days, s.min_days if s.min_days is not None else s.days, s.unit)
                    for s in tl.steps)
        groups.setdefault(sig, []).append(i)
    out: list[Forecast | None] = [None] * len(items)
    t_idx = _idx(calendar, today)
    for sig, members in groups.items():
        g = forecast_group(
            calendar, [x[0] for x in sig], [x[1] for x in sig], [x[2] for x in sig],
            [_idx(calendar, preps[i][2]) for i in members], [preps[i][1] for i in members],
            [t_idx] * len(members),
            [_idx(calendar, preps[i][5].date) if preps[i][5] else -1 for i in members])
        for col, i in enumerate(members):
            pid, tl, _, _ = items[i]
            out[i] = _assemble(pid, tl, preps[i], today, calendar, g, col)
    return out  # type: ignore[return-value]


def _assemble(project_id: str, timeline: Timeline, prep, today: date,
              calendar: WorkingCalendar, g: GroupForecast, col: int) -> Forecast:
    recorded, done_count, anchor, anchor_step, deadlines, bind = prep
    steps: tuple[Milestone, ...] = timeline.steps
    codes = [s.code for s in steps]
    state = _STATE_CODES[int(g.state[col])]
    n = len(steps)
    has_dl = bind is not None
    done = state is ForecastState.DONE
    out_steps = []
    for j, s in enumerate(steps):
        is_done = j < done_count
        out_steps.append(StepForecast(
            code=s.code, name_th=s.name_th, name_en=s.name_en, planned=s.end,
            actual=recorded.get(s.code), done=is_done,
            expected=None if is_done else _date(calendar, g.expected[j, col]),
            earliest=None if is_done else _date(calendar, g.earliest[j, col]),
            latest_safe_start=_date(calendar, g.latest_start[j, col]) if has_dl else None,
            latest_safe_end=_date(calendar, g.latest_start[j + 1, col]) if has_dl else None,
            min_days=s.min_days, days=s.days))
    action = None
    if state is ForecastState.AT_RISK and bind is not None:
        j = int(g.action[col])
        # the contract step's own milestone is the signing: "sign by"; any other: "start by"
        sf = out_steps[j]
        by = sf.latest_safe_end if j == n - 1 else sf.latest_safe_start
        assert by is not None
        action = Action(step_code=steps[j].code, step_name_th=steps[j].name_th, by=by,
                        deadline=bind.date)
    remaining_unknown = any(s.min_days is None for s in steps[done_count:])
    return Forecast(
        project_id=project_id, today=today, state=state, deadline=bind, deadlines=deadlines,
        planned_contract=timeline.contract_date,
        expected_contract=None if done or not n else _date(calendar, g.expected[n - 1, col]),
        earliest_contract=None if done or not n else _date(calendar, g.earliest[n - 1, col]),
        earliest_uncertain=remaining_unknown and not done,
        actual_contract=recorded.get(codes[-1]) if codes else None,
        anchor=anchor, anchor_step=anchor_step, action=action, lost_by=int(g.lost_by[col]),
        slack=int(g.slack[col]) if has_dl and not done else None, steps=tuple(out_steps))


# ------------------------------------------------------------------------------ many projects
@dataclass
class BulkForecast:
    """Results for many projects, aligned with the inputs (``datetime64[D]`` dates)."""

    expected: np.ndarray
    earliest: np.ndarray
    state: np.ndarray  # int8 codes; ``ForecastState`` via :func:`state_of`
    lost_by: np.ndarray
    errors: dict[int, str] = field(default_factory=dict)
    groups: int = 0


def state_of(code: int) -> ForecastState:
    return _STATE_CODES[int(code)]


def forecast_many(rulebook: Rulebook, calendar: WorkingCalendar, methods: Sequence[str],
                  budgets: Sequence[float], starts, *, done_count, anchors, today,
                  deadlines) -> BulkForecast:
    """Forecasts for many projects of any methods at default days (no overrides): ``starts``
    (project start dates), ``done_count`` (steps recorded up to the latest one; 0 = none),
    ``anchors`` (the latest actual date; ignored where ``done_count`` is 0), ``today`` (one date
    or one per project) and ``deadlines`` (``NaT`` = none). Projects are grouped by method, rules
    period and tier like :func:`schedule_engine.bulk.plan_many`; each group is one
    :func:`forecast_group` call. A step with an unknown legal minimum counts at its planned days."""
    from decimal import Decimal

    from schedule_engine.timeline import resolve_steps

    method_list = methods.tolist() if isinstance(methods, np.ndarray) else list(methods)
    n = len(method_list)
    budgets = np.asarray(budgets, dtype=np.float64)
    origin = calendar.first_day.toordinal()
    np_origin = calendar.from_index(np.zeros(1, np.int64))[0]

    def idx(values, allow_nat=False):
        arr = np.asarray(values)
        if arr.dtype == object:
            arr = np.array([NAT if v is None else v for v in arr.tolist()], dtype="datetime64[D]")
        arr = np.broadcast_to(arr.astype("datetime64[D]"), (n,))
        nat = np.isnat(arr)
        out = np.where(nat, 0, (arr - np_origin).astype(np.int64))
        bad = ~nat & ((out < 0) | (out >= len(calendar._work)))
        return np.where(nat, -1, out), nat, bad

    start_i, start_nat, start_bad = idx(starts)
    anchor_i, _, anchor_bad = idx(anchors)
    today_i, _, today_bad = idx(today)
    dl_i, _, dl_bad = idx(deadlines)
    done = np.asarray(done_count, dtype=np.int64)
    errors: dict[int, str] = {}
    bad = start_nat | start_bad | anchor_bad | today_bad | dl_bad
    for i in np.flatnonzero(bad):
        errors[int(i)] = "a date is blank or outside the working calendar"
    expected = np.full(n, NAT, dtype="datetime64[D]")
    earliest = np.full(n, NAT, dtype="datetime64[D]")
    state = np.full(n, STATE_CODE[ForecastState.NO_DEADLINE], dtype=np.int8)
    lost_by = np.zeros(n, dtype=np.int64)
    usable = ~bad
    groups = 0
    lookup: dict[str, int] = {}
    inverse = np.fromiter((lookup.setdefault(x, len(lookup)) for x in method_list), np.int64, n)
    for text, mi in lookup.items():
        sel_m = np.flatnonzero((inverse == mi) & usable)
        if not len(sel_m):
            continue
        try:
            m = rulebook.resolve_method(str(text))
        except InputError as exc:
            for i in sel_m:
                errors[int(i)] = str(exc)
            continue
        bounds = np.array([d.toordinal() - origin for d in m.effective_boundaries()], dtype=np.int64)
        period = np.searchsorted(bounds, start_i[sel_m], side="right")
        for p in np.unique(period):
            sel_p = sel_m[period == p]
            on = date.fromordinal(int(start_i[sel_p[0]]) + origin)
            b = budgets[sel_p]
            assigned = np.zeros(len(sel_p), dtype=bool)
            for tier in m.tiers_in_force(on):
                mask = b > float(tier.budget_over)
                if tier.budget_up_to is not None:
                    mask &= b <= float(tier.budget_up_to)
                mask &= ~assigned
                if not mask.any():
                    continue
                assigned |= mask
                sel = sel_p[mask]
                try:
                    steps = resolve_steps(m, tier, on)
                except InputError as exc:
                    for i in sel:
                        errors[int(i)] = str(exc)
                    continue
                groups += 1
                days = [s.days for s in steps]
                mins = [s.rule.min_days if s.rule.min_days is not None else s.days for s in steps]
                units = [s.rule.unit for s in steps]
                d = np.minimum(done[sel], len(steps))
                anc = np.where(d > 0, anchor_i[sel], start_i[sel])
                try:
                    g = forecast_group(calendar, days, mins, units, anc, d, today_i[sel], dl_i[sel])
                except CalendarRangeError as exc:
                    for i in sel:
                        errors[int(i)] = str(exc)
                    continue
                if steps:
                    expected[sel] = np_origin + g.expected[-1]
                    earliest[sel] = np_origin + g.earliest[-1]
                state[sel] = g.state
                lost_by[sel] = g.lost_by
                fin = g.state == STATE_CODE[ForecastState.DONE]
                expected[sel[fin]] = NAT
                earliest[sel[fin]] = NAT
            for i in sel_p[~assigned]:
                try:
                    m.tier_for(Decimal(str(budgets[i])), on)
                    errors[int(i)] = f"no {m.code} tier for {budgets[i]:,.2f}"
                except InputError as exc:
                    errors[int(i)] = str(exc)
    return BulkForecast(expected=expected, earliest=earliest, state=state, lost_by=lost_by,
                        errors=errors, groups=groups)


__all__ = [
    "ForecastState", "STATE_TH", "STATE_EN", "Deadline", "project_deadline", "binding_deadline",
    "StepForecast", "Action", "Forecast", "GroupForecast", "forecast_group", "forecast_timeline",
    "forecast_timelines",
    "BulkForecast", "forecast_many", "state_of", "START_ACTION_TH",
]
