"""Reading raw EXIF tags from a file: exifread first, Pillow (with pillow-heif) as fallback.

Both readers' values are normalised to one shape, keyed by (IFD, tag number) with IFD one
of "IFD0", "EXIF", "GPS": ASCII as ``str``, rationals as ``(numerator, denominator)``
tuples (zero denominators kept, never divided), integers as ``int``, FLOAT/DOUBLE as
``float`` (possibly infinite or NaN), undefined bytes as ``bytes``; numeric values are
lists. Nothing here raises on a malformed file: problems become warnings.

exifread is the primary reader (the design card's choice; it parses TIFF, JPEG, PNG, WebP
and most HEIC). It cannot read some files that Pillow can: WebP whose EXIF chunk lacks
the non-standard "Exif\\0\\0" prefix (Pillow and webpmux write it so; ianare/exif-py
issue #252), and HEIC whose Exif item sits in an ``idat`` box (pillow-heif writes it so),
hence the fallback.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IFD0, EXIF, GPS = "IFD0", "EXIF", "GPS"
TagKey = tuple[str, int]
TagValue = str | bytes | list[Any]

_EXIF_POINTER, _GPS_POINTER = 0x8769, 0x8825
_EXIFREAD_IFDS = {"Image": IFD0, "EXIF": EXIF, "GPS": GPS}
_log_lock = threading.Lock()
_NOT_FOUND = re.compile(r"does not have exif data|File format not recognized", re.IGNORECASE)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text:.200}" if text else type(exc).__name__


@dataclass
class RawExif:
    """Normalised tags, which reader produced them, the file's format and size, warnings."""

    tags: dict[TagKey, TagValue] = field(default_factory=dict)
    source: str | None = None  # "exifread" or "pillow"
    format: str | None = None
    width: int | None = None
    height: int | None = None
    heif_orientation: int | None = None  # pillow-heif applies it and resets the EXIF one
    warnings: list[str] = field(default_factory=list)
    reader_errors: list[str] = field(default_factory=list)  # the primary reader's failures
    block_size: int | None = None  # bytes of the embedded EXIF block (JPEG, PNG, WebP, HEIC)
    pillow_tags: dict[TagKey, TagValue] = field(default_factory=dict)
    exifread_pointers: set[int] = field(default_factory=set)
    pillow_pointers: set[int] = field(default_factory=set)
    descriptive: dict[str, Any] = field(default_factory=dict)  # IPTC/XMP, when asked for


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], float):
        return value[0]  # exifread gives a FLOAT/DOUBLE value as struct.unpack's 1-tuple
    num = getattr(value, "numerator", None)
    den = getattr(value, "denominator", None)
    if num is not None and den is not None:
        # exifread's Ratio and Pillow's IFDRational both keep a zero denominator as given.
        return (int(num), int(den))
    return value


def normalise(value: Any) -> TagValue:
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, list | tuple):
        return [_scalar(v) for v in value]
    return [_scalar(value)]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _read_exifread(path: Path, raw: RawExif) -> None:
    import exifread

    logger = logging.getLogger("exifread")
    collect = _Collect()
    # exifread reports corrupt fields through its logger; catch them as warnings and keep
    # them off the console while this file is read.
    with _log_lock:
        propagate = logger.propagate
        logger.addHandler(collect)
        logger.propagate = False
        try:
            with path.open("rb") as fh:
                tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
        except Exception as exc:  # exifread raises many kinds on damaged files
            raw.reader_errors.append(f"exifread could not parse the EXIF: {_describe(exc)}")
            tags = {}
        finally:
            logger.removeHandler(collect)
            logger.propagate = propagate
    for message in dict.fromkeys(collect.messages):
        if not _NOT_FOUND.search(message):  # "no EXIF here" is not a problem of the file
            raw.warnings.append(f"exifread: {message}")
    for name, tag in tags.items():
        prefix = name.split(" ", 1)[0]
        ifd = _EXIFREAD_IFDS.get(prefix)
        number = getattr(tag, "tag", None)
        if ifd is None or number is None:
            continue
        if ifd == IFD0 and number in (_EXIF_POINTER, _GPS_POINTER):
            raw.exifread_pointers.add(int(number))
            continue
        raw.tags[(ifd, int(number))] = normalise(tag.values)
    if raw.tags:
        raw.source = "exifread"


def _register_heif() -> bool:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def _check_block(block: bytes, raw: RawExif) -> None:
    """Warn when an embedded EXIF block does not start with a TIFF header."""
    body = block[6:] if block.startswith(b"Exif\x00\x00") else block
    if body[:4] not in (b"II*\x00", b"MM\x00*"):
        raw.warnings.append(
            f"the EXIF block ({len(block)} bytes) has a damaged TIFF header {body[:4]!r}"
        )


