"""Sheets v4 state and semantics: spreadsheets.get / batchUpdate, values get / batchGet / update /
append / batchUpdate, A1 ranges (quoted sheet names, Thai tab names), render and input options.

Cells hold a :class:`Cell` (value, optional formula, optional date kind). ``USER_ENTERED`` input
turns ``'=…'`` into a formula, numeric text into numbers, ``TRUE``/``FALSE`` into booleans and
strips a leading apostrophe; ``RAW`` stores what it is given. ``FORMATTED_VALUE`` (the API
default) renders strings, ``UNFORMATTED_VALUE`` numbers as numbers and dates as serial numbers,
``FORMULA`` the formula text. Formulas are not evaluated beyond plain arithmetic (their value is
their text otherwise) — enough to test formula-injection protection.
"""

from __future__ import annotations

import ast
import copy
import operator
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import ApiError

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
EPOCH = datetime(1899, 12, 30)


class Formula(str):
    """A cell that holds a formula (what ``spreadsheet_values`` returns for formula cells)."""


@dataclass
class Cell:
    value: object
    formula: str | None = None
    kind: str | None = None  # "date" | "datetime" for date cells (value is the serial number)


def _bad(message: str) -> ApiError:
    return ApiError(400, "badRequest", message, status="INVALID_ARGUMENT")


def _not_found() -> ApiError:
    return ApiError(404, "notFound", "Requested entity was not found.", status="NOT_FOUND")


# --------------------------------------------------------------------------- A1 notation
def col_to_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


CELL_RE = re.compile(r"^([A-Za-z]{0,3})(\d*)$")


def quote_sheet(title: str) -> str:
    looks_like_cell = CELL_RE.match(title)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not (looks_like_cell and looks_like_cell.group(2)):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_range(text: str) -> tuple[str | None, str | None]:
    """``"'My tab'!A1:B2"`` -> ("My tab", "A1:B2"); ``"Tab"`` -> ("Tab", None); ``"A1:B2"`` -> (None, "A1:B2")."""
    text = text.strip()
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        else:
            raise _bad(f"Unable to parse range: {text}")
        rest = text[i + 1:]
        if not rest:
            return "".join(name), None
        if not rest.startswith("!"):
            raise _bad(f"Unable to parse range: {text}")
        return "".join(name), rest[1:] or None
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return sheet, cells or None
    return text, None  # a sheet name, or an A1 reference on the first sheet (decided by caller)


@dataclass
class Grid:
    r0: int
    c0: int
    r1: int | None  # exclusive; None = open
    c1: int | None
    single: bool = False  # one cell given: a start point that writes may grow from


def parse_cells(ref: str | None, sheet_rows: int, sheet_cols: int) -> Grid:
    if not ref:
        return Grid(0, 0, sheet_rows, sheet_cols)
    parts = ref.split(":")
    if len(parts) > 2:
        raise _bad(f"Unable to parse range: {ref}")
    a = CELL_RE.match(parts[0])
    b = CELL_RE.match(parts[1]) if len(parts) == 2 else a
    if not a or not b or not (a.group(1) or a.group(2)) or not (b.group(1) or b.group(2)):
        raise _bad(f"Unable to parse range: {ref}")
    c0 = col_to_index(a.group(1)) if a.group(1) else 0
    r0 = int(a.group(2)) - 1 if a.group(2) else 0
    c1 = col_to_index(b.group(1)) + 1 if b.group(1) else None
    r1 = int(b.group(2)) if b.group(2) else None
    if len(parts) == 1 and (not a.group(1) or not a.group(2)):
        raise _bad(f"Unable to parse range: {ref}")
    if r0 < 0 or (r1 is not None and r1 < 1):
        raise _bad(f"Unable to parse range: {ref}")
    if r1 is not None and r1 <= r0:          # B5:A1 is normalised to A1:B5, as Google does
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return Grid(r0, c0, r1, c1, single=len(parts) == 1)


