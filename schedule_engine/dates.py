"""Dates as people type them, Thai display, fiscal years and quarters.

Rules (docs/legal-sources.md): a year >= 2400 is Buddhist Era (BE = CE + 543), a year below is
CE; two-digit years are refused; day-first numeric dates (``20/07/2565``); Thai month names and Thai
digits are accepted. Everything here is a plain :class:`datetime.date` — no time zones, ever.
"""

from __future__ import annotations

import numbers
import re
from datetime import date, datetime, timedelta

from schedule_engine.errors import DateParseError
from schedule_engine.i18n import N_, t

BE_OFFSET = 543  # พ.ศ. = ค.ศ. + 543
BE_THRESHOLD = 2400  # a year >= 2400 is read as BE
MIN_CE_YEAR = 1900
MAX_CE_YEAR = 2199

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
THAI_MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
EN_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_MONTHS_LONG = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# month-name lookup: normalised (no dots/spaces, lower case) -> month number
_MONTH_NAMES: dict[str, int] = {}
for _i, (_s, _l, _es, _el) in enumerate(
    zip(THAI_MONTHS_SHORT, THAI_MONTHS_LONG, EN_MONTHS_SHORT, EN_MONTHS_LONG, strict=True), start=1
):
    for _name in (_s, _l, _es, _el):
        _MONTH_NAMES[_name.replace(".", "").replace(" ", "").lower()] = _i
_MONTH_NAMES["sept"] = 9
# what Thai speakers type for the long names: ธันวา, พฤศจิกา, มกรา … (the ending คม/ยน/พันธ์ dropped)
for _i, _l in enumerate(THAI_MONTHS_LONG, start=1):
    for _end in ("าคม", "ายน", "าพันธ์"):
        if _l.endswith(_end):
            _MONTH_NAMES[_l[: -len(_end) + 1]] = _i
# a weekday before the date: "วันพุธที่ 1 ธ.ค. 2569", "พุธ 1 ธ.ค. 2569", "Wed, 1 Dec 2026"
_WEEKDAY_PREFIX = re.compile(
    r"^(?:วัน)?(?:" + "|".join(THAI_WEEKDAYS + ("พฤหัส",)) + r")(?:ที่)?\s*[,.]?\s*"
    r"|^(?:" + "|".join(EN_WEEKDAYS) + r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+",
    re.IGNORECASE)

EXCEL_EPOCH = date(1899, 12, 30)  # Excel 1900 system (serial 1 = 1900-01-01 with the 1900 leap bug)
_MIN_SERIAL = 61  # serials below 61 hit Excel's phantom 29 Feb 1900; refuse them
_MAX_SERIAL = (date(MAX_CE_YEAR, 12, 31) - EXCEL_EPOCH).days

_HINT = N_("type it as 2022-07-20, 20/07/2565 or 20 ก.ค. 2565")

_ISO_RE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY_RE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d+)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_NAMED_RE = re.compile(
    r"^(?:วันที่\s*)?(\d{1,2})\s*([^\d\s][^\d]*?)\s*(?:(พ\.?\s*ศ\.?|ค\.?\s*ศ\.?|BE|CE|AD)\s*)?(\d+)$",
    re.IGNORECASE,
)


def _year_to_ce(year_text: str, raw: object, era: str | None = None) -> int:
    if len(year_text) <= 2:
        raise DateParseError(
            t("two-digit year in {raw!r} is ambiguous (BE or CE?)", raw=raw), value=raw,
            hint=t("write the full year, e.g. 2565 or 2022"),
        )
    year = int(year_text)
    era_norm = (era or "").replace(".", "").replace(" ", "").upper()
    if era_norm in ("พศ", "BE"):
        if year < BE_THRESHOLD:
            raise DateParseError(t("{raw!r} says พ.ศ. but {year} is not a Buddhist-Era year",
                                   raw=raw, year=year), value=raw, hint=t(_HINT))
        return year - BE_OFFSET
    if era_norm in ("คศ", "CE", "AD"):
        if year >= BE_THRESHOLD:
            raise DateParseError(t("{raw!r} says ค.ศ. but {year} looks like a Buddhist-Era year",
                                   raw=raw, year=year), value=raw, hint=t(_HINT))
    ce = year - BE_OFFSET if year >= BE_THRESHOLD else year
    if not MIN_CE_YEAR <= ce <= MAX_CE_YEAR:
        raise DateParseError(t("year {year} in {raw!r} is out of range", year=year, raw=raw),
                             value=raw,
                             hint=t("use a year between {lo} and {hi} CE ({lo_be}–{hi_be} BE)",
                                    lo=MIN_CE_YEAR, hi=MAX_CE_YEAR, lo_be=MIN_CE_YEAR + BE_OFFSET,
                                    hi_be=MAX_CE_YEAR + BE_OFFSET))
    return ce


def _make(y: int, m: int, d: int, raw: object) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateParseError(t("{raw!r} is not a real date (day {d}, month {m}, year {y} CE)",
                               raw=raw, d=d, m=m, y=y),
                             value=raw, hint=t("check the day and month (day comes first)")) from None


