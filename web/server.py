"""Running the app: uvicorn on one port, quiet logs, URLs people can open printed first."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from urllib.parse import quote

from web.addresses import display_hosts


class _QuietDisconnects(logging.Filter):
    """A client that closes the connection mid-download is normal (a phone leaving Wi-Fi), not an
    error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return False
        return True


def urls(host: str, port: int, out_dir: Path) -> list[str]:
    from calendar_sync.feeds import list_feeds

    lines = []
    for h in display_hosts(host):
        lines.append(f"http://{h}:{port}/")
    first = display_hosts(host)[0]
    for name in sorted(list_feeds(out_dir)):
        lines.append(f"  webcal://{first}:{port}/feeds/{quote(name)}")
    return lines


def serve(app, *, host: str = "127.0.0.1", port: int = 8080, out_dir: Path,
          announce=print) -> None:
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, date_header=True, lifespan="off",
                            h11_max_incomplete_event_size=16 * 1024, timeout_keep_alive=5)
    server = uvicorn.Server(config)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "procal.web"):
        logging.getLogger(name).addFilter(_QuietDisconnects())
    announce(f"procal web: serving {Path(out_dir).resolve()} (read-only)")
    for line in urls(host, port, Path(out_dir)):
        announce(line)
    sys.stdout.flush()
    server.run()
