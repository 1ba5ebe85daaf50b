"""Agency plans (แผนจัดซื้อจัดจ้าง) and progress (ผลการดำเนินงาน) read and validated row by row.

``read_plans`` never stops at a bad row: every problem is collected with its tab, row, column,
value and what to do; the row is *held* (its project keeps whatever it already has downstream) and
the other rows go on. Only structural problems (file/tab missing, required column missing, empty
plan tab, no access) raise :class:`SourceError` before anything is computed or written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Sequence

from schedule_engine import (
    BelowLegalMinimumError,
    BudgetOutOfTierError,
    BudgetType,
    CalendarRangeError,
    InputError,
    Location,
    ProjectPlan,
    SourceError,
    SourceRef,
    StepProgress,
    StepSwitchError,
    Timeline,
    UnknownMethodError,
    WorkingCalendar,
    default_calendar,
    default_rulebook,
    resolve_steps,
    timeline_for_plan,
    today_bangkok,
)
from schedule_engine.catalogue import Method, Rulebook
from schedule_engine.i18n import N_, t
from schedule_engine.dates import format_thai_date
from schedule_engine.text import normalise_text, text_key
from sheets_io.cells import (
    check_excel_error,
    clean_text,
    is_blank,
    parse_amount,
    parse_bool,
    parse_email,
    parse_id,
    parse_day_count,
    parse_optional_date,
)
from sheets_io.settings import PLAN_REQUIRED, PROGRESS_REQUIRED, SheetsSettings
from sheets_io.tables import Record, Table, TableSource, open_source
from schedule_engine.dates import format_date
from schedule_engine.i18n import get_language

OK = "OK"

# user-facing messages of this module (Thai first; kept together for the message catalogue)
MSG = {  # message ids (English); the Thai is in schedule_engine/locale (docs/messages.md)
    "actual_before_start": N_("the actual date {actual} is before the project's start {start}"),
    "actual_before_start_hint": N_("check this date or the plan's start date"),
}


@dataclass
class PlanBook:
    """Everything read from one source in one run."""

    source: TableSource
    settings: SheetsSettings
    plans: list[ProjectPlan] = field(default_factory=list)  # valid rows, sheet order
    timelines: dict[str, Timeline] = field(default_factory=dict)  # project id -> timeline
    progress: list[StepProgress] = field(default_factory=list)  # valid progress rows
    problems: list[InputError] = field(default_factory=list)  # row errors (plans + progress tabs)
    warnings: list[InputError] = field(default_factory=list)  # worth a look, row not held
    held_project_ids: set[str] = field(default_factory=set)  # ids whose row failed: keep their events
    unidentified_rows: list[int] = field(default_factory=list)  # failed rows with no readable id
    row_status: dict[int, str] = field(default_factory=dict)  # plan-tab sheet row -> "OK" / message
    row_ids: dict[int, str] = field(default_factory=dict)  # plan-tab sheet row -> id as typed
    previous_tabs: dict[str, Table] = field(default_factory=dict)  # schedule/status as last written
    tables: dict[str, Table] = field(default_factory=dict)  # every tab read (incl. ``also_read``)
    skipped_rows: list[int] = field(default_factory=list)  # total rows (รวม) ignored on purpose
    forecasts: dict = field(default_factory=dict)  # project id -> Forecast (set by the caller)
    appeals: dict[str, set[str]] = field(default_factory=dict)  # id -> appeal-branch steps recorded

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def safe_to_delete(self) -> bool:
        """False when some failed row had no readable id: the sync must then delete nothing."""
        return not self.unidentified_rows

    def _index(self) -> tuple[dict[str, ProjectPlan], dict[str, dict[str, StepProgress]],
                              dict[str, int]]:
        """Lookups by project id, built once (rebuilt when the lists change): never a scan per id.

        The cache is keyed on the lists' identity and length; code that replaces an entry in place
        (``book.plans[i] = …``) must call :meth:`changed` afterwards."""
        sig = (id(self.plans), len(self.plans), id(self.progress), len(self.progress),
               id(self.row_ids), len(self.row_ids), self.__dict__.get("_gen", 0))
        cached = self.__dict__.get("_idx")
        if cached is not None and cached[0] == sig:
            return cached[1]
        plans: dict[str, ProjectPlan] = {}
        for p in self.plans:
            plans.setdefault(p.project_id, p)
        progress: dict[str, dict[str, StepProgress]] = {}
        for pr in self.progress:
            progress.setdefault(pr.project_id, {})[pr.step_code] = pr
        rows: dict[str, int] = {}
        for row, pid in self.row_ids.items():
            rows.setdefault(pid, row)
        idx = (plans, progress, rows)
        self.__dict__["_idx"] = (sig, idx)
        return idx

    def changed(self) -> None:
        """Say that plans, progress or row ids were replaced in place (drops the lookups)."""
        self.__dict__["_gen"] = self.__dict__.get("_gen", 0) + 1

    def plan(self, project_id: str) -> ProjectPlan:
        return self._index()[0][project_id]

    def source_url(self, project_id: str) -> str | None:
        """Deep link to the project's plan row (Google Sheets), else None."""
        p = self._index()[0].get(project_id)
        if p is not None and p.source_ref is not None:
            return p.source_ref.url
        row = self._index()[2].get(project_id)
        if row is not None:
            return self.source.row_url(self.settings.plans_tab, row)
        return None

    def progress_for(self, project_id: str) -> dict[str, StepProgress]:
        return dict(self._index()[1].get(project_id, {}))


