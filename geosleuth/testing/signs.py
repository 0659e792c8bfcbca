"""Rendered signs in many scripts on photo-like backgrounds, for OCR tests and benchmarks.

``SIGN_SAMPLES`` holds sign texts in Latin (with diacritics), Cyrillic, Greek, Han,
Japanese, Hangul, Arabic, Hebrew, Thai and Devanagari, each with its language and a
country where such a sign stands. ``noto_font`` finds Debian's Noto font for a script
(packages fonts-noto-core and fonts-noto-cjk). ``render_plate`` draws one sign plate;
``photo_background`` draws a textured, photo-like scene without text; ``sign_photo``
pastes a plate (optionally tilted) onto a background at a chosen text height or share of
the image area and says where it went. The same arguments always give the same pixels.

Complex scripts (Arabic joining, right-to-left order, Thai and Devanagari marks) need
Pillow's raqm layout, which the Pillow wheels ship; ``render_plate`` refuses without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

__all__ = [
    "SCRIPTS",
    "SIGN_SAMPLES",
    "SignPhoto",
    "SignSample",
    "noto_font",
    "photo_background",
    "render_plate",
    "sign_photo",
]

_FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
               Path.home() / ".local/share/fonts", Path.home() / ".fonts")

# Noto font files per script (regular, bold), and the Debian package that ships them.
_NOTO: dict[str, tuple[str, str, str]] = {
    "Latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
    "Cyrillic": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
    "Greek": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
    "Arabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", "fonts-noto-core"),
    "Hebrew": ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", "fonts-noto-core"),
    "Thai": ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf", "fonts-noto-core"),
    "Devanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf",
                   "fonts-noto-core"),
    **{script: (f"NotoSans{name}-Regular.ttf", f"NotoSans{name}-Bold.ttf", "fonts-noto-core")
       for script, name in (("Bengali", "Bengali"), ("Oriya", "Oriya"), ("Tamil", "Tamil"),
                            ("Telugu", "Telugu"), ("Kannada", "Kannada"),
                            ("Malayalam", "Malayalam"), ("Gujarati", "Gujarati"),
                            ("Gurmukhi", "Gurmukhi"), ("Sinhala", "Sinhala"))},
    "Georgian": ("NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf", "fonts-noto-core"),
    "Armenian": ("NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf", "fonts-noto-core"),
    "Han": ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"),
    "Japanese": ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"),
    "Hangul": ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"),
}
# Face index inside the CJK collection: the regional variant draws the glyphs as that
# region's signs do (order of NotoSansCJK-*.ttc: JP, KR, SC, TC, HK).
_CJK_INDEX = {"Japanese": 0, "Hangul": 1, "Han": 2}


@dataclass(frozen=True)
class SignSample:
    """A sign text, its script, its language (ISO 639-1) and a country (ISO 3166) it is in."""

    text: str
    script: str
    language: str
    country: str


SIGN_SAMPLES: tuple[SignSample, ...] = (
    SignSample("Rua Augusta", "Latin", "pt", "PT"),
    SignSample("Praça do Comércio", "Latin", "pt", "PT"),
    SignSample("Łódź Fabryczna", "Latin", "pl", "PL"),
    SignSample("Königstraße", "Latin", "de", "DE"),
    SignSample("Невский проспект", "Cyrillic", "ru", "RU"),
    SignSample("Красная площадь", "Cyrillic", "ru", "RU"),
    SignSample("Οδός Ερμού", "Greek", "el", "GR"),
    SignSample("Πλατεία Συντάγματος", "Greek", "el", "GR"),
    SignSample("北京市朝阳区", "Han", "zh", "CN"),
    SignSample("南京东路", "Han", "zh", "CN"),
    SignSample("渋谷駅ハチ公口", "Japanese", "ja", "JP"),
    SignSample("しながわ水族館", "Japanese", "ja", "JP"),
    SignSample("서울역", "Hangul", "ko", "KR"),
    SignSample("명동길 입구", "Hangul", "ko", "KR"),
    SignSample("شارع الملك فهد", "Arabic", "ar", "SA"),
    SignSample("ميدان التحرير", "Arabic", "ar", "EG"),
    SignSample("רחוב הרצל", "Hebrew", "he", "IL"),
    SignSample("שדרות רוטשילד", "Hebrew", "he", "IL"),
    SignSample("ถนนสุขุมวิท", "Thai", "th", "TH"),
    SignSample("ตลาดน้ำ", "Thai", "th", "TH"),
    SignSample("चाँदनी चौक", "Devanagari", "hi", "IN"),
    SignSample("नई दिल्ली", "Devanagari", "hi", "IN"),
    SignSample("ঢাকা রেলওয়ে স্টেশন", "Bengali", "bn", "BD"),
    SignSample("ভিক্টোরিয়া মেমোরিয়াল", "Bengali", "bn", "IN"),
    SignSample("ଭୁବନେଶ୍ୱର ରେଳ ଷ୍ଟେସନ", "Oriya", "or", "IN"),
    SignSample("ପୁରୀ ସମୁଦ୍ର କୂଳ", "Oriya", "or", "IN"),
    SignSample("சென்னை மத்திய", "Tamil", "ta", "IN"),
    SignSample("அண்ணா சாலை", "Tamil", "ta", "IN"),
    SignSample("რუსთაველის გამზირი", "Georgian", "ka", "GE"),
    SignSample("თავისუფლების მოედანი", "Georgian", "ka", "GE"),
)

SCRIPTS: tuple[str, ...] = tuple(dict.fromkeys(s.script for s in SIGN_SAMPLES))

# Plate colours (background, ink) as street signs use them.
_PALETTES: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = (
    ((245, 245, 238), (20, 20, 24)),
    ((22, 72, 150), (250, 250, 250)),
    ((24, 110, 62), (250, 250, 250)),
    ((250, 212, 48), (16, 16, 16)),
    ((150, 30, 34), (250, 246, 236)),
)


@cache
def _font_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for root in _FONT_ROOTS:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.suffix.lower() in {".ttf", ".otf", ".ttc"}:
                    index.setdefault(path.name, path)
    return index


def noto_font(script: str, bold: bool = True) -> Path:
    """The Noto font file for ``script``; FileNotFoundError names the Debian package."""
    try:
        regular, heavy, package = _NOTO[script]
    except KeyError:
        raise ValueError(f"no Noto font known for script {script!r}; use one of "
                         + ", ".join(sorted(_NOTO))) from None
    index = _font_index()
    for name in (heavy, regular) if bold else (regular, heavy):
        if name in index:
            return index[name]
    raise FileNotFoundError(
        f"Noto font for {script} ({regular}) is not installed: apt-get install {package}"
    )


def _font(script: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = noto_font(script, bold)
    index = _CJK_INDEX.get(script, 0) if path.suffix.lower() == ".ttc" else 0
    return ImageFont.truetype(str(path), size, index=index)


def render_plate(
    text: str, script: str, *, text_px: int = 64, palette: int = 0, bold: bool = True
) -> Image.Image:
    """A sign plate (RGBA, transparent outside) with ``text`` whose lines are ``text_px`` tall.

    ``text_px`` is the font size in pixels; the plate adds a margin and a border.
    """
    if not features.check("raqm"):
        raise RuntimeError("Pillow lacks raqm text layout: install Pillow from its wheels "
                           "(or libraqm0) to render Arabic, Hebrew, Thai and Devanagari")
    font = _font(script, max(6, int(text_px)), bold)
    scratch = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = scratch.multiline_textbbox((0, 0), text, font=font, align="center")
    pad_x, pad_y = int(text_px * 0.6), int(text_px * 0.4)
    border = max(2, int(text_px * 0.08))
    width, height = right - left + 2 * pad_x, bottom - top + 2 * pad_y
    background, ink = _PALETTES[palette % len(_PALETTES)]
    plate = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(plate)
    radius = max(2, int(text_px * 0.15))
    draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=(*ink, 255))
    draw.rounded_rectangle((border, border, width - 1 - border, height - 1 - border),
                           radius=max(1, radius - border), fill=(*background, 255))
    draw.multiline_text((pad_x - left, pad_y - top), text, font=font, fill=(*ink, 255),
                        align="center")
    return plate


def photo_background(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A photo-like RGB scene without text: sky, facades, ground, shading, noise, blur."""
    width, height = size
    rng = np.random.default_rng([seed, 11])
    horizon = int(height * rng.uniform(0.45, 0.65))
    # Rendered small and scaled up: keeps large backgrounds (12 MP) fast to make.
    small = (max(8, width // 8), max(8, height // 8))
    sky_top = rng.uniform([40, 90, 170], [100, 150, 230])
    sky_low = rng.uniform([170, 195, 215], [215, 225, 245])
    rows = np.linspace(0.0, 1.0, small[1])[:, None, None]
    arr = sky_top + (sky_low - sky_top) * rows
    arr = np.broadcast_to(arr, (small[1], small[0], 3)).copy()
    h_small = horizon // 8
    ground = rng.uniform([80, 75, 65], [140, 130, 115])
    arr[h_small:] = ground * np.linspace(1.1, 0.75, small[1] - h_small)[:, None, None]
    x = 0
    while x < small[0]:  # facades of varied colour and height, darker at the bottom
        bw = int(rng.integers(max(2, small[0] // 10), max(3, small[0] // 4)))
        top = int(h_small - rng.uniform(0.2, 0.5) * small[1])
        colour = rng.uniform([90, 80, 70], [225, 205, 185])
        shade = np.linspace(1.05, 0.8, max(1, h_small - max(top, 0)))[:, None, None]
        arr[max(top, 0):h_small, x:x + bw] = colour * shade
        x += bw
    image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    image = image.resize(size, Image.Resampling.BILINEAR)
    # Sensor-like grain, one value per pixel for all channels (like luminance noise).
    noise = np.random.default_rng([seed, 12]).standard_normal((height, width, 1),
                                                                dtype=np.float32)
    noisy = np.asarray(image, dtype=np.float32) + 4.0 * noise
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


@dataclass(frozen=True)
class SignPhoto:
    """A rendered photo with one sign: the image, the text, and the sign's pixel box."""

    image: Image.Image
    text: str
    script: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the (tilted) plate in the image

    @property
    def area_fraction(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0) / (self.image.width * self.image.height)


def sign_photo(
    text: str,
    script: str,
    *,
    size: tuple[int, int] = (1280, 960),
    text_px: int | None = None,
    area_fraction: float | None = None,
    center: tuple[float, float] = (0.5, 0.4),
    tilt_deg: float = 0.0,
    palette: int = 0,
    seed: int = 0,
    jpeg_quality: int | None = 85,
    background: Image.Image | None = None,
) -> SignPhoto:
    """A photo-like scene of ``size`` with a sign reading ``text`` centred at ``center``.

    The sign's size comes from ``text_px`` (font size in pixels) or from ``area_fraction``
    (share of the image area the plate covers); by default text is 1/20 of the height.
    ``tilt_deg`` rotates the plate; ``jpeg_quality`` round-trips the result through JPEG
    (None keeps it lossless). ``background`` reuses a scene from ``photo_background``.
    """
    if text_px is not None and area_fraction is not None:
        raise ValueError("give text_px or area_fraction, not both")
    if area_fraction is not None:
        if not 0 < area_fraction < 1:
            raise ValueError(f"area_fraction must be in (0, 1), not {area_fraction}")
        probe = render_plate(text, script, text_px=100, palette=palette)
        scale = (area_fraction * size[0] * size[1] / (probe.width * probe.height)) ** 0.5
        text_px = max(6, int(100 * scale))
    elif text_px is None:
        text_px = max(12, size[1] // 20)
    plate = render_plate(text, script, text_px=text_px, palette=palette)
    if tilt_deg:
        plate = plate.rotate(tilt_deg, resample=Image.Resampling.BICUBIC, expand=True)
    scene = (background.copy() if background is not None
             else photo_background(size, seed))
    if scene.size != size:
        raise ValueError(f"background is {scene.size}, not {size}")
    x0 = int(center[0] * size[0] - plate.width / 2)
    y0 = int(center[1] * size[1] - plate.height / 2)
    x0 = min(max(0, x0), max(0, size[0] - plate.width))
    y0 = min(max(0, y0), max(0, size[1] - plate.height))
    scene.paste(plate, (x0, y0), plate)
    box = (x0, y0, min(size[0], x0 + plate.width), min(size[1], y0 + plate.height))
    if jpeg_quality is not None:
        from io import BytesIO

        buffer = BytesIO()
        scene.save(buffer, format="JPEG", quality=jpeg_quality)
        buffer.seek(0)
        scene = Image.open(buffer).convert("RGB")
    return SignPhoto(image=scene, text=text, script=script, box=box)


def samples_for(scripts: Sequence[str] | None = None) -> list[SignSample]:
    """The samples of the given scripts (all when None), in ``SIGN_SAMPLES`` order."""
    return [s for s in SIGN_SAMPLES if scripts is None or s.script in scripts]
