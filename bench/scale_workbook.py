"""Province- and country-scale plan workbooks made from the shipped example.

    .venv/bin/python bench/scale_workbook.py 10000 /tmp/plans-10k.xlsx [--change 0.01]

The example's rows (``examples/plans.xlsx``: plan, progress and disbursement tabs, typical mistakes
included) are replicated with new project ids (``KK70-001`` → ``KK70-001-000017``) until the plan
tab has ``n`` rows. Every 20 copies (about 1,000 projects) form one group of agencies whose names
carry the group number, so agencies, disbursement rows and executive reminders grow in proportion
to the projects, as they do between a province and a country. Deterministic: the same ``n`` always
gives the same workbook (bench/e2e.py and tests/test_scale_golden.py rely on it).

``--change f`` moves the start date of every ``1/f``-th valid project by one week (the "1 %
change" rerun of bench/e2e.py).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "plans.xlsx"
COPIES_PER_GROUP = 20


def _read_example() -> dict[str, list[tuple]]:
    import openpyxl

    wb = openpyxl.load_workbook(EXAMPLE, read_only=True, data_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    finally:
        wb.close()


def _shift(value, days: int):
    if isinstance(value, datetime):
        return value + timedelta(days=days)
    if isinstance(value, date):
        return value + timedelta(days=days)
    return value


def build(n: int, out: Path, *, change: float = 0.0) -> Path:
    """Write an ``n``-project workbook to ``out``; ``change``: share of projects moved a week."""
    import openpyxl

    tabs = _read_example()
    names = list(tabs)
    plans_tab, progress_tab, disb_tab = names[0], names[1], names[2]
    plan_head, *plan_rows = tabs[plans_tab]
    prog_head, *prog_rows = tabs[progress_tab]
    disb_head, *disb_rows = tabs[disb_tab]
    copies = -(-n // len(plan_rows))
    every = int(round(1 / change)) if change else 0

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(plans_tab)
    ws.append(list(plan_head))
    ids: set[str] = set()
    written = 0
    pending = False
    for k in range(copies):
        group = k // COPIES_PER_GROUP
        for r in plan_rows:
            if written == n:
                break
            row = list(r)
            if row[0]:
                row[0] = f"{row[0]}-{k:06d}"
                ids.add(str(row[0]))
            if row[1]:
                row[1] = f"{row[1]} {group + 1}" if group else row[1]
            pending = pending or bool(every and written % every == 0)
            if pending and isinstance(row[7], datetime):
                row[7] = _shift(row[7], 7)
                pending = False
            ws.append(row)
            written += 1
    ws = wb.create_sheet(progress_tab)
    ws.append(list(prog_head))
    for k in range(copies):
        for r in prog_rows:
            row = list(r)
            if row[0]:
                row[0] = f"{row[0]}-{k:06d}"
                if row[0] not in ids:
                    continue
            ws.append(row)
    ws = wb.create_sheet(disb_tab)
    ws.append(list(disb_head))
    for group in range(-(-copies // COPIES_PER_GROUP)):
        for r in disb_rows:
            row = list(r)
            if row[0] and group:
                row[0] = f"{row[0]} {group + 1}"
            ws.append(row)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("projects", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--change", type=float, default=0.0)
    a = ap.parse_args(argv)
    build(a.projects, a.out, change=a.change)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
