"""Read-only, nothing outside the out folder, traversal refused in every encoding, security
headers, size limits, the token, feeds with ETag/304/gzip, URLs from the Host header."""

from __future__ import annotations

import gzip
import os
import time

import pytest


@pytest.fixture
def sealed(out_copy, tmp_path):
    """An out folder with things that must never be served around it."""
    (tmp_path / "secret.ics").write_bytes(b"BEGIN:VCALENDAR\r\nX-SECRET:1\r\nEND:VCALENDAR\r\n")
    (out_copy / "credentials.json").write_text('{"private_key": "SECRET"}')
    (out_copy / ".hidden.ics").write_text("BEGIN:VCALENDAR\r\nX-SECRET:2\r\nEND:VCALENDAR\r\n")
    sub = out_copy / "sub"
    sub.mkdir()
    (sub / "nested.ics").write_text("BEGIN:VCALENDAR\r\nX-SECRET:3\r\nEND:VCALENDAR\r\n")
    os.symlink(tmp_path / "secret.ics", out_copy / "link.ics")
    return out_copy


TRAVERSALS = [
    "/procal-state.sqlite", "/plans.xlsx", "/credentials.json", "/feeds/procal-state.sqlite",
    "/feeds/plans.xlsx", "/reports/../procal-state.sqlite", "/reports/..%2fprocal-state.sqlite",
    "/reports/%2e%2e/plans.xlsx", "/reports/%252e%252e/plans.xlsx", "/../secret.ics",
    "/%2e%2e/secret.ics", "/..%2fsecret.ics", "/..%5csecret.ics", "/feeds/..%2f..%2fsecret.ics",
    "/feeds/%2e%2e%2fsecret.ics", "/%c0%ae%c0%ae/secret.ics", "/sub/nested.ics",
    "/sub%2fnested.ics", "/feeds/sub/nested.ics", "/.hidden.ics", "/feeds/.hidden.ics",
    "/link.ics", "/feeds/link.ics", "/static/../app.py", "/static/%2e%2e%2fapp.py",
    "/static/..%2f..%2fprocal%2fsettings.py", "/reports/summary.json", "//etc/passwd",
    "/static//etc/passwd", "/reports//etc/passwd", "/province.ics%00.png",
    "/reports/charts/../../plans.xlsx", "/reports/charts/..%2f..%2fplans.xlsx",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_serves_nothing_outside_the_allowed_files(make_client, sealed, path):
    c = make_client(sealed)
    r = c.get(path)
    assert r.status_code in (404, 400, 308), (path, r.status_code)
    body = r.content
    for secret in (b"SECRET", b"X-SECRET", b"SQLite format", b"PK\x03\x04", b"import "):
        assert secret not in body, path


def test_allowed_files_are_served(run_client):
    for path in ("/province.ics", "/feeds/province.ics", "/reports/disbursement-2570-10.xlsx",
                 "/reports/charts/province-progress.png", "/static/app.js"):
        r = run_client.get(path)
        assert r.status_code == 200, path


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PUT", "DELETE", "PATCH", "PROPFIND"])
def test_write_and_odd_methods_are_405(client, method):
    for path in ("/", "/api/plan", "/feeds/province.ics", "/nowhere"):
        r = client.request(method, path)
        assert r.status_code == 405 and "GET" in r.headers["allow"]


def test_post_only_on_the_api(client):
    assert client.post("/", data={"method": "x"}).status_code == 405
    assert client.post("/province").status_code == 405


def test_security_headers_everywhere(client):
    for path in ("/", "/api/methods", "/static/app.css", "/nowhere", "/api/plan"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"


def test_no_inline_script_or_style_in_pages(run_client):
    import re

    for path in ("/", "/?method=e-bidding&budget=3000000&start=2022-07-20", "/province",
                 "/feeds/", "/api/docs", "/print?method=specific&budget=1000&start=2022-07-20"):
        html = run_client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert " on" + "click=" not in html and "javascript:" not in html


def test_size_limits(client):
    r = client.get("/?method=" + "a" * 9000)
    assert r.status_code == 414
    r = client.post("/api/plan", content=b"{" + b" " * 70000 + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["message_th"]
    r = client.get("/?method=e-bidding&budget=" + "9" * 300 + "&start=2022-07-20")
    assert r.status_code == 422


@pytest.mark.parametrize("query", [
    "method=%ff%fe&budget=1&start=x", "budget=%00&method=e-bidding&start=2022-07-20",
    "days=%E0%B8&method=e-bidding&budget=3000000&start=2022-07-20", "start=9999-99-99&method=specific&budget=1",
    "method=e-bidding&budget=1e400&start=2022-07-20", "method=e-bidding&budget=NaN&start=2022-07-20",
    "method=e-bidding&budget=3000000&start=2022-07-20&d_appeal=99999999999999999999",
    "method=e-bidding&budget=3000000&start=2022-07-20&d_appeal=-1",
    "method=e-bidding&budget=3000000&start=1900-01-01", "method=e-bidding&budget=3000000&start=2099-01-01",
    "lang=xx&method[]=1", "opt=appeal&on=appeal&method=e-bidding&budget=3000000&start=2022-07-20",
])
def test_garbage_is_4xx_or_a_page_never_500(client, query):
    for path in ("/", "/api/plan", "/plan.pdf", "/print"):
        r = client.get(path + "?" + query)
        assert r.status_code < 500, (path, query, r.status_code)
        assert "Traceback" not in r.text


def test_feed_validators_304_and_gzip(run_client, run_out):
    r = run_client.get("/feeds/province.ics", headers={"accept-encoding": "identity"})
    assert r.status_code == 200 and r.content.startswith(b"BEGIN:VCALENDAR")
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert r.headers["content-type"].startswith("text/calendar")
    assert run_client.get("/feeds/province.ics", headers={"if-none-match": etag}).status_code == 304
    assert run_client.get("/feeds/province.ics",
                          headers={"if-modified-since": lm}).status_code == 304
    gz = run_client.get("/feeds/province.ics", headers={"accept-encoding": "gzip"})
    assert gz.status_code == 200 and gz.headers.get("content-encoding") == "gzip"
    assert gz.headers["etag"] != etag and "accept-encoding" in gz.headers["vary"].lower()
    assert gz.content == r.content  # the client decodes it: the same feed
    assert run_client.get("/feeds/province.ics", headers={
        "if-none-match": gz.headers["etag"], "accept-encoding": "gzip"}).status_code == 304
    raw = (run_out / "province.ics").read_bytes()
    assert gzip.decompress(gzip.compress(raw)) == r.content
    head = run_client.head("/province.ics")
    assert head.status_code == 200 and head.content == b""


def test_etag_is_cached_per_file_version(out_copy, make_client, monkeypatch):
    import calendar_sync.feeds as feeds

    c = make_client(out_copy)
    first = c.get("/feeds/province.ics").headers["etag"]
    reads = []
    real = feeds.hashlib.sha256
    monkeypatch.setattr(feeds.hashlib, "sha256", lambda *a: reads.append(1) or real(*a))
    for _ in range(20):
        assert c.get("/feeds/province.ics", headers={"if-none-match": first}).status_code == 304
    assert reads == []  # no read, no hash for a 304
    time.sleep(0.01)
    p = out_copy / "province.ics"
    p.write_bytes(p.read_bytes().replace(b"END:VCALENDAR", b"X-CHANGED:1\r\nEND:VCALENDAR"))
    r = c.get("/feeds/province.ics", headers={"if-none-match": first})
    assert r.status_code == 200 and b"X-CHANGED" in r.content and r.headers["etag"] != first


def test_a_conditional_get_does_not_read_the_feed(out_copy, make_client, monkeypatch):
    """A 304 is answered from the file's stat alone: content replaced in place with the same size
    and modification time (the same version to a stat) still gets the old validators, and no
    file is opened."""
    import builtins
    import io

    c = make_client(out_copy)
    p = out_copy / "province.ics"
    etag = c.get("/feeds/province.ics").headers["etag"]
    st = p.stat()
    raw = p.read_bytes()
    with open(p, "r+b") as fh:  # same inode, same size
        fh.write(raw.replace(b"BEGIN:VCALENDAR", b"BEGIN:VCALENDAX", 1))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert p.stat().st_mtime_ns == st.st_mtime_ns and p.read_bytes() != raw
    opened = []
    real_open, real_io_open = builtins.open, io.open
    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: opened.append(f) or real_open(f, *a, **k))
    monkeypatch.setattr(io, "open", lambda f, *a, **k: opened.append(f) or real_io_open(f, *a, **k))
    for path in ("/feeds/province.ics", "/province.ics"):
        r = c.get(path, headers={"if-none-match": etag})
        assert r.status_code == 304 and r.headers["etag"] == etag
    assert not [f for f in opened if str(f).endswith(".ics")]


def test_feed_page_urls_come_from_the_host_header(run_client, run_out):
    r = run_client.get("/feeds/", headers={"host": "treasury.example.go.th:8080"})
    assert r.status_code == 200
    html = r.text
    assert "webcal://treasury.example.go.th:8080/feeds/province.ics" in html
    assert "http://treasury.example.go.th:8080/feeds/province.ics" in html
    assert "0.0.0.0" not in html
    feeds = list(run_out.glob("*.ics"))
    assert feeds and html.count("<svg") >= len(feeds)  # a QR code per feed, drawn here
    assert "iPhone" in html and "Android" in html and "Google Calendar" in html
    r = run_client.get("/feeds/", headers={"host": "0.0.0.0:8080"})
    assert "0.0.0.0" not in r.text and "webcal://" in r.text
    r = run_client.get("/feeds/", headers={"host": "evil\"><script>x"})
    assert "<script>x" not in r.text


def test_feed_page_shows_thai_display_names_and_counts(run_client, run_out):
    import icalendar

    html = run_client.get("/feeds/").text
    for name in ("province.ics", "executives.ics"):
        cal = icalendar.Calendar.from_ical((run_out / name).read_bytes())
        title = str(cal.get("X-WR-CALNAME"))
        assert title in html
        assert f"{len(list(cal.walk('VEVENT')))} รายการ" in html


def test_token_protects_the_out_folder_pages(out_copy, make_client):
    token = "s3cret-token-0123456789"
    c = make_client(out_copy, token=token)
    for path in ("/province", "/feeds/", "/feeds/province.ics", "/province.ics",
                 "/reports/disbursement-2570-10.xlsx"):
        assert c.get(path).status_code == 401, path
        assert c.get(path + "?token=wrong").status_code == 401
        assert c.get(path, headers={"authorization": f"Bearer {token}"}).status_code == 200
    assert c.get("/").status_code == 200  # the calculator stays open
    r = c.get("/province?token=" + token)
    assert r.status_code == 200 and "procal_token" in r.headers.get("set-cookie", "")
    assert "HttpOnly" in r.headers["set-cookie"]
    feeds = c.get("/feeds/?token=" + token).text
    assert f"/feeds/province.ics?token={token}" in feeds  # phones subscribe with the token
    assert c.get(f"/feeds/province.ics?token={token}").status_code == 200
