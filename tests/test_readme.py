"""The README's quick-start test command and .ci/run must stay the same command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = text.split("```")
    # code blocks are the odd-indexed pieces; first line may be a language tag
    cmds = []
    for block in blocks[1::2]:
        lines = block.strip("\n").splitlines()
        if lines and lines[0].strip() in ("sh", "bash", "console", "shell"):
            lines = lines[1:]
        cmds.extend(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return cmds


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert len(ci_lines) == 1
    assert ci_lines[0] in _readme_commands()[:2]
    assert "pytest" in ci_lines[0]


def test_readme_first_command_runs_the_main_job():
    first = _readme_commands()[0]
    assert "pip install" in first and ".venv/bin/procal" in first
