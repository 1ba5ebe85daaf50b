"""The pure domain of procal: Thai working calendar, procurement rulebook, timelines, targets and
reconciliation. No I/O beyond reading its own shipped TOML data; no Google imports.

The names in ``__all__`` are the engine's public surface (docs/CONTRACT.md, docs/engine.md,
docs/reconcile.md); ``tests/test_public_api.py`` keeps the list complete and importable, and
``tests/test_architecture.py`` keeps this package free of adapters and I/O libraries.
"""

import importlib
import sys
import types

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

# name -> module, imported on first attribute access (PEP 562): `procal --help` and `procal plan`
# load only the modules they use (no numpy for one timeline; tests/cli/test_startup.py)
_LAZY = {
    **dict.fromkeys(("BulkTimelines", "plan_many"), "schedule_engine.bulk"),
    **dict.fromkeys(("Method", "Rulebook", "StepRule", "Tier", "apply_overlay", "default_rulebook",
                     "format_baht", "load_overlay", "load_rulebook", "parse_rulebook"),
                    "schedule_engine.catalogue"),
    **dict.fromkeys(("fiscal_year", "fiscal_year_bounds", "format_date", "format_thai_date",
                     "parse_date", "quarter_bounds", "quarter_of", "today_bangkok",
                     "weekday_name"), "schedule_engine.dates"),
    **dict.fromkeys(("explain", "explain_timeline"), "schedule_engine.explain"),
    **dict.fromkeys(("Action", "BulkForecast", "Deadline", "Forecast", "ForecastState",
                     "GroupForecast", "StepForecast", "binding_deadline", "forecast_group",
                     "forecast_many", "forecast_timeline", "forecast_timelines", "project_deadline",
                     "state_of"), "schedule_engine.forecast"),
    **dict.fromkeys(("clusters", "display_width", "truncate", "words", "wrap"),
                    "schedule_engine.thaitext"),
    **dict.fromkeys(("LANGS", "N_", "get_language", "normalize_language", "reset_language",
                     "set_language", "t", "tn", "use_settings_language"), "schedule_engine.i18n"),
    **dict.fromkeys(("DeadlineMeasure", "deadlines_for", "forecast_plans", "load_measures",
                     "parse_measures"), "schedule_engine.measures"),
    **dict.fromkeys(("BudgetType", "DayUnit", "Milestone", "ProjectPlan", "SourceRef",
                     "StepProgress", "StepState", "StepStatus", "Timeline"), "schedule_engine.model"),
    **dict.fromkeys(("AgencyResult", "DisbursementRecord", "Figures", "LateMilestone",
                     "Reconciliation", "Severity", "Thresholds", "late_milestones", "line_figures",
                     "pct2", "percent", "province_history", "reconcile"), "schedule_engine.reconcile"),
    **dict.fromkeys(("AgencyScore", "Award", "Criteria", "CriterionScore", "Deduction", "RowIssue",
                     "Scoreboard", "ScoringInputs", "load_criteria", "parse_criteria",
                     "quarter_end_on_or_before", "round2", "score"), "schedule_engine.scoring"),
    **dict.fromkeys(("BUDGET_TYPE_TH", "TARGET_MODES", "Measure", "TargetTable", "load_targets",
                     "parse_targets", "shipped_fiscal_years"), "schedule_engine.targets"),
    **dict.fromkeys(("ResolvedStep", "build_timeline", "parse_budget", "resolve_steps",
                     "step_status", "timeline_for_plan"), "schedule_engine.timeline"),
    **dict.fromkeys(("decode_config", "normalise_text", "read_config_text", "text_key"),
                    "schedule_engine.text"),
    **dict.fromkeys(("Closure", "WorkingCalendar", "default_calendar", "load_closures"),
                    "schedule_engine.workcal"),
}

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


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``explain`` and ``reconcile`` are functions here and also the names of submodules. Importing
    a submodule binds it on its package, which would hide the function behind the module once
    someone imports ``schedule_engine.explain``; the package keeps the function instead."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in ("explain", "reconcile"):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
