"""One interface, two providers: the imported regions first, OSM's services when allowed.

``MapService.ask`` runs an operation (search, nearby, cooccur, reverse) offline on the
regions that can answer it, and online (Nominatim, Overpass) when asked to, or when
offline found nothing and ``settings.network`` is true. With network use off the
online provider is never built. A search, nearby or co-occurrence answer holds at most
``limit`` matches or groups, whichever provider gave it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from geosleuth.errors import BadInputError, ConfigError
from geosleuth.maps.cooccur import cooccur
from geosleuth.maps.limits import bound_limit
from geosleuth.maps.matches import Group, Match
from geosleuth.maps.regions import RegionStore
from geosleuth.maps.reverse import reverse
from geosleuth.maps.search import nearby, search

Op = Literal["search", "nearby", "cooccur", "reverse"]
OPS: tuple[str, ...] = ("search", "nearby", "cooccur", "reverse")


@dataclass
class Answer:
    op: str
    matches: list[Match] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    source: str = "offline"  # "offline", or the host that answered
    regions: list[str] = field(default_factory=list)
    covered: bool = True  # False: no imported region covers the query and none went online
    cache_age_s: float | None = None  # online: age of the cached answer (0 when fresh)

    @property
    def empty(self) -> bool:
        return not self.matches and not self.groups


class MapService:
    def __init__(
        self,
        settings: Any,
        *,
        store: RegionStore | None = None,
        client: Any = None,
        on_egress: Callable[[str, str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store or RegionStore.shared(settings.data_dir)
        self._client = client
        self._on_egress = on_egress
        self._online: Any = None

    @property
    def online(self) -> Any:
        """The online provider, built on first use (never with network use off)."""
        if not self.settings.network:
            raise ConfigError(
                "network use is off: enable it with GEOSLEUTH_NETWORK=1 or 'network = true'"
                " in the config, or import a region with 'geosleuth maps import'"
            )
        if self._online is None:
            from geosleuth.maps.online import OnlineMaps
            from geosleuth.net.client import HttpClient

            client = self._client or HttpClient.from_settings(self.settings,
                                                              on_egress=self._on_egress)
            if self._client is not None and self._on_egress is not None:
                client.on_egress = self._on_egress
            self._online = OnlineMaps(self.settings, client)
        return self._online

    def ask(
        self,
        op: str,
        *,
        text: str | None = None,
        near: Sequence[float] | None = None,
        radius_m: float | None = None,
        country: str | None = None,
        tags: Mapping[str, str] | None = None,
        patterns: Sequence[Mapping[str, Any]] | None = None,
        within_m: float | None = None,
        limit: int = 10,
        online: bool | None = None,
    ) -> Answer:
        if op not in OPS:
            raise BadInputError(f"unknown map operation {op!r}; use one of {', '.join(OPS)}")
        if op == "reverse":  # no limit: what is at a point (address, street, place, area)
            return self._ask(op, text, near, radius_m, country, tags, patterns, within_m,
                             limit, online)
        # At most ``limit`` matches or groups, whichever provider answers (a server may
        # send more than it was asked for).
        limit = bound_limit(limit)
        answer = self._ask(op, text, near, radius_m, country, tags, patterns, within_m, limit,
                           online)
        answer.matches = answer.matches[:limit]
        answer.groups = answer.groups[:limit]
        return answer

    def _ask(
        self,
        op: str,
        text: str | None,
        near: Sequence[float] | None,
        radius_m: float | None,
        country: str | None,
        tags: Mapping[str, str] | None,
        patterns: Sequence[Mapping[str, Any]] | None,
        within_m: float | None,
        limit: int,
        online: bool | None,
    ) -> Answer:
        point = (float(near[0]), float(near[1])) if near is not None else None
        if point is None and op in ("nearby", "reverse"):
            raise BadInputError(f"'{op}' needs a point: near=[lat, lon]")
        if op == "search" and not (text or "").strip():
            raise BadInputError("'search' needs text")
        tags = dict(tags or {})
        if online is True:
            return self._ask_online(op, text, point, radius_m, country, tags, patterns,
                                    within_m, limit)
        area_radius = radius_m if op != "reverse" else 1000.0
        regions = self.store.select(near=point, radius_m=area_radius, country=country)
        answer = Answer(op, regions=[info.name for info, _ in regions], covered=bool(regions))
        if regions:
            if op == "search":
                answer.matches = search(regions, text or "", point, radius_m, country, tags,
                                        limit)
            elif op == "nearby":
                assert point is not None
                answer.matches = nearby(regions, point[0], point[1], radius_m or 500.0, tags,
                                        text, limit)
            elif op == "cooccur":
                answer.groups = cooccur(regions, patterns or [], within_m or 150.0, point,
                                        radius_m, limit)
            else:
                assert point is not None
                answer.matches = reverse(regions, point[0], point[1])
        if answer.empty and online is None and self.settings.network:
            return self._ask_online(op, text, point, radius_m, country, tags, patterns,
                                    within_m, limit)
        return answer

    def _ask_online(
        self,
        op: str,
        text: str | None,
        point: tuple[float, float] | None,
        radius_m: float | None,
        country: str | None,
        tags: dict[str, str],
        patterns: Sequence[Mapping[str, Any]] | None,
        within_m: float | None,
        limit: int,
    ) -> Answer:
        provider = self.online
        answer = Answer(op, source=provider.nominatim_host)
        if op == "search":
            answer.matches = provider.search(text or "", point, radius_m, country, limit)
            if tags:
                answer.matches = [m for m in answer.matches
                                  if all(m.tags.get(k) == v or v == "*" for k, v in tags.items())]
        elif op == "reverse":
            assert point is not None
            answer.matches = provider.reverse(point[0], point[1])
        elif op == "nearby":
            assert point is not None
            answer.source = provider.overpass_host
            answer.matches = provider.nearby(point[0], point[1], radius_m or 500.0, tags,
                                             text, limit)
        else:
            answer.source = provider.overpass_host
            answer.groups = provider.cooccur(patterns or [], within_m or 150.0, point,
                                             radius_m, limit)
        last = provider.client.last
        answer.cache_age_s = round(last.age_s, 1) if last is not None else None
        return answer

