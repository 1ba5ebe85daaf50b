"""Adapters that read agency plans and disbursement (Google Sheets via gspread, xlsx/csv via
pandas/openpyxl) into engine objects, and write results back. See docs/sheets.md."""

from sheets_io.settings import SheetsSettings  # noqa: F401
from sheets_io.tables import (  # noqa: F401
    CsvSource,
    HeaderMap,
    Record,
    Table,
    TableSource,
    XlsxSource,
    normalise_header,
    open_source,
    spreadsheet_id_from,
)
from sheets_io.plans import PlanBook, read_plans  # noqa: F401
from sheets_io.writeback import WriteReport, write_back  # noqa: F401
from sheets_io.plan_report import export_plan_report  # noqa: F401
