"""The mutations of ``benchmarks/fuzz.py``: byte-level and structure-aware damage to photos.

Every mutation is a function ``(rng, data) -> (data, label)``. The structured ones find the
parts of a photo that parsers trust (the TIFF/EXIF IFDs wherever they sit, JPEG segments,
PNG chunks, RIFF/WebP chunks, ISO-BMFF boxes of HEIC, ICC profiles, IPTC datasets, the XMP
packet) and damage one of them: a size, an offset, a count, a type, a rational's
denominator, a string's bytes, an image's dimensions. ``mutate`` stacks one to three,
chosen by ``rng``: the same seed and index always give the same file.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

Mutation = Callable[[random.Random, bytearray], str | None]

# ---------------------------------------------------------------------------- values

U16 = (0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF)
U32 = (0, 1, 2, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF)
HUGE_SIDES = (0, 1, 0x7FFF, 0xFFFF, 46_341, 100_000, 0x7FFFFFFF, 0xFFFFFFFF)
BAD_TEXT = (
    b"\x1b[31mred\x1b[0m", b"\x00\x00\x00", b"\xff\xfe\xfd", b"\xc0\xaf", b"\xe2\x82",
    "²".encode(), "²".encode("latin-1"), b"\x07\x08\x0b\x0c\x7f", b"\x9b2J", b"%s%n%x",
    b"9999:99:99 99:99:99", b"0000:00:00 00:00:00", b"+99:99", b"-00:61", b"\r\n\t",
    b"\xef\xbb\xbf", b"\xf4\x90\x80\x80", b"NaN", b"inf", b"1e999",
)
DOUBLES = (float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 1e200, 5e-324, -0.0)


def _pick(rng: random.Random, values: tuple) -> object:
    return values[rng.randrange(len(values))]


# ------------------------------------------------------------------------ byte level

def flip_bits(rng: random.Random, data: bytearray) -> str | None:
    n = rng.choice((1, 1, 2, 4, 8, 32))
    for _ in range(n):
        pos = rng.randrange(len(data))
        data[pos] ^= 1 << rng.randrange(8)
    return f"flip {n} bits"


def set_bytes(rng: random.Random, data: bytearray) -> str | None:
    pos = rng.randrange(len(data))
    value = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x01, rng.randrange(256)))
    width = rng.choice((1, 2, 4))
    data[pos:pos + width] = bytes([value]) * width
    return f"set {width} bytes at {pos} to {value:#x}"


def insert_bytes(rng: random.Random, data: bytearray) -> str | None:
    pos = rng.randrange(len(data) + 1)
    n = rng.choice((1, 2, 4, 16, 256))
    data[pos:pos] = rng.randbytes(n)
    return f"insert {n} bytes at {pos}"


def delete_bytes(rng: random.Random, data: bytearray) -> str | None:
    if len(data) < 8:
        return None
    pos = rng.randrange(len(data))
    n = rng.choice((1, 2, 4, 16, 256))
    del data[pos:pos + n]
    return f"delete {n} bytes at {pos}"


def truncate(rng: random.Random, data: bytearray) -> str | None:
    keep = rng.choice((rng.randrange(len(data)), len(data) // 2, len(data) - 1, 16, 100))
    del data[max(1, keep):]
    return f"truncate to {max(1, keep)}"


def duplicate_chunk(rng: random.Random, data: bytearray) -> str | None:
    a = rng.randrange(len(data))
    n = rng.choice((4, 16, 64, 512))
    chunk = data[a:a + n]
    b = rng.randrange(len(data) + 1)
    data[b:b] = chunk
    return f"copy {len(chunk)} bytes from {a} to {b}"


# -------------------------------------------------------------------- TIFF / EXIF IFDs

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
              13: 4, 16: 8, 17: 8, 18: 8}
_POINTERS = {0x8769, 0x8825, 0xA005, 0x014A}  # Exif, GPS, Interop, SubIFDs


@dataclass
class Entry:
    tiff: int  # where the TIFF header starts
    little: bool
    at: int  # absolute position of the 12-byte entry
    tag: int
    kind: int
    count: int
    data_at: int  # absolute position of the value (inline or at its offset)
    size: int  # bytes of the value (0 when unknown or out of the file)


@dataclass
class Ifd:
    tiff: int
    little: bool
    at: int  # absolute position of the entry count
    entries: list[Entry]
    next_at: int  # absolute position of the next-IFD pointer


_TIFF = re.compile(rb"II\*\x00|MM\x00\*")


def tiff_starts(data: bytes) -> list[int]:
    """Positions of plausible TIFF headers: the file's own, and each EXIF block's."""
    found = [m.start() for m in _TIFF.finditer(data, 0, min(len(data), 1 << 20))]
    return found[:8]


def walk_ifds(data: bytes, tiff: int) -> list[Ifd]:
    """The IFDs reachable from the TIFF header at ``tiff`` (IFD0, next IFDs, sub-IFDs)."""
    little = data[tiff:tiff + 2] == b"II"
    end = "<" if little else ">"
    try:
        (first,) = struct.unpack_from(end + "I", data, tiff + 4)
    except struct.error:
        return []
    todo, seen, ifds = [first], set(), []
    while todo and len(ifds) < 16:
        offset = todo.pop(0)
        at = tiff + offset
        if offset in seen or offset < 8 or at + 2 > len(data):
            continue
        seen.add(offset)
        (n,) = struct.unpack_from(end + "H", data, at)
        n = min(n, 256)
        entries = []
        for i in range(n):
            pos = at + 2 + 12 * i
            if pos + 12 > len(data):
                break
            tag, kind, count = struct.unpack_from(end + "HHI", data, pos)
            size = _TYPE_SIZE.get(kind, 0) * count
            if size <= 4:
                data_at = pos + 8
            else:
                (value_offset,) = struct.unpack_from(end + "I", data, pos + 8)
                data_at = tiff + value_offset
                if data_at + size > len(data):
                    size = 0
            entries.append(Entry(tiff, little, pos, tag, kind, count, data_at, size))
            if tag in _POINTERS and kind in (4, 13) and count >= 1:
                (sub,) = struct.unpack_from(end + "I", data, pos + 8)
                todo.append(sub)
        next_at = at + 2 + 12 * len(entries)
        if next_at + 4 <= len(data):
            (nxt,) = struct.unpack_from(end + "I", data, next_at)
            if nxt:
                todo.append(nxt)
        ifds.append(Ifd(tiff, little, at, entries, next_at))
    return ifds


def _ifds(data: bytearray) -> list[Ifd]:
    out: list[Ifd] = []
    for start in tiff_starts(bytes(data)):
        out += walk_ifds(bytes(data), start)
    return out


def _entry(rng: random.Random, data: bytearray, kinds: set[int] | None = None) -> Entry | None:
    entries = [e for ifd in _ifds(data) for e in ifd.entries
               if kinds is None or e.kind in kinds]
    return rng.choice(entries) if entries else None


def _put(data: bytearray, at: int, fmt: str, little: bool, *values: object) -> None:
    raw = struct.pack(("<" if little else ">") + fmt, *values)
    if at + len(raw) <= len(data):
        data[at:at + len(raw)] = raw


def ifd_count(rng: random.Random, data: bytearray) -> str | None:
    ifds = _ifds(data)
    if not ifds:
        return None
    ifd = rng.choice(ifds)
    value = rng.choice((*U16, len(ifd.entries) + 1, len(ifd.entries) * 2))
    _put(data, ifd.at, "H", ifd.little, value)
    return f"IFD at {ifd.at}: entry count {value}"


def ifd_next(rng: random.Random, data: bytearray) -> str | None:
    ifds = _ifds(data)
    if not ifds:
        return None
    ifd = rng.choice(ifds)
    target = rng.choice((ifd.at - ifd.tiff, 8, len(data) - ifd.tiff + 16, *U32[:6]))
    _put(data, ifd.next_at, "I", ifd.little, target % (1 << 32))
    return f"IFD at {ifd.at}: next IFD -> {target}"


def entry_count(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data)
    if e is None:
        return None
    value = rng.choice((*U32, e.count + 1, max(0, e.count - 1), e.count * 2, e.count * 1000))
    _put(data, e.at + 4, "I", e.little, value % (1 << 32))
    return f"tag {e.tag:#06x}: count {value}"


def entry_type(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data)
    if e is None:
        return None
    value = rng.choice((0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 0xFFFF))
    _put(data, e.at + 2, "H", e.little, value)
    return f"tag {e.tag:#06x}: type {e.kind} -> {value}"


def entry_offset(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data)
    if e is None:
        return None
    value = rng.choice((0, 8, e.at - e.tiff, len(data) - e.tiff - 2, len(data) * 4,
                        *U32, rng.randrange(1 << 32)))
    _put(data, e.at + 8, "I", e.little, value % (1 << 32))
    return f"tag {e.tag:#06x}: value/offset {value}"


def entry_tag(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data)
    if e is None:
        return None
    # Put a pointer where a value was, or a known tag on the wrong value.
    value = rng.choice((0x8769, 0x8825, 0xA005, 0x0112, 0x9003, 0x9010, 0x9291, 0x001F,
                        0x0002, 0x0004, 0x0011, 0x0100, 0x0101, 0x0111, 0x0117, 0x02BC,
                        0x83BB, 0x8773, 0x927C, 0xFFFF))
    _put(data, e.at, "H", e.little, value)
    return f"tag {e.tag:#06x} -> {value:#06x}"


def rational(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data, {5, 10})
    if e is None or not e.size:
        return None
    k = rng.randrange(max(1, e.count))
    at = e.data_at + 8 * k
    signed = e.kind == 10
    choice = rng.randrange(6)
    if choice == 0:
        num, den = rng.randrange(1 << 31), 0
    elif choice == 1:
        num, den = 0, 0
    elif choice == 2:
        num, den = (0x7FFFFFFF if signed else 0xFFFFFFFF), 1
    elif choice == 3:
        num, den = 1, (0x7FFFFFFF if signed else 0xFFFFFFFF)
    elif choice == 4:
        num, den = (-0x80000000, -1) if signed else (0xFFFFFFFF, 0xFFFFFFFF)
    else:
        num, den = rng.randrange(1 << 31), rng.choice((0, 1, 3, 7))
    _put(data, at, "ii" if signed else "II", e.little, num, den)
    return f"tag {e.tag:#06x}[{k}]: rational {num}/{den}"


def number(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data, {3, 4, 8, 9, 11, 12})
    if e is None or (e.size == 0 and e.count):
        return None
    if e.kind == 11:
        value: object = _pick(rng, DOUBLES)
        _put(data, e.data_at, "f", e.little, value)
    elif e.kind == 12:
        value = _pick(rng, DOUBLES)
        _put(data, e.data_at, "d", e.little, value)
    elif e.kind in (3, 8):
        value = _pick(rng, U16)
        _put(data, e.data_at, "H", e.little, value)
    else:
        value = _pick(rng, U32)
        _put(data, e.data_at, "I", e.little, value)
    return f"tag {e.tag:#06x}: number {value}"


def as_double(rng: random.Random, data: bytearray) -> str | None:
    """A rational tag (GPS error, altitude, DOP…) retyped as a DOUBLE holding inf/nan/huge."""
    e = _entry(rng, data, {5, 10})
    if e is None or not e.size:
        return None
    value = _pick(rng, DOUBLES)
    _put(data, e.at + 2, "H", e.little, 12)
    _put(data, e.data_at, "d", e.little, value)
    return f"tag {e.tag:#06x}: DOUBLE {value}"


def text(rng: random.Random, data: bytearray) -> str | None:
    e = _entry(rng, data, {1, 2, 7})
    if e is None or not e.size:
        return None
    bad = _pick(rng, BAD_TEXT)
    assert isinstance(bad, bytes)
    span = bad[:e.size] if rng.random() < 0.5 else (bad * (e.size // len(bad) + 1))[:e.size]
    at = e.data_at + rng.randrange(max(1, e.size - len(span) + 1))
    data[at:at + len(span)] = span
    if rng.random() < 0.3 and e.size:  # and no NUL terminator
        data[e.data_at + e.size - 1] = 0x41
    return f"tag {e.tag:#06x}: text {span!r}"


def tiff_header(rng: random.Random, data: bytearray) -> str | None:
    starts = tiff_starts(bytes(data))
    if not starts:
        return None
    at = rng.choice(starts)
    choice = rng.randrange(4)
    if choice == 0:  # the other byte order
        data[at:at + 2] = b"MM" if data[at:at + 2] == b"II" else b"II"
        return f"TIFF at {at}: byte order swapped"
    if choice == 1:  # BigTIFF's magic
        little = data[at:at + 2] == b"II"
        _put(data, at + 2, "H", little, 43)
        return f"TIFF at {at}: magic 43"
    little = data[at:at + 2] == b"II"
    value = rng.choice((0, 2, 7, 9, len(data), *U32))
    _put(data, at + 4, "I", little, value % (1 << 32))
    return f"TIFF at {at}: first IFD {value}"


def tiff_dimensions(rng: random.Random, data: bytearray) -> str | None:
    """Huge or zero ImageWidth/ImageLength, PixelX/YDimension, BitsPerSample, strips."""
    entries = [e for ifd in _ifds(data) for e in ifd.entries
               if e.tag in (0x0100, 0x0101, 0x0102, 0x0115, 0x0116, 0x0117, 0x0111,
                            0xA002, 0xA003)]
    if not entries:
        return None
    e = rng.choice(entries)
    value = int(_pick(rng, HUGE_SIDES))  # type: ignore[call-overload]
    if e.kind == 3:
        _put(data, e.data_at, "H", e.little, value & 0xFFFF)
    else:
        _put(data, e.data_at, "I", e.little, value)
    return f"TIFF tag {e.tag:#06x}: {value}"


# ------------------------------------------------------------------------------- JPEG

def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, position of the marker, length field) of each segment before the scan."""
    out, pos = [], 2
    if not data.startswith(b"\xff\xd8"):
        return out
    while pos + 4 <= len(data) and len(out) < 64:
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        out.append((marker, pos, length))
        if marker == 0xDA:
            break
        pos += 2 + length
    return out


