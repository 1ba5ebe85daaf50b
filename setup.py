"""Which packages and data files the wheel holds — found, never listed, so a new subpackage or data
file (a template, a stylesheet, a TOML table) can never be left out of an installed procal.

Everything else (name, version, dependencies, the ``procal`` command) is in ``pyproject.toml``; this
file exists only because two folders are installed under other names, which ``pyproject.toml``'s
package discovery cannot express:

* ``config/``   → ``procal_config``   (the rulebook, holidays and targets tables);
* ``examples/`` → ``procal_examples`` (the example workbook and its illustrative targets, so
  ``procal run`` works on the embedded default from a wheel, without the repository).

Every other folder with an ``__init__.py`` is a package, except the ones below (tests, benchmarks).
``tests/test_packaging.py`` builds the wheel and checks it holds every file of these folders.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
RENAMED = {"procal_config": "config", "procal_examples": "examples"}
NOT_SHIPPED = ["tests", "tests.*", "bench", "bench.*", "build", "build.*", "dist", "dist.*",
               "config", "config.*", "examples", "examples.*"]
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def _packages() -> tuple[list[str], dict[str, str]]:
    packages = find_packages(where=str(HERE), exclude=NOT_SHIPPED)
    package_dir: dict[str, str] = {}
    for name, folder in RENAMED.items():
        package_dir[name] = folder
        packages.append(name)
        # subpackages of a renamed folder: config/targets → procal_config.targets
        packages += [f"{name}.{sub}" for sub in find_packages(where=str(HERE / folder))]
    return sorted(packages), package_dir


def _folder(package: str, package_dir: dict[str, str]) -> Path:
    top, _, rest = package.partition(".")
    base = HERE / package_dir.get(top, top)
    return base.joinpath(*rest.split(".")) if rest else base


def _data_files(package: str, packages: set[str], package_dir: dict[str, str]) -> list[str]:
    """Every file in the package's folder that is not Python source — also in plain sub-folders
    (``templates/``, ``static/``), but not in sub-packages, which list their own."""
    root = _folder(package, package_dir)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel = here.relative_to(root)
        keep = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS or d.startswith(".") or d.endswith(".egg-info"):
                continue
            sub = ".".join((package, *rel.parts, d))
            if sub in packages:
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if f.endswith(".py") or f.endswith(SKIP_SUFFIXES) or f.startswith("."):
                continue
            found.append((rel / f).as_posix())
    return found


packages, package_dir = _packages()
package_data = {p: files for p in packages
                if (files := _data_files(p, set(packages), package_dir))}

if __name__ == "__main__":  # setuptools runs this file as __main__; tests read the lists above
    setup(packages=packages, package_dir=package_dir, package_data=package_data)