# --------------------------------------------------------------------------- values
def _serial(value) -> tuple[float, str]:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
        return (int(serial) if serial == int(serial) else serial), "datetime"
    delta = datetime.combine(value, datetime.min.time()) - EPOCH
    return delta.days, "date"


def cell_from_python(value) -> Cell | None:
    """A seed/RAW value (None and "" are empty; Formula instances stay formulas)."""
    if value is None or value == "":
        return None
    if isinstance(value, Formula):
        return Cell(value=_eval_formula(value), formula=str(value))
    if isinstance(value, (datetime, date)):
        serial, kind = _serial(value)
        return Cell(value=serial, kind=kind)
    if isinstance(value, (bool, int, float, str)):
        return Cell(value=value)
    return Cell(value=str(value))


NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def cell_from_input(value, option: str) -> Cell | None:
    if value is None:
        return None
    if option == "RAW":
        if isinstance(value, str) and value == "":
            return None
        return Cell(value=value) if isinstance(value, (bool, int, float, str)) else Cell(value=str(value))
    # USER_ENTERED: parse as if typed into the UI
    if isinstance(value, str):
        if value == "":
            return None
        if value.startswith("'"):
            return Cell(value=value[1:])
        if value.startswith("=") and len(value) > 1:
            return Cell(value=_eval_formula(value), formula=value)
        text = value.strip().replace(",", "")
        if NUM_RE.match(text):
            num = float(text)
            return Cell(value=int(num) if num.is_integer() and "." not in text and "e" not in text.lower() else num)
        if value.upper() in ("TRUE", "FALSE"):
            return Cell(value=value.upper() == "TRUE")
        for fmt, kind in (("%Y-%m-%d", "date"), ("%Y-%m-%d %H:%M:%S", "datetime")):
            try:
                parsed = datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
            serial, _ = _serial(parsed if kind == "datetime" else parsed.date())
            return Cell(value=serial, kind=kind)
        return Cell(value=value)
    return Cell(value=value)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _eval_formula(text: str):
    """Plain arithmetic only (``=1+2*3``); anything else evaluates to its own text."""
    try:
        tree = ast.parse(text[1:], mode="eval")

        def ev(node):
            if isinstance(node, ast.Expression):
                return ev(node.body)
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
                return node.value
            if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
                return _OPS[type(node.op)](ev(node.left), ev(node.right))
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                return -ev(node.operand)
            raise ValueError
        result = ev(tree)
        return int(result) if isinstance(result, float) and result.is_integer() else result
    except Exception:
        return text


def _format_number(v) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.10g}"
    return str(v)


def _format_date(cell: Cell) -> str:
    dt = EPOCH + timedelta(days=float(cell.value))
    if cell.kind == "date":
        return dt.date().isoformat()
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def render(cell: Cell | None, option: str, dt_option: str):
    if cell is None:
        return ""
    if option == "FORMULA" and cell.formula:
        return cell.formula
    if option == "FORMATTED_VALUE":
        if cell.kind:
            return _format_date(cell)
        return _format_number(cell.value)
    # UNFORMATTED_VALUE / FORMULA without formula
    if cell.kind and dt_option == "FORMATTED_STRING":
        return _format_date(cell)
    return cell.value


def python_value(cell: Cell | None):
    if cell is None:
        return None
    if cell.formula:
        return Formula(cell.formula)
    if cell.kind:
        dt = EPOCH + timedelta(days=float(cell.value))
        return dt.date() if cell.kind == "date" else dt
    return cell.value