def jpeg_length(rng: random.Random, data: bytearray) -> str | None:
    segs = jpeg_segments(bytes(data))
    if not segs:
        return None
    marker, pos, length = rng.choice(segs)
    value = rng.choice((0, 1, 2, 3, length - 1, length + 1, length * 2, 0xFFFF))
    _put(data, pos + 2, "H", False, value & 0xFFFF)
    return f"JPEG {marker:#04x} at {pos}: length {length} -> {value}"


def jpeg_dimensions(rng: random.Random, data: bytearray) -> str | None:
    segs = [s for s in jpeg_segments(bytes(data)) if s[0] in (0xC0, 0xC1, 0xC2)]
    if not segs:
        return None
    _, pos, _ = segs[0]
    height, width = (rng.choice((0, 1, 0x7FFF, 0xFFFF, rng.randrange(1 << 16)))
                     for _ in range(2))
    which = rng.randrange(3)
    if which != 1:
        _put(data, pos + 5, "H", False, height)
    if which != 0:
        _put(data, pos + 7, "H", False, width)
    if rng.random() < 0.2 and pos + 9 < len(data):  # components, precision
        data[pos + 9] = rng.choice((0, 2, 4, 5, 255))
    return f"JPEG SOF at {pos}: {width}x{height}"


def jpeg_tables(rng: random.Random, data: bytearray) -> str | None:
    segs = [s for s in jpeg_segments(bytes(data)) if s[0] in (0xC4, 0xDB, 0xDA, 0xDD)]
    if not segs:
        return None
    marker, pos, length = rng.choice(segs)
    at = pos + 4 + rng.randrange(max(1, min(length - 2, 24)))
    if at < len(data):
        data[at] = rng.choice((0x00, 0xFF, 0x1F, 0x13, rng.randrange(256)))
    return f"JPEG table {marker:#04x} byte {at}"


