"""The generic table layer: one interface over a Google Sheet, an ``.xlsx`` workbook or CSV files.

    source = open_source("examples/plans.xlsx")          # or a Sheet URL / id, a .csv, a folder
    tabs = source.read_tabs(["แผนจัดซื้อจัดจ้าง"], optional=["ผลการดำเนินงาน"])
    for rec in tabs["แผนจัดซื้อจัดจ้าง"].records(settings.headers, required=["project_id"]):
        rec.row, rec.get("amount"), rec.column("amount")   # 1-based sheet row, raw value, header

Reading never modifies anything. ``write_tabs`` replaces whole procal-owned tabs in one batch and
refuses the tabs agencies type into. Structural problems (file/sheet/tab missing, no permission,
missing required column, empty tab) raise :class:`SourceError` before anything is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from schedule_engine.i18n import N_, t
from schedule_engine.errors import Location, SourceError
from schedule_engine.text import text_key
from sheets_io.cells import clean_text
from sheets_io.safecell import FORMULA_PREFIXES, csv_cell, write_cell  # noqa: F401
from sheets_io.settings import SheetsSettings


_HEADER_DROP = re.compile(r"[\s\u00a0\u200b\ufeff]+")


def normalise_header(text: object) -> str:
    """Header key: case-folded, without spaces/NBSP, without a trailing ``*`` or ``:``."""
    key = _HEADER_DROP.sub("", text_key(clean_text(text)))  # NFKC, no bidi/zero-width marks
    return key.rstrip("*:")


@dataclass(frozen=True)
class HeaderMap:
    """Where each logical field sits in a tab."""

    header_row: int  # 1-based sheet row of the header
    columns: Mapping[str, int]  # logical field -> 0-based column index
    texts: Mapping[str, str]  # logical field -> header text as typed in the sheet
    headers: tuple[str, ...]  # every header text of the header row (cleaned)


@dataclass(frozen=True)
class Record:
    """One data row of a tab, keyed by logical field (raw cell values, None when blank)."""

    tab: str
    row: int  # 1-based sheet row
    values: Mapping[str, object]
    columns: Mapping[str, str]  # logical field -> header text (for error locations)
    extra: Mapping[str, object] = field(default_factory=dict)  # unmapped header text -> value

    def get(self, name: str, default: object = None) -> object:
        v = self.values.get(name)
        return default if v is None else v

    def column(self, name: str) -> str:
        """The header text of a logical field as the agency sees it (or the field name)."""
        return self.columns.get(name, name)


@dataclass
class Table:
    """One tab as read: ``grid[0]`` is sheet row 1. Values are raw (str/int/float/datetime/bool)."""

    source: str
    tab: str
    grid: list[list[object]]

    @property
    def is_empty(self) -> bool:
        return not any(clean_text(v) for r in self.grid for v in r)

    def header_map(self, headers: Mapping[str, Sequence[str]], *, required: Sequence[str] = (),
                   search_rows: int = 10) -> HeaderMap:
        """Find the header row (first ``search_rows`` rows) and map logical fields to columns.

        Raises SourceError for an empty tab or when a required field has no column.
        """
        if self.is_empty:
            raise SourceError(f"{self.source}: tab '{self.tab}' is empty — it needs a header row "
                              f"and one row per entry")
        wanted = {f: [normalise_header(t) for t in texts] for f, texts in headers.items()}
        best: HeaderMap | None = None
        best_score = (-1, -1)
        for i, row in enumerate(self.grid[: max(1, search_rows)]):
            keys = [normalise_header(v) for v in row]
            cols: dict[str, int] = {}
            texts: dict[str, str] = {}
            taken: set[int] = set()
            for f, accepted in wanted.items():
                for a in accepted:  # preference order of the accepted texts
                    hits = [j for j, k in enumerate(keys) if k == a and j not in taken]
                    if hits:
                        cols[f] = hits[0]
                        texts[f] = clean_text(row[hits[0]])
                        taken.add(hits[0])
                        break
            score = (sum(1 for f in required if f in cols), len(cols))
            if score > best_score:
                best_score = score
                best = HeaderMap(header_row=i + 1, columns=cols, texts=texts,
                                 headers=tuple(clean_text(v) for v in row))
        assert best is not None
        missing = [f for f in required if f not in best.columns]
        if missing:
            want = "; ".join(f"{f} ({' / '.join(headers.get(f, ())[:3])})" for f in missing)
            found = ", ".join(h for h in best.headers if h) or "nothing"
            raise SourceError(
                f"{self.source}: tab '{self.tab}' has no column for {want}. Header row "
                f"{best.header_row} has: {found}. Add the column or map its header under "
                f"[sheets.headers] in procal.toml")
        return best

    def records(self, headers: Mapping[str, Sequence[str]], *, required: Sequence[str] = (),
                search_rows: int = 10) -> list[Record]:
        """Rows below the header, mapped to logical fields; fully blank rows are skipped."""
        hm = self.header_map(headers, required=required, search_rows=search_rows)
        mapped_cols = set(hm.columns.values())
        out: list[Record] = []
        columns = list(hm.columns.items())
        extra_cols = [(j, h) for j, h in enumerate(hm.headers) if h and j not in mapped_cols]
        for i in range(hm.header_row, len(self.grid)):
            row = self.grid[i]
            if all(_is_blank(v) for v in row):
                continue
            n = len(row)
            values = {f: _blank_to_none(row[j] if j < n else None) for f, j in columns}
            extra = {h: _blank_to_none(row[j]) for j, h in extra_cols if j < n}
            out.append(Record(tab=self.tab, row=i + 1, values=values, columns=hm.texts, extra=extra))
        return out


def _is_blank(v: object) -> bool:
    """``clean_text(v) == ""``, without cleaning the text of a cell that starts with a letter or
    digit (most cells): such a cell is never blank."""
    if v is None:
        return True
    if type(v) is str:
        return not (v[:1].isalnum() or clean_text(v))
    if type(v) is float:
        return v != v  # NaN
    return not clean_text(v)


class LazyTable(Table):
    """A :class:`Table` whose grid is read on first use."""

    def __init__(self, source: str, tab: str, load):
        self.source = source
        self.tab = tab
        self._load_grid = load
        self._grid: list[list[object]] | None = None

    @property  # type: ignore[override]
    def grid(self) -> list[list[object]]:
        if self._grid is None:
            self._grid = self._load_grid()
        return self._grid


def _blank_to_none(v: object) -> object:
    return None if (type(v) is str or type(v) is float or v is None) and _is_blank(v) else v


class TableSource:
    """Common interface of every plan source (Google Sheet, xlsx, CSV)."""

    kind = "abstract"

    def __init__(self, label: str, settings: SheetsSettings | None = None):
        self.label = label
        self.settings = settings or SheetsSettings()

    # --- reading
    def tab_names(self) -> list[str]:
        raise NotImplementedError

    def read_tabs(self, names: Sequence[str], *, optional: Iterable[str] = ()) -> dict[str, Table]:
        """Read ``names`` (must exist) and ``optional`` (skipped when absent) in one go."""
        raise NotImplementedError

    # --- writing
    def write_tabs(self, tabs: Mapping[str, Sequence[Sequence[object]]], *,
                   stamp: str | None = None) -> None:
        """Replace the whole content of each tab (created if missing) in one batch. ``stamp``
        (a digest of the rows) is kept with them where the target can keep it (procal's own
        workbook) and given back by :meth:`written_stamp`."""
        raise NotImplementedError

    def written_stamp(self) -> str | None:
        """The ``stamp`` of the last :meth:`write_tabs`, if what it wrote is still there
        untouched; None when unknown (the caller then compares the rows themselves)."""
        return None

    def _refuse_agency_tabs(self, tabs: Iterable[str]) -> None:
        agency = {tab_key(t) for t in self.settings.agency_tabs}
        bad = sorted(t for t in tabs if tab_key(t) in agency)
        if bad:
            raise SourceError(f"procal never writes to agency-entered tabs ({', '.join(bad)})")

    @property
    def write_target(self) -> str:
        """Where ``write_tabs`` writes (the sheet itself, or procal's own workbook/files)."""
        return self.label

    # --- locations
    def location(self, tab: str, row: int | None = None, column: str | None = None) -> Location:
        return Location(source=self.label, sheet=tab, row=row, column=column)

    def row_url(self, tab: str, row: int) -> str | None:
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r})"


