"""A damaged photo is bad input, whatever Pillow raises: one line, exit 2, no traceback."""

from __future__ import annotations

import random
import struct
import warnings
from datetime import datetime
from pathlib import Path

import pytest

from geosleuth.errors import BadInputError
from geosleuth.images import open_image
from geosleuth.testing import render_photo
from geosleuth.testing.cli import run_cli as geosleuth

STRIP_OFFSETS = 273
LONG = 4



def tiff(path: Path) -> Path:
    return render_photo(path, size=(64, 48), gps=(47.1, 9.5), make="Canon", model="EOS",
                        taken=datetime(2024, 1, 1, 12, 0, 0))


def entry_offset(data: bytes, tag: int) -> int:
    """Where the 12-byte entry of ``tag`` starts in the first IFD of a TIFF."""
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack_from(f"{order}I", data, 4)[0]
    for i in range(struct.unpack_from(f"{order}H", data, ifd)[0]):
        at = ifd + 2 + 12 * i
        if struct.unpack_from(f"{order}H", data, at)[0] == tag:
            return at
    raise AssertionError(f"no tag {tag} in the first IFD")


def flip_strip_offsets_type(path: Path) -> Path:
    """One flipped bit: StripOffsets typed RATIONAL (5) instead of LONG (4). Pillow then
    seeks to an ``IFDRational`` while decoding, which raises a ``TypeError``."""
    data = bytearray(path.read_bytes())
    at = entry_offset(bytes(data), STRIP_OFFSETS) + 2
    order = "<" if data[:2] == b"II" else ">"
    assert struct.unpack_from(f"{order}H", data, at)[0] == LONG
    data[at if order == "<" else at + 1] ^= 0x01
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def gazetteer_built() -> None:
    """The session's gazetteer index, built beforehand: ``locate`` says on stderr when it
    builds it, and this test is about the one line of the error alone."""
    from geosleuth.geo.gazetteer import Gazetteer
    from geosleuth.settings import load_settings

    Gazetteer.open(load_settings()[0].cache_dir)


@pytest.mark.usefixtures("gazetteer_built")
def test_bit_flipped_tiff_is_one_line_exit_2(tmp_path: Path) -> None:
    photo = flip_strip_offsets_type(tiff(tmp_path / "flipped.tif"))
    out = tmp_path / "cases"
    result = geosleuth("locate", str(photo), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(photo) in lines[0] and "damaged" in lines[0] and "TypeError" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists() or not any(out.iterdir())


def test_bit_flipped_tiffs_open_or_are_bad_input(tmp_path: Path) -> None:
    """Random bit flips in a TIFF's header and tags: the photo opens, or opening it raises
    ``BadInputError`` naming the file; never anything else."""
    original = tiff(tmp_path / "photo.tif").read_bytes()
    rng = random.Random(7)
    damaged = tmp_path / "damaged.tif"
    outcomes: set[str] = set()
    for _ in range(400):
        data = bytearray(original)
        for _ in range(rng.choice((1, 2, 4))):
            data[rng.randrange(400)] ^= 1 << rng.randrange(8)
        damaged.write_bytes(bytes(data))
        try:
            with warnings.catch_warnings():  # Pillow warns about the tags it skips
                warnings.simplefilter("ignore")
                open_image(damaged).close()
            outcomes.add("opened")
        except BadInputError as exc:
            assert str(damaged) in str(exc) and "\n" not in str(exc)
            outcomes.add("bad input")
    assert outcomes == {"opened", "bad input"}


def cut_tiff(path: Path) -> Path:
    """What benchmarks/fuzz.py found: a TIFF cut to 16 bytes, then 16 bytes from byte 12
    dropped; Pillow warns "Corrupt EXIF data. Expecting to read 12 bytes but only got 2"
    while it opens it, and Python printed that warning on stderr above the error line."""
    data = bytearray(path.read_bytes()[:16])
    del data[12:28]
    path.write_bytes(bytes(data))
    return path


def test_pillow_warnings_about_a_damaged_file_stay_off_stderr(tmp_path: Path) -> None:
    photo = cut_tiff(tiff(tmp_path / "cut.tif"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(BadInputError):
            open_image(photo)
    assert [str(w.message) for w in caught] == []


@pytest.mark.usefixtures("gazetteer_built")
def test_cut_tiff_is_one_line_exit_2(tmp_path: Path) -> None:
    photo = cut_tiff(tiff(tmp_path / "cut.tif"))
    result = geosleuth("locate", str(photo), "--out", str(tmp_path / "cases"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Warning" not in result.stderr
