"""A photo factory: photo-like scenes rendered with Pillow and written with chosen EXIF.

``render_photo`` draws a street-like scene (sky gradient, ground and road, buildings with
windows, sensor-like noise so the file is not trivially compressible), optionally a sign
with text in a given TrueType font, and writes it as JPEG, PNG, WebP, TIFF or HEIC with
the EXIF fields asked for: GPS position, altitude, precision and time in the GPS IFD;
capture time, UTC offset, sub-seconds and lens in the Exif IFD; make, model, software and
orientation in IFD0. Without any metadata argument the file carries no EXIF at all.

``find_font`` finds a TrueType font on this machine for a writing system, so tests can
render signs in Latin, Cyrillic, Greek, Han, Arabic and other scripts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from PIL.TiffImagePlugin import IFDRational

from geosleuth.testing.metadata import Fields, add_iptc, xmp_packet

__all__ = ["find_font", "render_photo"]

# EXIF tag numbers (EXIF 2.32 / CIPA DC-008).
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_MAKE, _MODEL, _ORIENTATION, _SOFTWARE, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0131, 0x0132
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_TIME, _OFFSET_TIME_ORIGINAL = 0x9010, 0x9011
_SUBSEC_ORIGINAL, _LENS_MODEL = 0x9291, 0xA434
_PIXEL_X, _PIXEL_Y = 0xA002, 0xA003
_GPS_VERSION, _GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 0, 1, 2, 3, 4
_GPS_ALT_REF, _GPS_ALT, _GPS_TIME, _GPS_DOP, _GPS_DATE, _GPS_H_ERROR = 5, 6, 7, 11, 29, 31
_GPS_IMG_DIR_REF, _GPS_IMG_DIR = 16, 17

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

# Font files by writing system, best first; DejaVu covers Latin, Greek, Cyrillic, Hebrew,
# Georgian and Armenian, Noto the rest. Matched by file name anywhere under the font roots.
_FONT_FILES: dict[str, tuple[str, ...]] = {
    "latin": ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"),
    "greek": ("DejaVuSans.ttf", "NotoSans-Regular.ttf"),
    "cyrillic": ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"),
    "hebrew": ("DejaVuSans.ttf", "NotoSansHebrew-Regular.ttf"),
    "georgian": ("DejaVuSans.ttf", "NotoSansGeorgian-Regular.ttf"),
    "armenian": ("DejaVuSans.ttf", "NotoSansArmenian-Regular.ttf"),
    "arabic": ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "DejaVuSans.ttf"),
    "thai": ("NotoSansThai-Regular.ttf", "NotoSerifThai-Regular.ttf", "Garuda.ttf"),
    "devanagari": ("NotoSansDevanagari-Regular.ttf", "Lohit-Devanagari.ttf"),
    "han": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "wqy-microhei.ttc"),
    "hangul": ("NotoSansCJK-Regular.ttc", "NotoSansCJKkr-Regular.otf", "NanumGothic.ttf"),
    "japanese": ("NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf",
                 "fonts-japanese-gothic.ttf"),
}
_SCRIPT_ALIASES = {
    "cjk": "han", "chinese": "han", "hani": "han", "korean": "hangul", "hang": "hangul",
    "hiragana": "japanese", "katakana": "japanese", "jpan": "japanese", "latn": "latin",
    "cyrl": "cyrillic", "grek": "greek", "arab": "arabic", "hebr": "hebrew", "deva": "devanagari",
}
# fontconfig language codes used when no known file name is present.
_FC_LANG = {
    "latin": "en", "greek": "el", "cyrillic": "ru", "hebrew": "he", "georgian": "ka",
    "armenian": "hy", "arabic": "ar", "thai": "th", "devanagari": "hi", "han": "zh-cn",
    "hangul": "ko", "japanese": "ja",
}


def _font_roots() -> list[Path]:
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
             Path.home() / ".local/share/fonts", Path("/Library/Fonts"),
             Path("/System/Library/Fonts"), Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    try:  # matplotlib ships DejaVu Sans: a Latin/Greek/Cyrillic fallback without system fonts
        import matplotlib

        roots.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return [r for r in roots if r.is_dir()]


@cache
def _font_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for root in _font_roots():
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in {".ttf", ".otf", ".ttc"}:
                index.setdefault(path.name, path)
    return index


@cache
def find_font(script: str = "Latin") -> Path | None:
    """A TrueType/OpenType font on this machine that covers ``script``, or None if absent.

    ``script`` is a writing system ("Latin", "Cyrillic", "Greek", "Arabic", "Han",
    "Hangul", "Japanese", "Thai", "Devanagari", "Hebrew", ...) or its ISO 15924 code.
    """
    key = script.strip().lower()
    key = _SCRIPT_ALIASES.get(key, key)
    index = _font_index()
    for name in _FONT_FILES.get(key, ()):
        if name in index:
            return index[name]
    lang = _FC_LANG.get(key)
    fc_list = shutil.which("fc-list")
    if lang and fc_list:
        try:
            out = subprocess.run(
                [fc_list, f":lang={lang}", "file"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        files = sorted(
            line.strip().rstrip(":") for line in out.splitlines()
            if line.strip().rstrip(":").lower().endswith((".ttf", ".otf", ".ttc"))
        )
        if files:
            return Path(files[0])
    return None


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


# ---------------------------------------------------------------- the scene


def _scene(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """Sky, buildings, ground and road, as an RGB image of ``size`` (width, height)."""
    width, height = size
    horizon = int(height * rng.uniform(0.55, 0.65))
    rows = np.linspace(0.0, 1.0, horizon)[:, None]
    top = np.array([rng.uniform(40, 90), rng.uniform(100, 150), rng.uniform(190, 235)])
    low = np.array([rng.uniform(180, 215), rng.uniform(205, 225), rng.uniform(225, 245)])
    sky = top + (low - top) * rows[..., None]
    ground_rows = np.linspace(0.0, 1.0, height - horizon)[:, None]
    g_far = np.array([120.0, 118.0, 105.0]) + rng.uniform(-15, 15, 3)
    g_near = np.array([85.0, 80.0, 72.0]) + rng.uniform(-10, 10, 3)
    ground = g_far + (g_near - g_far) * ground_rows[..., None]
    arr = np.concatenate(
        [np.broadcast_to(sky, (horizon, width, 3)),
         np.broadcast_to(ground, (height - horizon, width, 3))],
        axis=0,
    )
    image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)

    # Road in perspective and its centre line.
    cx = width * rng.uniform(0.4, 0.6)
    draw.polygon(
        [(cx - width * 0.04, horizon), (cx + width * 0.04, horizon),
         (width * 0.95, height), (width * 0.05, height)],
        fill=(70, 70, 74),
    )
    for i in range(8):
        t0, t1 = i / 8 + 0.02, i / 8 + 0.07
        y0, y1 = horizon + (height - horizon) * t0, horizon + (height - horizon) * t1
        c0, c1 = cx + (width / 2 - cx) * t0, cx + (width / 2 - cx) * t1
        w0, w1 = 1 + 6 * t0 * width / 1200, 1 + 6 * t1 * width / 1200
        draw.polygon([(c0 - w0, y0), (c0 + w0, y0), (c1 + w1, y1), (c1 - w1, y1)],
                     fill=(225, 220, 200))

    # Buildings along the horizon, with rows of windows.
    x = -rng.uniform(0, width * 0.05)
    while x < width:
        bw = width * rng.uniform(0.08, 0.18)
        bh = height * rng.uniform(0.18, 0.45)
        if abs((x + bw / 2) - cx) > width * 0.08:
            colour = tuple(int(c) for c in rng.uniform([120, 100, 80], [235, 215, 190]))
            box = (x, horizon - bh, x + bw, horizon + height * 0.02)
            draw.rectangle(box, fill=colour, outline=(60, 55, 50))
            draw.polygon([(x - 3, horizon - bh), (x + bw + 3, horizon - bh),
                          (x + bw / 2, horizon - bh - height * rng.uniform(0.02, 0.06))],
                         fill=(150, 70, 55))
            win = max(4.0, bw / 8)
            wy = horizon - bh + win
            while wy + win * 1.4 < horizon - win:
                wx = x + win * 0.8
                while wx + win < x + bw - win * 0.5:
                    # Glass reflecting the sky, close in tone to the wall: dark, evenly
                    # spaced panes read as CJK glyphs to OCR engines.
                    glass = rng.uniform([70, 90, 115], [150, 170, 200])
                    tone = tuple(int(v) for v in 0.45 * np.array(colour) + 0.55 * glass)
                    draw.rectangle((wx, wy, wx + win, wy + win * 1.4), fill=tone)
                    wx += win * 1.8
                wy += win * 2.2
        x += bw + width * rng.uniform(0.0, 0.03)

    # A tree or two and a lamp post.
    for _ in range(int(rng.integers(1, 3))):
        tx, ty = width * rng.uniform(0.05, 0.95), horizon + height * rng.uniform(0.02, 0.1)
        r = height * rng.uniform(0.05, 0.09)
        draw.rectangle((tx - r * 0.12, ty - r, tx + r * 0.12, ty + r * 0.8), fill=(80, 55, 35))
        draw.ellipse((tx - r, ty - 2.4 * r, tx + r, ty - 0.4 * r), fill=(50, 110, 50))
    lx = width * rng.uniform(0.1, 0.9)
    draw.rectangle((lx - 2, horizon - height * 0.3, lx + 2, horizon + height * 0.1),
                   fill=(40, 40, 40))
    return image


def _fit_font(
    draw: ImageDraw.ImageDraw, text: str, font_path: Path | None, box_w: float, box_h: float
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The largest font size at which ``text`` fits 88 % of the box width, 70 % of its height."""
    def load(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if font_path is not None:
            return ImageFont.truetype(str(font_path), size)
        return ImageFont.load_default(size)

    lo, hi = 6, max(8, int(box_h))
    best = load(lo)
    while lo <= hi:
        mid = (lo + hi) // 2
        font = load(mid)
        left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font, align="center")
        if right - left <= box_w * 0.88 and bottom - top <= box_h * 0.7:
            best, lo = font, mid + 1
        else:
            hi = mid - 1
    return best


