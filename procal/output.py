"""How every procal command talks to people on stderr: one line per message, never wrapped.

cron mails and log files are read line by line, and a process without a terminal makes rich fall
back to 80 columns, so the stderr console soft-wraps (no hard line breaks). Messages quote what
people typed and name TOML sections such as ``[sheets]``; they are escaped so rich never eats them
as markup (or fails on ``[/x]``).
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape


def stderr_console() -> Console:
    """The console for errors, row errors and notes."""
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _say(console: Console | None, label: str, message: object) -> None:
    (console or stderr_console()).print(f"{label} {escape(str(message))}", highlight=False)


def error(message: object, console: Console | None = None) -> None:
    """``error: …`` — the run (or this part of it) failed."""
    _say(console, "[bold red]error:[/]", message)


def row_error(message: object, console: Console | None = None) -> None:
    """``row error: …`` — one input row was left out (held); the rest goes on."""
    _say(console, "[yellow]row error:[/]", message)


def note(message: object, console: Console | None = None) -> None:
    """``note: …`` — something the user should know; not a problem."""
    _say(console, "[cyan]note:[/]", message)
