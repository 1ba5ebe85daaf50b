"""How every procal command talks to people on stderr: one line per message, never wrapped.

cron mails and log files are read line by line, and a process without a terminal makes rich fall
back to 80 columns, so the stderr console soft-wraps (no hard line breaks). Messages quote what
people typed and name TOML sections such as ``[sheets]``; they are escaped so rich never eats them
as markup (or fails on ``[/x]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schedule_engine.i18n import N_, t

if TYPE_CHECKING:
    from rich.console import Console


def stderr_console() -> Console:
    """The console for errors, row errors and notes."""
    from rich.console import Console  # rich loads when there is something to print (not for --help)

    return Console(stderr=True, soft_wrap=True, highlight=False)


def _say(console: Console | None, label: str, message: object) -> None:
    from rich.markup import escape

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


# filesystem failures: errno name -> (why, what to do); message ids for the catalogue
_IN_THE_WAY = N_("a file is in the way where a folder is needed")
_MOVE_IT = N_("remove or rename that file, or choose another place")
_DENIED = N_("permission denied")
_CHECK_RIGHTS = N_("check the file/folder permissions, or close the file in Excel first")
_FS_REASONS = {
    "EEXIST": (_IN_THE_WAY, _MOVE_IT),
    "ENOTDIR": (_IN_THE_WAY, _MOVE_IT),
    "EISDIR": (N_("is a folder, a file is needed"), N_("give a file name")),
    "EACCES": (_DENIED, _CHECK_RIGHTS),
    "EPERM": (_DENIED, _CHECK_RIGHTS),
    "EROFS": (N_("read-only file system"), N_("choose another folder")),
    "ENOSPC": (N_("no space left on the disk"), N_("delete files no longer needed and try again")),
    "ENOENT": (N_("no such file or folder"), N_("check the name and the path")),
    "ENAMETOOLONG": (N_("file name too long"), N_("use a shorter name")),
}


def filesystem_message(exc: OSError) -> str:
    """One line for any OSError: the path it concerns (both for a rename), why, what to do."""
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    if name in _FS_REASONS:
        why, todo = (t(m) for m in _FS_REASONS[name])
    else:
        why = t(N_("file system error ({detail})"), detail=exc.strerror or str(exc))
        todo = t(N_("check the file or folder and try again"))
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    where = " → ".join(paths)
    return f"{where + ': ' if where else ''}{why} — {todo}"