# -------------------------------------------------------------------------------- PNG

def png_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    """(type, position of the length field, length) of each chunk."""
    out, pos = [], 8
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return out
    while pos + 8 <= len(data) and len(out) < 64:
        (length,) = struct.unpack_from(">I", data, pos)
        kind = bytes(data[pos + 4:pos + 8])
        out.append((kind, pos, length))
        pos += 12 + length
    return out


def _fix_crc(data: bytearray, pos: int, length: int) -> None:
    end = pos + 8 + length
    if end + 4 <= len(data):
        data[end:end + 4] = struct.pack(">I", zlib.crc32(data[pos + 4:end]))


def png_chunk(rng: random.Random, data: bytearray) -> str | None:
    chunks = png_chunks(bytes(data))
    if not chunks:
        return None
    kind, pos, length = rng.choice(chunks)
    choice = rng.randrange(3)
    if choice == 0:
        value = rng.choice((0, 1, length + 1, length * 2, 0x7FFFFFFF, 0xFFFFFFFF))
        _put(data, pos, "I", False, value)
        return f"PNG {kind!r}: length {value}"
    if length and choice == 1:  # damage the payload, keep the CRC right
        for _ in range(rng.choice((1, 4, 16))):
            at = pos + 8 + rng.randrange(length)
            data[at] = rng.randrange(256)
        _fix_crc(data, pos, length)
        return f"PNG {kind!r}: payload with a good CRC"
    if length:  # bad text in a text chunk, or anywhere
        bad = _pick(rng, BAD_TEXT)
        assert isinstance(bad, bytes)
        at = pos + 8 + rng.randrange(length)
        span = bad[:max(0, pos + 8 + length - at)]
        data[at:at + len(span)] = span
        _fix_crc(data, pos, length)
        return f"PNG {kind!r}: text {span!r} with a good CRC"
    return None


