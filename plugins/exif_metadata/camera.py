"""The camera in the EXIF: its name, whether it is a phone, and the editors in Software."""

from __future__ import annotations

import re

# Makers whose EXIF comes from phones (GPS from a phone fix is typically good to ~30 m).
_PHONE_MAKERS = {
    "apple", "samsung", "google", "huawei", "honor", "xiaomi", "redmi", "poco", "oneplus",
    "oppo", "vivo", "realme", "motorola", "lg electronics", "lge", "htc", "zte", "meizu",
    "hmd global", "nokia", "fairphone", "nothing", "asus", "lenovo", "tecno", "infinix",
}
_PHONE_MODELS = re.compile(r"iphone|ipad|pixel|galaxy|xperia|^sm-[a-z]\d|redmi|nexus",
                           re.IGNORECASE)

# Software that edits photos, by the text it writes into Software (case-insensitive).
KNOWN_EDITORS: tuple[tuple[str, str], ...] = (
    ("lightroom", "Adobe Lightroom"),
    ("photoshop express", "Adobe Photoshop Express"),
    ("photoshop", "Adobe Photoshop"),
    ("camera raw", "Adobe Camera Raw"),
    ("gimp", "GIMP"),
    ("affinity photo", "Affinity Photo"),
    ("pixelmator", "Pixelmator"),
    ("snapseed", "Snapseed"),
    ("picasa", "Picasa"),
    ("paint.net", "Paint.NET"),
    ("capture one", "Capture One"),
    ("darktable", "darktable"),
    ("rawtherapee", "RawTherapee"),
    ("luminar", "Luminar"),
    ("acdsee", "ACDSee"),
    ("paintshop", "Corel PaintShop"),
    ("photoscape", "PhotoScape"),
    ("dxo", "DxO"),
    ("on1 photo", "ON1 Photo"),
    ("photodirector", "PhotoDirector"),
    ("polarr", "Polarr"),
    ("vsco", "VSCO"),
    ("meitu", "Meitu"),
    ("faceapp", "FaceApp"),
    ("canva", "Canva"),
    ("imagemagick", "ImageMagick"),
    ("graphicconverter", "GraphicConverter"),
    ("windows photo editor", "Windows Photo Editor"),
    ("microsoft photos", "Microsoft Photos"),
    ("exiftool", "ExifTool"),
    ("digikam", "digiKam"),
)


def editor_of(software: str | None) -> str | None:
    if not software:
        return None
    lowered = software.lower()
    for needle, name in KNOWN_EDITORS:
        if needle in lowered:
            return name
    return None


def is_phone(make: str | None, model: str | None) -> bool:
    if make and make.lower().strip() in _PHONE_MAKERS:
        return True
    return bool(model and _PHONE_MODELS.search(model))


def camera_name(make: str | None, model: str | None) -> str | None:
    """"Canon EOS 40D" from make "Canon" and model "Canon EOS 40D" (no repeated make)."""
    if not model:
        return make
    if not make:
        return model
    # "EASTMAN KODAK COMPANY" + "KODAK CX7530 ZOOM" -> the model alone.
    words = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", make)]
    return model if any(model.lower().startswith(w) for w in words) else f"{make} {model}"
