"""Issue 10, kinds 1 and 3: awkward files end in one line ``error: …`` naming the path (exit 2),
config files saved by Windows editors are read (or refused with "save as UTF-8"), and procal never
overwrites the agencies' own files."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from procal.output import filesystem_message
from procal.settings import load_settings
from schedule_engine.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
TOML = '[sheets]\nplans_tab = "แผนจัดซื้อจัดจ้าง"\nstatus_tab = "สถานะ"\n'


def procal(args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PROCAL_", "GOOGLE_")) and k not in ("COLUMNS", "LINES")}
    env.update(HOME=str(cwd / "home"), XDG_CONFIG_HOME=str(cwd / "xdg"),
               PROCAL_GOOGLE_API_ROOT="http://127.0.0.1:9/", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "procal", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def _one_error_line(res, *fragments):
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), res.stderr
    assert sum(ln.startswith("error: ") for ln in lines) == 1, res.stderr
    for f in fragments:
        assert f in lines[-1], lines[-1]


# ------------------------------------------------------------------ config files, any encoding
@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b"\xef\xbb\xbf"),       # Notepad "UTF-8 with BOM"
    ("utf-16-le", b"\xff\xfe"),       # Notepad "Unicode"
    ("utf-16-be", b"\xfe\xff"),       # "Unicode big endian"
    ("utf-16-le", b""),               # UTF-16 without its BOM
])
def test_config_saved_by_windows_editors_is_read(tmp_path, encoding, bom):
    p = tmp_path / "procal.toml"
    p.write_bytes(bom + TOML.encode(encoding))
    assert load_settings(p).sheets.status_tab == "สถานะ"


def test_config_in_a_legacy_encoding_is_refused_with_save_as_utf8(tmp_path):
    p = tmp_path / "procal.toml"
    p.write_bytes(TOML.encode("cp874"))
    with pytest.raises(ConfigError, match="UTF-8") as e:
        load_settings(p)
    assert str(p) in str(e.value)


def test_cli_reads_a_utf16_config_and_refuses_cp874_in_one_line(tmp_path):
    shutil.copy(ROOT / "examples" / "plans.xlsx", tmp_path / "plans.xlsx")
    (tmp_path / "u16.toml").write_bytes(b"\xff\xfe" + "[sheets]\nwrite_back = false\n".encode(
        "utf-16-le"))
    (tmp_path / "th.toml").write_bytes(TOML.encode("cp874"))
    ok = procal(["check", "plans.xlsx", "--config", "u16.toml"], tmp_path)
    assert ok.returncode == 1 and "Traceback" not in ok.stderr, ok.stderr  # row errors, no crash
    _one_error_line(procal(["check", "plans.xlsx", "--config", "th.toml"], tmp_path),
                    "th.toml", "UTF-8")
    _one_error_line(procal(["run", "--dry-run", "--config", "th.toml"], tmp_path),
                    "th.toml", "UTF-8")


# ------------------------------------------------------------------------- filesystem errors
def test_every_output_path_under_a_file_is_one_line_naming_it(tmp_path):
    shutil.copy(ROOT / "examples" / "plans.xlsx", tmp_path / "plans.xlsx")
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir.xlsx").mkdir()
    (tmp_path / "procal.toml").write_text(
        f'[targets]\ndirs = ["{(ROOT / "examples" / "targets").as_posix()}"]\n', encoding="utf-8")
    _one_error_line(procal(["export", "plans.xlsx", "--out", "afile/x.xlsx"], tmp_path), "afile")
    _one_error_line(procal(["export", "plans.xlsx", "--out", "adir.xlsx"], tmp_path), "adir.xlsx")
    _one_error_line(procal(["sync", "plans.xlsx", "--out", "afile/sub"], tmp_path), "afile")
    _one_error_line(procal(["run", "plans.xlsx", "--out", "afile", "--today", "2026-11-25"],
                           tmp_path), "afile")
    _one_error_line(procal(["report", "plans.xlsx", "--out", "afile/r", "--today", "2026-11-25"],
                           tmp_path), "afile")
    assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.parametrize("code, fragment", [
    (errno.EACCES, "permission denied"), (errno.ENOTDIR, "a file is in the way"),
    (errno.EEXIST, "a file is in the way"), (errno.EISDIR, "is a folder"),
    (errno.ENOSPC, "no space"), (errno.EROFS, "read-only"), (errno.EIO, "/x/y"),
])
def test_filesystem_message_names_the_path_thai_first(code, fragment):
    msg = filesystem_message(OSError(code, os.strerror(code), "/x/y"))
    assert msg.startswith("/x/y: ") and fragment in msg and "\n" not in msg
    assert ord(msg[len("/x/y: ")]) > 0x0E00  # Thai first


# ---------------------------------------------------------------- never overwrite the input
@pytest.mark.parametrize("out", ["plans.xlsx", "./sub/../plans.xlsx", "link.xlsx"])
def test_export_refuses_to_overwrite_its_own_input(tmp_path, out):
    src = tmp_path / "plans.xlsx"
    shutil.copy(ROOT / "examples" / "plans.xlsx", src)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.xlsx").symlink_to(src)
    before = src.read_bytes()
    _one_error_line(procal(["export", "plans.xlsx", "--out", out], tmp_path), Path(out).name)
    assert src.read_bytes() == before


# -------------------------------------------------------- one cell never stops the whole run
def _targets_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "procal.toml"
    cfg.write_text(f'[targets]\ndirs = ["{(ROOT / "examples" / "targets").as_posix()}"]\n',
                   encoding="utf-8")
    return cfg


def test_a_be_year_in_one_as_of_cell_is_a_row_error_and_the_rest_reconciles(tmp_path):
    from datetime import datetime

    import openpyxl
    from typer.testing import CliRunner

    from procal.cli import app

    src = tmp_path / "plans.xlsx"
    wb = openpyxl.load_workbook(ROOT / "examples" / "plans.xlsx")
    ws = wb["เบิกจ่าย"]
    good = [c.value for c in ws[2]]
    ws.append([*good[:6], datetime(2569, 10, 31)])  # 2569-10-31 typed into a date cell → FY3113
    ws.cell(row=ws.max_row, column=1).value = "หน่วยงานพิมพ์ปี พ.ศ."
    ws.append([*good[:6], "31/10/2568"])  # last year's typo
    ws.cell(row=ws.max_row, column=1).value = "หน่วยงานพิมพ์ปีผิด"
    wb.save(src)
    res = CliRunner().invoke(app, ["run", str(src), "--config", str(_targets_config(tmp_path)),
                                   "--out", str(tmp_path / "out"), "--today", "2026-11-25"])
    assert res.exit_code == 1, res.output  # finished, with row errors (not 2)
    assert "did you mean 31 ต.ค. 2569" in res.output
    assert "FY3113" not in res.output
    assert (tmp_path / "out" / "reports" / "disbursement-2570-10.xlsx").is_file()


def test_report_refuses_to_write_over_its_input(tmp_path):
    from typer.testing import CliRunner

    from procal.cli import app

    src = tmp_path / "disbursement-2570-10.xlsx"
    shutil.copy(ROOT / "examples" / "plans.xlsx", src)
    before = src.read_bytes()
    res = CliRunner().invoke(app, ["report", str(src), "--config", str(_targets_config(tmp_path)),
                                   "--out", str(tmp_path), "--today", "2026-11-25"])
    assert res.exit_code == 2 and "disbursement-2570-10.xlsx" in res.output, res.output
    assert src.read_bytes() == before


def test_messages_come_from_the_catalogue_in_english_on_request(lang_en):
    from sheets_io import parse_day_count

    msg = filesystem_message(OSError(errno.EACCES, "x", "/x/y"))
    no_thai = lambda text: not any("\u0e00" <= ch <= "\u0e7f" for ch in text)  # noqa: E731
    assert msg.startswith("/x/y: permission denied — ") and no_thai(msg)
    with pytest.raises(Exception) as e:
        parse_day_count("7.5")
    assert str(e.value).startswith("'7.5': days must be a whole number") and no_thai(str(e.value))


def test_a_folder_in_place_of_the_state_file_is_one_line(tmp_path):
    shutil.copy(ROOT / "examples" / "plans.xlsx", tmp_path / "plans.xlsx")
    (tmp_path / "out" / "procal-state.sqlite").mkdir(parents=True)
    _one_error_line(procal(["sync", "plans.xlsx", "--out", "out"], tmp_path), "state file")
