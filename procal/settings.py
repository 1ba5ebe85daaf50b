"""``procal.toml``: everything a deployment sets, validated at start.

Sections: ``[run]`` (sources, backend, output folders), ``[targets]`` (extra targets folders, target
mode), ``[reconcile]`` (severity thresholds, executive reminders), plus the packages' own
``[sheets]`` (``sheets_io.settings.SheetsSettings``), ``[sync]``
(``calendar_sync.settings.SyncSettings``) and ``[google]`` (``google_access.settings.GoogleSettings``).
An unknown section or key, or a bad value, raises :class:`ConfigError` naming the file, the key and
the reason. ``procal init`` writes :data:`TEMPLATE` (every key, commented).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

from schedule_engine.errors import ConfigError
from schedule_engine.i18n import normalize_language, use_settings_language
from schedule_engine.reconcile import Severity, Thresholds
from schedule_engine.targets import TARGET_MODES

CONFIG_NAME = "procal.toml"
SECTIONS = ("run", "targets", "reconcile", "rules", "sheets", "sync", "google", "forecast",
            "scoring", "web")


@dataclass(frozen=True)
class RunSettings:
    """``[run]``: what ``procal run`` reads and where it writes."""

    source: str | None = None  # plan workbook / Google Sheet URL (None = the shipped example)
    disbursement_source: str | None = None  # separate disbursement workbook/CSV/Sheet (None = source)
    backend: str = "auto"  # auto | ics | google
    reports_dir: Path | None = None  # default <sync.out_dir>/reports
    reports: bool = True  # write the xlsx + PNG report on every run
    lang: str = "th"  # th | en: messages, reports, charts and feeds (--lang / PROCAL_LANG win)


@dataclass(frozen=True)
class TargetsSettings:
    """``[targets]``: where FY<BE>.toml files are found and how the target on a date is taken."""

    dirs: tuple[Path, ...] = ()  # searched before the shipped config/targets
    mode: str = "pro_rata"  # pro_rata | quarter_end


@dataclass(frozen=True)
class ReconcileSettings:
    """``[reconcile]``: severity thresholds and executive reminders."""

    behind_pp: Decimal = Decimal(5)
    critical_pp: Decimal = Decimal(15)
    totals_target: str = "weighted"  # weighted | overall
    remind_from: Severity = Severity.WATCH  # watch | behind | critical
    remind_late_milestones: bool = True
    # step codes whose lateness counts for reminders and the report: () = the key milestones
    # ([sync] event_steps), ("*",) = every step of the timeline; see ProcalSettings.late_step_codes
    late_steps: tuple[str, ...] = ()
    resolved: str = "mark"  # mark | remove
    reminder_time: time = time(8, 30)
    reminder_minutes: int = 30
    summary_event: bool = True
    reminders: bool = True  # put reminder events on the executives' calendar at all
    short_names: Mapping[str, str] = field(default_factory=dict)  # agency name = the short name charts show

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(behind_pp=self.behind_pp, critical_pp=self.critical_pp)


@dataclass(frozen=True)
class RulesSettings:
    """``[rules]``: the treasury's rules overlay (minimums procal does not know, circulars' periods)."""

    overlay: Path | None = None  # a TOML file of [[override]] entries (docs/legal-sources.md)


@dataclass(frozen=True)
class WebSettings:
    """``[web]``: the `procal web` server."""

    token: str | None = None  # shared token for the dashboard, reports and feeds (None = open)


@dataclass(frozen=True)
class ProcalSettings:
    file: str | None = None  # the procal.toml read (None = defaults)
    run: RunSettings = field(default_factory=RunSettings)
    targets: TargetsSettings = field(default_factory=TargetsSettings)
    reconcile: ReconcileSettings = field(default_factory=ReconcileSettings)
    rules: RulesSettings = field(default_factory=RulesSettings)
    sheets: Any = None  # SheetsSettings
    sync: Any = None  # SyncSettings
    google: Any = None  # GoogleSettings
    forecast: Any = None  # procal.forecasting.ForecastSettings ([forecast] deadline measures)
    scoring: Any = None  # procal.scoring_settings.ScoringSettings ([scoring], docs/scoring.md)
    web: WebSettings = field(default_factory=WebSettings)

    @property
    def reports_dir(self) -> Path:
        return self.run.reports_dir or Path(self.sync.out_dir) / "reports"

    @property
    def late_step_codes(self) -> tuple[str, ...]:
        """The step codes checked for lateness (executive reminders, the report's late steps), in
        the form ``schedule_engine.reconcile.late_milestones(steps=...)`` takes: by default the key
        milestones that become calendar events (``[sync] event_steps``), so internal steps agencies
        rarely record (TOR drafting, purchase approval) do not flood the executives; ``[reconcile]
        late_steps`` overrides; ``["*"]`` = every step, returned as ``()`` (no filter)."""
        steps = self.reconcile.late_steps
        if steps == ("*",):
            return ()
        return steps or tuple(self.sync.event_steps)


def _bad(file: str | None, key: str, msg: str) -> ConfigError:
    return ConfigError(msg, file=file or CONFIG_NAME, key=key)


def _check_keys(data: Mapping, allowed: set[str], file: str | None, section: str) -> None:
    for k in data:
        if k not in allowed:
            raise _bad(file, f"{section}.{k}", f"unknown setting; known: {', '.join(sorted(allowed))}")


def _opt_str(v: Any, file, key) -> str | None:
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        raise _bad(file, key, f"must be text, got {v!r}")
    return v.strip()


def _bool(v: Any, file, key) -> bool:
    if not isinstance(v, bool):
        raise _bad(file, key, f"must be true or false, got {v!r}")
    return v


def _path(v: Any, base: Path, file, key) -> Path:
    if not isinstance(v, str) or not v.strip():
        raise _bad(file, key, f"must be a folder path, got {v!r}")
    p = Path(v).expanduser()
    return p if p.is_absolute() else base / p


def _decimal(v: Any, file, key) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise _bad(file, key, f"must be a number of percentage points, got {v!r}")
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise _bad(file, key, f"must be a number of percentage points, got {v!r}") from None
    if d <= 0:
        raise _bad(file, key, f"must be above 0, got {v!r}")
    return d


def _run(data: Mapping, base: Path, file) -> RunSettings:
    _check_keys(data, {"source", "disbursement_source", "backend", "reports_dir", "reports", "lang"},
                file, "run")
    kw: dict[str, Any] = {}
    for k in ("source", "disbursement_source"):
        if k in data:
            v = _opt_str(data[k], file, f"run.{k}")
            # a relative file path is relative to procal.toml; URLs / sheet ids stay as they are
            if v and not v.startswith("http") and (base / v).exists():
                v = str(base / v)
            kw[k] = v
    if "backend" in data:
        if data["backend"] not in ("auto", "ics", "google"):
            raise _bad(file, "run.backend", f"must be auto, ics or google, got {data['backend']!r}")
        kw["backend"] = data["backend"]
    if "reports_dir" in data:
        kw["reports_dir"] = _path(data["reports_dir"], base, file, "run.reports_dir")
    for k in ("reports",):
        if k in data:
            kw[k] = _bool(data[k], file, f"run.{k}")
    if "lang" in data:
        code = normalize_language(data["lang"]) if isinstance(data["lang"], str) else None
        if code is None:
            raise _bad(file, "run.lang", f"must be th or en, got {data['lang']!r}")
        kw["lang"] = code
    return RunSettings(**kw)


def _targets(data: Mapping, base: Path, file) -> TargetsSettings:
    _check_keys(data, {"dirs", "mode"}, file, "targets")
    kw: dict[str, Any] = {}
    if "dirs" in data:
        v = data["dirs"]
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            raise _bad(file, "targets.dirs", "must be a list of folders holding FY<BE>.toml files")
        kw["dirs"] = tuple(_path(x, base, file, "targets.dirs") for x in v)
        for d in kw["dirs"]:
            if not d.is_dir():
                raise _bad(file, "targets.dirs", f"folder {d} does not exist")
    if "mode" in data:
        if data["mode"] not in TARGET_MODES:
            raise _bad(file, "targets.mode", f"must be one of {', '.join(TARGET_MODES)}, got "
                                             f"{data['mode']!r}")
        kw["mode"] = data["mode"]
    return TargetsSettings(**kw)


def _reconcile(data: Mapping, file) -> ReconcileSettings:
    allowed = {f for f in ReconcileSettings.__dataclass_fields__}
    _check_keys(data, allowed, file, "reconcile")
    kw: dict[str, Any] = {}
    for k in ("behind_pp", "critical_pp"):
        if k in data:
            kw[k] = _decimal(data[k], file, f"reconcile.{k}")
    if "totals_target" in data:
        if data["totals_target"] not in ("weighted", "overall"):
            raise _bad(file, "reconcile.totals_target", "must be weighted or overall")
        kw["totals_target"] = data["totals_target"]
    if "remind_from" in data:
        try:
            sev = Severity(data["remind_from"])
        except ValueError:
            sev = None
        if sev is None or sev is Severity.ON_TRACK:
            raise _bad(file, "reconcile.remind_from", "must be watch, behind or critical")
        kw["remind_from"] = sev
    if "resolved" in data:
        if data["resolved"] not in ("mark", "remove"):
            raise _bad(file, "reconcile.resolved", "must be mark or remove")
        kw["resolved"] = data["resolved"]
    if "reminder_time" in data:
        v = data["reminder_time"]
        if isinstance(v, time):
            kw["reminder_time"] = v
        else:
            try:
                hh, mm = str(v).split(":")
                kw["reminder_time"] = time(int(hh), int(mm))
            except ValueError:
                raise _bad(file, "reconcile.reminder_time", f"must be HH:MM, got {v!r}") from None
    if "reminder_minutes" in data:
        v = data["reminder_minutes"]
        if not isinstance(v, int) or isinstance(v, bool) or not 5 <= v <= 480:
            raise _bad(file, "reconcile.reminder_minutes", f"must be 5–480 minutes, got {v!r}")
        kw["reminder_minutes"] = v
    if "late_steps" in data:
        v = data["late_steps"]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise _bad(file, "reconcile.late_steps", "must be a list of step codes, e.g. "
                                                     "[\"invitation\", \"contract_signing\"]")
        steps = tuple(x.strip() for x in v)
        if "*" in steps and len(steps) > 1:
            raise _bad(file, "reconcile.late_steps", "\"*\" means every step; use it alone, "
                                                     "e.g. late_steps = [\"*\"]")
        kw["late_steps"] = steps
    for k in ("remind_late_milestones", "summary_event", "reminders"):
        if k in data:
            kw[k] = _bool(data[k], file, f"reconcile.{k}")
    if "short_names" in data:
        v = data["short_names"]
        if not isinstance(v, Mapping) or not all(
                isinstance(a, str) and isinstance(b, str) and b.strip() for a, b in v.items()):
            raise _bad(file, "reconcile.short_names", "must be a table of agency name = short name, "
                                                      "e.g. short_names = { \"สำนักงานจังหวัดขอนแก่น\" = \"สนจ.\" }")
        kw["short_names"] = {a.strip(): b.strip() for a, b in v.items()}
    s = ReconcileSettings(**kw)
    if s.critical_pp < s.behind_pp:
        raise _bad(file, "reconcile.critical_pp", f"must be >= behind_pp ({s.behind_pp})")
    return s


def _rules(data: Mapping, base: Path, file) -> RulesSettings:
    _check_keys(data, {"overlay"}, file, "rules")
    if "overlay" not in data:
        return RulesSettings()
    v = data["overlay"]
    if not isinstance(v, str) or not v.strip():
        raise _bad(file, "rules.overlay", f"must be the path of a rules overlay file, got {v!r}")
    p = Path(v).expanduser()
    p = p if p.is_absolute() else base / p
    if not p.is_file():
        raise _bad(file, "rules.overlay", f"file {p} does not exist")
    from schedule_engine import RulebookError, default_rulebook, load_overlay

    try:  # a broken overlay fails here, before anything is written
        load_overlay(default_rulebook(), p)
    except RulebookError as exc:
        raise _bad(file, "rules.overlay", str(exc)) from None
    return RulesSettings(overlay=p)


def _scoring(data: Mapping, base: Path, file):
    from procal.scoring_settings import scoring_from_mapping

    return scoring_from_mapping(data, base, file)


def _web(data: Mapping, file) -> WebSettings:
    _check_keys(data, {"token"}, file, "web")
    token = _opt_str(data.get("token"), file, "web.token")
    if token is not None and len(token) < 16:
        raise _bad(file, "web.token", "use at least 16 characters (e.g. the output of "
                   "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`)")
    return WebSettings(token=token)


def from_mapping(data: Mapping[str, Any], file: str | None = None) -> ProcalSettings:
    """Validate a parsed procal.toml (``file`` is used for messages and relative paths)."""
    from calendar_sync.settings import SyncSettings
    from google_access.settings import GoogleSettings
    from procal.forecasting import parse_forecast_settings
    from sheets_io.settings import SheetsSettings

    for section, value in data.items():
        if section not in SECTIONS:
            raise _bad(file, section, f"unknown section; known: {', '.join(SECTIONS)}")
        if not isinstance(value, Mapping):
            raise _bad(file, section, "must be a table, e.g. [" + section + "]")
    base = Path(file).parent if file else Path(".")
    label = file or CONFIG_NAME
    sync = SyncSettings.from_mapping(data.get("sync", {}), label)
    settings = ProcalSettings(
        file=file,
        run=_run(data.get("run", {}), base, file),
        targets=_targets(data.get("targets", {}), base, file),
        reconcile=_reconcile(data.get("reconcile", {}), file),
        rules=_rules(data.get("rules", {}), base, file),
        sheets=SheetsSettings.from_mapping(data.get("sheets", {}), label),
        sync=sync,
        google=GoogleSettings.from_mapping(data.get("google", {}), label),
        forecast=parse_forecast_settings(data.get("forecast", {}), base, file),
        scoring=_scoring(data.get("scoring", {}), base, file),
        web=_web(data.get("web", {}), file),
    )
    return settings


def load_settings(path: str | Path | None = None, *, required: bool = False) -> ProcalSettings:
    """Read ``path`` (or ``./procal.toml`` when it exists); no file at all means the defaults."""
    if path is None:
        if not Path(CONFIG_NAME).is_file():
            if required:
                raise ConfigError(f"no {CONFIG_NAME} here; run `procal init` to write one")
            return from_mapping({}, None)
        path = Path(CONFIG_NAME)
    path = Path(path)
    from schedule_engine.text import read_config_text

    text = read_config_text(path)  # UTF-8 with/without BOM, UTF-16; else "save as UTF-8"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None
    settings = from_mapping(data, str(path))
    if "lang" in data.get("run", {}):
        use_settings_language(settings.run.lang)  # --lang / PROCAL_LANG still win
    return settings


def with_overrides(settings: ProcalSettings, *, out_dir: Path | None = None,
                   extra_target_dirs: tuple[Path, ...] = ()) -> ProcalSettings:
    s = settings
    if out_dir is not None:
        s = replace(s, sync=replace(s.sync, out_dir=Path(out_dir)))
    if extra_target_dirs:
        s = replace(s, targets=replace(s.targets, dirs=s.targets.dirs + tuple(extra_target_dirs)))
    return s


def __getattr__(name: str):
    """``TEMPLATE``: the procal.toml ``procal init`` writes, generated from the settings classes
    (procal/init_template.py), so it lists every key with its real default."""
    if name == "TEMPLATE":
        from procal.init_template import render

        return render()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

