"""`procal web` and `procal serve` as real processes: URLs people can open (never 0.0.0.0), a
client that disconnects mid-download logs nothing alarming, OPTIONS/TRACE are 405."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], cwd: Path) -> tuple[subprocess.Popen, int, list[str]]:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "procal", *args, "--port", str(port)],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    lines: list[str] = []
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read()) from None
            time.sleep(0.1)
    return proc, port, lines


def _stop(proc: subprocess.Popen) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out, err


@pytest.fixture
def big_out(tmp_path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    ev = "".join(f"BEGIN:VEVENT\r\nUID:{i}@x\r\nSUMMARY:ประชุม {i}\r\nEND:VEVENT\r\n"
                 for i in range(120_000))
    (out / "province.ics").write_text("BEGIN:VCALENDAR\r\nX-WR-CALNAME:ปฏิทินจังหวัด\r\n" + ev
                                      + "END:VCALENDAR\r\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("command", [["serve", "--dir"], ["web", "--out"]])
def test_server_process_disconnects_options_and_urls(big_out, tmp_path, command):
    proc, port, _ = _start([*command, str(big_out), "--host", "0.0.0.0"], tmp_path)
    try:
        for method in ("OPTIONS", "TRACE"):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request(method, "/province.ics")
            r = c.getresponse()
            r.read()
            assert r.status == 405, method
            c.close()
        # a phone that goes away mid-download, several times
        for _ in range(5):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /province.ics HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(1024)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        time.sleep(0.5)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        c.request("GET", "/feeds/")
        r = c.getresponse()
        page = r.read().decode()
        assert r.status == 200 and "ปฏิทินจังหวัด" in page and "0.0.0.0" not in page
        c.close()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        for _ in range(20):  # requests cost no log line: nothing per request
            c.request("GET", "/api/plan?method=specific&budget=450000&start=2022-07-20")
            r = c.getresponse()
            r.read()
            assert r.status == 200
        c.close()
    finally:
        out, err = _stop(proc)
    assert "/api/plan" not in out + err, (out, err)  # no access log on either stream
    assert "0.0.0.0" not in out, out
    assert "webcal://" in out and "province.ics" in out
    for alarming in ("Traceback", "BrokenPipe", "ConnectionReset", "Exception", "ERROR"):
        assert alarming not in err, err


def test_web_refuses_a_missing_out_folder(tmp_path):
    r = subprocess.run([sys.executable, "-m", "procal", "web", "--out", str(tmp_path / "nope")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "procal run" in r.stderr
    assert "Traceback" not in r.stderr


def test_help_lists_the_options():
    r = subprocess.run([sys.executable, "-m", "procal", "web", "--help"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and "--host" in r.stdout and "--port" in r.stdout and "--out" in r.stdout