def parse_date(value: object) -> date:
    """Read a date a person typed (or a spreadsheet cell) as a plain :class:`date`.

    Accepts ``date``; naive ``datetime`` (its date part; an aware one is first converted to
    Asia/Bangkok); Excel 1900-system serials (int/float); strings: ISO ``2022-07-20``, day-first
    ``20/07/2565``, Thai/English month names ``20 ก.ค. 2565`` / ``20 กรกฎาคม พ.ศ. 2565`` /
    ``20 Jul 2022``, with Thai or Arabic digits. Raises :class:`DateParseError` for anything
    ambiguous (two-digit years) or impossible (31/02/2565).
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from zoneinfo import ZoneInfo

            value = value.astimezone(ZoneInfo("Asia/Bangkok"))
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise DateParseError(t("{value!r} is not a date", value=value), value=value, hint=t(_HINT))
    if type(value).__name__ == "datetime64":  # numpy (no import needed to recognise it)
        text = str(value)
        if text == "NaT":
            raise DateParseError(t("the date is empty"), value=value, hint=t(_HINT))
        return date.fromisoformat(text[:10])
    if isinstance(value, numbers.Real):
        serial = float(value)
        if serial != serial or not _MIN_SERIAL <= serial <= _MAX_SERIAL:
            raise DateParseError(t("{value!r} is not a plausible spreadsheet date serial",
                                   value=value), value=value,
                                 hint=t("format the cell as a date, or {how}", how=t(_HINT)))
        return EXCEL_EPOCH + timedelta(days=int(serial))
    if not isinstance(value, str):
        raise DateParseError(t("{value!r} is not a date", value=value), value=value, hint=t(_HINT))

    text = " ".join(value.translate(_THAI_DIGITS).split())
    if not text:
        raise DateParseError(t("the date is empty"), value=value, hint=t(_HINT))

    text = _WEEKDAY_PREFIX.sub("", text, count=1) or text
    m = _ISO_RE.match(text)
    if m and len(m.group(1)) == 4:
        y = _year_to_ce(m.group(1), value)
        return _make(y, int(m.group(2)), int(m.group(3)), value)
    m = _DMY_RE.match(text)
    if m:
        y = _year_to_ce(m.group(3), value)
        return _make(y, int(m.group(2)), int(m.group(1)), value)
    m = _NAMED_RE.match(text)
    if m:
        month_key = (m.group(2).replace(".", "").replace(" ", "").replace(",", "").lower()
                     .strip("-/"))  # Thai Excel's d-mmm-yyyy as text: 1-ธ.ค.-2569
        month = _MONTH_NAMES.get(month_key)
        if month is None:
            raise DateParseError(t("unknown month {month!r} in {value!r}", month=m.group(2),
                                   value=value), value=value, hint=t(_HINT))
        y = _year_to_ce(m.group(4), value, m.group(3))
        return _make(y, month, int(m.group(1)), value)
    raise DateParseError(t("cannot read {value!r} as a date", value=value), value=value,
                         hint=t(_HINT))


def today_bangkok() -> date:
    """Today's date in Asia/Bangkok (whatever the process time zone is)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Bangkok")).date()


def format_thai_date(d: date, long: bool = False) -> str:
    """``20 ก.ค. 2565`` (or ``20 กรกฎาคม 2565`` with ``long=True``): day, Thai month, BE year."""
    months = THAI_MONTHS_LONG if long else THAI_MONTHS_SHORT
    return f"{d.day} {months[d.month - 1]} {d.year + BE_OFFSET}"


def format_date(d: date, lang: str = "th", long: bool = False) -> str:
    """A date for people: Thai BE (``th``) or English CE ``20 Jul 2022`` (``en``)."""
    if lang == "th":
        return format_thai_date(d, long=long)
    months = EN_MONTHS_LONG if long else EN_MONTHS_SHORT
    return f"{d.day} {months[d.month - 1]} {d.year}"


def weekday_name(d: date, lang: str = "th") -> str:
    return (THAI_WEEKDAYS if lang == "th" else EN_WEEKDAYS)[d.weekday()]


def fiscal_year(d: date) -> int:
    """Thai fiscal year (BE) of ``d``: FY2565 = 2021-10-01 … 2022-09-30 (Budget Procedure Act s.4)."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy_be`` (BE)."""
    ce = fy_be - BE_OFFSET
    return date(ce - 1, 10, 1), date(ce, 9, 30)


def quarter_of(d: date) -> int:
    """Fiscal quarter 1–4 of ``d`` (Q1 = Oct–Dec, Q2 = Jan–Mar, Q3 = Apr–Jun, Q4 = Jul–Sep)."""
    return (d.month - 10) % 12 // 3 + 1


def quarter_bounds(fy_be: int, q: int) -> tuple[date, date]:
    """First and last day of quarter ``q`` (1–4) of fiscal year ``fy_be`` (BE)."""
    if q not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, got {q!r}")
    start_month = (10 + 3 * (q - 1) - 1) % 12 + 1
    ce = fy_be - BE_OFFSET - (1 if q == 1 else 0)
    first = date(ce, start_month, 1)
    nxt = date(ce + 1, 1, 1) if start_month == 10 else date(ce, start_month + 3, 1)
    return first, nxt - timedelta(days=1)
