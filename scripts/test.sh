#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian machine, then run it.
#   bash scripts/test.sh            # the whole suite
#   bash scripts/test.sh -k fusion  # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -v '^#' scripts/debian-packages.txt | tr '\n' ' ')
missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing Debian packages: $missing"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[all,test]'
.venv/bin/python -m ruff check .
# The TUI in a real terminal (tmux at 80x24): what a person would see.
.venv/bin/python tests/tui/smoke_tmux.py
exec .venv/bin/python -m pytest -q "$@"