# ------------------------------------------------------------------------------ small parsers
_BUDGET_TYPES = {
    BudgetType.RECURRENT: ("งบประจำ", "รายจ่ายประจำ", "ประจำ", "recurrent", "operating",
                           "recurrent expenditure"),
    BudgetType.INVESTMENT: ("งบลงทุน", "รายจ่ายลงทุน", "ลงทุน", "investment", "capital",
                            "capital expenditure"),
}
_SOURCE_ALIASES = {
    "งบส่วนราชการ": ("ส่วนราชการ", "agency", "agency budget", "ministry", "department"),
    "งบจังหวัด": ("จังหวัด", "province", "provincial", "provincial budget"),
    "งบกลุ่มจังหวัด": ("กลุ่มจังหวัด", "province group", "provincial cluster", "provincial group"),
    "งบเหลื่อมปี": ("เหลื่อมปี", "carry-over", "carryover", "carry over", "carried over"),
    "เงินกู้": ("กู้", "loan", "loans"),
}


_KEY_DROP = re.compile(r"[\s\-_.()/]+")


@functools.lru_cache(maxsize=1 << 16)
def _text_key(text: str) -> str:
    return _KEY_DROP.sub("", text_key(clean_text(text)))


def _key(text: object) -> str:
    """Matching key for typed names (budget types/sources, steps, switches, totals): the one
    ``text_key`` normalisation (NFKC, no zero-width/bidi characters, dashes unified, case folded)
    without spaces and punctuation. Memoised: a province's sheets repeat the same few names."""
    return _text_key(text if isinstance(text, str) else clean_text(text))


def parse_budget_type(value: object) -> BudgetType:
    k = _key(value)
    for bt, names in _BUDGET_TYPES.items():
        if k in {_key(n) for n in names}:
            return bt
    raise InputError(t("{value!r} is not a budget type", value=clean_text(value)) if k else
                     t("the budget type is empty"), value=value,
                     hint=t("type งบประจำ (recurrent) or งบลงทุน (investment)"))


def parse_budget_source(value: object, known: tuple[str, ...]) -> str:
    text = clean_text(value)
    k = _key(text)
    if not k:
        raise InputError(t("the budget source is empty"), value=value,
                         hint=t("type one of: {choices}", choices=", ".join(known)))
    for name in known:
        if k == _key(name) or k in {_key(a) for a in _SOURCE_ALIASES.get(name, ())}:
            return name
    for name in known:  # "เงินกู้ (โควิด 2019)", "งบเหลื่อมปี 2569": keep the detail as typed
        if k.startswith(_key(name)):
            return text
    raise InputError(t("{value!r} is not a known budget source", value=text), value=value,
                     hint=t("type one of: {choices}", choices=", ".join(known)))


