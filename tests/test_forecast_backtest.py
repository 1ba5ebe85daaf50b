"""The early-warning backtest on the example year runs and tells the story docs/forecast.md quotes."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_backtest_example_year(capsys):
    mod = runpy.run_path(str(ROOT / "bench" / "forecast_backtest.py"), run_name="backtest")
    assert mod["main"]([]) == 0
    out = capsys.readouterr().out
    late = [ln for ln in out.splitlines() if ln.startswith("KK70-")]
    assert len(late) >= 10  # at least ten projects end late, in different ways
    assert "precision (projects):" in out and "lead time of the first AT_RISK flag" in out
    # every figure docs/forecast.md quotes comes from this run
    doc = (ROOT / "docs" / "forecast.md").read_text(encoding="utf-8")
    for line in out.splitlines()[1:]:
        if line.strip():
            assert line.rstrip() in doc, line


def test_season_keeps_the_progress_tab_and_never_goes_back():
    import sys

    sys.path.insert(0, str(ROOT / "examples"))
    try:
        b = runpy.run_path(str(ROOT / "examples" / "build_plans_workbook.py"), run_name="b")
    finally:
        sys.path.remove(str(ROOT / "examples"))
    season = b["season_progress"]()
    known = {(pid, code): a for pid, code, a, _ in season if a <= b["TODAY"]}
    tab = {(r[0], r[1]) for r in b["progress_rows"]() if r[2] != ""}
    assert set(known) <= tab  # nothing after TODAY leaks into what was known on TODAY
    by_project: dict[str, list] = {}
    for pid, _code, a, _ in season:
        by_project.setdefault(pid, []).append(a)
    for dates in by_project.values():
        assert dates == sorted(dates)
