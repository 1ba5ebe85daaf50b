"""Reading the values people really type into spreadsheet cells.

Each parser takes the raw cell value (str from CSV / Google FORMATTED text, int/float/datetime from
xlsx or Google UNFORMATTED_VALUE) and returns a clean Python value or raises :class:`InputError`
with a hint. The caller places the error with ``err.at(location)``.

Dates: use :func:`parse_date_cell` (wraps ``schedule_engine.dates.parse_date``: ISO, ``20/07/2565``,
Thai month names, Thai digits, spreadsheet serials; two-digit years refused).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from schedule_engine.dates import BE_OFFSET, BE_THRESHOLD, format_thai_date, parse_date
from schedule_engine.i18n import N_, t
from schedule_engine.errors import DateParseError, InputError
from schedule_engine.text import FORMAT_CHARS, normalise_text

# Excel / Google Sheets error values a broken formula leaves in a cell
EXCEL_ERRORS = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#ERROR!", "#N/A!"})

# user-facing messages of this module (Thai first; kept together so a catalogue can take them)
MSG = {  # message ids (English); the Thai is in schedule_engine/locale (docs/messages.md)
    "excel_error": N_("the cell shows the Excel error {code} (a broken formula)"),
    "excel_error_hint": N_("fix the formula or type the value"),
    "decimal_comma": N_("{text!r}: a comma here is neither a thousands separator nor clear as a decimal point"),
    "decimal_comma_hint": N_("use a decimal point, e.g. 1.5 ล้าน or 1,500,000"),
    "days_not_whole": N_("{text!r}: days must be a whole number"),
    "days_negative": N_("{text!r}: days cannot be negative"),
    "days_unreadable": N_("{text!r} is not a number of days"),
    "be_in_date_cell": N_("a Buddhist-Era year {year} in a date cell (Excel stores it as CE); did you mean {guess}?"),
    "be_in_date_cell_hint": N_("type it as text 31/10/2569, or format the cell as a Thai date"),
    "days_hint": N_("type a whole number of days, e.g. invitation=7"),
}


def excel_error(value: object) -> str | None:
    """The Excel error code a cell holds (``#REF!``, ``#N/A`` …), else None."""
    if isinstance(value, str):
        text = value.strip().upper()
        if text in EXCEL_ERRORS:
            return text
    return None


def check_excel_error(value: object) -> None:
    """InputError when the cell holds an Excel error value instead of data."""
    code = excel_error(value)
    if code:
        raise InputError(t(MSG["excel_error"], code=code), value=value,
                         hint=t(MSG["excel_error_hint"]))

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# non-breaking / zero-width / odd spaces people paste from Word and LINE
_ODD_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "",
                             "\ufeff": "", "\u3000": " ", "\t": " ", "\r": " ", "\n": " "})

_MULTIPLIERS = (
    # longest first
    ("ล้านบาท", Decimal(1_000_000)), ("million", Decimal(1_000_000)), ("ล้าน", Decimal(1_000_000)),
    ("ลบ.", Decimal(1_000_000)), ("ล.", Decimal(1_000_000)), ("mb", Decimal(1_000_000)),
    ("m", Decimal(1_000_000)), ("แสน", Decimal(100_000)), ("หมื่น", Decimal(10_000)),
    ("พัน", Decimal(1_000)), ("k", Decimal(1_000)),
)
_CURRENCY = ("บาทถ้วน", "ถ้วน", "บาท", "baht", "thb", "฿")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d{1,3})?$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?\d+,\d{1,2}$")

TRUE_WORDS = frozenset({"ใช่", "ใช", "yes", "y", "true", "1", "x", "✓", "✔", "☑", "/", "ไม่ลง",
                        "ไม่ต้องลง", "exclude", "excluded", "on"})
FALSE_WORDS = frozenset({"ไม่", "ไม่ใช่", "no", "n", "false", "0", "-", "ลง", "off", ""})


