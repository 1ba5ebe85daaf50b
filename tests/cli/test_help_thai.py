"""Every command's help starts with its Thai name (the rest of --help may stay English)."""

import re

from procal.cli import app

THAI = re.compile(r"^[\u0e00-\u0e7f]")


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def test_every_command_help_begins_in_thai():
    seen = []
    for cmd in app.registered_commands:
        line = _first_line(cmd.help or (cmd.callback.__doc__ if cmd.callback else None))
        seen.append(cmd.name or cmd.callback.__name__)
        assert THAI.match(line), f"{seen[-1]}: {line!r}"
    for group in app.registered_groups:
        line = _first_line(group.typer_instance.info.help)
        assert THAI.match(line), f"{group.name}: {line!r}"
        for cmd in group.typer_instance.registered_commands:
            line = _first_line(cmd.help or cmd.callback.__doc__)
            assert THAI.match(line), f"{group.name} {cmd.name}: {line!r}"
    assert {"plan", "methods", "run"} <= set(seen)
