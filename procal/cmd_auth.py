"""``procal auth login`` (installed-app OAuth in the browser; token saved with mode 0600) and
``procal auth status`` (which Google credentials procal would use — never prints a secret)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer

auth_app = typer.Typer(help="การเข้าสู่ระบบ Google — Google login for procal (Calendar events + Sheets).", no_args_is_help=True)


def _google_settings(config: Path | None):
    from procal.settings import load_settings

    return load_settings(config)


@auth_app.command("login")
def login_cmd(
        client_secrets: Optional[Path] = typer.Option(
            None, "--client-secrets",
            help="OAuth client JSON ('Desktop app') from Google Cloud Console "
                 "(default: [google] credentials_file)."),
        token_file: Optional[Path] = typer.Option(
            None, "--token-file", help="Where to save the login (default: [google] token_file)."),
        config: Optional[Path] = typer.Option(None, "--config", help="procal.toml (default: ./procal.toml)."),
        read_only_sheets: bool = typer.Option(
            False, "--read-only-sheets", help="Ask only for read access to Sheets (no write-back)."),
        no_browser: bool = typer.Option(False, "--no-browser",
                                        help="Print the login URL instead of opening a browser."),
        port: int = typer.Option(0, "--port", help="Loopback port for Google's redirect (0 = any)."),
        browser: Optional[str] = typer.Option(None, "--browser",
                                              help="Browser to open (a Python webbrowser name)."),
) -> None:
    """เข้าสู่ระบบ Google — Log in with a Google account in the browser and save the token (file mode 0600)."""
    from google_access.credentials import login
    from google_access.errors import AuthError

    full = _google_settings(config)
    g = full.google
    secrets = client_secrets or (Path(g.credentials_file) if g.credentials_file else None)
    if secrets is None:
        raise AuthError("no OAuth client file given",
                        hint="pass --client-secrets client_secret.json (a 'Desktop app' OAuth client)")
    write = not read_only_sheets and bool(getattr(getattr(full, "sheets", None), "write_back", True))
    target = str(token_file or g.token_file)
    login(str(secrets), target, write=write, open_browser=not no_browser, port=port, browser=browser)
    typer.echo(f"Logged in; token saved to {target} (readable only by you).")


@auth_app.command("status")
def status_cmd(
        config: Optional[Path] = typer.Option(None, "--config", help="procal.toml (default: ./procal.toml)."),
        token_file: Optional[Path] = typer.Option(None, "--token-file", help="Token file to inspect."),
        check: bool = typer.Option(False, "--check",
                                   help="Also refresh the login now to prove it still works."),
) -> None:
    """สถานะการเข้าสู่ระบบ — Say which Google credentials procal would use (no secrets are printed)."""
    import dataclasses
    import json

    from google_access import api_root
    from google_access.credentials import credentials_kind, load_credentials

    g = _google_settings(config).google
    if token_file is not None:
        g = dataclasses.replace(g, token_file=str(token_file))
    kind = credentials_kind(g)
    root = api_root()
    if root:
        typer.echo(f"Google API root: {root} (PROCAL_GOOGLE_API_ROOT — an emulator, not Google)")
    if kind == "none":
        typer.echo("Google: no credentials — procal writes .ics files instead of Google Calendar.")
        typer.echo("  Log in with `procal auth login --client-secrets client_secret.json`, or set "
                   "[google] credentials_file to a service-account key.")
        return
    if kind == "service_account":
        info = json.loads(Path(g.credentials_file).read_text(encoding="utf-8"))
        typer.echo(f"Google: service account {info.get('client_email', '?')} "
                   f"(key file {g.credentials_file})")
        if g.subject:
            typer.echo(f"  acting as {g.subject} (domain-wide delegation)")
    else:
        source = g.credentials_file if (g.credentials_file and json.loads(
            Path(g.credentials_file).read_text(encoding="utf-8")).get("type") == "authorized_user") \
            else g.token_file
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        typer.echo(f"Google: user login saved in {source}")
        scopes = data.get("scopes") or []
        if scopes:
            typer.echo("  scopes: " + ", ".join(s.rsplit("/", 1)[-1] for s in scopes))
        expiry = data.get("expiry")
        if expiry:
            try:
                when = datetime.fromisoformat(expiry.replace("Z", "+00:00"))
                if when.tzinfo is None:
                    when = when.replace(tzinfo=timezone.utc)
                state = "valid" if when > datetime.now(timezone.utc) else "expired (refreshed on next use)"
                typer.echo(f"  access token {state} until {when:%Y-%m-%d %H:%M} UTC")
            except ValueError:
                pass
        mode = Path(source).stat().st_mode & 0o777
        if mode & 0o077:
            typer.echo(f"  warning: {source} is readable by others (mode {mode:o}); run chmod 600")
    if check:
        load_credentials(g)
        typer.echo("  check: OK (Google accepted the credentials)")


def register(app: typer.Typer) -> None:
    """Add ``procal auth login|status``."""
    app.add_typer(auth_app, name="auth")
