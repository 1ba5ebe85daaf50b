"""The province dashboard's data: the last run's ``reports/summary.json``, shaped for the page.

Everything here is computed once per *version* of the summary file (its inode, size and mtime in
ns, taken from the open file so the version and the bytes read always agree) and per language, so
a request for an unchanged summary costs a ``stat`` and dict look-ups. The page lists only the
worst :data:`LATE_SHOWN` late milestones; :func:`late_page` pages through all of them (a
province-scale run has thousands), formatting only the rows of the page asked for.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

from schedule_engine import format_date

SUMMARY_NAME = "summary.json"
LATE_SHOWN = 50  # late milestones on /province, worst first; all of them on /province/late
LATE_PAGE = 200  # rows per page of /province/late
RISK_SHOWN = 50  # early-warning projects on /province (AT_RISK first, soonest action first)
RISK = {  # forecast state -> Thai, English, css, mark
    "at_risk": ("เสี่ยงไม่ทัน", "at risk", "behind", "!!"),
    "lost": ("ไม่ทันกำหนดแล้ว", "lost", "critical", "!!!"),
}
SEVERITY = {
    "on_track": ("ตามเป้าหมาย", "on track", "ok", "✓"),
    "watch": ("ต่ำกว่าเป้าหมายเล็กน้อย", "slightly behind", "watch", "!"),
    "behind": ("ต่ำกว่าเป้าหมาย", "behind", "behind", "!!"),
    "critical": ("ต่ำกว่าเป้าหมายมาก", "far behind", "critical", "!!!"),
}
TYPE_EN = {"recurrent": "Recurrent", "investment": "Investment", "overall": "Overall"}

# path -> (version key, parsed summary); path, lang -> (version key, page context)
_cache: dict[str, tuple[tuple, dict]] = {}
_ctx_cache: dict[tuple[str, str], tuple[tuple, dict]] = {}
_lock = threading.Lock()


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def summary_version(reports_dir: Path) -> tuple[int, int, int] | None:
    """The version key of the summary file now (None when there is none): what the caches and
    the page's ETag follow."""
    try:
        return _key(os.stat(Path(reports_dir) / SUMMARY_NAME))
    except OSError:
        return None


def load_versioned(reports_dir: Path) -> tuple[tuple | None, dict | None]:
    """(version key, summary) of the summary file; read and parsed only when its version
    changed. (None, None) without a readable version-1 summary."""
    path = Path(reports_dir) / SUMMARY_NAME
    key = summary_version(reports_dir)
    if key is None:
        return None, None
    hit = _cache.get(str(path))
    if hit and hit[0] == key:
        return hit
    try:
        with open(path, "rb") as fh:
            key = _key(os.fstat(fh.fileno()))  # the version of exactly the bytes read
            raw = fh.read()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return None, None
    if not isinstance(data, dict) or data.get("version") != 1:
        return None, None
    with _lock:
        _cache[str(path)] = (key, data)
    return key, data


def load_summary(reports_dir: Path) -> dict | None:
    return load_versioned(reports_dir)[1]


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


def _day(iso: str | None, lang: str) -> str:
    return format_date(date.fromisoformat(iso), lang, long=True) if iso else ""


def _late_rows(rows: list[dict], lang: str) -> list[dict]:
    return [{**m, "planned_text": _day(m.get("planned"), lang)} for m in rows]


def _worst_first(s: dict) -> list[dict]:
    """The summary's late milestones, worst first (``procal run`` writes them so; a stable sort
    keeps that order and orders a summary written by another tool)."""
    return sorted(s.get("late_milestones") or [], key=lambda m: -m.get("slip_working_days", 0))


