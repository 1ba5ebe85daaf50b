"""Architecture guarantees, checked on the source text (AST), not at run time.

Dependencies point inward (docs/CONTRACT.md): ``procal`` → ``sheets_io`` / ``calendar_sync`` /
``google_access`` → ``schedule_engine``. Every import is counted, including lazy imports inside
functions and ``if TYPE_CHECKING:`` blocks, so a layering slip cannot hide behind laziness.
The self-checks at the bottom plant violations in temporary files and prove the scanner sees them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Libraries the pure domain must never touch: Google, tables, files-as-databases, plotting, network.
ENGINE_FORBIDDEN = (
    "sheets_io", "calendar_sync", "google_access", "procal",
    "pandas", "openpyxl", "gspread", "googleapiclient", "google", "google_auth_httplib2",
    "google_auth_oauthlib", "httplib2", "requests", "icalendar", "sqlite3", "matplotlib",
    "socket", "http", "urllib.request",
)
GOOGLE_ACCESS_FORBIDDEN = ("sheets_io", "calendar_sync", "procal")
# Only google_access builds Google clients; adapters receive them.
CLIENT_FACTORY_IMPORTS = (
    "googleapiclient.discovery", "gspread.Client", "gspread.client", "gspread.authorize",
    "gspread.service_account", "gspread.service_account_from_dict", "gspread.oauth",
    "gspread.oauth_from_dict", "gspread.auth",
)
CLIENT_FACTORY_CALLS = (
    # a bare ``build(...)`` is caught by the import rule (``from googleapiclient.discovery ...``)
    "discovery.build", "googleapiclient.discovery.build", "build_from_document",
    "gspread.Client", "gspread.authorize", "gspread.service_account",
    "gspread.service_account_from_dict", "gspread.oauth", "gspread.oauth_from_dict",
    "service_account", "service_account_from_dict",
)
ADAPTER_FORBIDDEN = ("procal",) + CLIENT_FACTORY_IMPORTS

# Explicit, reviewed exceptions to "nothing outside tests/ imports tests": the benchmarks drive
# the loopback emulator so they can print figures without a Google account.
TESTS_IMPORT_ALLOWED = {("bench", "tests.emulator")}


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _module_name(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module a file imports, as absolute dotted names with line numbers.

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c`` (``c`` may be a submodule), and
    relative imports are resolved against the file's own package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _module_name(path, root)
                if path.name != "__init__.py":
                    package = package[:-1]
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _matches(module: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def forbidden_imports(files: list[Path], prefixes: tuple[str, ...],
                      root: Path = ROOT) -> list[Violation]:
    out = []
    for path in files:
        for line, module in imports_of(path, root):
            hit = _matches(module, prefixes)
            if hit:
                out.append(Violation(str(path.relative_to(root)), line, f"imports {module} ({hit})"))
    # one report per line and forbidden prefix is enough
    return sorted(set(out), key=lambda v: (v.file, v.line, v.what))


def client_constructions(files: list[Path], root: Path = ROOT) -> list[Violation]:
    out = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _dotted(node.func)
                if name in CLIENT_FACTORY_CALLS:
                    out.append(Violation(str(path.relative_to(root)), node.lineno,
                                         f"constructs a Google client: {name}(...)"))
    return out


def sources(*packages: str, root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for package in packages:
        files.extend(p for p in sorted((root / package).rglob("*.py"))
                     if "__pycache__" not in p.parts)
    return files


def _assert_clean(violations: list[Violation]) -> None:
    assert not violations, "architecture violations:\n" + "\n".join(map(str, violations))


# --- the guarantees -------------------------------------------------------------------------

@pytest.mark.parametrize("package", ["schedule_engine", "sheets_io", "calendar_sync",
                                     "google_access", "procal"])
def test_each_package_is_scanned(package):
    # a typo in a path would make every rule below pass vacuously
    files = sources(package)
    assert len(files) >= 2, package
    assert any(imports_of(f) for f in files)


def test_engine_is_pure():
    _assert_clean(forbidden_imports(sources("schedule_engine"), ENGINE_FORBIDDEN))


def test_google_access_does_not_know_its_callers():
    _assert_clean(forbidden_imports(sources("google_access"), GOOGLE_ACCESS_FORBIDDEN))


@pytest.mark.parametrize("package", ["sheets_io", "calendar_sync"])
def test_adapters_never_import_the_cli_or_build_clients(package):
    files = sources(package)
    _assert_clean(forbidden_imports(files, ADAPTER_FORBIDDEN) + client_constructions(files))


def test_only_google_access_builds_clients_outside_tests():
    files = sources("schedule_engine", "sheets_io", "calendar_sync", "procal")
    _assert_clean(client_constructions(files))


def test_google_access_does_build_clients():
    # the rule above is only meaningful if the scanner recognises the real factory
    assert client_constructions(sources("google_access"))


def test_nothing_outside_tests_imports_tests():
    violations = []
    for package in ("schedule_engine", "sheets_io", "calendar_sync", "google_access", "procal",
                    "config", "bench", "examples"):
        allowed = tuple(m for p, m in TESTS_IMPORT_ALLOWED if p == package)
        for v in forbidden_imports(sources(package), ("tests",)):
            module = v.what.split()[1]
            if not _matches(module, allowed):
                violations.append(v)
    _assert_clean(violations)


def test_web_is_the_outermost_layer():
    # web/ sits beside procal/: it uses the engine and the adapters, never the CLI; only the
    # `procal web` command module imports it, and none of the inner packages do
    web_files = sources("web")
    assert len(web_files) >= 2
    _assert_clean(forbidden_imports(web_files, ("procal", "tests")) + client_constructions(web_files))
    inner = sources("schedule_engine", "sheets_io", "calendar_sync", "google_access")
    _assert_clean(forbidden_imports(inner, ("web",)))
    callers = [v for v in forbidden_imports(sources("procal"), ("web",))
               if not v.file.endswith("cmd_web.py")]
    _assert_clean(callers)


# --- self-checks: the scanner must be able to fail -------------------------------------------

PLANTED = '''\
"""A planted violation."""
import json
from typing import TYPE_CHECKING

from . import sibling
from ..model import Timeline
from sheets_io import tables
from urllib import request
if TYPE_CHECKING:
    import pandas as pd


def lazy():
    import google.auth
    from googleapiclient.discovery import build
    from procal.cli import app
    import tests.emulator
    return build("calendar", "v3"), gspread.service_account(), discovery.build("sheets", "v4")
'''


@pytest.fixture
def planted(tmp_path):
    pkg = tmp_path / "schedule_engine" / "sub"
    pkg.mkdir(parents=True)
    (tmp_path / "schedule_engine" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    path = pkg / "bad.py"
    path.write_text(PLANTED, encoding="utf-8")
    return tmp_path, path


def test_self_check_relative_imports_resolve(planted):
    root, path = planted
    modules = {m for _, m in imports_of(path, root)}
    assert "schedule_engine.sub.sibling" in modules
    assert "schedule_engine.model" in modules  # `from ..model import Timeline` in schedule_engine.sub
    assert "sheets_io.tables" in modules
    assert "urllib.request" in modules


def test_self_check_detects_planted_layer_violations(planted):
    root, path = planted
    found = forbidden_imports(sources("schedule_engine", root=root), ENGINE_FORBIDDEN, root=root)
    hits = {(v.line, v.what.split("(")[-1].rstrip(")")) for v in found}
    assert (7, "sheets_io") in hits
    assert (8, "urllib.request") in hits
    assert (10, "pandas") in hits         # TYPE_CHECKING imports count
    assert (14, "google") in hits         # lazy imports count
    assert (15, "googleapiclient") in hits
    assert (16, "procal") in hits
    assert not any(v.line in (2, 3, 5, 6) for v in found)  # stdlib and own package are fine
    assert all(str(v).startswith("schedule_engine/sub/bad.py:") for v in found)
    with pytest.raises(AssertionError, match="architecture violations"):
        _assert_clean(found)


def test_self_check_detects_planted_client_construction_and_tests_import(planted):
    root, path = planted
    calls = {v.what for v in client_constructions([path], root=root)}
    assert calls == {"constructs a Google client: gspread.service_account(...)",
                     "constructs a Google client: discovery.build(...)"}
    assert {v.line for v in forbidden_imports([path], CLIENT_FACTORY_IMPORTS, root=root)} == {15}
    assert [v.line for v in forbidden_imports([path], ("tests",), root=root)] == [17]
