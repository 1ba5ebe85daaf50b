"""Security middleware: methods, size limits, headers, the optional shared token, quiet errors.

Pure ASGI (no per-request task switching), so it costs microseconds per request.
"""

from __future__ import annotations

import hmac
import logging
from http import cookies
from urllib.parse import parse_qs

MAX_BODY = 64 * 1024  # bytes of a request body (only POST /api/plan has one)
MAX_QUERY = 8 * 1024  # bytes of a query string
MAX_PATH = 2 * 1024

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")

SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

# paths that show the out folder's data: guarded by the token when one is configured
PROTECTED_PREFIXES = ("/province", "/reports/", "/feeds")
TOKEN_COOKIE = "procal_token"

log = logging.getLogger("procal.web")


def _plain(status: int, text_th: str, text_en: str, extra: list | None = None,
           json: bool = False) -> tuple[int, list, bytes]:
    if json:
        import json as _json

        body = _json.dumps({"error": {"status": status, "message_th": text_th,
                                      "message_en": text_en}}, ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        body = (f"<!doctype html><html lang=th><meta charset=utf-8><title>{status}</title>"
                f"<h1>{status}</h1><p>{text_th}</p><p lang=en>{text_en}</p>"
                f"<p><a href=\"/\">procal</a></p></html>").encode()
        ctype = b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
               *(extra or [])]
    return status, headers, body


def _is_protected(path: str) -> bool:
    return path.startswith(PROTECTED_PREFIXES) or path.endswith(".ics") and "/" not in path[1:]


def _token_ok(scope, token: str) -> tuple[bool, bool]:
    """(authorised, came from the query string)."""
    given: list[str] = []
    for k, v in scope.get("headers", []):
        if k == b"authorization" and v[:7].lower() == b"bearer ":
            given.append(v[7:].decode("latin-1").strip())
        elif k == b"cookie":
            try:
                c = cookies.SimpleCookie(v.decode("latin-1"))
            except cookies.CookieError:
                continue
            if TOKEN_COOKIE in c:
                given.append(c[TOKEN_COOKIE].value)
    q = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    from_query = q.get("token", [])
    for cand in given:
        if hmac.compare_digest(cand.encode(), token.encode()):
            return True, False
    for cand in from_query:
        if hmac.compare_digest(cand.encode(), token.encode()):
            return True, True
    return False, False


class SecurityMiddleware:
    """Refuses what the app never does (write methods, huge requests), adds the security headers
    to every response, checks the token, and turns a client that went away into silence."""

    def __init__(self, app, *, token: str | None = None):
        self.app = app
        self.token = token or None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        path = scope.get("path", "")
        raw_path = scope.get("raw_path") or path.encode()
        is_api = path.startswith("/api/")
        refuse = None
        if method not in ("GET", "HEAD", "POST"):
            refuse = _plain(405, "ใช้ได้เฉพาะการอ่าน (GET)", "method not allowed: this server is "
                            "read-only", [(b"allow", b"GET, HEAD")], json=is_api)
        elif method == "POST" and path != "/api/plan":
            refuse = _plain(405, "ใช้ได้เฉพาะการอ่าน (GET)", "method not allowed: this server is "
                            "read-only", [(b"allow", b"GET, HEAD")], json=is_api)
        elif len(scope.get("query_string", b"")) > MAX_QUERY or len(raw_path) > MAX_PATH:
            refuse = _plain(414, "ลิงก์ยาวเกินไป", "URI too long", json=is_api)
        else:
            for k, v in scope.get("headers", []):
                if k == b"content-length":
                    try:
                        n = int(v)
                    except ValueError:
                        n = MAX_BODY + 1
                    if n > MAX_BODY:
                        refuse = _plain(413, "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป",
                                        f"request body larger than {MAX_BODY} bytes", json=is_api)
        set_cookie = None
        if refuse is None and self.token and _is_protected(path):
            ok, from_query = _token_ok(scope, self.token)
            if not ok:
                refuse = _plain(401, "หน้านี้ต้องใช้รหัสเข้าถึง (token) — เปิดลิงก์ที่มี ?token=… "
                                "จากผู้ดูแลระบบ", "this page needs the access token: open the "
                                "link with ?token=… from the administrator",
                                [(b"www-authenticate", b'Bearer realm="procal"')])
            elif from_query and not path.endswith(".ics"):
                set_cookie = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; "
                              "SameSite=Strict").encode("latin-1")
        if refuse is not None:
            status, headers, body = refuse
            await send({"type": "http.response.start", "status": status,
                        "headers": headers + SECURITY_HEADERS})
            await send({"type": "http.response.body",
                        "body": b"" if method == "HEAD" else body})
            return

        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise _BodyTooLarge()
            return message

        started = False
        disconnected = False

        async def send_with_headers(message):
            nonlocal started, disconnected
            if disconnected:
                return
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {k for k, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                if set_cookie:
                    headers.append((b"set-cookie", set_cookie))
                message = {**message, "headers": headers}
            try:
                await send(message)
            except OSError:  # the client closed the connection mid-download
                disconnected = True

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if not started:
                status, headers, body = _plain(413, "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป",
                                               f"request body larger than {MAX_BODY} bytes",
                                               json=is_api)
                await send({"type": "http.response.start", "status": status,
                            "headers": headers + SECURITY_HEADERS})
                await send({"type": "http.response.body", "body": body})
        except OSError:
            pass  # client gone
        except Exception:  # never a traceback to the client; one line in the log
            log.exception("error while serving %s %s", method, path)
            if not started:
                status, headers, body = _plain(500, "เกิดข้อผิดพลาดภายในระบบ",
                                               "internal error", json=is_api)
                await send({"type": "http.response.start", "status": status,
                            "headers": headers + SECURITY_HEADERS})
                await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass
