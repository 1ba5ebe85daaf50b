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

# --- engine (owner: engine) ---
from schedule_engine.dates import (  # noqa: F401,E402
    fiscal_year,
    fiscal_year_bounds,
    format_date,
    format_thai_date,
    parse_date,
    quarter_bounds,
    quarter_of,
    today_bangkok,
)
from schedule_engine.workcal import (  # noqa: F401,E402
    CalendarRangeError,
    Closure,
    WorkingCalendar,
    default_calendar,
    load_closures,
)
from schedule_engine.catalogue import (  # noqa: F401,E402
    Method,
    Rulebook,
    StepRule,
    Tier,
    default_rulebook,
    load_rulebook,
    parse_rulebook,
)
from schedule_engine.timeline import (  # noqa: F401,E402
    ResolvedStep,
    build_timeline,
    parse_budget,
    resolve_steps,
    step_status,
    timeline_for_plan,
)
from schedule_engine.explain import explain, explain_timeline  # noqa: F401,E402
from schedule_engine.bulk import BulkTimelines, plan_many  # noqa: F401,E402
