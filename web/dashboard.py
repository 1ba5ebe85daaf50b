"""The province dashboard's data: the last run's ``reports/summary.json`` (cached per file
version), shaped for the page."""

from __future__ import annotations

import json
import os
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

from schedule_engine import format_date

SUMMARY_NAME = "summary.json"
SEVERITY = {
    "on_track": ("ตามเป้าหมาย", "on track", "ok", "✓"),
    "watch": ("ต่ำกว่าเป้าหมายเล็กน้อย", "slightly behind", "watch", "!"),
    "behind": ("ต่ำกว่าเป้าหมาย", "behind", "behind", "!!"),
    "critical": ("ต่ำกว่าเป้าหมายมาก", "far behind", "critical", "!!!"),
}
TYPE_EN = {"recurrent": "Recurrent", "investment": "Investment", "overall": "Overall"}

_cache: dict[str, tuple[tuple, dict]] = {}
_lock = threading.Lock()


def load_summary(reports_dir: Path) -> dict | None:
    path = Path(reports_dir) / SUMMARY_NAME
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (st.st_ino, st.st_size, st.st_mtime_ns)
    hit = _cache.get(str(path))
    if hit and hit[0] == key:
        return hit[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != 1:
        return None
    with _lock:
        _cache[str(path)] = (key, data)
    return data


def _money(text: str) -> str:
    try:
        return f"{Decimal(text):,.2f}"
    except Exception:
        return str(text)


def _status(sev: str, lang: str) -> dict:
    th, en, css, mark = SEVERITY.get(sev, (sev, sev, "watch", "?"))
    return {"label": th if lang == "th" else en, "css": css, "mark": mark}


def _fig(f: dict, lang: str) -> dict:
    pct = float(f["disbursement_pct"])
    target = float(f["disbursement_target_pct"])
    return {"pct": f["disbursement_pct"], "target": f["disbursement_target_pct"],
            "gap": f["disbursement_gap_pp"], "spend": f["spending_pct"],
            "spend_target": f["spending_target_pct"],
            "allocated": _money(f["allocated"]), "disbursed": _money(f["disbursed"]),
            "gap_baht": _money(f["disbursement_gap_baht"]),
            "bar": max(0.0, min(100.0, pct)), "tick": max(0.0, min(100.0, target)),
            "status": _status(f["severity"], lang)}


def dashboard_context(reports_dir: Path, lang: str) -> dict:
    s = load_summary(reports_dir)
    if s is None:
        return {"summary": None}
    th = lang == "th"

    def d(iso: str | None) -> str:
        return format_date(date.fromisoformat(iso), lang, long=True) if iso else ""

    agencies = []
    for a in s["agencies"]:
        lines = [{"type": ln["label_th"] if th else TYPE_EN.get(ln["budget_type"], ln["budget_type"]),
                  **_fig(ln, lang)} for ln in a["lines"]]
        agencies.append({"name": a["agency"], "rank": a["rank"], "total": _fig(a["total"], lang),
                         "lines": lines, "late": a["late_milestones"],
                         "worst": _status(a["worst_severity"], lang)})
    late = [{**m, "planned_text": d(m["planned"])} for m in s["late_milestones"]]
    by_type = [{"type": x["label_th"] if th else TYPE_EN.get(x["budget_type"], x["budget_type"]),
                **_fig(x, lang)} for x in s["by_budget_type"]]
    history = s.get("history") or []
    files = [f for f in s.get("report_files", []) if f != SUMMARY_NAME]
    chart = "charts/province-progress.png" if "charts/province-progress.png" in files else None
    return {
        "summary": s, "as_of": d(s["as_of"]), "today": d(s.get("today")),
        "fy": s["fiscal_year"], "province": _fig(s["province"], lang), "by_type": by_type,
        "agencies": agencies, "late": late, "illustrative": s.get("illustrative_targets"),
        "targets_source": s.get("targets_source", ""), "files": files, "chart": chart,
        "history": [{"as_of": d(h["as_of"]), **_fig(h, lang)} for h in history],
        "behind": sum(1 for a in s["agencies"] if a["total"]["severity"] != "on_track"),
    }
