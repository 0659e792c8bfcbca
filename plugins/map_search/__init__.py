"""The ``map_search`` clue tool: ask OpenStreetMap (imported regions, or online when
network use is on) whether a named or tagged place exists, where, and near what.

Every match becomes a finding with a point constraint whose radius is the feature's
size and whose strength falls with a poorer name match and with more places that
match equally well. Finding nothing near a proposed point is evidence too.
"""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

from geosleuth.errors import BadInputError, ConfigError, ToolError, ToolUnavailableError
from geosleuth.model import Basis, Finding, PointConstraint
from geosleuth.text.quoting import quote
from geosleuth.text.wordfreqs import distinctiveness
from geosleuth.tools.api import ClueTool, Cost, Stage
from geosleuth.tools.context import ToolContext
from geosleuth.tools.plan import MAX_MAP_QUERIES, PlanInput

_TAGS = {
    "type": "object",
    "additionalProperties": {"type": "string", "maxLength": 100},
    "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9_:.-]{0,63}$"},
    "maxProperties": 5,
}

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "op": {"type": "string", "enum": ["search", "nearby", "cooccur", "reverse"],
               "description": "search: by name; nearby: around a point; cooccur: several "
                              "features close together; reverse: what is at a point"},
        "text": {"type": "string", "maxLength": 200,
                 "description": "a name to look for (a shop, street, stop or place name)"},
        "near": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                 "description": "[lat, lon] of the area or the hypothesis to check"},
        "radius_m": {"type": "number", "exclusiveMinimum": 0, "maximum": 50000},
        "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
        "tags": {**_TAGS, "description": "OSM tags the feature must carry, e.g. "
                                         "{\"amenity\": \"pharmacy\"} (\"*\": any value)"},
        "patterns": {
            "type": "array", "minItems": 2, "maxItems": 5,
            "items": {"type": "object", "additionalProperties": False,
                      "properties": {"name": {"type": "string", "maxLength": 200},
                                     "tags": _TAGS}},
            "description": "cooccur: what must lie close together, e.g. [{\"name\": "
                           "\"Rathaus\", \"tags\": {\"highway\": \"bus_stop\"}}, "
                           "{\"tags\": {\"shop\": \"bakery\"}}]",
        },
        "within_m": {"type": "number", "exclusiveMinimum": 0, "maximum": 5000},
        "limit": {"type": "integer", "minimum": 1, "maximum": 50},
        "online": {"type": "boolean",
                   "description": "true: ask OpenStreetMap's services (needs network use on)"},
    },
    "required": ["op"],
    "additionalProperties": False,
}

DEFAULT_FINDINGS = 5


def quoted(text: str | None) -> str:
    """Text from an image or a map, quoted and escaped for a one-line summary."""
    return quote(text or "", 118)


def _kind(tags: dict[str, str]) -> str:
    for key in ("amenity", "shop", "tourism", "highway", "railway", "public_transport",
                "place", "leisure", "historic", "office", "building", "landuse", "boundary"):
        if key in tags:
            return f"{key}={tags[key]}"
    return "feature"


MIN_STRENGTH = 0.05
# A name match scoring under this is reported without a constraint. Fuzzy names this close
# are found by chance in any map one imports: on the real photos of ../shared/data with the
# six shared extracts imported (benchmarks/real.md), 120 search matches scored under 0.8
# (plate strings against "Österreich" at 0.44, "Huber" at 0.73) and none lay within 25 km
# of the truth; a sign's name read right, or with a letter wrong, scores 0.85 and more.
LOOSE_BELOW = 0.8


def _strength(score: float, rivals: int) -> float:
    """Trust in one match: its name similarity, shared among the places that match as well."""
    return max(0.05, min(0.9, 0.9 * score**2 / math.sqrt(max(1, rivals))))