def tab_key(title: str) -> str:
    """Tab-name key: stray spaces/NBSP and case do not matter (``'แผนจัดซื้อจัดจ้าง '``)."""
    return normalise_header(title)


def match_tabs(wanted: Iterable[str], present: Sequence[str]) -> dict[str, str]:
    """Requested tab name -> the title in the file (exact first, then ignoring spaces/case)."""
    by_key: dict[str, str] = {}
    for title in present:
        by_key.setdefault(tab_key(title), title)
    out = {}
    for name in wanted:
        if name in present:
            out[name] = name
        elif tab_key(name) in by_key:
            out[name] = by_key[tab_key(name)]
    return out


def _missing_tabs_error(label: str, missing: Sequence[str], present: Sequence[str]) -> SourceError:
    return SourceError(f"{label}: tab(s) not found: {', '.join(missing)}. The file has: "
                       f"{', '.join(present) or 'no tabs'}. Rename the tab or set the tab name "
                       f"under [sheets] in procal.toml")


_safe_text_cell = write_cell  # the one safe cell writer (sheets_io.safecell)


def same_file(a: "str | os.PathLike", b: "str | os.PathLike") -> bool:
    """True when two paths name one file (after links, ``..``, case on case-insensitive disks)."""
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def source_files(source: "TableSource") -> list[Path]:
    """The local files a source reads (none for Google)."""
    path = getattr(source, "path", None)
    if path is None:
        return []
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.csv"))
    out = [path]
    if isinstance(source, CsvSource) and path.parent.is_dir():
        out += sorted(path.parent.glob(f"{path.stem}.*.csv"))
    return out


