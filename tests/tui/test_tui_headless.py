"""Textual stays inside the TUI: no other module imports it, and the session runs without it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ("geosleuth/tui/", "geosleuth/cli/investigate_cmd.py")
UI = {"textual", "textual_image"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_tui_imports_textual() -> None:
    offenders = []
    for folder in ("geosleuth", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(ALLOWED):
                continue
            if imported(path) & UI:
                offenders.append(rel)
    assert offenders == []


def test_the_session_and_resume_are_headless() -> None:
    code = (
        "import sys\n"
        "import geosleuth.cases.resume, geosleuth.cases.session, geosleuth.agent.investigator\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'textual_image'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_cli_help_does_not_load_textual() -> None:
    code = (
        "import sys\n"
        "import geosleuth.cli.app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'textual_image'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
