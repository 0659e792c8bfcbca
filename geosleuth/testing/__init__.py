"""Helpers for tests and examples: rendered photos with chosen EXIF metadata and signs."""

from geosleuth.testing.photos import find_font, render_photo

__all__ = ["find_font", "render_photo"]
