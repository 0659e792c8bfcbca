"""Opening photos safely: one place that checks a file and turns it into a Case.

Every problem becomes a ``BadInputError`` whose message names the file and the
problem, so front ends can print one line and exit 2.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from pathlib import Path

from PIL import Image, ImageOps

from geosleuth.errors import BadInputError
from geosleuth.model import Case, ImageInfo

DEFAULT_MAX_PIXELS = 120_000_000

# Pillow reports damaged files through logging; geosleuth reports them itself, in one line.
logging.getLogger("PIL").addHandler(logging.NullHandler())
logging.getLogger("PIL").propagate = False

_heif_registered = False


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF when pillow-heif is installed."""
    global _heif_registered
    if _heif_registered:
        return
    _heif_registered = True
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_image(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Open and fully decode an image, or raise BadInputError naming the problem."""
    _register_heif()
    if not path.exists():
        raise BadInputError(f"{path}: no such file")
    if path.is_dir():
        raise BadInputError(f"{path}: is a directory, not an image")
    if path.stat().st_size == 0:
        raise BadInputError(f"{path}: the file is empty (0 bytes)")
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            width, height = image.size
            if width * height > max_pixels:
                raise BadInputError(
                    f"{path}: {width}x{height} pixels is over the limit of {max_pixels:,}"
                    " (a decompression bomb?); raise max_pixels if the photo is genuine"
                )
            image.load()
    except BadInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadInputError(f"{path}: too many pixels ({exc})") from None
    except Image.UnidentifiedImageError:
        raise BadInputError(
            f"{path}: not an image geosleuth can read (JPEG, PNG, TIFF, WebP, HEIC/HEIF)"
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadInputError(f"{path}: the image is damaged or truncated ({exc})") from None
    return image


def oriented(image: Image.Image) -> Image.Image:
    """The image as a viewer shows it: EXIF orientation applied, in RGB."""
    out = ImageOps.exif_transpose(image)
    return out.convert("RGB") if out.mode != "RGB" else out


def load_case(
    path: str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    ignore_metadata: bool = False,
    clues: tuple[str, ...] = (),
) -> Case:
    """Check a photo and describe it as a Case; raises BadInputError on any problem."""
    path = Path(path)
    image = open_image(path, max_pixels)
    info = ImageInfo(
        path=str(path),
        sha256=sha256_of(path),
        width=image.width,
        height=image.height,
        format=(image.format or path.suffix.lstrip(".")).upper(),
        size_bytes=path.stat().st_size,
    )
    image.close()
    return Case(image=info, ignore_metadata=ignore_metadata, clues=clues)
