"""The core is headless: importing every module outside the UI loads no UI package."""

import pkgutil
import subprocess
import sys

import geosleuth

UI_PACKAGES = ("geosleuth.tui", "geosleuth.cli", "geosleuth.__main__")


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(geosleuth.__path__, "geosleuth.")]
    return sorted(n for n in names if not n.startswith(UI_PACKAGES))


def test_the_core_is_most_of_the_package() -> None:
    core = core_modules()
    assert "geosleuth.cases.runner" in core and "geosleuth.cases.session" in core
    assert len(core) > 100


def test_importing_the_core_loads_no_ui_package() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}: importlib.import_module(name)\n"
        "from geosleuth.cases.wiring import registry\n"
        "registry()\n"
        "ui = {'textual', 'rich', 'typer', 'click'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & ui))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
