"""``procal plan`` / ``procal methods`` with the legal second pass: unknown minimums shown as unknown
(never 0), the appeal-filed branch, and the treasury's rules overlay (``--rules`` / ``[rules]``)."""

import json

import pytest

from procal.cli import main

OVERLAY = """
[[override]]
method = "consultant-general"
step = "invitation"
min_days = 7
legal_ref = "ระเบียบ กค. ข้อ X (treasury)"
confidence = "P"
"""
CG = ["plan", "--method", "consultant-general", "--budget", "2m", "--start", "1/6/2569"]


@pytest.fixture(autouse=True)
def _keep_language():
    """``--lang en`` sets the message language for the process: restore it after each test."""
    from schedule_engine import i18n

    saved = dict(i18n._state)
    yield
    i18n._state.update(saved)


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code or 0, out, err


def test_plan_json_unknown_minimum_is_null_not_zero(capsys):
    code, out, _ = run(CG + ["--format", "json"], capsys)
    assert code == 0
    inv = [s for s in json.loads(out)["steps"] if s["code"] == "invitation"][0]
    assert inv["min_days"] is None and inv["min_days_known"] is False and inv["confidence"] == "U"


def test_plan_table_and_csv_mark_an_unknown_minimum(capsys):
    code, out, _ = run(CG + ["--lang", "en"], capsys)
    assert code == 0 and "(?)" in out and "legal minimum unknown" in out and "[rules] overlay" in out
    code, out, _ = run(CG + ["--format", "csv"], capsys)
    row = [r for r in out.splitlines() if r.startswith("invitation,")][0].split(",")
    header = out.splitlines()[0].split(",")
    assert row[header.index("min_days")] == "" and row[header.index("min_days_known")] == "False"


def test_plan_appeal_filed_with_extensions(capsys):
    base = ["plan", "--method", "e-bidding", "--budget", "3,000,000", "--start", "1/6/2569",
            "--format", "json"]
    _, plain, _ = run(base, capsys)
    code, out, _ = run(base + ["--appeal-filed", "--appeal-extensions", "2"], capsys)
    assert code == 0
    data, before = json.loads(out), json.loads(plain)
    codes = [s["code"] for s in data["steps"]]
    assert data["appeal_filed"] is True
    assert codes[codes.index("appeal"):] == ["appeal", "appeal_review", "appeal_referral", "appeal_committee",
                                             "appeal_committee_extension_1",
                                             "appeal_committee_extension_2", "contract_signing"]
    assert data["contract_date"] > before["contract_date"]
    assert {s["branch"] for s in data["steps"] if s["code"].startswith("appeal_")} == {"appeal_filed"}


def test_appeal_extensions_without_appeal_filed_and_specific_with_appeal_are_errors(capsys):
    code, _, err = run(["plan", "-m", "e-bidding", "-b", "3m", "-s", "1/6/2569",
                        "--appeal-extensions", "1"], capsys)
    assert code == 2 and "--appeal-filed" in err
    code, _, err = run(["plan", "-m", "specific", "-b", "100000", "-s", "1/6/2569", "--appeal-filed"],
                       capsys)
    assert code == 2 and "s.66" in err


def test_rules_overlay_from_option_and_from_procal_toml(tmp_path, monkeypatch, capsys):
    f = tmp_path / "rules-overlay.toml"
    f.write_text(OVERLAY, encoding="utf-8")
    code, out, _ = run(CG + ["--format", "json", "--rules", str(f)], capsys)
    inv = [s for s in json.loads(out)["steps"] if s["code"] == "invitation"][0]
    assert code == 0 and inv["min_days"] == 7 and inv["confidence"] == "P"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "procal.toml").write_text('[rules]\noverlay = "rules-overlay.toml"\n', encoding="utf-8")
    code, out, _ = run(CG + ["--format", "json", "--days", "invitation=5"], capsys)
    assert code == 2  # the treasury's minimum of 7 is enforced
    code, out, _ = run(["methods", "--method", "consultant-general", "--format", "json"], capsys)
    inv = [s for s in json.loads(out)[0]["tiers"][0]["steps"] if s["code"] == "invitation"][0]
    assert inv["min_days"] == 7


def test_broken_overlay_in_procal_toml_is_a_config_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "o.toml").write_text('[[override]]\nmethod = "e-bidding"\nstep = "nope"\n'
                                     'legal_ref = "x"\nconfidence = "P"\n', encoding="utf-8")
    (tmp_path / "procal.toml").write_text('[rules]\noverlay = "o.toml"\n', encoding="utf-8")
    code, _, err = run(CG, capsys)
    assert code == 2 and "rules.overlay" in err and "nope" in err


def test_methods_show_unknown_minimums_confidence_and_the_appeal_branch(capsys):
    code, out, _ = run(["methods", "--method", "consultant-general", "--lang", "en", "--on", "2026-06-01"],
                       capsys)
    assert code == 0
    assert "appeal_review" in out and "appeal_committee" in out and "legal minimum unknown" in out
    code, out, _ = run(["methods", "--method", "e-market", "--format", "json", "--on", "2026-06-01"], capsys)
    tiers = {t["code"]: {s["code"]: s for s in t["steps"]} for t in json.loads(out)[0]["tiers"]}
    assert tiers["over-5m"]["invitation"]["min_days"] is None
    assert tiers["over-5m"]["invitation"]["min_days_known"] is False
    assert tiers["0.5-5m"]["invitation"]["min_days"] == 3
    assert tiers["0.5-5m"]["appeal_review"]["max_days"] == 7
    assert tiers["0.5-5m"]["appeal_review"]["branch"] == "appeal_filed"
    assert all(s["confidence"] in "PTSU" for s in tiers["0.5-5m"].values())