def _read_pillow(path: Path, raw: RawExif, descriptive: bool = False) -> None:
    """Format, size, the embedded EXIF block's soundness, and Pillow's own reading of it;
    with ``descriptive`` also the IPTC/XMP fields, from the same open image."""
    from PIL import Image, UnidentifiedImageError

    heif = _register_heif()
    found: dict[TagKey, TagValue] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with Image.open(path) as image:
                raw.format = image.format
                raw.width, raw.height = image.size
                original = image.info.get("original_orientation")
                if isinstance(original, int):
                    raw.heif_orientation = original
                block = image.info.get("exif")
                if isinstance(block, bytes) and block:
                    raw.block_size = len(block)
                    _check_block(block, raw)
                if image.format == "PNG" and "exif" not in image.info:
                    late = _png_late_exif(path)
                    if late is not None:  # Pillow would decode every pixel to look for it
                        image.info["exif"] = late
                exif = image.getexif()
                for number, value in exif.items():
                    if number in (_EXIF_POINTER, _GPS_POINTER):
                        raw.pillow_pointers.add(number)
                    else:
                        found[(IFD0, number)] = normalise(value)
                for ifd, pointer in ((EXIF, _EXIF_POINTER), (GPS, _GPS_POINTER)):
                    for number, value in exif.get_ifd(pointer).items():
                        found[(ifd, number)] = normalise(value)
                if descriptive:
                    # imported here: descriptive -> fields -> this module
                    from geosleuth_plugins.exif_metadata.descriptive import read_descriptive

                    raw.descriptive = read_descriptive(image, raw.warnings)
        except UnidentifiedImageError:
            hint = "" if heif else " (HEIC needs pillow-heif: pip install pillow-heif)"
            raw.warnings.append(f"not an image Pillow can identify{hint}")
        except Exception as exc:  # a damaged EXIF block can raise nearly anything in Pillow
            raw.warnings.append(f"Pillow could not read the file: {_describe(exc)}")
    for message in dict.fromkeys(str(w.message).strip() for w in caught):
        raw.warnings.append(f"Pillow: {message:.200}")
    raw.pillow_tags = found


_PNG_TEXT = {b"tEXt", b"iTXt", b"zTXt"}


def _png_late_exif(path: Path) -> bytes | None:
    """The eXIf chunk a PNG stores after its pixels, as Pillow's ``info["exif"]`` holds it
    (b"" when there is none), found by walking the chunks: Pillow's ``getexif`` decodes
    every pixel to reach them (460 MB for a 116 MP PNG). None when the chunks cannot be
    walked to IEND or text chunks follow the pixels (Pillow's full load reads those)."""
    found = b""
    after_pixels = False
    try:
        with path.open("rb") as fh:
            if fh.read(8) != b"\x89PNG\r\n\x1a\n":
                return None
            while True:
                head = fh.read(8)
                if len(head) < 8:
                    return None
                length, kind = int.from_bytes(head[:4], "big"), head[4:]
                if kind == b"IEND":
                    return found
                if kind in (b"IDAT", b"fdAT"):
                    after_pixels = True
                elif after_pixels and kind == b"eXIf":
                    data = fh.read(length)
                    if len(data) < length:
                        return None
                    found = b"Exif\x00\x00" + data
                    length = 0
                elif after_pixels and kind in _PNG_TEXT:
                    return None
                fh.seek(length + 4, 1)  # the payload and its CRC
    except OSError:
        return None


def _has_exif_marker(path: Path) -> bool:
    """Whether the file's first 256 KB hold "Exif\\0\\0" and a TIFF header: an EXIF block."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 18)
    except OSError:
        return False
    return re.search(rb"Exif\x00\x00(II\*\x00|MM\x00\*)", head) is not None


def _check_pointers(raw: RawExif, pointers: set[int]) -> None:
    for pointer, ifd, name in ((_EXIF_POINTER, EXIF, "Exif IFD"), (_GPS_POINTER, GPS, "GPS IFD")):
        if pointer in pointers and not any(key[0] == ifd for key in raw.tags):
            raw.warnings.append(f"IFD0 points to a {name} that could not be read (damaged?)")


def read_raw(path: Path, descriptive: bool = False) -> RawExif:
    """Every EXIF tag of IFD0, the Exif IFD and the GPS IFD that a reader could get; with
    ``descriptive`` also the IPTC/XMP fields (``RawExif.descriptive``)."""
    raw = RawExif()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raw.warnings.append(f"cannot read the file: {exc.strerror or exc}")
        return raw
    if size == 0:
        raw.warnings.append("the file is empty (0 bytes)")
        return raw
    _read_exifread(path, raw)
    _read_pillow(path, raw, descriptive)
    if raw.tags:
        _check_pointers(raw, raw.exifread_pointers)
    elif raw.pillow_tags:
        raw.tags, raw.source = raw.pillow_tags, "pillow"
        _check_pointers(raw, raw.pillow_pointers)
    else:
        # exifread's failure matters only when Pillow could not read the EXIF either.
        raw.warnings[:0] = raw.reader_errors
        if raw.block_size:
            raw.warnings.append(
                f"an EXIF block of {raw.block_size} bytes is present but no tag could be read"
                " from it (damaged)"
            )
        elif _has_exif_marker(path):
            raw.warnings.append(
                "the file holds an EXIF marker but no reader found the EXIF block (damaged)"
            )
    raw.warnings = list(dict.fromkeys(raw.warnings))
    return raw