def clean_text(value: object) -> str:
    """Cell → text: strip, NBSP/zero-width removed, runs of spaces collapsed; None → ''.

    Whole-number floats (as xlsx stores 12 → 12.0) are written without ``.0``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if not (value.hour or value.minute or value.second or value.microsecond):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).translate(_ODD_SPACES)
    if not text.isascii():
        text = FORMAT_CHARS.sub("", text)
        text = text.replace("\u0e4d\u0e32", "\u0e33")  # NIKHAHIT + SARA AA typed for SARA AM
    return " ".join(text.split())


def is_blank(value: object) -> bool:
    return clean_text(value) == ""


def parse_id(value: object) -> str:
    """A project id as text: ``"0012"`` stays ``"0012"``; ``12.0`` (xlsx number) → ``"12"``.

    Raises InputError if empty. (A number cell has already lost its leading zeros; format the id
    column as text in the sheet — docs/sheets.md.)
    """
    check_excel_error(value)
    text = normalise_text(clean_text(value))
    if not text:
        raise InputError(t("the project id is empty"), value=value,
                         hint=t("give every project a unique id (รหัสโครงการ)"))
    return text


NOT_POSITIVE = "not_positive"


def parse_amount(value: object) -> Decimal:
    """Baht amount: ``1500000``, ``1,500,000``, ``1,500,000 บาท``, ``1.5 ล้าน``, ``๑,๕๐๐,๐๐๐``.

    Returns a Decimal rounded to satang (2 places). Negative, zero and unreadable amounts raise
    InputError.
    """
    hint = t("type the amount in baht, e.g. 1,500,000 or 1.5 ล้าน")
    check_excel_error(value)
    if isinstance(value, bool) or value is None:
        raise InputError(t("the amount is empty") if value is None
                         else t("{value!r} is not an amount", value=value), value=value, hint=hint)
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(t("{value!r} is not an amount", value=value), value=value, hint=hint)
        amount = Decimal(str(value))
    else:
        text = clean_text(value).translate(_THAI_DIGITS).lower()
        if not text:
            raise InputError(t("the amount is empty"), value=value, hint=hint)
        for word in _CURRENCY:
            text = text.replace(word, " ")
        text = text.replace(" ", "")
        multiplier = Decimal(1)
        for word, mult in _MULTIPLIERS:
            if text.endswith(word):
                text = text[: -len(word)]
                multiplier = mult
                break
        text = text.removesuffix(".-").removesuffix("-").removesuffix(".")  # "2,000,000.-"
        if "," in text:
            if _THOUSANDS_RE.match(text):
                text = text.replace(",", "")
            elif multiplier != 1 and _DECIMAL_COMMA_RE.match(text):
                text = text.replace(",", ".")  # "1,5 ล้าน": a decimal comma before a unit word
            else:
                raise InputError(t(MSG["decimal_comma"], text=clean_text(value)), value=value,
                                 hint=t(MSG["decimal_comma_hint"]))
        if not _NUMBER_RE.match(text):
            raise InputError(t("cannot read {value!r} as an amount", value=clean_text(value)),
                             value=value, hint=hint)
        try:
            amount = Decimal(text) * multiplier
        except InvalidOperation:  # pragma: no cover - the regex already guards this
            raise InputError(t("cannot read {value!r} as an amount", value=value), value=value,
                             hint=hint) from None
    if amount <= 0:
        err = InputError(t("the amount must be above zero, got {value}", value=clean_text(value)),
                         value=value, hint=hint)
        err.kind = NOT_POSITIVE  # callers tell this case apart without reading the (translated) text
        raise err
    return amount.quantize(Decimal("0.01"))


def parse_bool(value: object, *, default: bool = False) -> bool:
    """Yes/no cell: ``ใช่``/``ไม่``, yes/no, TRUE/FALSE (checkbox), ``x``, ``✓``; blank → default."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = clean_text(value).lower()
    if text == "":
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise InputError(t("{value!r} is not yes or no", value=clean_text(value)), value=value,
                     hint=t("type ใช่ / yes / x to tick, leave blank or ไม่ / no otherwise"))


def parse_date_cell(value: object) -> date:
    """A date cell (see ``schedule_engine.dates.parse_date``); text is cleaned of odd spaces."""
    check_excel_error(value)
    if isinstance(value, str):
        value = clean_text(value)
    d = parse_date(value)
    if isinstance(value, date) and d.year >= BE_THRESHOLD:
        # Excel stored 2569-12-01 as a CE date: a Buddhist-Era year typed into a date cell
        guess = be_typo_guess(d)
        raise DateParseError(
            t(MSG["be_in_date_cell"], year=d.year, guess=format_thai_date(guess) if guess
                                          else "?"), value=d.isoformat(),
            hint=t(MSG["be_in_date_cell_hint"]))
    return d


def be_typo_guess(d: date) -> date | None:
    """For a date whose CE year is really a BE year (2569-10-31), the date meant (2026-10-31)."""
    try:
        return d.replace(year=d.year - BE_OFFSET)
    except ValueError:  # 29 Feb of a year that is not leap after the shift
        return None


def parse_optional_date(value: object) -> date | None:
    if is_blank(value):
        return None
    return parse_date_cell(value)


_DAYS_RE = re.compile(r"^([+-]?)(\d+(?:[.,]\d+)?)\s*(วันทำการ|วัน|working days|days|day|d|wd)?$")


def parse_day_count(value: object) -> int:
    """A number of days typed in a day override (sheet or ``procal plan --days``): ``7``,
    ``7 วัน``, ``๗``, ``7 days``. Fractions (``7.5``) and negatives (``-10``) are refused."""
    check_excel_error(value)
    if isinstance(value, bool):
        raise InputError(t(MSG["days_unreadable"], text=value), value=value,
                         hint=t(MSG["days_hint"]))
    if isinstance(value, (int, float, Decimal)):
        text = clean_text(value)
    else:
        text = clean_text(value).translate(_THAI_DIGITS).lower()
    m = _DAYS_RE.match(text)
    if not m:
        raise InputError(t(MSG["days_unreadable"], text=text), value=value,
                         hint=t(MSG["days_hint"]))
    if m.group(1) == "-":
        raise InputError(t(MSG["days_negative"], text=text), value=value,
                         hint=t(MSG["days_hint"]))
    number = m.group(2)
    if "." in number or "," in number:  # 7.5 (and even 7.0: a day count is typed whole)
        raise InputError(t(MSG["days_not_whole"], text=text), value=value,
                         hint=t(MSG["days_hint"]))
    return int(number)


_EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def parse_email(value: object) -> str | None:
    """An e-mail address or None when blank; a bad address raises InputError."""
    text = clean_text(value)
    if not text:
        return None
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not _EMAIL_RE.match(text):
        raise InputError(t("{value!r} is not an e-mail address", value=text), value=value,
                         hint=t("type one address like name@example.go.th"))
    return text.lower()


__all__ = ["clean_text", "is_blank", "parse_id", "parse_amount", "parse_bool", "parse_date_cell",
           "parse_optional_date", "parse_email", "DateParseError", "parse_day_count",
           "excel_error", "check_excel_error", "EXCEL_ERRORS"]
