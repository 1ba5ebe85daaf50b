"""Benchmark of `procal web`: the calculator API under 20 concurrent clients on loopback, beside
one `procal plan` process per request (what a CGI-style calculator costs), and the province
dashboard with 3,000 late milestones (the dashboard and the paged full list).

    .venv/bin/python bench/web.py [--seconds 10] [--clients 20] [--cgi-requests 40]

Prints p50/p95 latency and requests/second for each. Whole-process figures: the server is a real
`procal web` process; the clients are threads with keep-alive HTTP connections.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("e-bidding", "3,000,000"), ("e-bidding", "12,500,000"), ("specific", "450,000"),
           ("selection", "1.5 ล้าน"), ("e-market", "800000"), ("consultant-general", "2000000")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _queries(n: int) -> list[str]:
    rnd = random.Random(7)
    out = []
    for _ in range(n):
        m, b = rnd.choice(METHODS)
        day = f"{rnd.randint(1, 28)}/{rnd.randint(1, 12):02d}/{rnd.choice([2566, 2567, 2568, 2569])}"
        key = rnd.choice(["start", "contract_by"])
        out.append(urlencode({"method": m, "budget": b, key: day}))
    return out


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _load(port: int, paths: list[str], seconds: float, clients: int) -> tuple[list[float], float]:
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        i = k
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += clients
            t0 = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t0)
            if r.status != 200:
                errors.append(f"{r.status} {path}")
        conn.close()
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return lat, len(lat) / wall


def _after_new_run(port: int, summary: Path, n: int) -> list[float]:
    """/province right after `procal run` replaced the summary: each request reads, parses and
    renders it again (a new version: here a new modification time)."""
    lat = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(n):
        st = summary.stat()
        os.utime(summary, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        t0 = time.perf_counter()
        conn.request("GET", "/province")
        r = conn.getresponse()
        r.read()
        lat.append(time.perf_counter() - t0)
        if r.status != 200:
            raise SystemExit(f"/province: {r.status}")
    conn.close()
    return lat


def _cgi(queries: list[str], clients: int) -> tuple[list[float], float]:
    """One `procal plan --format json` process per request, `clients` at a time."""
    from urllib.parse import parse_qsl

    lat: list[float] = []
    lock = threading.Lock()
    todo = list(queries)

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                q = todo.pop()
            args = []
            for k, v in parse_qsl(q):
                args += [f"--{k.replace('_', '-')}", v]
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "procal", "plan", *args, "--format", "json"],
                               capture_output=True, cwd=ROOT)
            dt = time.perf_counter() - t0
            if r.returncode != 0:
                raise SystemExit(r.stderr.decode())
            with lock:
                lat.append(dt)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, len(lat) / (time.perf_counter() - t0)


def _big_summary(out: Path, late_rows: int) -> None:
    """The example run's summary grown to `late_rows` late milestones over 100 agencies (a
    province-scale run of about 3,000 projects)."""
    src = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    agencies = []
    for i in range(100):
        a = json.loads(json.dumps(src["agencies"][i % len(src["agencies"])]))
        a["agency"] = f"{a['agency']} #{i + 1}"
        a["rank"] = i + 1
        agencies.append(a)
    late = []
    base = src["late_milestones"] or [{"agency": "x", "project_id": "P", "project_name": "โครงการ",
                                       "step_code": "invitation", "step_name_th": "ประกาศ",
                                       "planned": "2026-10-01", "slip_working_days": 1}]
    for i in range(late_rows):
        m = dict(base[i % len(base)])
        m["project_id"] = f"{m['project_id']}-{i}"
        m["slip_working_days"] = late_rows - i
        late.append(m)
    src["agencies"], src["late_milestones"] = agencies, late
    (out / "reports" / "summary.json").write_text(json.dumps(src, ensure_ascii=False),
                                                  encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--cgi-requests", type=int, default=40)
    ap.add_argument("--late", type=int, default=3000)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="procal-bench-web-"))
    try:
        out = tmp / "out"
        print("preparing: procal run on the example workbook …", flush=True)
        subprocess.run([sys.executable, "-m", "procal", "run", "--today", "2026-11-25", "--out",
                        str(out)], cwd=tmp, capture_output=True, check=False)
        _big_summary(out, args.late)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "procal", "web", "--out", str(out),
                                   "--port", str(port)], cwd=tmp, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # never a pipe nobody reads
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("procal web did not start") from None
                time.sleep(0.1)
        try:
            queries = _queries(500)
            _load(port, ["/api/plan?" + q for q in queries[:50]], 1.0, 4)  # warm up
            api_lat, api_rps = _load(port, ["/api/plan?" + q for q in queries], args.seconds,
                                     args.clients)
            page_lat, page_rps = _load(port, ["/?" + q for q in queries], args.seconds,
                                       args.clients)
            prov_lat, prov_rps = _load(port, ["/province"], max(3.0, args.seconds / 2), 4)
            pages = -(-args.late // 200)
            late_lat, late_rps = _load(port, [f"/province/late?page={i + 1}" for i in range(pages)],
                                       max(3.0, args.seconds / 2), 4)
            cold_lat = _after_new_run(port, out / "reports" / "summary.json", 5)
            etag = None
            c = http.client.HTTPConnection("127.0.0.1", port)
            c.request("GET", "/feeds/province.ics")
            r = c.getresponse()
            r.read()
            etag = r.getheader("ETag")
            c.close()
            n304 = 0
            t0 = time.perf_counter()
            c = http.client.HTTPConnection("127.0.0.1", port)
            while time.perf_counter() - t0 < 2:
                c.request("GET", "/feeds/province.ics", headers={"If-None-Match": etag})
                r = c.getresponse()
                r.read()
                assert r.status == 304
                n304 += 1
            c.close()
            cond_rps = n304 / (time.perf_counter() - t0)
        finally:
            server.terminate()
            server.wait(timeout=20)
        cgi_lat, cgi_rps = _cgi(_queries(args.cgi_requests), args.clients)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ms = 1000
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
          "(figures vary with load; the ratio is the steadier number)")
    print(f"{'endpoint':<52} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    rows = [
        (f"GET /api/plan, procal web, {args.clients} clients", api_lat, api_rps),
        (f"GET / (calculator page), procal web, {args.clients} clients", page_lat, page_rps),
        (f"GET /province ({args.late:,} late milestones), 4 clients", prov_lat, prov_rps),
        ("GET /province/late (200 a page), 4 clients", late_lat, late_rps),
        ("GET /province after a new run, 1 client", cold_lat,
         len(cold_lat) / sum(cold_lat)),
        (f"one `procal plan` process per request, {args.clients} at once", cgi_lat, cgi_rps),
    ]
    for name, lat, rps in rows:
        print(f"{name:<52} {len(lat):>8} {_pct(lat, 50) * ms:>8.1f} {_pct(lat, 95) * ms:>8.1f} "
              f"{rps:>8.1f}")
    print(f"{'conditional GET of a feed (304), 1 client':<52} {n304:>8} {'':>8} {'':>8} "
          f"{cond_rps:>8.1f}")
    print(f"\nprocal web serves {api_rps / cgi_rps:.0f}× the requests/s of a process per request; "
          f"p95 {_pct(api_lat, 95) * ms:.1f} ms vs {_pct(cgi_lat, 95) * ms:.0f} ms.")
    print(f"targets: /api/plan p95 ≤ 50 ms: {'met' if _pct(api_lat, 95) <= 0.05 else 'NOT met'}; "
          f"≥ 300 req/s: {'met' if api_rps >= 300 else 'NOT met'}; /province p95 ≤ 200 ms: "
          f"{'met' if _pct(prov_lat, 95) <= 0.2 else 'NOT met'}")
    print(f"statistics: api mean {statistics.mean(api_lat) * ms:.1f} ms")


if __name__ == "__main__":
    main()
