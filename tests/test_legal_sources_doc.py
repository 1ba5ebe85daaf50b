"""docs/legal-sources.md lists every rule entry of the shipped rulebook (generated table, so it cannot
drift) and stands alone (no citation of files outside the repository).

Regenerate the table after a deliberate rulebook change with:
    PROCAL_REGEN_DOCS=1 pytest tests/test_legal_sources_doc.py
"""

import os
import re
from datetime import date
from pathlib import Path

from schedule_engine import default_rulebook

DOC = Path(__file__).resolve().parents[1] / "docs" / "legal-sources.md"
START, END = "<!-- rulebook-table:start -->", "<!-- rulebook-table:end -->"


def _when(r) -> str:
    a = "" if r.effective_from == date.min else r.effective_from.isoformat()
    b = "" if r.effective_to == date.max else r.effective_to.isoformat()
    return f"{a} – {b}" if b else f"from {a}"


def rulebook_table() -> str:
    rows = ["| method | step | tiers | in force | unit | min | default | max | legal reference | conf. |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for m in default_rulebook().methods:
        for r in sorted(m.rules, key=lambda r: (r.order, r.effective_from)):
            tiers = "all" if r.tiers is None else ", ".join(sorted(r.tiers))
            mn = "**unknown**" if r.min_days is None else str(r.min_days)
            flags = []
            if r.optional:
                flags.append("optional, " + ("on" if r.default_on else "off"))
            if r.branch:
                flags.append("if an appeal is filed")
            if r.requires:
                flags.append(f"with {r.requires}")
            step = r.code + (f" ({'; '.join(flags)})" if flags else "")
            rows.append(f"| {m.code} | {step} | {tiers} | {_when(r)} | {r.unit} | {mn} | "
                        f"{r.default_days} | {'' if r.max_days is None else r.max_days} | "
                        f"{r.legal_ref.replace('|', '/')} | {r.confidence} |")
    return "\n".join(rows)


def test_doc_table_lists_every_rule_entry():
    text = DOC.read_text(encoding="utf-8")
    table = rulebook_table()
    if os.environ.get("PROCAL_REGEN_DOCS"):
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = f"{head}{START}\n{table}\n{END}{tail}"
        DOC.write_text(text, encoding="utf-8")
    got = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert got == table, "docs/legal-sources.md is out of date: PROCAL_REGEN_DOCS=1 pytest " + __file__


def test_docs_do_not_cite_files_outside_the_repository():
    root = DOC.parent.parent
    for path in [*sorted((root / "docs").glob("*.md")), root / "README.md", root / "config" / "README.md",
                 root / "config" / "procurement_methods.toml", root / "config" / "holidays.toml"]:
        text = path.read_text(encoding="utf-8")
        for bad in ("procurement-rules.md", "timeline-semantics.md", "/work/shared"):
            assert bad not in text, f"{path.name} cites {bad}, which users of the repository do not have"


def test_doc_explains_every_confidence_letter_and_every_unknown_minimum():
    text = DOC.read_text(encoding="utf-8")
    for letter in "PTSU":
        assert re.search(rf"\*\*{letter}\*\*", text), letter
    for m in default_rulebook().methods:
        assert f"`{m.code}`" in text, m.code