_OVERRIDE_SPLIT = re.compile(r"[;,\n]+")
_OVERRIDE_ITEM = re.compile(r"^(.+?)\s*[=:]\s*(.+)$")


_STEP_INDEX: dict[int, tuple[Method, dict[str, str]]] = {}


def _step_index(method: Method) -> dict[str, str]:
    """Step code by the key of its code, Thai and English name; built once per method."""
    hit = _STEP_INDEX.get(id(method))
    if hit is not None and hit[0] is method:
        return hit[1]
    idx: dict[str, str] = {}
    for r in method.rules:
        for name in (r.code, r.name_th, r.name_en):
            idx.setdefault(_key(name), r.code)
    _STEP_INDEX[id(method)] = (method, idx)  # the method is kept alive, so its id stays its own
    return idx


def resolve_step(method: Method, text: object) -> str:
    """A step code from its code, Thai or English name (for ``method``); InputError if unknown."""
    code = _step_index(method).get(_key(text))
    if code is None:
        raise StepSwitchError(t("{method} has no step {step!r}", method=method.code,
                                step=clean_text(text)), value=text,
                              hint=t("steps are: {steps}", steps=", ".join(method.step_codes())))
    return code


def parse_day_overrides(value: object, method: Method
                        ) -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    """``invitation=7; appeal=10; draft_hearing=on`` → (days, with_steps, without_steps).

    Steps may be named by code or Thai/English name; ``on``/``off`` (เปิด/ปิด, ใช้/ไม่ใช้)
    switch optional steps.
    """
    text = clean_text(value).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    days: dict[str, int] = {}
    on: set[str] = set()
    off: set[str] = set()
    if not text:
        return days, frozenset(), frozenset()
    hint = t("write step=days separated by ';', e.g. invitation=7; appeal=10 (or draft_hearing=off)")
    for item in _OVERRIDE_SPLIT.split(str(value).translate(
            str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))):
        item = clean_text(item)
        if not item:
            continue
        m = _OVERRIDE_ITEM.match(item)
        if not m:
            raise InputError(t("cannot read {item!r}", item=item), value=value, hint=hint)
        code = resolve_step(method, m.group(1))
        what = _key(m.group(2)).removesuffix("วันทำการ").removesuffix("วัน").removesuffix("days")
        if what in ("on", "เปิด", "ใช้", "yes", "ใช่"):
            on.add(code)
        elif what in ("off", "ปิด", "ไม่ใช้", "no", "ไม่"):
            off.add(code)
        else:
            try:
                days[code] = parse_day_count(m.group(2))  # the same parser as `procal plan --days`
            except InputError as exc:
                raise InputError(f"{code}: {exc.reason}", value=value, hint=exc.hint) from None
    return days, frozenset(on), frozenset(off)


# -------------------------------------------------------------------------------- read_plans
def _bangkok_today() -> date:
    return today_bangkok()


class _RowCheck:
    """Collects the problems of one row, each placed at its column."""

    def __init__(self, source: TableSource, rec: Record):
        self.source = source
        self.rec = rec
        self.errors: list[InputError] = []

    def loc(self, fieldname: str | None) -> Location:
        col = self.rec.column(fieldname) if fieldname else None
        return self.source.location(self.rec.tab, self.rec.row, col)

    def add(self, err: InputError, fieldname: str | None) -> None:
        if fieldname and fieldname in self.rec.values:
            err.value = self.rec.get(fieldname)  # the value as typed, not as interpreted
        self.errors.append(err.at(self.loc(fieldname)))

    def field(self, fieldname: str, parser: Callable, *args, **kw):
        try:
            check_excel_error(self.rec.get(fieldname))  # #REF!, #N/A … are never data
            return parser(self.rec.get(fieldname), *args, **kw)
        except InputError as err:
            self.add(err, fieldname)
            return None


