"""``summary.json``: the last run's reconciliation in a machine-readable form (for the web
dashboard and for scripts). Written next to the report workbook, atomically.

Amounts are strings (exact baht), percentages strings rounded half-up to 2 dp, dates ISO.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from schedule_engine.reconcile import Figures, Reconciliation, pct2
from schedule_engine.targets import BUDGET_TYPE_TH

SUMMARY_NAME = "summary.json"
SUMMARY_VERSION = 1


def _figures(f: Figures) -> dict:
    return {
        "allocated": str(f.allocated), "committed": str(f.committed), "disbursed": str(f.disbursed),
        "disbursement_pct": str(pct2(f.disbursement_pct)),
        "spending_pct": str(pct2(f.spending_pct)),
        "disbursement_target_pct": str(pct2(f.disbursement_target_pct)),
        "spending_target_pct": str(pct2(f.spending_target_pct)),
        "disbursement_gap_pp": str(pct2(f.disbursement_gap_pp)),
        "spending_gap_pp": str(pct2(f.spending_gap_pp)),
        "disbursement_gap_baht": str(pct2(f.disbursement_gap_baht)),
        "severity": f.severity.value,
    }


def run_summary(recon: Reconciliation, *, history: Sequence[tuple[date, Figures]] = (),
                report_files: Iterable[Path] = (), reports_dir: Path | None = None,
                today: date | None = None, plans: int | None = None,
                row_errors: int | None = None) -> dict:
    """The summary as a JSON-ready dict."""
    late = sorted(recon.late_milestones,
                  key=lambda m: (-m.slip_working_days, m.planned, m.agency, m.project_id))
    files = []
    for f in report_files:
        p = Path(f)
        try:
            files.append(p.relative_to(reports_dir).as_posix() if reports_dir else p.name)
        except ValueError:
            files.append(p.name)
    return {
        "version": SUMMARY_VERSION,
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "today": today.isoformat() if today else None,
        "fiscal_year": recon.fiscal_year,
        "as_of": recon.as_of.isoformat(),
        "mode": recon.mode,
        "illustrative_targets": recon.illustrative_targets,
        "targets_source": recon.targets_source,
        "plans": plans,
        "row_errors": row_errors,
        "province": _figures(recon.province),
        "by_budget_type": [{"budget_type": bt.value, "label_th": BUDGET_TYPE_TH.get(bt, bt.value),
                            **_figures(f)} for bt, f in recon.by_budget_type],
        "by_budget_source": [{"budget_source": s.budget_source, **_figures(s.figures)}
                             for s in recon.by_budget_source],
        "agencies": [{
            "agency": a.agency, "rank": a.rank, "as_of": a.as_of.isoformat(),
            "worst_severity": a.worst_severity.value, "late_milestones": len(a.late_milestones),
            "total": _figures(a.total),
            "lines": [{"budget_type": ln.budget_type.value,
                       "label_th": BUDGET_TYPE_TH.get(ln.budget_type, ln.budget_type.value),
                       **_figures(ln.figures)} for ln in a.lines],
        } for a in recon.agencies],
        "late_milestones": [{
            "agency": m.agency, "project_id": m.project_id, "project_name": m.project_name,
            "step_code": m.step_code, "step_name_th": m.step_name_th,
            "planned": m.planned.isoformat(), "slip_working_days": m.slip_working_days,
        } for m in late],
        "history": [{"as_of": d.isoformat(), **_figures(f)} for d, f in history],
        "report_files": files,
    }


def write_run_summary(path: Path, summary: dict) -> Path:
    """Write ``summary`` to ``path`` atomically (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
