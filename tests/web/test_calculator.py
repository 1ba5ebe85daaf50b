"""The calculator page and the plan outputs through the ASGI test client: forward, backward,
overrides, below-minimum, optional steps, unknown method, bad dates, every method and tier."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest

from schedule_engine import default_rulebook, today_bangkok

START = "20 ก.ค. 2565"


def _cases():
    """(method code, a budget inside each tier in force today, a start date) for every tier."""
    out = []
    for m in default_rulebook().methods:
        for t in m.tiers_in_force(today_bangkok()):
            amount = t.budget_over + (Decimal(1000) if t.budget_up_to is None
                                      else min(Decimal(1000), (t.budget_up_to - t.budget_over)))
            out.append(pytest.param(m.code, str(amount), id=f"{m.code}-{t.code}"))
    return out


def _text(html: str) -> str:
    import html as _html

    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_empty_page_has_the_form_and_every_method_grouped(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="th">' in html and 'name="budget"' in html and 'name="date"' in html
    for m in default_rulebook().methods:
        assert f'value="{m.code}"' in html and m.name_th in html
    assert "<optgroup" in html and "งานจ้างที่ปรึกษา" in html
    assert "Sarabun" not in html or "/static/app.css" in html  # the font comes from our own css
    css = client.get("/static/app.css").text
    assert "/static/Sarabun-Regular.ttf" in css and "googleapis" not in css
    font = client.get("/static/Sarabun-Regular.ttf")
    assert font.status_code == 200 and font.content[:4] == b"\x00\x01\x00\x00"


def test_forward_plan_shows_every_step_with_be_dates_and_totals(client):
    r = client.get("/", params={"method": "e-bidding", "budget": "3,000,000", "start": START,
                                "name": "ถนนคอนกรีต"})
    assert r.status_code == 200
    t = _text(r.text)
    assert "ถนนคอนกรีต" in t
    assert "ประกวดราคาอิเล็กทรอนิกส์" in t and "> 500,000 – 5,000,000" in t
    assert "20 กรกฎาคม 2565" in t and "9 กันยายน 2565" in t  # start → earliest contract
    assert "34 วันทำการ (51 วันปฏิทิน)" in t
    assert "พ.ร.บ.จัดซื้อจัดจ้างฯ 2560 ม.117" in t  # legal reference column
    assert "ใช้หลักเกณฑ์ที่มีผลตั้งแต่" in t
    assert 'name="d_appeal"' in r.text and 'value="7"' in r.text
    # each date explains itself: the skipped holidays are named
    assert "ข้าม" in t and "วันหยุด" in t


def test_backward_plan_gives_the_latest_start(client):
    r = client.get("/", params={"method": "e-bidding", "budget": "3,000,000",
                                "mode": "contract_by", "date": "30/09/2565"})
    assert r.status_code == 200
    t = _text(r.text)
    assert "วันเริ่มช้าที่สุด" in t and "กำหนดลงนามสัญญา" in t and "30 กันยายน 2565" in t
    api = client.get("/api/plan", params={"method": "e-bidding", "budget": "3000000",
                                          "contract_by": "2022-09-30"}).json()
    assert api["contract_date"] <= "2022-09-30"
    start = date.fromisoformat(api["start"])
    from schedule_engine import format_date
    assert format_date(start, "th", long=True) in t


def test_override_moves_the_dates_and_stays_in_the_link(client):
    base = client.get("/api/plan", params={"method": "e-bidding", "budget": "3000000",
                                           "start": "2022-07-20"}).json()
    r = client.get("/", params={"method": "e-bidding", "budget": "3000000", "start": "2022-07-20",
                                "d_invitation": "12"})
    assert r.status_code == 200
    link = re.search(r'id="permalink" href="([^"]+)"', r.text).group(1)
    assert "days=invitation%3D12" in link
    again = client.get(link.replace("&amp;", "&"))
    assert again.status_code == 200 and 'id="d-invitation" value="12"' in again.text
    moved = client.get("/api/plan", params={"method": "e-bidding", "budget": "3000000",
                                            "start": "2022-07-20", "days": "invitation=12"}).json()
    assert moved["contract_date"] > base["contract_date"]


def test_below_minimum_is_an_inline_thai_error_that_keeps_the_other_values(client):
    r = client.get("/", params={"method": "e-bidding", "budget": "3,000,000", "start": START,
                                "name": "โครงการ ก", "d_appeal": "3", "d_invitation": "9"})
    assert r.status_code == 422
    html = r.text
    err = re.search(r'id="err-appeal">([^<]+)<', html).group(1)
    assert "ระยะเวลาอุทธรณ์" in err and "7" in err and "ม.117" in err and "ขั้นต่ำ" in err
    assert 'id="d-appeal" value="3"' in html  # what the officer typed stays
    assert 'id="d-invitation" value="9"' in html and 'value="โครงการ ก"' in html
    assert 'value="3,000,000"' in html
    en = client.get("/", params={"method": "e-bidding", "budget": "3,000,000", "start": START,
                                 "d_appeal": "3", "lang": "en"})
    assert "below the legal minimum of 7 working days" in en.text


def _optional_case():
    """A method, a budget and an optional step of the rulebook (on 2022-07-20)."""
    on = date(2022, 7, 20)
    for m in default_rulebook().methods:
        for t in m.tiers_in_force(on):
            for r in m.steps_for(t.code, on):
                if r.optional:
                    budget = t.budget_over + 1
                    return m.code, str(budget), r.code
    raise AssertionError("the rulebook has no optional step")


def test_optional_step_switches_on_and_off(client):
    method, budget, code = _optional_case()
    common = {"method": method, "budget": budget, "start": "2022-07-20"}
    on = client.get("/", params={**common, "opt": code, "on": code})
    off = client.get("/", params={**common, "opt": code})
    assert on.status_code == off.status_code == 200
    assert f'id="on-{code}" checked' in on.text
    assert f'id="on-{code}" checked' not in off.text and f'id="on-{code}"' in off.text
    a = client.get("/api/plan", params={**common, "with": code}).json()
    b = client.get("/api/plan", params={**common, "without": code}).json()
    assert code in [s["code"] for s in a["steps"]] and code not in [s["code"] for s in b["steps"]]
    # the page's switched-on plan is the API's
    from schedule_engine import format_date
    last = format_date(date.fromisoformat(a["contract_date"]), "th", long=True)
    assert last in on.text


@pytest.mark.parametrize("budget", ["1,500,000", "1.5 ล้าน", "๑,๕๐๐,๐๐๐", "1500000 บาท"])
def test_budget_forms(client, budget):
    r = client.get("/api/plan", params={"method": "e-bidding", "budget": budget,
                                        "start": "2022-07-20"})
    assert r.status_code == 200 and r.json()["budget"] == "1500000"


@pytest.mark.parametrize("typed", ["2022-07-20", "20/07/2565", "20 ก.ค. 2565", "20 กรกฎาคม 2565",
                                   "๒๐/๐๗/๒๕๖๕", "20 กรกฎาคม พ.ศ. 2565"])
def test_date_forms(client, typed):
    r = client.get("/", params={"method": "specific", "budget": "100000", "date": typed})
    assert r.status_code == 200 and "20 กรกฎาคม 2565" in r.text


def test_date_picker_is_used_when_the_text_is_empty(client):
    r = client.get("/", params={"method": "specific", "budget": "100000", "date": "",
                                "pick": "2022-07-20"})
    assert r.status_code == 200 and "20 กรกฎาคม 2565" in r.text


@pytest.mark.parametrize("params, field, words", [
    ({"method": "no-such-method", "budget": "100000", "start": "2022-07-20"}, "method",
     "ไม่รู้จักวิธี"),
    ({"method": "specific", "budget": "abc", "start": "2022-07-20"}, "budget", "วงเงิน"),
    ({"method": "specific", "budget": "100000", "start": "20/07/65"}, "date", "อ่านวันที่"),
    ({"method": "specific", "budget": "100000", "start": "31/02/2565"}, "date", "อ่านวันที่"),
    ({"method": "specific", "budget": "100000", "start": "banana"}, "date", "อ่านวันที่"),
    ({"method": "e-bidding", "budget": "100", "start": "2022-07-20"}, "budget", "นอกช่วงวงเงิน"),
    ({"method": "specific", "budget": "100000"}, "date", "วันที่"),
])
def test_bad_input_is_a_clear_4xx_never_a_500(client, params, field, words):
    page = client.get("/", params=params)
    assert page.status_code == 422
    assert words in _text(page.text) and "Traceback" not in page.text
    api = client.get("/api/plan", params=params)
    assert api.status_code == 422
    body = api.json()["error"]
    assert body["message_th"] and body["message_en"] and body["status"] == 422
    assert any(p["field"] == field for p in body["problems"])
    for out in ("/plan.pdf", "/plan.ics", "/plan.xlsx", "/print"):
        assert client.get(out, params=params).status_code == 422


@pytest.mark.parametrize("method, budget", _cases())
def test_every_method_and_tier_renders_and_downloads(client, method, budget):
    params = {"method": method, "budget": budget, "start": "2026-11-02"}
    page = client.get("/", params=params)
    assert page.status_code == 200, _text(page.text)[:500]
    plan = client.get("/api/plan", params=params).json()
    from schedule_engine import format_date
    contract = format_date(date.fromisoformat(plan["contract_date"]), "th", long=True)
    assert contract in _text(page.text)
    for step in plan["steps"]:
        assert f'name="d_{step["code"]}"' in page.text
    back = client.get("/", params={"method": method, "budget": budget, "mode": "contract_by",
                                   "date": plan["contract_date"]})
    assert back.status_code == 200 and "วันเริ่มช้าที่สุด" in back.text


def test_print_view_is_a4_with_header_and_signature_lines(client):
    r = client.get("/print", params={"method": "e-bidding", "budget": "3000000", "start": START,
                                     "name": "ซ่อมแซมอาคาร"})
    assert r.status_code == 200
    t = _text(r.text)
    assert "ซ่อมแซมอาคาร" in t and "ผู้จัดทำ" in t and "ผู้อนุมัติ" in t and "9 ก.ย. 2565" in t
    css = client.get("/static/print.css").text
    assert "size: A4" in css


def test_pdf_download_has_the_thai_text(client):
    from pypdf import PdfReader
    import unicodedata

    r = client.get("/plan.pdf", params={"method": "e-bidding", "budget": "3000000",
                                        "start": START, "name": "ก่อสร้างถนนคอนกรีตเสริมเหล็ก"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert "attachment" in r.headers["content-disposition"]
    text = unicodedata.normalize("NFKC", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages))
    flat = re.sub(r"\s+", "", text)
    for want in ("ก่อสร้างถนนคอนกรีตเสริมเหล็ก", "ประกวดราคาอิเล็กทรอนิกส์", "9กันยายน2565",
                 "ระยะเวลาอุทธรณ์", "ผู้จัดทำ", "ผู้อนุมัติ", "ม.117"):
        assert unicodedata.normalize("NFKC", want) in flat, want


def test_ics_download_parses_with_every_step(client):
    import icalendar

    params = {"method": "e-bidding", "budget": "3000000", "start": START, "name": "ถนน"}
    r = client.get("/plan.ics", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = list(cal.walk("VEVENT"))
    plan = client.get("/api/plan", params=params).json()
    assert len(events) == len(plan["steps"])
    days = sorted(e["DTSTART"].dt.isoformat() for e in events)
    assert days == sorted(s["end"] for s in plan["steps"])
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("ระยะเวลาอุทธรณ์" in s and "ถนน" in s for s in summaries)
    assert all(str(e["X-PROCAL-NS"]) == "procal" for e in events)


def test_xlsx_download_has_real_dates_in_be_format(client):
    from openpyxl import load_workbook

    r = client.get("/plan.xlsx", params={"method": "e-bidding", "budget": "3000000",
                                         "start": START})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    dates = [c for row in ws.iter_rows() for c in row if c.is_date]
    assert dates and all("[$-107041E]" in c.number_format for c in dates)
    assert any(c.value.date() == date(2022, 9, 9) for c in dates)
    names = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "ระยะเวลาอุทธรณ์" in names


def test_english_toggle(client):
    r = client.get("/", params={"method": "e-bidding", "budget": "3000000", "start": START,
                                "lang": "en"})
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert "9 Sep 2022" in r.text or "9 September 2022" in r.text
    assert "ภาษาไทย" in r.text  # the way back
