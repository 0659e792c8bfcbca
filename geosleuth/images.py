"""Opening photos safely: one place that checks a file and turns it into a Case.

Every problem becomes a ``BadInputError`` whose message names the file and the
problem, so front ends can print one line and exit 2.

Memory is bounded twice: ``max_pixels`` refuses a file outright (a decompression bomb),
and the decode budget (``decode_budget_mb``) reduces a photo whose pixels would take more
than that much memory as geosleuth holds them (RGB, 4 bytes a pixel in Pillow) by the
smallest whole factor that fits: a JPEG is decoded at the reduced scale (``draft``), never
in full; another format is decoded in full once, reduced at once and the full copy freed.
The tools, the preview and the thumbnail all read the reduced pixels; the case records
the size it was read at (``ImageInfo.decoded_width``/``decoded_height``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from geosleuth.errors import BadInputError
from geosleuth.model import Case, ImageInfo
from geosleuth.notices import log
from geosleuth.text.quoting import printable

DEFAULT_MAX_PIXELS = 120_000_000
DEFAULT_DECODE_BUDGET_MB = 256
BYTES_PER_PIXEL = 4  # Pillow holds RGB as RGBX: what every photo becomes once oriented

# EXIF orientation -> the transposition a viewer applies (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Pillow reports damaged files through logging; geosleuth reports them itself, in one line.
logging.getLogger("PIL").addHandler(logging.NullHandler())
logging.getLogger("PIL").propagate = False

_heif_registered = False
_malloc_tuned = False


def _return_freed_pixels() -> None:
    """Have glibc give large freed blocks (Pillow's 16 MB blocks of pixels) back to the
    system at once. By default glibc raises its mmap threshold to the largest block freed,
    after which the blocks of a freed full-size decode stay in the heap, and the next
    decode (the tools', the thumbnail's) adds as much again: a 116 MP PNG took 1.09 GB at
    its peak instead of 0.64 GB. A fixed threshold keeps it; elsewhere this does nothing."""
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, 8 << 20)  # M_MMAP_THRESHOLD: 8 MB
    except (OSError, AttributeError):  # not glibc
        pass


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF when pillow-heif is installed (and keep libtiff quiet)."""
    global _heif_registered
    if _heif_registered:
        return
    _heif_registered = True
    _silence_libtiff()
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def _silence_libtiff() -> None:
    """No libtiff messages on stderr: its default handlers print them ("Fax3SetupState:
    Bits/sample must be 1 for Group 3/4 encoding/decoding." above geosleuth's one line
    about a damaged TIFF; found by benchmarks/fuzz.py), and Pillow reports the failure
    itself. The libtiff Pillow loaded is found in /proc/self/maps; elsewhere (not Linux)
    nothing changes."""
    try:
        import ctypes

        with open("/proc/self/maps") as fh:
            paths = {line.split()[-1] for line in fh if "libtiff" in line and "/" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            lib.TIFFSetErrorHandler(None)
            lib.TIFFSetWarningHandler(None)
    except (OSError, AttributeError):
        pass


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


@dataclass
class Opened:
    """A decoded photo and what it was before any reduction: its stored size and format."""

    image: Image.Image
    width: int
    height: int
    format: str | None

    @property
    def reduced(self) -> bool:
        return self.image.size != (self.width, self.height)


def reduction(width: int, height: int, budget_mb: int | None) -> int:
    """The smallest whole factor that brings a ``width`` x ``height`` photo within
    ``budget_mb`` megabytes once decoded to RGB (1: read in full; None: no budget)."""
    if budget_mb is None:
        return 1
    budget = budget_mb * (1 << 20)
    factor = 1
    while math.ceil(width / factor) * math.ceil(height / factor) * BYTES_PER_PIXEL > budget:
        factor += 1
    return factor


def shrink(image: Image.Image, factor: int) -> Image.Image:
    """``image`` reduced by ``factor`` (each output pixel the mean of a block); the input
    is closed, so its full-size pixels are freed at once. The EXIF block goes along (a
    TIFF keeps its tags apart from ``info``), so the orientation is still applied."""
    if factor <= 1:
        return image
    try:
        small = image.reduce(factor)
    except ValueError:  # a mode reduce does not take (P, 1, I;16): nearest pixels
        size = (math.ceil(image.width / factor), math.ceil(image.height / factor))
        small = image.resize(size, Image.Resampling.NEAREST)
    if "exif" not in small.info:
        try:
            with quiet_pillow():
                exif = image.getexif()
                if exif:
                    small.info["exif"] = exif.tobytes()
        except Exception:  # damaged: the pixels are shown as stored
            pass
    image.close()
    return small


def open_photo(
    path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, budget_mb: int | None = None
) -> Opened:
    """Open and fully decode a photo, reduced to fit ``budget_mb`` (see the module's
    docstring), or raise BadInputError naming the problem."""
    _register_heif()
    _return_freed_pixels()
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
            fmt = image.format
            if width * height > max_pixels:
                raise BadInputError(
                    f"{path}: {width}x{height} pixels is over the limit of {max_pixels:,}"
                    " (a decompression bomb?); raise max_pixels if the photo is genuine"
                )
            factor = reduction(width, height, budget_mb)
            drafted = factor > 1 and fmt == "JPEG"
            if drafted:  # decoded at 1/2, 1/4 or 1/8 of the size
                image.draft(None, (math.ceil(width / factor), math.ceil(height / factor)))
            image.load()
            if not drafted:  # the size decoded (a damaged HEIC's header can say another)
                width, height = image.size
            image = shrink(image, reduction(image.width, image.height, budget_mb))
    except Exception as exc:
        if image is not None:
            image.close()
        if isinstance(exc, BadInputError):
            raise
        raise _bad_input(path, exc) from None
    return Opened(image, width, height, fmt)


def open_image(
    path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, budget_mb: int | None = None
) -> Image.Image:
    """Open and fully decode an image (reduced to fit ``budget_mb``, when given), or raise
    BadInputError naming the problem."""
    return open_photo(path, max_pixels, budget_mb).image


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

    The image passed in is consumed: a transposed or converted copy replaces it (and it is
    closed), so at most two copies of the pixels exist at once; an image already upright
    and in RGB is returned as it is, with no copy. A damaged EXIF block that Pillow could
    not write back without its Orientation tag (``ImageOps.exif_transpose`` then fails)
    leaves the pixels as stored.
    """
    try:
        with quiet_pillow():
            method = _orientation(image)
    except Exception:
        method = None
    out = image
    if method is not None:
        out = image.transpose(method)
        image.close()
    if out.mode != "RGB":
        rgb = out.convert("RGB")
        out.close()
        out = rgb
    return out


def _orientation(image: Image.Image) -> Image.Transpose | None:
    """The transposition ``image``'s EXIF orientation asks for; raises where
    ``ImageOps.exif_transpose`` would (the block rewritten without the tag)."""
    image.load()
    exif = image.getexif()
    method = _TRANSPOSE.get(exif.get(0x0112, 1))
    if method is not None:
        del exif[0x0112]
        if "exif" in image.info:
            exif.tobytes()
    return method


def load_case(
    path: str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    decode_budget_mb: int | None = DEFAULT_DECODE_BUDGET_MB,
    ignore_metadata: bool = False,
    clues: tuple[str, ...] = (),
) -> Case:
    """Check a photo and describe it as a Case; raises BadInputError on any problem.

    A photo over the decode budget is reduced as it is checked; the case records the size
    it is read at and a notice says so (``geosleuth: …`` on the CLI's stderr).
    """
    path = Path(path)
    opened = open_photo(path, max_pixels, decode_budget_mb)
    image = opened.image
    decoded = {}
    if opened.reduced:
        decoded = {"decoded_width": image.width, "decoded_height": image.height}
        log.warning("%s", reduced_note(path.name, opened, decode_budget_mb))
    info = ImageInfo(
        path=str(path),
        sha256=sha256_of(path),
        width=opened.width,
        height=opened.height,
        format=(opened.format or path.suffix.lstrip(".")).upper(),
        size_bytes=path.stat().st_size,
        **decoded,
    )
    image.close()
    return Case(image=info, ignore_metadata=ignore_metadata, clues=clues)


def reduced_note(name: str, opened: Opened, budget_mb: int | None) -> str:
    full_mb = opened.width * opened.height * BYTES_PER_PIXEL / (1 << 20)
    return (f"{printable(name)}: {opened.width}x{opened.height} pixels would take"
            f" {full_mb:,.0f} MB decoded, over the decode budget of {budget_mb} MB"
            f" (decode_budget_mb); read at {opened.image.width}x{opened.image.height}"
            f" (1/{opened.width / opened.image.width:.3g} of each side)")
