"""The verdict's final confidence with parallel paths, and a calibration map for it.

The confidence is meant as the probability that the truth lies within the verdict's
radius. With K paths it is computed from three things:

- **evidence** ``p_e``: the posterior mass within the verdict's circle when the evidence of
  *all* paths is fused together (each distinct reading once; the fusion's own
  probability, ``fusion.verdicts.mass_within``). With one path it is that path's
  confidence, unchanged.
- **agreement** ``p_a``: the share of the paths that ran whose verdict point lies inside
  the verdict's circle (the chosen path counts; a path without an answer does not
  agree). Paths skipped by early stopping did not run and are not counted. Paths that
  gathered exactly the same evidence are not independent witnesses: each such group
  counts as one path (every member weighs 1/group size), and ``n`` below is the number
  of groups.
- **verifier** ``v``: 1 when the verifier's choice lies in the same cluster as the
  evidence scorer's choice (always so offline, or when the model verifier's answer
  was unusable and the scorer decided), 0 when a model verifier overruled the evidence.

``raw = p_e^(1−w) · p_a^w · (1 − 0.25·(1 − v))`` with ``w = (n − 1) / (2n)`` for n
independent paths: a weighted geometric mean in which agreement weighs more the more paths there are
(0 for one path, so K = 1 keeps the fusion's confidence; ¼ for two; approaching ½), and a
verifier that overrules the evidence costs a quarter. The weights are priors, not fitted
values: the eval harness measures how well ``raw`` is calibrated, and a
``CalibrationMap`` fitted on an eval run's per-photo rows (stated confidence against
"truth within the stated radius") turns it into the final confidence when the
``calibration`` setting names the map's JSON file.

Maps are fitted by isotonic regression (pool-adjacent-violators) or histogram binning,
in numpy, and applied by linear interpolation between their knots.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from geosleuth.errors import BadInputError, ConfigError
from geosleuth.geo.distance import geodesic_km
from geosleuth.model import Verdict

DISSENT_PENALTY = 0.25
SCHEMA = "geosleuth.calibration/1"
Method = Literal["isotonic", "histogram"]


def agreement_weight(n: int) -> float:
    return (n - 1) / (2 * n) if n > 0 else 0.0


@dataclass
class ConfidenceReport:
    """The final confidence and how it was reached (recorded in case.json)."""

    value: float
    raw: float
    evidence: float
    agreement: float
    verifier: float
    weight: float
    paths_run: int
    independent: int = 0  # groups of paths with distinct evidence
    agreeing: list[int] = field(default_factory=list)
    calibration: str | None = None

    def explain(self) -> str:
        text = (
            f"evidence of all paths p_e = {self.evidence:.3f}; agreement p_a = {self.agreement:.3f}"
            f" ({len(self.agreeing)} of {self.paths_run} paths inside the circle"
            + (f", {self.independent} with distinct evidence" if self.independent
               != self.paths_run else "")
            + "); verifier"
            f" {'agrees with the evidence' if self.verifier else 'overruled the evidence'};"
            f" raw = p_e^{1 - self.weight:.3f} · p_a^{self.weight:.3f}"
            + ("" if self.verifier else f" · {1 - DISSENT_PENALTY:g}")
            + f" = {self.raw:.3f}"
        )
        if self.calibration:
            text += f"; calibrated by {self.calibration} to {self.value:.3f}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": round(self.value, 4), "raw": round(self.raw, 4),
            "evidence": round(self.evidence, 4), "agreement": round(self.agreement, 4),
            "verifier": self.verifier, "agreement_weight": round(self.weight, 4),
            "paths_run": self.paths_run, "independent_paths": self.independent,
            "agreeing_paths": self.agreeing,
            "calibration": self.calibration, "formula": "p_e^(1-w) * p_a^w * (1 - 0.25*(1-v))",
            "explanation": self.explain(),
        }


def final_confidence(
    verdict: Verdict,
    *,
    evidence: float,
    verdicts: Sequence[Verdict],
    verifier_agrees: bool = True,
    calibration: CalibrationMap | None = None,
    groups: Sequence[Hashable] | None = None,
    observed: bool = False,
) -> ConfidenceReport:
    """The confidence of ``verdict`` given every path's verdict (one per path that ran).

    ``groups[i]`` names path i's evidence (paths with equal names gathered the same
    evidence); without it every path is its own group.
    """
    names: Sequence[Hashable] = groups if groups is not None else list(range(len(verdicts)))
    size = Counter(names)
    n = len(size)
    agreeing: list[int] = []
    if verdict.known:
        for i, v in enumerate(verdicts):
            if v.known and geodesic_km(verdict.lat, verdict.lon, v.lat, v.lon) <= (  # type: ignore[arg-type]
                    verdict.radius_km or 0.0):
                agreeing.append(i)
    p_a = sum(1 / size[names[i]] for i in agreeing) / n if n else 0.0
    p_e = min(max(evidence, 0.0), 1.0)
    w = agreement_weight(n)
    v = 1.0 if verifier_agrees else 0.0
    if not verdict.known or p_e <= 0.0 or p_a <= 0.0:
        raw = 0.0
    else:
        raw = math.exp((1 - w) * math.log(p_e) + w * math.log(p_a))
        raw *= 1 - DISSENT_PENALTY * (1 - v)
    if calibration is not None and not calibration.applies(observed):
        calibration = None
    value = calibration.apply(raw) if calibration is not None and verdict.known else raw
    return ConfidenceReport(
        value=value, raw=raw, evidence=p_e, agreement=p_a, verifier=v, weight=w,
        paths_run=len(verdicts), independent=n, agreeing=agreeing,
        calibration=calibration.source if calibration else None,
    )


def observed_support(verdict_evidence: Iterable[str], evidence: Iterable[Any]) -> bool:
    """Whether evidence observed by the camera supports the verdict (``Evidence`` objects or
    their case.json dicts)."""
    ids = set(verdict_evidence)

    def basis(e: Any) -> tuple[str | None, str | None]:
        return (e.get("id"), e.get("basis")) if isinstance(e, dict) else (e.id, e.basis)

    return any(eid in ids and b == "observed" for eid, b in map(basis, evidence))


# -- calibration -------------------------------------------------------------------------


def pav(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> tuple[np.ndarray,
                                                                                np.ndarray]:
    """Isotonic (non-decreasing) regression of y on x by pool-adjacent-violators.

    Returns the knots (weighted mean x of each pooled block, its fitted y). Hand-written:
    a dozen lines of numpy, where scikit-learn would be a large dependency for one call.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w = np.ones_like(x) if weight is None else np.asarray(weight, dtype=float)
    # Equal x first become one point (their weighted mean), so knots are strictly increasing.
    xs, inverse = np.unique(x, return_inverse=True)
    ws = np.bincount(inverse, weights=w)
    ys = np.bincount(inverse, weights=w * y) / ws
    blocks: list[list[float]] = []  # [sum w*y, sum w*x, sum w]
    for xi, yi, wi in zip(xs, ys, ws, strict=True):
        blocks.append([wi * yi, wi * xi, wi])
        # pool while the previous block's mean is not below the last one's (adjacent blocks
        # with equal means are pooled too: fewer knots, the same fit)
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][2] >= blocks[-1][0] / blocks[-1][2]:
            last = blocks.pop()
            for k in range(3):
                blocks[-1][k] += last[k]
    kx = np.array([b[1] / b[2] for b in blocks])
    ky = np.array([b[0] / b[2] for b in blocks])
    return kx, ky


