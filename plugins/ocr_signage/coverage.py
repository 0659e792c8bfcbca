"""Which scripts the OCR can read here, by which engine, and the command that adds the rest.

``geosleuth tools`` prints it, so that what the tool says matches what it does: a script
without its Tesseract pack is read as look-alike letters of another script or not at all.
"""

from __future__ import annotations

from geosleuth_plugins.ocr_signage import lookalikes
from geosleuth_plugins.ocr_signage.engines import engine
from geosleuth_plugins.ocr_signage.rapidocr_engine import RAPIDOCR_SCRIPTS
from geosleuth_plugins.ocr_signage.tesseract_engine import (
    SCRIPT_LANGS,
    debian_package,
    pack_for_script,
)

from geosleuth.tools.api import Coverage

# The order the table lists them in: by how often they are met on signs, roughly.
SCRIPTS: tuple[str, ...] = (
    "Latin", "Han", "Japanese", "Hangul", "Cyrillic", "Greek", "Arabic", "Hebrew", "Thai",
    "Devanagari", "Bengali", "Oriya", "Tamil", "Telugu", "Kannada", "Malayalam", "Gujarati",
    "Gurmukhi", "Sinhala", "Georgian", "Armenian", "Lao", "Khmer", "Myanmar", "Ethiopic",
)
TESSERACT_PIP = "pip install 'geosleuth[tesseract]'"


def script_coverage() -> list[Coverage]:
    rapid = engine("rapidocr").availability().available
    tess = engine("tesseract").availability()
    rows: list[Coverage] = []
    family_missing = [s for s in lookalikes.FAMILY if pack_for_script(s) is None]
    for script in SCRIPTS:
        if script in RAPIDOCR_SCRIPTS and rapid:
            rows.append(Coverage(script, True, "rapidocr"))
            continue
        pack = pack_for_script(script)
        apt = f"apt-get install tesseract-ocr {debian_package(SCRIPT_LANGS[script][0])}"
        if pack is not None:
            note = ""
            if script in lookalikes.FAMILY and family_missing:
                note = (f"read lines are marked unsure unless they are words: look-alike "
                        f"packs missing ({', '.join(family_missing[:3])}"
                        f"{' ...' if len(family_missing) > 3 else ''})")
            rows.append(Coverage(script, True, f"tesseract {pack}", note=note))
        elif not tess.available:
            rows.append(Coverage(script, False, install=f"{TESSERACT_PIP}; {apt}",
                                 note=f"Tesseract unavailable: {tess.reason}"))
        else:
            rows.append(Coverage(script, False, install=apt))
    return rows