def refuse_overwriting_input(out: "str | os.PathLike", *sources: "TableSource | str | None") -> None:
    """SourceError when ``out`` is one of the files procal reads (never overwrite agency data)."""
    for src in sources:
        if src is None:
            continue
        files = [Path(src)] if isinstance(src, (str, os.PathLike)) else source_files(src)
        for f in files:
            if same_file(out, f):
                raise SourceError(t(N_(
                    "{out}: the output is the agencies' own input file ({source}); procal never "
                    "writes over it — choose another name for --out"), out=out, source=f))


# ------------------------------------------------------------------------------------- xlsx
class XlsxSource(TableSource):
    """An Excel workbook read with openpyxl (values, not formulas); tabs = worksheets.

    **procal never rewrites the agencies' workbook.** openpyxl cannot carry shapes, text boxes,
    form controls, slicers or some chart/comment formatting through a save, so writing the
    ``schedule`` / ``status`` tabs into the agencies' file could silently delete their work. They
    go into a workbook procal owns beside it, :attr:`output_path` = ``<name>.procal.xlsx``; the
    agencies' file stays byte for byte as it was. Reading procal's own tabs (to carry a held
    project's last schedule over) looks in that workbook first.
    """

    kind = "xlsx"
    OUTPUT_SUFFIX = ".procal.xlsx"

    def __init__(self, path: str | os.PathLike, settings: SheetsSettings | None = None):
        self.path = Path(path)
        super().__init__(str(path), settings)

    @property
    def output_path(self) -> Path:
        """The workbook procal writes its tabs into (never the agencies' own file)."""
        name = self.path.name
        stem = name[: -len(".xlsx")] if name.lower().endswith((".xlsx", ".xlsm")) else self.path.stem
        return self.path.with_name(stem + self.OUTPUT_SUFFIX)

    @property
    def write_target(self) -> str:
        return str(self.output_path)

    def _load(self, path: Path | None = None):
        """The workbook's values (``sheets_io.xlsx_read``: fast, the values openpyxl gives)."""
        from sheets_io.xlsx_read import WorkbookValues

        path = path or self.path
        if not path.exists():
            raise SourceError(f"{path}: file not found")
        try:
            return WorkbookValues(path)
        except PermissionError as exc:
            raise SourceError(f"{path}: no permission to read the file ({exc})") from None
        except Exception as exc:  # zipfile.BadZipFile, CalamineError, InvalidFileException ...
            raise SourceError(f"{path}: not a readable .xlsx workbook ({exc})") from None

    def tab_names(self) -> list[str]:
        with self._load() as wb:
            return list(wb.sheetnames)

    def _grid_loader(self, title: str):
        def load() -> list[list[object]]:
            try:
                with self._load(path=self.output_path) as wb:
                    return self._grid(wb, title)
            except (SourceError, KeyError, Exception):  # noqa: BLE001 - procal's file, broken
                return []  # since it was listed: as if the tab were empty (it is rewritten)
        return load

    @staticmethod
    def _grid(wb, title: str) -> list[list[object]]:
        grid = wb.grid(title)
        while grid and not any(clean_text(v) for v in grid[-1]):
            grid.pop()
        return grid

    def _own_tabs(self) -> set[str]:
        return {self.settings.schedule_tab, self.settings.status_tab}

    def read_tabs(self, names: Sequence[str], *, optional: Iterable[str] = ()) -> dict[str, Table]:
        optional = list(optional)
        out: dict[str, Table] = {}
        own = [n for n in [*names, *optional] if n in self._own_tabs()]
        if own and self.output_path.is_file() and not same_file(self.output_path, self.path):
            try:
                owb = self._load(path=self.output_path)
            except SourceError:
                owb = None  # a broken output workbook is rewritten whole on the next write
            if owb is not None:
                with owb:
                    for name, title in match_tabs(own, list(owb.sheetnames)).items():
                        # procal's own tabs are read when first needed (a rerun whose rows are
                        # unchanged, with no held project, never reads them)
                        out[name] = LazyTable(self.label, title, self._grid_loader(title))
        with self._load() as wb:
            present = list(wb.sheetnames)
            titles = match_tabs([*names, *optional], present)
            missing = [n for n in names if n not in titles and n not in out]
            if missing:
                raise _missing_tabs_error(self.label, missing, present)
            for name in [*names, *[o for o in optional if o not in names]]:
                if name in out or name not in titles:
                    continue
                out[name] = Table(self.label, titles[name], self._grid(wb, titles[name]))
            return out

    def written_stamp(self) -> str | None:
        from sheets_io.xlsx_write import read_stamp

        if same_file(self.output_path, self.path):
            return None
        return read_stamp(self.output_path)

    def write_tabs(self, tabs: Mapping[str, Sequence[Sequence[object]]], *,
                   stamp: str | None = None) -> None:
        self._refuse_agency_tabs(tabs)
        target = self.output_path
        if not self._other_sheets(target, tabs):
            # procal's file holds only procal's tabs: stream it anew (sheets_io.xlsx_write)
            from sheets_io.xlsx_write import write_workbook

            try:
                write_workbook(target, tabs, stamp=stamp)
            except PermissionError as exc:
                raise SourceError(f"{target}: cannot write (is it open in Excel?) "
                                  f"({exc.strerror})") from None
            except OSError as exc:
                raise SourceError(f"{target}: cannot write ({exc.strerror or exc})") from None
            except ValueError as exc:  # a tab name no workbook can carry
                raise SourceError(f"{target}: {exc}") from None
            return
        self._write_tabs_keeping_others(target, tabs)

    def _other_sheets(self, target: Path, tabs: Mapping[str, object]) -> list[str]:
        """Sheets of procal's existing output workbook it is not about to replace (someone added
        them): those are kept, so the slower load-and-save path writes that workbook."""
        if not target.is_file():
            return []
        try:
            with self._load(path=target) as wb:
                return [n for n in wb.sheetnames if n not in tabs]
        except SourceError:
            return []  # unreadable: procal's own file is written afresh

    def _write_tabs_keeping_others(self, target: Path,
                                   tabs: Mapping[str, Sequence[Sequence[object]]]) -> None:
        import openpyxl

        if target.exists():
            try:
                wb = openpyxl.load_workbook(target)
            except Exception:  # noqa: BLE001 - procal's own file, unreadable: start it afresh
                wb = openpyxl.Workbook()
                wb.remove(wb.active)
        else:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
        for name, rows in tabs.items():
            if name in wb.sheetnames:
                idx = wb.sheetnames.index(name)
                wb.remove(wb[name])
                ws = wb.create_sheet(name, idx)
            else:
                ws = wb.create_sheet(name)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row, start=1):
                    _safe_text_cell(ws.cell(row=r, column=c), v)
            if rows:
                ws.freeze_panes = "A2"
        if not wb.sheetnames:
            wb.create_sheet("procal")
        try:
            wb.save(target)
        except PermissionError as exc:
            raise SourceError(f"{target}: cannot write (is it open in Excel?) ({exc.strerror})"
                              ) from None
        except OSError as exc:
            raise SourceError(f"{target}: cannot write ({exc.strerror or exc})") from None


