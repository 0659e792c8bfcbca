"""OCR benchmark: accuracy per script and engine, speed, memory, and text read on real photos.

    python benchmarks/bench_ocr.py                 # everything (several minutes on 2 cores)
    python benchmarks/bench_ocr.py --part accuracy --sizes 20 32 --engines auto rapidocr
    python benchmarks/bench_ocr.py --part speed [--threads 1]
    python benchmarks/bench_ocr.py --part photos --photos ../shared/data/photos

Prints Markdown tables (what benchmarks/ocr.md quotes).

* accuracy: the signs of ``geosleuth.testing.signs.SIGN_SAMPLES`` (ten scripts) rendered
  with Debian's Noto fonts on photo-like backgrounds (1024x768, JPEG q85, tilted 2 degrees
  every other sign) at several text heights; character accuracy = 1 - CER, with CER the
  Levenshtein distance between the NFC-normalised lines read (joined by spaces) and the
  sign text, over the sign text's length (clipped at 0). Per script and engine.
* speed: first each stage alone (RapidOCR detection of the whole photo, detection with
  the zoom step, batched recognition of the lines found), then warm, median of 5 runs of
  the whole OCR (``read_image``, auto and rapidocr engines) of a 1 MP rendered street
  photo with two signs, of the same with a Cyrillic sign (which auto hands to Tesseract),
  of the same with a Thai and with a Devanagari sign (read with every pack of the
  look-alike family), and of a 12 MP one with a 2 %-area sign and a small sign whose
  line is small enough for the zoom step; wall time, and the CPU time of this process
  and its Tesseract children; the load average is printed, since the machine is shared.
* memory: peak resident set size of this process (ru_maxrss) after all of the above
  (Tesseract's own processes not included).
* photos: reads the real photos in the shared data folder (``../shared/data/photos`` by
  default, with its ground_truth.csv): those whose scene_tag is street or landmark or
  whose notes mention text or a sign; the text read per photo, in a table.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from geosleuth.testing.signs import SIGN_SAMPLES, photo_background, render_plate, sign_photo

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PHOTOS = ROOT.parent / "shared" / "data" / "photos"


def char_accuracy(read: str, truth: str) -> float:
    a, b = (unicodedata.normalize("NFC", t) for t in (read, truth))
    return max(0.0, 1.0 - Levenshtein.distance(a, b) / max(1, len(b)))


def engines_here(wanted: list[str]) -> list[str]:
    from geosleuth_plugins.ocr_signage.engines import engine

    out = []
    for name in wanted:
        if name == "auto" or engine(name).availability().available:
            out.append(name)
        else:
            print(f"(engine {name} skipped: {engine(name).availability().reason})")
    return out


def bench_accuracy(sizes: list[int], engines: list[str]) -> None:
    from geosleuth_plugins.ocr_signage.reading import read_image

    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    by_size: dict[tuple[str, int], list[float]] = defaultdict(list)
    failures: list[str] = []
    for i, sample in enumerate(SIGN_SAMPLES):
        for size in sizes:
            photo = sign_photo(sample.text, sample.script, size=(1024, 768), text_px=size,
                               seed=i * 7 + size, palette=i, tilt_deg=2.0 * (i % 2))
            for name in engines:
                result = read_image(photo.image, choice=name)
                read = " ".join(line.text for line in result.lines)
                acc = char_accuracy(read, sample.text)
                scores[(sample.script, name)].append(acc)
                by_size[(name, size)].append(acc)
                if acc < 0.8:
                    failures.append(f"{name} {size}px {sample.script}: {sample.text!r} -> {read!r}")
    scripts = list(dict.fromkeys(s.script for s in SIGN_SAMPLES))
    print(f"\n### Character accuracy per script and engine (text heights {sizes} px)\n")
    print("| script | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for script in scripts:
        cells = [f"{statistics.mean(scores[(script, e)]):.2f}" for e in engines]
        print(f"| {script} | " + " | ".join(cells) + " |")
    overall = [f"{statistics.mean([a for (s, e), v in scores.items() if e == name for a in v]):.2f}"
               for name in engines]
    print("| **all** | " + " | ".join(overall) + " |")
    print("\n| text height | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for size in sizes:
        print(f"| {size} px | " + " | ".join(f"{statistics.mean(by_size[(e, size)]):.2f}"
                                             for e in engines) + " |")
    if failures:
        print("\nReadings under 0.8:\n")
        for line in failures:
            print(f"- {line}")


def _timed(fn: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds (this process plus its children) of ``fn``."""
    fn()  # warm: models loaded, caches filled
    walls, cpus = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(time.process_time() - c0 + (r1.ru_utime - r0.ru_utime)
                    + (r1.ru_stime - r0.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def speed_photos() -> dict[str, object]:
    one = sign_photo("Praça do Comércio", "Latin", size=(1155, 866), text_px=36,
                     center=(0.3, 0.3)).image
    plate = render_plate("Rua Augusta 24", "Latin", text_px=28, palette=1)
    one.paste(plate, (700, 520), plate)
    cyrillic = sign_photo("Невский проспект", "Cyrillic", size=(1155, 866), text_px=36,
                          center=(0.3, 0.3)).image
    latin = render_plate("Praça do Comércio", "Latin", text_px=28, palette=1)
    cyrillic.paste(latin, (650, 520), latin)
    size = (4000, 3000)
    big = sign_photo("Rua Augusta", "Latin", size=size, area_fraction=0.02, center=(0.3, 0.35),
                     background=photo_background(size, seed=5), jpeg_quality=None).image
    small = render_plate("Travessa do Carmo", "Latin", text_px=30, palette=1)
    big.paste(small, (2900, 2100), small)
    thai = sign_photo("ถนนสุขุมวิท", "Thai", size=(1155, 866), text_px=36,
                      center=(0.3, 0.3)).image
    thai.paste(latin, (650, 520), latin)
    hindi = sign_photo("चाँदनी चौक", "Devanagari", size=(1155, 866), text_px=36,
                       center=(0.3, 0.3)).image
    hindi.paste(latin, (650, 520), latin)
    return {"1 MP (1155x866, 2 signs)": one,
            "1 MP (1155x866, Cyrillic + Latin sign: Tesseract path)": cyrillic,
            "1 MP (1155x866, Thai + Latin sign: look-alike family)": thai,
            "1 MP (1155x866, Devanagari + Latin sign: look-alike family)": hindi,
            "12 MP (4000x3000, 2 signs, zoom step)": big}


def bench_stages(photos: dict[str, object]) -> None:
    """Where the time goes: each stage of the auto reading timed alone (warm, median of 5)."""
    from geosleuth_plugins.ocr_signage.engines import engine
    from geosleuth_plugins.ocr_signage.onnx_models import inference_threads
    from geosleuth_plugins.ocr_signage.reading import _detect_with_zoom

    rapid = engine("rapidocr")
    print(f"\n### Stages (warm, median of 5; onnxruntime intra-op threads: "
          f"{inference_threads()}; load average before: {os.getloadavg()[0]:.1f})\n")
    print("| photo | stage | wall s | CPU s |")
    print("|---|---|---|---|")
    for label, image in photos.items():
        quads, _, _ = _detect_with_zoom(rapid, image)  # type: ignore[arg-type]
        stages: dict[str, Callable[[], object]] = {
            "detection of the whole photo": lambda image=image: rapid.detect(image),
            "detection with the zoom step": lambda image=image: _detect_with_zoom(rapid, image),
            f"recognition of {len(quads)} lines (one batch call)":
                lambda image=image, quads=quads: rapid.read_quads(image, quads),
        }
        for stage, fn in stages.items():
            wall, cpu = _timed(fn)
            print(f"| {label} | {stage} | {wall:.2f} | {cpu:.2f} |")


def bench_speed() -> None:
    from geosleuth_plugins.ocr_signage.reading import read_image

    photos = speed_photos()  # rendered once: a 12 MP rendering peaks at ~470 MB
    bench_stages(photos)
    print(f"\n### Speed (warm, median of 5; load average before: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores)\n")
    print("| photo | engine | wall s | CPU s | lines | zoomed regions |")
    print("|---|---|---|---|---|---|")
    for label, image in photos.items():
        for name in ("auto", "rapidocr"):
            result = read_image(image, choice=name)  # type: ignore[arg-type]
            wall, cpu = _timed(lambda image=image, name=name: read_image(image, choice=name))
            print(f"| {label} | {name} | {wall:.2f} | {cpu:.2f} | "
                  + ", ".join(repr(line.text) for line in result.lines)
                  + f" | {result.zoomed_regions} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def bench_memory() -> None:
    # Tesseract runs in child processes; their ru_maxrss counts the pages they shared with
    # this process between fork and exec, so it says nothing of Tesseract itself. The
    # rendering of the 12 MP benchmark photo alone peaks at ~470 MB (measured without OCR).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n### Peak memory\n\npeak resident set size of this process: {own:.0f} MB")


def _md(text: str) -> str:
    """Text from a photo, quoted and escaped for a Markdown table cell."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("|", "\\|").replace("`", "\\`")


def bench_photos(folder: Path) -> None:
    from geosleuth_plugins.ocr_signage.tool import OcrSignageTool

    from geosleuth.errors import GeosleuthError
    from geosleuth.images import load_case
    from geosleuth.settings import Settings
    from geosleuth.tools.context import ToolContext

    truth = folder / "ground_truth.csv"
    if not truth.is_file():
        print(f"\n(no {truth}: photo table skipped)")
        return
    rows = [r for r in csv.DictReader(truth.open(encoding="utf-8"))
            if r.get("scene_tag") in ("street", "landmark")
            or any(w in (r.get("notes") or "").lower() for w in ("text", "sign"))]
    tool = OcrSignageTool()
    print(f"\n### Text read on the real photos in {folder} ({len(rows)} photos: scene_tag "
          "street or landmark, or notes mentioning text or a sign)\n")
    print("| photo | scene | size | s | lines | text read (first 6 lines) |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        path = folder / row["file"]
        try:
            ctx = ToolContext(case=load_case(path), settings=Settings())
            t0 = time.perf_counter()
            finding = tool.run(ctx, {})
            took = time.perf_counter() - t0
        except GeosleuthError as exc:
            print(f"| {row['file']} | {row['scene_tag']} | | | | error: {_md(str(exc))} |")
            continue
        lines = finding.data["lines"]  # type: ignore[union-attr]
        shown = ", ".join(_md(line["text"]) for line in lines[:6])
        w, h = finding.data["image_size"]  # type: ignore[union-attr]
        print(f"| {row['file']} | {row['scene_tag']} | {w}x{h} | {took:.1f} | {len(lines)} | "
              f"{shown} |")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["all", "accuracy", "speed", "photos"], default="all")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 32, 48])
    parser.add_argument("--engines", nargs="+", default=["auto", "rapidocr", "tesseract"])
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    parser.add_argument("--threads", type=int, default=None,
                        help="onnxruntime intra-op threads (default: the engine's choice)")
    args = parser.parse_args()
    if args.threads:
        from geosleuth_plugins.ocr_signage import onnx_models

        onnx_models.MAX_THREADS = args.threads
    if args.part in ("all", "accuracy"):
        bench_accuracy(args.sizes, engines_here(args.engines))
        sys.stdout.flush()
    if args.part in ("all", "speed"):
        bench_speed()
        sys.stdout.flush()
    if args.part in ("all", "photos"):
        bench_photos(args.photos)
    bench_memory()


if __name__ == "__main__":
    main()
