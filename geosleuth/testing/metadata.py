"""IPTC-IIM and XMP blocks for test photos: what newsroom software writes into a JPEG.

Pillow reads IPTC but does not write it, so the APP13 segment is built here from the
IPTC-IIM 4.2 specification (datasets ``1C rr dd LLLL value``, wrapped in a Photoshop
"8BIM" image resource 0x0404). The XMP packet follows the IPTC Photo Metadata Standard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

# field name -> IPTC-IIM record-2 dataset (the same names as the reader's)
IIM_DATASETS: dict[str, int] = {
    "title": 5, "keywords": 25, "byline": 80, "city": 90, "sublocation": 92, "state": 95,
    "country_code": 100, "country": 101, "headline": 105, "credit": 110, "source": 115,
    "caption": 120,
}
XMP_PROPERTIES: dict[str, str] = {
    "city": "photoshop:City", "state": "photoshop:State", "country": "photoshop:Country",
    "sublocation": "Iptc4xmpCore:Location", "country_code": "Iptc4xmpCore:CountryCode",
    "headline": "photoshop:Headline", "credit": "photoshop:Credit",
    "source": "photoshop:Source", "caption": "dc:description", "keywords": "dc:subject",
    "byline": "dc:creator", "title": "dc:title",
}
_CONTAINER = {"dc:description": "Alt", "dc:title": "Alt", "dc:subject": "Bag",
              "dc:creator": "Seq"}

Fields = Mapping[str, str | Sequence[str]]


def _dataset(record: int, number: int, value: bytes) -> bytes:
    return bytes([0x1C, record, number]) + len(value).to_bytes(2, "big") + value


def iptc_block(fields: Fields) -> bytes:
    """The IIM datasets for ``fields`` (UTF-8, declared in record 1:90)."""
    data = _dataset(1, 90, b"\x1b%G")
    for name, value in fields.items():
        values = [value] if isinstance(value, str) else list(value)
        for item in values:
            data += _dataset(2, IIM_DATASETS[name], item.encode("utf-8"))
    return data


def app13_segment(fields: Fields) -> bytes:
    """A whole JPEG APP13 segment (marker included) holding ``fields`` as IPTC-IIM."""
    data = iptc_block(fields)
    resource = (b"8BIM" + (0x0404).to_bytes(2, "big") + b"\x00\x00"
                + len(data).to_bytes(4, "big") + data + (b"\x00" if len(data) % 2 else b""))
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body


def add_iptc(path: Path, fields: Fields) -> Path:
    """Insert an APP13 IPTC segment right after the SOI marker of the JPEG at ``path``."""
    data = Path(path).read_bytes()
    if not data.startswith(b"\xff\xd8"):
        raise ValueError(f"{path} is not a JPEG")
    Path(path).write_bytes(data[:2] + app13_segment(fields) + data[2:])
    return Path(path)


def xmp_packet(fields: Fields) -> bytes:
    """An XMP packet with ``fields`` as IPTC Core / Dublin Core / Photoshop properties;
    plain values as attributes of rdf:Description, list and language ones as elements."""
    attributes: list[str] = []
    elements: list[str] = []
    for name, value in fields.items():
        prop = XMP_PROPERTIES[name]
        container = _CONTAINER.get(prop)
        if container is None:
            attributes.append(f"{prop}={quoteattr(str(value))}")
            continue
        values = [value] if isinstance(value, str) else list(value)
        lang = ' xml:lang="x-default"' if container == "Alt" else ""
        items = "".join(f"<rdf:li{lang}>{escape(v)}</rdf:li>" for v in values)
        elements.append(f"<{prop}><rdf:{container}>{items}</rdf:{container}></{prop}>")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
        + " ".join(attributes) + ">" + "".join(elements)
        + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    ).encode("utf-8")
