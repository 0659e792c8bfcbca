"""How often each kind of clue holds the truth on the real photos, against the strength it states.

    python benchmarks/clue_strengths.py benchmarks/out/real-<commit> [--split tune|holdout|all]

Reads the cases an ``eval_real.py`` run wrote (``<out>/<maps>/<set>/<case>/case.json``,
metadata-hidden sets only) and, for every piece of evidence with a constraint, asks whether
the truth lies in the region the constraint names:

* a set of countries: the truth's country has more than the constraint's default weight
  (a negated one: it has less);
* a point: the truth lies within its radius plus the label's tolerance; for a label that
  only names a country, the point lies in that country;
* a band, box, polygon or raster: not judged here (the sun and map tools; counted apart).

The strength a tool states is the probability that its region holds the truth
(``geosleuth.fusion.likelihood``), so per kind of clue (tool and clue kind) the figures
to compare are the mean stated strength and the share that held the truth, with its
Wilson 95 % interval. A kind whose share stays above its stated strength is weighed too
weakly; below, too strongly. The same piece of evidence found again by a second path of
the same case is counted once. Uses ``../shared/data`` through the eval run's labels.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_metrics import PhotoRow, in_split, rows_from_eval

from geosleuth.geo.country_raster import country_at
from geosleuth.geo.distance import haversine_km

HIDDEN_SETS = ("signs", "plates", "scenes", "photos")
Z95 = 1.959964


@dataclass
class Tally:
    stated: list[float]
    held: list[bool]

    def add(self, strength: float, held: bool) -> None:
        self.stated.append(strength)
        self.held.append(held)


def wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of k successes in n at 95 %."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def kind_of(evidence: dict[str, Any]) -> str:
    data = evidence.get("data") or {}
    clue = data.get("clue") if isinstance(data, dict) else None
    return f"{evidence['tool']}:{clue}" if clue else str(evidence["tool"])


def holds(constraint: dict[str, Any], row: PhotoRow) -> bool | None:
    """Whether the constraint's region holds the truth of ``row`` (None: not judged)."""
    kind = constraint.get("kind")
    negate = bool(constraint.get("negate"))
    truth_country = row.truth_country
    if row.has_point and truth_country is None:
        assert row.truth_lat is not None and row.truth_lon is not None
        truth_country = country_at(row.truth_lat, row.truth_lon)
    if kind == "countries":
        if truth_country is None:
            return None
        weight = constraint.get("weights", {}).get(truth_country, constraint.get("default", 0))
        inside = weight > constraint.get("default", 0)
        return inside != negate
    if kind == "point":
        lat, lon, radius = constraint["lat"], constraint["lon"], constraint["radius_km"]
        if row.has_point:
            assert row.truth_lat is not None and row.truth_lon is not None
            inside = haversine_km(lat, lon, row.truth_lat, row.truth_lon) <= (
                radius + row.tolerance_km)
        elif truth_country is not None:
            inside = country_at(lat, lon) == truth_country
        else:
            return None
        return inside != negate
    return None


def collect(out: Path, split: str) -> tuple[dict[str, Tally], int]:
    tallies: dict[str, Tally] = defaultdict(lambda: Tally([], []))
    unjudged = 0
    for maps in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("data")):
        for set_name in HIDDEN_SETS:
            folder = maps / set_name
            if not (folder / "per_photo.jsonl").exists():
                continue
            rows = {r.file: r for r in rows_from_eval(folder, set_name, maps.name)}
            for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines():
                result = json.loads(line)
                row = rows.get(Path(result["path"]).name)
                case_dir = result.get("case_dir")
                if row is None or not case_dir or not in_split(row.file, split):  # type: ignore[arg-type]
                    continue
                case_file = folder / case_dir / "case.json"
                if not case_file.exists():
                    continue
                case = json.loads(case_file.read_text(encoding="utf-8"))
                seen: set[str] = set()
                for evidence in case.get("evidence", []):
                    constraint = evidence.get("constraint")
                    if not constraint or evidence.get("author") != "tool":
                        continue
                    key = json.dumps([evidence["tool"], evidence.get("summary"), constraint],
                                     sort_keys=True)
                    if key in seen:
                        continue
                    seen.add(key)
                    held = holds(constraint, row)
                    if held is None:
                        unjudged += 1
                        continue
                    tallies[f"{maps.name}/{kind_of(evidence)}"].add(
                        float(constraint.get("strength", 1.0)), held)
    return tallies, unjudged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="an eval_real.py output folder")
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    args = parser.parse_args()
    tallies, unjudged = collect(args.out, args.split)
    print(f"### Clues against the truth: {args.out.name}, split {args.split}\n")
    print("| maps / tool:clue | clues | mean stated strength | held the truth | "
          "Wilson 95 % | verdict |")
    print("|---|---|---|---|---|---|")
    for key, t in sorted(tallies.items(), key=lambda kv: (-len(kv[1].held), kv[0])):
        n, k = len(t.held), sum(t.held)
        lo, hi = wilson(k, n)
        stated = statistics.mean(t.stated)
        verdict = ("too weak" if lo > stated else "too strong" if hi < stated else "fits")
        print(f"| {key} | {n} | {stated:.2f} | {k}/{n} = {k / n:.2f} | {lo:.2f}-{hi:.2f} | "
              f"{verdict} |")
    print(f"\n{unjudged} clue(s) of kinds not judged here (bands, boxes, polygons, rasters, "
          "or labels without a country).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
