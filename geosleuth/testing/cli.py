"""Running the ``geosleuth`` command in a child process, as a user would, for the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m geosleuth ARGS`` with its output captured (never raises on its exit code)."""
    return subprocess.run([sys.executable, "-m", "geosleuth", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