def _required_text(value: object, what: str, hint: str) -> str:
    text = clean_text(value)
    if not text:
        raise InputError(t("the {what} is empty", what=t(what)), value=value, hint=t(hint))
    return text


_ENGINE_ERROR_FIELD: list[tuple[type, str]] = [
    (UnknownMethodError, "method"),
    (BudgetOutOfTierError, "amount"),
    (BelowLegalMinimumError, "day_overrides"),
    (StepSwitchError, "day_overrides"),
]


def _engine_error_column(err: InputError, rec: Record, start: date | None,
                         contract_by: date | None, overrides: tuple) -> str:
    """The column whose value caused an engine error (every row error names one)."""
    date_col = "start" if start is not None or contract_by is None else "contract_by"
    typed = next((f for t, f in _ENGINE_ERROR_FIELD if isinstance(err, t)), None)
    if typed is not None:
        return typed
    if isinstance(err, CalendarRangeError):
        # the date itself outside the calendar, else the day overrides pushed the result out
        on = start if date_col == "start" else contract_by
        if on is not None and isinstance(err.value, date) and err.value == on:
            return date_col
        has_days = bool(overrides[0]) or not is_blank(rec.get("day_overrides"))
        return "day_overrides" if has_days and "result" in err.reason else date_col
    if isinstance(err.value, date):  # "no rules in force on <date>": the start / deadline
        return date_col
    return "day_overrides" if not is_blank(rec.get("day_overrides")) else date_col


def read_plans(source: "TableSource | str", *, settings: SheetsSettings | None = None,
               rulebook: Rulebook | None = None, calendar: WorkingCalendar | None = None,
               today: date | None = None, clients: object = None,
               also_read: Sequence[str] = ()) -> PlanBook:
    """Read, validate and compute every plan row; see the module docstring.

    Reads the plan tab (required), the progress tab and procal's own schedule/status tabs
    (optional) in one request to the source. ``also_read`` adds more optional tabs to that same
    request; they and the disbursement tab (read in the same request, for
    ``sheets_io.disbursement``) are in ``book.tables``.
    """
    src = open_source(source, settings=settings, clients=clients)
    settings = settings or src.settings
    rulebook = rulebook or default_rulebook()
    calendar = calendar or default_calendar()
    today = today or _bangkok_today()
    tabs = src.read_tabs([settings.plans_tab],
                         optional=[settings.progress_tab, settings.schedule_tab, settings.status_tab,
                                   settings.disbursement_tab, *also_read])
    book = PlanBook(source=src, settings=settings, tables=dict(tabs))
    book.previous_tabs = {t: tabs[t] for t in (settings.schedule_tab, settings.status_tab) if t in tabs}

    plan_table = tabs[settings.plans_tab]
    records = plan_table.records(settings.headers, required=PLAN_REQUIRED,
                                 search_rows=settings.header_search_rows)
    if not records:
        raise SourceError(f"{src.label}: tab '{settings.plans_tab}' has a header but no project "
                          f"rows")
    hm = plan_table.header_map(settings.headers, required=PLAN_REQUIRED,
                               search_rows=settings.header_search_rows)
    if "start" not in hm.columns and "contract_by" not in hm.columns:
        raise SourceError(
            f"{src.label}: tab '{settings.plans_tab}' needs a start-date column "
            f"({' / '.join(settings.header_texts('start')[:2])}) or a contract-deadline column "
            f"({' / '.join(settings.header_texts('contract_by')[:2])})")

    # duplicate ids: every row carrying the id is held
    rows_by_id: dict[str, list[int]] = {}
    for rec in records:
        if not is_blank(rec.get("project_id")):
            try:
                rows_by_id.setdefault(parse_id(rec.get("project_id")), []).append(rec.row)
            except InputError:
                pass  # reported on the row itself

    numeric_ids = [r.row for r in records if isinstance(r.get("project_id"), (int, float))
                   and not isinstance(r.get("project_id"), bool)]
    if numeric_ids:
        first = records[0]
        book.warnings.append(InputError(
            t("{n} project id(s) are stored as numbers (rows {rows}); an id like 0012 would "
              "already have lost its zeros", n=len(numeric_ids),
              rows=", ".join(map(str, numeric_ids[:5])) + (", …" if len(numeric_ids) > 5 else "")),
            value=None,
            hint=t("format the id column as plain text (Format → Number → Plain text)")).at(
                src.location(first.tab, None, first.column("project_id"))))
    for rec in records:
        if _is_total_row(rec):
            book.skipped_rows.append(rec.row)
            continue
        _read_plan_row(book, src, rec, rows_by_id, rulebook, calendar, settings)

    if settings.progress_tab in tabs and not tabs[settings.progress_tab].is_empty:
        _read_progress(book, src, tabs[settings.progress_tab], rulebook, settings, today)
        _follow_appeals(book, rulebook, calendar)
    return book


