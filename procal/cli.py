"""The ``procal`` command: a thin typer app. Each sub-command lives in its own ``cmd_*`` module
with a ``register(app)`` function; the use cases live in the packages, not here (khal style).

Exit codes (documented in the README):
    0  success
    1  finished, but some rows had errors (they were reported and held)
    2  failed: nothing (more) was written; one clear line on stderr says why
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from procal import output as say
from schedule_engine.errors import ProcalError
from schedule_engine.i18n import set_language

# click's exception base, found through typer's public BadParameter: typer ≥ 0.2x vendors click
# privately (typer._click), older typer uses click itself; this works with both.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

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

err_console = say.stderr_console()


def _register_all() -> None:
    from procal import cmd_plan, cmd_auth, cmd_sheets, cmd_sync, cmd_run

    for module in (cmd_plan, cmd_auth, cmd_sheets, cmd_sync, cmd_run):
        module.register(app)
    from procal import forecasting

    forecasting.register(app)


@app.callback()
def _root(
        lang: Optional[str] = typer.Option(
            None, "--lang", help="th (default) | en: the language of messages, reports and feeds "
                                 "(also PROCAL_LANG or [run] lang in procal.toml)"),
) -> None:
    """Thai procurement timelines and budget deadlines on shared calendars."""
    if lang is not None:
        try:
            set_language(lang)
        except ValueError:
            raise typer.BadParameter(f"{lang!r} is not one of th, en", param_hint="--lang") from None


@app.command()
def version() -> None:
    """Print procal's version."""
    from importlib.metadata import version as v

    typer.echo(v("procal"))


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Every failure is one line on stderr and exit 2:
    a ProcalError (bad input, config, source, Google) or a usage error (unknown option, missing
    argument). Commands end with ``typer.Exit(code)``; that code is the process's exit status."""
    try:
        code = app(args=argv, prog_name="procal", standalone_mode=False)
    except ProcalError as exc:
        say.error(exc, err_console)
        sys.exit(EXIT_FAILED)
    except _CLICK_EXCEPTION as exc:  # usage errors: unknown option, missing argument, bad choice
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())  # `procal` alone shows the help, as it always did
            sys.exit(EXIT_OK)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        say.error(f"{exc.format_message()}{hint}", err_console)
        sys.exit(EXIT_FAILED)
    except OSError as exc:  # any filesystem failure: one line naming the path, never a traceback
        say.error(say.filesystem_message(exc), err_console)
        sys.exit(EXIT_FAILED)
    except typer.Abort:
        say.error("aborted", err_console)
        sys.exit(EXIT_FAILED)
    except Exception as exc:  # the SQLite state file cannot be opened (a folder in its place …)
        if type(exc).__module__ != "sqlite3":
            raise
        say.error(f"state file (SQLite): {exc} — check [sync] out_dir / ledger_file in "
                  "procal.toml, or --out", err_console)
        sys.exit(EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
