"""Peak memory of ``geosleuth locate`` on a very large photo (the decode budget).

    python benchmarks/bench_decode_memory.py              # 12000x9666 (116 MP) PNG and JPEG
    python benchmarks/bench_decode_memory.py --side 8000  # another size (the long side)

Renders a mostly white 116 MP photo with a few coloured lines (a PNG of 1.4 MB, the kind
of file that is small on disk and large in memory) and the same as a JPEG, then runs
``geosleuth locate PHOTO --no-cache --out TMP`` (offline, OCR on) on each in its own
process and prints its maximum resident set size (``/usr/bin/time``'s figure, from
``wait4``) and its wall time, with the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RENDER = """
import sys
from PIL import Image, ImageDraw
Image.MAX_IMAGE_PIXELS = None
w, h = int(sys.argv[1]), int(sys.argv[2])
im = Image.new("RGB", (w, h), "white")
d = ImageDraw.Draw(im)
for i in range(0, w, 500):
    d.line([(i, 0), (w - i, h)], fill=(i % 255, 100, 50), width=5)
im.save(sys.argv[3])
im.save(sys.argv[4], quality=85)
"""


def locate(photo: Path, out: Path) -> tuple[int, float, int]:
    """(max RSS in KB, seconds, exit code) of one ``geosleuth locate`` run."""
    exe = shutil.which("geosleuth") or str(Path(sys.executable).parent / "geosleuth")
    started = time.monotonic()
    proc = subprocess.Popen([exe, "locate", str(photo), "--no-cache", "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    note = proc.stderr.read() if proc.stderr else ""
    for line in note.splitlines():
        if line.startswith("geosleuth:"):
            print(f"  {line}")
    return usage.ru_maxrss, seconds, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=12000, help="the long side in pixels")
    args = parser.parse_args()
    width, height = args.side, round(args.side * 9666 / 12000)
    folder = Path(tempfile.mkdtemp(prefix="geosleuth-decode-"))
    png, jpg = folder / "big.png", folder / "big.jpg"
    subprocess.run([sys.executable, "-c", RENDER, str(width), str(height), str(png),
                    str(jpg)], check=True)
    commit = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent.parent),
                             "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"{width}x{height} ({width * height / 1e6:.0f} MP); commit {commit}")
    for photo in (png, jpg):
        rss_kb, seconds, code = locate(photo, folder / "cases")
        print(f"{photo.suffix[1:].upper():4} {photo.stat().st_size / 1e6:5.1f} MB on disk:"
              f" max RSS {rss_kb / 1024:,.0f} MB, {seconds:.1f} s, exit {code}", flush=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
