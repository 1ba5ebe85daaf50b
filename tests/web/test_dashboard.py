"""The province dashboard from the last run's reports/summary.json."""

from __future__ import annotations

import json
import re
import time


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


def _grow(out, late_rows: int, agency: str | None = None) -> dict:
    """The run's summary with ``late_rows`` late milestones (a province-scale run), rewritten in
    place; returns it."""
    p = out / "reports" / "summary.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    base = s["late_milestones"][0]
    rows = []
    for i in range(late_rows):
        m = dict(base, project_id=f"BIG-{i:05d}", slip_working_days=late_rows - i)
        if agency and i % 3 == 0:
            m["agency"] = agency
        rows.append(m)
    s["late_milestones"] = rows
    p.write_text(json.dumps(s, ensure_ascii=False), encoding="utf-8")
    return s


def _late_ids(html: str) -> list[str]:
    table = re.search(r'<table class="late" id="late">(.*?)</table>', html, re.S).group(1)
    return re.findall(r"(BIG-\d{5})", table)


def test_a_long_late_list_shows_the_worst_with_a_count_and_a_link(out_copy, make_client):
    from web.dashboard import LATE_PAGE, LATE_SHOWN

    n = 2 * LATE_PAGE + 17
    _grow(out_copy, n, agency="หน่วยงานทดสอบ")
    c = make_client(out_copy)
    html = c.get("/province").text
    assert _late_ids(html) == [f"BIG-{i:05d}" for i in range(LATE_SHOWN)]  # the worst, in order
    more = re.search(r'id="late-more">(.*?)</p>', html, re.S).group(1)
    assert f"{n:,}" in more and str(LATE_SHOWN) in more and 'href="/province/late"' in more
    assert f"ขั้นตอนล่าช้า {n:,}" in html  # the card counts all of them
    seen = []
    for page in (1, 2, 3):
        r = c.get("/province/late", params={"page": page})
        assert r.status_code == 200
        seen += _late_ids(r.text)
        assert f"หน้า {page} จาก 3" in r.text
    assert seen == [f"BIG-{i:05d}" for i in range(n)]  # every one, worst first, once
    assert 'rel="next" href="/province/late?page=2"' in c.get("/province/late").text
    assert _late_ids(c.get("/province/late?page=99").text)  # past the end: the last page
    one = c.get("/province/late", params={"agency": "หน่วยงานทดสอบ", "lang": "en"}).text
    assert _late_ids(one)[:3] == ["BIG-00000", "BIG-00003", "BIG-00006"]
    k = len(range(0, n, 3))
    assert f"rows 1–{k} of {k}" in one and len(_late_ids(one)) == k


def test_the_late_links_keep_the_token(out_copy, make_client):
    _grow(out_copy, 120)
    c = make_client(out_copy, token="t" * 20)
    html = c.get("/province?token=" + "t" * 20).text
    assert 'href="/province/late?token=' + "t" * 20 + '"' in html
    assert c.get("/province/late").status_code == 200  # the cookie the first visit set


def test_dashboard_is_rendered_once_per_summary_version(out_copy, make_client, monkeypatch):
    import web.app as app_mod
    import web.dashboard as dash

    _grow(out_copy, 300)
    c = make_client(out_copy)
    renders, reads = [], []
    real_render, real_loads = app_mod.render, dash.json.loads
    monkeypatch.setattr(app_mod, "render", lambda *a, **k: renders.append(a[0]) or real_render(*a, **k))
    monkeypatch.setattr(dash.json, "loads", lambda *a, **k: reads.append(1) or real_loads(*a, **k))
    first = c.get("/province")
    for _ in range(5):
        r = c.get("/province")
        assert r.status_code == 200 and r.content == first.content
    assert renders.count("province.html") <= 1 and len(reads) <= 1  # not per request
    for _ in range(3):
        assert c.get("/province/late?page=2").status_code == 200
    assert renders.count("late.html") == 1 and len(reads) <= 1
    etag = first.headers["etag"]
    assert c.get("/province", headers={"if-none-match": etag}).status_code == 304
    gz = c.get("/province", headers={"accept-encoding": "gzip"})
    assert gz.headers.get("content-encoding") == "gzip" and gz.content == first.content
    # a new run: the page follows at once
    time.sleep(0.01)
    p = out_copy / "reports" / "summary.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    s["late_milestones"] = s["late_milestones"][:3]
    s["late_milestones"][0]["project_name"] = "โครงการหลังรันใหม่"
    p.write_text(json.dumps(s, ensure_ascii=False), encoding="utf-8")
    r = c.get("/province", headers={"if-none-match": etag})
    assert r.status_code == 200 and "โครงการหลังรันใหม่" in r.text and r.headers["etag"] != etag
    assert 'id="late-more"' not in r.text


