"""``[scoring]`` in procal.toml: the criteria file, where scores appear, and follow-up groups.

    [scoring]
    criteria = "scoring-2570.toml"   # default: the shipped, illustrative config/scoring/default.toml
    enabled = true                   # score on every `procal run`
    write_back = false               # write the คะแนน tab back to the sheet (like `status`)
    summary_event = true             # the quarterly scoreboard event on the executives' calendar
    followup_column = "กลุ่มติดตาม"   # optional: group membership from this column of the
                                     # disbursement tab (in addition to the groups below)
    followup_proposals = true        # meeting proposals on group calendars

    [[scoring.groups]]               # follow-up groups (กลุ่มติดตามเร่งรัด)
    name = "กลุ่มโครงสร้างพื้นฐาน"
    lead = "แขวงทางหลวงขอนแก่นที่ 1"
    calendar = "followup-infra"       # a calendar key ([sync.google_calendars] / ICS feed name)
    members = ["แขวงทางหลวงขอนแก่นที่ 1", "แขวงทางหลวงชนบทขอนแก่น"]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from schedule_engine.errors import ConfigError

KEYS = {"criteria", "enabled", "write_back", "summary_event", "followup_column",
        "followup_proposals", "groups"}


@dataclass(frozen=True)
class GroupSetting:
    name: str
    lead: str
    members: tuple[str, ...]
    calendar: str | None = None


@dataclass(frozen=True)
class ScoringSettings:
    """``[scoring]``: agency scoring (PTS) and follow-up groups (docs/scoring.md)."""

    criteria: Path | None = None  # a province's criteria .toml (unset: the illustrative default)
    enabled: bool = True  # score the agencies on every `procal run`
    write_back: bool = False  # also write the คะแนน tab back to the sheet (like status)
    summary_event: bool = True  # quarterly scoreboard event on the executives' calendar
    followup_column: str | None = None  # group membership from this column of the disbursement tab
    followup_proposals: bool = True  # follow-up meeting proposals on the groups' calendars
    groups: tuple[GroupSetting, ...] = ()  # [[scoring.groups]] name, lead, members, calendar


def scoring_from_mapping(data: Mapping[str, Any], base: Path, file: str | None) -> ScoringSettings:
    label = file or "procal.toml"

    def bad(key: str, msg: str) -> ConfigError:
        return ConfigError(msg, file=label, key=f"scoring.{key}")

    for k in data:
        if k not in KEYS:
            raise bad(k, f"unknown setting; known: {', '.join(sorted(KEYS))}")
    kw: dict[str, Any] = {}
    if "criteria" in data:
        v = data["criteria"]
        if not isinstance(v, str) or not v.strip():
            raise bad("criteria", f"must be the path of a criteria .toml file, got {v!r}")
        p = Path(v).expanduser()
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            raise bad("criteria", f"file {p} does not exist (copy config/scoring/default.toml "
                                  f"from procal's source as a start)")
        kw["criteria"] = p
    for k in ("enabled", "write_back", "summary_event", "followup_proposals"):
        if k in data:
            if not isinstance(data[k], bool):
                raise bad(k, f"must be true or false, got {data[k]!r}")
            kw[k] = data[k]
    if "followup_column" in data:
        v = data["followup_column"]
        if not isinstance(v, str) or not v.strip():
            raise bad("followup_column", "must be a column header, e.g. \"กลุ่มติดตาม\"")
        kw["followup_column"] = v.strip()
    groups = []
    raw = data.get("groups", [])
    if not isinstance(raw, list):
        raise bad("groups", "must be an array of tables ([[scoring.groups]])")
    seen_members: dict[str, str] = {}
    for i, g in enumerate(raw):
        key = f"groups[{i}]"
        if not isinstance(g, Mapping):
            raise bad(key, "must be a table with name, lead, members and optionally calendar")
        for k in g:
            if k not in ("name", "lead", "members", "calendar"):
                raise bad(f"{key}.{k}", "unknown key; known: calendar, lead, members, name")
        name, lead = g.get("name"), g.get("lead")
        if not isinstance(name, str) or not name.strip():
            raise bad(f"{key}.name", "needs the group's name")
        if not isinstance(lead, str) or not lead.strip():
            raise bad(f"{key}.lead", "needs the lead agency")
        members = g.get("members", [])
        if not isinstance(members, list) or not all(isinstance(m, str) and m.strip()
                                                    for m in members):
            raise bad(f"{key}.members", "must be a list of agency names")
        for m in members:
            if m.strip() in seen_members:
                raise bad(f"{key}.members", f"{m!r} is already in group "
                                            f"{seen_members[m.strip()]!r}; an agency belongs to "
                                            f"one group")
            seen_members[m.strip()] = name.strip()
        cal = g.get("calendar")
        if cal is not None and (not isinstance(cal, str) or not cal.strip()):
            raise bad(f"{key}.calendar", "must be a calendar key")
        mem = tuple(m.strip() for m in members)
        if lead.strip() not in mem:
            mem = (lead.strip(), *mem)
        groups.append(GroupSetting(name.strip(), lead.strip(), mem,
                                   cal.strip() if cal else None))
    kw["groups"] = tuple(groups)
    return ScoringSettings(**kw)
