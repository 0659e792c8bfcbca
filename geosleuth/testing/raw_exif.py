"""EXIF blocks with any tag stored as any TIFF type: the malformed values real files carry.

Pillow writes each known tag with the type the standard gives it, so it cannot write an
Orientation stored as text, a GPSHPositioningError stored as a DOUBLE, or a SubSecTime
holding non-ASCII bytes. ``exif_block`` serialises exactly the entries it is given
(little-endian TIFF: IFD0, then the Exif IFD and the GPS IFD it points to), and
``with_exif`` rewrites a photo (JPEG, PNG, WebP) with such a block.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

__all__ = ["ASCII", "BYTE", "DOUBLE", "LONG", "RATIONAL", "SHORT", "SRATIONAL", "Entry",
           "dms", "exif_block", "with_exif"]

BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED, SLONG, SRATIONAL, FLOAT, DOUBLE = (
    1, 2, 3, 4, 5, 7, 9, 10, 11, 12)
_EXIF_POINTER, _GPS_POINTER = 0x8769, 0x8825
_PACK = {SHORT: "H", LONG: "I", SLONG: "i", FLOAT: "f", DOUBLE: "d"}

# (type, value): bytes or str for ASCII/BYTE/UNDEFINED, ints for SHORT/LONG/SLONG,
# (numerator, denominator) pairs for RATIONAL/SRATIONAL, floats for FLOAT/DOUBLE.
Entry = tuple[int, bytes | str | Sequence[int] | Sequence[float] | Sequence[tuple[int, int]]]


def _encode(kind: int, value: Any) -> tuple[int, bytes]:
    """(count, bytes) of one entry's value."""
    if kind in (ASCII, BYTE, UNDEFINED):
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        if kind == ASCII and not data.endswith(b"\x00"):
            data += b"\x00"
        return len(data), data
    items = list(value)
    if kind in (RATIONAL, SRATIONAL):
        code = "I" if kind == RATIONAL else "i"
        return len(items), b"".join(struct.pack(f"<{code}{code}", n, d) for n, d in items)
    return len(items), struct.pack(f"<{len(items)}{_PACK[kind]}", *items)


def _ifd(entries: Mapping[int, Entry], at: int) -> bytes:
    """One IFD placed at offset ``at``, its values longer than 4 bytes right after it."""
    table, extra = b"", b""
    data_at = at + 2 + 12 * len(entries) + 4
    for tag in sorted(entries):
        kind, value = entries[tag]
        count, data = _encode(kind, value)
        if len(data) <= 4:
            field = data.ljust(4, b"\x00")
        else:
            field = struct.pack("<I", data_at + len(extra))
            extra += data + (b"\x00" if len(data) % 2 else b"")
        table += struct.pack("<HHI", tag, kind, count) + field
    return struct.pack("<H", len(entries)) + table + struct.pack("<I", 0) + extra


def _size(entries: Mapping[int, Entry]) -> int:
    return len(_ifd(entries, 0))


def exif_block(ifd0: Mapping[int, Entry], exif: Mapping[int, Entry] | None = None,
               gps: Mapping[int, Entry] | None = None) -> bytes:
    """An APP1-style EXIF block ("Exif\\0\\0" + TIFF) holding exactly these entries."""
    top = dict(ifd0)
    subs = [(ptr, dict(sub)) for ptr, sub in ((_EXIF_POINTER, exif), (_GPS_POINTER, gps)) if sub]
    for pointer, _ in subs:
        top[pointer] = (LONG, [0])  # placeholder of the right size
    offset = 8 + _size(top)
    for pointer, sub in subs:
        top[pointer] = (LONG, [offset])
        offset += _size(sub)
    body = _ifd(top, 8)
    for _, sub in subs:
        body += _ifd(sub, 8 + len(body))
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + body


def dms(degrees: float) -> list[tuple[int, int]]:
    """Unsigned degrees as EXIF (degrees, minutes, seconds) rationals; seconds to 1/1000."""
    millis = round(abs(degrees) * 3_600_000)
    d, rest = divmod(millis, 3_600_000)
    m, s = divmod(rest, 60_000)
    return [(d, 1), (m, 1), (s, 1000)]


def with_exif(path: Path, block: bytes) -> Path:
    """Rewrite the photo at ``path`` (same pixels and format) carrying ``block`` as EXIF."""
    with Image.open(path) as image:
        fmt = image.format
        pixels = image.copy()
    options: dict[str, object] = {"exif": block}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 90
    pixels.save(path, format=fmt, **options)
    return Path(path)