class MapSearch(ClueTool):
    name: ClassVar[str] = "map_search"
    stage: ClassVar[Stage | None] = "map"
    example_args: ClassVar[dict[str, Any] | None] = {"op": "search", "text": "Rua Augusta"}

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        """A name search for each of the longest lines of text, in the path's country."""
        country = plan.country()
        calls = []
        for line in plan.name_lines()[:MAX_MAP_QUERIES]:
            args: dict[str, Any] = {"op": "search", "text": line[:120]}
            if country:
                args["country"] = country
            calls.append(args)
        return calls
    version: ClassVar[str] = "1.0.0"
    cost: ClassVar[Cost] = "local"
    basis: ClassVar[Basis] = "read"  # the words searched for were read in the photo
    description: ClassVar[str] = (
        "Search OpenStreetMap: imported regions offline, and online (Nominatim, Overpass) "
        "only when network use is enabled. op=search finds features by name (a shop, street, "
        "stop or place name read in the photo), optionally near a point or in a country; "
        "op=nearby lists features with given tags or name within radius_m of near; "
        "op=cooccur finds places where several features (name and/or tags each) lie within "
        "within_m of each other; op=reverse says what is at a point. Use it to verify a "
        "hypothesis: give near=[lat, lon] and a name or tags; finding nothing there is "
        "reported as a negative check."
    )
    parameters: ClassVar[dict[str, Any]] = PARAMETERS

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        if args.get("online") or ctx.settings.network:
            return None  # the network layer caches responses itself, with their age
        from geosleuth.maps.regions import RegionStore

        regions = [(r.name, r.imported_at) for r in RegionStore(ctx.settings.data_dir).list()]
        return json.dumps([self.name, self.version, args, regions], sort_keys=True, default=str)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        from geosleuth.maps.service import MapService

        op = args.get("op")
        service = MapService(
            ctx.settings, on_egress=lambda host, what: ctx.record_egress(host, what, self.name)
        )
        if args.get("online") is not True and not ctx.settings.network and not service.store.list():
            raise ToolUnavailableError(
                "no map region is imported and network use is off: run "
                "'geosleuth maps import FILE.osm.pbf' or enable network use"
            )
        limit = int(args.get("limit", DEFAULT_FINDINGS))
        try:
            answer = service.ask(
                str(op), text=args.get("text"), near=args.get("near"),
                radius_m=args.get("radius_m"), country=args.get("country"),
                tags=args.get("tags"), patterns=args.get("patterns"),
                within_m=args.get("within_m"), limit=limit, online=args.get("online"),
            )
        except (BadInputError, ConfigError) as exc:
            raise ToolError(str(exc)) from None
        host = None if answer.source == "offline" else answer.source
        where = answer.source if host else "regions " + ", ".join(answer.regions or ["(none)"])
        query = self._describe(args)
        near = args.get("near")
        if answer.empty:
            data: dict[str, Any] = {"op": op, "query": args, "matches": 0,
                                    "regions": answer.regions, "source": answer.source}
            if not answer.covered:
                data["covered"] = False
                return [Finding(summary=f"map {op} {query}: no imported region covers the "
                                        "query and network use is off; nothing checked",
                                data=data)]
            if near is not None:
                data["verified"] = False
                summary = (f"map {op} {query}: nothing found within "
                           f"{args.get('radius_m', 500 if op == 'nearby' else 10000):g} m of "
                           f"({near[0]:.5f}, {near[1]:.5f}) ({where})")
            else:
                summary = f"map {op} {query}: no match ({where})"
            return [Finding(summary=summary, data=data, host=host)]
        if answer.groups:
            return self._groups(answer, op, query, near, where, host)
        return self._matches(answer, op, query, near, where, host,
                             distinctiveness(args["text"]) if args.get("text") else 1.0)

    @staticmethod
    def _describe(args: dict[str, Any]) -> str:
        """The query in one line; every string from outside is JSON-quoted (escaped)."""

        def tags(t: dict[str, Any]) -> list[str]:
            return [f"{quoted(str(k))[1:-1]}={quoted(str(v))}" for k, v in t.items()]

        parts = []
        if args.get("text"):
            parts.append(quoted(args["text"]))
        parts += tags(args.get("tags") or {})
        for p in args.get("patterns") or []:
            bits = tags(p.get("tags") or {})
            if p.get("name"):
                bits.append(f"named {quoted(p['name'])}")
            parts.append("[" + " ".join(bits) + "]")
        if args.get("within_m"):
            parts.append(f"within {float(args['within_m']):g} m")
        return " ".join(parts)

    def _matches(self, answer: Any, op: Any, query: str, near: Any, where: str,
                 host: str | None, rarity: float = 1.0) -> list[Finding]:
        """One finding per match. ``rarity`` (``distinctiveness`` of the name searched for)
        scales the strength: a common word ("Stop", "Metro") is found on a map wherever
        one looks, so finding it where one looked says little; below ``MIN_STRENGTH`` a
        match is reported without a constraint."""
        matches = answer.matches
        rivals = sum(1 for m in matches if m.score >= 0.9) or 1
        out = []
        for m in matches:
            strong = m.score >= 0.9
            strength = _strength(m.score, rivals if strong else rivals + 1) * rarity
            loose = m.score < LOOSE_BELOW
            common = strength < MIN_STRENGTH
            data = m.as_dict()
            data.update(op=op, source=answer.source, matches=len(matches))
            if answer.cache_age_s is not None:
                data["cache_age_s"] = answer.cache_age_s
            if near is not None:
                data["verified"] = True
            dist = f", {m.distance_m:.0f} m away" if m.distance_m is not None else ""
            role = f"{m.role}: " if m.role else ""
            note = ("; a loose match: names this close are found by chance in any map"
                    if loose else "; too common a name to locate the photo" if common else "")
            out.append(Finding(
                summary=(f"map {op} {query}: {role}{quoted(m.name)} ({_kind(m.tags)}, "
                         f"{m.osm_type} {m.osm_id}) at {m.lat:.5f}, {m.lon:.5f}{dist}; "
                         f"match {m.score:.2f} ({where}){note}"),
                data={**data, "rarity": round(rarity, 4)},
                constraint=None if common or loose else PointConstraint(
                    lat=m.lat, lon=m.lon, radius_km=max(0.05, m.radius_m / 1000.0),
                    strength=round(strength, 4)),
                host=host,
            ))
        return out

    def _groups(self, answer: Any, op: Any, query: str, near: Any, where: str,
                host: str | None) -> list[Finding]:
        groups = answer.groups
        out = []
        for g in groups:
            names = ", ".join(f"{quoted(m.name)} ({_kind(m.tags)})" for m in g.members)
            data = g.as_dict()
            data.update(op=op, source=answer.source, groups=len(groups))
            if answer.cache_age_s is not None:
                data["cache_age_s"] = answer.cache_age_s
            if near is not None:
                data["verified"] = True
            out.append(Finding(
                summary=(f"map cooccur {query}: {names} within {g.spread_m:.0f} m of each "
                         f"other at {g.lat:.5f}, {g.lon:.5f} ({where})"),
                data=data,
                constraint=PointConstraint(
                    lat=g.lat, lon=g.lon, radius_km=max(0.05, g.spread_m / 2000.0 + 0.05),
                    strength=_strength(g.score, len(groups))),
                host=host,
            ))
        return out


def tools() -> list[ClueTool]:
    return [MapSearch()]
