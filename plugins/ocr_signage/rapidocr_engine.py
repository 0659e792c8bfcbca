"""RapidOCR (PP-OCR models on onnxruntime): the default engine.

The rapidocr wheel ships its models (PP-OCRv6 detection, and a recognizer for Chinese,
Japanese, English and Latin-script languages with their diacritics), so nothing is
fetched at run time. Detection and recognition are called separately: rapidocr's one-shot
call drops lines whose recognition came out empty, and those are exactly the lines in
scripts it cannot read (Cyrillic, Hangul, Arabic ...) that Tesseract should read instead.

rapidocr's ``TextDetector`` and ``TextRecognizer`` are used directly, with onnxruntime
sessions built here (``onnx_models.cpu_session``: subnormal weights flushed, threads set,
no spinning), which rapidocr supports through the ``session`` entry of their config.
Detection input is prepared here too (see ``_det_input``); rapidocr's post-processing
(DB boxes) and recognizer (batched, CTC decoding) do the rest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from geosleuth_plugins.ocr_signage.engines import OcrEngine
from geosleuth_plugins.ocr_signage.lines import Point, TextLine, crop_quad, quad_size
from geosleuth_plugins.ocr_signage.scripts import scripts_of
from PIL import Image

from geosleuth.errors import ToolUnavailableError
from geosleuth.tools.api import Availability, Requirement

# Scripts the shipped recognizer reads (names as geosleuth.text.scripts reports them, and
# "Japanese" for a line with kana, see scripts.line_script).
RAPIDOCR_SCRIPTS = frozenset({"Latin", "Han", "Kana", "Japanese"})

# Detection runs on at most this many pixels on the long side (rapidocr's default instead
# scales the *short* side up to 736). 736 px was tried and lost 2 of 22 rendered test
# signs (Arabic, Thai lines split or missed) and the small sign of the 12 MP zoom test
# (too small to be found at all). With the detector's subnormal weights flushed
# (onnx_models), 960 px costs 0.25 CPU-s instead of 0.8.
DET_LONG_SIDE = 960
# A photo at most this long is looked at whole instead of shrunk to DET_LONG_SIDE
# (``[tools.ocr_signage] whole_px``); 0, the default: none. 1280 reads the small text of
# the real plate and sign photos, most of them 1280 px long (aligned character accuracy
# Latin 0.78 -> 0.83, Han 0.76 -> 0.80; Brazilian grey plates placed within 30 km 10 ->
# 15 of 17; benchmarks/real.md), but the detector also finds textures in a photo
# without text, which then cost a recognition and a Tesseract run: a served locate of the
# example photo without text took 1.13 CPU-s instead of 0.58, the Lisbon example 1.40
# instead of 1.18 (benchmarks/speed.md). A larger photo is always shrunk, and its small
# lines zoomed (``DET_SMALL_LINE_PX``).
DET_WHOLE_UP_TO = 0
# A photo at most this long whose shrunk look found a line under ``DET_SMALL_TEXT_PX`` is
# looked at again, whole, and that look's lines are read (``[tools.ocr_signage]
# second_look_px``; 0: never). Small text found is where more small text is: on the real
# plate and sign photos (most 1280 px long) the second look reads the plates the first
# found only in part, at one more detection for such photos; a photo whose text is
# large (the Lisbon example) or that has none (the example without clues) costs nothing
# more, unlike ``whole_px`` (benchmarks/real.md).
DET_SECOND_LOOK_UP_TO = 1280
# Lines under this height in the shrunk look's input (the box, about twice the text's
# height) call for the second look: 1.5 times the zoom's ``DET_SMALL_LINE_PX``.
DET_SMALL_TEXT_PX = 24.0
# A line under this height (pixels of the detector's input; the box, which is about twice
# the text's height) is re-detected at full size. It was 14 px when a 12 MP photo was
# shrunk in two steps; with one area-averaged shrink the small sign of the 12 MP zoom test
# (text 7 px high in the detector's input) came out 14.2 px, and 16 px zooms it again.
DET_SMALL_LINE_PX = 16.0
# Height of the line crops handed to the recognizer (its input height is 48).
REC_HEIGHT = 48

# rapidocr's defaults, except: detection limited by the long side (above), and the
# recognizer's batch (lines are read in batches of this many, padded to the widest).
_PARAMS: dict[str, Any] = {
    "Det.limit_type": "max",
    "Det.limit_side_len": DET_LONG_SIDE,
    "Rec.rec_batch_num": 8,
}

_REQUIREMENTS = (
    Requirement(module="rapidocr", install="pip install rapidocr onnxruntime"),
    Requirement(module="onnxruntime", install="pip install onnxruntime"),
    Requirement(module="onnx", install="pip install onnx"),
)


@dataclass(frozen=True)
class _Models:
    det: Any  # rapidocr.ch_ppocr_det.TextDetector
    mean: np.ndarray  # detector normalisation, float32 per channel
    std: np.ndarray
    rec_cfg: Any  # the recognizer's config section, its session not yet made


def _model_path(section: Any) -> Path:
    """The model file rapidocr would load for a Det/Rec config section (from its wheel)."""
    import rapidocr
    from rapidocr.inference_engine.base import FileInfo, InferSession

    if section.get("model_path"):
        return Path(section.model_path)
    info = InferSession.get_model_url(FileInfo(
        engine_type=section.engine_type, ocr_version=section.ocr_version,
        task_type=section.task_type, lang_type=section.lang_type,
        model_type=section.model_type))
    path = Path(rapidocr.__file__).parent / "models" / Path(info["model_dir"]).name
    if not path.is_file():
        # rapidocr would download it; geosleuth fetches nothing at run time.
        raise ToolUnavailableError(
            f"OCR engine rapidocr: its model {path.name} is not installed (the rapidocr "
            "wheel ships it): pip install --force-reinstall rapidocr")
    return path


def det_input_size(width: int, height: int, long_side: int = DET_LONG_SIDE) -> tuple[int, int]:
    """(width, height) the detector reads an image of this size at: the long side at most
    ``long_side``, both sides multiples of 32 (the network's stride), as rapidocr does."""
    ratio = min(1.0, long_side / max(width, height))
    return (max(32, round(int(width * ratio) / 32) * 32),
            max(32, round(int(height * ratio) / 32) * 32))


def det_long_side(width: int, height: int, long_side: int = DET_LONG_SIDE,
                  whole_up_to: int = DET_WHOLE_UP_TO) -> int:
    """The detector's long side for a whole photo of this size: the photo's own when it is
    at most ``whole_up_to`` pixels long, else ``long_side``."""
    own = max(width, height)
    return own if long_side < own <= whole_up_to else long_side


def second_look(size: tuple[int, int], long_side: int, heights: Sequence[float],
                up_to: int = DET_SECOND_LOOK_UP_TO) -> bool:
    """Whether a photo of ``size``, looked at with ``long_side`` px, is looked at again
    whole: it was shrunk, it is at most ``up_to`` px long, and a line that look found was
    under ``DET_SMALL_TEXT_PX`` high (``heights``: in the look's input pixels)."""
    own = max(size)
    return long_side < own <= up_to and any(h < DET_SMALL_TEXT_PX for h in heights)


def _vertical_padding(width: int, height: int) -> int:
    """Rows of padding above (and below) an image before detection: rapidocr's rule
    (``Global.width_height_ratio`` 8, ``Global.min_height`` 30) for strips and slivers,
    whose text the detector misses when it touches the edges; 0 for other images."""
    ratio, min_height = 8, 30
    if height > min_height and width / height <= ratio:
        return 0
    return int(abs(max(int(width / ratio), min_height) * 2 - height) / 2)


def _config() -> Any:
    """rapidocr's configuration (its config.yaml) with ``_PARAMS`` applied."""
    import logging

    from rapidocr.main import DEFAULT_CFG_PATH
    from rapidocr.utils.parse_parameters import ParseParams

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return ParseParams.update_batch(ParseParams.load(DEFAULT_CFG_PATH), dict(_PARAMS))


def _attach_session(section: Any) -> None:
    """Put an onnxruntime session of the section's model (subnormal weights flushed,
    ``onnx_models.cpu_session``) in the config section, where rapidocr takes it from."""
    from geosleuth_plugins.ocr_signage.onnx_models import cpu_session
    from omegaconf import flag_override

    session = cpu_session(_model_path(section))
    with flag_override(section, "allow_objects", True):
        section.session = session


def model_paths() -> dict[str, Path]:
    """The detector's and recognizer's model files ("det", "rec") from rapidocr's wheel."""
    cfg = _config()
    return {"det": _model_path(cfg.Det), "rec": _model_path(cfg.Rec)}


class RapidOcrEngine(OcrEngine):
    name = "rapidocr"
    install = "pip install rapidocr onnxruntime onnx"

    def availability(self) -> Availability:
        missing = [req.describe() for req in _REQUIREMENTS if req.missing()]
        return Availability(False, "; ".join(missing)) if missing else Availability.ok()

    def __init__(self) -> None:
        super().__init__()
        self._rec: Any = None  # the recognizer, made when there is a first line to read

    def _load(self) -> object:
        """The detector. The recognizer is made on first use (``_recognizer``): a photo
        with no text never needs it (0.3 s and 60 MB saved)."""
        from rapidocr.ch_ppocr_det import TextDetector

        cfg = _config()
        cfg.Rec.font_path = cfg.Global.font_path  # as RapidOCR fills these in
        for section in (cfg.Det, cfg.Rec):
            section.engine_cfg = cfg.EngineConfig[section.engine_type.value]
        _attach_session(cfg.Det)
        return _Models(det=TextDetector(cfg.Det), rec_cfg=cfg.Rec,
                       mean=np.asarray(cfg.Det.mean, dtype=np.float32),
                       std=np.asarray(cfg.Det.std, dtype=np.float32))

    def _recognizer(self) -> Any:
        """rapidocr's TextRecognizer on the flushed recognizer model, made once."""
        if self._rec is None:
            models: Any = self.model()
            with self._load_lock:
                if self._rec is None:
                    from rapidocr.ch_ppocr_rec import TextRecognizer

                    _attach_session(models.rec_cfg)
                    self._rec = TextRecognizer(models.rec_cfg)
        return self._rec

    def _det_input(self, models: _Models, image: Image.Image,
                   long_side: int = DET_LONG_SIDE) -> np.ndarray:
        """The detector's input tensor for ``image`` (1x3xHxW float32).

        Written here rather than through rapidocr's ``DetPreProcess``, which normalises in
        float64 (its mean and std are float64 arrays): 70 ms of CPU per 960x736 input.
        The shrink is rapidocr's (OpenCV bilinear) down to half size; a larger photo is
        shrunk by area averaging instead, straight to the detector's size (bilinear would
        alias, and a 12 MP photo was first copied at 1600 px, 0.1 CPU-s, then shrunk again).
        Channels go in RGB order, as the engine always passed them (rapidocr takes an
        array as BGR): BGR was measured on the rendered signs and read no better
        (0.94-0.96 against 0.97 character accuracy, all of it Tesseract's reading of
        slightly different line boxes).
        """
        import cv2

        size = det_input_size(image.width, image.height, long_side)
        pixels = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))  # no copy
        if size != image.size:
            shrink = size[0] / image.width
            interpolation = cv2.INTER_LINEAR if shrink >= 0.5 else cv2.INTER_AREA
            pixels = cv2.resize(pixels, size, interpolation=interpolation)
        tensor = (pixels.astype(np.float32) * np.float32(1 / 255) - models.mean) / models.std
        return np.ascontiguousarray(tensor.transpose(2, 0, 1)[np.newaxis])

    def detect(self, image: Image.Image,
               long_side: int = DET_LONG_SIDE) -> list[tuple[Point, ...]]:
        """Quadrilaterals of the text lines of ``image`` (clockwise from top-left), in its
        pixel coordinates; the image is read at ``det_input_size`` (its long side at most
        ``long_side``)."""
        models: Any = self.model()
        top = _vertical_padding(image.width, image.height)
        if top:  # as rapidocr does: a strip gets black bands above and below
            padded = Image.new("RGB", (image.width, image.height + 2 * top))
            padded.paste(image.convert("RGB"), (0, top))
            image_in = padded
        else:
            image_in = image
        tensor = self._det_input(models, image_in, long_side)
        with self.call_lock:
            pred = models.det.session(tensor)
        boxes, _ = models.det.postprocess_op(pred, (image_in.height, image_in.width))
        if len(boxes) == 0:
            return []
        quads = [tuple((float(x), min(max(float(y) - top, 0.0), float(image.height)))
                       for x, y in box) for box in boxes]
        # Reading order: top to bottom, then left to right.
        return sorted(quads, key=lambda q: (round(min(p[1] for p in q) / 8), q[0][0]))

    def recognize(self, crops: Sequence[Image.Image]) -> list[tuple[str, float]]:
        """(text, confidence) for each upright line crop; ("", 0.0) when nothing was read.

        One call for all crops: rapidocr's recognizer sorts them by width and reads them in
        batches of ``Rec.rec_batch_num``.
        """
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self._recognizer()
        arrays = [np.asarray(crop.convert("RGB")) for crop in crops]  # order: see _det_input
        with self.call_lock:
            out = rec(TextRecInput(img=arrays))
        texts, scores = out.txts or (), out.scores or ()
        results: list[tuple[str, float]] = []
        for text, score in zip(texts, scores, strict=True):
            value = float(score)
            text = str(text).strip()
            results.append((text, value if text and math.isfinite(value) else 0.0))
        return results

    def read_quads(self, image: Image.Image, quads: Sequence[Sequence[Point]]) -> list[TextLine]:
        """Read the given quadrilaterals of ``image`` (one line each).

        A box at least ``VERTICAL_RATIO`` times taller than wide may be a column of text
        written top to bottom (Chinese and Japanese signs): it is also read as its glyphs
        laid side by side (``vertical_strip``), and that reading is kept when it is the
        more confident one.
        """
        crops = [crop_quad(image, quad, out_height=REC_HEIGHT, pad=0.0) for quad in quads]
        tall = [i for i, quad in enumerate(quads) if _is_column(quad)]
        strips: list[Image.Image] = []
        owners: list[int] = []
        for i in tall:
            column = crop_quad(image, quads[i], pad=0.0)
            widths: set[int] = set()
            for pitch in GLYPH_PITCHES:
                strip = vertical_strip(column, pitch)
                if strip.width not in widths:  # pitches giving the same glyph count
                    widths.add(strip.width)
                    strips.append(strip)
                    owners.append(i)
        read = self.recognize(crops + strips)
        lines = [TextLine(text=text, polygon=tuple(quad), confidence=score, engine=self.name)
                 for quad, (text, score) in zip(quads, read[:len(quads)], strict=True)]
        for i, (text, score) in zip(owners, read[len(quads):], strict=True):
            if _column_text(text, score) and score > lines[i].confidence:
                lines[i] = TextLine(text=text, polygon=lines[i].polygon, confidence=score,
                                    engine=self.name, notes=("read as vertical text",))
        return lines

    def read_page(self, image: Image.Image, languages: Sequence[str] = ()) -> list[TextLine]:
        return self.read_quads(image, self.detect(image))


