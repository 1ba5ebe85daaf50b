"""procal has one error tree, and ``schedule_engine/errors.py``'s docstring draws it exactly.

Every exception class defined anywhere in the four packages (found by importing every module)
must derive from ``ProcalError`` — private helpers (``_Name``) excepted — and must appear in the
docstring under its real direct parent; every class the docstring names must exist.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import schedule_engine.errors
from schedule_engine.errors import ProcalError

PACKAGES = ("schedule_engine", "sheets_io", "calendar_sync", "google_access")


def defined_exceptions(packages=PACKAGES) -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in packages:
        package = importlib.import_module(name)
        modules = [package] + [importlib.import_module(info.name) for info in
                               pkgutil.walk_packages(package.__path__, prefix=name + ".")]
        for module in modules:
            for cls_name, cls in vars(module).items():
                if (inspect.isclass(cls) and issubclass(cls, BaseException)
                        and cls.__module__ == module.__name__):
                    found[f"{module.__name__}.{cls_name}"] = cls
    return found


def documented_tree(doc: str) -> dict[str, str | None]:
    """class name -> documented parent, read from the box-drawing tree in ``doc``."""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []  # (column, name) of the open ancestors
    for line in doc.splitlines():
        match = re.match(r"^([\s│├└─]*)([A-Z]\w*(?:Error|Fault))\b", line)
        if not match:
            continue
        column, name = match.start(2), match.group(2)
        while stack and stack[-1][0] >= column:
            stack.pop()
        parents[name] = stack[-1][1] if stack else None
        stack.append((column, name))
    return parents


ALL = defined_exceptions()
TREE = documented_tree(schedule_engine.errors.__doc__)


def test_scan_and_tree_are_not_empty():
    assert len(ALL) >= 20, sorted(ALL)
    assert len(TREE) >= 20, TREE
    assert TREE["ProcalError"] is None
    assert TREE["TargetsError"] == "ConfigError"
    assert TREE["AuthError"] == "GoogleError"


@pytest.mark.parametrize("qualname", sorted(ALL))
def test_every_exception_is_a_procal_error(qualname):
    cls = ALL[qualname]
    if cls.__name__.startswith("_"):
        pytest.skip("private helper")
    assert issubclass(cls, ProcalError), (
        f"{qualname} derives from {cls.__mro__[1].__name__}, not ProcalError: the CLI would "
        "print a traceback instead of one line")


@pytest.mark.parametrize("qualname", sorted(ALL))
def test_every_exception_is_drawn_under_its_real_parent(qualname):
    cls = ALL[qualname]
    if cls.__name__.startswith("_"):
        pytest.skip("private helper")
    assert cls.__name__ in TREE, f"{qualname} is missing from schedule_engine/errors.py's docstring"
    base = cls.__bases__[0]
    expected = None if cls is ProcalError else base.__name__
    assert TREE[cls.__name__] == expected, (
        f"the docstring draws {cls.__name__} under {TREE[cls.__name__]}, the code under {expected}")


def test_every_drawn_class_exists():
    defined = {cls.__name__ for cls in ALL.values()}
    assert not set(TREE) - defined, f"documented but not defined: {sorted(set(TREE) - defined)}"


def test_tree_reader_can_fail():
    doc = """
        ProcalError
        ├── ConfigError   x
        │   └── RulebookError  y
        └── SyncError    z
            └── StrayError
    """
    assert documented_tree(doc) == {"ProcalError": None, "ConfigError": "ProcalError",
                                    "RulebookError": "ConfigError", "SyncError": "ProcalError",
                                    "StrayError": "SyncError"}
    planted = type("PlantedError", (Exception,), {})
    assert not issubclass(planted, ProcalError)
    assert "PlantedError" not in TREE
