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


# filesystem failures, Thai first: errno name -> (ไทย, English, what to do)
_FS_REASONS = {
    "EEXIST": ("มีไฟล์ขวางอยู่ ต้องเป็นโฟลเดอร์", "a file is in the way where a folder is needed",
               "ลบหรือเปลี่ยนชื่อไฟล์นั้น หรือเลือกที่อื่น"),
    "ENOTDIR": ("มีไฟล์ขวางอยู่ ต้องเป็นโฟลเดอร์", "a file is in the way where a folder is needed",
                "ลบหรือเปลี่ยนชื่อไฟล์นั้น หรือเลือกที่อื่น"),
    "EISDIR": ("เป็นโฟลเดอร์ ต้องเป็นไฟล์", "is a folder, a file is needed", "ระบุชื่อไฟล์"),
    "EACCES": ("ไม่มีสิทธิ์เข้าถึง", "permission denied",
               "ตรวจสิทธิ์ของไฟล์/โฟลเดอร์ หรือปิดไฟล์ใน Excel ก่อน"),
    "EPERM": ("ไม่มีสิทธิ์เข้าถึง", "permission denied",
              "ตรวจสิทธิ์ของไฟล์/โฟลเดอร์ หรือปิดไฟล์ใน Excel ก่อน"),
    "EROFS": ("อยู่บนดิสก์ที่อ่านได้อย่างเดียว", "read-only file system", "เลือกโฟลเดอร์อื่น"),
    "ENOSPC": ("ดิสก์เต็ม", "no space left on the disk", "ลบไฟล์ที่ไม่ใช้แล้วลองใหม่"),
    "ENOENT": ("ไม่พบไฟล์หรือโฟลเดอร์", "no such file or folder", "ตรวจชื่อและที่อยู่"),
    "ENAMETOOLONG": ("ชื่อยาวเกินไป", "file name too long", "ใช้ชื่อที่สั้นลง"),
}


def filesystem_message(exc: OSError) -> str:
    """One line for any OSError: the path it concerns (both for a rename), why, what to do."""
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    th, en, todo = _FS_REASONS.get(name, ("ระบบไฟล์ผิดพลาด", exc.strerror or str(exc),
                                         "ตรวจไฟล์/โฟลเดอร์แล้วลองใหม่"))
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    where = " → ".join(paths)
    return f"{where + ': ' if where else ''}{th} ({en}) — {todo}"
