"""The message catalogue: every message id the code uses has a Thai text, the compiled ``.mo`` is
the ``.po`` as committed, translations keep their ``{fields}``, and the language choice works."""

from __future__ import annotations

import ast
import gettext
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from schedule_engine import i18n
from schedule_engine.i18n import t, tn

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "schedule_engine" / "locale" / "th" / "LC_MESSAGES" / "procal.po"
MO = PO.with_suffix(".mo")
SCANNED = ("schedule_engine", "sheets_io", "calendar_sync", "google_access", "procal", "web")
CALLS = {"t": 1, "N_": 1, "tn": 2}  # function -> how many leading message-id arguments


def _catalogue():
    with PO.open("rb") as fp:
        return read_po(fp, locale="th")


def used_msgids(root: Path = ROOT, packages=SCANNED) -> list[tuple[str, int, str]]:
    """(file, line, msgid) of every literal message id passed to t / tn / N_ in files that import
    them from ``schedule_engine.i18n``."""
    found = []
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")) if (root / pkg).is_dir() else ():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("i18n"):
                    for a in node.names:
                        if a.name in CALLS:
                            names[a.asname or a.name] = a.name
            if not names:
                continue
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in names):
                    for arg in node.args[: CALLS[names[node.func.id]]]:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            found.append((str(path.relative_to(root)), node.lineno, arg.value))
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _translated_ids() -> set[str]:
    """Message ids (singular and plural) whose entry has a Thai text and is not fuzzy."""
    ids = set()
    for msg in _catalogue():
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if msg.id and not msg.fuzzy and all(strings):
            ids.update(msg.id if isinstance(msg.id, tuple) else (msg.id,))
    return ids


def test_every_message_id_in_the_code_has_a_thai_text():
    ok = _translated_ids()
    missing = [f"{f}:{line}: {m!r}" for f, line, m in used_msgids() if m not in ok]
    assert not missing, ("message ids without a Thai text in " + str(PO.relative_to(ROOT)) + ":\n"
                         + "\n".join(missing))


def test_the_scan_sees_a_message_without_thai(tmp_path):
    pkg = tmp_path / "planted"
    pkg.mkdir()
    (pkg / "m.py").write_text("from schedule_engine.i18n import t as tr, tn\n"
                              "x = tr('no such message id, surely')\n"
                              "y = tn('{n} thing', '{n} things', 2)\n", encoding="utf-8")
    found = used_msgids(tmp_path, ("planted",))
    assert [(m, line) for _, line, m in found] == [
        ("no such message id, surely", 2), ("{n} thing", 3), ("{n} things", 3)]
    assert "no such message id, surely" not in _translated_ids()


def test_every_catalogue_entry_is_translated_and_keeps_its_fields():
    bad = []
    for msg in _catalogue():
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if msg.fuzzy or not all(strings):
            bad.append(f"{ids[0]!r}: no Thai text (or marked fuzzy)")
            continue
        want = set().union(*(_fields(i) for i in ids))
        for s in strings:
            if _fields(s) != want:
                bad.append(f"{ids[0]!r}: fields {sorted(_fields(s))} != {sorted(want)}")
    assert not bad, "\n".join(bad)


def test_compiled_catalogue_is_up_to_date():
    """The .mo that ships is the .po as committed: run
    ``pybabel compile -d schedule_engine/locale -D procal`` after editing the .po."""
    with MO.open("rb") as fp:
        compiled = dict(gettext.GNUTranslations(fp)._catalog)
    expected = {}
    for msg in _catalogue():
        if not msg.id or msg.fuzzy:
            continue
        if isinstance(msg.id, tuple):
            for i, s in enumerate(msg.string):
                expected[(msg.id[0], i)] = s
        else:
            expected[msg.id] = msg.string
    compiled.pop("", None)
    assert compiled == expected, ("procal.mo is stale: run "
                                  "`pybabel compile -d schedule_engine/locale -D procal`")


def test_the_compiled_catalogue_ships_in_the_wheel():
    # setup.py finds every data file of every package (tests/test_packaging.py builds the wheel)
    import runpy

    found = runpy.run_path(str(ROOT / "setup.py"), run_name="procal_setup")["package_data"]
    rel = MO.relative_to(ROOT / "schedule_engine").as_posix()
    assert rel in found.get("schedule_engine", []), f"{rel} not in {found.get('schedule_engine')}"


@pytest.fixture
def fresh_language(monkeypatch):
    monkeypatch.delenv("PROCAL_LANG", raising=False)
    saved = dict(i18n._state)
    i18n._state.update(lang=None, explicit=False)
    yield
    i18n._state.update(saved)


def test_thai_by_default_english_on_request(fresh_language, monkeypatch):
    assert t("row {row}", row=7) == "แถว 7"
    assert t("row {row}", "en", row=7) == "row 7"
    monkeypatch.setenv("PROCAL_LANG", "en_US.UTF-8")
    assert t("row {row}", row=7) == "row 7"
    monkeypatch.delenv("PROCAL_LANG")
    i18n.set_language("en")
    assert t("row {row}", row=7) == "row 7"
    i18n.set_language("th")
    assert t("row {row}", row=7) == "แถว 7"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_settings_language_yields_to_the_command_line(fresh_language, monkeypatch):
    i18n.use_settings_language("en")
    assert i18n.get_language() == "en"
    i18n.set_language("th")  # --lang th
    i18n.use_settings_language("en")
    assert i18n.get_language() == "th"
    i18n._state.update(lang=None, explicit=False)
    monkeypatch.setenv("PROCAL_LANG", "th")
    i18n.use_settings_language("en")
    assert i18n.get_language() == "th"


def test_plural_forms(fresh_language):
    assert tn("{n} working day", "{n} working days", 1, "en") == "1 working day"
    assert tn("{n} working day", "{n} working days", 2, "en") == "2 working days"
    assert tn("{n} working day", "{n} working days", 1) == "1 วันทำการ"
    assert tn("{n} working day", "{n} working days", 5) == "5 วันทำการ"


def test_an_unknown_id_falls_back_to_english_text(fresh_language):
    assert t("a sentence nobody translated {x}", x=1) == "a sentence nobody translated 1"
