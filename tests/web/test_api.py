"""The JSON API: /api/plan returns exactly what `procal plan --format json` prints, for every
method and tier of the rulebook, forward and backward, with overrides; errors are 422 JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from procal.cli import app as cli_app
from schedule_engine import default_rulebook, today_bangkok


def _cases():
    out = []
    for m in default_rulebook().methods:
        for t in m.tiers_in_force(today_bangkok()):
            top = t.budget_up_to if t.budget_up_to is not None else t.budget_over * 2 + 1000
            for amount in (t.budget_over + Decimal("0.01") if t.budget_over else Decimal(1), top):
                out.append(pytest.param(m.code, str(amount), id=f"{m.code}-{t.code}-{amount}"))
    return out


def _cli(args: list[str]) -> str:
    res = CliRunner().invoke(cli_app, ["plan", *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("method, budget", _cases())
def test_api_plan_equals_the_cli_for_every_method_and_tier(client, method, budget):
    steps = default_rulebook().resolve_method(method)
    for mode, date_text in (("start", "2026-11-02"), ("contract_by", "30/09/2570")):
        args = ["--method", method, "--budget", budget,
                "--start" if mode == "start" else "--contract-by", date_text]
        cli = _cli(args)
        api = client.get("/api/plan", params={"method": method, "budget": budget,
                                              mode: date_text})
        assert api.status_code == 200, api.text
        assert api.headers["content-type"].startswith("application/json")
        assert api.text == cli, (method, budget, mode)
        # an override of the longest-default step (legal minimum + 2) and the same via POST
        plan = json.loads(cli)
        rules = {r.code: r for r in steps.rules}
        step = max(plan["steps"], key=lambda s: (s["days"], s["code"]))
        n = max(rules[step["code"]].min_days, step["min_days"]) + 2
        cli2 = _cli([*args, "--days", f"{step['code']}={n}"])
        api2 = client.get("/api/plan", params={"method": method, "budget": budget,
                                               mode: date_text, "days": f"{step['code']}={n}"})
        assert api2.text == cli2
        post = client.post("/api/plan", json={"method": method, "budget": budget,
                                              mode: date_text, "days": [f"{step['code']}={n}"]})
        assert post.status_code == 200 and post.text == cli2


def test_with_without_and_lang_match_the_cli(client):
    from tests.web.test_calculator import _optional_case

    method, budget, code = _optional_case()
    for flag in ("with", "without"):
        cli = _cli(["--method", method, "--budget", budget, "--start", "20/07/2565",
                    f"--{flag}", code, "--lang", "en"])
        api = client.get("/api/plan", params={"method": method, "budget": budget,
                                              "start": "20/07/2565", flag: code, "lang": "en"})
        assert api.text == cli


def test_api_equals_a_real_procal_plan_process(client):
    args = ["--method", "e-bidding", "--budget", "3,000,000", "--start", "20 ก.ค. 2565",
            "--days", "invitation=8"]
    proc = subprocess.run([sys.executable, "-m", "procal", "plan", *args, "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    api = client.get("/api/plan", params={"method": "e-bidding", "budget": "3,000,000",
                                          "start": "20 ก.ค. 2565", "days": "invitation=8"})
    assert api.text == proc.stdout


@pytest.mark.parametrize("params", [
    {"method": "e-bidding", "budget": "3000000", "start": "2022-07-20", "days": "appeal=3"},
    {"method": "e-bidding", "budget": "3000000", "start": "2022-07-20", "days": "nosuch=3"},
    {"method": "e-bidding", "budget": "3000000", "start": "2022-07-20", "days": "appeal"},
    {"method": "e-bidding", "budget": "3000000", "start": "2022-07-20", "without": "appeal"},
    {"method": "e-bidding", "budget": "3000000", "start": "2022-07-20",
     "contract_by": "2022-09-30"},
    {"method": "e-bidding", "budget": "3000000"},
    {"method": "", "budget": "3000000", "start": "2022-07-20"},
    {"method": "x" * 500, "budget": "3000000", "start": "2022-07-20"},
    {"method": "e-bidding", "budget": "-5", "start": "2022-07-20"},
    {"method": "e-bidding", "budget": "3000000", "start": "2400-01-01"},
])
def test_errors_are_422_json_in_thai_and_english(client, params):
    r = client.get("/api/plan", params=params)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["status"] == 422 and err["message_th"] and err["message_en"]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err["message_th"])
    assert err["problems"]


@pytest.mark.parametrize("body, ctype", [
    (b"not json", "application/json"), (b"[1, 2]", "application/json"),
    (b"\xff\xfe", "application/json"), (b'{"method": 1}', "text/plain"),
])
def test_post_with_a_bad_body_is_422(client, body, ctype):
    r = client.post("/api/plan", content=body, headers={"content-type": ctype})
    assert r.status_code == 422 and r.json()["error"]["message_en"]


def test_methods_and_openapi(client):
    methods = client.get("/api/methods").json()
    assert [m["code"] for m in methods] == list(default_rulebook().codes())
    eb = next(m for m in methods if m["code"] == "e-bidding")
    assert eb["tiers"] and eb["tiers"][0]["steps"][0]["min_days"] >= 0
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/plan" in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/plan"]["get"]["parameters"]}
    assert names == {"method", "budget", "start", "contract_by", "days", "with", "without", "lang"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/plan" in docs.text and "contract_by" in docs.text
