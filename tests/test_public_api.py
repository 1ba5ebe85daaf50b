"""The public surface of each package (httpx ``test_exported_members`` pattern).

* every name in a package's ``__all__`` resolves, and nothing is listed twice;
* every public name other packages import from a package's modules is re-exported in ``__all__``
  (found by scanning the source, so the list cannot silently fall behind);
* every import shown in docs/*.md works, and every API name in docs/CONTRACT.md exists;
* ``import schedule_engine`` (and the light adapter packages) stay light: no pandas, matplotlib,
  openpyxl or Google client libraries (numpy is fine for the engine).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schedule_engine", "sheets_io", "calendar_sync", "google_access")
CALLERS = PACKAGES + ("procal", "bench", "examples", "web")


@pytest.mark.parametrize("package", PACKAGES)
def test_all_names_resolve(package):
    module = importlib.import_module(package)
    assert module.__all__, package
    assert len(module.__all__) == len(set(module.__all__)), "duplicates in __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{package}.__all__ lists names that do not exist: {missing}"


@pytest.mark.parametrize("package", PACKAGES)
def test_star_import_matches_all(package):
    namespace: dict = {}
    exec(f"from {package} import *", namespace)
    exported = set(namespace) - {"__builtins__"}
    assert exported == set(importlib.import_module(package).__all__)


@pytest.mark.parametrize("package", PACKAGES)
def test_unknown_attribute_is_an_attribute_error(package):
    module = importlib.import_module(package)
    missing = "no_such_name_anywhere"
    assert not hasattr(module, missing)
    with pytest.raises(AttributeError, match=missing):
        getattr(module, missing)


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def _cross_package_imports() -> dict[str, set[str]]:
    """package -> public names other packages import from it (or its modules)."""
    used: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for caller in CALLERS:
        for path in sorted((ROOT / caller).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                    continue
                top = node.module.split(".")[0]
                if top not in used or top == caller:
                    continue
                for alias in node.names:
                    name = alias.name
                    full = f"{node.module}.{name}"
                    if name.startswith("_") or _is_module(full):
                        continue  # private helpers and submodules are not API
                    used[top].add(name)
    return used


@pytest.fixture(scope="module")
def cross_imports():
    return _cross_package_imports()


def test_cross_package_scan_finds_known_uses(cross_imports):
    # the scan must see real traffic, or the completeness test below would pass vacuously
    assert {"parse_date", "ProcalError", "WorkingCalendar"} <= cross_imports["schedule_engine"]
    assert {"read_plans", "SheetsSettings"} <= cross_imports["sheets_io"]
    assert {"Ledger", "apply_sync"} <= cross_imports["calendar_sync"]
    assert {"GoogleClients", "AuthError"} <= cross_imports["google_access"]


@pytest.mark.parametrize("package", PACKAGES)
def test_what_other_packages_use_is_exported(package, cross_imports):
    module = importlib.import_module(package)
    # module-level constants and one-off formatting helpers may stay in their module
    constants = {n for n in cross_imports[package] if n.isupper()}
    missing = sorted(cross_imports[package] - set(module.__all__) - constants)
    assert not missing, (f"other packages import these from {package}'s modules but "
                         f"{package}.__all__ does not export them: {missing}")


_DOC_IMPORT = re.compile(
    r"^\s*from ((?:schedule_engine|sheets_io|calendar_sync|google_access)[\w.]*) import "
    r"(\([^)]*\)|[^\n]*)", re.M)


def _doc_imports() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted((ROOT / "docs").glob("*.md")):
        for match in _DOC_IMPORT.finditer(path.read_text(encoding="utf-8")):
            names = re.sub(r"#[^\n]*", "", match.group(2)).strip("() \n")
            for name in re.split(r"[,\s]+", names):
                if name:
                    out.append((path.name, match.group(1), name.split(" as ")[0]))
    return out


DOC_IMPORTS = _doc_imports()


def test_docs_show_imports():
    assert len(DOC_IMPORTS) >= 40  # docs/google.md, sync.md, sheets.md, reconcile.md


@pytest.mark.parametrize("doc,module,name", DOC_IMPORTS,
                         ids=[f"{d}:{m}.{n}" for d, m, n in DOC_IMPORTS])
def test_documented_import_works(doc, module, name):
    assert hasattr(importlib.import_module(module), name) or _is_module(f"{module}.{name}"), (
        f"docs/{doc} shows `from {module} import {name}`, which fails")


def _contract_names() -> set[str]:
    text = (ROOT / "docs" / "CONTRACT.md").read_text(encoding="utf-8")
    names = set()
    for code in re.findall(r"`([^`]+)`", text):
        names.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?=\()", code))
        if re.fullmatch(r"[A-Z][A-Za-z]+|(?:schedule_engine|sheets_io|calendar_sync|google_access)"
                        r"(?:\.\w+)+", code.strip()):
            names.add(code.strip())
    return names - {"int", "importlib.resources.files"}


CONTRACT_NAMES = sorted(_contract_names())


def _resolve(dotted: str) -> bool:
    import calendar_sync
    import google_access
    import schedule_engine
    import sheets_io
    from schedule_engine import dates

    scopes = [schedule_engine, dates, schedule_engine.WorkingCalendar, schedule_engine.Rulebook,
              schedule_engine.Method, sheets_io, sheets_io.SheetsSettings, calendar_sync,
              google_access]
    first, *rest = dotted.split(".")
    if _is_module(dotted):
        return True
    if first in PACKAGES:
        obj = importlib.import_module(first)
    else:
        holders = [s for s in scopes if hasattr(s, first)]
        if not holders:
            return False
        obj = getattr(holders[0], first)
    for part in rest:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def test_contract_names_are_found():
    # the CONTRACT's engine API section alone names more than twenty callables and classes
    assert {"build_timeline", "WorkingCalendar", "Rulebook.resolve_method",
            "working_days_between", "from_mapping"} <= set(CONTRACT_NAMES)


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_contract_name_exists(name):
    assert _resolve(name), f"docs/CONTRACT.md documents `{name}`, which does not exist"


def test_resolver_can_fail():
    assert not _resolve("build_timelines")
    assert not _resolve("Rulebook.resolve_methods")
    assert not _resolve("schedule_engine.no_such_module")


HEAVY = ("pandas", "matplotlib", "openpyxl", "gspread", "googleapiclient", "httplib2",
         "google.auth", "google.oauth2", "requests", "icalendar", "sqlite3")

_PROBE = """
import json, sys
import {package}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {tops!r}
                        or any(m == h or m.startswith(h + '.') for h in {heavy!r}))))
"""


def _loaded_after_import(package: str) -> list[str]:
    tops = sorted({h.split(".")[0] for h in HEAVY} - {"google"})
    code = _PROBE.format(package=package, tops=tops, heavy=list(HEAVY))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("package", ["schedule_engine", "calendar_sync", "google_access"])
def test_import_stays_light(package):
    loaded = _loaded_after_import(package)
    assert not loaded, f"`import {package}` pulls in heavy modules: {loaded}"


def test_light_import_probe_can_fail():
    # sheets_io.reports needs openpyxl: the probe must see it
    assert "openpyxl" in _loaded_after_import("sheets_io.reports")
