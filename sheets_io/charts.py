"""PNG charts for executives: agencies' disbursement against the target line per budget type, and
the province's progress over the fiscal year's quarters. Thai labels, Buddhist-Era dates.

Thai glyphs come from the Sarabun font that procal's own install brings (PyPI ``fontpkg-sarabun``):
:func:`register_thai_font` adds its ``.ttf`` files to matplotlib's font manager, so no picture ever
shows tofu boxes, whatever fonts the machine has.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from schedule_engine.dates import THAI_MONTHS_SHORT, fiscal_year_bounds, format_thai_date, quarter_bounds  # noqa: E402
from schedule_engine.errors import TargetsError  # noqa: E402
from schedule_engine.model import BudgetType  # noqa: E402
from schedule_engine.reconcile import Figures, Reconciliation, Severity, pct2  # noqa: E402
from schedule_engine.targets import BUDGET_TYPE_TH, Measure, TargetTable  # noqa: E402
from schedule_engine.thaitext import truncate, wrap  # noqa: E402

FONT_FAMILY = "Sarabun"
# Okabe–Ito colours, told apart by readers with colour-vision deficiency, and a hatch per status so
# a grey print or a colour-blind reader still sees it (each bar's label also says the status)
SEVERITY_COLOURS = {
    Severity.ON_TRACK: "#009E73",  # bluish green
    Severity.WATCH: "#56B4E9",  # sky blue
    Severity.BEHIND: "#E69F00",  # orange
    Severity.CRITICAL: "#CC79A7",  # reddish purple
}
SEVERITY_HATCHES = {
    Severity.ON_TRACK: "",
    Severity.WATCH: "..",
    Severity.BEHIND: "//",
    Severity.CRITICAL: "xx",
}
TARGET_COLOUR = "#000000"
_registered: list[Path] = []


def thai_font_files() -> list[Path]:
    """The Sarabun ``.ttf`` files shipped by ``fontpkg-sarabun``."""
    try:
        root = resources.files("fontpkg_sarabun")
    except ModuleNotFoundError as exc:  # pragma: no cover - it is a dependency
        raise RuntimeError("the Thai font package fontpkg-sarabun is not installed; "
                           "reinstall procal with its dependencies (pip install the procal-th wheel again)") from exc
    files = sorted(Path(str(p)) for p in Path(str(root)).rglob("*.ttf"))
    if not files:  # pragma: no cover
        raise RuntimeError(f"no .ttf files found in {root}")
    return files


def register_thai_font() -> str:
    """Register Sarabun with matplotlib (once) and make it the default family. Returns the family."""
    if not _registered:
        for f in thai_font_files():
            font_manager.fontManager.addfont(str(f))
            _registered.append(f)
    matplotlib.rcParams["font.family"] = FONT_FAMILY
    matplotlib.rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY


def _f(v: Decimal) -> float:
    return float(pct2(v))


def _short(name: str, width: int = 26, short_names: Mapping[str, str] | None = None) -> str:
    """The agency's configured short name (``[reconcile] short_names``), else its name with the
    usual abbreviations, wrapped at Thai word boundaries onto at most three lines."""
    if short_names and name in short_names:
        name = short_names[name]
    else:
        name = " ".join(name.replace("สำนักงาน", "สนง.").replace("จังหวัด", " จ.").split())
    lines = wrap(name, width)
    if len(lines) > 3:
        lines = lines[:2] + [truncate(" ".join(lines[2:]), width)]
    return "\n".join(lines)


def agencies_chart(recon: Reconciliation, budget_type: BudgetType | None, path: Path,
                   short_names: Mapping[str, str] | None = None) -> Path | None:
    """Horizontal bars: each agency's disbursement % (coloured by severity) against the target line.

    ``budget_type=None`` charts each agency's total. Returns None when no agency has that type.
    """
    register_thai_font()
    rows: list[tuple[str, Figures]] = []
    for a in recon.agencies:
        if budget_type is None:
            rows.append((a.agency, a.total))
        else:
            for ln in a.lines:
                if ln.budget_type is budget_type:
                    rows.append((a.agency, ln.figures))
    if not rows:
        return None
    rows.sort(key=lambda r: r[1].disbursement_pct)
    names = [_short(n, short_names=short_names) for n, _ in rows]
    values = [_f(f.disbursement_pct) for _, f in rows]
    targets = [_f(f.disbursement_target_pct) for _, f in rows]
    sevs = [f.severity for _, f in rows]
    line_count = sum(n.count("\n") + 1 for n in names)
    height = max(3.6, 0.32 * line_count + 0.25 * len(rows) + 2.2)
    fig, ax = plt.subplots(figsize=(10, height), dpi=110)
    bars = ax.barh(names, values, color=[SEVERITY_COLOURS[s] for s in sevs],
                   hatch=None, edgecolor="#333333", linewidth=0.6)
    for bar, sev in zip(bars, sevs, strict=True):
        bar.set_hatch(SEVERITY_HATCHES[sev])
    # the target (one value per bar: weighted targets may differ between agencies)
    for i, t in enumerate(targets):
        ax.plot([t, t], [i - 0.45, i + 0.45], color=TARGET_COLOUR, linewidth=2.2)
    top = max(values + targets)
    xmax = max(100.0, top * 1.12) if top > 60 else top * 1.6 + 2
    if len(set(targets)) == 1:
        ax.axvline(targets[0], color=TARGET_COLOUR, linewidth=1, linestyle="--")
        # the label sits above the plot, beside the line, never on it
        ax.annotate(f"เป้าหมาย {targets[0]:.2f}%", (targets[0], 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, 4), textcoords="offset points", fontsize=9, ha="left", va="bottom",
                    color=TARGET_COLOUR)
        target_label = f"เป้าหมาย {targets[0]:.2f}%"
    else:
        target_label = "เป้าหมายของแต่ละหน่วยงาน"
    for bar, v, t, sev in zip(bars, values, targets, sevs, strict=True):
        # after the bar and its target mark, so the mark never crosses the text
        ax.text(max(v, t) + xmax * 0.01, bar.get_y() + bar.get_height() / 2,
                f"{v:.2f}% · {sev.label_th}", va="center", fontsize=8.5)
    label = BUDGET_TYPE_TH[budget_type] if budget_type else "ภาพรวมหน่วยงาน"
    ax.set_title(f"ผลการเบิกจ่าย{label} เทียบเป้าหมาย — ข้อมูล ณ {format_thai_date(recon.as_of)} "
                 f"(ปีงบประมาณ {recon.fiscal_year})", fontsize=12, pad=18)
    ax.set_xlabel("ร้อยละการเบิกจ่ายของงบที่ได้รับจัดสรร")
    ax.set_xlim(0, xmax)
    ax.tick_params(axis="y", labelsize=8.5)
    handles = [Patch(facecolor=SEVERITY_COLOURS[s], hatch=SEVERITY_HATCHES[s], edgecolor="#333333",
                     label=s.label_th) for s in SEVERITY_COLOURS]
    handles.append(Line2D([], [], color=TARGET_COLOUR, linewidth=2.2, label=target_label))
    # the legend goes under the plot, where it can never cover a bar or its label
    bottom = 1.0 / height  # about an inch for the legend and the note under it
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8.5,
               frameon=False, title="สถานะ (สีและลาย)", title_fontsize=8.5,
               bbox_to_anchor=(0.5, 0.3 * bottom))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    return _save(fig, path, illustrative=recon.illustrative_targets, layout=False)


def _save(fig, path: Path, *, illustrative: bool, layout: bool = True) -> Path:
    """Mark illustrative targets on the figure, lay it out, write the PNG and free the figure."""
    if illustrative:
        fig.text(0.01, 0.005, "เป้าหมายตัวอย่าง (ILLUSTRATIVE) ไม่ใช่มติคณะรัฐมนตรี", fontsize=8,
                 color="#D55E00")
    if layout:
        fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def province_progress_chart(recon: Reconciliation, targets: TargetTable,
                            history: Sequence[tuple[date, Figures]], path: Path) -> Path:
    """The province's cumulative disbursement % over the fiscal year against the target path
    (quarter-end targets weighted by the province's allocation per budget type, the pro-rata line
    between them)."""
    register_thai_font()
    fy = recon.fiscal_year
    first, last = fiscal_year_bounds(fy)
    fig, ax = plt.subplots(figsize=(10, 5.2), dpi=110)
    days = [first - timedelta(days=1)]
    target_line = [0.0]
    q_points = []
    weights = {bt: f.allocated for bt, f in recon.by_budget_type if f.allocated > 0}
    total = sum(weights.values()) or Decimal(1)
    for q in (1, 2, 3, 4):
        q_end = quarter_bounds(fy, q)[1]
        try:  # the province's target: allocation-weighted over its budget types
            t = float(sum(targets.quarter_end(Measure.DISBURSEMENT, bt, q) * w
                          for bt, w in weights.items()) / total)
        except TargetsError:
            break
        days.append(q_end)
        target_line.append(t)
        q_points.append((q_end, t, q))
    ax.plot(days, target_line, color="#1a237e", linestyle="--", linewidth=1.5,
            label="เป้าหมายสะสม (ถ่วงน้ำหนักตามงบที่ได้รับจัดสรรแต่ละประเภท)")
    for d, t, q in q_points:
        ax.scatter([d], [t], color="#1a237e", zorder=3)
        ax.annotate(f"ไตรมาส {q}: {t:.2f}%", (d, t), textcoords="offset points", xytext=(-75, 6),
                    fontsize=9, color="#1a237e")
    hist = sorted(history)
    if hist:
        xs = [first - timedelta(days=1)] + [d for d, _ in hist]
        ys = [0.0] + [_f(f.disbursement_pct) for _, f in hist]
        ax.plot(xs, ys, color="#0072B2", linewidth=2.5, marker="o", label="ผลการเบิกจ่ายจังหวัด")
        for (d, f) in hist:
            ax.annotate(f"{_f(f.disbursement_pct):.2f}%\n(เป้า {_f(f.disbursement_target_pct):.2f}%)",
                        (d, _f(f.disbursement_pct)), textcoords="offset points", xytext=(8, 6),
                        fontsize=9, color="#0072B2")
    ticks = []
    d = first
    while d <= last:
        ticks.append(d)
        d = date(d.year + (d.month // 12), d.month % 12 + 1, 1)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{THAI_MONTHS_SHORT[t.month - 1]}\n{t.year + 543}" for t in ticks], fontsize=8)
    ax.set_xlim(first - timedelta(days=3), last + timedelta(days=3))
    ax.set_ylim(0, 105)
    ax.set_ylabel("ร้อยละการเบิกจ่ายสะสม")
    ax.set_title(f"ความก้าวหน้าการเบิกจ่ายงบประมาณของจังหวัด ปีงบประมาณ พ.ศ. {fy} "
                 f"(ข้อมูล ณ {format_thai_date(recon.as_of)})", fontsize=12)
    for q in (1, 2, 3):
        ax.axvline(quarter_bounds(fy, q)[1], color="#9e9e9e", linewidth=0.6, alpha=0.6)
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(alpha=0.3)
    return _save(fig, path, illustrative=recon.illustrative_targets)


def write_charts(recon: Reconciliation, targets: TargetTable,
                 history: Sequence[tuple[date, Figures]], out_dir: Path,
                 short_names: Mapping[str, str] | None = None) -> list[Path]:
    """Every chart into ``out_dir``; returns the files written."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    for bt, name in ((None, "agencies-total"), (BudgetType.RECURRENT, "agencies-recurrent"),
                     (BudgetType.INVESTMENT, "agencies-investment")):
        p = agencies_chart(recon, bt, out_dir / f"{name}.png", short_names)
        if p:
            written.append(p)
    written.append(province_progress_chart(recon, targets, history, out_dir / "province-progress.png"))
    return written
