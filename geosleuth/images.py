"""Opening photos safely: one place that checks a file and turns it into a Case.

Every problem becomes a ``BadInputError`` whose message names the file and the
problem, so front ends can print one line and exit 2.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def quiet_pillow() -> Iterator[None]:
    """Pillow's warnings about a damaged file ("Corrupt EXIF data", "Truncated File Read",
    "Tag data larger than file") kept off stderr while the block runs: the error or the
    metadata tool's warnings say what is wrong, in one line. A decompression bomb's
    warning is raised as an error instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


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
    image: Image.Image | None = None
    try:
        with quiet_pillow():
            image = Image.open(path)
            width, height = image.size
            if width * height > max_pixels:
                raise BadInputError(
                    f"{path}: {width}x{height} pixels is over the limit of {max_pixels:,}"
                    " (a decompression bomb?); raise max_pixels if the photo is genuine"
                )
            image.load()
    except Exception as exc:
        if image is not None:
            image.close()
        if isinstance(exc, BadInputError):
            raise
        raise _bad_input(path, exc) from None
    return image


def _bad_input(path: Path, exc: Exception) -> BadInputError:
    """What opening ``path`` raised, as the one-line ``BadInputError`` it stands for.

    A damaged file makes Pillow's decoders raise nearly anything (a bit-flipped TIFF tag
    type gives a ``TypeError``, a broken table an ``IndexError`` or ``struct.error``):
    every exception is the file's problem.
    """
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return BadInputError(f"{path}: too many pixels ({exc})")
    if isinstance(exc, Image.UnidentifiedImageError):
        return BadInputError(
            f"{path}: not an image geosleuth can read (JPEG, PNG, TIFF, WebP, HEIC/HEIF)"
        )
    detail = " ".join(str(exc).split())[:200]
    if not isinstance(exc, OSError | SyntaxError | ValueError):  # not a decoder's own report
        detail = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return BadInputError(f"{path}: the image is damaged or truncated ({detail})")


def oriented(image: Image.Image) -> Image.Image:
    """The image as a viewer shows it: EXIF orientation applied, in RGB.

    A damaged EXIF block can make the transposition itself fail (Pillow rewrites the
    block without its Orientation tag); the pixels are then kept as stored.
    """
    try:
        with quiet_pillow():
            out = ImageOps.exif_transpose(image)
    except Exception:
        out = image
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