# -------------------------------------------------------------------------------------- csv
class CsvSource(TableSource):
    """CSV files: a folder (one ``<tab>.csv`` per tab) or one CSV file (= the plans tab).

    Read as text (ids keep their zeros); UTF-8 (with or without BOM) or Thai Windows cp874.
    Written tabs go beside it: ``<folder>/<tab>.csv`` or ``<stem>.<tab>.csv``.
    """

    kind = "csv"

    def __init__(self, path: str | os.PathLike, settings: SheetsSettings | None = None):
        self.path = Path(path)
        super().__init__(str(path), settings)

    def _tab_path(self, name: str) -> Path:
        if self.path.is_dir():
            return self.path / f"{name}.csv"
        if name == self.settings.plans_tab:
            return self.path
        return self.path.with_name(f"{self.path.stem}.{name}.csv")

    def tab_names(self) -> list[str]:
        if self.path.is_dir():
            return sorted(p.stem for p in self.path.glob("*.csv"))
        if not self.path.exists():
            return []
        names = [self.settings.plans_tab]
        prefix = f"{self.path.stem}."
        names += sorted(p.stem[len(prefix):] for p in self.path.parent.glob(f"{prefix}*.csv"))
        return names

    @staticmethod
    def _read_csv(path: Path) -> list[list[object]]:
        return read_csv_grid(path)

    def read_tabs(self, names: Sequence[str], *, optional: Iterable[str] = ()) -> dict[str, Table]:
        if not self.path.exists():
            raise SourceError(f"{self.path}: file or folder not found")
        present = self.tab_names()
        titles = match_tabs([*names, *optional], present)
        missing = [n for n in names if n not in titles]
        if missing:
            raise _missing_tabs_error(self.label, missing, present)
        out = {}
        for name in [*names, *[o for o in optional if o not in names]]:
            if name in titles:
                out[name] = Table(self.label, titles[name],
                                  self._read_csv(self._tab_path(titles[name])))
        return out

    def write_tabs(self, tabs: Mapping[str, Sequence[Sequence[object]]], *,
                   stamp: str | None = None) -> None:
        import csv

        self._refuse_agency_tabs(tabs)
        for name, rows in tabs.items():
            path = self._tab_path(name)
            try:
                with path.open("w", encoding="utf-8-sig", newline="") as fh:
                    w = csv.writer(fh)
                    for row in rows:
                        w.writerow([_csv_safe(v) for v in row])
            except OSError as exc:
                raise SourceError(f"{path}: cannot write ({exc})") from None


