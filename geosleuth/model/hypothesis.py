"""Hypotheses and the verdict: candidate places, scored, and the answer with its confidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["exact", "street", "city", "region", "country", "continent", "unknown"]

# Upper radius (km) of each level; a verdict's level is the first whose bound it meets.
LEVEL_RADII_KM: tuple[tuple[Level, float], ...] = (
    ("exact", 0.1),
    ("street", 1.0),
    ("city", 25.0),
    ("region", 200.0),
    ("country", 750.0),
    ("continent", 2500.0),
)


def level_for_radius(radius_km: float) -> Level:
    for level, bound in LEVEL_RADII_KM:
        if radius_km <= bound:
            return level
    return "unknown"


CITY_KM, REGION_KM = 25.0, 200.0  # the widest circles a town and a region name


class Place(BaseModel):
    """Place names at a point, from the gazetteer: country code, region, city, street."""

    model_config = ConfigDict(frozen=True)

    country_code: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    street: str | None = None

    def label(self) -> str:
        parts = [p for p in (self.street, self.city, self.region, self.country) if p]
        return ", ".join(dict.fromkeys(parts))

    def at_scale(self, radius_km: float) -> Place:
        """The names that fit a circle of this radius: a street and a town name a small
        circle; a circle wider than a city is its region, one wider than a region its
        country (a village at the centre of a 500 km circle says nothing of the circle)."""
        if radius_km <= CITY_KM:
            return self
        if radius_km <= REGION_KM:
            return self.model_copy(update={"street": None, "city": None})
        return self.model_copy(update={"street": None, "city": None, "region": None})


class Hypothesis(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    lat: float
    lon: float
    radius_km: float
    score: float = Field(ge=0.0, le=1.0)
    country_code: str | None = None
    place: str | None = None
    names: Place = Field(default_factory=Place)
    supported_by: list[str] = Field(default_factory=list)
    contradicted_by: list[str] = Field(default_factory=list)


class Verdict(BaseModel):
    """The answer: a point, a radius and the probability that the truth lies within it.

    No answer is a valid answer: ``level == "unknown"``, no point, confidence 0.
    """

    model_config = ConfigDict(frozen=True)

    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    country_code: str | None = None
    # The probability that the photo was taken in ``country_code`` (the posterior mass in
    # that country, whatever the radius): what a country-level reader of the verdict needs.
    country_confidence: float | None = Field(None, ge=0.0, le=1.0)
    place: str | None = None
    level: Level = "unknown"
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)

    @classmethod
    def unknown(cls, rationale: str = "the evidence does not single out a place") -> Verdict:
        return cls(rationale=rationale)

    @property
    def known(self) -> bool:
        return self.lat is not None and self.lon is not None