# --------------------------------------------------------------------------- state
class Sheet:
    def __init__(self, sheet_id: int, title: str, index: int, rows=None):
        self.sheet_id = sheet_id
        self.title = title
        self.index = index
        self.cells: list[list[Cell | None]] = []
        self.row_count = DEFAULT_ROWS
        self.col_count = DEFAULT_COLS
        for r, row in enumerate(rows or []):
            for c, value in enumerate(row):
                self.set(r, c, cell_from_python(value))
        self.row_count = max(DEFAULT_ROWS, len(self.cells))
        self.col_count = max(DEFAULT_COLS, max((len(r) for r in self.cells), default=0))

    def set(self, r: int, c: int, cell: Cell | None) -> None:
        while len(self.cells) <= r:
            self.cells.append([])
        row = self.cells[r]
        while len(row) <= c:
            row.append(None)
        row[c] = cell

    def get(self, r: int, c: int) -> Cell | None:
        if r < len(self.cells) and c < len(self.cells[r]):
            return self.cells[r][c]
        return None

    def properties(self) -> dict:
        return {"sheetId": self.sheet_id, "title": self.title, "index": self.index,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count}}


class Spreadsheet:
    def __init__(self, spreadsheet_id: str, title: str):
        self.id = spreadsheet_id
        self.title = title
        self.sheets: list[Sheet] = []
        self._next_id = 0

    def add_sheet(self, title: str, rows=None, *, index=None, sheet_id=None) -> Sheet:
        if any(s.title == title for s in self.sheets):
            raise _bad(f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
                       "Please enter another name.")
        if sheet_id is None:
            sheet_id = self._next_id
        self._next_id = max(self._next_id, sheet_id) + 1 if sheet_id else self._next_id + 1
        sheet = Sheet(sheet_id, title, len(self.sheets), rows)
        if index is None or index >= len(self.sheets):
            self.sheets.append(sheet)
        else:
            self.sheets.insert(index, sheet)
        for i, s in enumerate(self.sheets):
            s.index = i
        return sheet

    def sheet(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise _bad(f"Unable to parse range: {quote_sheet(title)}")

    def resolve(self, range_text: str) -> tuple[Sheet, Grid]:
        sheet_name, cells = split_range(range_text)
        if cells is None and sheet_name is not None and not range_text.strip().startswith("'"):
            if not any(s.title == sheet_name for s in self.sheets):
                # maybe an A1 reference on the first sheet
                if not self.sheets:
                    raise _bad(f"Unable to parse range: {range_text}")
                sheet = self.sheets[0]
                return sheet, parse_cells(sheet_name, sheet.row_count, sheet.col_count)
        try:
            sheet = self.sheet(sheet_name)
        except ApiError:
            raise _bad(f"Unable to parse range: {range_text}") from None
        return sheet, parse_cells(cells, sheet.row_count, sheet.col_count)

    def metadata(self) -> dict:
        return {"spreadsheetId": self.id,
                "properties": {"title": self.title, "locale": "th_TH", "autoRecalc": "ON_CHANGE",
                               "timeZone": "Asia/Bangkok"},
                "sheets": [{"properties": s.properties()} for s in self.sheets],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit"}


def a1(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> str:
    return f"{quote_sheet(sheet.title)}!{index_to_col(c0)}{r0 + 1}:{index_to_col(c1 - 1)}{r1}"


class SheetsStore:
    def __init__(self):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}

    def seed(self, spreadsheet_id: str, tabs: dict, title: str | None = None) -> Spreadsheet:
        with self.lock:
            book = Spreadsheet(spreadsheet_id, title or spreadsheet_id)
            for tab, rows in tabs.items():
                book.add_sheet(tab, rows)
            self.spreadsheets[spreadsheet_id] = book
            return book

    def book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise _not_found()
        return book

    # ------------------------------------------------------------ reads
    def read(self, book: Spreadsheet, range_text: str, q: dict) -> dict:
        sheet, grid = book.resolve(range_text)
        option = q.get("valueRenderOption", "FORMATTED_VALUE")
        if option not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            raise _bad(f"Invalid value at 'value_render_option' ({option})")
        dt_option = q.get("dateTimeRenderOption", "SERIAL_NUMBER")
        major = q.get("majorDimension", "ROWS")
        r1 = grid.r1 if grid.r1 is not None else sheet.row_count
        c1 = grid.c1 if grid.c1 is not None else sheet.col_count
        r1, c1 = min(r1, sheet.row_count), min(c1, sheet.col_count)
        rows = []
        for r in range(grid.r0, r1):
            row = [render(sheet.get(r, c), option, dt_option) for c in range(grid.c0, c1)]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        if major == "COLUMNS":
            width = max((len(r) for r in rows), default=0)
            cols = [[rows[r][c] if c < len(rows[r]) else "" for r in range(len(rows))] for c in range(width)]
            for col in cols:
                while col and col[-1] == "":
                    col.pop()
            rows = cols
        out = {"range": a1(sheet, grid.r0, grid.c0, max(r1, grid.r0 + 1), max(c1, grid.c0 + 1)),
               "majorDimension": major}
        if rows:
            out["values"] = rows
        return out

    def values_get(self, spreadsheet_id: str, range_text: str, q: dict) -> dict:
        with self.lock:
            return self.read(self.book(spreadsheet_id), range_text, q)

    def values_batch_get(self, spreadsheet_id: str, ranges: list[str], q: dict) -> dict:
        with self.lock:
            book = self.book(spreadsheet_id)
            return {"spreadsheetId": spreadsheet_id,
                    "valueRanges": [self.read(book, r, q) for r in ranges]}

    # ------------------------------------------------------------ writes
    def _write(self, book: Spreadsheet, range_text: str, values, major: str | None, option: str,
               *, append_at: int | None = None, grow: bool = False) -> dict:
        if option not in ("RAW", "USER_ENTERED"):
            raise _bad("Invalid valueInputOption: must be RAW or USER_ENTERED")
        if not isinstance(values, list) or any(not isinstance(r, list) for r in values):
            raise _bad("Invalid values: expected a list of rows")
        sheet, grid = book.resolve(range_text)
        if major == "COLUMNS":
            width = max((len(c) for c in values), default=0)
            values = [[col[r] if r < len(col) else None for col in values] for r in range(width)]
        r0 = grid.r0 if append_at is None else append_at
        height = len(values)
        width = max((len(r) for r in values), default=0)
        too_tall = grid.r1 is not None and height > grid.r1 - grid.r0
        too_wide = grid.c1 is not None and width > grid.c1 - grid.c0
        if append_at is None and not grid.single and (too_tall or too_wide):
            raise _bad(f"Requested writing within range [{range_text}], but tried writing to row "
                       f"[{grid.r0 + height}] / column [{index_to_col(grid.c0 + width - 1)}]")
        if r0 + height > sheet.row_count or grid.c0 + width > sheet.col_count:
            if not grow:
                raise _bad(f"Range ({range_text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                           f"max columns: {sheet.col_count}")
            sheet.row_count = max(sheet.row_count, r0 + height)
            sheet.col_count = max(sheet.col_count, grid.c0 + width)
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                if value is None:
                    continue  # null leaves the cell as it is
                sheet.set(r0 + i, grid.c0 + j, cell_from_input(value, option))
        cells = sum(1 for row in values for v in row if v is not None)
        out = {"spreadsheetId": book.id,
               "updatedRange": a1(sheet, r0, grid.c0, r0 + max(height, 1), grid.c0 + max(width, 1)),
               "updatedRows": height, "updatedColumns": width, "updatedCells": cells}
        return out

    def values_update(self, spreadsheet_id: str, range_text: str, body: dict, q: dict) -> dict:
        with self.lock:
            book = self.book(spreadsheet_id)
            option = q.get("valueInputOption")
            if not option:
                raise _bad("'valueInputOption' is required but not specified")
            return self._write(book, range_text, (body or {}).get("values") or [],
                               (body or {}).get("majorDimension"), option)

    def values_append(self, spreadsheet_id: str, range_text: str, body: dict, q: dict) -> dict:
        with self.lock:
            book = self.book(spreadsheet_id)
            option = q.get("valueInputOption")
            if not option:
                raise _bad("'valueInputOption' is required but not specified")
            sheet, grid = book.resolve(range_text)
            last = -1
            for r, row in enumerate(sheet.cells):
                if any(row[c] is not None for c in range(grid.c0, len(row))):
                    last = r
            at = max(last + 1, grid.r0)
            res = self._write(book, range_text, (body or {}).get("values") or [],
                              (body or {}).get("majorDimension"), option, append_at=at, grow=True)
            table = a1(sheet, grid.r0, grid.c0, max(at, grid.r0 + 1),
                       grid.c0 + max(1, max((len(r) for r in (body or {}).get("values") or [[]]), default=1)))
            return {"spreadsheetId": spreadsheet_id, "tableRange": table, "updates": res}

    def values_batch_update(self, spreadsheet_id: str, body: dict) -> dict:
        with self.lock:
            book = self.book(spreadsheet_id)
            body = body or {}
            option = body.get("valueInputOption")
            if not option:
                raise _bad("'valueInputOption' is required but not specified")
            snapshot = copy.deepcopy(book)
            try:
                responses = [self._write(book, d.get("range", ""), d.get("values") or [],
                                         d.get("majorDimension"), option) for d in body.get("data") or []]
            except ApiError:
                self.spreadsheets[spreadsheet_id] = snapshot
                raise
            return {"spreadsheetId": spreadsheet_id,
                    "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                    "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                    "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                    "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses}),
                    "responses": responses}

    def get(self, spreadsheet_id: str) -> dict:
        with self.lock:
            return self.book(spreadsheet_id).metadata()

    def batch_update(self, spreadsheet_id: str, body: dict) -> dict:
        """spreadsheets.batchUpdate: atomic; addSheet / deleteSheet / updateSheetProperties are
        applied, formatting requests are accepted and ignored."""
        with self.lock:
            book = self.book(spreadsheet_id)
            work = copy.deepcopy(book)
            replies = []
            for i, req in enumerate((body or {}).get("requests") or []):
                if not isinstance(req, dict) or len(req) != 1:
                    raise _bad(f"Invalid requests[{i}]: exactly one kind of request expected")
                kind, spec = next(iter(req.items()))
                if kind == "addSheet":
                    props = (spec or {}).get("properties") or {}
                    title = props.get("title") or f"Sheet{len(work.sheets) + 1}"
                    try:
                        sheet = work.add_sheet(title, index=props.get("index"), sheet_id=props.get("sheetId"))
                    except ApiError as exc:
                        raise _bad(exc.message.replace("requests[0]", f"requests[{i}]")) from None
                    grid = props.get("gridProperties") or {}
                    sheet.row_count = int(grid.get("rowCount", sheet.row_count))
                    sheet.col_count = int(grid.get("columnCount", sheet.col_count))
                    replies.append({"addSheet": {"properties": sheet.properties()}})
                elif kind == "deleteSheet":
                    sid = (spec or {}).get("sheetId")
                    match = [s for s in work.sheets if s.sheet_id == sid]
                    if not match:
                        raise _bad(f"Invalid requests[{i}].deleteSheet: No grid with id: {sid}")
                    if len(work.sheets) == 1:
                        raise _bad(f"Invalid requests[{i}].deleteSheet: You can't remove all the sheets "
                                   "in a document.")
                    work.sheets.remove(match[0])
                    for j, s in enumerate(work.sheets):
                        s.index = j
                    replies.append({})
                elif kind == "updateSheetProperties":
                    props = (spec or {}).get("properties") or {}
                    match = [s for s in work.sheets if s.sheet_id == props.get("sheetId", 0)]
                    if not match:
                        raise _bad(f"Invalid requests[{i}].updateSheetProperties: No grid with id")
                    if "title" in props:
                        match[0].title = props["title"]
                    grid = props.get("gridProperties") or {}
                    match[0].row_count = int(grid.get("rowCount", match[0].row_count))
                    match[0].col_count = int(grid.get("columnCount", match[0].col_count))
                    replies.append({})
                else:
                    replies.append({})  # formatting etc.: accepted, not modelled
            self.spreadsheets[spreadsheet_id] = work
            return {"spreadsheetId": spreadsheet_id, "replies": replies}
