"""Read the disbursement tab (เบิกจ่าย): one row per agency × budget type × budget source with the
GFMIS figures — allocation (ได้รับจัดสรร), commitments/PO (ก่อหนี้ผูกพัน), disbursed (เบิกจ่าย) and
the as-of date (ข้อมูล ณ วันที่).

Validated like the plans: each bad row becomes one clear :class:`InputError` (sheet, row, column,
value, what to do) and the other rows go on. Disbursed above the allocation, a negative amount, a
missing as-of date are errors — such rows are never reconciled or charted. Column names are
configuration: ``[sheets.headers] allocated = ["..."]`` adds header texts for a logical field.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Sequence

from schedule_engine.dates import fiscal_year
from schedule_engine.errors import InputError
from schedule_engine.model import SourceRef
from schedule_engine.reconcile import DisbursementRecord
from sheets_io.cells import clean_text, is_blank, parse_amount, parse_date_cell
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
REQUIRED = ("agency", "budget_type", "budget_source", "allocated", "disbursed", "as_of")


@dataclass
class DisbursementBook:
    """What one disbursement tab yielded."""

    records: list[DisbursementRecord] = field(default_factory=list)  # latest as-of per line
    history: list[DisbursementRecord] = field(default_factory=list)  # every valid row (all months)
    problems: list[InputError] = field(default_factory=list)
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
            raise InputError(f"the {what} is empty", value=value,
                             hint="type the amount in baht from GFMIS, e.g. 1,500,000")
        return Decimal("0.00")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value == 0:
        return Decimal("0.00")
    if isinstance(value, str) and clean_text(value).replace(",", "").strip("0.") == "":
        return Decimal("0.00")
    try:
        return parse_amount(value)
    except InputError as exc:
        if "above zero" in exc.reason:
            raise InputError(f"the {what} is negative ({clean_text(value)})", value=value,
                             hint="amounts are never negative; copy the figure again from GFMIS"
                             ) from None
        raise


def read_disbursement(source: TableSource | str, *, settings: SheetsSettings | None = None,
                      tab: str | None = None, table: Table | None = None,
                      fiscal_year_be: int | None = None) -> DisbursementBook:
    """Read and validate the disbursement tab of ``source`` (an open :class:`TableSource`, a
    path/URL, or a pre-read ``table``). Structural problems (tab or required column missing)
    raise ``SourceError``; bad rows land in ``problems`` and the other rows go on."""
    if table is None:
        src = open_source(source, settings=settings) if not isinstance(source, TableSource) else source
        settings = settings or src.settings
        name = tab or settings.disbursement_tab
        table = src.read_tabs([name])[name]
        label = src.label
    else:
        settings = settings or SheetsSettings()
        label = table.source
    book = DisbursementBook(tab=table.tab, source=label)
    headers = disbursement_headers(settings)
    records = table.records(headers, required=REQUIRED, search_rows=settings.header_search_rows)
    seen: Counter = Counter()
    first_row: dict[tuple, int] = {}
    for rec in records:
        try:
            dr = _read_row(rec, label, settings)
        except InputError as exc:
            book.problems.append(exc)
            continue
        key = (dr.agency, dr.budget_type, dr.budget_source, dr.as_of)
        seen[key] += 1
        if seen[key] > 1:
            book.problems.append(InputError(
                f"duplicate row: {dr.agency} / {dr.budget_type.value} / {dr.budget_source} as of "
                f"{dr.as_of.isoformat()} is already on row {first_row[key]}", value=dr.agency,
                hint="keep one row per agency, budget type, budget source and date").at(
                    _loc(label, rec, "agency")))
            continue
        first_row[key] = rec.row
        if fiscal_year_be is not None and fiscal_year(dr.as_of) != fiscal_year_be:
            book.problems.append(InputError(
                f"as-of date {dr.as_of.isoformat()} is in FY{fiscal_year(dr.as_of)}, "
                f"not FY{fiscal_year_be}", value=dr.as_of,
                hint="keep one fiscal year per tab").at(_loc(label, rec, "as_of")))
            continue
        book.records.append(dr)
    book.history = list(book.records)
    book.records = _latest_only(book.records)
    return book


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
            return parse(rec.get(name))
        except InputError as exc:
            raise exc.at(_loc(label, rec, name)) from None

    agency = field_("agency", _agency)
    budget_type = field_("budget_type", parse_budget_type)
    budget_source = field_("budget_source", lambda v: parse_budget_source(v, settings.budget_sources))
    allocated = field_("allocated", lambda v: _money(v, "allocation (ได้รับจัดสรร)", required=True))
    committed = field_("committed", lambda v: _money(v, "commitment (ก่อหนี้ผูกพัน)", required=False))
    disbursed = field_("disbursed", lambda v: _money(v, "disbursed amount (เบิกจ่าย)", required=False))
    as_of = field_("as_of", _as_of)
    if allocated == 0:
        raise InputError("the allocation is zero", value=rec.get("allocated"),
                         hint="leave out lines with no allocation").at(_loc(label, rec, "allocated"))
    if disbursed > allocated:
        raise InputError(
            f"disbursed {disbursed:,.2f} is more than the allocation {allocated:,.2f}",
            value=rec.get("disbursed"),
            hint="check both figures against GFMIS (after transfers); the row is left out"
        ).at(_loc(label, rec, "disbursed"))
    if disbursed + committed > allocated:
        raise InputError(
            f"disbursed + commitments {disbursed + committed:,.2f} exceed the allocation "
            f"{allocated:,.2f}", value=rec.get("committed"),
            hint="check the commitment (PO) figure against GFMIS; the row is left out"
        ).at(_loc(label, rec, "committed"))
    return DisbursementRecord(
        agency=agency, budget_type=budget_type, budget_source=budget_source, allocated=allocated,
        committed=committed, disbursed=disbursed, as_of=as_of,
        source_ref=SourceRef(source=label, sheet=rec.tab, row=rec.row))


def _agency(value: object) -> str:
    text = clean_text(value)
    if not text:
        raise InputError("the agency is empty", value=value, hint="type the agency's name")
    return text


def _as_of(value: object):
    if is_blank(value):
        raise InputError("the as-of date is missing", value=value,
                         hint="type the GFMIS report date, e.g. 31/10/2569")
    return parse_date_cell(value)


def records_by_agency(records: Sequence[DisbursementRecord]) -> Mapping[str, list[DisbursementRecord]]:
    out: dict[str, list[DisbursementRecord]] = {}
    for r in records:
        out.setdefault(r.agency, []).append(r)
    return out
