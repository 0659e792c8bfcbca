"""The core is headless: importing it loads no UI package."""

import subprocess
import sys

CORE = [
    "geosleuth.model",
    "geosleuth.geo",
    "geosleuth.fusion",
    "geosleuth.tools",
    "geosleuth.agent.loop",
    "geosleuth.agent.run",
    "geosleuth.backends",
    "geosleuth.investigation",
    "geosleuth.report.writer",
]


def test_importing_the_core_loads_no_ui_package() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "from geosleuth.agent.run import registry\n"
        "registry()\n"
        "ui = {'textual', 'rich', 'typer', 'click'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & ui))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