def png_dimensions(rng: random.Random, data: bytearray) -> str | None:
    chunks = png_chunks(bytes(data))
    if not chunks or chunks[0][0] != b"IHDR":
        return None
    _, pos, length = chunks[0]
    width, height = (int(_pick(rng, HUGE_SIDES)) for _ in range(2))  # type: ignore[call-overload]
    which = rng.randrange(3)
    if which != 1:
        _put(data, pos + 8, "I", False, width)
    if which != 0:
        _put(data, pos + 12, "I", False, height)
    if rng.random() < 0.3:  # bit depth, colour type, interlace
        data[pos + 16 + rng.randrange(5)] = rng.choice((0, 1, 2, 3, 4, 6, 16, 255))
    if rng.random() < 0.8:
        _fix_crc(data, pos, length)
    return f"PNG IHDR: {width}x{height}"


# ------------------------------------------------------------------------------- WebP

def riff_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    out, pos = [], 12
    if not (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return out
    while pos + 8 <= len(data) and len(out) < 32:
        kind = bytes(data[pos:pos + 4])
        (length,) = struct.unpack_from("<I", data, pos + 4)
        out.append((kind, pos, length))
        pos += 8 + length + (length & 1)
    return out


def webp_chunk(rng: random.Random, data: bytearray) -> str | None:
    chunks = riff_chunks(bytes(data))
    if not chunks:
        return None
    if rng.random() < 0.2:
        value = rng.choice((0, 4, len(data), 0xFFFFFFFF))
        _put(data, 4, "I", True, value)
        return f"RIFF size {value}"
    kind, pos, length = rng.choice(chunks)
    value = rng.choice((0, 1, length - 1, length + 1, length * 2, 0x7FFFFFFF, 0xFFFFFFFF))
    _put(data, pos + 4, "I", True, value % (1 << 32))
    return f"WebP {kind!r}: size {value}"


def webp_dimensions(rng: random.Random, data: bytearray) -> str | None:
    chunks = riff_chunks(bytes(data))
    for kind, pos, _ in chunks:
        body = pos + 8
        if kind == b"VP8X" and rng.random() < 0.6:
            w, h = rng.randrange(1 << 24), rng.choice((0, 1, (1 << 24) - 1, rng.randrange(1 << 24)))
            data[body + 4:body + 7] = w.to_bytes(3, "little")
            data[body + 7:body + 10] = h.to_bytes(3, "little")
            if rng.random() < 0.3:
                data[body] = rng.randrange(256)  # feature flags (ICC, EXIF, XMP, alpha…)
            return f"WebP VP8X canvas {w + 1}x{h + 1}"
        if kind == b"VP8 ":
            w, h = rng.choice((0, 1, 0x3FFF, 0xFFFF)), rng.choice((0, 1, 0x3FFF, 0xFFFF))
            _put(data, body + 6, "HH", True, w, h)
            return f"WebP VP8 frame {w}x{h}"
        if kind == b"VP8L":
            bits = rng.randrange(1 << 32)
            _put(data, body + 1, "I", True, bits)
            return f"WebP VP8L header {bits:#x}"
    return None


# ------------------------------------------------------------------------ HEIC (BMFF)

_CONTAINERS = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"dinf": 0, b"iinf": 6, b"moov": 0,
               b"trak": 0}


