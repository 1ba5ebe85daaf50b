"""The pure domain of procal: Thai working calendar, procurement rulebook, timelines, targets and
reconciliation. No I/O beyond reading its own shipped TOML data; no Google imports."""

from schedule_engine.errors import (  # noqa: F401
    BelowLegalMinimumError,
    BudgetOutOfTierError,
    ConfigError,
    DateParseError,
    InputError,
    Location,
    ProcalError,
    RulebookError,
    SourceError,
    StepSwitchError,
    TargetsError,
    UnknownMethodError,
)
from schedule_engine.model import (  # noqa: F401
    BudgetType,
    DayUnit,
    Milestone,
    ProjectPlan,
    SourceRef,
    StepProgress,
    StepState,
    StepStatus,
    Timeline,
)
