"""The Thai working calendar (วันทำการ), indexed once for O(1) lookups.

A working day is Monday–Friday that is not a Thai holiday. Thai holidays =
``holidays.Thailand(categories=("public", "government"))`` + ``config/holidays.toml`` closures −
its withdrawals (docs/legal-sources.md).

The calendar builds, once per range of years, an index over every day of the range:
``_flags[i]`` (is day i a working day), ``_cumulative[i]`` (working days on or before day i) and
``_working`` (the day numbers of all working days, in order). Then

* N-th working day after D  = ``_wdays[_cum[D] + N - 1]``
* working days in (a, b]    = ``_cum[b] - _cum[a]``
* next working day after D  = ``_wdays[_cum[D]]``

are constant-time array lookups, and the ``*_many`` methods do the same for whole numpy arrays
of dates at once (used by :mod:`schedule_engine.bulk`). The index is plain Python (``bytearray``,
``array``); its numpy copies (``_work``, ``_cum``, ``_wdays``) are made on first vectorised use, so
one timeline (``procal plan``) never loads numpy.
"""

from __future__ import annotations

import functools
import itertools
import threading
import tomllib
from array import array
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from schedule_engine.dates import format_thai_date
from schedule_engine.errors import CalendarRangeError, ConfigError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CalendarRangeError", "Closure", "WorkingCalendar", "default_calendar", "load_announced_through",
           "load_closures"]

DEFAULT_FIRST_YEAR = 1997  # 2540 BE
DEFAULT_LAST_YEAR = 2057  # 2600 BE
HOLIDAY_CATEGORIES = ("public", "government")


@dataclass(frozen=True)
class Closure:
    """A configured change to the package's holidays: an added closure or a withdrawn holiday."""

    date: date
    reason: str
    source: str
    kind: str  # "closure" (extra day off) or "withdrawn" (package holiday that is a working day)
    name_th: str = ""
    name_en: str = ""
    confidence: str = ""


def _read_holiday_file(path: str | Path | None) -> tuple[dict, str]:
    """Parse ``config/holidays.toml`` (or ``path``) once: ``(data, label for messages)``."""
    if path is None:
        label = "config/holidays.toml"
        text = resources.files("procal_config").joinpath("holidays.toml").read_text(encoding="utf-8")
    else:
        label = str(path)
        from schedule_engine.text import read_config_text

        text = read_config_text(path)
    try:
        return tomllib.loads(text), label
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=label) from None


def load_closures(path: str | Path | None = None) -> tuple[Closure, ...]:
    """Read ``[[closure]]`` and ``[[withdrawn]]`` entries from ``config/holidays.toml``."""
    return _closures_from(*_read_holiday_file(path))


def _closures_from(data: dict, label: str) -> tuple[Closure, ...]:
    unknown = set(data) - {"closure", "withdrawn", "meta"}
    if unknown:
        raise ConfigError(f"unknown section(s) {sorted(unknown)}; use [[closure]] or [[withdrawn]]",
                          file=label)
    out: list[Closure] = []
    for kind in ("closure", "withdrawn"):
        for i, entry in enumerate(data.get(kind, []), start=1):
            key = f"{kind}[{i}]"
            d = entry.get("date")
            if not isinstance(d, date):
                raise ConfigError(f"'date' must be a TOML date like 2026-06-02, got {d!r}",
                                  file=label, key=key)
            for req in ("reason", "source"):
                if not str(entry.get(req, "")).strip():
                    raise ConfigError(f"'{req}' is required (say why and where it was announced)",
                                      file=label, key=f"{key}.{req}")
            out.append(Closure(
                date=d, reason=str(entry["reason"]), source=str(entry["source"]), kind=kind,
                name_th=str(entry.get("name_th", "")), name_en=str(entry.get("name_en", "")),
                confidence=str(entry.get("confidence", "")),
            ))
    first: dict[date, tuple[str, str]] = {}  # date -> (kind, key) of its first entry
    counts = {"closure": 0, "withdrawn": 0}
    for c in out:
        counts[c.kind] += 1
        key = f"{c.kind}[{counts[c.kind]}]"
        seen = first.setdefault(c.date, (c.kind, key))
        if seen[0] != c.kind:
            raise ConfigError(f"{c.date.isoformat()} is both added ({seen[1]}) and withdrawn ({key}); "
                              "keep only the entry that is right", file=label, key=key)
    return tuple(out)


def load_announced_through(path: str | Path | None = None) -> int | None:
    """``[meta] announced_through`` of ``config/holidays.toml``: the last year (CE) whose holidays
    (Royal Ploughing Day, cabinet special days) treasury staff have entered; None when unset."""
    return _announced_from(*_read_holiday_file(path))