def _forecast(s: dict, lang: str) -> dict | None:
    """The early warning the run wrote (``forecast`` in the summary), or None."""
    fc = s.get("forecast")
    if not isinstance(fc, dict):
        return None
    th = lang == "th"
    rows = []
    projects = fc.get("projects") or []
    for p in projects[:RISK_SHOWN]:
        label_th, label_en, css, mark = RISK.get(p.get("state"), (p.get("state"), p.get("state"),
                                                                  "watch", "?"))
        lost = p.get("lost_by_working_days") or 0
        if p.get("state") == "lost":
            todo = (f"ช้ากว่ากำหนด {lost} วันทำการ แม้ใช้ระยะเวลาขั้นต่ำตามกฎหมาย" if th else
                    f"{lost} working days after the deadline even at the legal minimums")
        else:
            todo = p.get("action_th" if th else "action_en") or ""
        rows.append({**p, "status": {"label": label_th if th else label_en, "css": css,
                                     "mark": mark},
                     "todo": todo, "expected_text": _day(p.get("expected_contract"), lang),
                     "deadline_text": _day(p.get("deadline"), lang),
                     "deadline_label": p.get("deadline_th" if th else "deadline_en") or ""})
    counts = fc.get("counts") or {}
    return {"rows": rows, "total": len(projects), "at_risk": counts.get("at_risk", 0),
            "lost": counts.get("lost", 0), "on_track": counts.get("on_track", 0),
            "done": counts.get("done", 0)}


def dashboard_context(reports_dir: Path, lang: str) -> dict:
    """What /province shows; computed once per summary version and language."""
    key, s = load_versioned(reports_dir)
    if s is None:
        return {"summary": None, "version": None}
    ck = (str(Path(reports_dir)), lang)
    hit = _ctx_cache.get(ck)
    if hit and hit[0] == key:
        return hit[1]
    th = lang == "th"
    agencies = []
    for a in s["agencies"]:
        lines = [{"type": ln["label_th"] if th else TYPE_EN.get(ln["budget_type"], ln["budget_type"]),
                  **_fig(ln, lang)} for ln in a["lines"]]
        agencies.append({"name": a["agency"], "rank": a["rank"], "total": _fig(a["total"], lang),
                         "lines": lines, "late": a["late_milestones"],
                         "worst": _status(a["worst_severity"], lang)})
    late_all = _worst_first(s)
    by_type = [{"type": x["label_th"] if th else TYPE_EN.get(x["budget_type"], x["budget_type"]),
                **_fig(x, lang)} for x in s["by_budget_type"]]
    history = s.get("history") or []
    files = [f for f in s.get("report_files", []) if f != SUMMARY_NAME]
    chart = "charts/province-progress.png" if "charts/province-progress.png" in files else None
    ctx = {
        "summary": s, "version": key, "as_of": _day(s["as_of"], lang),
        "today": _day(s.get("today"), lang),
        "fy": s["fiscal_year"], "province": _fig(s["province"], lang), "by_type": by_type,
        "agencies": agencies, "late": _late_rows(late_all[:LATE_SHOWN], lang),
        "late_total": len(late_all), "illustrative": s.get("illustrative_targets"),
        "targets_source": s.get("targets_source", ""), "files": files, "chart": chart,
        "history": [{"as_of": _day(h["as_of"], lang), **_fig(h, lang)} for h in history],
        "behind": sum(1 for a in s["agencies"] if a["total"]["severity"] != "on_track"),
        "forecast": _forecast(s, lang),
    }
    with _lock:
        _ctx_cache[ck] = (key, ctx)
    return ctx


def late_page(reports_dir: Path, lang: str, page: int = 1, agency: str | None = None) -> dict:
    """One page of every late milestone, worst first (optionally one agency's)."""
    key, s = load_versioned(reports_dir)
    if s is None:
        return {"summary": None, "version": None}
    late = _worst_first(s)
    if agency:
        late = [m for m in late if m.get("agency") == agency]
    pages = max(1, -(-len(late) // LATE_PAGE))
    page = min(max(1, page), pages)
    first = (page - 1) * LATE_PAGE
    return {"summary": s, "version": key, "as_of": _day(s["as_of"], lang), "fy": s["fiscal_year"],
            "late": _late_rows(late[first:first + LATE_PAGE], lang), "late_total": len(late),
            "page": page, "pages": pages, "first": first + 1 if late else 0,
            "last": min(first + LATE_PAGE, len(late)), "agency": agency or ""}
