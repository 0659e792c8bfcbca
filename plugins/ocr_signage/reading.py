"""Reading a photo: engine choice, zoom step, and routing lines to the engine for their script.

``read_image`` is the whole OCR of one image. With ``engine="auto"``:

1. RapidOCR's detector finds the lines on a downscaled copy; small lines are re-detected
   on full-resolution crops (``zoom``); every line is recognised by RapidOCR from the
   full-resolution pixels.
2. Lines RapidOCR may not have read are *unsure*: empty, under ``UNSURE_BELOW``
   confidence, or with letters outside Latin/Han/Kana (its recogniser knows a few Greek
   letters, so Greek comes out half-read). RapidOCR's recogniser knows only its own
   alphabet, so on a Cyrillic or Thai line it outputs Latin look-alikes or nothing.
3. The script of the unsure lines is decided by Tesseract: all of them are read in one
   run with English plus one installed pack per other script, and the script of what it
   read (``geosleuth.text.scripts.detect_scripts``) is the line's script. Tesseract's own
   script detector (OSD, ``--psm 0``) was tried first and rejected: on single sign lines
   it named the wrong script for 4 of 11 test lines (Greek as Cyrillic, Thai as Latin,
   Chinese as Korean, "Lisboa" as Cyrillic) and refuses lines under ~10 letters; it
   also names Thai for the Hebrew sign of the tests.
4. Lines of scripts RapidOCR cannot read are read again with just that script's pack
   (one Tesseract run per script), which is more accurate than the mixed-language read.
   A line in which Thai or Devanagari came out is read with every pack of their
   look-alike family (``lookalikes``). A line that still has no good reading is read
   with every other script's pack.
5. Of a line's readings, the best (``choice.best_reading``: mean confidence times the
   share of characters that fit the script, weighed by words) is its text, with one rule
   for scores from different language models, which do not compare: a script that came
   out nowhere in the line's mixed-language read (step 3), where the models compete on
   the same words, has to win by ``choice.RETRY_MARGIN``, unless its reading is words of
   its language. A reading whose script is not settled keeps a ``doubt`` and is not sure
   (``choice.why_in_doubt``).
6. Across the photo: a close call between look-alike scripts goes to the script other
   lines are confirmed words in (``choice.prefer_settled``), and a reading in a local
   script that a sure Latin line of the photo spells out ("पीतमपुरा" beside "Pitampura")
   is kept and trusted, however faint (``parallel``).

A missing engine or language pack never fails the read: what is there is used, and the
result's ``notes`` name the install line for what was missing.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from geosleuth_plugins.ocr_signage import lookalikes, parallel
from geosleuth_plugins.ocr_signage.choice import (
    Reading,
    best_reading,
    prefer_settled,
    why_in_doubt,
)
from geosleuth_plugins.ocr_signage.engines import ENGINE_NAMES, engine
from geosleuth_plugins.ocr_signage.lines import SURE_FROM, TextLine, crop_quad, quad_size
from geosleuth_plugins.ocr_signage.rapidocr_engine import (
    DET_LONG_SIDE,
    DET_SECOND_LOOK_UP_TO,
    DET_SMALL_LINE_PX,
    DET_WHOLE_UP_TO,
    RAPIDOCR_SCRIPTS,
    RapidOcrEngine,
    det_input_size,
    det_long_side,
    second_look,
)
from geosleuth_plugins.ocr_signage.scripts import line_script, scripts_of
from geosleuth_plugins.ocr_signage.tesseract_engine import (
    LATIN_LANGS,
    SCRIPT_LANGS,
    TesseractEngine,
    Word,
    install_hint,
    installed_languages,
    join_words,
    pack_for_script,
)
from geosleuth_plugins.ocr_signage.two_looks import merge_looks
from geosleuth_plugins.ocr_signage.zoom import (
    Box,
    Quad,
    inside,
    scale_quad,
    working_copy,
    zoom_regions,
)
from PIL import Image

from geosleuth.errors import ToolUnavailableError

# Scripts whose packs are in the first, mixed-language read of the unsure lines: of the
# look-alike family only Thai and Devanagari stand for it (``lookalikes.PROBE_MEMBERS``).
PROBE_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek", "Hangul", "Arabic", "Hebrew",
                           "Georgian", "Armenian"}) | lookalikes.PROBE_MEMBERS
UNSURE_BELOW = 0.93  # RapidOCR confidence under which Tesseract is asked about the script
MIN_CONFIDENCE = {"rapidocr": 0.5, "tesseract": 0.4, "easyocr": 0.3}
TESSERACT_CROP_HEIGHT = 96  # line crops for Tesseract, before it normalises them
@dataclass
class OcrResult:
    lines: list[TextLine]
    engines: list[str]
    zoomed_regions: int = 0
    notes: list[str] = field(default_factory=list)


def region_box(region: Sequence[float], size: tuple[int, int]) -> Box:
    """Pixel box of a region given as fractions [x0, y0, x1, y1] of the image."""
    x0, y0, x1, y1 = (float(v) for v in region)
    width, height = size
    box = (int(x0 * width), int(y0 * height), round(x1 * width), round(y1 * height))
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        raise ValueError(f"region {list(region)} is under 4 pixels wide or high")
    return box


def _detect_with_zoom(rapid: RapidOcrEngine, image: Image.Image,
                      long_side: int = DET_LONG_SIDE,
                      whole_up_to: int = DET_WHOLE_UP_TO,
                      second_up_to: int = DET_SECOND_LOOK_UP_TO,
                      ) -> tuple[list[Quad], int, list[Quad]]:
    """The lines' quads, how many regions were zoomed into, and the first look's quads
    when a second look replaced them (else none)."""
    # One detection of the whole photo, shrunk straight to the detector's input size
    # (a 12 MP photo is not first copied at WORK_LONG_SIDE: that copy cost 0.1 CPU-s and
    # the detector shrank it again); a photo of at most ``whole_up_to`` px is not shrunk.
    long_side = det_long_side(image.width, image.height, long_side, whole_up_to)
    quads: list[Quad] = list(rapid.detect(image, long_side))
    det_scale = det_input_size(image.width, image.height, long_side)[0] / image.width
    first: list[Quad] = []
    if second_look(image.size, long_side, [quad_size(q)[1] * det_scale for q in quads],
                   second_up_to):
        long_side = max(image.size)
        first, quads = quads, list(rapid.detect(image, long_side))
        det_scale = det_input_size(image.width, image.height, long_side)[0] / image.width
    regions = zoom_regions(quads, det_scale, image.size, DET_SMALL_LINE_PX)
    zoomed = 0
    for box in regions:
        found = rapid.detect(image.crop(box), long_side)
        if not found:
            continue
        zoomed += 1
        quads = [q for q in quads if not inside(q, box)]
        quads += [scale_quad(q, 1.0, (box[0], box[1])) for q in found]
    quads.sort(key=lambda q: (round(min(p[1] for p in q) / 8), q[0][0]))
    return quads, zoomed, first


def _unsure(line: TextLine) -> bool:
    """RapidOCR may not have read ``line``, and Tesseract could: see the module docstring.

    A box taller than it is wide is left alone: Tesseract reads each crop as one
    horizontal line, and the detector grows each box by 1.6 x area / perimeter on every
    side (rapidocr's unclip ratio), so by that rule even two letters of a narrow script
    (Thai, about 0.55 of the text height each) make a box slightly wider than tall (about
    1.05:1; computed, not measured). What is in a taller box is one glyph (dropped by
    ``_finish`` when Tesseract reads it), vertical text (which neither engine reads from
    this crop), or a texture: on the 12 MP benchmark photo, three building fronts, each
    costing a Tesseract run for nothing.
    """
    width, height = quad_size(line.polygon)
    if width < height:
        return False
    if not line.text or line.confidence < UNSURE_BELOW:
        return True
    if _letter_share(line.text) < 0.5:
        return True  # a wide box read as "." or "'1-": letters it has no glyphs for
    return any(s not in RAPIDOCR_SCRIPTS for s in scripts_of(line.text))


def _script_shares(words: Sequence[Word]) -> dict[str, float]:
    """Script -> share of the line, each word's letters weighted by its confidence."""
    votes: dict[str, float] = defaultdict(float)
    for word in words:
        letters = sum(1 for ch in word.text if ch.isalpha())
        for script in scripts_of(word.text)[:1]:
            votes[script] += letters * max(word.conf, 0.05)
    total = sum(votes.values())
    return {k: v / total for k, v in votes.items()} if total else {}


def _words_script(words: Sequence[Word]) -> str:
    return line_script("".join(w.text for w in words))


def _letter_share(text: str) -> float:
    """How much ``text`` looks like words: letters and marks count 1, digits 1/2, other
    signs 0, over the non-space characters (an unknown script read as look-alikes comes out
    as a few letters among digits and quotes)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    weight = {"L": 1.0, "M": 1.0, "N": 0.5}
    return sum(weight.get(unicodedata.category(c)[0], 0.0) for c in chars) / len(chars)


def _rapid_ok(line: TextLine) -> bool:
    """RapidOCR read something in its own scripts with some confidence."""
    return (bool(line.text) and line.confidence >= MIN_CONFIDENCE["rapidocr"]
            and all(s in RAPIDOCR_SCRIPTS for s in scripts_of(line.text)))


def _tesseract_reads(
    tess: TesseractEngine,
    image: Image.Image,
    lines: list[TextLine],
    languages: Sequence[str],
    keep_rapidocr: bool,
    latin: Sequence[str] = (),
) -> tuple[list[TextLine], list[str]]:
    """The lines, re-read by Tesseract where it reads them better; and notes.

    ``keep_rapidocr``: RapidOCR's reading stands for lines in the scripts it reads, unless
    Tesseract reads the line in another script with a better (plausibility-weighted) score.
    ``latin``: the photo's sure Latin lines; a reading in another script that one of them
    spells out is kept and trusted (``parallel``).
    """
    notes: list[str] = []
    crops = [crop_quad(image, line.polygon, out_height=TESSERACT_CROP_HEIGHT)
             for line in lines]
    # readings[i]: the candidate readings of line i, from Tesseract runs.
    readings: list[list[Reading]] = [[] for _ in lines]
    if languages:
        for i, words in enumerate(tess.read_crops(crops, languages)):
            readings[i].append(Reading(words, _words_script(words)))
    else:
        # Scripts Tesseract should settle (for "auto", those RapidOCR cannot read).
        wanted = [script for script in SCRIPT_LANGS if script != "Kana"
                  and (script not in RAPIDOCR_SCRIPTS or not keep_rapidocr)
                  and pack_for_script(script) is not None]
        # The first read has the packs of ``PROBE_SCRIPTS`` (each pack there slows every
        # word of it, and adds look-alikes); a line in which a look-alike family script came
        # out is read again with each of the family's packs (``lookalikes``), and a line
        # still without a good reading with every pack (the retry below).
        probe_scripts = [s for s in wanted if s in PROBE_SCRIPTS]
        family = [s for s in wanted if s in lookalikes.FAMILY]
        probe = list(dict.fromkeys(pack for s in ["Latin", *probe_scripts]
                                   if (pack := pack_for_script(s)) is not None))
        if not probe:
            return lines, ["Tesseract has no language packs: apt-get install tesseract-ocr-eng"]
        # Pass 1: every line with all packs at once; the script that came out is the
        # candidate (several when the line came out mixed). A reading all in one wanted
        # script is itself a candidate (``mixed``), after that script's own reading, which
        # it replaces only when it scores higher: with the packs competing word by word,
        # Tesseract at times reads a line better than with its script's pack alone.
        first = tess.read_crops(crops, probe)
        tried: list[set[str]] = [set() for _ in lines]
        found: list[set[str]] = [set() for _ in lines]
        mixed: list[list[Reading]] = [[] for _ in lines]
        groups: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(first):
            shares = _script_shares(words)
            for script in (s for s, share in shares.items() if share >= 0.25 and s in wanted):
                groups[script].append(i)
                found[i].add(script)
            if not any(s in wanted for s in shares):
                readings[i].append(Reading(words, _words_script(words)))
            elif len(shares) == 1:
                mixed[i].append(Reading(words, next(iter(shares))))
            if found[i] & set(lookalikes.FAMILY) and not any(
                    lookalikes.confirmed(m.text, m.script) and m.raw >= 0.7 for m in mixed[i]):
                for script in family:
                    if script not in found[i]:
                        groups[script].append(i)
                        found[i].add(script)
        # Pass 2: each candidate script's lines with that script's pack(s) alone; then,
        # for lines still without a good reading, every other script (pass 3).
        for round_no in (2, 3):
            for script, idx in groups.items():
                packs = _packs(script)
                if not packs:
                    notes.append(f"no Tesseract pack for {script}: {install_hint(script)}")
                    continue
                for i, words in zip(idx, tess.read_crops([crops[i] for i in idx], packs),
                                    strict=True):
                    tried[i].add(script)
                    if words:
                        readings[i].append(Reading(words, script, script in found[i]))
            if round_no == 3:
                break
            groups = defaultdict(list)
            for i, options in enumerate(readings):
                best = max((o.raw for o in [*options, *mixed[i]]), default=0.0)
                if best < 0.6 and not (keep_rapidocr and _rapid_ok(lines[i])
                                       and lines[i].confidence >= 0.8):
                    # every script now, the look-alike family included: the first read
                    # makes Latin junk of Bengali, Odia, Telugu or Sinhala as often as Thai
                    for script in wanted:
                        if script not in tried[i]:
                            groups[script].append(i)
            if not groups:
                break
        for options, extra in zip(readings, mixed, strict=True):
            options += extra
    out: list[TextLine] = []
    chosen = [best_reading(options) for options in readings]
    # Scripts confirmed as words somewhere in the photo: a reading in another script that
    # is not words itself is more likely a look-alike of them than a second script.
    settled = frozenset(b.script for b in chosen if b is not None
                        and b.script in lookalikes.FAMILY
                        and lookalikes.confirmed(b.text, b.script))
    chosen = [prefer_settled(best, options, settled)
              for best, options in zip(chosen, readings, strict=True)]
    words_in_latin = any(lookalikes.latin_words(text) for text in latin)
    spelled: list[str | None] = [None] * len(lines)
    for i, options in enumerate(readings):
        spelled[i], chosen[i] = _spelled_out(options, latin, chosen[i], lines[i].text)
    for line, options, best, latin_line in zip(lines, readings, chosen, spelled, strict=True):
        if best is None or not best.words:
            out.append(line)
            continue
        words, script = best.words, best.script
        # A RapidOCR reading without letters (" 7", "1 ") is what it makes of unknown
        # letters as often as it is a real number: it counts half; and so does a reading
        # made mostly of digits and punctuation (a Hebrew "ירושלים" came out "D'701'").
        rapid_strength = line.confidence * _letter_share(line.text)
        # A reading confirmed as words of a look-alike script beats a reading RapidOCR is
        # not sure of (it makes Latin look-alikes of Devanagari at 0.6: "CRTfeR").
        words_beat_rapid = ((lookalikes.confirmed(best.text, script) or bool(latin_line))
                            and line.confidence < SURE_FROM["rapidocr"])
        # ... and the other way round: RapidOCR's words beat a reading that is not words
        # (a real "NOTICE" at 0.85 became a Thai "เพบแแบธ" at 0.88, no Thai word in it).
        if keep_rapidocr and _rapid_ok(line) and not words_beat_rapid and (
                script in RAPIDOCR_SCRIPTS or best.raw < rapid_strength
                or (lookalikes.latin_words(line.text)
                    and not lookalikes.confirmed(best.text, script))):
            out.append(line)  # RapidOCR reads this script; it is the better reader of it
            continue
        text = join_words(words, script)
        doubt = "" if latin_line else why_in_doubt(best, options, settled)
        if (not doubt and settled and best.script not in settled | {"Latin"}
                and not lookalikes.confirmed(best.text, best.script)):
            doubt = (f"read as {best.script}, but other lines of the photo are words in "
                     f"{' and '.join(sorted(settled))}: probably a look-alike of them")
        if (not doubt and not latin_line and words_in_latin
                and lookalikes.not_words(best.text, best.script)):
            # A texture beside a US plate was read as Thai "งเด้น" (0.62), three of its
            # five letters a word, while the photo's sure lines were English words.
            doubt = (f"read as {best.script}, but it is not words of it and other lines "
                     "of the photo are words in Latin letters: probably a texture")
        if doubt and keep_rapidocr and _rapid_ok(line) and line.sure:
            # A reading in doubt does not replace one RapidOCR is sure of: a plate's
            # "RK-857A1" (0.8) became a one-letter Armenian look-alike reading.
            out.append(line)
            continue
        # The weighed score chose the reading; the line keeps Tesseract's own measure, and
        # a reading in doubt stays visible but is not sure (``TextLine.sure``).
        out.append(replace(line, text=text, confidence=best.raw, engine=tess.name,
                           doubt=doubt, echo=latin_line or ""))
        if doubt and doubt not in notes:
            notes.append(doubt)
    return out, notes


def _spelled_out(options: Sequence[Reading], latin: Sequence[str],
                 best: Reading | None, own: str = "") -> tuple[str | None, Reading | None]:
    """(the Latin line, the reading) when a Latin line of the photo spells out one of a
    line's readings in another script (the best-scoring such reading); else (None, best).

    ``own`` is RapidOCR's reading of the line: a Latin line that spells out that too is
    no confirmation (the line may be that Latin text again, a second "TAXI", which a
    Greek or Cyrillic model reads as look-alikes that romanise back to it)."""
    latin = [line for line in latin if parallel.echoed(own, [line]) is None]
    if not latin:
        return None, best
    found = [(o, line) for o in options if o.script not in ("Latin", "")
             and (line := parallel.echoed(o.text, latin)) is not None]
    if not found:
        return None, best
    reading, line = max(found, key=lambda pair: pair[0].score)
    return line, reading


def _packs(script: str) -> list[str]:
    """Packs a line of ``script`` is read with: its first installed pack; for Latin, every
    installed Latin-script language in ``LATIN_LANGS`` (English alone misreads ö, ß, ç)."""
    have = installed_languages()
    if script == "Latin":
        return [lang for lang in LATIN_LANGS if lang in have]
    pack = pack_for_script(script)
    return [pack] if pack else []


def _missing_tesseract_note(lines: Sequence[TextLine]) -> list[str]:
    unsure = sum(1 for line in lines if _unsure(line))
    if not unsure:
        return []
    status = engine("tesseract").availability()
    return [f"{unsure} line(s) may be in a script RapidOCR cannot read, and Tesseract is "
            f"unavailable ({status.reason})"]


def _finish(lines: Sequence[TextLine]) -> list[TextLine]:
    out: list[TextLine] = []
    for line in lines:
        if not line.text.strip() or (line.confidence < MIN_CONFIDENCE.get(line.engine, 0.5)
                                     and not line.echo):
            continue  # a reading the photo's Latin line spells out stands, however faint
        if line.engine == "tesseract" and sum(ch.isalnum() for ch in line.text) < 2:
            continue  # a lone glyph Tesseract made of a texture; no sign text is that short
        out.append(replace(line, script=line_script(line.text)))
    return out


def _read_rapid(image: Image.Image, choice: str, languages: Sequence[str],
                detect_px: int = DET_LONG_SIDE,
                whole_px: int = DET_WHOLE_UP_TO,
                second_look_px: int = DET_SECOND_LOOK_UP_TO) -> OcrResult:
    rapid = engine("rapidocr")
    assert isinstance(rapid, RapidOcrEngine)
    quads, zoomed, first = _detect_with_zoom(rapid, image, detect_px, whole_px,
                                             second_look_px)
    lines = rapid.read_quads(image, quads)
    if first:
        lines = merge_looks(rapid.read_quads(image, first), lines, UNSURE_BELOW)
    used = ["rapidocr"]
    notes: list[str] = []
    tess = engine("tesseract")
    assert isinstance(tess, TesseractEngine)
    if choice == "tesseract":
        lines, notes = _tesseract_reads(tess, image, lines, languages, keep_rapidocr=False)
        used = ["rapidocr", "tesseract"]  # RapidOCR's detector, Tesseract's reading
    elif choice == "auto":
        if tess.availability().available:
            unsure = [i for i, line in enumerate(lines) if _unsure(line)]
            if unsure:
                latin = [line.text for i, line in enumerate(lines) if i not in unsure
                         and line.sure and line_script(line.text) == "Latin"]
                reread, notes = _tesseract_reads(tess, image, [lines[i] for i in unsure],
                                                 languages, keep_rapidocr=True, latin=latin)
                for i, line in zip(unsure, reread, strict=True):
                    lines[i] = line
                if any(line.engine == "tesseract" for line in reread):
                    used.append("tesseract")
        else:
            notes = _missing_tesseract_note(lines)
    return OcrResult(lines=_finish(lines), engines=used, zoomed_regions=zoomed, notes=notes)


def _read_page_engine(image: Image.Image, name: str, languages: Sequence[str]) -> OcrResult:
    """OCR with an engine's own detector (Tesseract or EasyOCR), with the zoom step."""
    eng = engine(name)
    work, scale = working_copy(image)
    lines = [line.scaled(1.0 / scale) for line in eng.read_page(work, languages)]
    zoomed = 0
    for box in zoom_regions([line.polygon for line in lines], scale, image.size):
        found = eng.read_page(image.crop(box), languages)
        if found:
            zoomed += 1
            lines = [line for line in lines if not inside(line.polygon, box)]
            lines += [line.scaled(1.0, (box[0], box[1])) for line in found]
    return OcrResult(lines=_finish(lines), engines=[name], zoomed_regions=zoomed)


def read_image(
    image: Image.Image,
    *,
    choice: str = "auto",
    languages: Sequence[str] = (),
    region: Sequence[float] | None = None,
    detect_px: int = DET_LONG_SIDE,
    whole_px: int = DET_WHOLE_UP_TO,
    second_look_px: int = DET_SECOND_LOOK_UP_TO,
) -> OcrResult:
    """OCR of ``image`` (or of ``region``, fractions of it); polygons in image pixels.

    ``detect_px``: the long side of the copy RapidOCR's detector looks at, and
    ``whole_px``: the longest photo it looks at whole instead, and ``second_look_px``: the
    longest it looks at again whole when the first look found small text (the tool's
    ``[tools.ocr_signage] detect_px``, ``whole_px`` and ``second_look_px``)."""
    if choice not in ("auto", *ENGINE_NAMES):
        raise ValueError(f"unknown OCR engine {choice!r}; use auto, {', '.join(ENGINE_NAMES)}")
    offset = (0, 0)
    if region is not None:
        box = region_box(region, image.size)
        image, offset = image.crop(box), (box[0], box[1])
    notes: list[str] = []
    if choice != "auto":
        status = engine(choice).availability()
        if not status.available:
            raise ToolUnavailableError(f"OCR engine {choice} is unavailable: {status.reason}")
        if choice == "tesseract" and not engine("rapidocr").availability().available:
            result = _read_page_engine(image, "tesseract", languages)
        elif choice in ("rapidocr", "tesseract"):
            result = _read_rapid(image, choice, languages, detect_px, whole_px, second_look_px)
        else:
            result = _read_page_engine(image, choice, languages)
    elif engine("rapidocr").availability().available:
        result = _read_rapid(image, "auto", languages, detect_px, whole_px, second_look_px)
    else:
        fallback = next((n for n in ("tesseract", "easyocr")
                         if engine(n).availability().available), None)
        if fallback is None:
            reasons = "; ".join(f"{n}: {engine(n).availability().reason}" for n in ENGINE_NAMES)
            raise ToolUnavailableError(f"no OCR engine is available ({reasons})")
        notes.append(f"rapidocr unavailable ({engine('rapidocr').availability().reason})")
        result = _read_page_engine(image, fallback, languages)
    if offset != (0, 0):
        result.lines = [line.scaled(1.0, offset) for line in result.lines]
    result.notes = notes + result.notes
    return result
