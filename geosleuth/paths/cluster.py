"""Geodesic clustering of the verdicts of parallel paths.

Complete-linkage agglomerative clustering (scipy.cluster.hierarchy) on the matrix of
geodesic distances (WGS84, geographiclib) between the answered verdicts, cut at
``agree_km``: every two verdicts in a cluster lie within ``agree_km`` of each other, so
a cluster is a set of paths that agree. A cluster's centre is its medoid (the member
verdict with the least total distance to the others), which stays a real answer and
needs no averaging of coordinates across the antimeridian. Paths without an answer form
no cluster. Clusters are numbered C1, C2, … from the largest (ties: the lowest path).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geosleuth.geo.distance import geodesic_km
from geosleuth.model import Verdict


@dataclass(frozen=True)
class Cluster:
    id: str
    members: tuple[int, ...]  # path numbers
    lat: float
    lon: float
    medoid: int  # the path whose verdict is the centre
    spread_km: float  # the largest distance from the centre to a member
    share: float  # members / all paths (answered or not)
    distances_km: dict[int, float] = field(default_factory=dict)  # member -> centre

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "members": list(self.members), "lat": self.lat, "lon": self.lon,
            "medoid": self.medoid, "spread_km": round(self.spread_km, 3),
            "share": round(self.share, 4),
        }


def distance_matrix(points: Sequence[tuple[float, float]]) -> np.ndarray:
    n = len(points)
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            d[i, j] = d[j, i] = geodesic_km(*points[i], *points[j])
    return d


def cluster_verdicts(verdicts: Sequence[tuple[int, Verdict]], agree_km: float,
                     total: int | None = None) -> list[Cluster]:
    """Cluster (path, verdict) pairs; ``total`` is the number of paths run (for shares)."""
    answered = [(p, v) for p, v in verdicts if v.known]
    total = total if total is not None else len(verdicts)
    if not answered:
        return []
    points = [(float(v.lat), float(v.lon)) for _, v in answered]  # type: ignore[arg-type]
    d = distance_matrix(points)
    if len(answered) == 1:
        labels = np.array([1])
    else:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        tree = linkage(squareform(d, checks=False), method="complete")
        labels = fcluster(tree, t=agree_km, criterion="distance")
    groups: dict[int, list[int]] = {}
    for idx, label in enumerate(labels):
        groups.setdefault(int(label), []).append(idx)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), min(answered[i][0] for i in g)))
    clusters = []
    for n, group in enumerate(ordered, start=1):
        sub = d[np.ix_(group, group)]
        centre = group[int(np.argmin(sub.sum(axis=1)))]
        dist = {answered[i][0]: float(d[centre, i]) for i in group}
        clusters.append(Cluster(
            id=f"C{n}", members=tuple(sorted(answered[i][0] for i in group)),
            lat=points[centre][0], lon=points[centre][1], medoid=answered[centre][0],
            spread_km=max(dist.values()), share=len(group) / max(total, 1), distances_km=dist,
        ))
    return clusters


def cluster_of(clusters: Sequence[Cluster], path: int) -> Cluster | None:
    return next((c for c in clusters if path in c.members), None)
