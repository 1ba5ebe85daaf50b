"""Declared dependencies == imported ones.

Every third-party module the shipped code imports (the packages setup.py ships) belongs to a
distribution declared in ``[project] dependencies`` or an optional extra; every distribution
declared there is imported by shipped code (or listed below with how it is used without an import
statement). The test suite's imports are declared in the ``test`` extra (or the runtime ones).
Distribution → import names come from the installed metadata, so ``python-dateutil`` is
``dateutil``, ``google-api-python-client`` is ``googleapiclient``, and the ``google`` namespace is
split by which distribution ships ``google/auth`` or ``google/oauth2``.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN = {"schedule_engine", "sheets_io", "calendar_sync", "google_access", "procal", "procal_config",
       "procal_examples", "tests", "web", "bench", "setup"}
# scripts beside each other (examples/build_plans_workbook.py imports disbursement_data)
_LOCAL = {f.stem for d in ("examples", "tests", "bench") for f in (ROOT / d).rglob("*.py")}
# declared, used, but never named in an import statement
USED_WITHOUT_IMPORT = {
    "fontpkg-sarabun": "the Thai font files, read with importlib.resources.files('fontpkg_sarabun')",
    "uharfbuzz": "Thai shaping in the web PDF: fpdf2's set_text_shaping() loads it itself",
}
# test-extra tools used as programs or plugins, not imported
TEST_TOOLS = {"pytest-xdist", "pytest-timeout", "ruff", "setuptools", "wheel", "babel"}
# test-extra libraries another library imports for the tests (starlette.testclient needs httpx)
TEST_TOOLS |= {"httpx"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _req_name(req: str) -> str:
    return _norm(re.split(r"[\s<>=!~;\[(]", req.strip(), maxsplit=1)[0])


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {k: {_req_name(r) for r in v}
              for k, v in project.get("optional-dependencies", {}).items()}
    return {_req_name(r) for r in project["dependencies"]}, extras


def _shipped_files() -> list[Path]:
    import runpy

    info = runpy.run_path(str(ROOT / "setup.py"), run_name="procal_setup")
    tops = {p.split(".")[0] for p in info["packages"]}
    folders = [ROOT / info["package_dir"].get(t, t) for t in tops]
    return [f for d in folders for f in d.rglob("*.py") if "__pycache__" not in f.parts]


def _imports(files) -> dict[str, set[str]]:
    """Absolute module imported → files importing it (every import statement, lazy ones too)."""
    out: dict[str, set[str]] = {}
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"), str(f))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for n in names:
                out.setdefault(n, set()).add(str(f.relative_to(ROOT)))
    return out


@lru_cache(maxsize=None)
def _packages_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


@lru_cache(maxsize=None)
def _files_of(dist: str) -> tuple[str, ...]:
    return tuple(str(p) for p in (metadata.distribution(dist).files or ()))


def _distribution(module: str) -> str | None:
    """The distribution that provides ``module`` (None for the standard library / own code)."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in OWN or top in _LOCAL or top == "__future__":
        return None
    candidates = _packages_distributions().get(top, [])
    if len(candidates) > 1:  # a namespace package (google.*): who ships this sub-package?
        parts = module.split(".")
        for depth in range(len(parts), 1, -1):
            prefix = "/".join(parts[:depth]) + "/"
            owners = [c for c in candidates if any(p.startswith(prefix) for p in _files_of(c))]
            if len(owners) == 1:
                return _norm(owners[0])
    return _norm(candidates[0]) if candidates else f"<not installed: {top}>"


def test_shipped_code_imports_exactly_the_declared_dependencies():
    runtime, extras = _declared()
    optional = set().union(*(v for k, v in extras.items() if k != "test"))
    used: dict[str, set[str]] = {}
    for module, where in _imports(_shipped_files()).items():
        dist = _distribution(module)
        if dist is not None:
            used.setdefault(dist, set()).update(where)
    undeclared = {d: sorted(w)[:3] for d, w in used.items() if d not in runtime | optional}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
    unused = sorted((runtime | optional) - set(used) - set(USED_WITHOUT_IMPORT))
    assert not unused, f"declared in pyproject.toml but never imported by procal: {unused}"


def test_the_test_suite_imports_only_declared_dependencies():
    runtime, extras = _declared()
    declared = runtime | set().union(*extras.values())
    files = [f for f in (ROOT / "tests").rglob("*.py") if "__pycache__" not in f.parts]
    files += [f for f in (ROOT / "bench").rglob("*.py")] + [ROOT / "setup.py"]
    used = {}
    for module, where in _imports(files).items():
        dist = _distribution(module)
        if dist is not None:
            used.setdefault(dist, set()).update(where)
    undeclared = {d: sorted(w)[:3] for d, w in used.items() if d not in declared}
    assert not undeclared, f"the tests import undeclared distributions: {undeclared}"
    unused = sorted(extras.get("test", set()) - set(used) - TEST_TOOLS)
    assert not unused, f"declared in the test extra but never imported: {unused}"