def _announced_from(data: dict, label: str) -> int | None:
    value = data.get("meta", {}).get("announced_through")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ConfigError(f"must be a year (CE) like 2027, got {value!r}", file=label,
                          key="meta.announced_through")
    return value


class WorkingCalendar:
    """Working days over a fixed range of years (``first_year`` … ``last_year`` CE, inclusive)."""

    def __init__(self, holidays: Mapping[date, str], *, first_year: int = DEFAULT_FIRST_YEAR,
                 last_year: int = DEFAULT_LAST_YEAR,
                 names_th: Mapping[date, str] | None = None) -> None:
        if first_year > last_year:
            raise ValueError("first_year must be <= last_year")
        self.first_year = first_year
        self.last_year = last_year
        self.first_day = date(first_year, 1, 1)
        self.last_day = date(last_year, 12, 31)
        self._origin = self.first_day.toordinal()
        n = self.last_day.toordinal() - self._origin + 1
        self._holidays_en = {d: name for d, name in holidays.items()
                             if self.first_day <= d <= self.last_day}
        self._holidays_th = dict(names_th or {})
        # date.weekday(): Monday = 0; ordinal 1 (0001-01-01) is a Monday
        flags = bytearray((self._origin + i - 1) % 7 < 5 for i in range(n))
        for d in self._holidays_en:
            flags[d.toordinal() - self._origin] = 0
        self._flags = flags  # 1 = day i is a working day
        self._cumulative = array("i", itertools.accumulate(flags))  # working days on or before day i
        self._working = array("i", (i for i, w in enumerate(flags) if w))  # day numbers of working days

    # numpy copies of the index for the vectorised API (bulk timelines, forecasts), made on first use
    @functools.cached_property
    def _work(self) -> np.ndarray:
        import numpy as np

        return np.frombuffer(self._flags, dtype=np.uint8).astype(bool)

    @functools.cached_property
    def _cum(self) -> np.ndarray:
        import numpy as np

        return np.array(self._cumulative, dtype=np.int32)

    @functools.cached_property
    def _wdays(self) -> np.ndarray:
        import numpy as np

        return np.array(self._working, dtype=np.int32)

    @functools.cached_property
    def _np_origin(self) -> np.datetime64:
        """Day number 0 as numpy ``datetime64[D]`` (day numbers <-> dates, vectorised)."""
        import numpy as np

        return np.datetime64(self.first_day, "D")

    # ----------------------------------------------------------------- construction
    @classmethod
    def thailand(cls, *, first_year: int = DEFAULT_FIRST_YEAR, last_year: int = DEFAULT_LAST_YEAR,
                 closures: Iterable[Closure] | None = None,
                 closures_path: str | Path | None = None) -> "WorkingCalendar":
        """Thai government working days: ``holidays.Thailand`` public+government, then
        ``closures`` (default: ``config/holidays.toml``) added/withdrawn."""
        thailand = _thailand_holidays()
        years = range(first_year, last_year + 1)
        en = thailand(categories=HOLIDAY_CATEGORIES, years=years, language="en_US")
        th = thailand(categories=HOLIDAY_CATEGORIES, years=years, language="th")
        names_en = dict(en.items())
        names_th = dict(th.items())
        data, label = _read_holiday_file(closures_path)  # read once: closures and [meta]
        if closures is None:
            closures = _closures_from(data, label)
        for c in closures:
            if c.kind == "closure":
                names_en[c.date] = c.name_en or c.reason
                names_th[c.date] = c.name_th or c.name_en or c.reason
            else:
                names_en.pop(c.date, None)
                names_th.pop(c.date, None)
        cal = cls(names_en, first_year=first_year, last_year=last_year, names_th=names_th)
        cal.closures = tuple(closures)
        # The package hard-codes Royal Ploughing Day (the government category) only for years it
        # knows; later years silently count that day as a working day. Remember where the
        # announced holidays stop, so callers can warn (config may extend it once staff add them).
        gov = thailand(categories=("government",), years=years)
        known = max((d.year for d in gov), default=None)
        configured = _announced_from(data, label)
        cal.announced_through = max((y for y in (known, configured) if y is not None), default=None)
        return cal

    closures: tuple[Closure, ...] = ()
    announced_through: int | None = None  # last CE year whose holidays are known; None = no limit

    def unannounced_years(self, a: date, b: date) -> tuple[int, ...]:
        """Years between ``a`` and ``b`` whose holidays are not announced yet (Royal Ploughing Day,
        cabinet special days): dates there may end a working day too early."""
        if self.announced_through is None:
            return ()
        lo, hi = min(a, b).year, max(a, b).year
        return tuple(range(max(lo, self.announced_through + 1), hi + 1))

    def unannounced_note(self, a: date, b: date) -> str | None:
        """One sentence for people when ``a``…``b`` reaches past the announced holidays."""
        years = self.unannounced_years(a, b)
        if not years:
            return None
        be = ", ".join(str(y + 543) for y in years)
        return (f"holidays of {be} (B.E.) are not announced yet: Royal Ploughing Day (วันพืชมงคล) "
                f"and cabinet special days there are counted as working days, so dates may be a "
                f"working day early; add them to config/holidays.toml when announced and set "
                f"[meta] announced_through")

    # ----------------------------------------------------------------- helpers
    def _i(self, d: date) -> int:
        i = d.toordinal() - self._origin
        if i < 0 or i >= len(self._flags):
            raise CalendarRangeError(
                f"{d.isoformat()} ({format_thai_date(d)}) is outside the working calendar "
                f"({format_thai_date(self.first_day)} – {format_thai_date(self.last_day)})",
                value=d, hint="check the year (a year of 2400 or more is read as BE)",
            )
        return i

    def _d(self, i: int) -> date:
        if i < 0 or i >= len(self._flags):
            raise CalendarRangeError(
                f"the result falls outside the working calendar ({self.first_year}–{self.last_year} CE)",
                hint="check the year, or build the calendar with a wider year range",
            )
        return date.fromordinal(int(i) + self._origin)

    def _nth_working(self, k: int) -> date:
        """The k-th working day of the range (0-based)."""
        if k < 0 or k >= len(self._working):
            raise CalendarRangeError(
                f"the result falls outside the working calendar ({self.first_year}–{self.last_year} CE)",
                hint="check the year, or build the calendar with a wider year range",
            )
        return self._d(self._working[k])

    # ----------------------------------------------------------------- scalar API
    def is_working_day(self, d: date) -> bool:
        return bool(self._flags[self._i(d)])

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``d`` not counted); ``n == 0`` returns ``d``;
        negative ``n`` counts backwards (see :meth:`sub_working_days`)."""
        if n == 0:
            self._i(d)
            return d
        if n < 0:
            return self.sub_working_days(d, -n)
        return self._nth_working(self._cumulative[self._i(d)] + n - 1)

    def sub_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day before ``d`` (``d`` not counted); ``n == 0`` returns ``d``."""
        if n == 0:
            self._i(d)
            return d
        if n < 0:
            return self.add_working_days(d, -n)
        i = self._i(d)
        before = self._cumulative[i] - self._flags[i]  # working days strictly before d
        return self._nth_working(before - n)

    def working_days_between(self, a: date, b: date) -> int:
        """Signed count of working days in (a, b]; negative when ``b`` is before ``a``."""
        return self._cumulative[self._i(b)] - self._cumulative[self._i(a)]

    def next_working_day(self, d: date, inclusive: bool = True) -> date:
        i = self._i(d)
        if inclusive and self._flags[i]:
            return d
        return self._nth_working(self._cumulative[i])

    def previous_working_day(self, d: date, inclusive: bool = True) -> date:
        i = self._i(d)
        if inclusive and self._flags[i]:
            return d
        return self._nth_working(self._cumulative[i] - self._flags[i] - 1)

    def non_working_days(self, a: date, b: date) -> tuple[date, ...]:
        """Non-working days ``d`` with ``a <= d <= b`` (weekends and holidays), in order."""
        if b < a:
            return ()
        ia, ib = self._i(a), self._i(b)
        return tuple(date.fromordinal(i + self._origin) for i in range(ia, ib + 1)
                     if not self._flags[i])

    def holiday_name(self, d: date, lang: str = "th") -> str | None:
        """The holiday's name (Thai by default) or ``None`` for a weekday/plain weekend."""
        if lang == "th":
            return self._holidays_th.get(d) or self._holidays_en.get(d)
        return self._holidays_en.get(d)

    def holidays_between(self, a: date, b: date) -> dict[date, str]:
        """Holidays (named days off, any weekday) with ``a <= d <= b``."""
        return {d: n for d, n in sorted(self._holidays_en.items()) if a <= d <= b}

    # ----------------------------------------------------------------- vectorised API
    def to_index(self, dates) -> np.ndarray:
        """Day numbers (int64) of an array-like of dates / ``datetime64[D]``; range-checked."""
        import numpy as np

        arr = np.asarray(dates)
        if arr.dtype == object:
            arr = arr.astype("datetime64[D]")
        idx = (arr.astype("datetime64[D]") - self._np_origin).astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self._flags)):
            raise CalendarRangeError(
                f"some dates are outside the working calendar ({self.first_year}–{self.last_year} CE)",
                hint="check the years, or build the calendar with a wider year range",
            )
        return idx

    def from_index(self, idx: np.ndarray) -> np.ndarray:
        """``datetime64[D]`` array for day numbers."""
        import numpy as np

        return self._np_origin + np.asarray(idx).astype("timedelta64[D]")

    def is_working_day_many(self, dates) -> np.ndarray:
        return self._work[self.to_index(dates)]

    def add_working_days_idx(self, idx: np.ndarray, n) -> np.ndarray:
        """Vectorised :meth:`add_working_days` on day numbers; ``n`` scalar or array (negative
        ``n`` counts backwards, as the scalar method does)."""
        import numpy as np

        idx = np.asarray(idx)
        if np.isscalar(n) and n > 0:  # fast path (bulk timelines): one step's days for a group
            k = self._cum[idx] + (n - 1)
            if k.size and k.max() >= len(self._wdays):
                raise CalendarRangeError(
                    f"some results fall outside the working calendar ({self.first_year}–{self.last_year} CE)")
            return self._wdays[k]
        n = np.asarray(n)
        cum = self._cum[idx].astype(np.int64)
        k = np.where(n >= 0, cum + n - 1, cum - self._work[idx] + n)
        k = np.where(n == 0, 0, k)
        if k.size and (k.max() >= len(self._wdays) or k.min() < 0):
            raise CalendarRangeError(
                f"some results fall outside the working calendar ({self.first_year}–{self.last_year} CE)"
            )
        return np.where(n == 0, idx, self._wdays[k])

    def next_working_idx(self, idx: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`next_working_day` (inclusive) on day numbers."""
        k = self._cum[idx] - self._work[idx]
        if k.size and k.max() >= len(self._wdays):
            raise CalendarRangeError(
                f"some results fall outside the working calendar ({self.first_year}–{self.last_year} CE)"
            )
        return self._wdays[k]

    def previous_working_idx(self, idx: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`previous_working_day` (inclusive) on day numbers."""
        import numpy as np

        idx = np.asarray(idx)
        if idx.size and idx.min() < 0:
            raise CalendarRangeError(
                f"some results fall before the working calendar ({self.first_year}–{self.last_year} CE)")
        k = self._cum[idx].astype(np.int64) - 1
        if k.size and k.min() < 0:
            raise CalendarRangeError(
                f"some results fall before the working calendar ({self.first_year}–{self.last_year} CE)")
        return self._wdays[k]

    def sub_working_days_idx(self, idx: np.ndarray, n: int) -> np.ndarray:
        """Vectorised :meth:`sub_working_days` (``n >= 0``) on day numbers."""
        import numpy as np

        idx = np.asarray(idx)
        if n == 0:
            return idx
        k = self._cum[idx].astype(np.int64) - self._work[idx] - n
        if k.size and k.min() < 0:
            raise CalendarRangeError(
                f"some results fall before the working calendar ({self.first_year}–{self.last_year} CE)")
        return self._wdays[k]

    def add_working_days_many(self, dates, n) -> np.ndarray:
        """Vectorised :meth:`add_working_days` (negative ``n`` counts back): ``datetime64[D]``."""
        return self.from_index(self.add_working_days_idx(self.to_index(dates), n))

    def working_days_between_many(self, a, b) -> np.ndarray:
        return self._cum[self.to_index(b)].astype("int64") - self._cum[self.to_index(a)]

    def next_working_day_many(self, dates) -> np.ndarray:
        return self.from_index(self.next_working_idx(self.to_index(dates)))


def _thailand_holidays() -> type:
    """``holidays.Thailand``, its module loaded on its own. ``holidays.Thailand`` and ``from
    holidays.countries.thailand import Thailand`` both run ``holidays/countries/__init__.py``
    first, which imports every country's module: about 0.15 s of CPU, more than the rest of
    ``procal plan``. The module is registered under its own name, so a later ``import
    holidays.countries`` uses it (one ``Thailand`` class); if the package's layout ever differs,
    the library's own way is used."""
    import importlib.util
    import sys

    import holidays

    name = "holidays.countries.thailand"
    with _HOLIDAYS_LOCK:  # another thread must not see the module before it is complete
        if name not in sys.modules:
            path = Path(holidays.__file__).with_name("countries") / "thailand.py"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None or not path.is_file():
                return holidays.Thailand
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception:  # any surprise in the shortcut: the library's own way
                del sys.modules[name]
                return holidays.Thailand
        return sys.modules[name].Thailand


_HOLIDAYS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def default_calendar(first_year: int = DEFAULT_FIRST_YEAR,
                     last_year: int = DEFAULT_LAST_YEAR) -> WorkingCalendar:
    """The shipped Thai working calendar (cached): holidays.Thailand public+government plus
    ``config/holidays.toml``, for 1997–2057 CE (2540–2600 BE) by default."""
    return WorkingCalendar.thailand(first_year=first_year, last_year=last_year)
