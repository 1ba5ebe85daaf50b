"""Read the disbursement tab (เบิกจ่าย): one row per agency × budget type × budget source with the
GFMIS figures — allocation (ได้รับจัดสรร), commitments/PO (ก่อหนี้ผูกพัน), disbursed (เบิกจ่าย) and
the as-of date (ข้อมูล ณ วันที่).

Validated like the plans: each bad row becomes one clear :class:`InputError` (sheet, row, column,
value, what to do) and the other rows go on. Disbursed above the allocation, a negative amount, a
missing as-of date are errors — such rows are never reconciled or charted. Column names are
configuration: ``[sheets.headers] allocated = ["..."]`` adds header texts for a logical field.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping, Sequence

from schedule_engine.dates import BE_OFFSET, fiscal_year, format_date, format_thai_date, today_bangkok
from schedule_engine.errors import InputError
from schedule_engine.i18n import N_, get_language, t
from schedule_engine.model import SourceRef
from schedule_engine.reconcile import DisbursementRecord
from schedule_engine.text import normalise_text, text_key
from sheets_io.cells import NOT_POSITIVE, check_excel_error, clean_text, is_blank, parse_amount, parse_date_cell
from sheets_io.plans import parse_budget_source, parse_budget_type
from sheets_io.settings import SheetsSettings
from sheets_io.tables import Record, Table, TableSource, open_source

# logical field -> header texts accepted by default (Thai first, then English)
DISBURSEMENT_HEADERS: dict[str, tuple[str, ...]] = {
    "allocated": ("ได้รับจัดสรร", "งบประมาณที่ได้รับจัดสรร", "งบที่ได้รับจัดสรร", "จัดสรร",
                  "งบประมาณหลังโอนเปลี่ยนแปลง", "allocated", "allocation", "budget allocated"),
    "committed": ("ก่อหนี้ผูกพัน", "ก่อหนี้ผูกพัน (PO)", "PO", "ผูกพัน", "committed", "commitments",
                  "commitment", "purchase orders"),
    "disbursed": ("เบิกจ่าย", "ผลการเบิกจ่าย", "เบิกจ่ายแล้ว", "disbursed", "disbursement", "paid"),
    "as_of": ("ข้อมูล ณ วันที่", "ณ วันที่", "วันที่ข้อมูล", "as of", "as-of date", "as of date",
              "date"),
}
# user-facing messages of this module (Thai first; kept together for the message catalogue)
MSG = {  # message ids (English); the Thai is in schedule_engine/locale (docs/messages.md)
    "as_of_future": N_("the as-of date {as_of} is after today ({today})"),
    "as_of_future_hint": N_("check the GFMIS report date; the row is left out"),
    "as_of_other_year": N_("the as-of date {as_of} is in FY{fy}, the run is FY{run_fy}"),
    "did_you_mean": N_("; did you mean {guess}?"),
    "as_of_other_year_hint": N_("fix the year; the row is left out, the other rows are reconciled"),
}
REQUIRED = ("agency", "budget_type", "budget_source", "allocated", "disbursed", "as_of")


@dataclass
class DisbursementBook:
    """What one disbursement tab yielded."""

    records: list[DisbursementRecord] = field(default_factory=list)  # latest as-of per line
    history: list[DisbursementRecord] = field(default_factory=list)  # every valid row (all months)
    problems: list[InputError] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)  # total lines, earlier years' history
    tab: str = ""
    source: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def disbursement_headers(settings: SheetsSettings) -> dict[str, tuple[str, ...]]:
    """Header texts per logical field: configured ones first, then the defaults."""
    out: dict[str, tuple[str, ...]] = {}
    for logical in ("agency", "budget_type", "budget_source"):
        out[logical] = tuple(settings.headers.get(logical, ()))
    for logical, defaults in DISBURSEMENT_HEADERS.items():
        configured = tuple(settings.headers.get(logical, ()))
        out[logical] = configured + tuple(t for t in defaults if t not in configured)
    return out


def _money(value: object, what: str, *, required: bool) -> Decimal:
    """A baht amount >= 0 (``parse_amount`` refuses zero; here 0 / blank / '-' are fine)."""
    if is_blank(value) or clean_text(value) == "-":
        if required:
            raise InputError(t("the {what} is empty", what=t(what)), value=value,
                             hint=t("type the amount in baht from GFMIS, e.g. 1,500,000"))
        return Decimal("0.00")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value == 0:
        return Decimal("0.00")
    if isinstance(value, str) and clean_text(value).replace(",", "").strip("0.") == "":
        return Decimal("0.00")
    try:
        return parse_amount(value)
    except InputError as exc:
        if getattr(exc, "kind", None) != NOT_POSITIVE:
            raise
        raise InputError(t("the {what} is negative ({value})", what=t(what), value=clean_text(value)),
                         value=value,
                         hint=t("amounts are never negative; copy the figure again from GFMIS")
                         ) from None


def read_disbursement(source: TableSource | str, *, settings: SheetsSettings | None = None,
                      tab: str | None = None, table: Table | None = None,
                      fiscal_year_be: int | None = None, today: date | None = None
                      ) -> DisbursementBook:
    """Read and validate the disbursement tab of ``source`` (an open :class:`TableSource`, a
    path/URL, or a pre-read ``table``). Structural problems (tab or required column missing)
    raise ``SourceError``; bad rows land in ``problems`` and the other rows go on.

    One cell never stops the run: a GFMIS total line (รวม) is skipped; an as-of date after
    ``today`` (default: today in Bangkok) is that row's error; so is one outside the run's fiscal
    year (``fiscal_year_be``, default the fiscal year most rows are in) unless the same line has a
    newer row in that year (then it is history from an earlier year, left out quietly)."""
    if table is None:
        src = open_source(source, settings=settings) if not isinstance(source, TableSource) else source
        settings = settings or src.settings
        name = tab or settings.disbursement_tab
        table = src.read_tabs([name])[name]
        label = src.label
    else:
        settings = settings or SheetsSettings()
        label = table.source
    today = today or today_bangkok()
    book = DisbursementBook(tab=table.tab, source=label)
    headers = disbursement_headers(settings)
    records = table.records(headers, required=REQUIRED, search_rows=settings.header_search_rows)
    seen: Counter = Counter()
    first_row: dict[tuple, int] = {}
    valid: list[tuple[Record, DisbursementRecord]] = []
    for rec in records:
        if _is_total_row(rec):
            book.skipped_rows.append(rec.row)
            continue
        try:
            dr = _read_row(rec, label, settings)
        except InputError as exc:
            book.problems.append(exc)
            continue
        if dr.as_of > today:
            book.problems.append(InputError(
                t(MSG["as_of_future"], as_of=format_thai_date(dr.as_of),
                                           today=format_thai_date(today)),
                value=rec.get("as_of"), hint=t(MSG["as_of_future_hint"])).at(_loc(label, rec, "as_of")))
            continue
        key = (dr.agency, dr.budget_type, dr.budget_source, dr.as_of)
        seen[key] += 1
        if seen[key] > 1:
            book.problems.append(InputError(
                t("duplicate row: {agency} / {budget_type} / {source} as of {as_of} is already "
                  "on row {row}", agency=dr.agency, budget_type=dr.budget_type.value,
                  source=dr.budget_source, as_of=format_date(dr.as_of, get_language()), row=first_row[key]),
                value=dr.agency,
                hint=t("keep one row per agency, budget type, budget source and date")).at(
                    _loc(label, rec, "agency")))
            continue
        first_row[key] = rec.row
        valid.append((rec, dr))
    run_fy = fiscal_year_be or _run_fiscal_year([dr for _, dr in valid])
    newest_in_run: dict[tuple, date] = {}
    for _, dr in valid:
        if fiscal_year(dr.as_of) == run_fy:
            line = (dr.agency, dr.budget_type, dr.budget_source)
            newest_in_run[line] = max(newest_in_run.get(line, dr.as_of), dr.as_of)
    for rec, dr in valid:
        fy = fiscal_year(dr.as_of)
        if run_fy is not None and fy != run_fy:
            line = (dr.agency, dr.budget_type, dr.budget_source)
            if line in newest_in_run and newest_in_run[line] > dr.as_of:
                book.skipped_rows.append(rec.row)  # an earlier year's figures of a current line
                continue
            guess = _same_day_in(dr.as_of, run_fy)
            book.problems.append(InputError(
                t(MSG["as_of_other_year"], as_of=format_thai_date(dr.as_of), fy=fy,
                                               run_fy=run_fy)
                + (t(MSG["did_you_mean"], guess=format_thai_date(guess)) if guess else ""),
                value=rec.get("as_of"), hint=t(MSG["as_of_other_year_hint"])).at(
                    _loc(label, rec, "as_of")))
            continue
        book.records.append(dr)
    book.problems.sort(key=lambda e: e.location.row or 0)
    book.history = list(book.records)
    book.records = _latest_only(book.records)
    return book


def _run_fiscal_year(records: Sequence[DisbursementRecord]) -> int | None:
    """The fiscal year most rows are in (ties: the later year)."""
    years = Counter(fiscal_year(r.as_of) for r in records)
    if not years:
        return None
    return max(years, key=lambda fy: (years[fy], fy))


def _same_day_in(d: date, fy_be: int) -> date | None:
    """The same day and month inside fiscal year ``fy_be`` (for a 'did you mean' hint)."""
    ce = fy_be - BE_OFFSET - (1 if d.month >= 10 else 0)
    try:
        return d.replace(year=ce)
    except ValueError:
        return None


_TOTAL_WORDS = ("รวม", "รวมทั้งสิ้น", "รวมทั้งหมด", "รวมทั้งจังหวัด", "ยอดรวม", "total",
                "grandtotal", "sum", "subtotal")


def _is_total_row(rec: Record) -> bool:
    """A GFMIS-style totals line: the agency cell says รวม / total (…) and no budget type."""
    agency = re.sub(r"[\s\-_.():/]+", "", text_key(clean_text(rec.get("agency"))))
    if not agency.startswith(tuple(_TOTAL_WORDS)):
        return False
    if agency in _TOTAL_WORDS or agency.startswith(("รวมทั้ง", "ยอดรวม", "grandtotal")):
        return True
    return is_blank(rec.get("budget_type")) or agency.startswith("total")


def _latest_only(records: Sequence[DisbursementRecord]) -> list[DisbursementRecord]:
    """When a tab keeps several months, reconcile each line's most recent figures."""
    latest: dict[tuple, DisbursementRecord] = {}
    for r in records:
        key = (r.agency, r.budget_type, r.budget_source)
        if key not in latest or r.as_of > latest[key].as_of:
            latest[key] = r
    return [r for r in records if latest[(r.agency, r.budget_type, r.budget_source)] is r]