def test_run_summary_carries_the_early_warning(run_out):
    s = json.loads((run_out / "reports" / "summary.json").read_text(encoding="utf-8"))
    fc = s["forecast"]
    projects = fc["projects"]
    assert projects and fc["counts"]["at_risk"] + fc["counts"]["lost"] == len(projects)
    states = [p["state"] for p in projects]
    assert states == sorted(states, key=["at_risk", "lost"].index)  # at risk (still savable) first
    risky = [p for p in projects if p["state"] == "at_risk"]
    assert all(p["action_by"] and p["action_th"] and p["action_en"] for p in risky)
    assert [p["action_by"] for p in risky] == sorted(p["action_by"] for p in risky)  # soonest first
    assert all(p["deadline"] and p["project_id"] and p["agency"] for p in projects)


def test_dashboard_shows_the_projects_at_risk_first_to_act_on(run_client, run_out):
    s = json.loads((run_out / "reports" / "summary.json").read_text(encoding="utf-8"))
    projects = s["forecast"]["projects"]
    html = run_client.get("/province").text
    table = re.search(r'<table class="late risk" id="at-risk">(.*?)</table>', html, re.S).group(1)
    ids = re.findall(r'data-label="โครงการ">(\S+) ', table)
    assert ids == [p["project_id"] for p in projects][:len(ids)] and ids
    first = projects[0]
    assert first["action_th"] in table and "เสี่ยงไม่ทัน" in table
    n = s["forecast"]["counts"]["at_risk"] + s["forecast"]["counts"]["lost"]
    assert f'<p class="big">{n}</p>' in html
    en = run_client.get("/province?lang=en").text
    assert first["action_en"] in en and "at risk" in en


def test_a_summary_without_the_early_warning_still_shows(out_copy, make_client):
    p = out_copy / "reports" / "summary.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    del s["forecast"]  # a summary of an earlier procal version
    p.write_text(json.dumps(s, ensure_ascii=False), encoding="utf-8")
    r = make_client(out_copy).get("/province")
    assert r.status_code == 200 and 'id="at-risk"' not in r.text and 'id="agencies"' in r.text


def test_dashboard_shows_the_agency_scores_chart_the_run_drew(out_copy, make_client):
    chart = out_copy / "reports" / "charts" / "scores-ranking.png"
    assert chart.is_file()  # procal run scores the agencies (docs/scoring.md)
    c = make_client(out_copy)
    html = c.get("/province").text
    sec = re.search(r'<section id="scores">(.*?)</section>', html, re.S).group(1)
    img = re.search(r'<img class="chart" src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"',
                    sec)
    assert img and img.group(1) == "/reports/charts/scores-ranking.png" and "คะแนน" in img.group(2)
    r = c.get(img.group(1))
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert int(img.group(3)) == int.from_bytes(r.content[16:20], "big")
    assert "สรุปคะแนน" in sec
    chart.unlink()  # no scores (e.g. no disbursement tab): no section, at once
    assert 'id="scores"' not in c.get("/province").text


def test_the_late_list_takes_any_query_without_failing(out_copy, make_client):
    _grow(out_copy, 450)
    c = make_client(out_copy)
    for q in ("page=abc", "page=-5", "page=" + "9" * 40, "page=%00", "agency=%3Cscript%3Ex",
              "agency=" + "x" * 5000, "lang=en&page=2"):
        r = c.get("/province/late?" + q)
        assert r.status_code == 200 and "<script>x" not in r.text and "Traceback" not in r.text
    assert _late_ids(c.get("/province/late?page=-5").text)[0] == "BIG-00000"
    assert _late_ids(c.get("/province/late?page=" + "9" * 40).text)[-1] == "BIG-00449"
