"""Render the project's example photos into examples/photos/ (deterministic, re-runnable).

    python examples/make_examples.py [--out DIR]

- ``vaduz_gps.jpg``: a street scene whose EXIF holds a phone's GPS fix in the centre of
  Vaduz, Liechtenstein, and a summer capture time at +02:00 (CEST).
- ``lisbon_sign.jpg``: no metadata at all; a street sign "Rua Augusta" and a shop sign
  "Lisboa" with a Lisbon phone number (+351 21 ...).
- ``no_clues.jpg``: no metadata and no text.

The same script on the same Pillow and libjpeg writes the same bytes.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from geosleuth.testing import find_font, render_photo

PHOTOS = Path(__file__).resolve().parent / "photos"

# Vaduz town centre (Städtle, by the Landesmuseum), WGS84.
VADUZ = (47.14103, 9.52093)


def make(out: Path) -> list[Path]:
    """Write the three example photos into ``out`` and return their paths."""
    font = find_font("Latin")
    return [
        render_photo(
            out / "vaduz_gps.jpg",
            gps=VADUZ,
            altitude_m=455.2,
            h_error_m=4.7,
            gps_time=datetime(2024, 7, 18, 12, 32, 9, tzinfo=UTC),
            taken=datetime(2024, 7, 18, 14, 32, 10, 412_000),
            offset="+02:00",
            make="Apple",
            model="iPhone 14 Pro",
            lens="iPhone 14 Pro back triple camera 6.86mm f/1.78",
            software="17.5.1",
            orientation=1,
            seed=4,
            quality=85,
        ),
        render_photo(
            out / "lisbon_sign.jpg",
            sign_text="Rua Augusta",
            sign_font=font,
            sign_box=(0.06, 0.18, 0.46, 0.31),
            more_signs=[("Lisboa\n+351 21 342 0000", (0.56, 0.36, 0.94, 0.56))],
            seed=11,
            quality=85,
        ),
        render_photo(out / "no_clues.jpg", seed=23, quality=85),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PHOTOS, help="folder to write into")
    args = parser.parse_args()
    for path in make(args.out):
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
