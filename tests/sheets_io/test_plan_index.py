"""PlanBook's lookups by project id follow plans replaced in place (routing, appeal branch)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sheets_io.plans import read_plans

ROOT = Path(__file__).resolve().parents[2]


def test_plan_lookup_sees_a_plan_replaced_in_place():
    book = read_plans(str(ROOT / "examples" / "plans.xlsx"))
    first = book.plans[0]
    assert book.plan(first.project_id) is first  # builds the index
    book.plans[0] = dataclasses.replace(first, calendar="elsewhere")
    book.changed()
    assert book.plan(first.project_id).calendar == "elsewhere"


def test_a_copied_book_with_a_new_list_does_not_reuse_the_old_lookups():
    import copy

    book = read_plans(str(ROOT / "examples" / "plans.xlsx"))
    pid = book.plans[0].project_id
    book.plan(pid)
    other = copy.copy(book)
    other.plans = [dataclasses.replace(p, calendar="x") for p in book.plans]
    assert other.plan(pid).calendar == "x"
    assert book.plan(pid).calendar != "x"
