"""The ``procal`` command: a thin typer app. Each sub-command lives in its own ``cmd_*`` module
with a ``register(app)`` function; the use cases live in the packages, not here (khal style).

Exit codes (documented in the README):
    0  success
    1  finished, but some rows had errors (they were reported and held)
    2  failed: nothing (more) was written; one clear line on stderr says why
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from schedule_engine.errors import ProcalError

EXIT_OK = 0
EXIT_ROW_ERRORS = 1
EXIT_FAILED = 2

app = typer.Typer(
    name="procal",
    help="Thai procurement timelines and budget deadlines on shared calendars.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, soft_wrap=True)


def _register_all() -> None:
    from procal import cmd_plan, cmd_auth, cmd_sheets, cmd_sync, cmd_run

    for module in (cmd_plan, cmd_auth, cmd_sheets, cmd_sync, cmd_run):
        module.register(app)


@app.callback()
def _root() -> None:
    """Thai procurement timelines and budget deadlines on shared calendars."""


@app.command()
def version() -> None:
    """Print procal's version."""
    from importlib.metadata import version as v

    typer.echo(v("procal"))


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: one clear line and exit 2 on any ProcalError."""
    try:
        app(args=argv, standalone_mode=True)
    except ProcalError as exc:
        # escape: messages quote what people typed and name TOML sections ("[sheets]"), which
        # rich would otherwise eat as markup or fail on ("[/x]" raises MarkupError)
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":  # pragma: no cover
    main()
