"""Character accuracy per script of the OCR on the real signs and plates (``../shared/data``).

    python benchmarks/real_ocr.py [--data DIR] [--sets signs,plates] [--detect-px 960]
                                  [--whole-px 0] [--per-photo FILE.jsonl]

For each photo of ``real/<set>/ground_truth.csv`` the photo is read as ``geosleuth locate``
reads it (``read_image``, engine auto), and for each script of its ``visible_text`` with
at least two letters, the letters of that script are compared:

* **CER accuracy**: 1 - Levenshtein(read, truth) / len(truth), clipped at 0, on the
  letters of the script only, in reading order (lines joined top to bottom). Reading
  order differs from the label's at times, so this is a lower bound;
* **letters found**: the share of the label's letters found in the reading (multiset
  overlap), order-free;
* **aligned accuracy**: the label is split into its parts (the annotators separate the
  lines of a sign with "/" or ";" and quote a plate's printed words), and each part's
  letters are aligned with the stretch of the reading that matches them best
  (semi-global edit distance: the part in full, any substring of the reading);
  1 - the summed distances / the summed lengths. The labels transcribe the text that
  places the photo, not every word in it: a car model, a dealer sticker or a timestamp
  the reader also read is not an error of the reader, while CER accuracy counts every
  such letter as one. Letters the label has and the reading misses or gets wrong count
  as in CER;
* both over *all* lines read and over the *sure* lines only (those the clues use).

Labels are cleaned of the annotators' notes: parenthesised notes in English ("(old green
plate)", "(frame)", "(SK oval sticker)"), "[masked]", quotes, "/" and "...". Scripts
as ``geosleuth.text.scripts`` names them; hiragana and katakana are "Kana". Photos whose
reading failed are counted as empty readings. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import csv
import json
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


def substring_distance(part: str, text: str) -> int:
    """Edit distance of ``part`` to the substring of ``text`` closest to it.

    Semi-global alignment (Sellers 1980): the classic Levenshtein table with the first
    row all zeros (the match may start anywhere in ``text``) and the minimum of the last
    row (it may end anywhere). Written here because rapidfuzz's partial matches score
    windows of the part's length by Indel similarity, not edit distance.
    """
    prev = [0] * (len(text) + 1)
    for i, a in enumerate(part, 1):
        cur = [i] + [0] * len(text)
        for j, b in enumerate(text, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
        prev = cur
    return min(prev)


def label_parts(label: str) -> list[dict[str, str]]:
    """The letters per script of each part of a label: its lines, split at "/" or ";", and
    the words it quotes (a plate's state name: 'BGB-3282 "TEXAS"')."""
    parts = regex.split(r'\s/\s|;|"', label)
    return [letters_by_script(clean_label(part)) for part in parts if part.strip()]


def aligned(read: dict[str, str], parts: list[dict[str, str]]) -> dict[str, float]:
    """Per script with two letters or more: 1 - Σ distance / Σ length over the parts."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for part in parts:
        for script, letters in part.items():
            totals[script][0] += substring_distance(letters, read.get(script, ""))
            totals[script][1] += len(letters)
    return {script: max(0.0, 1.0 - d / n) for script, (d, n) in totals.items() if n >= 2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sets", default="signs,plates")
    parser.add_argument("--detect-px", type=int, default=960,
                        help="[tools.ocr_signage] detect_px: the detector's input long side")
    parser.add_argument("--whole-px", type=int, default=0,
                        help="[tools.ocr_signage] whole_px: photos up to this long are looked "
                             "at whole")
    parser.add_argument("--second-look-px", type=int, default=1280,
                        help="[tools.ocr_signage] second_look_px: photos up to this long in "
                             "which the shrunk look found small text are looked at again "
                             "whole (0: never)")
    parser.add_argument("--per-photo", type=Path, default=None,
                        help="also write each photo's reading and aligned accuracy per "
                             "script here (JSON lines), to compare two runs photo by photo")
    args = parser.parse_args()
    from geosleuth_plugins.ocr_signage.reading import read_image
    from PIL import Image, ImageOps

    rows: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    per_photo: list[dict[str, object]] = []
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
                lines = read_image(photo, detect_px=args.detect_px, whole_px=args.whole_px,
                                   second_look_px=args.second_look_px).lines
                seconds.append(time.perf_counter() - t0)
            except Exception as exc:  # a failed read counts as an empty reading
                print(f"{label['file']}: {type(exc).__name__}: {exc}", file=sys.stderr)
                lines = []
            every = letters_by_script(" ".join(line.text for line in lines))
            sure = letters_by_script(" ".join(line.text for line in lines if line.sure))
            parts = label_parts(label["visible_text"])
            aligned_every, aligned_sure = aligned(every, parts), aligned(sure, parts)
            per_photo.append({"file": label["file"], "read": [line.text for line in lines],
                              "aligned": {k: round(v, 3) for k, v in aligned_every.items()
                                          if len(truth.get(k, "")) >= 2}})
            for script, letters in truth.items():
                if len(letters) < 2:
                    continue
                rows[script].append((*scores(every.get(script, ""), letters),
                                     aligned_every.get(script, 0.0),
                                     *scores(sure.get(script, ""), letters),
                                     aligned_sure.get(script, 0.0)))
    if args.per_photo is not None:
        args.per_photo.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n"
                                          for row in per_photo), encoding="utf-8")
    print(f"\n### Real {args.sets}: character accuracy per script (engine auto, "
          f"detect_px {args.detect_px}, whole_px {args.whole_px}, second_look_px "
          f"{args.second_look_px})\n")
    print("| script | photos | CER accuracy, all lines | letters found, all | "
          "aligned accuracy, all | CER accuracy, sure lines | letters found, sure | "
          "aligned accuracy, sure |")
    print("|---|---|---|---|---|---|---|---|")
    for script, values in sorted(rows.items(), key=lambda kv: -len(kv[1])):
        cols = [statistics.mean(v[i] for v in values) for i in range(6)]
        print(f"| {script} | {len(values)} | " + " | ".join(f"{c:.3f}" for c in cols) + " |")
    if seconds:
        print(f"\nOCR per photo: median {statistics.median(seconds):.2f} s, max "
              f"{max(seconds):.1f} s over {len(seconds)} photos; {time.time() - start:.0f} s in "
              f"all; load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