VERTICAL_RATIO = 1.5  # rapidocr's own threshold for turning a tall crop
# Glyph pitch down a column, as a share of the detector's box width (which is padded by
# its unclip step): each is tried, and the most confident reading kept.
GLYPH_PITCHES = (1.0, 0.85, 0.72, 0.6)
MIN_COLUMN_CONFIDENCE = 0.8


def _column_text(text: str, score: float) -> bool:
    """Whether a reading of a column looks like vertical writing: Chinese or Japanese
    letters only, two or more, read with confidence. A tall box is as often a drainpipe
    or a window column as text, and a strip of its pieces can come out as a glyph or two."""
    letters = [ch for ch in text if ch.isalpha()]
    return (score >= MIN_COLUMN_CONFIDENCE and len(letters) >= 2
            and set(scripts_of("".join(letters))) <= {"Han", "Kana"})


def _is_column(quad: Sequence[Point]) -> bool:
    width, height = quad_size(quad)
    return height >= VERTICAL_RATIO * max(width, 1.0)


def vertical_strip(column: Image.Image, pitch: float = 1.0) -> Image.Image:
    """A column of glyphs written top to bottom, as one horizontal line: the column cut
    into cells ``pitch`` times its width high (a CJK glyph is about as tall as it is
    wide), pasted left to right, each ``REC_HEIGHT`` high. The recogniser reads only
    horizontal lines; turning the column by 90 degrees (what rapidocr does) lays every
    glyph on its side.
    """
    side = max(1.0, column.width * pitch)
    count = max(1, round(column.height / side))
    step = column.height / count
    strip = Image.new("RGB", (count * REC_HEIGHT, REC_HEIGHT), (255, 255, 255))
    for k in range(count):
        box = (0, round(k * step), column.width, round((k + 1) * step))
        glyph = column.crop(box).convert("RGB").resize((REC_HEIGHT, REC_HEIGHT),
                                                       Image.Resampling.BICUBIC)
        strip.paste(glyph, (k * REC_HEIGHT, 0))
    return strip
