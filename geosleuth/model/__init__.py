"""Pure data: Case, Evidence, GeoConstraint, Hypothesis, Verdict. No I/O, no UI."""

from geosleuth.model.case import Case, ImageInfo
from geosleuth.model.constraints import (
    BandConstraint,
    BoxConstraint,
    CountryConstraint,
    GeoConstraint,
    PointConstraint,
    PolygonConstraint,
    RasterConstraint,
)
from geosleuth.model.evidence import Basis, Evidence, Finding
from geosleuth.model.hypothesis import Hypothesis, Level, Place, Verdict, level_for_radius

__all__ = [
    "BandConstraint",
    "Basis",
    "BoxConstraint",
    "Case",
    "CountryConstraint",
    "Evidence",
    "Finding",
    "GeoConstraint",
    "Hypothesis",
    "ImageInfo",
    "Level",
    "Place",
    "PointConstraint",
    "PolygonConstraint",
    "RasterConstraint",
    "Verdict",
    "level_for_radius",
]
