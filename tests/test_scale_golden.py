"""No change to results: the 1,000-project run's outputs match a stored golden.

The speed work (ICS writer, ledger, lookups, bulk engine, write-back skip) must not change what a
run produces. This test runs ``procal run`` (``run_job``, ICS backend) on the deterministic
1,000-project workbook of ``bench/scale_workbook.py`` and compares with
``tests/golden/e2e_1k.json.gz``:

* every feed's events: calendar, key, UID, dates, status, colour, alarm triggers, kind, project;
* the ``schedule`` tab written back: project, step, planned/actual dates, status, slip;
* the reconciliation values the reports show (province, budget types, sources, agencies).

Texts (titles, descriptions, Thai wording) belong to the message catalogue and may change in
their own commits: they are checked here for consistency instead — each feed event's title and
description parse back equal to the event procal wanted (the ledger's hash), in icalendar.

A deliberate change of results (a rulebook fix moving dates, a new status rule) regenerates the
golden; review the diff it prints first:

    PROCAL_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_scale_golden.py -q
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "e2e_1k.json.gz"
TODAY = date(2026, 11, 25)
PROJECTS = 1000
# one 1,000-project run (about 15 s of CPU) shared by both tests; generous on a loaded machine
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def _scale_workbook():
    spec = importlib.util.spec_from_file_location("scale_workbook",
                                                  ROOT / "bench" / "scale_workbook.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def run_1k(tmp: Path):
    """Build the 1k workbook in ``tmp`` and run the job on it; returns (result, out dir, xlsx)."""
    from procal.cmd_run import run_job
    from procal.settings import load_settings

    xlsx = _scale_workbook().build(PROJECTS, tmp / "plans.xlsx")
    cfg = tmp / "procal.toml"
    cfg.write_text("[targets]\n"
                   f'dirs = ["{(ROOT / "examples" / "targets").as_posix()}"]\n'
                   "[run]\nbackend = \"ics\"\n"
                   f'[sync]\nout_dir = "{(tmp / "out").as_posix()}"\n', encoding="utf-8")
    settings = load_settings(cfg)
    result = run_job(settings, source=str(xlsx), today=TODAY, progress=False)
    return result, tmp / "out", xlsx


@pytest.fixture(scope="module")
def run_of_1k(tmp_path_factory):
    return run_1k(tmp_path_factory.mktemp("golden-1k"))


def _alarms(ev) -> list[str]:
    return sorted(str(a.decoded("TRIGGER")) for a in ev.walk("VALARM"))


def feed_facts(out: Path) -> dict[str, list[str]]:
    """Per feed file: one sorted line per event with what the speed work must not change."""
    import icalendar

    facts = {}
    for f in sorted(out.glob("*.ics")):
        cal = icalendar.Calendar.from_ical(f.read_bytes())
        lines = []
        for ev in cal.walk("VEVENT"):
            lines.append("|".join([
                str(ev.get("X-PROCAL-KEY", "")), str(ev["UID"]),
                ev.decoded("DTSTART").isoformat(), ev.decoded("DTEND").isoformat(),
                str(ev.get("STATUS", "")), str(ev.get("COLOR", "")),
                ",".join(_alarms(ev)), str(ev.get("X-PROCAL-KIND", "")),
                str(ev.get("X-PROCAL-PROJECT", "")), str(ev.get("X-PROCAL-PROP-PROCAL-STEP", ""))]))
        facts[f.name] = sorted(lines)
    return facts


def schedule_facts(xlsx: Path) -> list[str]:
    import openpyxl

    own = xlsx.with_name(xlsx.name.removesuffix(".xlsx") + ".procal.xlsx")  # procal's workbook
    wb = openpyxl.load_workbook(own if own.is_file() else xlsx, read_only=True)
    try:
        rows = list(wb["schedule"].iter_rows(values_only=True))
    finally:
        wb.close()
    head = [str(h) for h in rows[0]]
    want = ["รหัสโครงการ (project id)", "รหัสขั้นตอน (step)", "planned (ISO)", "actual (ISO)",
            "สถานะ (status)", "คลาดเคลื่อน วันทำการ (slip, working days)"]
    idx = [head.index(w) for w in want]
    return ["|".join("" if r[i] is None else str(r[i]) for i in idx) for r in rows[1:]]


def _fig(f) -> list[str]:
    return [str(v) for v in (f.allocated, f.committed, f.disbursed, f.disbursement_pct,
                             f.spending_pct, f.disbursement_target_pct, f.spending_target_pct,
                             f.disbursement_gap_baht, f.severity.value)]


def recon_facts(recon) -> dict:
    return {
        "fiscal_year": recon.fiscal_year, "as_of": recon.as_of.isoformat(),
        "province": _fig(recon.province),
        "by_type": {str(getattr(t, "value", t)): _fig(f) for t, f in recon.by_budget_type},
        "by_source": {s.budget_source: _fig(s.figures) for s in recon.by_budget_source},
        "agencies": {a.agency: [a.rank, *_fig(a.total), len(a.late_milestones)]
                     for a in recon.agencies},
        "late": len(recon.late_milestones),
    }


def facts_of(result, out: Path, xlsx: Path) -> dict:
    return {"feeds": feed_facts(out), "schedule": schedule_facts(xlsx),
            "reconciliation": recon_facts(result.reconciliation),
            "plans": [result.plan_rows, len(result.plan_problems)]}


def _json_default(v):
    if isinstance(v, Decimal):
        return str(v)
    raise TypeError(v)


def _diff(want: dict, got: dict) -> str:
    out = []
    for part in sorted(set(want) | set(got)):
        a, b = want.get(part), got.get(part)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    sa = set(a.get(k) or []) if isinstance(a.get(k), list) else {repr(a.get(k))}
                    sb = set(b.get(k) or []) if isinstance(b.get(k), list) else {repr(b.get(k))}
                    out.append(f"{part}/{k}: -{sorted(sa - sb)[:3]} +{sorted(sb - sa)[:3]} "
                               f"({len(sa - sb)} gone, {len(sb - sa)} new)")
        else:
            sa, sb = set(map(repr, a or [])), set(map(repr, b or []))
            out.append(f"{part}: -{sorted(sa - sb)[:3]} +{sorted(sb - sa)[:3]}")
    return "\n".join(out)


def test_texts_in_feeds_are_the_events_procal_wanted(run_of_1k):
    """Every procal event in the feeds parses back (icalendar) to the title/description/dates
    procal planned, and its X-PROCAL-HASH equals the ledger's record for it."""
    import icalendar

    from calendar_sync.ledger import Ledger
    from calendar_sync.model import content_hash

    result, out, _ = run_of_1k
    wanted = {}
    scoring_plan = getattr(result.scoring, "event_plan", None)
    for plan in (result.milestone_plan, result.reminder_plan, scoring_plan):
        if plan is None:
            continue
        for o in plan.ops:
            if o.desired is not None:
                wanted[o.event_id + "@procal"] = o.desired
    with Ledger(out / "procal-state.sqlite") as led:
        ledger = {eid: e.hash for (_, eid), e in led.entries("procal").items()}
    seen = 0
    for f in out.glob("*.ics"):
        for ev in icalendar.Calendar.from_ical(f.read_bytes()).walk("VEVENT"):
            d = wanted[str(ev["UID"])]
            assert str(ev["SUMMARY"]) == d.summary
            assert str(ev.get("DESCRIPTION", "")) == d.description
            assert str(ev["X-PROCAL-HASH"]) == content_hash(d) == ledger[str(ev["UID"])[:-7]]
            seen += 1
    assert seen == len(wanted) == len(ledger)


def test_1k_run_matches_the_golden(run_of_1k):
    result, out, xlsx = run_of_1k
    got = json.loads(json.dumps(facts_of(result, out, xlsx), default=_json_default,
                                ensure_ascii=False))
    if os.environ.get("PROCAL_REGEN_GOLDEN"):
        if GOLDEN.is_file():
            print(_diff(json.loads(gzip.decompress(GOLDEN.read_bytes())), got) or "no change")
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(gzip.compress(json.dumps(got, ensure_ascii=False, sort_keys=True,
                                                    indent=0).encode("utf-8"), mtime=0))
        pytest.skip("golden regenerated")
    want = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    assert got == want, ("the 1k run's results changed (regenerate with PROCAL_REGEN_GOLDEN=1 "
                         "if intended):\n" + _diff(want, got))
