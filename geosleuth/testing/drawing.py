"""The drawing of a photo-like scene: sky gradient, ground and road, buildings with
windows, trees and a lamp post, and signs with text fitted into a box."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["draw_scene", "draw_sign"]


def draw_scene(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
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


def draw_sign(
    image: Image.Image,
    text: str,
    font_path: Path | None,
    box: tuple[float, float, float, float],
    rng: np.random.Generator,
) -> None:
    """A framed sign with ``text`` filling ``box`` (fractions x0, y0, x1, y1 of the image)."""
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
