"""Tesseract's word table (TSV) for an image, from its binary, as ``pytesseract`` reads it.

``pytesseract.image_to_data(image, lang, config, output_type=Output.DICT)`` does the same
(PNG in a temporary file, ``tesseract IN OUT -l LANG -c tessedit_create_tsv=1 CONFIG``, the
TSV read column by column), but importing pytesseract imports pandas when pandas is
installed (0.2-0.4 CPU-s and 35-85 MB on every photo whose lines Tesseract reads), and it
asks ``tesseract --version`` once per process first. The table returned here is the
one pytesseract returns: numbers as ints (``int(float(cell))``), the text column as read.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image


class TesseractError(RuntimeError):
    """Tesseract exited with an error: ``status`` and its message (as pytesseract's)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


def _png_ready(image: Image.Image) -> Image.Image:
    """``image`` with any alpha channel laid over white, as pytesseract does."""
    if "A" not in image.getbands():
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, (0, 0), image.getchannel("A"))
    return background


def table(tsv: str) -> dict[str, list[Any]]:
    """Columns of a Tesseract TSV: cells as ints where they are numbers, the last column
    (the text) as read (``pytesseract.file_to_dict``)."""
    result: dict[str, list[Any]] = {}
    rows = [row.split("\t") for row in tsv.strip().split("\n")]
    if len(rows) < 2:
        return result
    header = rows.pop(0)
    text_col = len(header) - 1
    if len(rows[-1]) < len(header):  # the last word's text empty: its cell is missing
        rows[-1].append("")
    for i, head in enumerate(header):
        column: list[Any] = []
        for row in rows:
            if len(row) <= i:
                continue
            if i == text_col:
                column.append(row[i])
                continue
            try:
                column.append(int(float(row[i])))
            except ValueError:
                column.append(row[i])
        result[head] = column
    return result


def image_to_data(image: Image.Image, lang: str, config: str = "") -> dict[str, list[Any]]:
    """Tesseract's word table for ``image`` read with the packs ``lang`` ("eng+deu")."""
    binary = shutil.which("tesseract") or "tesseract"
    with tempfile.TemporaryDirectory(prefix="geosleuth-tess-") as folder:
        source, base = Path(folder) / "input.png", Path(folder) / "out"
        _png_ready(image).save(source, format="PNG")
        cmd = [binary, str(source), str(base), "-l", lang, "-c", "tessedit_create_tsv=1",
               *shlex.split(config)]
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                  check=False)
        except FileNotFoundError:
            raise TesseractError(127, "tesseract is not installed or not on PATH") from None
        if done.returncode:
            message = " ".join(done.stderr.decode("utf-8", errors="replace").splitlines())
            raise TesseractError(done.returncode, message.strip())
        return table((base.with_suffix(".tsv")).read_bytes().decode("utf-8"))
