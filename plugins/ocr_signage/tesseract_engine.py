"""Tesseract and Debian's language packs: the engine for the scripts RapidOCR cannot read
(Cyrillic, Greek, Hangul, Arabic, Hebrew, Thai, Devanagari ...). Its binary is run as
pytesseract runs it (``tesseract_cli``), without importing pytesseract, which imports pandas.

``read_page`` lets Tesseract find the text itself (sparse-text segmentation).
``read_crops`` reads many line crops in one Tesseract process: the crops are stacked into
one image (a "mosaic"), read as a block, and each word is given back to the crop it came
from by its position. One process per photo instead of one per line is what keeps
Tesseract affordable (each process start loads the language models again, ~0.1-0.2 s).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from geosleuth_plugins.ocr_signage.engines import OcrEngine
from geosleuth_plugins.ocr_signage.lines import TextLine, box_polygon
from PIL import Image, ImageOps

from geosleuth.tools.api import Availability, Requirement

# Tesseract language packs per script, the most widely used language first. A line in a
# script is read with the first pack of the list that is installed. Debian names the
# package tesseract-ocr-<code with "_" as "-">. Scripts as geosleuth.text.scripts names them.
SCRIPT_LANGS: dict[str, tuple[str, ...]] = {
    "Latin": ("eng",),
    "Cyrillic": ("rus", "ukr", "bul", "srp"),
    "Greek": ("ell",),
    "Hangul": ("kor",),
    "Arabic": ("ara", "fas", "urd"),
    "Hebrew": ("heb",),
    "Thai": ("tha",),
    "Devanagari": ("hin", "mar", "nep"),
    "Bengali": ("ben",),
    "Oriya": ("ori",),
    "Tamil": ("tam",),
    "Telugu": ("tel",),
    "Kannada": ("kan",),
    "Malayalam": ("mal",),
    "Gujarati": ("guj",),
    "Gurmukhi": ("pan",),
    "Georgian": ("kat",),
    "Armenian": ("hye",),
    "Ethiopic": ("amh",),
    "Khmer": ("khm",),
    "Lao": ("lao",),
    "Myanmar": ("mya",),
    "Sinhala": ("sin",),
    "Han": ("chi_sim", "chi_tra"),
    "Kana": ("jpn",),
    "Japanese": ("jpn",),
}
# Latin-script packs read together when Tesseract reads a Latin line (those installed).
LATIN_LANGS: tuple[str, ...] = ("eng", "deu", "fra", "spa", "por", "ita", "nld", "pol", "ces",
                                "tur", "vie", "ind")

# How the "words" Tesseract reports become a line. Its word split is right for most
# scripts, but it splits Hangul into syllables and Thai into letters. Scripts written
# without spaces are joined without; Hangul gets a space only where the gap between boxes
# is wider than HANGUL_SPACE_GAP of the line height (measured on rendered signs: syllable
# gaps ~0.14, spaces ~0.27; in Devanagari and Arabic real spaces are as narrow as 0.13,
# so gap rules are not used for them).
UNSPACED_SCRIPTS = frozenset({"Thai", "Han", "Kana", "Japanese", "Lao", "Khmer", "Myanmar"})
HANGUL_SPACE_GAP = 0.2

# Height (pixels) of each line in the mosaic: capital letters ~30 px, where Tesseract's
# LSTM models read best (their training lines are 36 px high).
MOSAIC_LINE_PX = 48
MOSAIC_GAP_PX = 28

_PYTESSERACT = Requirement(module="pytesseract", install="pip install 'geosleuth[tesseract]'")
_BINARY = Requirement(executable="tesseract",
                      install="apt-get install tesseract-ocr tesseract-ocr-<lang>")


def debian_package(lang: str) -> str:
    """The Debian package that holds the Tesseract language ``lang``."""
    return "tesseract-ocr-" + lang.replace("_", "-").lower()


_LANG_CODE = re.compile(r"^[a-z_]+$")  # a pack's name in ``--list-langs`` (pytesseract's rule)


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Language packs Tesseract has here (empty when Tesseract is missing).

    Asked of the binary (``tesseract --list-langs``) as ``pytesseract.get_languages``
    does, without importing pytesseract: it imports pandas when that is installed (0.4 s
    and 85 MB), and every OCR run asks this while most never run Tesseract.
    """
    if _PYTESSERACT.missing() or _BINARY.missing():
        return frozenset()
    binary = shutil.which("tesseract") or "tesseract"
    try:
        done = subprocess.run([binary, "--list-langs"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, check=False)
    except OSError:
        return frozenset()
    if done.returncode not in (0, 1):
        return frozenset()
    lines = done.stdout.decode("utf-8", errors="replace").splitlines()
    return frozenset(line.strip() for line in lines if _LANG_CODE.match(line.strip()))


def pack_for_script(script: str) -> str | None:
    """The installed language pack that reads ``script``, or None."""
    have = installed_languages()
    return next((lang for lang in SCRIPT_LANGS.get(script, ()) if lang in have), None)


def install_hint(script: str) -> str:
    """The install line for the pack that reads ``script``."""
    langs = SCRIPT_LANGS.get(script)
    if not langs:
        return f"no Tesseract language pack is known for {script}"
    return f"apt-get install tesseract-ocr {debian_package(langs[0])}"


@dataclass(frozen=True)
class _Word:
    text: str
    conf: float
    box: tuple[int, int, int, int]
    line_key: tuple[int, int, int]


def _words(data: dict[str, list[Any]]) -> list[_Word]:
    words: list[_Word] = []
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        box = (int(data["left"][i]), int(data["top"][i]),
               int(data["left"][i]) + int(data["width"][i]),
               int(data["top"][i]) + int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        words.append(_Word(text, conf / 100.0, box, key))
    return words


@dataclass(frozen=True)
class Word:
    """A word Tesseract read in a line crop: text, confidence 0..1, horizontal extent."""

    text: str
    conf: float
    left: int
    right: int


def join_words(words: Sequence[Word], script: str = "", line_height: float = 48.0) -> str:
    """The words of one line of ``script`` as text (see ``UNSPACED_SCRIPTS``)."""
    parts: list[str] = []
    for prev, word in zip([None, *words], words, strict=False):
        if prev is not None and script not in UNSPACED_SCRIPTS:
            # Words come in reading order: left to right, or right to left (Arabic, Hebrew).
            gap = max(word.left - prev.right, prev.left - word.right)
            if script != "Hangul" or gap > HANGUL_SPACE_GAP * line_height:
                parts.append(" ")
        parts.append(word.text)
    # Zero-width joiners Tesseract puts inside Devanagari conjuncts carry no letters.
    return fix_thai("".join(parts)).replace("\u200d", "")


def light_text(grey: np.ndarray) -> bool:
    """Whether the letters of a greyscale line crop are lighter than its ground."""
    dark, ground, light = (float(v) for v in np.percentile(grey, [5, 50, 95]))
    return light - ground > ground - dark


def _normalise_crop(crop: Image.Image) -> Image.Image:
    """Greyscale, dark text on light ground, stretched contrast, ``MOSAIC_LINE_PX`` high.

    Signs are as often light-on-dark as dark-on-light. The ground is most of a line crop,
    so the median is the ground's level and the letters are the tail on one side of it:
    the crop is inverted when its light tail reaches farther from the median than its dark
    tail. The median's level alone does not tell: on a dim photo a white sign's ground is
    dark grey (median 78 on a real Delhi Metro sign, whose dark blue letters then came out
    light on black, and Tesseract read nothing).
    """
    grey = ImageOps.grayscale(crop)
    if light_text(np.asarray(grey)):
        grey = ImageOps.invert(grey)
    grey = ImageOps.autocontrast(grey, cutoff=1)
    width = max(1, round(grey.width * MOSAIC_LINE_PX / max(grey.height, 1)))
    return grey.resize((width, MOSAIC_LINE_PX), Image.Resampling.BICUBIC, reducing_gap=2.0)


class TesseractEngine(OcrEngine):
    name = "tesseract"
    install = "pip install 'geosleuth[tesseract]'; apt-get install tesseract-ocr"

    def availability(self) -> Availability:
        missing = [req.describe() for req in (_PYTESSERACT, _BINARY) if req.missing()]
        if missing:
            return Availability(False, "; ".join(missing))
        if not installed_languages():
            return Availability(False, "Tesseract has no language packs: apt-get install "
                                       "tesseract-ocr-eng tesseract-ocr-<lang>")
        return Availability.ok()

    def _load(self) -> object:
        from geosleuth_plugins.ocr_signage import tesseract_cli

        # Tesseract's LSTM spreads each word over OpenMP threads; on short sign lines the
        # threads cost more than they gain. Limited to one, the mixed-language read of 4
        # line crops of a real Bengali sign took 2.2 s instead of 15.4 s on 2 cores (and
        # single-pack reads 0.1-0.2 s instead of 0.8-1.5 s). The Tesseract manual gives the
        # same advice. A limit the user set is kept; Tesseract's process inherits it.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        return tesseract_cli

    def _lang(self, languages: Sequence[str]) -> str:
        have = installed_languages()
        wanted = [lang for lang in languages if lang in have]
        missing = [lang for lang in languages if lang not in have]
        if missing and not wanted:
            from geosleuth.errors import ToolUnavailableError

            raise ToolUnavailableError(
                "Tesseract lacks the language packs "
                + ", ".join(missing) + ": apt-get install "
                + " ".join(debian_package(lang) for lang in missing)
            )
        if wanted:
            return "+".join(wanted)
        return "eng" if "eng" in have else sorted(have)[0]

    def read_page(self, image: Image.Image, languages: Sequence[str] = ()) -> list[TextLine]:
        cli: Any = self.model()
        lang = self._lang(languages)
        with self.call_lock:
            data = cli.image_to_data(image.convert("RGB"), lang, "--psm 11")
        grouped: dict[tuple[int, int, int], list[_Word]] = {}
        for word in _words(data):
            grouped.setdefault(word.line_key, []).append(word)
        lines: list[TextLine] = []
        for words in grouped.values():
            x0 = min(w.box[0] for w in words)
            y0 = min(w.box[1] for w in words)
            x1 = max(w.box[2] for w in words)
            y1 = max(w.box[3] for w in words)
            conf = sum(w.conf for w in words) / len(words)
            lines.append(TextLine(text=" ".join(w.text for w in words),
                                  polygon=box_polygon(x0, y0, x1, y1), confidence=conf,
                                  engine=self.name))
        return lines

    def read_crops(self, crops: Sequence[Image.Image], languages: Sequence[str]
                   ) -> list[list[Word]]:
        """Read line crops in one Tesseract run: the words of each crop, in reading order.

        Word positions are in the mosaic, where every line is ``MOSAIC_LINE_PX`` high.
        """
        if not crops:
            return []
        cli: Any = self.model()
        lang = self._lang(languages)
        lines = [_normalise_crop(c) for c in crops]
        width = max(line.width for line in lines) + 2 * MOSAIC_GAP_PX
        height = len(lines) * (MOSAIC_LINE_PX + MOSAIC_GAP_PX) + MOSAIC_GAP_PX
        mosaic = Image.new("L", (width, height), 255)
        spans: list[tuple[int, int]] = []
        y = MOSAIC_GAP_PX
        for line in lines:
            mosaic.paste(line, (MOSAIC_GAP_PX, y))
            spans.append((y, y + MOSAIC_LINE_PX))
            y += MOSAIC_LINE_PX + MOSAIC_GAP_PX
        with self.call_lock:
            data = cli.image_to_data(mosaic, lang, "--psm 6")
        per_crop: list[list[Word]] = [[] for _ in crops]
        # Tesseract lists words in reading order (right to left for Arabic and Hebrew).
        for word in _words(data):
            centre = (word.box[1] + word.box[3]) / 2
            for i, (top, bottom) in enumerate(spans):
                if top - MOSAIC_GAP_PX / 2 <= centre < bottom + MOSAIC_GAP_PX / 2:
                    per_crop[i].append(Word(word.text, word.conf, word.box[0], word.box[2]))
                    break
        return per_crop


def fix_thai(text: str) -> str:
    """Tesseract's Thai model writes SARA AM (U+0E33) as NIKHAHIT + SARA AA, with any tone
    mark after the NIKHAHIT; this puts back the form text is typed in (tone mark, SARA AM).
    Hand-written: Unicode normalisation does not do it (SARA AM only has a compatibility
    decomposition, which NFKC applies in the other direction)."""
    if "\u0e4d" not in text:
        return text
    import re

    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", lambda m: m.group(1) + "\u0e33", text)
