"""The procurement rulebook: ``config/procurement_methods.toml`` loaded and validated.

A :class:`Rulebook` holds :class:`Method` s; a method has budget :class:`Tier` s and effective-dated
:class:`StepRule` entries. ``Method.steps_for(tier, on)`` gives the ordered rules in force on a date.
A broken file fails at load with a :class:`RulebookError` naming the file, method and step.

A step's legal minimum may be **unknown** (``min_days = "unknown"`` in the file, ``None`` here): the
law delegates the period to a text procal has not been able to read. Such a minimum is never shown
or enforced as 0; a treasury can supply it with a rules overlay (:func:`apply_overlay`). The
``[[appeal_filed_step]]`` entries form the appeal-filed branch (Act s.118-119) that every method with
an ``appeal`` step gets after it; ``steps_for(..., appeal_filed=True)`` includes them.
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
from schedule_engine.i18n import t as tr

UNITS = ("working", "calendar")
UNKNOWN = "unknown"  # min_days = "unknown": the law sets a minimum procal could not read
APPEAL_FILED = "appeal_filed"  # the branch taken when an appeal is filed (Act s.118-119)
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
    min_days: int | None  # None = a legal minimum exists but is unknown (never shown as 0)
    default_days: int
    optional: bool
    default_on: bool
    legal_ref: str
    confidence: str
    tiers: frozenset[str] | None  # None = every tier of the method
    effective_from: date = _FAR_PAST
    effective_to: date = _FAR_FUTURE
    order: int = 0  # position of the code within the method
    max_days: int | None = None  # a legal maximum ("within N days"), e.g. Act s.118
    requires: str | None = None  # active only when this other step of the method is active
    branch: str | None = None  # None = main path; APPEAL_FILED = only when an appeal is filed

    @property
    def min_known(self) -> bool:
        return self.min_days is not None

    @property
    def min_floor(self) -> int:
        """The minimum to enforce (0 when unknown: nothing can be enforced, but it is flagged)."""
        return self.min_days if self.min_days is not None else 0

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
            hint = (tr("use the specific method or check the amount") if self.code != "specific"
                    else tr("check the amount"))
            raise BudgetOutOfTierError(
                tr("{amount} is below the {method} minimum of {minimum}", amount=format_baht(amount),
                  method=self.code, minimum=f"{minimum:,.2f}"),
                value=budget, hint=hint)
        top = max((c for c in caps if c is not None), default=None)
        raise BudgetOutOfTierError(
            tr("{amount} is outside every {method} tier ({tiers})", amount=format_baht(amount),
              method=self.code, tiers=", ".join(x.label for x in tiers))
            + (tr("; the maximum is {top}", top=format_baht(top)) if top else ""),
            value=budget, hint=tr("check the amount or the method"))

    def has_appeal(self) -> bool:
        return any(r.code == "appeal" for r in self.rules)

    def steps_for(self, tier: str, on: date, *, appeal_filed: bool = False) -> tuple[StepRule, ...]:
        """The rule entries in force on ``on`` for ``tier``, in step order (one per code); with
        ``appeal_filed`` the appeal-filed branch (Act s.118-119) follows the appeal step."""
        out = [r for r in self.rules if r.applies_to(tier) and r.in_force(on)
               and (r.branch is None or (appeal_filed and r.branch == APPEAL_FILED))]
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
                tr("unknown procurement method {text!r}", text=text), value=text,
                hint=tr("use one of: {choices}", choices=", ".join(m.code for m in self.methods)),
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


def _parse_method(raw: dict, file: str, appeal_branch: list | tuple = ()) -> Method:
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
    own = raw.get("step", [])
    if not isinstance(own, list):
        raise RulebookError("'step' must be a list of [[method.step]] tables", file=file, method=code)
    entries: list[tuple[dict, str | None]] = [(s, None) for s in own]
    appeal_at = [i for i, (s, _) in enumerate(entries) if isinstance(s, dict) and s.get("code") == "appeal"]
    if appeal_at and appeal_branch:  # the appeal-filed branch follows the (last) appeal entry
        at = appeal_at[-1] + 1
        entries[at:at] = [(s, APPEAL_FILED) for s in appeal_branch]
    for s, branch in entries:
        scode = s.get("code")
        if not isinstance(scode, str) or not scode:
            raise RulebookError("every step needs a 'code'", file=file, method=code)
        order.setdefault(scode, len(order))
        unit = s.get("unit")
        if unit not in UNITS:
            raise RulebookError(f"unknown unit {unit!r}; use 'working' or 'calendar'", file=file,
                                method=code, step=scode)
        if s.get("min_days") == UNKNOWN:
            mn = None
        elif isinstance(s.get("min_days"), str):
            raise RulebookError(f"'min_days' must be a whole number of days or \"{UNKNOWN}\", got "
                                f"{s.get('min_days')!r}", file=file, method=code, step=scode)
        else:
            mn = _int_field(s, "min_days", file=file, method=code, step=scode)
        df = _int_field(s, "default_days", file=file, method=code, step=scode)
        if mn is not None and df < mn:
            raise RulebookError(f"default_days {df} is below the legal minimum min_days {mn}",
                                file=file, method=code, step=scode)
        mx = None
        if "max_days" in s:
            mx = _int_field(s, "max_days", file=file, method=code, step=scode)
            if df > mx or (mn is not None and mn > mx):
                raise RulebookError(f"max_days {mx} is below default_days {df} or min_days {mn}",
                                    file=file, method=code, step=scode)
        requires = s.get("requires")
        if requires is not None and (not isinstance(requires, str) or not requires):
            raise RulebookError("'requires' must be a step code", file=file, method=code, step=scode)
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
                 "default_on", "legal_ref", "confidence", "tiers", "effective_from", "effective_to",
                 "max_days", "requires"}
        extra = set(s) - known
        if extra:
            raise RulebookError(f"unknown field(s) {sorted(extra)}", file=file, method=code, step=scode)
        rules.append(StepRule(
            code=scode, name_th=name_th_s, name_en=name_en_s, unit=unit, min_days=mn, default_days=df,
            optional=optional, default_on=default_on if optional else True, legal_ref=legal_ref,
            confidence=conf, tiers=frozenset(st) if st is not None else None,
            effective_from=ef, effective_to=et, order=order[scode], max_days=mx, requires=requires,
            branch=branch,
        ))
    if not rules:
        raise RulebookError("a method needs at least one [[method.step]]", file=file, method=code)
    for r in rules:
        if r.requires is not None and r.requires not in order:
            raise RulebookError(f"'requires' names no step of this method: {r.requires!r}",
                                file=file, method=code, step=r.code)
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
    branch = data.get("appeal_filed_step", [])
    if not isinstance(branch, list) or not all(isinstance(b, dict) for b in branch):
        raise RulebookError("'appeal_filed_step' must be a list of [[appeal_filed_step]] tables",
                            file=file)
    methods = [_parse_method(m, file, branch) for m in raw_methods]
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


# ---------------------------------------------------------------------------- overlays
OVERLAY_KEYS = {"method", "step", "tiers", "effective_from", "effective_to", "min_days",
                "default_days", "max_days", "optional", "default_on", "legal_ref", "confidence", "note"}


def _split_rule(r: StepRule, o: dict, tier_codes: tuple[str, ...], file: str, method: str,
                ) -> list[StepRule] | None:
    """``r`` cut around override ``o`` (None when they do not meet): the untouched pieces plus the
    changed one, so that the pieces never overlap (the loader's invariant)."""
    from dataclasses import replace
    from datetime import timedelta

    a = max(r.effective_from, o["effective_from"])
    b = min(r.effective_to, o["effective_to"])
    if a > b:
        return None
    r_t = set(tier_codes) if r.tiers is None else set(r.tiers)
    o_t = set(tier_codes) if o["tiers"] is None else set(o["tiers"])
    shared = r_t & o_t
    if not shared:
        return None

    def tiers(codes: set[str]) -> frozenset[str] | None:
        return None if codes == set(tier_codes) else frozenset(codes)

    out: list[StepRule] = []
    if r_t - shared:
        out.append(replace(r, tiers=tiers(r_t - shared)))
    if r.effective_from < a:
        out.append(replace(r, tiers=tiers(shared), effective_to=a - timedelta(days=1)))
    if b < r.effective_to:
        out.append(replace(r, tiers=tiers(shared), effective_from=b + timedelta(days=1)))
    mn = r.min_days if "min_days" not in o else o["min_days"]
    df = o.get("default_days", r.default_days if mn is None else max(r.default_days, mn))
    mx = o.get("max_days", r.max_days)
    if mn is not None and df < mn:
        raise RulebookError(f"default_days {df} is below min_days {mn}", file=file, method=method,
                            step=r.code)
    if mx is not None and (df > mx or (mn is not None and mn > mx)):
        raise RulebookError(f"max_days {mx} is below default_days {df} or min_days {mn}", file=file,
                            method=method, step=r.code)
    optional = o.get("optional", r.optional)
    out.append(replace(
        r, tiers=tiers(shared), effective_from=a, effective_to=b, min_days=mn, default_days=df,
        max_days=mx, optional=optional,
        default_on=o.get("default_on", r.default_on) if optional else True,
        legal_ref=o["legal_ref"], confidence=o["confidence"]))
    return out


def apply_overlay(rulebook: Rulebook, text: str, file: str = "rules overlay") -> Rulebook:
    """The rulebook with a treasury's ``[[override]]`` entries applied (a rules overlay file).

    Each override names a ``method`` and ``step`` and, optionally, ``tiers`` and an
    ``effective_from`` / ``effective_to`` period (inclusive); inside that period it replaces the
    step's ``min_days`` (a number or ``"unknown"``), ``default_days``, ``max_days``, ``optional`` /
    ``default_on``, and must say where the figure comes from (``legal_ref``, ``confidence``).
    Outside the period the shipped entry stays in force. Errors name the file and the override."""
    from dataclasses import replace

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"not valid TOML: {exc}", file=file) from None
    unknown = set(data) - {"override"}
    if unknown:
        raise RulebookError(f"unknown section(s) {sorted(unknown)}; an overlay holds [[override]] "
                            "entries", file=file)
    methods = {m.code: m for m in rulebook.methods}
    for n, o in enumerate(data.get("override", []), start=1):
        where = f"override[{n}]"
        if not isinstance(o, dict):
            raise RulebookError(f"{where} must be a table", file=file)
        extra = set(o) - OVERLAY_KEYS
        if extra:
            raise RulebookError(f"{where}: unknown field(s) {sorted(extra)}", file=file)
        try:
            m = rulebook.resolve_method(str(o.get("method", "")))
        except Exception:
            raise RulebookError(f"{where}: unknown method {o.get('method')!r}; methods are "
                                f"{', '.join(methods)}", file=file) from None
        step = o.get("step")
        if step not in m.step_codes():
            raise RulebookError(f"{where}: {m.code} has no step {step!r}; steps are "
                                f"{', '.join(m.step_codes())}", file=file, method=m.code)
        for key in ("legal_ref", "confidence"):
            if not isinstance(o.get(key), str) or not o[key].strip():
                raise RulebookError(f"{where}: '{key}' is required (say where the figure comes from)",
                                    file=file, method=m.code, step=step)
        if o["confidence"] not in CONFIDENCES:
            raise RulebookError(f"{where}: confidence must be one of P/T/S/U", file=file,
                                method=m.code, step=step)
        spec = dict(o)
        if "min_days" in o:
            if o["min_days"] == UNKNOWN:
                spec["min_days"] = None
            else:
                spec["min_days"] = _int_field(o, "min_days", file=file, method=m.code, step=step)
        for key in ("default_days", "max_days"):
            if key in o:
                spec[key] = _int_field(o, key, file=file, method=m.code, step=step)
        for key in ("optional", "default_on"):
            if key in o and not isinstance(o[key], bool):
                raise RulebookError(f"{where}: '{key}' must be true or false", file=file,
                                    method=m.code, step=step)
        spec["effective_from"] = _date_field(o, "effective_from", _FAR_PAST, file=file,
                                             method=m.code, step=step)
        spec["effective_to"] = _date_field(o, "effective_to", _FAR_FUTURE, file=file,
                                           method=m.code, step=step)
        tier_codes = tuple(t.code for t in m.tiers)
        st = o.get("tiers")
        if st is not None and (not isinstance(st, list) or not st or set(st) - set(tier_codes)):
            raise RulebookError(f"{where}: 'tiers' must be a list of {m.code} tier codes "
                                f"({', '.join(tier_codes)})", file=file, method=m.code, step=step)
        spec["tiers"] = st
        new_rules: list[StepRule] = []
        hit = False
        for r in m.rules:
            pieces = _split_rule(r, spec, tier_codes, file, m.code) if r.code == step else None
            if pieces is None:
                new_rules.append(r)
            else:
                hit = True
                new_rules.extend(pieces)
        if not hit:
            raise RulebookError(f"{where}: no {m.code} '{step}' entry applies to those tiers and "
                                "dates", file=file, method=m.code, step=step)
        methods[m.code] = replace(m, rules=tuple(sorted(new_rules, key=lambda r: r.order)))
        rulebook = Rulebook(methods=tuple(methods[c] for c in methods), source=rulebook.source,
                            meta=rulebook.meta)
    return Rulebook(methods=tuple(methods[c] for c in methods), source=f"{rulebook.source} + {file}",
                    meta=rulebook.meta)


def load_overlay(rulebook: Rulebook, path: str | Path) -> Rulebook:
    """:func:`apply_overlay` with the text of ``path``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulebookError(f"cannot read the rules overlay: {exc}", file=str(path)) from None
    return apply_overlay(rulebook, text, str(path))