def bmff_boxes(data: bytes, start: int = 0, end: int | None = None,
               depth: int = 0) -> list[tuple[bytes, int, int]]:
    """(type, position, size) of the boxes, descending into the usual containers."""
    end = len(data) if end is None else min(end, len(data))
    out, pos = [], start
    while pos + 8 <= end and len(out) < 128:
        (size,) = struct.unpack_from(">I", data, pos)
        kind = bytes(data[pos + 4:pos + 8])
        if size < 8:
            break
        out.append((kind, pos, size))
        skip = _CONTAINERS.get(kind)
        if skip is not None and depth < 4:
            out += bmff_boxes(data, pos + 8 + skip, pos + size, depth + 1)
        pos += size
    return out


def heif_box(rng: random.Random, data: bytearray) -> str | None:
    boxes = bmff_boxes(bytes(data))
    if not boxes or boxes[0][0] != b"ftyp":
        return None
    kind, pos, size = rng.choice(boxes)
    choice = rng.randrange(3)
    if choice == 0:
        value = rng.choice((0, 1, 7, 8, size - 1, size + 1, size * 2, 0xFFFFFFFF))
        _put(data, pos, "I", False, value % (1 << 32))
        return f"HEIF {kind!r}: size {value}"
    if kind == b"ispe":
        w, h = (int(_pick(rng, HUGE_SIDES)) for _ in range(2))  # type: ignore[call-overload]
        _put(data, pos + 12, "II", False, w, h)
        return f"HEIF ispe {w}x{h}"
    at = pos + 8 + rng.randrange(max(1, min(size - 8, 32)))
    if at < len(data):
        data[at] = rng.choice((0, 1, 0x7F, 0xFF, rng.randrange(256)))
    return f"HEIF {kind!r}: byte {at - pos}"


