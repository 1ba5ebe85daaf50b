"""Writing procal's own workbook (``<name>.procal.xlsx``: the schedule and status tabs) fast.

At a country's scale the schedule tab has a million cells; building them as spreadsheet-library
cell objects and serialising them costs about 10 µs a cell (50 s for 10,000 projects). This
module streams the sheet XML directly — one formatted string per row, shared strings for the
names that repeat on every row — about 0.5 µs a cell, and replaces the file atomically (a
temporary file renamed into place, so a reader never sees half a workbook).

It writes only what the write-back needs: text, whole and decimal numbers, booleans; a bold,
frozen header row; formula-like text as text with the quote prefix (the same rules as
:mod:`sheets_io.safecell`, which decides every value). The package is the minimal SpreadsheetML
of ECMA-376 Part 1: workbook, worksheets, shared strings, styles, content types and relationships.
``tests/sheets_io/test_xlsx_write.py`` reads the result back with two independent readers.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Mapping, Sequence

from sheets_io.safecell import cell_value, looks_like_formula

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_DOC_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                              "\r": "&#13;"})  # a bare CR would be read back as LF
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

# cell styles (cellXfs): 0 normal, 1 text with the quote prefix, 2 bold header, 3 bold + prefix
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _column_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xml_text(text: str) -> str:
    """Text as XML character data: escaped, characters XML cannot carry dropped."""
    return _XML_ILLEGAL.sub("", text).translate(_XML_ESCAPES)


def check_sheet_name(name: str) -> str:
    if not name or len(name) > 31 or _SHEET_NAME_BAD.search(name) or name.startswith("'"):
        raise ValueError(f"{name!r} cannot be a worksheet name (1–31 characters, none of []:*?/\\)")
    return name


class _SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.index)
        return i

    def xml(self) -> str:
        items = []
        for s in self.index:
            space = ' xml:space="preserve"' if s != s.strip() or "\n" in s else ""
            items.append(f"<si><t{space}>{xml_text(s)}</t></si>")
        n = len(items)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
                f'count="{n}" uniqueCount="{n}">' + "".join(items) + "</sst>")


def _sheet_xml(rows: Sequence[Sequence[object]], sst: _SharedStrings) -> str:
    width = max((len(r) for r in rows), default=0)
    cols = [_column_letters(i) for i in range(1, width + 1)]
    out = []
    for r, row in enumerate(rows, start=1):
        header = r == 1
        cells = []
        for c, raw in enumerate(row):
            v = cell_value(raw)
            ref = f"{cols[c]}{r}"
            if isinstance(v, str):
                if v == "":
                    continue
                style = (2 if header else 0) + (1 if looks_like_formula(v) else 0)
                s = f' s="{style}"' if style else ""
                cells.append(f'<c r="{ref}"{s} t="s"><v>{sst.add(v)}</v></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, int):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif isinstance(v, float):
                if math.isfinite(v):
                    cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            else:  # pragma: no cover - cell_value returns only the kinds above
                cells.append(f'<c r="{ref}" t="s"><v>{sst.add(str(v))}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    dim = f"A1:{cols[-1]}{len(rows)}" if rows and cols else "A1"
    frozen = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
              '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if len(rows) > 0 else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
            f'<dimension ref="{dim}"/><sheetViews><sheetView workbookViewId="0">{frozen}'
            f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
            + "".join(out) + "</sheetData></worksheet>")


STAMP_PROPERTY = "procal-rows"  # custom document property: what procal wrote, to skip rewrites


def _custom_xml(value: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
            f'xmlns="{_DOC_PROPS}/custom-properties" xmlns:vt="{_DOC_PROPS}/docPropsVTypes">'
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" '
            f'name="{STAMP_PROPERTY}"><vt:lpwstr>{xml_text(value)}</vt:lpwstr></property>'
            f'</Properties>')


def read_stamp(path: str | os.PathLike) -> str | None:
    """The ``stamp`` :func:`write_workbook` stored in ``path``, if the workbook's sheets are still
    byte for byte as procal wrote them (their CRC-32s, from the zip directory, are in the stamp
    too); None for any other file, a missing one or one saved since by a spreadsheet program."""
    try:
        with zipfile.ZipFile(path) as zf:
            text = zf.read("docProps/custom.xml").decode("utf-8")
            m = re.search(rf'name="{STAMP_PROPERTY}"><vt:lpwstr>([^<]*)</vt:lpwstr>', text)
            if m is None:
                return None
            stamp, _, crcs = m.group(1).rpartition(" crc=")
            want = dict(item.split(":") for item in crcs.split(",") if item)
            for name, crc in want.items():
                if f"{zf.getinfo(name).CRC:08x}" != crc:
                    return None
            return stamp or None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError):
        return None


def write_workbook(path: str | os.PathLike, tabs: Mapping[str, Sequence[Sequence[object]]],
                   *, stamp: str | None = None) -> None:
    """Write a workbook holding exactly ``tabs`` (title → rows, the first row a header) to
    ``path``, replacing it atomically. ``stamp`` (e.g. a digest of the rows) is stored as a custom
    document property for :func:`read_stamp`. Raises ``OSError`` when the folder cannot be
    written, ``ValueError`` for a tab name no workbook can carry."""
    titles = [check_sheet_name(t) for t in tabs] or ["procal"]
    sst = _SharedStrings()
    sheets = [_sheet_xml(tabs.get(t, ()), sst) for t in titles]
    parts = {f"xl/worksheets/sheet{i}.xml": xml.encode("utf-8")
             for i, xml in enumerate(sheets, start=1)}
    parts["xl/sharedStrings.xml"] = sst.xml().encode("utf-8")
    n = len(titles)
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
                f'xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
                + "".join(f'<sheet name="{xml_text(t)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, t in enumerate(titles, start=1))
                + "</sheets></workbook>")
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
              f'Target="sharedStrings.xml"/></Relationships>')
    root_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                 f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                 + (f'<Relationship Id="rId2" Type="{_REL}/custom-properties" '
                    f'Target="docProps/custom.xml"/>' if stamp is not None else "")
                 + '</Relationships>')
    custom = None
    if stamp is not None:
        crcs = ",".join(f"{name}:{zlib.crc32(data):08x}" for name, data in parts.items())
        custom = _custom_xml(f"{stamp} crc={crcs}")
    types = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{_CT}">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                       f'ContentType="{_SML}.worksheet+xml"/>' for i in range(1, n + 1))
             + f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/>'
             f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SML}.sharedStrings+xml"/>'
             + ('<Override PartName="/docProps/custom.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.custom-properties+xml"/>' if custom else "")
             + "</Types>")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED,
                                                        compresslevel=1) as zf:
            zf.writestr("[Content_Types].xml", types)
            zf.writestr("_rels/.rels", root_rels)
            zf.writestr("xl/workbook.xml", workbook)
            zf.writestr("xl/_rels/workbook.xml.rels", rels)
            zf.writestr("xl/styles.xml", _STYLES)
            for name, data in parts.items():
                zf.writestr(name, data)
            if custom is not None:
                zf.writestr("docProps/custom.xml", custom)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
