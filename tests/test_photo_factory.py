"""The photo factory writes the EXIF it is asked for, in every format, deterministically."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import exifread
import pytest
from PIL import Image, ImageOps

from geosleuth.testing import find_font, render_photo
from geosleuth.testing.photos import utc

FIELDS = dict(
    gps=(-33.856784, -151.215297),
    altitude_m=-12.5,
    gps_dop=2.5,
    h_error_m=7.0,
    gps_time=utc(2024, 7, 1, 10, 0, 5),
    taken=datetime(2024, 7, 1, 12, 0, 5, 250_000),
    offset="+02:00",
    make="Apple",
    model="iPhone 13",
    lens="iPhone 13 back camera 5.1mm f/1.6",
    software="Adobe Photoshop 25.0",
    orientation=6,
)


def _ratio(value: object) -> float:
    num, den = value.numerator, value.denominator  # type: ignore[attr-defined]
    return num / den


def _dms(values: list) -> float:
    d, m, s = (_ratio(v) for v in values)
    return d + m / 60 + s / 3600


def _check_exifread(path: Path) -> None:
    with path.open("rb") as fh:
        tags = exifread.process_file(fh, details=False)
    assert str(tags["GPS GPSLatitudeRef"]) == "S"
    assert str(tags["GPS GPSLongitudeRef"]) == "W"
    assert _dms(tags["GPS GPSLatitude"].values) == pytest.approx(33.856784, abs=1e-7)
    assert _dms(tags["GPS GPSLongitude"].values) == pytest.approx(151.215297, abs=1e-7)
    assert tags["GPS GPSAltitudeRef"].values[0] == 1
    assert _ratio(tags["GPS GPSAltitude"].values[0]) == pytest.approx(12.5)
    assert _ratio(tags["GPS GPSDOP"].values[0]) == pytest.approx(2.5)
    # exifread 3.5 has no name for GPSHPositioningError (0x1F, EXIF 2.31).
    h_error = tags.get("GPS GPSHPositioningError") or tags["GPS Tag 0x001F"]
    assert _ratio(h_error.values[0]) == pytest.approx(7.0)
    assert [_ratio(v) for v in tags["GPS GPSTimeStamp"].values] == [10, 0, 5]
    assert str(tags["GPS GPSDate"]) == "2024:07:01"
    assert str(tags["EXIF DateTimeOriginal"]) == "2024:07:01 12:00:05"
    assert str(tags["EXIF OffsetTimeOriginal"]) == "+02:00"
    assert str(tags["EXIF SubSecTimeOriginal"]) == "250"
    assert str(tags["Image Make"]) == "Apple"
    assert str(tags["Image Model"]) == "iPhone 13"
    assert str(tags["EXIF LensModel"]) == FIELDS["lens"]
    assert str(tags["Image Software"]) == "Adobe Photoshop 25.0"
    assert tags["Image Orientation"].values[0] == 6


def _check_pillow(path: Path) -> None:
    with Image.open(path) as image:
        exif = image.getexif()
        gps, sub = exif.get_ifd(0x8825), exif.get_ifd(0x8769)
        info = dict(image.info)
    assert gps[1] == "S" and gps[3] == "W"
    assert _dms(list(gps[2])) == pytest.approx(33.856784, abs=1e-7)
    assert _dms(list(gps[4])) == pytest.approx(151.215297, abs=1e-7)
    assert gps[5] == b"\x01" and float(gps[6]) == pytest.approx(12.5)
    assert float(gps[11]) == pytest.approx(2.5) and float(gps[31]) == pytest.approx(7.0)
    assert gps[29] == "2024:07:01"
    assert sub[0x9003] == "2024:07:01 12:00:05" and sub[0x9011] == "+02:00"
    assert exif[0x010F] == "Apple" and exif[0x0110] == "iPhone 13"
    if path.suffix == ".heic":
        # pillow-heif stores the orientation as HEIF transforms, applies them on opening
        # and reports the EXIF value it replaced.
        assert exif[0x0112] == 1 and info["original_orientation"] == 6
    else:
        assert exif[0x0112] == 6


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tiff"])
def test_exifread_reads_back_every_field(tmp_path: Path, suffix: str) -> None:
    path = render_photo(tmp_path / f"photo{suffix}", size=(320, 240), **FIELDS)
    _check_exifread(path)
    _check_pillow(path)


@pytest.mark.parametrize("suffix", [".webp", ".heic"])
def test_webp_and_heic_carry_every_field(tmp_path: Path, suffix: str) -> None:
    # exifread 3.5 misreads both as written here (WebP's EXIF chunk without an "Exif\0\0"
    # prefix, HEIC's Exif item stored in an idat box), so Pillow reads them back.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = render_photo(tmp_path / f"photo{suffix}", size=(256, 192), **FIELDS)
    _check_pillow(path)
    with Image.open(path) as image:
        assert image.format == ("WEBP" if suffix == ".webp" else "HEIF")


def test_no_metadata_means_no_exif(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "plain.jpg", size=(200, 150))
    with path.open("rb") as fh:
        assert exifread.process_file(fh, details=False) == {}
    with Image.open(path) as image:
        assert len(image.getexif()) == 0


def test_orientation_shows_the_scene_upright(tmp_path: Path) -> None:
    upright = render_photo(tmp_path / "upright.png", size=(300, 200), seed=3)
    for orientation in range(1, 9):
        rotated = render_photo(tmp_path / f"o{orientation}.png", size=(300, 200), seed=3,
                               orientation=orientation)
        with Image.open(rotated) as image:
            stored = image.size
            shown = ImageOps.exif_transpose(image)
        assert stored == ((200, 300) if orientation >= 5 else (300, 200))
        with Image.open(upright) as reference:
            assert shown.tobytes() == reference.convert("RGB").tobytes()


def test_same_seed_same_pixels_other_seed_other_pixels(tmp_path: Path) -> None:
    a = render_photo(tmp_path / "a.png", size=(240, 160), seed=7, sign_text="Hello")
    b = render_photo(tmp_path / "b.png", size=(240, 160), seed=7, sign_text="Hello")
    c = render_photo(tmp_path / "c.png", size=(240, 160), seed=8, sign_text="Hello")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_sign_is_drawn_in_its_box(tmp_path: Path) -> None:
    plain = render_photo(tmp_path / "plain.png", size=(400, 300), seed=1)
    signed = render_photo(tmp_path / "sign.png", size=(400, 300), seed=1,
                          sign_text="Rua Augusta", sign_box=(0.1, 0.1, 0.6, 0.3))
    with Image.open(plain) as p, Image.open(signed) as s:
        diff = Image.frombytes("L", p.size, bytes(
            255 if a != b else 0 for a, b in zip(p.convert("L").tobytes(),
                                                 s.convert("L").tobytes(), strict=True)))
    left, top, right, bottom = diff.getbbox() or (0, 0, 0, 0)
    assert (left, top) >= (40 - 1, 30 - 1) and (right, bottom) <= (240 + 1, 90 + 1)
    assert right - left > 150  # the sign, not a stray pixel


def test_more_signs_are_drawn_too(tmp_path: Path) -> None:
    one = render_photo(tmp_path / "one.png", size=(400, 300), seed=2, sign_text="A",
                       sign_box=(0.05, 0.05, 0.3, 0.2))
    two = render_photo(tmp_path / "two.png", size=(400, 300), seed=2, sign_text="A",
                       sign_box=(0.05, 0.05, 0.3, 0.2),
                       more_signs=[("Lisboa\n+351 21 342 0000", (0.5, 0.6, 0.95, 0.9))])
    with Image.open(one) as a, Image.open(two) as b:
        top_a, top_b = a.crop((0, 0, 400, 150)), b.crop((0, 0, 400, 150))
        assert top_a.tobytes() == top_b.tobytes()  # the first sign is untouched
        assert a.crop((200, 180, 380, 270)).tobytes() != b.crop((200, 180, 380, 270)).tobytes()


def test_jpeg_is_photo_sized(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", quality=85)
    assert 60_000 < path.stat().st_size < 400_000  # noisy like a photo, not a flat drawing


def test_find_font_gives_a_loadable_font() -> None:
    from PIL import ImageFont

    font = find_font("Latin")
    assert font is not None and font.is_file()
    ImageFont.truetype(str(font), 20)
    assert find_font("Cyrillic") is not None  # DejaVu and Noto both cover it


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="suffix"):
        render_photo(tmp_path / "x.bmpx")
    with pytest.raises(ValueError, match="orientation"):
        render_photo(tmp_path / "x.jpg", orientation=9)
    with pytest.raises(ValueError, match="sign_box"):
        render_photo(tmp_path / "x.jpg", sign_text="A", sign_box=(0.5, 0.5, 0.2, 0.9))