# ------------------------------------------------------------------ ICC, IPTC and XMP

def icc_profile(rng: random.Random, data: bytearray) -> str | None:
    hits = [m.start() - 36 for m in re.finditer(rb"acsp", data) if m.start() >= 36]
    if not hits:
        return None
    start = rng.choice(hits)
    choice = rng.randrange(4)
    if choice == 0:
        value = int(_pick(rng, U32))  # type: ignore[call-overload]
        _put(data, start, "I", False, value)
        return f"ICC size {value}"
    if choice == 1:
        value = int(_pick(rng, U32))  # type: ignore[call-overload]
        _put(data, start + 128, "I", False, value)
        return f"ICC tag count {value}"
    if choice == 2 and start + 132 + 12 <= len(data):
        (count,) = struct.unpack_from(">I", data, start + 128)
        k = rng.randrange(max(1, min(count, 32)))
        at = start + 132 + 12 * k
        _put(data, at + rng.choice((4, 8)), "I", False, int(_pick(rng, U32)))  # type: ignore[call-overload]
        return f"ICC tag {k}: offset/size"
    at = start + rng.randrange(128)
    if at < len(data):
        data[at] = rng.randrange(256)
    return f"ICC header byte {at - start}"


def iptc_dataset(rng: random.Random, data: bytearray) -> str | None:
    bim = [m.start() for m in re.finditer(rb"8BIM\x04\x04", data)]
    datasets = [m.start() for m in re.finditer(rb"\x1c[\x01\x02][\x00-\xff]", data)]
    if not bim and not datasets:
        return None
    if bim and (not datasets or rng.random() < 0.3):
        at = rng.choice(bim)
        value = int(_pick(rng, U32))  # type: ignore[call-overload]
        _put(data, at + 8, "I", False, value)
        return f"IPTC resource length {value}"
    at = rng.choice(datasets)
    choice = rng.randrange(3)
    if choice == 0:
        value = rng.choice((0, 1, 0x7FFF, 0x8004, 0x8000, 0xFFFF))
        _put(data, at + 3, "H", False, value)
        return f"IPTC dataset length {value:#x}"
    if choice == 1:
        bad = _pick(rng, BAD_TEXT)
        assert isinstance(bad, bytes)
        data[at + 5:at + 5 + len(bad)] = bad
        return f"IPTC text {bad!r}"
    data[at + 2] = rng.randrange(256)
    return "IPTC dataset number"


