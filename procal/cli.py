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
import typer.main

from procal import output as say
from schedule_engine.errors import ProcalError
from schedule_engine.i18n import reset_language, set_language

# click's exception base, found through typer's public BadParameter: typer ≥ 0.2x vendors click
# privately (typer._click), older typer uses click itself; this works with both.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_USAGE_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

EXIT_OK = 0
EXIT_ROW_ERRORS = 1
EXIT_FAILED = 2

app = typer.Typer(
    name="procal",
    help="Thai procurement timelines and budget deadlines on shared calendars.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help texts are plain text: rich markup would eat `[run]`, `[google]` and show flags as <bool>
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _register_all() -> None:
    from procal import cmd_plan, cmd_auth, cmd_sheets, cmd_sync, cmd_run, cmd_score, cmd_web

    for module in (cmd_plan, cmd_auth, cmd_sheets, cmd_sync, cmd_run, cmd_score, cmd_web):
        module.register(app)
    from procal import forecasting

    forecasting.register(app)


def installed_version() -> str:
    """The version of the installed distribution (``procal-th``; the command is ``procal``)."""
    from importlib.metadata import PackageNotFoundError, version as v

    from procal import DISTRIBUTION

    try:
        return v(DISTRIBUTION)
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"procal {installed_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
        lang: Optional[str] = typer.Option(
            None, "--lang", help="th (default) | en: the language of messages, reports and feeds "
                                 "(also PROCAL_LANG, or lang under run in procal.toml)"),
        _version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                      help="Print procal's version and exit."),
        verbose: bool = typer.Option(False, "--verbose", "-v",
                                     help="Log every Google request (method, path, status, time) "
                                          "on stderr; never tokens or data."),
) -> None:
    """Thai procurement timelines and budget deadlines on shared calendars."""
    if lang is not None:
        try:
            set_language(lang)
        except ValueError:
            raise typer.BadParameter(f"{lang!r} is not one of th, en", param_hint="--lang") from None
    if verbose:
        from google_access.requestlog import log_requests_to_stderr

        log_requests_to_stderr()


@app.command()
def version() -> None:
    """รุ่นของโปรแกรม — Print procal's version."""
    typer.echo(f"procal {installed_version()}")


_register_all()


_BOOL_WORDS = {"true", "false", "yes", "no", "on", "off", "1", "0", "y", "n"}
_VERBOSE = ("-v", "--verbose")


def _normalise_argv(argv: list[str]) -> list[str]:
    """``procal run -v`` works like ``procal -v run`` (the root option, wherever it is typed), and
    ``--dry-run true`` is refused instead of reading ``true`` as the source: a switch takes no
    value."""
    head = argv[: argv.index("--")] if "--" in argv else argv
    tail = argv[len(head):]
    verbose = [a for a in head if a in _VERBOSE]
    head = [a for a in head if a not in _VERBOSE]
    root = typer.main.get_command(app)
    takes_value = {o for p in root.params if not getattr(p, "is_flag", False) for o in p.opts}
    sub, skip, lang = None, None, None
    for a in head:  # the sub-command: the first word that is not a root option or its value
        if skip:
            lang = a if skip == "--lang" else lang
            skip = None
        elif a in takes_value:
            skip = a
        elif a.startswith("--lang="):
            lang = a.partition("=")[2]
        elif not a.startswith("-"):
            sub = a
            break
    command = getattr(root, "commands", {}).get(sub) if sub else None
    if command is not None:
        switches = {o for p in command.params if getattr(p, "is_flag", False)
                    for o in (*p.opts, *p.secondary_opts)}
        for word, nxt in zip(head, head[1:], strict=False):
            if word in switches and nxt.lower() in _BOOL_WORDS:
                from schedule_engine.i18n import normalize_language, t

                raise _USAGE_ERROR(
                    t("{option} is a switch and takes no value: write `{option}` alone (or leave "
                      "it out)", normalize_language(lang), option=word),
                    ctx=typer.Context(command, info_name=f"procal {sub}"))
    return verbose[:1] + head + tail


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Every failure is one line on stderr and exit 2:
    a ProcalError (bad input, config, source, Google) or a usage error (unknown option, missing
    argument). Commands end with ``typer.Exit(code)``; that code is the process's exit status."""
    reset_language()  # --lang, PROCAL_LANG or [run] lang decide anew for every invocation
    try:
        argv = _normalise_argv(sys.argv[1:] if argv is None else list(argv))
        code = app(args=argv, prog_name="procal", standalone_mode=False)
    except ProcalError as exc:
        say.error(exc)
        sys.exit(EXIT_FAILED)
    except _CLICK_EXCEPTION as exc:  # usage errors: unknown option, missing argument, bad choice
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())  # `procal` alone shows the help, as it always did
            sys.exit(EXIT_OK)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        say.error(f"{exc.format_message()}{hint}")
        sys.exit(EXIT_FAILED)
    except OSError as exc:  # any filesystem failure: one line naming the path, never a traceback
        say.error(say.filesystem_message(exc))
        sys.exit(EXIT_FAILED)
    except typer.Abort:
        say.error("aborted")
        sys.exit(EXIT_FAILED)
    except Exception as exc:  # the SQLite state file cannot be opened (a folder in its place …)
        if type(exc).__module__ != "sqlite3":
            raise
        say.error(f"state file (SQLite): {exc} — check [sync] out_dir / ledger_file in "
                  "procal.toml, or --out")
        sys.exit(EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
