"""The fast workbook reader gives exactly the values openpyxl gives (sheets_io/xlsx_read.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sheets_io.tables import XlsxSource
from sheets_io.xlsx_read import WorkbookValues, openpyxl_grids

ROOT = Path(__file__).resolve().parents[2]


def _blank(v):
    return v is None or (isinstance(v, str) and not v.strip())


def _trimmed(grid):
    """Trailing blank rows dropped, as procal's tables do (an empty sheet: [] or [[None]])."""
    grid = list(grid)
    while grid and all(_blank(v) for v in grid[-1]):
        grid.pop()
    return grid


def assert_same_grids(path: Path) -> None:
    want = openpyxl_grids(path)
    with WorkbookValues(path) as wb:
        assert wb.sheetnames == list(want)
        for title, grid in want.items():
            got, grid = _trimmed(wb.grid(title)), _trimmed(grid)
            assert len(got) == len(grid), title
            for r, (a, b) in enumerate(zip(got, grid, strict=True), start=1):
                a = a + [None] * (len(b) - len(a))
                b = b + [None] * (len(a) - len(b))
                for c, (x, y) in enumerate(zip(a, b, strict=True), start=1):
                    if _blank(x) and _blank(y):
                        continue  # a whitespace-only text is blank to every reader of a cell
                    assert type(x) is type(y) and (x == y or (x != x and y != y)), (title, r, c, x, y)


def test_the_example_workbook_reads_the_same(tmp_path):
    assert_same_grids(ROOT / "examples" / "plans.xlsx")


KINDS = [1, -3, 2.5, 12.0, 1e-7, 10 ** 15, 2 ** 60, True, False, "ข้อความไทย", "0012", " ", "",
         date(2026, 1, 2), datetime(2026, 1, 2, 13, 5), time(9, 30), timedelta(hours=30),
         "=1+1", None, "=A1&\"x\"", 3.14159265358979]


def test_every_kind_of_value_reads_the_same(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "แผน ๑"
    for i, v in enumerate(KINDS, start=2):
        ws.cell(row=i, column=3, value=v)
    ws.cell(row=40, column=8, value="far corner")
    hidden = wb.create_sheet("ซ่อน")
    hidden.sheet_state = "hidden"
    hidden["B2"] = 5
    wb.create_sheet("ว่าง")
    path = tmp_path / "kinds.xlsx"
    wb.save(path)
    assert_same_grids(path)


def test_an_error_cell_is_read_as_the_error_not_as_blank(tmp_path):
    # the fast reader turns #REF! into "" — procal must see it to name it in the row's message
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "งบประมาณ"
    ws["A2"] = "#REF!"
    ws["A2"].data_type = "e"
    path = tmp_path / "err.xlsx"
    wb.save(path)
    with WorkbookValues(path) as got:
        assert got.grid(got.sheetnames[0])[1][0] == "#REF!"
    tabs = XlsxSource(path).read_tabs([ws.title])
    assert tabs[ws.title].grid[1][0] == "#REF!"


cell = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 12, 10 ** 12),
    # up to 10^15 (a budget of a quadrillion baht); beyond 2^53 a file's digits decide int/float
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e15),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.dates(date(1901, 1, 1), date(2599, 12, 31)),
    st.datetimes(datetime(1901, 1, 1), datetime(2599, 12, 31)).map(lambda d: d.replace(microsecond=0)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=1, max_size=6), min_size=1, max_size=8))
def test_random_grids_read_the_same(tmp_path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if isinstance(v, str) and v.startswith("="):
                v = "'" + v
            try:
                ws.cell(row=r, column=c, value=v)
            except Exception:  # openpyxl refuses some control characters: not a workbook case
                ws.cell(row=r, column=c, value=None)
    path = tmp_path / "random.xlsx"
    wb.save(path)
    assert_same_grids(path)


@settings(max_examples=300, deadline=None)
@given(cell)
def test_the_quick_blank_check_agrees_with_clean_text(v):
    from sheets_io.cells import clean_text
    from sheets_io.tables import _is_blank

    assert _is_blank(v) == (clean_text(v) == "")


@pytest.mark.parametrize("v", ["\u200b", "\u00a0 \u3000", "\ufeff", " \t", float("nan"), "ก", "\u200bก"])
def test_the_quick_blank_check_on_invisible_text(v):
    from sheets_io.cells import clean_text
    from sheets_io.tables import _is_blank

    assert _is_blank(v) == (clean_text(v) == "")
