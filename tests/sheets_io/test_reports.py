"""Report workbook and PNG charts: figures in the xlsx, Thai glyphs rendered with Sarabun."""

import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from schedule_engine.errors import InputError, Location
from schedule_engine.model import BudgetType
from schedule_engine.reconcile import DisbursementRecord, LateMilestone, province_history, reconcile
from schedule_engine.targets import load_targets

R, I = BudgetType.RECURRENT, BudgetType.INVESTMENT


def _recon():
    d = date(2022, 6, 30)  # Q3 end FY2565: recurrent 79, investment 46
    recs = [
        DisbursementRecord("สำนักงานจังหวัด", R, "งบจังหวัด", Decimal(1000), Decimal(0), Decimal(900), d),
        DisbursementRecord("แขวงทางหลวง", I, "งบส่วนราชการ", Decimal(2000), Decimal(500), Decimal(400), d),
        DisbursementRecord("แขวงทางหลวง", I, "งบส่วนราชการ", Decimal(2000), Decimal(500), Decimal(200), date(2022, 3, 31)),
    ]
    late = [LateMilestone("แขวงทางหลวง", "P-9", "ถนนลาดยาง", "contract_signing", "ลงนามสัญญา",
                          date(2022, 6, 1), 12)]
    t = load_targets(2565)
    latest = recs[:2]
    return reconcile(latest, t, mode="quarter_end", late=late), t, province_history(recs, t, mode="quarter_end")


def test_workbook_holds_agencies_targets_and_late_milestones(tmp_path):
    from sheets_io.reports import write_report

    recon, t, history = _recon()
    assert [d for d, _ in history] == [date(2022, 3, 31), date(2022, 6, 30)]
    err = InputError("disbursed is more than the allocation", value=5, hint="check GFMIS").at(
        Location(sheet="เบิกจ่าย", row=7, column="เบิกจ่าย"))
    files = write_report(recon, t, tmp_path, history=history, problems=[err], today=date(2022, 7, 5),
                         charts=False)
    wb = openpyxl.load_workbook(files.workbook)
    assert files.workbook.name == "disbursement-2565-06.xlsx"
    rows = list(wb["หน่วยงาน"].iter_rows(values_only=True))
    assert "30 มิ.ย. 2565" in rows[0][0]
    data = [r for r in rows if isinstance(r[0], int)]
    assert [r[1] for r in data] == ["สำนักงานจังหวัด", "แขวงทางหลวง"]
    hw = data[1]
    # 400 of 2000 = 20 % against 46 % → 26 pp behind, 520 baht to disburse; spending 45 % vs 81.65
    assert hw[5] == 20.0 and hw[6] == 46.0 and hw[7] == -26.0 and hw[8] == 520.0
    assert hw[12] == "ต่ำกว่าเป้าหมายมาก" and hw[13] == 1
    late = [r for r in wb["ขั้นตอนล่าช้า"].iter_rows(values_only=True) if r[1] == "P-9"]
    assert late and late[0][5].date() == date(2022, 6, 1) and late[0][6] == 12  # a real date
    errs = [r for r in wb["ข้อผิดพลาด"].iter_rows(values_only=True) if r[1] == 7]
    assert errs and "allocation" in errs[0][4]


def test_sarabun_is_registered_and_thai_renders_without_missing_glyphs(tmp_path):
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    from sheets_io.charts import register_thai_font, thai_font_files, write_charts

    family = register_thai_font()
    resolved = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    assert Path(resolved) in thai_font_files()
    assert "Sarabun" in Path(resolved).name
    recon, t, history = _recon()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = write_charts(recon, t, history, tmp_path)
    glyph = [w for w in caught if "missing" in str(w.message).lower() or "glyph" in str(w.message).lower()]
    assert not glyph, [str(w.message) for w in glyph]
    names = {p.name for p in files}
    assert names == {"agencies-total.png", "agencies-recurrent.png", "agencies-investment.png",
                     "province-progress.png"}
    for p in files:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10_000


def test_a_font_without_thai_would_be_caught(tmp_path):
    """The glyph check above can fail: DejaVu Sans has no Thai, and matplotlib says so."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("เบิกจ่าย", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "x.png")
    plt.close(fig)
    assert any("missing" in str(w.message).lower() for w in caught)
