"""Preparing a photo for a model when its EXIF is damaged: the pixels as stored, no crash,
and nothing of the EXIF in what the model is sent."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from geosleuth.backends.photo import encode, load_pixels, load_preview
from geosleuth.testing import render_photo
from geosleuth.testing.raw_exif import ASCII, RATIONAL, SHORT, dms, exif_block, with_exif

MAX_PIXELS = 10_000_000
SHOWN = (480, 360)  # the scene as a viewer shows it; stored rotated (orientation 6)


def damaged(tmp_path: Path) -> Path:
    """A JPEG stored rotated, with Orientation 6, a GPS fix, and a Make stored as a
    RATIONAL: Pillow cannot write that block back, so ``exif_transpose`` raises."""
    path = render_photo(tmp_path / "damaged.jpg", size=SHOWN, orientation=6)
    gps = {1: (ASCII, "N"), 2: (RATIONAL, dms(47.141)), 3: (ASCII, "E"),
           4: (RATIONAL, dms(9.5209))}
    block = exif_block({0x0112: (SHORT, [6]), 0x010F: (RATIONAL, [(1, 2)])}, None, gps)
    return with_exif(path, block)


def sent(image: Image.Image) -> bytes:
    return encode(image, 1024, 5_000_000, "photo").data


@pytest.mark.parametrize(
    "prepare",
    [
        lambda p: load_preview(p, 200, MAX_PIXELS),  # the fast JPEG draft decode
        lambda p: load_preview(p, 1024, MAX_PIXELS),  # small enough: the full decode
        lambda p: load_pixels(p, MAX_PIXELS),
    ],
    ids=["preview-draft", "preview-full", "pixels"],
)
def test_damaged_exif_gives_the_stored_pixels_and_leaks_nothing(
        tmp_path: Path, prepare: Callable[[Path], Image.Image]) -> None:
    path = damaged(tmp_path)
    with Image.open(path) as image:
        assert image.getexif().get(0x0112) == 6 and image.size == SHOWN[::-1]
    pixels = prepare(path)
    assert pixels.mode == "RGB"
    width, height = pixels.size
    assert height > width  # not turned: the pixels as stored
    data = sent(pixels)
    assert b"Exif" not in data and b"http://ns.adobe.com" not in data
    with Image.open(io.BytesIO(data)) as jpeg:
        assert not jpeg.getexif() and "exif" not in jpeg.info and "icc_profile" not in jpeg.info


def test_sound_exif_is_still_applied(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "sound.jpg", size=SHOWN, orientation=6, gps=(47.141, 9.5209))
    assert load_pixels(path, MAX_PIXELS).size == SHOWN
    assert b"Exif" not in sent(load_preview(path, 200, MAX_PIXELS))
