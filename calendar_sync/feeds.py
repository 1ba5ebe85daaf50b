"""``procal serve``'s feed files: listing, validators and bodies of the ``.ics`` feeds.

Serves nothing but ``/<name>.ics`` files that exist directly in the feed directory (names are
matched against a directory listing, never joined into a path: no traversal, no listing, no other
files). ETag (content hash) and Last-Modified answer conditional GETs with 304.

The ETag, the gzip body and the feed's display name and event count are computed once per file
*version* (its stat: inode, size, mtime in ns) and cached, so a 304 costs a ``stat`` and a dict
look-up, not a read and a hash of the whole file (a province feed can be 100 MB).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

GZIP_MAX_BYTES = 256 * 1024 * 1024  # larger feeds are sent uncompressed (memory bound)


def _feeds(directory: Path) -> dict[str, Path]:
    out = {}
    try:
        for entry in os.scandir(directory):
            if entry.is_file(follow_symlinks=False) and entry.name.endswith(".ics") \
                    and not entry.name.startswith("."):
                out[entry.name] = Path(entry.path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    return out


def list_feeds(directory: str | Path) -> dict[str, Path]:
    """The ``.ics`` feeds directly in ``directory`` (name → path; no sub-folders, no dot-files,
    no symlinks)."""
    return _feeds(Path(directory))


@dataclass(frozen=True)
class FeedFile:
    """One version of a feed file: its validators and what the feed page shows."""

    path: Path
    stat_key: tuple[int, int, int]
    size: int
    mtime: float
    etag: str  # strong ETag of the identity body
    last_modified: str  # RFC 7231 date
    display_name: str  # X-WR-CALNAME, else the file name without .ics
    events: int  # VEVENT count

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'

    def not_modified(self, if_none_match: str | None, if_modified_since: str | None) -> bool:
        """RFC 7232: If-None-Match wins over If-Modified-Since."""
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or self.etag in tags or self.gzip_etag in tags
        if if_modified_since is not None:
            try:
                return int(self.mtime) <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
        return False


_CACHE: dict[str, FeedFile] = {}
_GZ: dict[str, tuple[tuple[int, int, int], bytes]] = {}
_LOCK = threading.Lock()
_CALNAME = re.compile(rb"^X-WR-CALNAME:(.*(?:\r?\n[ \t].*)*)", re.MULTILINE)


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _unfold_text(raw: bytes) -> str:
    text = re.sub(rb"\r?\n[ \t]", b"", raw).decode("utf-8", "replace").strip()
    return (text.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ")
            .replace("\\N", " ").replace("\\\\", "\\"))


def feed_file(path: str | Path) -> FeedFile:
    """The validators of ``path`` now; read and hashed only when its stat changed. Raises
    ``OSError`` when the file is gone."""
    path = Path(path)
    st = os.stat(path)
    key = _stat_key(st)
    cached = _CACHE.get(str(path))
    if cached is not None and cached.stat_key == key:
        return cached
    digest = hashlib.sha256()
    events = 0
    head = b""
    tail = b""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            if len(head) < 65536:
                head += chunk[:65536]
            both = tail + chunk
            events += both.count(b"BEGIN:VEVENT") - tail.count(b"BEGIN:VEVENT")
            tail = chunk[-16:]
    m = _CALNAME.search(head)
    name = _unfold_text(m.group(1)) if m else path.name.removesuffix(".ics")
    info = FeedFile(path=path, stat_key=key, size=st.st_size, mtime=st.st_mtime,
                    etag='"' + digest.hexdigest()[:32] + '"',
                    last_modified=formatdate(int(st.st_mtime), usegmt=True),
                    display_name=name or path.name.removesuffix(".ics"), events=events)
    with _LOCK:
        _CACHE[str(path)] = info
    return info


def gzip_body(info: FeedFile) -> bytes | None:
    """The gzip-compressed body of this version of the feed (cached), or None when too big."""
    if info.size > GZIP_MAX_BYTES:
        return None
    cached = _GZ.get(str(info.path))
    if cached is not None and cached[0] == info.stat_key:
        return cached[1]
    data = info.path.read_bytes()
    if hashlib.sha256(data).hexdigest()[:32] != info.etag.strip('"'):
        return None  # the file changed under us; send it uncompressed this time
    body = gzip.compress(data, compresslevel=6, mtime=0)
    with _LOCK:
        _GZ[str(info.path)] = (info.stat_key, body)
    return body


def accepts_gzip(accept_encoding: str | None) -> bool:
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


class FeedHandler(BaseHTTPRequestHandler):
    server_version = "procal-feeds"
    sys_version = ""
    directory: Path = Path(".")

    def log_message(self, format: str, *args) -> None:  # quiet; cron-friendly
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client went away mid-download: nothing to report

    def _not_found(self) -> None:
        body = b"not found\n"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
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
            info = feed_file(feed)
        except OSError:
            return self._not_found()
        if info.not_modified(self.headers.get("If-None-Match"),
                             self.headers.get("If-Modified-Since")):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", info.etag)
            self.send_header("Last-Modified", info.last_modified)
            self.end_headers()
            return
        try:
            data = feed.read_bytes()
        except OSError:
            return self._not_found()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", info.etag)
        self.send_header("Last-Modified", info.last_modified)
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

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return
        super().handle_error(request, client_address)


def make_server(directory: str | Path, host: str = "127.0.0.1", port: int = 8080
                ) -> ThreadingHTTPServer:
    """A server for the feeds in ``directory`` (call ``serve_forever()``; port 0 = any free)."""
    handler = type("BoundFeedHandler", (FeedHandler,), {"directory": Path(directory).resolve()})
    return _QuietServer((host, port), handler)
