"""The OCR engine interface, and one shared instance of each engine per process.

An engine finds text lines on an image (``read_page``) and says whether it can run here
(``availability``, naming the install line when it cannot). Engines load their models
lazily, once per process, under a lock: several investigation paths may call the same
engine from different threads. ``engine(name)`` returns the shared instance.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from geosleuth_plugins.ocr_signage.lines import TextLine
from PIL import Image

from geosleuth.errors import ToolUnavailableError
from geosleuth.tools.api import Availability

ENGINE_NAMES: tuple[str, ...] = ("rapidocr", "tesseract", "easyocr")


class OcrEngine(ABC):
    """One OCR engine. Subclasses load their model in ``_load`` (called once, locked)."""

    name: ClassVar[str]
    install: ClassVar[str]

    def __init__(self) -> None:
        self._load_lock = threading.Lock()
        # Held around each call into the engine: the libraries keep per-call state on the
        # model object, and on two cores running two inferences at once gains nothing.
        self.call_lock = threading.Lock()
        self._model: object | None = None

    @abstractmethod
    def availability(self) -> Availability:
        """Whether the engine can run here; when not, the reason names the install line."""

    @abstractmethod
    def _load(self) -> object:
        """Load and return the model (runs once per process)."""

    def model(self) -> object:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    status = self.availability()
                    if not status.available:
                        raise ToolUnavailableError(f"OCR engine {self.name}: {status.reason}")
                    self._model = self._load()
        return self._model

    @abstractmethod
    def read_page(self, image: Image.Image, languages: Sequence[str] = ()) -> list[TextLine]:
        """Find and read the text lines of ``image``; polygons in its pixel coordinates."""


_instances: dict[str, OcrEngine] = {}
_instances_lock = threading.Lock()


def engine(name: str) -> OcrEngine:
    """The process-wide instance of the engine called ``name``."""
    if name not in ENGINE_NAMES:
        raise ValueError(f"unknown OCR engine {name!r}; use one of {', '.join(ENGINE_NAMES)}")
    with _instances_lock:
        if name not in _instances:
            if name == "rapidocr":
                from geosleuth_plugins.ocr_signage.rapidocr_engine import RapidOcrEngine

                _instances[name] = RapidOcrEngine()
            elif name == "tesseract":
                from geosleuth_plugins.ocr_signage.tesseract_engine import TesseractEngine

                _instances[name] = TesseractEngine()
            else:
                from geosleuth_plugins.ocr_signage.easyocr_engine import EasyOcrEngine

                _instances[name] = EasyOcrEngine()
        return _instances[name]


def available_engines() -> dict[str, Availability]:
    """Every engine and whether it can run here."""
    return {name: engine(name).availability() for name in ENGINE_NAMES}
