"""``procal web`` — the calculator, plan outputs, JSON API, province dashboard and phone feeds
in a browser — and ``procal serve``, its alias kept for the feed URLs people already use.

    procal web                                   # http://127.0.0.1:8080/ (this machine only)
    procal web --host 0.0.0.0 --port 8080 --out /srv/procal/out
    procal serve --dir procal-out                # the same server
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from procal import output as say


def run_web(out: Path, host: str, port: int, config: Path | None) -> None:
    from procal.cli import EXIT_FAILED
    from procal.settings import load_settings, with_overrides

    settings = load_settings(config)
    if out is not None:
        settings = with_overrides(settings, out_dir=out)
    out_dir = Path(settings.sync.out_dir)
    if not out_dir.is_dir():
        say.error(f"{out_dir}: no such folder — run `procal run` first (it writes the feeds and "
                  "reports there), or pass --out with the folder `procal run` wrote")
        raise typer.Exit(EXIT_FAILED)
    from web import create_app
    from web.server import serve

    token = getattr(getattr(settings, "web", None), "token", None)
    app = create_app(out_dir, reports_dir=settings.reports_dir, token=token)
    try:
        serve(app, host=host, port=port, out_dir=out_dir)
    except OSError as exc:  # port in use, address not on this machine
        say.error(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    @app.command()
    def web(
        host: str = typer.Option("127.0.0.1", "--host",
                                 help="Address to bind (default: this machine only)."),
        port: int = typer.Option(8080, "--port"),
        out: Optional[Path] = typer.Option(None, "--out",
                                           help="The folder `procal run` wrote (default procal-out)."),
        config: Optional[Path] = typer.Option(None, "--config", "-c",
                                              help="procal.toml (default: ./procal.toml if present)."),
    ) -> None:
        """หน้าเว็บ procal — Open the calculator, dashboard and feeds in a browser (read-only web server)."""
        run_web(out, host, port, config)