def _draw_sign(
    image: Image.Image,
    text: str,
    font_path: Path | None,
    box: tuple[float, float, float, float],
    rng: np.random.Generator,
) -> None:
    width, height = image.size
    x0, y0, x1, y1 = box[0] * width, box[1] * height, box[2] * width, box[3] * height
    if not (0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1):
        raise ValueError(f"sign_box {box} must be fractions x0 < x1, y0 < y1 within [0, 1]")
    draw = ImageDraw.Draw(image)
    palettes = [((245, 245, 240), (20, 20, 20)), ((20, 70, 140), (250, 250, 250)),
                ((25, 110, 60), (250, 250, 250)), ((250, 215, 50), (15, 15, 15))]
    background, ink = palettes[int(rng.integers(0, len(palettes)))]
    border = max(2, int((y1 - y0) * 0.06))
    draw.rectangle((x0, y0, x1, y1), fill=ink)
    draw.rectangle((x0 + border, y0 + border, x1 - border, y1 - border), fill=background)
    font = _fit_font(draw, text, font_path, x1 - x0, y1 - y0)
    draw.multiline_text(((x0 + x1) / 2, (y0 + y1) / 2), text, font=font, fill=ink,
                        anchor="mm", align="center")


# ---------------------------------------------------------------- EXIF


