"""Benchmark: the milestone sync of 2,000 projects against the loopback Google emulator, beside a
naive one-request-per-event sync in the same run.

    .venv/bin/python bench/sync.py [--projects 2000] [--latency 0.03] [--naive-sample 600]

Every HTTP request to the emulator costs ``--latency`` seconds (a batch request costs one).
Pacing is switched off on both sides (Google's per-user quota counts every inner batch call, so a
real first sync of N events takes at least N / 500 minutes either way; the request count and the
latency-bound wall time are what batching changes). Projects are spread over 40 agencies with one
calendar each, plus an executives' calendar for contract signing. The naive side inserts each
event with its own ``events.insert`` call; it runs on ``--naive-sample`` events and its wall time
is extrapolated linearly (said so in the output); its request count is exact (one per event).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from calendar_sync.backends.google import GoogleBackend, event_body  # noqa: E402
from calendar_sync.ledger import Ledger  # noqa: E402
from calendar_sync.milestones import KIND, milestone_events  # noqa: E402
from calendar_sync.model import event_id  # noqa: E402
from calendar_sync.settings import SyncSettings  # noqa: E402
from calendar_sync.sync import sync_events  # noqa: E402
from google_access.retry import Pacer  # noqa: E402
from schedule_engine import default_calendar, default_rulebook, timeline_for_plan  # noqa: E402
from schedule_engine.model import BudgetType, ProjectPlan  # noqa: E402
from tests.emulator import GoogleEmulator  # noqa: E402

AGENCIES = [f"หน่วยงาน {i:02d}" for i in range(40)]
TODAY = date(2026, 11, 25)


def make_plans(n: int, shift_every: int | None = None) -> list[ProjectPlan]:
    plans = []
    for i in range(n):
        start = date(2026, 10, 1) + timedelta(days=(i * 7) % 300)
        if shift_every and i % shift_every == 0:
            start += timedelta(days=14)  # the "1 % change": these plans moved two weeks
        method, amount = (("e-bidding", Decimal(3_000_000 + i)) if i % 3 else
                          ("specific", Decimal(250_000 + i)))
        plans.append(ProjectPlan(
            project_id=f"B{i:05d}", agency=AGENCIES[i % len(AGENCIES)], name=f"โครงการทดสอบ {i}",
            budget_type=BudgetType.INVESTMENT, budget_source="งบจังหวัด", amount=amount,
            method=method, start=start))
    return plans


def desired_for(plans, settings, rulebook, cal):
    timelines = {p.project_id: timeline_for_plan(p, rulebook, cal) for p in plans}
    return milestone_events((plans, timelines, []), settings=settings, calendar=cal, today=TODAY)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=2000)
    ap.add_argument("--latency", type=float, default=0.03)
    ap.add_argument("--naive-sample", type=int, default=600)
    args = ap.parse_args()

    cal, rulebook = default_calendar(), default_rulebook()
    agency_cals = {a: f"agency-{i:02d}" for i, a in enumerate(AGENCIES)}
    settings = SyncSettings(agency_calendars=agency_cals, executive_steps=("contract_signing",),
                            requests_per_minute=10**9)
    keys = sorted(set(agency_cals.values()) | {"executives", "province"})
    ids = {k: f"{k}@group.calendar.google.com" for k in keys}
    t0 = time.perf_counter()
    desired = desired_for(make_plans(args.projects), settings, rulebook, cal)
    changed = desired_for(make_plans(args.projects, shift_every=100), settings, rulebook, cal)
    n = len(desired)
    n_changed = sum(1 for a, b in zip(sorted(desired, key=lambda e: (e.calendar, e.key)),
                                      sorted(changed, key=lambda e: (e.calendar, e.key)), strict=True)
                    if a != b)
    print(f"{args.projects} projects -> {n} milestone events on {len(keys)} calendars "
          f"(built in {time.perf_counter() - t0:.1f}s); 1 % change touches {n_changed} events; "
          f"emulator latency {args.latency * 1000:.0f} ms per HTTP request")

    import google.oauth2.credentials as oc
    from google_access.clients import GoogleClients
    from google_access.settings import GoogleSettings

    rows = []
    with GoogleEmulator(latency=args.latency) as emu:
        for cid in ids.values():
            emu.add_calendar(cid)
        clients = GoogleClients(oc.Credentials(token="bench"), GoogleSettings(), root=emu.root_url)
        backend = GoogleBackend(clients, settings, ids, pacer=Pacer(None))

        def run(label, events):
            emu.reset_counts()
            with Ledger(":memory:" if label is None else ledger_path) as led:
                t = time.perf_counter()
                c = time.thread_time()  # procal's own CPU (the emulator runs in other threads)
                plan, rep = sync_events(events, backend, led, namespace=settings.namespace,
                                        kinds={KIND}, calendars=keys)
                cpu = time.thread_time() - c
                wall = time.perf_counter() - t
            http = len([r for r in emu.requests if not r.inner])
            writes = rep.created + rep.updated + rep.deleted
            rows.append((label, http, wall, writes, rep.errors, cpu))
            return rep

        import tempfile

        ledger_path = os.path.join(tempfile.mkdtemp(prefix="procal-bench-"), "state.sqlite")
        run("procal first sync", desired)
        run("procal no-change rerun", desired)
        run("procal 1 % change rerun", changed)

        # naive: one events.insert per event (the way most sheet-to-calendar scripts work)
        sample = desired[:args.naive_sample]
        naive_ids = {k: f"naive-{v}" for k, v in ids.items()}
        for cid in naive_ids.values():
            emu.add_calendar(cid)
        svc = clients.calendar
        emu.reset_counts()
        t = time.perf_counter()
        for e in sample:
            body = event_body(e, settings.namespace, settings.colors)
            body = {k: v for k, v in body.items() if v is not None}
            body["id"] = event_id(settings.namespace, e.key)
            svc.events().insert(calendarId=naive_ids[e.calendar], body=body).execute()
        naive_sample_wall = time.perf_counter() - t
        assert len(emu.requests) == len(sample)
        naive_wall = naive_sample_wall * n / len(sample)
        # what building the events() resource per event cost (procal now builds it once)
        t = time.thread_time()
        for _ in range(200):
            svc.events()
        per_build = (time.thread_time() - t) / 200

    print()
    print(f"{'run':<28}{'HTTP requests':>14}{'wall s':>10}{'CPU s':>8}{'events/s':>11}"
          f"{'writes':>8}{'errors':>8}")
    for label, http, wall, writes, errors, cpu in rows:
        rate = (writes or n) / wall if wall else float("inf")
        print(f"{label:<28}{http:>14}{wall:>10.2f}{cpu:>8.2f}{rate:>11.0f}{writes:>8}{errors:>8}")
    print(f"{'naive first sync (extrap.)':<28}{n:>14}{naive_wall:>10.2f}{n / naive_wall:>11.0f}"
          f"{n:>8}{0:>8}   (measured on {len(sample)} events: {naive_sample_wall:.2f}s)")
    first_http = rows[0][1]
    print()
    print(f"first sync: {n / first_http:.1f}x fewer HTTP requests than naive "
          f"({first_http} vs {n}), {naive_wall / rows[0][2]:.1f}x faster wall time")
    print(f"procal's CPU on the first sync: {rows[0][5]:.2f} s; building the events() resource "
          f"costs {per_build * 1000:.2f} ms, once per backend now (per event before: "
          f"{per_build * rows[0][3]:.1f} s more CPU for these {rows[0][3]} writes)")
    print(f"no-change rerun: {rows[1][1]} requests for {len(keys)} calendars, {rows[1][3]} writes")
    print(f"1 % change rerun: {rows[2][3]} writes for {n_changed} changed events, "
          f"{rows[2][1]} requests")


if __name__ == "__main__":
    main()
