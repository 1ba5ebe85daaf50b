"""The addresses other machines can reach this one on (for URLs printed when binding 0.0.0.0)."""

from __future__ import annotations

import socket
from functools import lru_cache


@lru_cache(maxsize=1)
def reachable_addresses() -> tuple[str, ...]:
    """This machine's non-loopback IPv4 addresses (the default route's first), else 127.0.0.1.
    Uses no network traffic: a UDP socket's ``connect`` only picks the outgoing interface."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never sent, only routed
            found.append(s.getsockname()[0])
    except Exception:  # no route (offline machine), or a sandbox that forbids it
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    out = [a for a in dict.fromkeys(found) if not a.startswith("127.") and a != "0.0.0.0"]
    return tuple(out) or ("127.0.0.1",)


def display_hosts(bind_host: str) -> tuple[str, ...]:
    """Hosts to print in URLs for a server bound to ``bind_host``."""
    if bind_host in ("0.0.0.0", "", "::", "[::]"):
        return (*reachable_addresses(), "127.0.0.1") if reachable_addresses() != ("127.0.0.1",) \
            else ("127.0.0.1",)
    return (bind_host if ":" not in bind_host else f"[{bind_host}]",)