def _rational(value: float, denominator: int) -> IFDRational:
    return IFDRational(round(abs(value) * denominator), denominator)


def _dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees as EXIF degrees, minutes, seconds; seconds to 1/10000 (3e-8 degree)."""
    total = Fraction(round(abs(degrees) * 36_000_000), 10_000)  # seconds, exact
    d, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return (IFDRational(int(d), 1), IFDRational(int(m), 1),
            IFDRational(s.numerator * (10_000 // s.denominator), 10_000))


def _exif(
    *,
    size: tuple[int, int],
    gps: tuple[float, float] | None,
    altitude_m: float | None,
    gps_dop: float | None,
    h_error_m: float | None,
    gps_time: datetime | None,
    taken: datetime | None,
    offset: str | None,
    make: str | None,
    model: str | None,
    lens: str | None,
    software: str | None,
    orientation: int | None,
) -> Image.Exif | None:
    wanted = (gps, altitude_m, gps_dop, h_error_m, gps_time, taken, offset, make, model, lens,
              software, orientation)
    if all(v is None for v in wanted):
        return None
    exif = Image.Exif()
    for tag, value in ((_MAKE, make), (_MODEL, model), (_SOFTWARE, software)):
        if value is not None:
            exif[tag] = value
    if orientation is not None:
        exif[_ORIENTATION] = int(orientation)

    sub = exif.get_ifd(_EXIF_IFD)
    sub[_PIXEL_X], sub[_PIXEL_Y] = size
    if taken is not None:
        if offset is None and taken.utcoffset() is not None:
            minutes = int(taken.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
            sign = "-" if minutes < 0 else "+"
            offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[_DATETIME] = stamp
        sub[_DATETIME_ORIGINAL] = stamp
        sub[_DATETIME_DIGITIZED] = stamp
        if taken.microsecond:
            sub[_SUBSEC_ORIGINAL] = f"{taken.microsecond // 1000:03d}"
    if offset is not None:
        sub[_OFFSET_TIME] = offset
        sub[_OFFSET_TIME_ORIGINAL] = offset
    if lens is not None:
        sub[_LENS_MODEL] = lens

    gps_ifd: dict[int, object] = {}
    if gps is not None or altitude_m is not None or gps_dop is not None or gps_time is not None:
        gps_ifd[_GPS_VERSION] = b"\x02\x03\x00\x00"
    if gps is not None:
        lat, lon = gps
        gps_ifd[_GPS_LAT_REF] = "S" if lat < 0 else "N"
        gps_ifd[_GPS_LAT] = _dms(lat)
        gps_ifd[_GPS_LON_REF] = "W" if lon < 0 else "E"
        gps_ifd[_GPS_LON] = _dms(lon)
    if altitude_m is not None:
        gps_ifd[_GPS_ALT_REF] = b"\x01" if altitude_m < 0 else b"\x00"
        gps_ifd[_GPS_ALT] = _rational(altitude_m, 100)
    if gps_dop is not None:
        gps_ifd[_GPS_DOP] = _rational(gps_dop, 100)
    if h_error_m is not None:
        gps_ifd[_GPS_H_ERROR] = _rational(h_error_m, 100)
    if gps_time is not None:
        utc = gps_time.astimezone(UTC) if gps_time.tzinfo else gps_time
        seconds = utc.second + utc.microsecond / 1e6
        gps_ifd[_GPS_TIME] = (IFDRational(utc.hour, 1), IFDRational(utc.minute, 1),
                              _rational(seconds, 1000))
        gps_ifd[_GPS_DATE] = utc.strftime("%Y:%m:%d")
    if gps_ifd:  # only now: asking Pillow for the IFD would write an empty one
        exif.get_ifd(_GPS_IFD).update(gps_ifd)
    return exif


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
) -> Path:
    """Render a photo-like scene and write it to ``path`` with the EXIF fields given.

    The format comes from ``fmt`` or the suffix (JPEG, PNG, WebP, TIFF, HEIC/HEIF; HEIC
    needs pillow-heif). ``size`` is the size a viewer shows: with ``orientation`` 5 to 8
    the stored pixels are rotated so that applying the orientation gives back the scene.
    ``sign_text`` (may hold newlines) is drawn on a sign filling ``sign_box``, in
    ``sign_font`` or else ``find_font("Latin")`` or Pillow's default font; ``more_signs``
    adds further (text, box) signs in the same font. ``heading`` writes GPSImgDirection;
    ``iptc`` and ``xmp`` write those blocks (field names as in ``testing.metadata``). The
    same arguments and ``seed`` always give the same pixels. Returns ``path``.
    """
    path = Path(path)
    image_format = _format_for(path, fmt)
    if orientation is not None and orientation not in range(1, 9):
        raise ValueError(f"orientation must be 1..8, not {orientation}")
    # Separate streams, so that adding a sign changes the sign's pixels and nothing else.
    image = _scene(size, np.random.default_rng([seed, 1]))
    signs = list(more_signs)
    if sign_text:
        signs.insert(0, (sign_text, sign_box if sign_box is not None else (0.3, 0.3, 0.7, 0.45)))
    if signs:
        font = sign_font if sign_font is not None else find_font("Latin")
        sign_rng = np.random.default_rng([seed, 2])
        for text, box in signs:
            _draw_sign(image, text, font, box, sign_rng)
    # Sensor-like noise: keeps the file size realistic and the scene not flat.
    noise = np.random.default_rng([seed, 3]).normal(0.0, 4.0, (size[1], size[0], 3))
    noisy = np.asarray(image, dtype=np.int16) + noise
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    if orientation in _STORE_FOR_ORIENTATION:
        image = image.transpose(_STORE_FOR_ORIENTATION[orientation])  # type: ignore[index]

    exif = _exif(size=image.size, gps=gps, altitude_m=altitude_m, gps_dop=gps_dop,
                 h_error_m=h_error_m, gps_time=gps_time, taken=taken, offset=offset, make=make,
                 model=model, lens=lens, software=software, orientation=orientation)
    if heading is not None:
        exif = exif if exif is not None else Image.Exif()
        exif.get_ifd(_GPS_IFD).update({_GPS_IMG_DIR_REF: "T",
                                       _GPS_IMG_DIR: _rational(heading, 100)})
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


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    """Shorthand for an aware UTC datetime, for ``gps_time``."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)

