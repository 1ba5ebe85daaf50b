"""Fault injection and the per-user per-minute quota.

A :class:`FaultRule` matches requests by API, operation (``events.insert``, ``values.get``,
``batch``, ``token``...), HTTP method, path regex and inner-ness (a call inside a batch), then
fires on some of the matches: skip the first ``after`` matches, fire at most ``times`` times
(``None`` = for ever), each time with ``probability`` (drawn from the emulator's seeded RNG).

Faults: ``"rateLimitExceeded"``, ``"userRateLimitExceeded"``, ``"quotaExceeded"``, ``"forbidden"``
(403), ``429``, ``500``, ``503`` or any HTTP status int, ``"drop"`` (close the connection without
answering; for an inner batch call the whole batch connection is dropped) and ``"slow"`` (sleep
``delay`` seconds, then answer normally).  ``retry_after`` adds a ``Retry-After`` header.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class FaultRule:
    fault: object
    api: str | None = None
    op: str | None = None
    method: str | None = None
    path: str | None = None          # regex searched in the decoded path
    inner: bool | None = None
    times: int | None = 1
    after: int = 0
    probability: float = 1.0
    delay: float = 0.0
    retry_after: float | None = None
    matched: int = 0
    fired: int = 0
    _path_re: re.Pattern | None = field(default=None, repr=False)

    def __post_init__(self):
        self._path_re = re.compile(self.path) if self.path else None

    def matches(self, api: str, op: str, method: str, path: str, inner: bool) -> bool:
        if self.api is not None and self.api != api:
            return False
        if self.op is not None and self.op != op:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.inner is not None and self.inner != inner:
            return False
        if self._path_re is not None and not self._path_re.search(path):
            return False
        return True

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


class Faults:
    """The emulator's rule list (``emulator.faults``). Thread-safe."""

    def __init__(self, rng):
        self._rng = rng
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []

    def add(self, fault, *, api=None, op=None, method=None, path=None, inner=None, times=1,
            after=0, probability=1.0, delay=0.0, retry_after=None) -> FaultRule:
        """Add a rule. ``times=None`` fires for ever; ``after=n`` skips the first n matches."""
        if fault == "slow" and not delay:
            delay = 0.05
        rule = FaultRule(fault, api=api, op=op, method=method, path=path, inner=inner,
                         times=times, after=after, probability=probability, delay=delay,
                         retry_after=retry_after)
        with self._lock:
            self.rules.append(rule)
        return rule

    def fail_next(self, n: int, fault, **match) -> FaultRule:
        """"Fail the next ``n`` matching requests with ``fault``"."""
        return self.add(fault, times=n, **match)

    def fail_nth(self, nth: int, fault, **match) -> FaultRule:
        """Fail only the ``nth`` (1-based) matching request, e.g. inner batch call #3."""
        return self.add(fault, times=1, after=nth - 1, **match)

    def random(self, probability: float, fault, **match) -> FaultRule:
        """Fail each matching request with ``probability`` (seeded RNG), for ever."""
        return self.add(fault, times=None, probability=probability, **match)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def pick(self, api: str, op: str, method: str, path: str, inner: bool) -> FaultRule | None:
        """The first live rule that fires for this request, or None. Every matching rule counts
        the request (so ``after``/``fail_nth`` count all matching requests, whichever rule fired)."""
        chosen = None
        with self._lock:
            for rule in self.rules:
                if rule.exhausted or not rule.matches(api, op, method, path, inner):
                    continue
                rule.matched += 1
                if chosen is not None or rule.matched <= rule.after:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                chosen = rule
        return chosen


class Quota:
    """Sliding-window requests-per-minute limit per user (None = unlimited)."""

    def __init__(self, limit: int | None, clock: Callable[[], float]):
        self.limit = limit
        self.clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque] = {}

    def take(self, user: str) -> bool:
        """Record one request for ``user``; False when it is over the limit (not recorded)."""
        if self.limit is None:
            return True
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(user, deque())
            while hits and hits[0] <= now - 60.0:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
