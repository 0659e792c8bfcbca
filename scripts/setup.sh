#!/usr/bin/env bash
# Install geosleuth with the offline OCR it is measured with: Tesseract and its language
# packs (Debian packages, root or sudo) and a virtual environment in .venv.
#   bash scripts/setup.sh && .venv/bin/geosleuth locate PHOTO
# Without root or sudo the OCR packages are skipped with a warning: Latin, Chinese and
# Japanese are still read, and `geosleuth tools` names what is missing for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh scripts/debian-ocr.txt \
  || echo "geosleuth: continuing without Tesseract's packs; see \`geosleuth tools\`" >&2
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q '.[tesseract]'
