"""Evidence: one observation a clue tool (or the investigator) made, with provenance."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from geosleuth.model.constraints import GeoConstraint


class Finding(BaseModel):
    """What a tool returns: a summary, structured data and optionally a constraint.

    The executor turns each finding into an ``Evidence`` with an id and provenance.
    """

    model_config = ConfigDict(frozen=True)

    summary: str
    data: dict[str, Any] = Field(default_factory=dict)
    constraint: GeoConstraint | None = None
    host: str | None = None


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
