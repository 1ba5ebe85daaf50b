"""Feeds read in Thai on a phone: calendar display names (X-WR-CALNAME) from settings with Thai
defaults, CATEGORIES as Thai words."""

from __future__ import annotations

from calendar_sync.model import CATEGORY_LABELS
from calendar_sync.settings import SyncSettings
from schedule_engine.i18n import t


def test_default_display_names_are_thai(lang_th):
    s = SyncSettings.from_mapping({"agency_calendars": {"สำนักงานจังหวัดขอนแก่น": "office"}})
    names = s.display_names()
    assert names["province"] == "ปฏิทินจัดซื้อจัดจ้างจังหวัด"
    assert names["executives"].startswith("ผู้บริหาร")
    assert names["office"] == "จัดซื้อจัดจ้าง — สำนักงานจังหวัดขอนแก่น"


def test_display_names_from_settings_win(lang_th):
    s = SyncSettings.from_mapping({"calendar_names": {"province": "ปฏิทินจัดซื้อฯ ขอนแก่น"}})
    assert s.display_names()["province"] == "ปฏิทินจัดซื้อฯ ขอนแก่น"


def test_english_display_names(lang_en):
    assert SyncSettings().display_names()["province"] == "Provincial procurement calendar"


def test_categories_are_thai_words(lang_th):
    assert t(CATEGORY_LABELS["late"]) == "ล่าช้า"
    assert t(CATEGORY_LABELS["due_soon"]) == "ใกล้ถึงกำหนด"


def test_ics_feed_carries_thai_names(tmp_path, lang_th):
    from calendar_sync.runner import open_backend

    be = open_backend(SyncSettings(out_dir=tmp_path), backend="ics")
    assert be.calendar_names["province"] == "ปฏิทินจัดซื้อจัดจ้างจังหวัด"
