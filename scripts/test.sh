#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian machine, then run it.
#   bash scripts/test.sh            # the whole suite
#   bash scripts/test.sh -k fusion  # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/apt-install.sh scripts/debian-ocr.txt scripts/debian-packages.txt

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[all,test]'
# The training recipe's smoke test (tests/training): torch's CPU build first, so that the
# "training" extra does not bring a CUDA build (pip takes 2.13.0 from the machine's disk).
.venv/bin/python -m pip install -q 'torch==2.13.0' -e '.[training]'
.venv/bin/python -m ruff check .
# The TUI in a real terminal (tmux at 80x24): what a person would see.
.venv/bin/python tests/tui/smoke_tmux.py
exec .venv/bin/python -m pytest -q "$@"
