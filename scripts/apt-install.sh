#!/usr/bin/env bash
# Install the Debian packages listed in the given files (one per line, "#" comments) that
# are not installed yet. Needs root or sudo; without either it says what to run and fails.
#   bash scripts/apt-install.sh scripts/debian-ocr.txt [more lists...]
set -euo pipefail
packages=$(cat "$@" | grep -v '^#' | tr '\n' ' ')
missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done | tr '\n' ' ')
[ -z "${missing// /}" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null; then SUDO="sudo"
else
  echo "geosleuth: cannot install Debian packages (not root, no sudo); as root run:" >&2
  echo "  apt-get install $missing" >&2
  exit 1
fi
echo "Installing Debian packages: $missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
