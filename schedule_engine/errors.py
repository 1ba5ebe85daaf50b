"""procal's single error hierarchy (modelled on httpx's ``_exceptions``).

Every error procal raises on purpose derives from :class:`ProcalError`, so the CLI can catch one
type, print one clear line and exit non-zero. Adapters (``sheets_io``, ``calendar_sync``,
``google_access``) subclass these; they never invent a parallel tree.

    ProcalError
    ├── ConfigError                broken configuration / rulebook / targets file (names file + key)
    │   ├── RulebookError          config/procurement_methods.toml is invalid (names file, method, step)
    │   ├── TargetsError           disbursement targets missing for a fiscal year / quarter
    │   └── ScoringCriteriaError   a scoring criteria file is invalid (names file, key, reason)
    ├── InputError                 one value a person typed is wrong (names sheet, row, column, value)
    │   ├── DateParseError         a date that cannot be read, is ambiguous, or is in the wrong era
    │   ├── UnknownMethodError     a procurement method not in the rulebook
    │   ├── BudgetOutOfTierError   a budget outside every tier of the chosen method
    │   ├── BelowLegalMinimumError days below a step's legal minimum (names step, minimum, law)
    │   ├── StepSwitchError        switching off a mandatory step / an unknown step code
    │   └── CalendarRangeError     a date outside the years the working calendar covers
    ├── SourceError                a whole source cannot be used (missing column, empty sheet, no access)
    ├── GoogleError                (google_access.errors) a Google API call failed for good
    │   ├── AuthError              credentials missing, expired or revoked (says how to log in)
    │   ├── QuotaExceededError     403 quotaExceeded: the calendar may be read-only for hours
    │   ├── RateLimitError         429 / rate-limit 403 / 5xx / connection errors outlived the retries
    │   ├── NotFoundError          404: calendar, event or spreadsheet not found (or not shared)
    │   ├── GoneError              410: event already deleted, or a stale syncToken
    │   ├── ConflictError          409 duplicate id / 412 etag mismatch
    │   └── PermissionDeniedError  403 other than quota/rate limits (no access, missing scope)
    └── SyncError                  (calendar_sync.errors) the sync refused or failed for good
        ├── MassDeleteError        deletions over the guard's share, or an empty source
        └── TransientFault         (calendar_sync.backends.memory) an injected fault in tests

``sheets_io`` defines no classes of its own: it raises ``InputError`` (one cell) and
``SourceError`` (a whole sheet). ``tests/test_errors_tree.py`` keeps this tree equal to the code.
"""

from __future__ import annotations

from dataclasses import dataclass


class ProcalError(Exception):
    """Base of every error procal raises deliberately."""


class ConfigError(ProcalError):
    """Configuration (TOML data or settings) is invalid. The message names the file and key."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None):
        self.file = file
        self.key = key
        where = ", ".join(p for p in (file, key) if p)
        super().__init__(f"{where}: {message}" if where else message)


class RulebookError(ConfigError):
    """The procurement method catalogue is invalid (names the file, method and step)."""

    def __init__(self, message: str, *, file: str | None = None, method: str | None = None,
                 step: str | None = None):
        self.method = method
        self.step = step
        key = ".".join(p for p in (method, step) if p) or None
        super().__init__(message, file=file, key=key)


@dataclass(frozen=True)
class Location:
    """Where a value came from: source (file/sheet id), tab, 1-based row, column header."""

    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        from schedule_engine.i18n import t

        parts = []
        if self.sheet:
            parts.append(t("sheet '{sheet}'", sheet=self.sheet))
        if self.row is not None:
            parts.append(t("row {row}", row=self.row))
        if self.column:
            parts.append(self.column)
        return ", ".join(parts)


class InputError(ProcalError):
    """A value a person typed is wrong. Carries the location, the value and what to do."""

    def __init__(self, message: str, *, value: object = None, hint: str | None = None,
                 location: Location | None = None):
        self.reason = message
        self.value = value
        self.hint = hint
        self.location = location or Location()
        super().__init__(self._render())

    def at(self, location: Location) -> "InputError":
        """Return the same error, placed at ``location`` (adapters add sheet/row/column)."""
        self.location = location
        self.args = (self._render(),)
        return self

    def _render(self) -> str:
        text = self.reason
        if self.hint:
            text = f"{text} — {self.hint}"
        loc = str(self.location)
        return f"{loc}: {text}" if loc else text


class DateParseError(InputError):
    pass


class UnknownMethodError(InputError):
    pass


class BudgetOutOfTierError(InputError):
    pass


class BelowLegalMinimumError(InputError):
    pass


class StepSwitchError(InputError):
    pass


class CalendarRangeError(InputError):
    """A date outside the years the working calendar was built for (default 1997–2057)."""


class SourceError(ProcalError):
    """A whole input source cannot be used; the run stops before writing anything."""


class TargetsError(ConfigError):
    """Disbursement targets are missing for a fiscal year or quarter (names the file to add)."""


class ScoringCriteriaError(ConfigError):
    """A scoring criteria file (``config/scoring/*.toml``) is invalid: unknown measure, bands that
    overlap or leave gaps, weights that do not add up (names the file, the key and the reason)."""
