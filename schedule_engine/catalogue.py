"""The procurement rulebook: ``config/procurement_methods.toml`` loaded and validated.

A :class:`Rulebook` holds :class:`Method` s; a method has budget :class:`Tier` s and effective-dated
:class:`StepRule` entries. ``Method.steps_for(tier, on)`` gives the ordered rules in force on a date.
A broken file fails at load with a :class:`RulebookError` naming the file, method and step.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from schedule_engine.errors import BudgetOutOfTierError, RulebookError, UnknownMethodError
from schedule_engine.text import text_key

UNITS = ("working", "calendar")
CONFIDENCES = ("P", "T", "S", "U")
_FAR_PAST = date.min
_FAR_FUTURE = date.max


def _norm(text: str) -> str:
    """Case-, space-, dot- and dash-insensitive key for method names."""
    return "".join(ch for ch in text_key(text) if not ch.isspace() and ch not in "-_.()/")


def format_baht(amount: Decimal) -> str:
    q = Decimal(amount)
    return f"{q:,.2f}".removesuffix(".00")


@dataclass(frozen=True)
class StepRule:
    """One rule entry for a step (a circular that changes it adds another entry)."""

    code: str
    name_th: str
    name_en: str
    unit: str  # "working" | "calendar"
    min_days: int
    default_days: int
    optional: bool
    default_on: bool
    legal_ref: str
    confidence: str
    tiers: frozenset[str] | None  # None = every tier of the method
    effective_from: date = _FAR_PAST
    effective_to: date = _FAR_FUTURE
    order: int = 0  # position of the code within the method

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on <= self.effective_to

    def applies_to(self, tier: str) -> bool:
        return self.tiers is None or tier in self.tiers


@dataclass(frozen=True)
class Tier:
    """A budget tier: ``budget_over < budget <= budget_up_to`` ("over X up to Y")."""

    code: str
    label: str
    budget_over: Decimal
    budget_up_to: Decimal | None
    legal_ref: str = ""
    effective_from: date = _FAR_PAST
    effective_to: date = _FAR_FUTURE

    def contains(self, budget: Decimal) -> bool:
        return budget > self.budget_over and (self.budget_up_to is None or budget <= self.budget_up_to)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on <= self.effective_to


@dataclass(frozen=True)
class Method:
    code: str
    name_th: str
    name_en: str
    tiers: tuple[Tier, ...]
    rules: tuple[StepRule, ...]
    aliases: tuple[str, ...] = ()
    legal_ref: str = ""
    family: str | None = None
    route: str | None = None

    def step_codes(self) -> tuple[str, ...]:
        seen: list[str] = []
        for r in sorted(self.rules, key=lambda r: r.order):
            if r.code not in seen:
                seen.append(r.code)
        return tuple(seen)

    def tiers_in_force(self, on: date) -> tuple[Tier, ...]:
        return tuple(t for t in self.tiers if t.in_force(on))

    def tier(self, code: str) -> Tier:
        for t in self.tiers:
            if t.code == code:
                return t
        raise KeyError(code)

    def tier_for(self, budget, on: date | None = None) -> Tier:
        """The tier whose range holds ``budget`` (rules in force on ``on``, default today in Bangkok)."""
        amount = Decimal(str(budget))
        if on is None:
            from schedule_engine.dates import today_bangkok

            on = today_bangkok()
        tiers = self.tiers_in_force(on) or self.tiers
        for t in tiers:
            if t.contains(amount):
                return t
        lowest = min(tiers, key=lambda t: t.budget_over)
        caps = [t.budget_up_to for t in tiers]
        if amount <= lowest.budget_over:
            minimum = lowest.budget_over + Decimal("0.01")
            hint = ("use the specific method or check the amount" if self.code != "specific"
                    else "check the amount")
            raise BudgetOutOfTierError(
                f"{format_baht(amount)} is below the {self.code} minimum of {minimum:,.2f}",
                value=budget, hint=hint)
        top = max((c for c in caps if c is not None), default=None)
        raise BudgetOutOfTierError(
            f"{format_baht(amount)} is outside every {self.code} tier "
            f"({', '.join(t.label for t in tiers)})" + (f"; the maximum is {format_baht(top)}" if top else ""),
            value=budget, hint="check the amount or the method")

    def steps_for(self, tier: str, on: date) -> tuple[StepRule, ...]:
        """The rule entries in force on ``on`` for ``tier``, in step order (one per code)."""
        out = [r for r in self.rules if r.applies_to(tier) and r.in_force(on)]
        out.sort(key=lambda r: r.order)
        return tuple(out)

    def effective_boundaries(self) -> tuple[date, ...]:
        """Dates on which some rule of this method starts or stops applying (sorted)."""
        pts = set()
        for r in self.rules:
            if r.effective_from != _FAR_PAST:
                pts.add(r.effective_from)
            if r.effective_to != _FAR_FUTURE:
                pts.add(date.fromordinal(r.effective_to.toordinal() + 1))
        for t in self.tiers:
            if t.effective_from != _FAR_PAST:
                pts.add(t.effective_from)
            if t.effective_to != _FAR_FUTURE:
                pts.add(date.fromordinal(t.effective_to.toordinal() + 1))
        return tuple(sorted(pts))


@dataclass(frozen=True)
class Rulebook:
    methods: tuple[Method, ...]
    source: str = "config/procurement_methods.toml"
    meta: dict = field(default_factory=dict, compare=False)

    def method(self, code: str) -> Method:
        return self.resolve_method(code)

    @functools.cached_property
    def _index(self) -> dict[str, Method]:
        idx: dict[str, Method] = {}
        for m in self.methods:
            for name in (m.code, m.name_th, m.name_en, *m.aliases):
                idx.setdefault(_norm(name), m)
        return idx

    def resolve_method(self, text: str) -> Method:
        """The method for a code, English or Thai name (case/space-insensitive)."""
        key = _norm(text or "")
        m = self._index.get(key)
        if m is None and key.startswith(_norm("วิธี")):
            m = self._index.get(key[len(_norm("วิธี")):])
        if m is None:
            raise UnknownMethodError(
                f"unknown procurement method {text!r}", value=text,
                hint="use one of: " + ", ".join(m.code for m in self.methods),
            )
        return m

    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.methods)


# ---------------------------------------------------------------------------- loading
def _date_field(raw: dict, key: str, default: date, *, file: str, method: str, step: str | None) -> date:
    v = raw.get(key)
    if v is None:
        return default
    if isinstance(v, date) and not hasattr(v, "hour"):
        return v
    raise RulebookError(f"'{key}' must be a TOML date like 2026-05-05, got {v!r}",
                        file=file, method=method, step=step)


def _int_field(raw: dict, key: str, *, file: str, method: str, step: str) -> int:
    v = raw.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise RulebookError(f"'{key}' must be a whole number of days >= 0, got {v!r}",
                            file=file, method=method, step=step)
    return v


def _str_field(raw: dict, key: str, *, file: str, method: str, step: str | None = None) -> str:
    v = raw.get(key)
    if not isinstance(v, str) or not v.strip():
        raise RulebookError(f"'{key}' is required", file=file, method=method, step=step)
    return v


def _money(raw: dict, key: str, *, file: str, method: str, tier: str) -> Decimal | None:
    v = raw.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise RulebookError(f"'{key}' must be an amount in baht, got {v!r}", file=file, method=method,
                            step=f"tier {tier}")
    try:
        return Decimal(str(v).replace(",", ""))
    except InvalidOperation:
        raise RulebookError(f"'{key}' must be an amount in baht, got {v!r}", file=file, method=method,
                            step=f"tier {tier}") from None


def _overlap(a_from: date, a_to: date, b_from: date, b_to: date) -> bool:
    return a_from <= b_to and b_from <= a_to


def _parse_method(raw: dict, file: str) -> Method:
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise RulebookError("every [[method]] needs a 'code'", file=file)
    name_th = _str_field(raw, "name_th", file=file, method=code)
    name_en = _str_field(raw, "name_en", file=file, method=code)

    tiers: list[Tier] = []
    for t in raw.get("tier", []):
        tcode = t.get("code")
        if not isinstance(tcode, str) or not tcode:
            raise RulebookError("every tier needs a 'code'", file=file, method=code)
        over = _money(t, "budget_over", file=file, method=code, tier=tcode)
        if over is None:
            raise RulebookError("'budget_over' is required (use 0 for no lower bound)", file=file,
                                method=code, step=f"tier {tcode}")
        up = _money(t, "budget_up_to", file=file, method=code, tier=tcode)
        if up is not None and up <= over:
            raise RulebookError(f"budget_up_to {up} must be above budget_over {over}", file=file,
                                method=code, step=f"tier {tcode}")
        ef = _date_field(t, "effective_from", _FAR_PAST, file=file, method=code, step=f"tier {tcode}")
        et = _date_field(t, "effective_to", _FAR_FUTURE, file=file, method=code, step=f"tier {tcode}")
        if et < ef:
            raise RulebookError(f"effective_to {et} is before effective_from {ef}", file=file,
                                method=code, step=f"tier {tcode}")
        tiers.append(Tier(code=tcode, label=str(t.get("label") or tcode), budget_over=over,
                          budget_up_to=up, legal_ref=str(t.get("legal_ref", "")),
                          effective_from=ef, effective_to=et))
    if not tiers:
        raise RulebookError("a method needs at least one [[method.tier]]", file=file, method=code)
    tier_codes = [t.code for t in tiers]
    if len(set(tier_codes)) != len(tier_codes):
        raise RulebookError(f"duplicate tier codes {tier_codes}", file=file, method=code)
    for i, a in enumerate(tiers):
        for b in tiers[i + 1:]:
            if not _overlap(a.effective_from, a.effective_to, b.effective_from, b.effective_to):
                continue
            a_hi = a.budget_up_to if a.budget_up_to is not None else Decimal("Infinity")
            b_hi = b.budget_up_to if b.budget_up_to is not None else Decimal("Infinity")
            if a.budget_over < b_hi and b.budget_over < a_hi:
                raise RulebookError(
                    f"tiers '{a.code}' ({a.label}) and '{b.code}' ({b.label}) overlap", file=file,
                    method=code, step=f"tier {b.code}")

    rules: list[StepRule] = []
    order: dict[str, int] = {}
    for s in raw.get("step", []):
        scode = s.get("code")
        if not isinstance(scode, str) or not scode:
            raise RulebookError("every step needs a 'code'", file=file, method=code)
        order.setdefault(scode, len(order))
        unit = s.get("unit")
        if unit not in UNITS:
            raise RulebookError(f"unknown unit {unit!r}; use 'working' or 'calendar'", file=file,
                                method=code, step=scode)
        mn = _int_field(s, "min_days", file=file, method=code, step=scode)
        df = _int_field(s, "default_days", file=file, method=code, step=scode)
        if df < mn:
            raise RulebookError(f"default_days {df} is below the legal minimum min_days {mn}",
                                file=file, method=code, step=scode)
        conf = s.get("confidence")
        if conf not in CONFIDENCES:
            raise RulebookError(f"confidence must be one of P/T/S/U, got {conf!r}", file=file,
                                method=code, step=scode)
        legal_ref = _str_field(s, "legal_ref", file=file, method=code, step=scode)
        name_th_s = _str_field(s, "name_th", file=file, method=code, step=scode)
        name_en_s = _str_field(s, "name_en", file=file, method=code, step=scode)
        optional = s.get("optional", False)
        if not isinstance(optional, bool):
            raise RulebookError(f"'optional' must be true or false, got {optional!r}", file=file,
                                method=code, step=scode)
        default_on = s.get("default_on", True)
        if not isinstance(default_on, bool):
            raise RulebookError(f"'default_on' must be true or false, got {default_on!r}", file=file,
                                method=code, step=scode)
        st = s.get("tiers")
        if st is not None:
            if not isinstance(st, list) or not st:
                raise RulebookError("'tiers' must be a list of tier codes", file=file, method=code,
                                    step=scode)
            bad = [t for t in st if t not in tier_codes]
            if bad:
                raise RulebookError(f"unknown tier(s) {bad}; tiers are {tier_codes}", file=file,
                                    method=code, step=scode)
        ef = _date_field(s, "effective_from", _FAR_PAST, file=file, method=code, step=scode)
        et = _date_field(s, "effective_to", _FAR_FUTURE, file=file, method=code, step=scode)
        if et < ef:
            raise RulebookError(f"effective_to {et} is before effective_from {ef}", file=file,
                                method=code, step=scode)
        known = {"code", "name_th", "name_en", "unit", "min_days", "default_days", "optional",
                 "default_on", "legal_ref", "confidence", "tiers", "effective_from", "effective_to"}
        extra = set(s) - known
        if extra:
            raise RulebookError(f"unknown field(s) {sorted(extra)}", file=file, method=code, step=scode)
        rules.append(StepRule(
            code=scode, name_th=name_th_s, name_en=name_en_s, unit=unit, min_days=mn, default_days=df,
            optional=optional, default_on=default_on if optional else True, legal_ref=legal_ref,
            confidence=conf, tiers=frozenset(st) if st is not None else None,
            effective_from=ef, effective_to=et, order=order[scode],
        ))
    if not rules:
        raise RulebookError("a method needs at least one [[method.step]]", file=file, method=code)
    # two entries for the same step must not both apply to one tier on one day
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            if a.code != b.code or not _overlap(a.effective_from, a.effective_to, b.effective_from,
                                                b.effective_to):
                continue
            shared = set(tier_codes) if a.tiers is None else set(a.tiers)
            shared &= set(tier_codes) if b.tiers is None else set(b.tiers)
            if shared:
                raise RulebookError(
                    f"two entries apply to tier(s) {sorted(shared)} at the same time "
                    f"({a.effective_from}–{a.effective_to} and {b.effective_from}–{b.effective_to}); "
                    "end the old entry with effective_to the day before the new effective_from",
                    file=file, method=code, step=a.code)
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RulebookError("'aliases' must be a list of names", file=file, method=code)
    return Method(code=code, name_th=name_th, name_en=name_en, tiers=tuple(tiers), rules=tuple(rules),
                  aliases=tuple(aliases), legal_ref=str(raw.get("legal_ref", "")),
                  family=raw.get("family"), route=raw.get("route"))


def _where(text: str, line_no: int) -> tuple[str | None, str | None]:
    """The method and step codes in force at ``line_no`` (1-based) of a rulebook text."""
    method = step = None
    section = ""
    for line in text.splitlines()[:line_no]:
        stripped = line.strip()
        if stripped.startswith("[["):
            section = stripped.strip("[] ")
            if section == "method":
                method, step = None, None
            elif section == "method.step":
                step = "?"
            elif section == "method.tier":
                step = "tier ?"
            continue
        m = re.match(r'code\s*=\s*"([^"]*)"', stripped)
        if m:
            if section == "method":
                method = m.group(1)
            elif section == "method.step":
                step = m.group(1)
            elif section == "method.tier":
                step = f"tier {m.group(1)}"
    return method, step


def parse_rulebook(text: str, file: str = "config/procurement_methods.toml") -> Rulebook:
    """Parse and validate rulebook TOML text (``file`` is only used in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        method, step = _where(text, int(m.group(1))) if m else (None, None)
        raise RulebookError(f"not valid TOML (is a date written like 2026-05-05?): {exc}",
                            file=file, method=method, step=step) from None
    raw_methods = data.get("method")
    if not isinstance(raw_methods, list) or not raw_methods:
        raise RulebookError("no [[method]] entries", file=file)
    methods = [_parse_method(m, file) for m in raw_methods]
    codes = [m.code for m in methods]
    dup = {c for c in codes if codes.count(c) > 1}
    if dup:
        raise RulebookError(f"duplicate method code(s) {sorted(dup)}", file=file)
    names: dict[str, str] = {}
    for m in methods:
        for name in {_norm(x) for x in (m.code, m.name_th, m.name_en, *m.aliases)}:
            if name in names and names[name] != m.code:
                raise RulebookError(f"name {name!r} is used by both {names[name]} and {m.code}",
                                    file=file, method=m.code)
            names[name] = m.code
    return Rulebook(methods=tuple(methods), source=file, meta=dict(data.get("meta", {})))


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load the rulebook from ``path`` or the shipped ``config/procurement_methods.toml``."""
    if path is None:
        text = resources.files("procal_config").joinpath("procurement_methods.toml").read_text(
            encoding="utf-8")
        return parse_rulebook(text, "config/procurement_methods.toml")
    from schedule_engine.text import read_config_text

    return parse_rulebook(read_config_text(path, RulebookError), str(path))


@functools.lru_cache(maxsize=1)
def default_rulebook() -> Rulebook:
    """The shipped rulebook (cached)."""
    return load_rulebook()
