"""Character accuracy per script of the OCR on the real signs and plates (``../shared/data``).

    python benchmarks/real_ocr.py [--data DIR] [--sets signs,plates]

For each photo of ``real/<set>/ground_truth.csv`` the photo is read as ``geosleuth locate``
reads it (``read_image``, engine auto), and for each script of its ``visible_text`` with
at least two letters, the letters of that script are compared:

* **CER accuracy**: 1 - Levenshtein(read, truth) / len(truth), clipped at 0, on the
  letters of the script only, in reading order (lines joined top to bottom). Reading
  order differs from the label's at times, so this is a lower bound;
* **letters found**: the share of the label's letters found in the reading (multiset
  overlap), order-free;
* both over *all* lines read and over the *sure* lines only (those the clues use).

Labels are cleaned of the annotators' notes: parenthesised notes in English ("(old green
plate)", "(frame)", "(SK oval sticker)"), "[masked]", quotes, "/" and "...". Scripts
as ``geosleuth.text.scripts`` names them; hiragana and katakana are "Kana". Photos whose
reading failed are counted as empty readings. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import regex
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("GEOSLEUTH_SHARED_DATA", ROOT.parent / "shared" / "data"))
NOTE_WORDS = ("plate", "frame", "sticker", "strip", "dealer", "rental", "taxicab", "lobby",
              "truck", "masked", "trailer", "two-line", "banner", "watermark")
_PAREN = regex.compile(r"\(([^()]*)\)")


def clean_label(text: str) -> str:
    def drop_note(match: regex.Match[str]) -> str:
        inner = match.group(1)
        return " " if any(w in inner.lower() for w in NOTE_WORDS) else match.group(0)

    text = _PAREN.sub(drop_note, text)
    text = text.replace("[masked]", " ").replace("...", " ").replace("…", " ")
    return regex.sub(r'["/]', " ", text)


def letters_by_script(text: str) -> dict[str, str]:
    from geosleuth.text.scripts import detect_scripts

    out: dict[str, list[str]] = defaultdict(list)
    for ch in unicodedata.normalize("NFC", text):
        if not (ch.isalpha() or unicodedata.category(ch).startswith("M")):
            continue
        scripts = list(detect_scripts(ch))
        if scripts:
            out[scripts[0]].append(ch.upper() if scripts[0] == "Latin" else ch)
        elif out:  # a combining mark belongs to the letter before it
            last = next(reversed(out))
            out[last].append(ch)
    return {k: "".join(v) for k, v in out.items()}


def scores(read: str, truth: str) -> tuple[float, float]:
    cer = max(0.0, 1.0 - Levenshtein.distance(read, truth) / max(1, len(truth)))
    found = sum((Counter(read) & Counter(truth)).values()) / max(1, len(truth))
    return cer, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sets", default="signs,plates")
    args = parser.parse_args()
    from geosleuth_plugins.ocr_signage.reading import read_image
    from PIL import Image, ImageOps

    rows: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    seconds: list[float] = []
    start = time.time()
    print(f"load average at start: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    for name in args.sets.split(","):
        folder = args.data / "real" / name
        with (folder / "ground_truth.csv").open(encoding="utf-8") as fh:
            labels = list(csv.DictReader(fh))
        for label in labels:
            truth = letters_by_script(clean_label(label["visible_text"]))
            try:
                with Image.open(folder / label["file"]) as image:
                    photo = ImageOps.exif_transpose(image).convert("RGB")
                t0 = time.perf_counter()
                lines = read_image(photo).lines
                seconds.append(time.perf_counter() - t0)
            except Exception as exc:  # a failed read counts as an empty reading
                print(f"{label['file']}: {type(exc).__name__}: {exc}", file=sys.stderr)
                lines = []
            every = letters_by_script(" ".join(line.text for line in lines))
            sure = letters_by_script(" ".join(line.text for line in lines if line.sure))
            for script, letters in truth.items():
                if len(letters) < 2:
                    continue
                rows[script].append((*scores(every.get(script, ""), letters),
                                     *scores(sure.get(script, ""), letters)))
    print(f"\n### Real {args.sets}: character accuracy per script (engine auto)\n")
    print("| script | photos | CER accuracy, all lines | letters found, all | "
          "CER accuracy, sure lines | letters found, sure |")
    print("|---|---|---|---|---|---|")
    for script, values in sorted(rows.items(), key=lambda kv: -len(kv[1])):
        cols = [statistics.mean(v[i] for v in values) for i in range(4)]
        print(f"| {script} | {len(values)} | " + " | ".join(f"{c:.2f}" for c in cols) + " |")
    if seconds:
        print(f"\nOCR per photo: median {statistics.median(seconds):.2f} s, max "
              f"{max(seconds):.1f} s over {len(seconds)} photos; {time.time() - start:.0f} s in "
              f"all; load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