_XMP_SWAPS = (
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    b"<!ENTITY", b"&a;", b"&#0;", b"&#x1b;", b"<rdf:li>", b"</rdf:Bag>", b"\x00\x1b[2J",
    b"\xff\xfe", b'xml:lang="\xc0"', b"<![CDATA[", b"]]>", b"<?xml version='1.1'?>",
)


def xmp_packet(rng: random.Random, data: bytearray) -> str | None:
    m = re.search(rb"<x:xmpmeta", data)
    if m is None:
        return None
    end = data.find(b"</x:xmpmeta>", m.start())
    end = end if end > 0 else min(len(data), m.start() + 2048)
    swap = _pick(rng, _XMP_SWAPS)
    assert isinstance(swap, bytes)
    at = rng.randrange(m.start(), max(m.start() + 1, end))
    data[at:at + len(swap)] = swap  # same length: the container's sizes stay right
    return f"XMP {swap[:24]!r} at {at}"


# ----------------------------------------------------------------------------- stacking

BYTE_LEVEL: tuple[Mutation, ...] = (flip_bits, set_bytes, insert_bytes, delete_bytes,
                                    truncate, duplicate_chunk)
STRUCTURED: tuple[Mutation, ...] = (
    ifd_count, ifd_next, entry_count, entry_type, entry_offset, entry_tag, rational, number,
    as_double, text, tiff_header, tiff_dimensions, jpeg_length, jpeg_dimensions,
    jpeg_tables, png_chunk, png_dimensions, webp_chunk, webp_dimensions, heif_box,
    icc_profile, iptc_dataset, xmp_packet,
)


def mutate(rng: random.Random, seed: bytes) -> tuple[bytes, list[str]]:
    """``seed`` with one to three mutations, mostly structured ones; their labels."""
    data = bytearray(seed)
    labels: list[str] = []
    wanted = rng.choice((1, 1, 1, 2, 2, 3))
    tries = 0
    while len(labels) < wanted and tries < 12:
        tries += 1
        pool = STRUCTURED if rng.random() < 0.7 else BYTE_LEVEL
        mutation = pool[rng.randrange(len(pool))]
        try:
            label = mutation(rng, data)
        except (struct.error, ValueError, IndexError):
            label = None
        if label is not None and data:
            labels.append(f"{mutation.__name__}: {label}")
    if not data:
        data = bytearray(seed[:1])
    return bytes(data), labels
