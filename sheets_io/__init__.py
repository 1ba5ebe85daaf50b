"""Adapters that read agency plans and disbursement (Google Sheets via gspread, xlsx/csv via
pandas/openpyxl) into engine objects, and write results back. See docs/sheets.md.

``__all__`` is the public surface other packages and the docs use (tests/test_public_api.py).
Names that need a heavy library (openpyxl reports, matplotlib charts, the Google source) are
loaded on first use, so ``import sheets_io`` stays cheap.
"""

from __future__ import annotations

import importlib

from sheets_io.cells import (
    check_excel_error,
    clean_text,
    excel_error,
    is_blank,
    parse_amount,
    parse_bool,
    parse_date_cell,
    parse_day_count,
    parse_email,
    parse_id,
)
from sheets_io.disbursement import DisbursementBook, read_disbursement
from sheets_io.plan_report import export_plan_report
from sheets_io.plans import PlanBook, read_plans
from sheets_io.safecell import append_row, csv_cell, looks_like_formula, write_cell, write_date
from sheets_io.run_summary import SUMMARY_NAME, run_summary, write_run_summary
from sheets_io.settings import SheetsSettings
from sheets_io.tables import (
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
from sheets_io.writeback import WriteReport, write_back

# name -> module, imported on first attribute access (PEP 562)
_LAZY = {
    "GoogleSheetSource": "sheets_io.google_source",
    "ReportFiles": "sheets_io.reports",
    "write_report": "sheets_io.reports",
    "write_charts": "sheets_io.charts",
    "register_thai_font": "sheets_io.charts",
    # agency scoring (docs/scoring.md)
    **dict.fromkeys(("DEDUCTIONS_TAB", "SCORES_TAB", "read_deductions", "scoring_inputs",
                     "update_first_seen", "scoreboard_rows", "breakdown_rows", "writeback_rows",
                     "add_score_sheets", "ranking_chart", "row_issue_key", "group_summary"),
                    "sheets_io.scoring_io"),
}

__all__ = [
    "SheetsSettings",
    # sources: workbook, csv, Google Sheet
    "TableSource", "XlsxSource", "CsvSource", "GoogleSheetSource", "Table", "Record",
    "HeaderMap", "open_source", "normalise_header", "spreadsheet_id_from",
    # plans and disbursement in, results out
    "PlanBook", "read_plans", "DisbursementBook", "read_disbursement", "WriteReport",
    "write_back", "export_plan_report", "ReportFiles", "write_report", "write_charts",
    "register_thai_font", "run_summary", "write_run_summary", "SUMMARY_NAME",
    # cell readers (Thai digits, baht amounts, BE dates)
    "clean_text", "is_blank", "parse_id", "parse_amount", "parse_bool", "parse_date_cell",
    "parse_email", "parse_day_count", "excel_error", "check_excel_error",
    # the one safe cell writer for every workbook / CSV procal writes (no live formulas)
    "write_cell", "write_date", "append_row", "csv_cell", "looks_like_formula",
    # agency scoring: deductions tab, scoreboard sheets, ranking chart
    "read_deductions", "scoring_inputs", "update_first_seen", "scoreboard_rows", "breakdown_rows",
    "writeback_rows", "add_score_sheets", "ranking_chart", "row_issue_key", "group_summary",
    "DEDUCTIONS_TAB", "SCORES_TAB",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
