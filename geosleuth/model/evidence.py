"""Evidence: one observation a clue tool (or the investigator) made, with provenance."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from geosleuth.model.constraints import GeoConstraint

Basis = Literal["observed", "read", "computed", "inferred", "investigator"]
"""How a piece of evidence was obtained, which caps how much it may be trusted.

``observed``: recorded by the camera (EXIF GPS, its clock); ``read``: read from the
pixels (OCR text and every clue found in it: language, place names, phones, plates,
map matches of the words); ``computed``: measured and computed (sun angle, shadows);
``inferred``: a judgement (a model's recognition of a scene); ``investigator``: the
person's own word. The fusion caps each basis (``geosleuth.fusion.groups``) and treats
the evidence of one source as one witness.
"""


class Finding(BaseModel):
    """What a tool returns: a summary, structured data and optionally a constraint.

    The executor turns each finding into an ``Evidence`` with an id and provenance.
    """

    model_config = ConfigDict(frozen=True)

    summary: str
    data: dict[str, Any] = Field(default_factory=dict)
    constraint: GeoConstraint | None = None
    host: str | None = None
    basis: Basis | None = None  # None: the tool's declared basis
    source: str | None = None  # findings with one source (one sign) are one witness


class Evidence(BaseModel):
    """A finding with its id (E1, E2, ...), the tool that made it and how."""

    model_config = ConfigDict(frozen=True)

    id: str
    tool: str
    tool_version: str
    args: dict[str, Any] = Field(default_factory=dict)
    summary: str
    data: dict[str, Any] = Field(default_factory=dict)
    constraint: GeoConstraint | None = None
    elapsed_ms: float = 0.0
    host: str | None = None
    author: Literal["tool", "investigator", "reasoner"] = "tool"
    basis: Basis = "computed"
    source: str | None = None  # evidence of one source is fused as one witness
    # What it gives away, as its tool declared ("camera_metadata", "photo_text"): the
    # privacy rules read this, never the tool's name.
    reveals: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _investigator_basis(cls, value: Any) -> Any:
        """The investigator's evidence is the investigator's word (also in old case files)."""
        if isinstance(value, dict) and value.get("author") == "investigator":
            value = {**value, "basis": "investigator"}
        return value