CSV_DELIMITERS = (",", ";", "\t", "|")


def read_csv_grid(path: Path) -> list[list[object]]:
    """A CSV file as a grid of text cells, whatever Excel or LINE made of it.

    Encoding: UTF-8 (BOM or not), UTF-16 (Excel's "Unicode text"), else Thai Windows cp874. The
    separator is sniffed (``,`` ``;`` tab ``|``): the one that splits the header area into the
    most columns, so ``;``-separated files with ``2,000,000`` amounts read right. Rows may be
    ragged: cells beyond the header are ignored (Table.records maps only headed columns).
    """
    import csv
    import io

    try:
        data = path.read_bytes()
    except PermissionError as exc:
        raise SourceError(f"{path}: no permission to read the file ({exc.strerror})") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    if text is None:
        for enc in ("utf-8-sig", "cp874"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if text is None or "\x00" in text:
        raise SourceError(f"{path}: not UTF-8 or Thai Windows text; save as 'CSV UTF-8'")
    text = text.lstrip("\ufeff")
    if not text.strip():
        return []
    sample_lines = [ln for ln in text.splitlines() if ln.strip()][:10]
    sample = "\n".join(sample_lines)

    def widest(delim: str) -> int:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))
        except csv.Error:
            return 0
        return max((len(r) for r in rows), default=0)

    delimiter = max(CSV_DELIMITERS, key=lambda d: (widest(d), d == ","))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SourceError(f"{path}: not a readable CSV file ({exc})") from None
    return [list(r) for r in rows]


_csv_safe = csv_cell


# ----------------------------------------------------------------------------------- google
_SHEET_URL_RE = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
_SHEET_ID_RE = re.compile(r"^[A-Za-z0-9_-]{25,}$")


def spreadsheet_id_from(source: str) -> str | None:
    """The spreadsheet id in a Sheet URL or a bare id; None when ``source`` is not one."""
    m = _SHEET_URL_RE.search(source)
    if m:
        return m.group(1)
    if _SHEET_ID_RE.match(source) and not os.path.exists(source):
        return source
    return None


def open_source(source: "str | os.PathLike | TableSource", *, settings: SheetsSettings | None = None,
                clients: object = None) -> TableSource:
    """The :class:`TableSource` for ``source``: a Google Sheet URL/id, ``*.xlsx``, ``*.csv`` or a
    folder of CSVs. ``clients`` is a ``google_access.GoogleClients`` (or a gspread Client) for
    Google; without it, credentials are loaded from the environment by ``google_access``.
    """
    if isinstance(source, TableSource):
        return source
    text = str(source).strip()
    sid = spreadsheet_id_from(text)
    if sid:
        from sheets_io.google_source import GoogleSheetSource

        return GoogleSheetSource(sid, settings=settings, clients=clients)
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return XlsxSource(path, settings)
    if suffix == ".csv" or path.is_dir():
        return CsvSource(path, settings)
    if suffix == ".xls":
        raise SourceError(f"{text}: old .xls workbooks are not read; save it as .xlsx")
    raise SourceError(f"{text}: not a Google Sheet URL/id, an .xlsx workbook, a .csv file or a "
                      f"folder of CSV files")