@dataclass
class CalibrationMap:
    """Stated confidence -> observed probability, as knots for linear interpolation.

    ``scope`` says which verdicts the map was fitted on: "all", or "unobserved" (verdicts
    that no camera observation supports: the shipped map is fitted on real photos with
    their metadata hidden, so a GPS photo's verdict keeps the fusion's probability).
    """

    method: str
    x: list[float]
    y: list[float]
    n: int
    source: str = ""
    scope: str = "all"

    def apply(self, p: float) -> float:
        if not self.x:
            return p
        return float(min(max(np.interp(p, self.x, self.y), 0.0), 1.0))

    def applies(self, observed: bool) -> bool:
        """Whether the map is for a verdict that a camera observation does (not) support."""
        return self.scope != "unobserved" or not observed

    def as_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "method": self.method, "x": self.x, "y": self.y,
                "n": self.n, "source": self.source, "scope": self.scope}

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> CalibrationMap:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"calibration map {path} does not exist; fit one with"
                              " 'geosleuth calibrate EVAL_DIR' or unset 'calibration'") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"calibration map {path} cannot be read ({exc})") from None
        ok = (isinstance(data, dict) and data.get("schema") == SCHEMA
              and isinstance(data.get("x"), list) and isinstance(data.get("y"), list)
              and len(data["x"]) == len(data["y"]))
        if not ok:
            raise ConfigError(f"calibration map {path} is not a {SCHEMA} document;"
                              " fit it again with 'geosleuth calibrate'")
        xs = [float(v) for v in data["x"]]
        if any(b < a for a, b in itertools.pairwise(xs)):
            raise ConfigError(f"calibration map {path}: knots are not in increasing order")
        return cls(str(data.get("method", "isotonic")), xs, [float(v) for v in data["y"]],
                   int(data.get("n", 0)), str(data.get("source") or path.name),
                   str(data.get("scope", "all")))


