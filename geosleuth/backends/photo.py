"""The photo as a model sees it: re-encoded without metadata, scaled to the provider's limits.

The pixels are decoded, oriented as a viewer shows them, converted to RGB, scaled so the
long side fits, and written as a fresh JPEG with no EXIF, XMP, ICC or comment, so no GPS
position or camera detail rides along with the image. Crops for the zoom tool come from
the full-resolution pixels.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image

from geosleuth.backends.chat import ImagePart
from geosleuth.images import DEFAULT_DECODE_BUDGET_MB

JPEG_QUALITY = 85


def encode(image: Image.Image, max_side: int, max_bytes: int, label: str) -> ImagePart:
    """A metadata-free JPEG of ``image`` no longer than ``max_side`` px and ``max_bytes``."""
    img = image.convert("RGB") if image.mode != "RGB" else image
    side, quality = max_side, JPEG_QUALITY
    while True:
        scaled = img
        if max(img.size) > side:
            scaled = img.copy()
            scaled.thumbnail((side, side), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        # A fresh image written without exif=/icc_profile= carries no metadata at all.
        scaled.save(buf, format="JPEG", quality=quality)
        data = buf.getvalue()
        if len(data) <= max_bytes or side <= 256:
            return ImagePart(data, "image/jpeg", scaled.width, scaled.height, label)
        side, quality = int(side * 0.8), max(60, quality - 5)


def load_pixels(path: Path, max_pixels: int,
                budget_mb: int | None = DEFAULT_DECODE_BUDGET_MB) -> Image.Image:
    """The full-resolution pixels, as a viewer shows them (for zoom crops); as stored when
    a damaged EXIF block keeps the orientation from being applied. A photo over the decode
    budget is reduced as the tools' pixels are, so the zoom tool's boxes fit them."""
    from geosleuth.images import open_image, oriented

    return oriented(open_image(path, max_pixels, budget_mb))


def load_preview(path: Path, max_side: int, max_pixels: int,
                 budget_mb: int | None = DEFAULT_DECODE_BUDGET_MB) -> Image.Image:
    """The pixels decoded at the smallest JPEG scale (1/2, 1/4, 1/8) still at least
    ``max_side`` on the long side: several times faster than a full decode of a phone photo.

    Oriented as a viewer shows them, or as stored when a damaged EXIF block keeps the
    orientation from being applied; when the fast decode fails, the full one is used (and
    raises ``BadInputError`` if the file is damaged).
    """
    from geosleuth.images import open_image, oriented, quiet_pillow

    try:
        with quiet_pillow(), Image.open(path) as probe:
            width, height = probe.size
            fmt = probe.format
    except Exception:  # the full decode says what is wrong with the file
        fmt, width, height = None, 0, 0
    if fmt != "JPEG" or max(width, height) <= max_side:
        return oriented(open_image(path, max_pixels, budget_mb))
    scale = max_side / max(width, height)
    try:
        with quiet_pillow():
            image = Image.open(path)
            image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            image.load()
    except Exception:
        return oriented(open_image(path, max_pixels, budget_mb))
    return oriented(image)


def crop(image: Image.Image, box_px: tuple[int, int, int, int], max_side: int, max_bytes: int,
         label: str) -> ImagePart:
    return encode(image.crop(box_px), max_side, max_bytes, label)


def view_part(png: bytes, width: int, height: int, max_side: int, max_bytes: int,
              label: str) -> ImagePart:
    """A picture a tool drew (a map view, PNG) as sent to a model: as it is when it fits
    the provider's limits, else re-encoded as a smaller JPEG."""
    if width and max(width, height) <= max_side and len(png) <= max_bytes:
        return ImagePart(png, "image/png", width, height, label)
    with Image.open(io.BytesIO(png)) as picture:
        return encode(picture.convert("RGB"), max_side, max_bytes, label)