def _loc(label: str, rec: Record, field_name: str):
    from schedule_engine.errors import Location

    return Location(source=label, sheet=rec.tab, row=rec.row, column=rec.column(field_name))


def _read_row(rec: Record, label: str, settings: SheetsSettings) -> DisbursementRecord:
    def field_(name: str, parse):
        try:
            check_excel_error(rec.get(name))  # #REF!, #N/A … are never figures
            return parse(rec.get(name))
        except InputError as exc:
            raise exc.at(_loc(label, rec, name)) from None

    agency = field_("agency", _agency)
    budget_type = field_("budget_type", parse_budget_type)
    budget_source = field_("budget_source", lambda v: parse_budget_source(v, settings.budget_sources))
    allocated = field_("allocated", lambda v: _money(v, N_("allocation (ได้รับจัดสรร)"), required=True))
    committed = field_("committed", lambda v: _money(v, N_("commitment (ก่อหนี้ผูกพัน)"), required=False))
    disbursed = field_("disbursed", lambda v: _money(v, N_("disbursed amount (เบิกจ่าย)"), required=False))
    as_of = field_("as_of", _as_of)
    if allocated == 0:
        raise InputError(t("the allocation is zero"), value=rec.get("allocated"),
                         hint=t("leave out lines with no allocation")).at(_loc(label, rec, "allocated"))
    if disbursed > allocated:
        raise InputError(
            t("disbursed {disbursed} is more than the allocation {allocated}",
              disbursed=f"{disbursed:,.2f}", allocated=f"{allocated:,.2f}"),
            value=rec.get("disbursed"),
            hint=t("check both figures against GFMIS (after transfers); the row is left out")
        ).at(_loc(label, rec, "disbursed"))
    if disbursed + committed > allocated:
        raise InputError(
            t("disbursed + commitments {total} exceed the allocation {allocated}",
              total=f"{disbursed + committed:,.2f}", allocated=f"{allocated:,.2f}"),
            value=rec.get("committed"),
            hint=t("check the commitment (PO) figure against GFMIS; the row is left out")
        ).at(_loc(label, rec, "committed"))
    return DisbursementRecord(
        agency=agency, budget_type=budget_type, budget_source=budget_source, allocated=allocated,
        committed=committed, disbursed=disbursed, as_of=as_of,
        source_ref=SourceRef(source=label, sheet=rec.tab, row=rec.row))


def _agency(value: object) -> str:
    text = normalise_text(clean_text(value))  # the same key as the plan tab's agency
    if not text:
        raise InputError(t("the agency is empty"), value=value, hint=t("type the agency's name"))
    return text


def _as_of(value: object):
    if is_blank(value):
        raise InputError(t("the as-of date is missing"), value=value,
                         hint=t("type the GFMIS report date, e.g. 31/10/2569"))
    return parse_date_cell(value)


def records_by_agency(records: Sequence[DisbursementRecord]) -> Mapping[str, list[DisbursementRecord]]:
    out: dict[str, list[DisbursementRecord]] = {}
    for r in records:
        out.setdefault(r.agency, []).append(r)
    return out
