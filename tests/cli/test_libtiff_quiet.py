"""A TIFF libtiff refuses to decode gives geosleuth's one line on stderr, not libtiff's too
(found by benchmarks/fuzz.py)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

from geosleuth.testing import render_photo

COMPRESSION = 259


def fax_tiff(path: Path) -> Path:
    """An 8-bit TIFF marked CCITT Group 3 (compression 3): libtiff refuses it with
    'Fax3SetupState: Bits/sample must be 1 ...'."""
    render_photo(path, size=(64, 48))
    data = bytearray(path.read_bytes())
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack_from(f"{order}I", data, 4)[0]
    for i in range(struct.unpack_from(f"{order}H", data, ifd)[0]):
        at = ifd + 2 + 12 * i
        if struct.unpack_from(f"{order}H", data, at)[0] == COMPRESSION:
            struct.pack_into(f"{order}H", data, at + 8, 3)
    path.write_bytes(bytes(data))
    return path


def test_libtiff_prints_nothing_of_its_own(tmp_path: Path) -> None:
    photo = fax_tiff(tmp_path / "fax.tif")
    env = {**os.environ, "GEOSLEUTH_DISABLED_TOOLS": '["ocr_signage"]'}
    run = subprocess.run([sys.executable, "-m", "geosleuth", "locate", str(photo), "--json",
                          "--no-cache", "--out", str(tmp_path / "cases")], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geosleuth: ") and "fax.tif" in lines[0], lines
