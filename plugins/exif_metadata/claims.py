"""Weighing what a person wrote into the file (IPTC/XMP) and where the camera pointed.

A location field or a caption is a claim, typed by a photographer, an agency or anyone
who edited the file since: often right, sometimes the place of the story rather than of
the shot, and as easy to change as any EXIF tag. All of it is one witness (source
``SOURCE``: one person wrote the location fields and the caption together), read with
basis "read", and weaker than the camera's own GPS fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geosleuth_plugins.place_lookup.weighing import TOP_STRENGTH, place_radius_km, strengths

from geosleuth.model import CountryConstraint, Finding, PointConstraint
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

SOURCE = "IPTC/XMP fields"
LOCATION_STRENGTH = 0.8  # a place a person typed into the location fields
CAPTION_WEIGHT = 0.6  # free text: the clues found in it are weighed down by this
QUOTE = 60


def country_code(desc: dict[str, Any], gazetteer: Gazetteer | None) -> str | None:
    """ISO alpha-2 of the country fields: the code (alpha-2 or -3), else the name."""
    code = desc.get("country_code")
    if code and len(code) == 2:
        return str(code)
    if code and len(code) == 3:
        import pycountry

        found = pycountry.countries.get(alpha_3=code)
        if found is not None:
            return str(found.alpha_2)
    name = desc.get("country")
    if name and gazetteer is not None:
        matches = gazetteer.lookup(str(name), kinds=("country",))
        if matches:
            return matches[0].place.country_code
    return None


def _located(desc: dict[str, Any]) -> str:
    parts = [desc.get(k) for k in ("sublocation", "city", "state", "country")]
    return ", ".join(quote(str(p), QUOTE) for p in parts if p)


def location_finding(desc: dict[str, Any], gazetteer: Gazetteer | None) -> Finding | None:
    """The location fields as one finding: the city (else the state) in the country, as a
    point; the country alone as a country constraint; None without location fields."""
    if not any(desc.get(k) for k in ("city", "state", "country", "country_code")):
        return None
    code = country_code(desc, gazetteer)
    data: dict[str, Any] = {k: desc[k] for k in ("sublocation", "city", "state", "country",
                                                  "country_code") if desc.get(k)}
    data["from"] = {k: v for k, v in desc.get("from", {}).items() if k in data}
    written = f"location fields say {_located(desc)}"
    caveat = "a person's claim: it may name the story's place, and fields are easily edited"
    if gazetteer is not None:
        for field, kinds in (("city", ("city",)), ("state", ("admin1", "us_state"))):
            name = desc.get(field)
            if not name:
                continue
            matches = gazetteer.lookup(str(name), country=code, kinds=kinds)
            if not matches:
                continue
            place = matches[0].place
            radius = place_radius_km(place)
            share = strengths(matches)[0] / TOP_STRENGTH  # 1 for a name of one place
            strength = min(LOCATION_STRENGTH, share * LOCATION_STRENGTH)
            data.update(lat=place.lat, lon=place.lon, radius_km=round(radius, 1),
                        matched=place.name, country_resolved=place.country_code)
            return Finding(
                summary=(f"{written}: {place.name} ({place.country_code}) at "
                         f"{place.lat:.4f}, {place.lon:.4f} within {radius:.0f} km; {caveat}"),
                data=data, basis="read", source=SOURCE,
                constraint=PointConstraint(lat=place.lat, lon=place.lon, radius_km=radius,
                                           strength=strength),
            )
    if code is None:
        return Finding(summary=f"{written}: not found in the gazetteer", data=data,
                       basis="read", source=SOURCE)
    data["country_resolved"] = code
    return Finding(
        summary=f"{written}: country {code}; {caveat}", data=data, basis="read",
        source=SOURCE,
        constraint=CountryConstraint(weights={code: 1.0}, strength=LOCATION_STRENGTH),
    )


def caption_text(desc: dict[str, Any]) -> str:
    """Headline, title, caption and keywords, one per line: the free text of the file."""
    lines = [str(desc[k]) for k in ("headline", "title", "caption") if desc.get(k)]
    if desc.get("keywords"):
        lines.append(", ".join(str(k) for k in desc["keywords"]))
    return "\n".join(lines)


def caption_findings(desc: dict[str, Any], gazetteer: Gazetteer | None) -> list[Finding]:
    """The clues in the free text (place names, phones, postcodes ...), each weighed down
    by ``CAPTION_WEIGHT``: text a person wrote about the photo, not text in it."""
    from geosleuth.text.find import find_text_clues

    text = caption_text(desc)
    if not text:
        return []
    code = country_code(desc, gazetteer)
    findings: list[Finding] = []
    for clue in find_text_clues(text[:5000], gazetteer, [code] if code else []):
        constraint = clue.constraint
        if constraint is not None:
            constraint = constraint.model_copy(
                update={"strength": max(0.01, constraint.strength * CAPTION_WEIGHT)})
        findings.append(Finding(
            summary=f"caption/keywords written in the file: {clue.summary}",
            data={"clue": clue.kind, "read": clue.text, "field": "caption", **clue.data},
            constraint=constraint, basis="read", source=SOURCE,
        ))
    return findings


def heading_finding(data: dict[str, Any]) -> Finding | None:
    """Where the camera pointed, when the file says (no constraint: it is a direction)."""
    heading = data.get("heading_deg")
    if heading is None:
        return None
    return Finding(
        summary=(f"camera pointed {heading:.0f}° from {data['heading_north']} north "
                 f"({data['heading_tag']}): lets a shadow's direction in the frame be "
                 "turned into a compass bearing for the sun tools"),
        data={k: data[k] for k in ("heading_deg", "heading_north", "heading_tag")},
    )
