"""The province dashboard from the last run's reports/summary.json."""

from __future__ import annotations

import json
import re


def test_run_writes_a_machine_readable_summary(run_out):
    s = json.loads((run_out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert s["version"] == 1 and s["fiscal_year"] == 2570 and s["as_of"]
    assert s["agencies"] and all("total" in a and "lines" in a for a in s["agencies"])
    slips = [m["slip_working_days"] for m in s["late_milestones"]]
    assert slips == sorted(slips, reverse=True)  # worst first
    assert "disbursement-2570-10.xlsx" in s["report_files"]


def test_dashboard_shows_agencies_status_in_words_late_steps_and_links(run_client, run_out):
    s = json.loads((run_out / "reports" / "summary.json").read_text(encoding="utf-8"))
    r = run_client.get("/province")
    assert r.status_code == 200
    html = r.text
    for a in s["agencies"]:
        assert a["agency"] in html
    words = ("ตามเป้าหมาย", "ต่ำกว่าเป้าหมายเล็กน้อย", "ต่ำกว่าเป้าหมาย", "ต่ำกว่าเป้าหมายมาก")
    assert sum(html.count(w) for w in words) >= len(s["agencies"])  # status in text, not colour only
    assert 'id="illustrative"' in html  # the example's targets are illustrative
    assert "ข้อมูล ณ วันที่" in html and "31 ตุลาคม 2569" in html
    late = re.search(r'<table class="late" id="late">(.*?)</table>', html, re.S).group(1)
    slips = [int(x) for x in re.findall(r'<td data-label="ล่าช้า" class="num">(-?\d+)</td>', late)]
    assert slips and slips == sorted(slips, reverse=True)  # worst first, as shown
    assert 'href="/reports/disbursement-2570-10.xlsx"' in html
    assert 'src="/reports/charts/province-progress.png"' in html
    en = run_client.get("/province?lang=en").text
    assert "Agencies" in en and "ILLUSTRATIVE" in en


def test_dashboard_without_a_run_says_what_to_do(client):
    r = client.get("/province")
    assert r.status_code == 200 and "procal run" in r.text and 'id="no-data"' in r.text
    assert "procal run" in client.get("/feeds/").text
