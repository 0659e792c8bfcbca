"""Calibration on photos with text: the sign benchmark's photos as an eval dataset.

Renders the same signs as ``bench_signs.py`` (47 real places, 12 scripts, text heights
20/32/48 px) into ``benchmarks/out/signs-dataset/`` with a ``dataset.csv`` in the design's
format (image, lat, lon, country, plus script and height as labels), then runs
``geosleuth eval`` on it: accuracy at every distance, GeoScore, and the calibration of the
stated confidence (ECE and the reliability table), which the real photos in
``../shared/data/photos`` cannot give offline (they carry almost no legible text).

Run: python benchmarks/eval_signs.py [--jobs 2] [--heights 32]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
from pathlib import Path

from bench_signs import PLACES, SIZE, TEXT_HEIGHTS

from geosleuth.testing.signs import sign_photo

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "benchmarks" / "out" / "signs-dataset"
OUT = ROOT / "benchmarks" / "out" / "eval-signs"


def render(heights: list[int]) -> Path:
    DATASET.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, place in enumerate(PLACES):
        for height in heights:
            name = f"{i:02d}-{height}.jpg"
            photo = sign_photo(place.sign, place.script, size=SIZE, text_px=height,
                               seed=i * 7 + height, palette=i, tilt_deg=2.0 * (i % 2))
            photo.image.save(DATASET / name, quality=85)
            rows.append({"image": name, "lat": place.lat, "lon": place.lon,
                         "country": place.country, "script": place.script,
                         "height": f"{height}px", "place": place.name})
    path = DATASET / "dataset.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--heights", type=int, nargs="+", default=list(TEXT_HEIGHTS))
    args = parser.parse_args()
    dataset = render(args.heights)
    shutil.rmtree(OUT, ignore_errors=True)  # a fresh run each time
    command = [sys.executable, "-m", "geosleuth", "eval", str(dataset), "--out", str(OUT),
               "--no-cache", "--jobs", str(args.jobs), "--by", "script"]
    print("$", " ".join(command[2:]), flush=True)
    subprocess.run(command, check=True)
    print((OUT / "summary.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
