"""The same map questions asked online: Nominatim (through geopy) and Overpass.

Endpoints come from the settings (self-hosted services are common); every request
goes through ``geosleuth.net.HttpClient`` (timeout, retries honouring Retry-After,
cache with age, egress record) and public Nominatim gets at most one request per
second through geopy's RateLimiter on the client's clock. Nothing here runs unless
``settings.network`` is true.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from geosleuth.errors import BadInputError, ConfigError, NetworkError
from geosleuth.geo.distance import geodesic_km, haversine_km
from geosleuth.maps import overpass
from geosleuth.maps.cooccur import best_groups, group_candidates
from geosleuth.maps.limits import MAX_RADIUS_M, MAX_WITHIN_M, bound, bound_limit, check_point
from geosleuth.maps.matches import Group, Match, Pattern, parse_patterns
from geosleuth.maps.names import NAME_MATCH, STRONG, pattern_score, similarity
from geosleuth.maps.osm_import import OsmFeature
from geosleuth.maps.regions import box_around
from geosleuth.net.client import HttpClient, user_agent
from geosleuth.net.geopy_adapter import ClientAdapter, GeopyLimiter
from geosleuth.net.ratelimit import Clock, SystemClock

PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
PUBLIC_OVERPASS = ("overpass-api.de", "overpass.kumi.systems", "overpass.private.coffee")
NOMINATIM_MAX_AGE_S = 30 * 24 * 3600.0
OVERPASS_MAX_AGE_S = 24 * 3600.0
STRUCTURED_KEYS = ("amenity", "street", "city", "county", "state", "country", "postalcode")


def _split(url: str, what: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{what} {url!r} is not an http(s) URL; fix it in 'geosleuth config'")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


class OnlineMaps:
    """Nominatim and Overpass, configured by the settings.

    ``client`` defaults to one built from the settings; tests pass a client whose clock
    they control. ``nominatim_delay_s`` defaults to 1 s for the public server and 0 for
    a self-hosted one.
    """

    def __init__(
        self,
        settings: Any,
        client: HttpClient | None = None,
        *,
        clock: Clock | None = None,
        nominatim_delay_s: float | None = None,
        overpass_delay_s: float | None = None,
    ) -> None:
        if not settings.network:
            raise ConfigError(
                "online maps need network use: enable it with GEOSLEUTH_NETWORK=1 or "
                "'network = true' in the config"
            )
        from geopy.geocoders import Nominatim

        scheme, netloc, path = _split(settings.nominatim_url, "nominatim_url")
        _split(settings.overpass_url, "overpass_url")
        self.overpass_url = settings.overpass_url
        self.overpass_host = urlsplit(settings.overpass_url).netloc
        self.nominatim_host = netloc
        clock = clock or (client.clock if client is not None else SystemClock())
        self.client = client or HttpClient.from_settings(settings, clock=clock)
        if nominatim_delay_s is None:
            nominatim_delay_s = 1.0 if netloc == PUBLIC_NOMINATIM else 0.0
        if overpass_delay_s is None:
            overpass_delay_s = 1.0 if self.overpass_host in PUBLIC_OVERPASS else 0.0
        self.client.limiters[netloc] = GeopyLimiter(nominatim_delay_s, self.client.clock)
        self.client.limits.setdefault(self.overpass_host, overpass_delay_s)
        self.geocoder = Nominatim(
            domain=netloc + path,
            scheme=scheme,
            user_agent=user_agent(settings.contact),
            timeout=settings.http_timeout_s,
            adapter_factory=ClientAdapter.factory(self.client),
        )

    # ------------------------------------------------------------ Nominatim

    def search(
        self,
        text: str | Mapping[str, str],
        near: tuple[float, float] | None = None,
        radius_m: float | None = None,
        country: str | None = None,
        limit: int = 10,
    ) -> list[Match]:
        """Nominatim free-text (or structured, given a mapping) search."""
        limit = bound_limit(limit)
        if isinstance(text, Mapping):
            query: str | dict[str, str] = {
                k: str(v)[:overpass.MAX_TEXT] for k, v in text.items() if k in STRUCTURED_KEYS
            }
            if not query:
                raise BadInputError(f"a structured search takes {', '.join(STRUCTURED_KEYS)}")
            label = " ".join(query.values())
        else:
            query = text.strip()[: overpass.MAX_TEXT]
            if not query:
                raise BadInputError("nothing to search for")
            label = query
        kwargs: dict[str, Any] = {"exactly_one": False, "limit": limit, "namedetails": True,
                                  "extratags": True}
        if near is not None:
            lat, lon = check_point(*near)
            radius = bound(radius_m, MAX_RADIUS_M, "radius_m", 10_000.0)
            s, w, n, e = box_around(lat, lon, radius)
            kwargs.update(viewbox=[(s, w), (n, e)], bounded=True)
        if country:
            if len(country) != 2 or not country.isalpha():
                raise BadInputError(f"{country!r} is not an ISO 3166 alpha-2 country code")
            kwargs["country_codes"] = [country.lower()]
        # A server may answer with more than it was asked for: keep the first ``limit``.
        places = (self.geocoder.geocode(query, **kwargs) or [])[:limit]
        found = [self._from_nominatim(p.raw, label) for p in places]
        if near is not None:
            found = [replace(m, distance_m=geodesic_km(near[0], near[1], m.lat, m.lon) * 1000.0)
                     for m in found]
        return found

    def reverse(self, lat: float, lon: float) -> list[Match]:
        lat, lon = check_point(lat, lon)
        place = self.geocoder.reverse((lat, lon), exactly_one=True, zoom=18, namedetails=True)
        if place is None:
            return []
        match = self._from_nominatim(place.raw, None)
        return [replace(match, role="address",
                        distance_m=geodesic_km(lat, lon, match.lat, match.lon) * 1000.0)]

    def _from_nominatim(self, raw: Mapping[str, Any], query: str | None) -> Match:
        tags: dict[str, str] = {}
        if raw.get("class") and raw.get("type"):
            tags[str(raw["class"])] = str(raw["type"])
        for extra in ("extratags", "namedetails"):
            tags.update({str(k): str(v) for k, v in (raw.get(extra) or {}).items()})
        for key, value in (raw.get("address") or {}).items():
            tags.setdefault(f"addr:{key}", str(value))
        name = tags.get("name") or raw.get("name") or str(raw.get("display_name", ""))[:120]
        if name and "name" not in tags:
            tags["name"] = name
        lat, lon = float(raw["lat"]), float(raw["lon"])
        radius = 50.0
        box = raw.get("boundingbox")
        if isinstance(box, list) and len(box) == 4:
            s, n, w, e = (float(v) for v in box)
            radius = OsmFeature("way", 0, {}, lat, lon, (s, w, n, e)).radius_m
        score, matched = similarity(query, tags) if query else (1.0, None)
        osm_type = str(raw.get("osm_type", "node"))
        return Match(osm_type, int(raw.get("osm_id", 0)), name, lat, lon, radius, tags,
                     score=score, matched=matched, host=self.nominatim_host)

    # ------------------------------------------------------------ Overpass

    def _overpass(self, query: str) -> list[Match]:
        resp = self.client.post(self.overpass_url, data={"data": query},
                                what=f"Overpass query: {query}", max_age_s=OVERPASS_MAX_AGE_S)
        try:
            payload = resp.json()
        except NetworkError:
            raise NetworkError(f"{self.overpass_host} did not answer with JSON: "
                               f"{resp.text[:120]!r}") from None
        return overpass.parse_elements(payload, self.overpass_host)

    def nearby(
        self,
        lat: float,
        lon: float,
        radius_m: float = 500.0,
        tags: Mapping[str, str] | None = None,
        name: str | None = None,
        limit: int = 10,
    ) -> list[Match]:
        lat, lon = check_point(lat, lon)
        radius_m = bound(radius_m, MAX_RADIUS_M, "radius_m", 500.0)
        limit = bound_limit(limit)
        found = self._overpass(overpass.nearby_query(lat, lon, radius_m, tags, name, limit))
        out = []
        for m in found:
            d = float(haversine_km(lat, lon, m.lat, m.lon)) * 1000.0
            if m.osm_type != "node":
                d = max(0.0, d - m.radius_m)
            score = similarity(name, m.tags)[0] if name else 1.0
            if name and score < 0.5:
                continue
            out.append(replace(m, distance_m=d, score=score))
        out.sort(key=lambda m: (-(m.score >= STRONG), m.distance_m or 0.0, -m.score))
        return out[:limit]

    def cooccur(
        self,
        patterns: Sequence[Mapping[str, Any]],
        within_m: float,
        near: tuple[float, float] | None,
        radius_m: float | None = None,
        limit: int = 10,
    ) -> list[Group]:
        if near is None:
            raise BadInputError("an online co-occurrence query needs 'near' (and a radius)")
        lat, lon = check_point(*near)
        pats = parse_patterns(patterns)
        within_m = bound(within_m, MAX_WITHIN_M, "within_m", 150.0)
        radius_m = bound(radius_m, MAX_RADIUS_M, "radius_m", 5_000.0)
        found = self._overpass(overpass.cooccur_query(pats, within_m, lat, lon, radius_m))
        cands = [_matching(found, p) for p in pats]
        return best_groups(group_candidates(cands, within_m), within_m, bound_limit(limit))


def _matching(found: Sequence[Match], pattern: Pattern) -> list[Match]:
    """The elements of a union answer that belong to one pattern (the answer is merged)."""
    out = []
    for m in found:
        if not all(k in m.tags and (v in ("*", "") or m.tags[k] == v)
                   for k, v in pattern.tags.items()):
            continue
        score = pattern_score(pattern.name, m.tags) if pattern.name else 1.0
        if pattern.name and score < NAME_MATCH:
            continue
        out.append(replace(m, score=score))
    return out
