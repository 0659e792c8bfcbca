"""PNG plots of an evaluation, drawn with matplotlib's Agg backend (no display needed).

- ``error_distribution``: the share of photos within d km, for every d (a cumulative
  curve on a log axis), the field's thresholds marked, and a histogram of errors;
- ``reliability_diagram``: observed "truth within stated radius" against stated
  confidence per bin, with the diagonal of perfect calibration and the bin counts;
- ``error_map``: a world map (plate carrée) with a graticule, land drawn from the
  time-zone polygons that ``timezonefinder`` ships (no basemap is downloaded; the
  ocean zones ``Etc/*`` are left out, so land includes territorial waters), each
  truth, each guess, and the geodesic between them, coloured by the error.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from geosleuth.eval.metrics import THRESHOLDS_KM, PhotoScore

MAX_VERTICES = 300  # per land polygon, after decimation: enough for a 12-inch world map


def _pyplot():  # -> the matplotlib.pyplot module, on the Agg backend
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def error_distribution(scores: list[PhotoScore], path: Path, title: str = "") -> Path:
    plt = _pyplot()
    with_point = [s for s in scores if s.truth_lat is not None]
    errors = np.sort(np.array([s.error_km for s in with_point if s.error_km is not None]))
    n = len(with_point)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    if n and errors.size:
        x = np.maximum(errors, 1e-3)
        y = np.arange(1, errors.size + 1) / n
        ax1.step(np.concatenate([[1e-3], x, [2.1e4]]), np.concatenate([[0.0], y, y[-1:]]),
                 where="post", color="tab:blue")
        bins = np.logspace(-3, math.log10(20100), 40)
        ax2.hist(x, bins=bins, color="tab:blue", alpha=0.8)
    for t in THRESHOLDS_KM:
        share = float(np.sum(errors <= t)) / n if n else 0.0
        ax1.axvline(t, color="0.8", lw=0.8, zorder=0)
        ax1.annotate(f"{share:.0%}", (t, share), textcoords="offset points", xytext=(2, 4),
                     fontsize=7, color="0.3")
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlim(1e-3, 2.1e4)
        ax.set_xlabel("error (km, geodesic)")
    ax1.set_ylim(0, 1)
    ax1.set_ylabel("share of photos within")
    unanswered = sum(1 for s in with_point if s.error_km is None)
    ax1.set_title(f"accuracy by distance (n={n}, {unanswered} unanswered)", fontsize=10)
    ax2.set_ylabel("photos")
    ax2.set_title("errors of the answered photos", fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reliability_diagram(bins: list[dict], path: Path, ece: float | None,
                        title: str = "") -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 5.2))
    ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="perfect calibration")
    width = 1.0 / max(len(bins), 1)
    for b in bins:
        if not b["n"]:
            continue
        ax.bar(b["lo"], b["observed"], width=width, align="edge", color="tab:blue",
               alpha=0.75, edgecolor="white")
        ax.plot(b["mean_confidence"], b["observed"], "o", color="tab:red", ms=4)
        ax.annotate(str(b["n"]), (b["lo"] + width / 2, b["observed"]),
                    textcoords="offset points", xytext=(0, 3), ha="center", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("stated confidence")
    ax.set_ylabel("observed: truth within the stated radius")
    ece_text = "n/a" if ece is None else f"{ece:.3f}"
    ax.set_title((title + "\n" if title else "") + f"reliability (ECE {ece_text})", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


@lru_cache(maxsize=1)
def land_polygons() -> tuple[np.ndarray, ...]:
    """Land outlines (lon, lat arrays of shape (n, 2)) from timezonefinder's polygons.

    Empty when timezonefinder or its data cannot be read: the map then has only its
    graticule. Reading all 1,300 polygons takes a few seconds, once per process.
    """
    try:
        from timezonefinder import TimezoneFinder

        finder = TimezoneFinder()
        polygons = []
        for boundary in range(finder.nr_of_polygons):
            zone = finder.zone_name_from_boundary_id(boundary)
            if zone.startswith("Etc/"):
                continue
            coords = np.asarray(finder.coords_of(boundary), dtype=np.float64) / 1e7
            if coords.shape[1] < 3:
                continue
            step = max(1, coords.shape[1] // MAX_VERTICES)
            polygons.append(coords[:, ::step].T.copy())
        return tuple(polygons)
    except Exception:  # an optional backdrop: any failure means a map without land
        return ()


def geodesic_segments(lat1: float, lon1: float, lat2: float, lon2: float,
                      points: int = 48) -> list[np.ndarray]:
    """The geodesic between two points as (lon, lat) polylines, split at the antimeridian."""
    from geographiclib.geodesic import Geodesic

    line = Geodesic.WGS84.InverseLine(lat1, lon1, lat2, lon2)
    steps = [line.Position(line.s13 * i / points) for i in range(points + 1)]
    lons = np.array([((p["lon2"] + 180.0) % 360.0) - 180.0 for p in steps])
    lats = np.array([p["lat2"] for p in steps])
    cuts = np.where(np.abs(np.diff(lons)) > 180.0)[0] + 1
    return [np.column_stack([lo, la]) for lo, la in
            zip(np.split(lons, cuts), np.split(lats, cuts), strict=True) if lo.size > 1]


def error_map(scores: list[PhotoScore], path: Path, title: str = "",
              land: bool = True) -> Path:
    plt = _pyplot()
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import LogNorm

    fig, ax = plt.subplots(figsize=(12, 6.4))
    ax.set_facecolor("#eef3f8")
    if land:
        polys = land_polygons()
        if polys:
            ax.add_collection(PolyCollection(list(polys), facecolors="#dcd8cc",
                                             edgecolors="none", zorder=0))
    for lon in range(-180, 181, 30):
        ax.axvline(lon, color="white", lw=0.6, zorder=1)
    for lat in range(-90, 91, 30):
        ax.axhline(lat, color="white", lw=0.6, zorder=1)
    norm = LogNorm(vmin=0.1, vmax=20000)
    segments: list[np.ndarray] = []
    seg_err: list[float] = []
    answered = [s for s in scores if s.truth_lat is not None and s.error_km is not None]
    for s in answered:
        for seg in geodesic_segments(s.truth_lat, s.truth_lon, s.pred_lat, s.pred_lon):  # type: ignore[arg-type]
            segments.append(seg)
            seg_err.append(max(s.error_km, 0.1))  # type: ignore[type-var]
    if segments:
        lc = LineCollection(segments, cmap="plasma", norm=norm, linewidths=1.0, zorder=2)
        lc.set_array(np.array(seg_err))
        ax.add_collection(lc)
        fig.colorbar(lc, ax=ax, label="error (km)", fraction=0.025, pad=0.01)
    truths = [s for s in scores if s.truth_lat is not None]
    missed = [s for s in truths if s.error_km is None]
    if truths:
        ax.scatter([s.truth_lon for s in truths], [s.truth_lat for s in truths], s=14,
                   c="tab:green", edgecolors="black", linewidths=0.3, zorder=3, label="truth")
    if answered:
        ax.scatter([s.pred_lon for s in answered], [s.pred_lat for s in answered], s=18,
                   marker="x", c="tab:red", linewidths=0.9, zorder=4, label="guess")
    if missed:
        ax.scatter([s.truth_lon for s in missed], [s.truth_lat for s in missed], s=30,
                   facecolors="none", edgecolors="0.3", linewidths=0.8, zorder=3,
                   label="no answer")
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_aspect("equal")
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-90, 91, 30))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    if truths:
        ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title or "errors: truth to guess along the geodesic", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