# progress-tab step texts that say "an appeal was filed" (the row's date is not a step's date)
APPEAL_FILED_WORDS = {"appealfiled", "มีผู้อุทธรณ์", "มีการอุทธรณ์", "ยื่นอุทธรณ์", "มีผู้ยื่นอุทธรณ์"}


def _follow_appeals(book: PlanBook, rulebook: Rulebook, calendar: WorkingCalendar) -> None:
    """Projects whose progress rows say an appeal was filed (or record a step of the appeal-filed
    branch) get the branch (Act s.118-119): agency review, referral, Appeals Committee, and the
    Committee's extensions when recorded, before the contract."""
    from dataclasses import replace

    ext = ("appeal_committee_extension_1", "appeal_committee_extension_2")
    for i, plan in enumerate(book.plans):
        recorded = book.appeals.get(plan.project_id)
        if not recorded:
            continue
        with_ext = {c for c in ext if c in recorded}
        if "appeal_committee_extension_2" in with_ext:
            with_ext.add("appeal_committee_extension_1")
        new = replace(plan, appeal_filed=True, with_steps=plan.with_steps | frozenset(with_ext))
        try:
            book.timelines[plan.project_id] = timeline_for_plan(new, rulebook, calendar)
        except InputError as exc:  # keep the no-appeal timeline; say why
            book.warnings.append(exc)
            continue
        book.plans[i] = new
    book.changed()


_TOTAL_WORDS = {"รวม", "รวมทั้งสิ้น", "รวมทั้งหมด", "ยอดรวม", "total", "grandtotal", "sum"}


def _is_total_row(rec: Record) -> bool:
    """A totals line (รวม) under the plan: no id, no method, no dates, a 'total' label."""
    if any(not is_blank(rec.get(f)) for f in ("project_id", "method", "start", "contract_by")):
        return False
    return any(_key(rec.get(f)) in _TOTAL_WORDS for f in ("agency", "name", "budget_type"))


