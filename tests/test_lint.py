"""ruff (pyflakes + bugbear + syntax errors, configured in pyproject.toml) finds nothing.

Catches unused imports and variables, undefined names, mutable default arguments, loop variables
captured by closures, silent ``zip`` truncation and bare excepts that swallow errors.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["schedule_engine", "sheets_io", "calendar_sync", "google_access", "procal", "config",
         "tests", "bench", "examples", "web"]


def ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                           "--output-format", "concise", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_ruff_is_clean():
    result = ruff(*PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_sees_planted_findings(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(items=[]):\n    try:\n        return undefined_name\n"
                   "    except:\n        pass\n", encoding="utf-8")
    result = ruff("--config", str(ROOT / "pyproject.toml"), str(bad), cwd=tmp_path)
    assert result.returncode == 1
    for code in ("F401", "F821", "B006", "E722"):
        assert code in result.stdout, (code, result.stdout)
