"""A photo factory: photo-like scenes rendered with Pillow and written with chosen EXIF.

``render_photo`` draws a street-like scene (``testing.drawing``), optionally signs with
text in a given TrueType font (``testing.fonts``), adds sensor-like noise so the file is
not trivially compressible, and writes it as JPEG, PNG, WebP, TIFF or HEIC with the EXIF
fields asked for (``testing.exif``). Without any metadata argument the file carries no
EXIF at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image

from geosleuth.testing.drawing import draw_scene, draw_sign
from geosleuth.testing.exif import add_heading, build_exif
from geosleuth.testing.fonts import find_font
from geosleuth.testing.metadata import Fields, add_iptc, xmp_packet

__all__ = ["find_font", "render_photo", "srgb_profile"]

_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".heic": "HEIF",
    ".heif": "HEIF",
}

# Transposition that, once a viewer applies the EXIF orientation, shows the scene upright
# (the inverse of the one ImageOps.exif_transpose applies).
_STORE_FOR_ORIENTATION: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _format_for(path: Path, fmt: str | None) -> str:
    if fmt:
        name = fmt.upper()
        name = {"JPG": "JPEG", "TIF": "TIFF", "HEIC": "HEIF"}.get(name, name)
        if name not in set(_FORMATS.values()):
            raise ValueError(f"unsupported format {fmt!r}: use JPEG, PNG, WEBP, TIFF or HEIF")
        return name
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"{path}: cannot tell the format from the suffix; pass fmt= or use one of "
            + ", ".join(sorted(_FORMATS))
        ) from None


def render_photo(
    path: Path,
    *,
    size: tuple[int, int] = (1200, 800),
    fmt: str | None = None,
    gps: tuple[float, float] | None = None,
    altitude_m: float | None = None,
    gps_dop: float | None = None,
    h_error_m: float | None = None,
    gps_time: datetime | None = None,  # UTC (an aware datetime is converted)
    taken: datetime | None = None,  # local time as the camera clock shows it
    offset: str | None = None,  # "+02:00"
    make: str | None = None,
    model: str | None = None,
    lens: str | None = None,
    software: str | None = None,
    orientation: int | None = None,
    sign_text: str | None = None,
    sign_font: Path | None = None,
    sign_box: tuple[float, float, float, float] | None = None,  # fractions x0, y0, x1, y1
    seed: int = 0,
    quality: int = 90,
    more_signs: Sequence[tuple[str, tuple[float, float, float, float]]] = (),
    heading: float | None = None,  # GPSImgDirection, degrees from true north
    iptc: Fields | None = None,  # IPTC-IIM fields (JPEG only), see ``testing.metadata``
    xmp: Fields | None = None,  # XMP fields (JPEG, PNG, WebP)
    icc_profile: bytes | None = None,  # an ICC profile to embed (``srgb_profile()``)
) -> Path:
    """Render a photo-like scene and write it to ``path`` with the EXIF fields given.

    The format comes from ``fmt`` or the suffix (JPEG, PNG, WebP, TIFF, HEIC/HEIF; HEIC
    needs pillow-heif). ``size`` is the size a viewer shows: with ``orientation`` 5 to 8
    the stored pixels are rotated so that applying the orientation gives back the scene.
    ``sign_text`` (may hold newlines) is drawn on a sign filling ``sign_box``, in
    ``sign_font`` or else ``find_font("Latin")`` or Pillow's default font; ``more_signs``
    adds further (text, box) signs in the same font. ``heading`` writes GPSImgDirection;
    ``iptc`` and ``xmp`` write those blocks (field names as in ``testing.metadata``);
    ``icc_profile`` embeds that profile. The same arguments and ``seed`` always give the
    same pixels. Returns ``path``.
    """
    path = Path(path)
    image_format = _format_for(path, fmt)
    if orientation is not None and orientation not in range(1, 9):
        raise ValueError(f"orientation must be 1..8, not {orientation}")
    # Separate streams, so that adding a sign changes the sign's pixels and nothing else.
    image = draw_scene(size, np.random.default_rng([seed, 1]))
    signs = list(more_signs)
    if sign_text:
        signs.insert(0, (sign_text, sign_box if sign_box is not None else (0.3, 0.3, 0.7, 0.45)))
    if signs:
        font = sign_font if sign_font is not None else find_font("Latin")
        sign_rng = np.random.default_rng([seed, 2])
        for text, box in signs:
            draw_sign(image, text, font, box, sign_rng)
    # Sensor-like noise: keeps the file size realistic and the scene not flat.
    noise = np.random.default_rng([seed, 3]).normal(0.0, 4.0, (size[1], size[0], 3))
    noisy = np.asarray(image, dtype=np.int16) + noise
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    if orientation in _STORE_FOR_ORIENTATION:
        image = image.transpose(_STORE_FOR_ORIENTATION[orientation])  # type: ignore[index]

    exif = build_exif(size=image.size, gps=gps, altitude_m=altitude_m, gps_dop=gps_dop,
                      h_error_m=h_error_m, gps_time=gps_time, taken=taken, offset=offset,
                      make=make, model=model, lens=lens, software=software,
                      orientation=orientation)
    if heading is not None:
        exif = add_heading(exif, heading)
    options: dict[str, object] = {}
    if exif is not None:
        options["exif"] = exif.tobytes()
    if xmp is not None and image_format == "PNG":  # Pillow writes PNG XMP as an iTXt chunk
        from PIL.PngImagePlugin import PngInfo

        chunks = PngInfo()
        chunks.add_itxt("XML:com.adobe.xmp", xmp_packet(xmp).decode("utf-8"))
        options["pnginfo"] = chunks
    elif xmp is not None:
        options["xmp"] = xmp_packet(xmp)
    if icc_profile is not None:
        options["icc_profile"] = icc_profile
    if image_format in ("JPEG", "WEBP", "HEIF"):
        options["quality"] = quality
    # TIFF stays uncompressed: Pillow's compressed TIFF path (libtiff) drops the Exif IFD.
    if image_format == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format=image_format, **options)
    if iptc is not None:
        add_iptc(path, iptc)
    return path


def srgb_profile() -> bytes:
    """A small sRGB ICC profile (LittleCMS's, through Pillow's ImageCms), for ``icc_profile``."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    """Shorthand for an aware UTC datetime, for ``gps_time``."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)