SHIPPED_MAP = Path(__file__).with_name("calibration-real.json")


def calibration_for(settings: Any) -> CalibrationMap | None:
    """The map the settings ask for: ``calibration`` if set, else the shipped map fitted on
    real photos (``benchmarks/fit_calibration.py``); none when ``calibrate`` is off."""
    if not getattr(settings, "calibrate", True):
        return None
    path = settings.calibration or (SHIPPED_MAP if SHIPPED_MAP.is_file() else None)
    return CalibrationMap.load(path) if path is not None else None


def calibration_pairs(rows: Iterable[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(stated confidence, truth within the stated radius) of every usable per-photo row.

    A row's ``confidence_raw`` (the confidence before any map) is used when present, so a
    map can be refitted on a run that already applied one.
    """
    conf: list[float] = []
    hit: list[float] = []
    for row in rows:
        c = row.get("confidence_raw", row.get("confidence"))
        within = row.get("within_radius")
        if c is None or within is None:
            continue
        conf.append(float(c))
        hit.append(1.0 if within else 0.0)
    return np.array(conf), np.array(hit)


def fit_calibration(rows: Iterable[dict[str, Any]], method: Method = "isotonic", *,
                    bins: int = 10, source: str = "") -> CalibrationMap:
    """Fit a map on an eval run's per-photo rows (needs at least two answered photos)."""
    x, y = calibration_pairs(rows)
    if len(x) < 2:
        raise BadInputError(f"{len(x)} answered photo(s) with a true position: a calibration map"
                            " needs at least two; evaluate on more photos")
    if method == "isotonic":
        kx, ky = pav(x, y)
    elif method == "histogram":
        edges = np.linspace(0.0, 1.0, bins + 1)
        idx = np.clip(np.digitize(x, edges[1:-1]), 0, bins - 1)
        keep = [b for b in range(bins) if np.any(idx == b)]
        kx = np.array([x[idx == b].mean() for b in keep])
        ky = np.array([y[idx == b].mean() for b in keep])
    else:
        raise BadInputError(f"unknown calibration method {method!r}; use isotonic or histogram")
    return CalibrationMap(method, [round(float(v), 6) for v in kx],
                          [round(float(v), 6) for v in ky], len(x), source)


def read_eval_rows(path: str | Path) -> list[dict[str, Any]]:
    """The per-photo rows of an eval run: its folder or its ``per_photo.jsonl``."""
    path = Path(path)
    file = path / "per_photo.jsonl" if path.is_dir() else path
    if not file.is_file():
        raise BadInputError(f"{file} does not exist; give an eval output folder"
                            " ('geosleuth eval ... --out DIR') or its per_photo.jsonl")
    rows = []
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{file}:{n}: not a JSON line ({exc.msg})") from None
    return rows
