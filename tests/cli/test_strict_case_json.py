"""No NaN or Infinity in what geosleuth writes: absurd EXIF numbers stop at the reader, and
the writers refuse a non-finite number (a bug) instead of writing JSON no parser accepts."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from geosleuth.geo.distance import geodesic_km
from geosleuth.testing import render_photo
from geosleuth.testing.cli import run_cli as geosleuth
from geosleuth.testing.raw_exif import ASCII, DOUBLE, RATIONAL, dms, exif_block, with_exif

VADUZ = (47.14103, 9.52093)



def _refuse(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in the JSON")


def strict_loads(text: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and -Infinity (RFC 8259 JSON)."""
    return json.loads(text, parse_constant=_refuse)


def absurd_photo(path: Path, *, bad_subsec: bool) -> Path:
    """A phone photo with a sound GPS fix at Vaduz and absurd numbers around it; with
    ``bad_subsec`` also a SubSecTimeOriginal of "²"."""
    render_photo(path, size=(640, 480))
    ifd0 = {0x010F: (ASCII, "Apple"), 0x0110: (ASCII, "iPhone 14 Pro")}
    exif = {0x9003: (ASCII, "2024:07:18 14:32:10"), 0x9011: (ASCII, "+02:00")}
    if bad_subsec:
        exif[0x9291] = (ASCII, "²")
    gps = {1: (ASCII, "N"), 2: (RATIONAL, dms(VADUZ[0])), 3: (ASCII, "E"),
           4: (RATIONAL, dms(VADUZ[1])),
           6: (DOUBLE, [1e200]),  # GPSAltitude
           11: (DOUBLE, [math.nan]),  # GPSDOP
           31: (ASCII, "Infinity")}  # GPSHPositioningError
    return with_exif(path, exif_block(ifd0, exif, gps))


@pytest.mark.parametrize("bad_subsec", [False, True], ids=["absurd-numbers", "and-a-bad-tag"])
def test_absurd_exif_numbers_never_reach_case_json(tmp_path: Path, bad_subsec: bool) -> None:
    photo = absurd_photo(tmp_path / "absurd.jpg", bad_subsec=bad_subsec)
    out = tmp_path / "cases"
    result = geosleuth("locate", str(photo), "--out", str(out), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = strict_loads(result.stdout)
    [folder] = out.iterdir()
    assert strict_loads((folder / "case.json").read_text(encoding="utf-8")) == record
    strict_loads((folder / "hypotheses.geojson").read_text(encoding="utf-8"))
    verdict = record["verdict"]
    assert geodesic_km(verdict["lat"], verdict["lon"], *VADUZ) < 0.05
    assert verdict["radius_km"] < 1.0
    [exif] = [e for e in record["evidence"] if e["tool"] == "exif_metadata" and
              e["data"].get("warnings") is not None]
    warnings = " | ".join(exif["data"]["warnings"])
    for words in ("GPSHPositioningError is not a finite number", "GPSDOP is not a finite",
                  "GPSAltitude 1e+200 m is over"):
        assert words in warnings
    assert ("SubSecTimeOriginal is not digits" in warnings) == bad_subsec


def a_record() -> dict[str, Any]:
    from geosleuth.agent.state import CaseState
    from geosleuth.cases.record import case_record
    from geosleuth.model import Case, ImageInfo
    from geosleuth.settings import Settings

    image = ImageInfo(path="photos/harbour.jpg", sha256="cd" * 32, width=10, height=8,
                      format="JPEG", size_bytes=99)
    return case_record(CaseState(case=Case(image=image)), Settings(), backend="offline",
                       model=None, total_ms=1.0)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_write_case_refuses_a_non_finite_number(tmp_path: Path, number: float) -> None:
    from geosleuth.cases.folder import write_case

    record = a_record()
    record["timing"] = {**record.get("timing", {}), "total_ms": number}
    with pytest.raises(ValueError, match="JSON compliant"):
        write_case(record, tmp_path)
    assert list(tmp_path.iterdir()) == []  # no case folder, no temporary one


def test_batch_results_refuse_a_non_finite_number(tmp_path: Path) -> None:
    from geosleuth.batch.summaries import RESULTS, Summaries, error_row

    summaries = Summaries(tmp_path)
    summaries.open(resume=False)
    try:
        good = error_row(path="a.jpg", sha256="ab" * 32, size_bytes=1, mtime_ns=0,
                         error="not an image", exit_code=2, elapsed_ms=3.0)
        summaries.add(good)
        bad = error_row(path="b.jpg", sha256="cd" * 32, size_bytes=1, mtime_ns=0,
                        error="not an image", exit_code=2, elapsed_ms=math.nan)
        with pytest.raises(ValueError, match="JSON compliant"):
            summaries.add(bad)
    finally:
        summaries.close()
    lines = (tmp_path / RESULTS).read_text(encoding="utf-8").splitlines()
    assert [strict_loads(line)["path"] for line in lines] == ["a.jpg"]


def test_a_journal_line_with_nan_is_not_a_result(tmp_path: Path) -> None:
    """A results.jsonl line holding NaN (written before the writers were strict) counts as
    damaged, so --resume runs its photo again."""
    from geosleuth.batch.journal import read_jsonl

    path = tmp_path / "results.jsonl"
    path.write_text('{"path": "a.jpg", "lat": 1.5}\n{"path": "b.jpg", "lat": NaN}\n'
                    '{"path": "c.jpg", "lat": -Infinity}\n', encoding="utf-8")
    rows, bad = read_jsonl(path)
    assert [r["path"] for r in rows] == ["a.jpg"] and bad == 2
