"""``procal serve``: publish the ``.ics`` feeds over HTTP for phones to subscribe (webcal).

Serves nothing but ``/<name>.ics`` files that exist directly in the feed directory (names are
matched against a directory listing, never joined into a path: no traversal, no listing, no other
files). ETag (content hash) and Last-Modified answer conditional GETs with 304.
"""

from __future__ import annotations

import hashlib
import os
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


def _feeds(directory: Path) -> dict[str, Path]:
    out = {}
    try:
        for entry in os.scandir(directory):
            if entry.is_file(follow_symlinks=False) and entry.name.endswith(".ics") \
                    and not entry.name.startswith("."):
                out[entry.name] = Path(entry.path)
    except FileNotFoundError:
        pass
    return out


class FeedHandler(BaseHTTPRequestHandler):
    server_version = "procal-feeds"
    sys_version = ""
    directory: Path = Path(".")

    def log_message(self, format: str, *args) -> None:  # quiet; cron-friendly
        pass

    def _not_found(self) -> None:
        body = b"not found\n"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        raw = urlsplit(self.path).path
        name = unquote(raw)
        if not name.startswith("/") or "/" in name[1:] or "\\" in name or "\x00" in name:
            return self._not_found()
        feed = _feeds(self.directory).get(name[1:])
        if feed is None:
            return self._not_found()
        try:
            data = feed.read_bytes()
            mtime = feed.stat().st_mtime
        except OSError:
            return self._not_found()
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        last_modified = formatdate(int(mtime), usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            try:
                not_modified = int(mtime) <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "max-age=300")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _refuse(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse


def make_server(directory: str | Path, host: str = "127.0.0.1", port: int = 8080
                ) -> ThreadingHTTPServer:
    """A server for the feeds in ``directory`` (call ``serve_forever()``; port 0 = any free)."""
    handler = type("BoundFeedHandler", (FeedHandler,), {"directory": Path(directory).resolve()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
