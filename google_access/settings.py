"""``[google]`` settings of procal.toml."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from schedule_engine.errors import ConfigError


def user_config_dir() -> Path:
    """procal's per-user config directory (``$XDG_CONFIG_HOME/procal``, ``%APPDATA%\\procal``)."""
    if sys.platform == "win32":  # pragma: no cover
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "procal"


def default_token_file() -> str:
    return str(user_config_dir() / "google-token.json")


@dataclass(frozen=True)
class GoogleSettings:
    """How procal reaches Google.

    credentials_file: a service-account key JSON, or an OAuth client-secrets JSON (then the user
        token from ``procal auth login`` is read from ``token_file``); None = only ``token_file``.
    token_file: where ``procal auth login`` stores the user's token (mode 0600).
    subject: user to impersonate with a service account (domain-wide delegation).
    requests_per_minute: pace of Calendar calls per user (Google allows 600/min/user).
    sheets_requests_per_minute: pace of Sheets calls (Google allows 60 reads + 60 writes/min/user).
    max_retries / max_backoff_seconds: bounded exponential backoff on 429/5xx/rate limits.
    """

    credentials_file: str | None = None
    token_file: str = field(default_factory=default_token_file)
    subject: str | None = None
    requests_per_minute: int = 500
    sheets_requests_per_minute: int = 55
    max_retries: int = 6
    max_backoff_seconds: float = 64

    @classmethod
    def from_mapping(cls, data: dict | None, file: str) -> "GoogleSettings":
        """Build from the ``[google]`` table; relative paths are relative to ``file``'s folder."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ConfigError(f"unknown setting (known: {', '.join(sorted(known))})",
                                  file=file, key=f"google.{key}")
        base = Path(file).parent if file else Path(".")
        kw: dict = {}
        for key in ("credentials_file", "token_file", "subject"):
            if key not in data:
                continue
            value = data[key]
            if value is None or value == "":
                if key == "token_file":
                    raise ConfigError("must be a file path", file=file, key=f"google.{key}")
                kw[key] = None
                continue
            if not isinstance(value, str):
                raise ConfigError(f"must be text, got {value!r}", file=file, key=f"google.{key}")
            if key != "subject":
                p = Path(value).expanduser()
                value = str(p if p.is_absolute() else base / p)
            elif "@" not in value:
                raise ConfigError(f"must be an e-mail address, got {value!r}", file=file,
                                  key=f"google.{key}")
            kw[key] = value
        for key, minimum in (("requests_per_minute", 1), ("sheets_requests_per_minute", 1),
                             ("max_retries", 0)):
            if key in data:
                value = data[key]
                if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                    raise ConfigError(f"must be a whole number >= {minimum}, got {value!r}",
                                      file=file, key=f"google.{key}")
                kw[key] = value
        if "max_backoff_seconds" in data:
            value = data["max_backoff_seconds"]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"must be a positive number of seconds, got {value!r}",
                                  file=file, key="google.max_backoff_seconds")
            kw["max_backoff_seconds"] = float(value)
        return cls(**kw)
