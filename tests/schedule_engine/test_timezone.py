"""Results must not depend on the process time zone (dates never pass through an aware datetime)."""

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json
from datetime import date
from schedule_engine import build_timeline, default_calendar, default_rulebook, parse_date
rb, cal = default_rulebook(), default_calendar()
out = []
for method, budget in (("e-bidding", 3e6), ("e-bidding", 6e7), ("specific", 1e5), ("selection", 2e6)):
    for s in ("20 ก.ค. 2565", "2023-04-12", "30/12/2565", "2026-05-04"):
        out.append(build_timeline(rb, cal, method=method, budget=budget, start=parse_date(s)).to_dict())
        out.append(build_timeline(rb, cal, method=method, budget=budget, contract_by=parse_date(s)).to_dict())
print(json.dumps(out, ensure_ascii=False))
"""


def _run(tz):
    env = dict(os.environ, TZ=tz)
    res = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(res.stdout)


def test_same_results_in_any_process_time_zone():
    bangkok = _run("Asia/Bangkok")
    assert bangkok == _run("America/Los_Angeles")
    assert bangkok == _run("Pacific/Kiritimati")
    assert len(bangkok) == 32
