"""Reading an ``.xlsx`` workbook's cell values fast, with the values openpyxl would give.

openpyxl (read-only, ``data_only``) reads about 20,000 cells a second; a country's plan workbook
has millions. ``python-calamine`` (a Rust reader) reads the same workbook 15–20× faster. Its values
differ from openpyxl's in ways this module undoes, so every parser downstream sees what it always
saw:

* a whole number comes back as ``12.0`` — openpyxl gives ``12`` (Excel stores ``<v>12</v>``);
* a date cell comes back as ``date`` — openpyxl gives a midnight ``datetime``;
* an empty cell comes back as ``""`` — openpyxl gives ``None``;
* **an error cell (``#REF!``, ``#N/A`` …) comes back as ``""``** — procal must see the error to
  name it in the row's message, so a workbook whose sheets hold an error cell (``t="e"`` in the
  sheet's XML: a cheap byte search) is read with openpyxl instead.

A whitespace-only text cell comes back as ``""`` — blank either way for every reader of a cell.
``tests/sheets_io/test_xlsx_read.py`` checks both readers give the same grids on every workbook
in the repository and on one holding each kind of value.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

_EXACT_INT = 2 ** 53  # beyond this a float's integer value is not the number typed


def _openpyxl_value(v: object) -> object:
    if v == "":
        return None
    if type(v) is float:
        return int(v) if v.is_integer() and -_EXACT_INT < v < _EXACT_INT else v
    if type(v) is date:
        return datetime.combine(v, time())
    return v


def _has_error_cells(path: Path) -> bool:
    """Does any worksheet of the workbook hold an error value (``<c … t="e">``)?"""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                if b't="e"' in zf.read(name):
                    return True
    return False


class WorkbookValues:
    """The sheet names and each sheet's grid of values (rows of cells, from A1)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._calamine = None
        self._openpyxl = None
        self._errors_checked = False
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:  # pragma: no cover - a declared dependency; openpyxl still works
            self._open_openpyxl()
            return
        self._calamine = CalamineWorkbook.from_path(str(self.path))
        self.sheetnames = list(self._calamine.sheet_names)

    def _open_openpyxl(self) -> None:
        import openpyxl

        self._openpyxl = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        self.sheetnames = list(self._openpyxl.sheetnames)

    def grid(self, title: str) -> list[list[object]]:
        if self._calamine is not None and not self._errors_checked:
            # looked for on the first sheet read, not on opening: listing the sheets of a big
            # workbook must not decompress every sheet
            self._errors_checked = True
            if _has_error_cells(self.path):
                self._calamine.close()
                self._calamine = None
                self._open_openpyxl()
        if self._calamine is not None:
            rows = self._calamine.get_sheet_by_name(title).to_python(skip_empty_area=False)
            # _openpyxl_value inlined (a million cells: the call would double the cost)
            lo, hi, midnight = -_EXACT_INT, _EXACT_INT, time()
            return [[None if v == "" else
                     (int(v) if v.is_integer() and lo < v < hi else v) if type(v) is float else
                     datetime.combine(v, midnight) if type(v) is date else v
                     for v in row] for row in rows]
        return [list(r) for r in self._openpyxl[title].iter_rows(values_only=True)]

    def close(self) -> None:
        if self._calamine is not None:
            self._calamine.close()
        if self._openpyxl is not None:
            self._openpyxl.close()

    def __enter__(self) -> "WorkbookValues":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def openpyxl_grids(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's grid as openpyxl reads it (the reference the fast reader is tested against)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {n: [list(r) for r in wb[n].iter_rows(values_only=True)] for n in wb.sheetnames}
    finally:
        wb.close()