def _read_plan_row(book: PlanBook, src: TableSource, rec: Record, rows_by_id: dict[str, list[int]],
                   rulebook: Rulebook, calendar: WorkingCalendar, settings: SheetsSettings) -> None:
    chk = _RowCheck(src, rec)
    pid = chk.field("project_id", parse_id)
    if pid is not None:
        book.row_ids[rec.row] = pid
        dup_rows = rows_by_id.get(pid, [])
        if len(dup_rows) > 1:
            others = ", ".join(str(r) for r in dup_rows if r != rec.row)
            chk.add(InputError(t("project id {pid!r} is also used on row(s) {rows}", pid=pid,
                                 rows=others), value=pid,
                               hint=t("every project needs its own id; change or delete the copy "
                                      "(all rows with this id are held until then)")), "project_id")
    agency = chk.field("agency", _required_text, N_("agency"), N_("type the agency (หน่วยงาน)"))
    if agency is not None:
        agency = normalise_text(agency)  # one key across the plan and disbursement tabs
    name = chk.field("name", _required_text, N_("project name"), N_("type the project name"))
    budget_type = chk.field("budget_type", parse_budget_type)
    budget_source = chk.field("budget_source", parse_budget_source, settings.budget_sources)
    amount = chk.field("amount", parse_amount)
    method: Method | None = chk.field("method", _resolve_method, rulebook)
    start = chk.field("start", parse_optional_date)
    contract_by = chk.field("contract_by", parse_optional_date)
    start_ok = not any(e.location.column == rec.column("start") for e in chk.errors)
    deadline_ok = not any(e.location.column == rec.column("contract_by") for e in chk.errors)
    if start is None and contract_by is None and start_ok and deadline_ok:
        chk.add(InputError(t("neither a start date nor a contract-signing deadline is given"),
                           hint=t("fill in {start} (or {deadline})", start=rec.column("start"),
                                  deadline=rec.column("contract_by"))),
                "start")
    if start is not None and contract_by is not None and contract_by < start:
        chk.add(InputError(t("the contract deadline {deadline} is before the start {start}",
                             deadline=format_date(contract_by, get_language()),
                             start=format_date(start, get_language())), value=rec.get("contract_by"),
                           hint=t("check both dates (day first: 20/07/2570)")), "contract_by")
    overrides: tuple = ({}, frozenset(), frozenset())
    if method is not None and not is_blank(rec.get("day_overrides")):
        got = chk.field("day_overrides", parse_day_overrides, method)
        if got is not None:
            overrides = got
    if method is not None and amount is not None:
        # tier and day checks up front, so a row with several mistakes reports them all at once
        on = start or contract_by or _bangkok_today()
        try:
            tier = method.tier_for(amount, on=on)
            resolve_steps(method, tier, on, day_overrides=overrides[0], with_steps=overrides[1],
                          without_steps=overrides[2])
        except InputError as err:
            chk.add(err, _engine_error_column(err, rec, start, contract_by, overrides))
    email = chk.field("officer_email", parse_email)
    exclude = chk.field("exclude_from_sync", parse_bool)
    target_calendar = chk.field("calendar", lambda v: clean_text(v) or None)

    timeline = None
    plan = None
    if not chk.errors:
        url = src.row_url(rec.tab, rec.row)
        plan = ProjectPlan(
            project_id=pid, agency=agency, name=name, budget_type=budget_type,
            budget_source=budget_source, amount=amount, method=method.code, start=start,
            contract_by=contract_by, day_overrides=overrides[0], with_steps=overrides[1],
            without_steps=overrides[2], officer_email=email, calendar=target_calendar,
            exclude_from_sync=bool(exclude),
            source_ref=SourceRef(source=src.label, sheet=rec.tab, row=rec.row, url=url),
        )
        try:
            timeline = timeline_for_plan(plan, rulebook, calendar)
        except InputError as err:
            chk.add(err, _engine_error_column(err, rec, start, contract_by, overrides))
    if chk.errors:
        book.problems.extend(chk.errors)
        book.row_status[rec.row] = "; ".join(_short(e) for e in chk.errors)
        if pid is not None:
            book.held_project_ids.add(pid)
        else:
            book.unidentified_rows.append(rec.row)
        return
    assert plan is not None and timeline is not None
    if contract_by is not None and start is not None and timeline.contract_date > contract_by:
        book.warnings.append(InputError(
            t("starting {start}, the contract is signed {signed}, after the deadline {deadline}",
              start=format_date(start, get_language()),
              signed=format_date(timeline.contract_date, get_language()),
              deadline=format_date(contract_by, get_language())), value=rec.get("contract_by"),
            hint=t("start earlier or shorten optional steps")).at(chk.loc("contract_by")))
    book.plans.append(plan)
    book.timelines[plan.project_id] = timeline
    book.row_status[rec.row] = OK


def _resolve_method(value: object, rulebook: Rulebook) -> Method:
    text = clean_text(value)
    if not text:
        raise UnknownMethodError(t("the procurement method is empty"), value=value,
                                 hint=t("use one of: {choices}", choices=", ".join(rulebook.codes())))
    return rulebook.resolve_method(text)


