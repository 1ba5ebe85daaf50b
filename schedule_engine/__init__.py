"""The pure domain of procal: Thai working calendar, procurement rulebook, timelines, targets and
reconciliation. No I/O beyond reading its own shipped TOML data; no Google imports.

The names in ``__all__`` are the engine's public surface (docs/CONTRACT.md, docs/engine.md,
docs/reconcile.md); ``tests/test_public_api.py`` keeps the list complete and importable, and
``tests/test_architecture.py`` keeps this package free of adapters and I/O libraries.
"""

from schedule_engine.bulk import BulkTimelines, plan_many
from schedule_engine.catalogue import (
    Method,
    Rulebook,
    StepRule,
    Tier,
    apply_overlay,
    default_rulebook,
    format_baht,
    load_overlay,
    load_rulebook,
    parse_rulebook,
)
from schedule_engine.dates import (
    fiscal_year,
    fiscal_year_bounds,
    format_date,
    format_thai_date,
    parse_date,
    quarter_bounds,
    quarter_of,
    today_bangkok,
    weekday_name,
)
from schedule_engine.errors import (
    BelowLegalMinimumError,
    BudgetOutOfTierError,
    CalendarRangeError,
    ConfigError,
    DateParseError,
    InputError,
    Location,
    ProcalError,
    RulebookError,
    ScoringCriteriaError,
    SourceError,
    StepSwitchError,
    TargetsError,
    UnknownMethodError,
)
from schedule_engine.explain import explain, explain_timeline
from schedule_engine.forecast import (
    Action,
    BulkForecast,
    Deadline,
    Forecast,
    ForecastState,
    GroupForecast,
    StepForecast,
    binding_deadline,
    forecast_group,
    forecast_many,
    forecast_timeline,
    forecast_timelines,
    project_deadline,
    state_of,
)
from schedule_engine.thaitext import clusters, display_width, truncate, words, wrap
from schedule_engine.i18n import (
    LANGS,
    N_,
    get_language,
    normalize_language,
    reset_language,
    set_language,
    t,
    tn,
    use_settings_language,
)
from schedule_engine.measures import (
    DeadlineMeasure,
    deadlines_for,
    forecast_plans,
    load_measures,
    parse_measures,
)
from schedule_engine.model import (
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
from schedule_engine.reconcile import (
    AgencyResult,
    DisbursementRecord,
    Figures,
    LateMilestone,
    Reconciliation,
    Severity,
    Thresholds,
    late_milestones,
    line_figures,
    pct2,
    percent,
    province_history,
    reconcile,
)
from schedule_engine.scoring import (
    AgencyScore,
    Award,
    Criteria,
    CriterionScore,
    Deduction,
    RowIssue,
    Scoreboard,
    ScoringInputs,
    load_criteria,
    parse_criteria,
    quarter_end_on_or_before,
    round2,
    score,
)
from schedule_engine.targets import (
    BUDGET_TYPE_TH,
    TARGET_MODES,
    Measure,
    TargetTable,
    load_targets,
    parse_targets,
    shipped_fiscal_years,
)
from schedule_engine.timeline import (
    ResolvedStep,
    build_timeline,
    parse_budget,
    resolve_steps,
    step_status,
    timeline_for_plan,
)
from schedule_engine.text import decode_config, normalise_text, read_config_text, text_key
from schedule_engine.workcal import Closure, WorkingCalendar, default_calendar, load_closures

__all__ = [
    # messages (Thai first; docs/messages.md) and Thai text in fixed widths
    "clusters", "display_width", "truncate", "words", "wrap",
    "t", "tn", "N_", "LANGS", "set_language", "get_language", "use_settings_language",
    "normalize_language", "reset_language",
    # errors (one tree, rooted at ProcalError)
    "ProcalError", "ConfigError", "RulebookError", "TargetsError", "InputError", "Location",
    "DateParseError", "UnknownMethodError", "BudgetOutOfTierError", "BelowLegalMinimumError",
    "StepSwitchError", "CalendarRangeError", "SourceError",
    # shared domain objects
    "BudgetType", "DayUnit", "Milestone", "ProjectPlan", "SourceRef", "StepProgress", "StepState",
    "StepStatus", "Timeline",
    # dates (Buddhist era, fiscal years, Bangkok today)
    "parse_date", "format_date", "format_thai_date", "weekday_name", "fiscal_year",
    "fiscal_year_bounds", "quarter_of", "quarter_bounds", "today_bangkok",
    # working calendar
    "WorkingCalendar", "Closure", "default_calendar", "load_closures",
    # rulebook (procurement methods)
    "Rulebook", "Method", "Tier", "StepRule", "load_rulebook", "parse_rulebook",
    "default_rulebook", "format_baht", "apply_overlay", "load_overlay",
    # timelines
    "ResolvedStep", "build_timeline", "timeline_for_plan", "resolve_steps", "step_status",
    "parse_budget", "explain", "explain_timeline", "BulkTimelines", "plan_many",
    # disbursement targets and reconciliation (เบิกจ่าย)
    "TargetTable", "Measure", "BUDGET_TYPE_TH", "TARGET_MODES", "load_targets", "parse_targets",
    "shipped_fiscal_years", "DisbursementRecord", "Thresholds", "Severity", "Figures",
    "AgencyResult", "LateMilestone", "Reconciliation", "reconcile", "late_milestones",
    "province_history", "line_figures", "pct2", "percent",
    # early warning (forecast of the contract date against deadlines)
    "ForecastState", "Forecast", "StepForecast", "Action", "Deadline", "BulkForecast",
    "forecast_timeline", "forecast_many", "binding_deadline", "project_deadline",
    "GroupForecast", "forecast_group", "state_of", "forecast_timelines",
    "DeadlineMeasure", "load_measures", "parse_measures", "deadlines_for", "forecast_plans",
    # typed text: one matching key everywhere, config files in any Windows encoding
    "text_key", "normalise_text", "decode_config", "read_config_text",
    # agency scoring (PTS, docs/scoring.md)
    "ScoringCriteriaError", "Criteria", "Award", "CriterionScore", "AgencyScore", "Scoreboard",
    "ScoringInputs", "Deduction", "RowIssue", "load_criteria", "parse_criteria", "score",
    "round2", "quarter_end_on_or_before",
]
