"""The investigator's actions as evidence: notes, clues, known points, pins and rejections.

Every action a person takes (in the TUI, or as ``--clue`` on the command line) becomes
an ``Evidence`` with ``author="investigator"`` and the tool name ``investigator``, so the
case report's audit trail shows who added what.
Actions that say something about the place carry a constraint: a known point, "not in
country X", a rejected hypothesis (a negated point), a pinned one (a strong point).
Nothing here imports Textual: the session and the tests use it headless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geosleuth import __version__
from geosleuth.agent.clue_names import suggest
from geosleuth.agent.clues import KINDS, Clue, CountryClue, parse_clue
from geosleuth.errors import BadInputError
from geosleuth.model import Evidence, GeoConstraint, Hypothesis, PointConstraint

if TYPE_CHECKING:
    from geosleuth.agent.recorder import Recorder

TOOL = "investigator"
PIN_STRENGTH = 0.95  # as strong as an EXIF fix: a submission far from it is rejected
REJECT_STRENGTH = 0.98  # the investigator is sure; still never a hard zero (see model.constraints)
POINT_STRENGTH = 0.9
COUNTRY_STRENGTH = 0.9
DEFAULT_POINT_RADIUS_KM = 1.0
EXTRA_KINDS = ("note", "point", "place")

_WORD = re.compile(r"^[a-z]+(?:[\s-][a-z]+)?$")  # a prefix that could be a kind: one or two words
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_POINT = re.compile(
    rf"^\s*({_NUMBER})\s*[, ]\s*({_NUMBER})(?:\s*[, ]\s*({_NUMBER})\s*(?:km)?)?\s*$")


@dataclass(frozen=True)
class ClueInput:
    """What the investigator typed, read: its kind and, for parsed clues, the typed clue."""

    kind: str
    text: str
    body: str
    clue: Clue | None = None
    point: tuple[float, float, float] | None = None


def read_input(text: str) -> ClueInput:
    """Read one line the investigator typed into the clue box.

    ``note: ...`` (or text with no known ``kind:`` prefix) is a free-text note;
    ``point: lat, lon [radius_km]`` a known position; ``place: name`` a place to look up;
    anything else goes through the clue parser (shadow, sun, time, date, country,
    not-country). A prefix that is a typo of a kind (``contry: PT``) is refused with
    "did you mean", not kept as a note. Raises BadInputError with one line when it cannot
    be read.
    """
    raw = text.strip()
    if not raw:
        raise BadInputError("the clue is empty: type a note, or a clue like 'not-country: FR'")
    head, sep, body = raw.partition(":")
    kind = head.strip().lower().replace("_", "-") if sep else ""
    body = body.strip()
    known = (*KINDS, *EXTRA_KINDS)
    if kind not in known and _WORD.match(kind):
        guess = suggest(re.sub(r"\s+", "-", kind), known)
        if guess is not None:
            raise BadInputError(f"clue {raw!r}: unknown kind {head.strip()!r};"
                                f" did you mean '{guess}:'?")
    if kind == "note" or kind not in known:
        return ClueInput("note", raw, body if kind == "note" else raw)
    if not body:
        raise BadInputError(f"clue {raw!r} is empty after {kind!r}")
    if kind == "point":
        m = _POINT.match(body)
        if not m:
            raise BadInputError(f"clue {raw!r}: write a point as 'point: 48.8584, 2.2945 [0.5]'")
        lat, lon = float(m.group(1)), float(m.group(2))
        radius = float(m.group(3)) if m.group(3) else DEFAULT_POINT_RADIUS_KM
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or radius <= 0:
            raise BadInputError(f"clue {raw!r}: latitude -90..90, longitude -180..180, radius > 0")
        return ClueInput("point", raw, body, point=(lat, lon, radius))
    if kind == "place":
        return ClueInput("place", raw, body)
    return ClueInput(kind, raw, body, clue=parse_clue(raw))


def describe_input(item: ClueInput) -> str:
    """One line saying how the input will be read (shown while typing)."""
    if item.kind == "note":
        return f"a note: {item.body}"
    if item.point is not None:
        lat, lon, radius = item.point
        return f"a known point {lat:.5f}, {lon:.5f} within {radius:g} km"
    if item.kind == "place":
        return f"a known place, looked up in the gazetteer: {item.body}"
    assert item.clue is not None
    return item.clue.describe()


def make(eid: str, action: str, summary: str, *, data: dict[str, Any] | None = None,
         constraint: GeoConstraint | None = None, args: dict[str, Any] | None = None) -> Evidence:
    """Evidence authored by the investigator."""
    return Evidence(
        id=eid, tool=TOOL, tool_version=__version__, args={"action": action, **(args or {})},
        summary=summary, data=data or {}, constraint=constraint, author="investigator",
    )


def note(eid: str, text: str) -> Evidence:
    return make(eid, "note", f"note: {text}", data={"text": text})


def clue(eid: str, item: ClueInput) -> Evidence:
    """A parsed clue; a country clue constrains the place, the others are inputs to tools."""
    assert item.clue is not None
    constraint = None
    if isinstance(item.clue, CountryClue):
        constraint = item.clue.constraint(COUNTRY_STRENGTH)
    return make(eid, "clue", f"clue: {item.clue.describe()}", data={"clue": item.text},
                constraint=constraint, args={"clue": item.text})


def point(eid: str, lat: float, lon: float, radius_km: float, label: str = "",
          data: dict[str, Any] | None = None) -> Evidence:
    where = label or f"{lat:.5f}, {lon:.5f}"
    return make(eid, "point", f"known place: {where} (within {radius_km:g} km)",
                data={"lat": lat, "lon": lon, "radius_km": radius_km, **(data or {})},
                constraint=PointConstraint(lat=lat, lon=lon, radius_km=radius_km,
                                           strength=POINT_STRENGTH),
                args={"lat": lat, "lon": lon, "radius_km": radius_km})


def pin(eid: str, h: Hypothesis) -> Evidence:
    where = h.place or "unnamed place"
    return make(eid, "pin", f"pinned {h.id}: {where} (within {h.radius_km:g} km)",
                data={"hypothesis": h.id, "lat": h.lat, "lon": h.lon, "score": h.score},
                constraint=PointConstraint(lat=h.lat, lon=h.lon, radius_km=h.radius_km,
                                           strength=PIN_STRENGTH),
                args={"hypothesis": h.id})


def reject(eid: str, h: Hypothesis) -> Evidence:
    return make(eid, "reject",
                f"rejected {h.id}: not {h.place or 'this place'} (within {h.radius_km:g} km)",
                data={"hypothesis": h.id, "lat": h.lat, "lon": h.lon, "score": h.score},
                constraint=PointConstraint(lat=h.lat, lon=h.lon, radius_km=h.radius_km,
                                           strength=REJECT_STRENGTH, negate=True),
                args={"hypothesis": h.id})


def tool_run(eid: str, tool: str, args: dict[str, Any], produced: list[str],
             error: str | None) -> Evidence:
    result = f"error: {error}" if error else (", ".join(produced) or "no evidence")
    return make(eid, "run_tool", f"ran {tool}: {result}",
                data={"tool": tool, "arguments": args, "produced": produced, "error": error},
                args={"tool": tool, "arguments": args})


def conclude(eid: str) -> Evidence:
    return make(eid, "conclude", "asked the reasoner to stop and conclude")


def seed_case_clues(recorder: Recorder) -> list[Evidence]:
    """Record the clues the case was opened with (``--clue``) as the investigator's evidence.

    Country clues constrain the place at once; time, shadow and sun clues are recorded for
    the audit trail and read by the sun tools. A clue already recorded (a resumed case) is
    not added twice. Returns the evidence added.
    """
    seen = {e.args.get("clue") for e in recorder.state.evidence if e.tool == TOOL}
    added: list[Evidence] = []
    for text in recorder.state.case.clues:
        if text in seen:
            continue
        item = read_input(text)
        if item.clue is None:  # a note, a point or a place given on the command line
            evidence = make(recorder.next_id(), item.kind, f"{item.kind}: {item.body}",
                            data={"clue": text}, args={"clue": text},
                            constraint=_point_constraint(item))
        else:
            evidence = clue(recorder.next_id(), item)
        recorder.add(evidence)
        added.append(evidence)
    if any(e.constraint is not None for e in added):
        recorder.fuse()
    return added


def _point_constraint(item: ClueInput) -> GeoConstraint | None:
    if item.point is None:
        return None
    lat, lon, radius = item.point
    return PointConstraint(lat=lat, lon=lon, radius_km=radius, strength=POINT_STRENGTH)
