"""`procal init` writes every key of every section with its default and a one-line comment,
generated from the settings classes (so it cannot drift): loading the file gives the defaults."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pytest
from typer.testing import CliRunner

from procal.cli import app
from procal.init_template import _sections, comment_for
from procal.settings import from_mapping, load_settings


@pytest.fixture
def written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["init"])
    assert res.exit_code == 0, res.output
    return tmp_path / "procal.toml"


def test_the_written_file_loads_as_exactly_the_defaults(written):
    loaded, defaults = load_settings(written), from_mapping({}, None)
    for section, _cls in _sections():
        assert getattr(loaded, section) == getattr(defaults, section), section


def test_every_key_of_every_section_is_written_with_a_comment(written):
    text = written.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for section, cls in _sections():
        for f in dataclasses.fields(cls):
            if f.name == "file":
                continue
            comment = comment_for(section, f.name, cls)
            assert comment.strip(), f"{section}.{f.name} has no description"
            # written as `key = …  # comment`, or commented out when it has no TOML default
            pattern = rf'^(# )?("?){re.escape(f.name)}\2 = .*#\s*\S' \
                      rf'|^\[{section}\.{re.escape(f.name)}\]\s+#\s*\S'
            assert re.search(pattern, text, re.M), f"{section}.{f.name} missing from procal init"
            value = data.get(section, {}).get(f.name)
            if value is None:
                assert re.search(rf"^# {re.escape(f.name)} = |^\[{section}\.{f.name}\]", text, re.M)
    # the reminder ladder written is the real default, not an example
    from calendar_sync.settings import DEFAULT_REMINDERS

    assert len(data["sync"]["reminders"]) == len(DEFAULT_REMINDERS)
