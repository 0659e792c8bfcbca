"""Helpers for tests and examples: rendered photos with chosen EXIF metadata and signs."""

from geosleuth.testing.fonts import find_font
from geosleuth.testing.photos import render_photo

__all__ = ["find_font", "render_photo"]
