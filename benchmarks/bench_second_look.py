"""What the OCR's second look costs: each real sign and plate photo read with and without it.

    python benchmarks/bench_second_look.py [--data DIR] [--runs 3]

Uses the real photos of ``../shared/data/real`` (signs and plates; ``--data`` or
``GEOSLEUTH_SHARED_DATA`` for another folder) of at most 1280 px (a larger photo takes no
second look and is read as before). Each photo is read by ``read_image`` with
``second_look_px`` 0 and 1280, the two alternating (which one goes first alternates too),
``--runs`` times each after one unmeasured read, and the medians are printed: wall and
CPU time (``time.process_time``, every thread of the process) per photo, over the photos
the second look was taken for and over all photos, with the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageOps
from real_ocr import DEFAULT_DATA


def _timed(photo: Image.Image, second_look_px: int) -> tuple[float, float]:
    from geosleuth_plugins.ocr_signage.reading import read_image

    wall, cpu = time.perf_counter(), time.process_time()
    read_image(photo, second_look_px=second_look_px)
    return time.perf_counter() - wall, time.process_time() - cpu


def _looked_again(photo: Image.Image) -> bool:
    """Whether the reading takes a second look at ``photo`` (its first look's quads)."""
    from geosleuth_plugins.ocr_signage.engines import engine
    from geosleuth_plugins.ocr_signage.reading import _detect_with_zoom

    return bool(_detect_with_zoom(engine("rapidocr"), photo)[2])  # type: ignore[arg-type]


def main() -> int:
    from geosleuth_plugins.ocr_signage.rapidocr_engine import DET_SECOND_LOOK_UP_TO

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    rows: list[tuple[bool, float, float, float, float]] = []
    for name in ("signs", "plates"):
        folder = args.data / "real" / name
        with (folder / "ground_truth.csv").open(encoding="utf-8") as fh:
            files = [row["file"] for row in csv.DictReader(fh)]
        for file in files:
            with Image.open(folder / file) as image:
                photo = ImageOps.exif_transpose(image).convert("RGB")
            if max(photo.size) > DET_SECOND_LOOK_UP_TO:
                continue
            _timed(photo, 1280)  # warm: engines loaded, packs read once
            times: dict[int, list[tuple[float, float]]] = {0: [], 1280: []}
            for run in range(args.runs):
                for px in ((0, 1280) if run % 2 == 0 else (1280, 0)):
                    times[px].append(_timed(photo, px))
            off = [statistics.median(t[i] for t in times[0]) for i in (0, 1)]
            on = [statistics.median(t[i] for t in times[1280]) for i in (0, 1)]
            rows.append((_looked_again(photo), *off, *on))
            print(f"{file}: {'second look' if rows[-1][0] else 'one look'} "
                  f"{off[0]:.2f} -> {on[0]:.2f} s wall", file=sys.stderr)
    print("\n| photos | n | wall without | wall with | CPU without | CPU with |")
    print("|---|---|---|---|---|---|")
    for label, chosen in (("looked at again", [r for r in rows if r[0]]),
                          ("looked at once", [r for r in rows if not r[0]]), ("all", rows)):
        if chosen:
            cols = [statistics.median(r[i] for r in chosen) for i in (1, 3, 2, 4)]
            print(f"| {label} | {len(chosen)} | " + " | ".join(f"{c:.2f} s" for c in cols) + " |")
    print(f"\nmedians of {args.runs} reads a photo; load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
