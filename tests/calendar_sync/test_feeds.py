"""``procal serve``: only the feeds, ETag/Last-Modified with 304, no listing, no traversal."""

from __future__ import annotations

import http.client
import threading
from email.utils import formatdate

import pytest

from calendar_sync.feeds import make_server


@pytest.fixture
def served(tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "province.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (feeds / "ปฏิทินผู้บริหาร.ics").write_bytes(b"BEGIN:VCALENDAR\r\nX-A:1\r\nEND:VCALENDAR\r\n")
    (feeds / "procal-state.sqlite").write_bytes(b"secret ledger")
    (tmp_path / "outside.ics").write_bytes(b"outside")
    sub = feeds / "sub"
    sub.mkdir()
    (sub / "nested.ics").write_bytes(b"nested")
    srv = make_server(feeds, "127.0.0.1", 0)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    t.start()
    yield srv.server_address[1], feeds
    srv.shutdown()
    srv.server_close()


def get(port, path, headers=None, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r, body


def test_serves_a_feed_with_validators(served):
    port, feeds = served
    r, body = get(port, "/province.ics")
    assert r.status == 200 and body.startswith(b"BEGIN:VCALENDAR")
    assert r.getheader("Content-Type").startswith("text/calendar")
    assert r.getheader("ETag") and r.getheader("Last-Modified")
    r2, body2 = get(port, "/province.ics", {"If-None-Match": r.getheader("ETag")})
    assert r2.status == 304 and body2 == b""
    r3, _ = get(port, "/province.ics", {"If-Modified-Since": r.getheader("Last-Modified")})
    assert r3.status == 304
    r4, _ = get(port, "/province.ics", {"If-Modified-Since": formatdate(0, usegmt=True)})
    assert r4.status == 200


def test_changed_feed_gets_a_new_etag(served):
    port, feeds = served
    r, _ = get(port, "/province.ics")
    (feeds / "province.ics").write_bytes(b"BEGIN:VCALENDAR\r\nX-CHANGED:1\r\nEND:VCALENDAR\r\n")
    r2, body = get(port, "/province.ics", {"If-None-Match": r.getheader("ETag")})
    assert r2.status == 200 and b"X-CHANGED" in body


def test_thai_feed_name(served):
    port, _ = served
    r, body = get(port, "/%E0%B8%9B%E0%B8%8F%E0%B8%B4%E0%B8%97%E0%B8%B4%E0%B8%99%E0%B8%9C%E0%B8%B9"
                        "%E0%B9%89%E0%B8%9A%E0%B8%A3%E0%B8%B4%E0%B8%AB%E0%B8%B2%E0%B8%A3.ics")
    assert r.status == 200 and b"X-A:1" in body


@pytest.mark.parametrize("path", [
    "/", "/procal-state.sqlite", "/../outside.ics", "/%2e%2e/outside.ics", "/..%2foutside.ics",
    "/sub/nested.ics", "/sub%2fnested.ics", "//etc/passwd", "/missing.ics", "/province.ics/",
    "/%00province.ics", "/..\\outside.ics", "/.tmp-x.ics",
])
def test_serves_nothing_else(served, path):
    port, _ = served
    r, body = get(port, path)
    assert r.status == 404
    assert b"VCALENDAR" not in body and b"secret" not in body and b"outside" not in body


def test_refuses_writes_and_head_has_no_body(served):
    port, _ = served
    r, _ = get(port, "/province.ics", method="DELETE")
    assert r.status == 405
    r, body = get(port, "/province.ics", method="HEAD")
    assert r.status == 200 and body == b""


def test_binds_loopback_by_default(tmp_path):
    srv = make_server(tmp_path, port=0)
    try:
        assert srv.server_address[0] == "127.0.0.1"
    finally:
        srv.server_close()


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PUT", "PATCH", "POST"])
def test_odd_methods_are_405_not_501(served, method):
    port, _ = served
    r, _ = get(port, "/province.ics", method=method)
    assert r.status == 405 and r.getheader("Allow") == "GET, HEAD"


def test_a_client_leaving_mid_download_prints_no_traceback(served, capsys):
    import socket
    import time

    port, feeds = served
    (feeds / "province.ics").write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 8_000_000
                                         + b"\r\nEND:VCALENDAR\r\n")
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /province.ics HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(100)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    time.sleep(0.5)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err


def test_etag_is_not_recomputed_for_a_304(served, monkeypatch):
    import calendar_sync.feeds as feeds_mod

    port, _ = served
    r, _ = get(port, "/province.ics")
    etag = r.getheader("ETag")
    calls = []
    real = feeds_mod.hashlib.sha256
    monkeypatch.setattr(feeds_mod.hashlib, "sha256", lambda *a: calls.append(1) or real(*a))
    for _ in range(10):
        r, _ = get(port, "/province.ics", {"If-None-Match": etag})
        assert r.status == 304
    assert calls == []
