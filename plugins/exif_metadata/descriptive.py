"""What a person wrote into the photo: IPTC-IIM and XMP location, caption, keywords, credit.

These are the fields an investigator reads first with ExifTool: agencies and newsrooms
fill them in, and the text is a person's claim about the photo (the place of the story,
sometimes, rather than where it was shot). They are read here as plain values; the tool
weighs them (``tool.py``).

- IPTC-IIM: Pillow's ``IptcImagePlugin.getiptcinfo`` (the JPEG APP13 "Photoshop 3.0"
  block and TIFF's IPTC tag). Dataset numbers from the IPTC-IIM 4.2 specification,
  record 2: 5 Object Name, 25 Keywords, 80 By-line, 90 City, 92 Sub-location,
  95 Province/State, 100 Country Code, 101 Country Name, 105 Headline, 110 Credit,
  115 Source, 120 Caption/Abstract.
- XMP: the packet Pillow keeps in ``info["xmp"]`` (JPEG, PNG, WebP; TIFF tag 700), parsed
  with defusedxml (the file is untrusted: no entity expansion). Properties from the
  IPTC Photo Metadata Standard 2023.1: photoshop:City/State/Country/Headline/Credit/
  Source, Iptc4xmpCore:Location/CountryCode, dc:description/subject/creator/title.

XMP wins where both give a field (it is what current software writes, in Unicode).
"""

from __future__ import annotations

import re
from typing import Any

from geosleuth_plugins.exif_metadata.fields import MAX_TEXT, clean_text

MAX_CAPTION = 2000  # characters of a caption kept; the rest is cut
MAX_KEYWORDS = 50

# field -> IPTC-IIM record-2 dataset number
IIM: dict[str, int] = {
    "title": 5, "keywords": 25, "byline": 80, "city": 90, "sublocation": 92, "state": 95,
    "country_code": 100, "country": 101, "headline": 105, "credit": 110, "source": 115,
    "caption": 120,
}
_NS = {
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
# field -> (namespace prefix, property)
XMP: dict[str, tuple[str, str]] = {
    "city": ("photoshop", "City"), "state": ("photoshop", "State"),
    "country": ("photoshop", "Country"), "sublocation": ("Iptc4xmpCore", "Location"),
    "country_code": ("Iptc4xmpCore", "CountryCode"), "headline": ("photoshop", "Headline"),
    "credit": ("photoshop", "Credit"), "source": ("photoshop", "Source"),
    "caption": ("dc", "description"), "keywords": ("dc", "subject"),
    "byline": ("dc", "creator"), "title": ("dc", "title"),
}
LIST_FIELDS = frozenset({"keywords", "byline"})
FIELDS: tuple[str, ...] = ("city", "sublocation", "state", "country", "country_code",
                           "headline", "caption", "keywords", "title", "byline", "credit",
                           "source")
LOCATION_FIELDS: tuple[str, ...] = ("sublocation", "city", "state", "country", "country_code")


def _decode(value: bytes, utf8: bool) -> str:
    if utf8:
        return value.decode("utf-8", "replace")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")  # IIM's default repertoire before UTF-8 was declared


def _limit(name: str) -> int:
    return MAX_CAPTION if name == "caption" else MAX_TEXT


def read_iptc(image: Any, warnings: list[str]) -> dict[str, Any]:
    """The IPTC-IIM fields of an open Pillow image (missing fields are left out)."""
    from PIL import IptcImagePlugin

    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception as exc:  # Pillow raises many kinds on a damaged APP13 block
        warnings.append(f"IPTC block unreadable: {type(exc).__name__}")
        return {}
    # Record 1:90 holds ESC % G when the text is UTF-8.
    utf8 = b"\x1b%G" in (info.get((1, 90)) or b"")
    out: dict[str, Any] = {}
    for name, number in IIM.items():
        raw = info.get((2, number))
        if raw is None:
            continue
        items = raw if isinstance(raw, list) else [raw]
        texts = [t for item in items if isinstance(item, bytes)
                 and (t := clean_text(_decode(item, utf8), _limit(name)))]
        if not texts:
            continue
        out[name] = texts[:MAX_KEYWORDS] if name in LIST_FIELDS else texts[0]
    return out


def _xmp_values(element: Any) -> list[str]:
    """The text of a property: its own text, or the items of its rdf:Alt/Bag/Seq."""
    items = element.findall(f".//{{{_NS['rdf']}}}li")
    texts = [item.text or "" for item in items] if items else [element.text or ""]
    return [t for t in texts if t.strip()]


def read_xmp(image: Any, warnings: list[str]) -> dict[str, Any]:
    """The XMP fields of an open Pillow image (missing fields are left out)."""
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if packet is None and hasattr(image, "tag_v2"):
        packet = image.tag_v2.get(700)
    if not packet:
        return {}
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    try:
        from defusedxml import ElementTree
    except ImportError:
        warnings.append("XMP present but not read: pip install defusedxml")
        return {}
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    if start >= 0 and end > start:
        packet = packet[start:end + len(b"</x:xmpmeta>")]
    try:
        root = ElementTree.fromstring(packet)
    except Exception as exc:  # malformed XML, or entities defusedxml refuses
        warnings.append(f"XMP packet unreadable: {type(exc).__name__}")
        return {}
    out: dict[str, Any] = {}
    for name, (prefix, prop) in XMP.items():
        tag = f"{{{_NS[prefix]}}}{prop}"
        values: list[str] = []
        for description in root.iter(f"{{{_NS['rdf']}}}Description"):
            if tag in description.attrib:  # the short form: a property as an attribute
                values.append(description.attrib[tag])
            for element in description.findall(tag):
                values += _xmp_values(element)
        texts = [t for v in values if (t := clean_text(v, _limit(name)))]
        if texts:
            out[name] = texts[:MAX_KEYWORDS] if name in LIST_FIELDS else texts[0]
    return out


def read_descriptive(image: Any, warnings: list[str]) -> dict[str, Any]:
    """Every field of ``FIELDS`` an open Pillow image holds, and ``from``: field -> "IPTC"
    or "XMP". Called by ``reading.read_raw`` on the image it has open for the EXIF."""
    iptc = read_iptc(image, warnings)
    xmp = read_xmp(image, warnings)
    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name in FIELDS:
        for source, found in (("XMP", xmp), ("IPTC", iptc)):
            if name in found:
                out[name], origin[name] = found[name], source
                break
    code = out.get("country_code")
    if code is not None:
        code = clean_text(code)
        if code and re.fullmatch(r"[A-Za-z]{2,3}", code):
            out["country_code"] = code.upper()
        else:
            warnings.append(f"IPTC country code {code!r:.20} is not an ISO code; ignored")
            out.pop("country_code")
    if out:
        out["from"] = origin
    return out
