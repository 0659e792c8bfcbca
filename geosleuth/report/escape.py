"""Escaping untrusted text (OCR output, EXIF strings, file names, model text) for markdown.

Control characters go first (``text.quoting.printable``: an escape sequence in a tool
name or a thought is shown as ``\\x1b``, never written raw into report.md), then the
markdown and HTML.
"""

from __future__ import annotations

import re

from geosleuth.text.quoting import printable

# Characters that start markup anywhere in a line; "(" is harmless once "[" and "]" are escaped,
# and "-", "+" only matter at the start of a line, where this text never stands.
_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md(text: object, limit: int = 300) -> str:
    """Text safe inside a markdown paragraph or table cell: no markup, no HTML, no control
    character, one line."""
    s = " ".join(printable(text).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", s)


def code(text: object) -> str:
    """A short identifier (a tool name) as a code span; backticks cannot close it early."""
    return "`" + " ".join(printable(text).split()).replace("`", "'") + "`"


def osm_link(lat: float, lon: float, radius_km: float | None = None) -> str:
    """An OpenStreetMap link centred on a point, zoomed to show about its radius."""
    zoom = 16
    if radius_km is not None:
        for z, r in ((18, 0.1), (16, 1), (13, 10), (11, 50), (9, 200), (7, 750), (5, 2500)):
            zoom = z
            if radius_km <= r:
                break
        else:
            zoom = 3
    return f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map={zoom}/{lat:.5f}/{lon:.5f}"
