"""How quickly the investigation TUI opens and draws, measured headless (Textual's run_test).

    python benchmarks/tui_startup.py [--photo examples/photos/lisbon_sign.jpg] [--runs 5]

Prints medians of several runs:
- ``geosleuth --help`` wall time (the CLI must stay under 0.3 s; Textual is imported only
  inside the ``investigate`` command);
- opening a photo until the case screen is mounted (the loop not started);
- the offline loop on the photo until the case finished, on screen (the user's default
  cache, so runs after the first reuse the tool results, as a person reopening it would);
- sampling the map outline for the region and the world views (26 x 11 cells, 2 x 4
  dots each), the work the map widget does in its worker.
Reads only the example photo the project ships; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_ms(values: list[float]) -> str:
    runs = ", ".join(f"{v * 1000:.0f}" for v in values)
    return f"{statistics.median(values) * 1000:.0f} ms (runs: {runs})"


def help_time(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from geosleuth.cli.app import main; main()",
                        "--help"], capture_output=True, check=True)
        out.append(time.perf_counter() - t)
    return out


async def open_and_run(photo: Path, out: Path) -> tuple[float, float]:
    from geosleuth.settings import load_settings
    from geosleuth.tui.app import InvestigationApp

    settings, _ = load_settings({"out": out})
    app = InvestigationApp(settings, photo, image_mode="halfblock", autorun=False)
    t = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        while app.case_screen is None:
            await pilot.pause(0.01)
        opened = time.perf_counter() - t
        t = time.perf_counter()
        await pilot.press("c")
        while app.case_screen.activity != "finished":
            await pilot.pause(0.02)
        finished = time.perf_counter() - t
    return opened, finished


def outline_times(runs: int) -> tuple[list[float], list[float]]:
    from geosleuth.tui.widgets.outline import (
        outline_cells,
        region_view,
        sample_codes,
        world_view,
    )

    region = region_view([(38.7291, -9.1702, 25.0)], 26, 11)
    regions, worlds = [], []
    outline_cells(sample_codes(world_view(), 4, 2))  # load the polygons once
    for _ in range(runs):
        t = time.perf_counter()
        outline_cells(sample_codes(region, 26, 11))
        regions.append(time.perf_counter() - t)
        t = time.perf_counter()
        outline_cells(sample_codes(world_view(), 26, 11))
        worlds.append(time.perf_counter() - t)
    return regions, worlds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", type=Path, default=ROOT / "examples/photos/lisbon_sign.jpg")
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    import os
    import tempfile

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} (figures are wall time)")
    print(f"geosleuth --help: {median_ms(help_time(opts.runs))}")
    opened, finished = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(opts.runs):
            o, f = asyncio.run(open_and_run(opts.photo, Path(out)))
            opened.append(o)
            finished.append(f)
    print(f"open {opts.photo.name} to the case screen: {median_ms(opened)}")
    print(f"offline loop to 'finished' on screen: {median_ms(finished)}")
    regions, worlds = outline_times(opts.runs)
    print(f"map outline, region view 26x11: {median_ms(regions)}")
    print(f"map outline, world view 26x11: {median_ms(worlds)}")


if __name__ == "__main__":
    main()