def _short(err: InputError) -> str:
    col = f"{err.location.column}: " if err.location.column else ""
    return f"{col}{err.reason}" + (f" — {err.hint}" if err.hint else "")


def _read_progress(book: PlanBook, src: TableSource, table: Table, rulebook: Rulebook,
                   settings: SheetsSettings, today: date) -> None:
    records = table.records(settings.headers, required=PROGRESS_REQUIRED,
                            search_rows=settings.header_search_rows)
    valid = {p.project_id: p for p in book.plans}
    known_ids = set(book.row_ids.values())
    seen: dict[tuple[str, str], int] = {}
    kept: dict[tuple[str, str], StepProgress] = {}
    for rec in records:
        chk = _RowCheck(src, rec)
        pid = chk.field("project_id", parse_id)
        if pid is None:
            book.problems.extend(chk.errors)
            continue
        if pid not in known_ids:
            chk.add(InputError(t("project id {pid!r} is not in the plan tab '{tab}'", pid=pid,
                                 tab=settings.plans_tab), value=pid,
                               hint=t("check the id (leading zeros count) or add the project")),
                    "project_id")
            book.problems.extend(chk.errors)
            continue
        plan = valid.get(pid)
        step_text = clean_text(rec.get("step"))
        if plan is None:  # held project: keep what was typed, it cannot be checked this run
            code = step_text
        else:
            method = rulebook.resolve_method(plan.method)
            if _key(step_text) in APPEAL_FILED_WORDS and method.has_appeal():
                code = "appeal_review"  # "an appeal was filed": the branch starts with its review
            else:
                code = chk.field("step", lambda v, method=method: resolve_step(method, v))
            branch = {r.code for r in method.rules if r.branch}
            if code in branch:  # an appeal-branch step recorded: the project follows that branch
                book.appeals.setdefault(pid, set()).add(code)
                if _key(step_text) in APPEAL_FILED_WORDS:
                    continue  # the filing itself is not a step with a date of its own
            elif code is not None and code not in {s.code for s in book.timelines[pid].steps}:
                chk.add(StepSwitchError(t("step {code!r} is not part of this project's timeline",
                                          code=code), value=step_text,
                                        hint=t("steps are: {steps}", steps=", ".join(
                                            s.code for s in book.timelines[pid].steps))), "step")
        actual = chk.field("actual", parse_optional_date)
        if actual is not None and actual > today:
            chk.add(InputError(t("the actual date {actual} is in the future",
                                 actual=format_date(actual, get_language())),
                               value=rec.get("actual"), hint=t("record a step only once it is done")),
                    "actual")
        note = chk.field("note", clean_text)
        if chk.errors:
            book.problems.extend(chk.errors)
            continue
        start = book.timelines[pid].start if pid in book.timelines else None
        if actual is not None and start is not None and actual < start:
            # flagged, not held: the step may really have been prepared early (kept as typed)
            book.warnings.append(InputError(t(MSG["actual_before_start"], 
                actual=format_thai_date(actual), start=format_thai_date(start)),
                value=rec.get("actual"), hint=t(MSG["actual_before_start_hint"])).at(chk.loc("actual")))
        if not code:
            continue
        key = (pid, code)
        if key in seen:
            book.warnings.append(InputError(
                t("step {code!r} of project {pid!r} is also recorded on row {first}; using row {row}",
                  code=code, pid=pid, first=seen[key], row=rec.row), value=step_text,
                hint=t("delete the older row")).at(chk.loc("step")))
        seen[key] = rec.row
        kept[key] = StepProgress(
            project_id=pid, step_code=code, actual=actual, note=note or "",
            source_ref=SourceRef(source=src.label, sheet=rec.tab, row=rec.row,
                                 url=src.row_url(rec.tab, rec.row)))
    book.progress = list(kept.values())


__all__ = ["PlanBook", "read_plans", "parse_budget_type", "parse_budget_source",
           "parse_day_overrides", "resolve_step", "OK"]
