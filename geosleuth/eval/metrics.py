"""The field's metrics, on geodesic (WGS84) distances.

Per photo (``score_photo``): the geodesic error between the verdict and the truth
(geographiclib, exact across the antimeridian and at the poles), whether the truth is
within the verdict's stated radius, whether the country is right, and the GeoScore.

Over a run (``compute_metrics``):

- accuracy within 0.5, 1, 2, 10, 25, 200, 750 and 2500 km, over every photo with a true
  position; a photo without an answer (or that failed) counts as a miss;
- median and mean error in km over the photos answered (the share answered is reported
  beside them, since a system can lower its median by answering less);
- GeoScore as OSV-5M defines it, 5000 · exp(−d / 1492.7 km) per photo, averaged over
  every photo with a true position (0 points without an answer);
- country accuracy over every photo with a true country (no country is a miss);
- calibration over the answered photos with a true position: the stated confidence
  (the probability that the truth lies within radius_km) against the observed outcome
  "truth within the stated radius", as a reliability table of equal-width bins, the
  expected calibration error ECE = Σ_b (n_b / N) · |observed_b − mean confidence_b|,
  and the Brier score mean((confidence − outcome)²);
- time and cost per photo (mean and median seconds, mean and total USD, tokens).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from typing import Any

from geosleuth.eval.datasets import DatasetItem
from geosleuth.geo.distance import geodesic_km

THRESHOLDS_KM: tuple[float, ...] = (0.5, 1.0, 2.0, 10.0, 25.0, 200.0, 750.0, 2500.0)
# OSV-5M (Astruc et al., 2024, "OpenStreetView-5M: The Many Roads to Global Visual
# Geolocation", section 4): GeoScore = 5000 · exp(−d / 1492.7), d the haversine error in km.
# We use the geodesic error, which differs from the haversine by under 0.5 %.
GEOSCORE_MAX = 5000.0
GEOSCORE_SCALE_KM = 1492.7
CALIBRATION_BINS = 10


def geoscore(distance_km: float | None) -> float:
    """GeoScore of one answer; 0 without an answer."""
    if distance_km is None:
        return 0.0
    return GEOSCORE_MAX * math.exp(-distance_km / GEOSCORE_SCALE_KM)


def threshold_key(km: float) -> str:
    return f"{km:g}"


@dataclass(frozen=True)
class PhotoScore:
    id: str
    image: str
    truth_lat: float | None
    truth_lon: float | None
    truth_country: str | None
    status: str  # answered, no_answer, error, missing (no row)
    pred_lat: float | None
    pred_lon: float | None
    radius_km: float | None
    confidence: float | None
    pred_country: str | None
    error_km: float | None
    within_radius: bool | None
    country_correct: bool | None
    geoscore: float | None
    elapsed_s: float | None
    cost_usd: float | None
    case_dir: str | None
    error: str | None
    labels: dict[str, str]

    @property
    def answered(self) -> bool:
        return self.pred_lat is not None and self.pred_lon is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_photo(item: DatasetItem, row: dict[str, Any] | None) -> PhotoScore:
    """Score one dataset item against its batch row (None when it has no row)."""
    row = row or {}
    status = row.get("status", "missing")
    pred_lat, pred_lon = row.get("lat"), row.get("lon")
    answered = status != "error" and pred_lat is not None and pred_lon is not None
    if not answered:
        pred_lat = pred_lon = None
    error_km = within = None
    if item.has_point:
        if answered:
            error_km = geodesic_km(item.lat, item.lon, pred_lat, pred_lon)  # type: ignore[arg-type]
            radius = row.get("radius_km")
            within = radius is not None and error_km <= float(radius)
        else:
            within = False
    pred_country = row.get("country_code") if status != "error" else None
    country_ok = None
    if item.country is not None:
        country_ok = pred_country is not None and pred_country.upper() == item.country
    elapsed = row.get("elapsed_ms")
    return PhotoScore(
        id=item.id, image=item.uri or str(item.image), truth_lat=item.lat, truth_lon=item.lon,
        truth_country=item.country, status=status, pred_lat=pred_lat, pred_lon=pred_lon,
        radius_km=row.get("radius_km") if answered else None,
        confidence=row.get("confidence") if answered else None,
        pred_country=pred_country, error_km=error_km, within_radius=within,
        country_correct=country_ok,
        geoscore=geoscore(error_km) if item.has_point else None,
        elapsed_s=None if elapsed is None else elapsed / 1000.0,
        cost_usd=row.get("cost_usd"), case_dir=row.get("case_dir"), error=row.get("error"),
        labels=dict(item.labels),
    )


def reliability_table(
    confidences: list[float], outcomes: list[bool], bins: int = CALIBRATION_BINS
) -> tuple[list[dict[str, Any]], float | None, float | None]:
    """Equal-width bins of stated confidence: (rows, ECE, Brier); None when no photo.

    Bin b holds confidences in [b/B, (b+1)/B); the last bin also holds 1.0.
    """
    if len(confidences) != len(outcomes):
        raise ValueError("confidences and outcomes differ in length")
    table: list[dict[str, Any]] = []
    n = len(confidences)
    members: list[list[int]] = [[] for _ in range(bins)]
    for i, c in enumerate(confidences):
        c = min(max(float(c), 0.0), 1.0)
        members[min(int(c * bins), bins - 1)].append(i)
    ece = 0.0
    for b, idx in enumerate(members):
        row: dict[str, Any] = {"lo": b / bins, "hi": (b + 1) / bins, "n": len(idx),
                               "mean_confidence": None, "observed": None, "gap": None}
        if idx:
            conf = sum(confidences[i] for i in idx) / len(idx)
            obs = sum(1 for i in idx if outcomes[i]) / len(idx)
            row.update(mean_confidence=conf, observed=obs, gap=obs - conf)
            ece += len(idx) / n * abs(obs - conf)
        table.append(row)
    if n == 0:
        return table, None, None
    brier = sum((float(c) - (1.0 if o else 0.0)) ** 2
                for c, o in zip(confidences, outcomes, strict=True)) / n
    return table, ece, brier


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def compute_metrics(scores: list[PhotoScore]) -> dict[str, Any]:
    """Every run-level metric, as a JSON-ready dict (see the module docstring)."""
    with_point = [s for s in scores if s.truth_lat is not None and s.truth_lon is not None]
    with_country = [s for s in scores if s.truth_country is not None]
    answered = [s for s in scores if s.answered]
    errors_km = [s.error_km for s in with_point if s.error_km is not None]
    accuracy = {
        threshold_key(t): _share([s.error_km is not None and s.error_km <= t
                                  for s in with_point])
        for t in THRESHOLDS_KM
    }
    calib = [s for s in with_point if s.answered and s.confidence is not None
             and s.radius_km is not None]
    table, ece, brier = reliability_table([float(s.confidence) for s in calib],  # type: ignore[arg-type]
                                          [bool(s.within_radius) for s in calib])
    times = [s.elapsed_s for s in scores if s.elapsed_s is not None]
    costs = [s.cost_usd or 0.0 for s in scores if s.status != "missing"]
    return {
        "n": len(scores),
        "n_with_point": len(with_point),
        "n_with_country": len(with_country),
        "n_answered": len(answered),
        "n_errors": sum(s.status == "error" for s in scores),
        "n_missing": sum(s.status == "missing" for s in scores),
        "answered_share": _share([s.answered for s in scores]),
        "accuracy_km": accuracy,
        "median_error_km": statistics.median(errors_km) if errors_km else None,
        "mean_error_km": statistics.fmean(errors_km) if errors_km else None,
        "geoscore": statistics.fmean([s.geoscore or 0.0 for s in with_point])
        if with_point else None,
        "country_accuracy": _share([bool(s.country_correct) for s in with_country]),
        "within_stated_radius": _share([bool(s.within_radius) for s in calib]),
        "calibration": {"n": len(calib), "ece": ece, "brier": brier, "bins": table},
        "time_s": {
            "mean": statistics.fmean(times) if times else None,
            "median": statistics.median(times) if times else None,
            "total": sum(times),
        },
        "cost_usd": {
            "mean": statistics.fmean(costs) if costs else None,
            "total": sum(costs),
        },
    }


def metrics_by_label(scores: list[PhotoScore], label: str) -> dict[str, dict[str, Any]]:
    """``compute_metrics`` for each value of a label (e.g. split or scene)."""
    groups: dict[str, list[PhotoScore]] = {}
    for s in scores:
        groups.setdefault(s.labels.get(label, ""), []).append(s)
    return {value: compute_metrics(group) for value, group in sorted(groups.items())}
