"""Golden timelines for every method and tier around real holidays.

``golden/timelines.json`` holds every method × tier × start (July 2565 Lent + bridge days, Songkran
2566, year end 2565/66) forward, and backward from deadlines in the same periods. It was generated
by the engine and then spot-checked by hand: the cases below were counted day by day against the
holiday list (not generated), and pin the same dates the file holds.

Regenerate after a deliberate rule change with:  PROCAL_REGEN_GOLDEN=1 pytest tests/schedule_engine/test_golden.py
and review the diff.
"""

import json
import os
from datetime import date
from pathlib import Path

import pytest

from schedule_engine import build_timeline

GOLDEN = Path(__file__).parent / "golden" / "timelines.json"
STARTS = [date(2022, 7, 8), date(2023, 4, 5), date(2022, 12, 23)]
DEADLINES = [date(2022, 7, 29), date(2023, 4, 28), date(2023, 1, 6)]


def _budget(tier):
    lo = float(tier.budget_over)
    return lo + 1 if tier.budget_up_to is None else float(tier.budget_up_to)


def _cases(rulebook):
    for m in rulebook.methods:
        for tier in m.tiers:
            for s in STARTS:
                yield f"{m.code}|{tier.code}|start={s}", dict(method=m.code, budget=_budget(tier), start=s)
            for c in DEADLINES:
                yield f"{m.code}|{tier.code}|by={c}", dict(method=m.code, budget=_budget(tier), contract_by=c)


def _compact(t):
    d = t.to_dict()
    return {"tier": d["tier"], "start": d["start"], "contract_date": d["contract_date"],
            "steps": [f"{s['code']} {s['days']}{s['unit'][0]} {s['end']}" for s in d["steps"]]}


def _compute(rulebook, cal):
    return {key: _compact(build_timeline(rulebook, cal, **kw)) for key, kw in _cases(rulebook)}


def test_golden_file_matches(rulebook, cal):
    got = _compute(rulebook, cal)
    if os.environ.get("PROCAL_REGEN_GOLDEN"):
        GOLDEN.write_text("{\n" + ",\n".join(
            f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(got.items()))
            + "\n}\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(got) == set(want)
    for key in want:
        assert got[key] == want[key], key


def _ends(d):
    if isinstance(d["steps"][0], str):
        return {x.split()[0]: x.split()[2] for x in d["steps"]}
    return {s["code"]: s["end"] for s in d["steps"]}


# Hand-counted (first day not counted; holidays from holidays.Thailand public+government):
HAND = {
    # e-market > 0.5–5 M from Wed 5 Apr 2566 (Chakri Thu 6 Apr; Songkran Thu 13, Fri 14, Sat 15,
    # in lieu Mon 17 Apr; Labour Mon 1 May; Coronation Thu 4 + bridge Fri 5 May):
    #  tor 5: 7,10,11,12,18 → 18 Apr; approval 2: 19,20; invitation 3: 21,24,25; bid 1: 26;
    #  winner 2: 27,28; appeal 7: 2,3,8,9,10,11,12 May; contract 1: Mon 15 May.
    "e-market|0.5-5m|start=2023-04-05": {
        "tor_and_reference_price": "2023-04-18", "purchase_approval": "2023-04-20",
        "invitation": "2023-04-25", "bid_submission": "2023-04-26", "winner_announcement": "2023-04-28",
        "appeal": "2023-05-12", "contract_signing": "2023-05-15"},
    # specific ≤ 0.5 M from Fri 23 Dec 2565 (bridge Fri 30 Dec; New Year in lieu Mon 2, Tue 3 Jan):
    #  approval 1: Mon 26 Dec; negotiation 1: Tue 27; winner 1: Wed 28; contract 0: same day.
    "specific|up-to-0.5m|start=2022-12-23": {
        "purchase_approval": "2022-12-26", "negotiation": "2022-12-27",
        "winner_announcement": "2022-12-28", "contract_signing": "2022-12-28"},
    # e-bidding > 50 M from Wed 5 Apr 2566: tor 10: 7,10,11,12,18,19,20,21,24,25 → 25 Apr;
    #  approval 3 (Cl.22/45, before the hearing): 26,27,28 Apr; hearing 3: 2,3,8 May (Labour Mon
    #  1 May, Coronation Thu 4 + bridge Fri 5 May); revision 1 (Cl.47): 9 May; invitation 20:
    #  10..16, 18..2 Jun, 6,7,8 Jun skipping Royal Ploughing Wed 17 May and Mon 5 Jun (Visakha/
    #  Queen's birthday in lieu) → Thu 8 Jun; bid 9 Jun; evaluation 5: 12..16; winner 2: 19,20;
    #  appeal 7: 21,22,23,26,27,28,29 Jun; contract Fri 30 Jun.
    "e-bidding|over-50m|start=2023-04-05": {
        "tor_and_reference_price": "2023-04-25", "purchase_approval": "2023-04-28",
        "draft_hearing": "2023-05-08", "hearing_revision": "2023-05-09", "invitation": "2023-06-08",
        "bid_submission": "2023-06-09", "bid_evaluation": "2023-06-16",
        "winner_announcement": "2023-06-20", "appeal": "2023-06-29", "contract_signing": "2023-06-30"},
    # e-bidding > 0.5–5 M from Fri 8 Jul 2565 (Asarnha Wed 13, Lent Thu 14, bridge Fri 15; King's
    #  birthday Thu 28 + bridge Fri 29 Jul; Mother's Day Fri 12 Aug): tor 10: 11,12,18,19,20,21,22,
    #  25,26,27 → 27 Jul; approval 3: 1,2,3 Aug; invitation 5: 4,5,8,9,10; bid 11 Aug;
    #  evaluation 5: 15..19; winner 2: 22,23; appeal 7: 24,25,26,29,30,31 Aug, 1 Sep; contract 2 Sep.
    "e-bidding|0.5-5m|start=2022-07-08": {
        "tor_and_reference_price": "2022-07-27", "purchase_approval": "2022-08-03",
        "invitation": "2022-08-10", "bid_submission": "2022-08-11", "bid_evaluation": "2022-08-19",
        "winner_announcement": "2022-08-23", "appeal": "2022-09-01", "contract_signing": "2022-09-02"},
}


@pytest.mark.parametrize("key", sorted(HAND))
def test_hand_counted_goldens(rulebook, cal, key):
    kw = dict(_cases(rulebook))[key]
    got = _ends(build_timeline(rulebook, cal, **kw).to_dict())
    assert got == HAND[key]
    assert _ends(json.loads(GOLDEN.read_text(encoding="utf-8"))[key]) == HAND[key]
