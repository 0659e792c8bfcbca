"""A batch killed while it rewrote a summary file leaves the temporary file beside it
(``.all.kml.XXXXXXXX``); the next run on the folder removes it (found by
benchmarks/bench_kill.py: a stray ``.all.kml.q0wx8x9v`` after --resume had finished)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from geosleuth.batch.summaries import Summaries


def _old(path: Path, text: str = "half") -> Path:
    path.write_text(text)
    past = time.time() - 3600  # written before this process started
    os.utime(path, (past, past))
    return path


def test_resume_removes_what_a_killed_rewrite_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leftovers = [_old(out / f".{name}.{suffix}") for name, suffix in
                 (("all.kml", "q0wx8x9v"), ("all.geojson", "a_b3c4d5"),
                  ("summary.csv", "zz99zz99"), ("results.jsonl", "0123abcd"))]
    kept = [_old(out / ".all.kml.notes"), _old(out / "all.kml.q0wx8x9v"),
            _old(out / ".batch.lock")]
    summaries = Summaries(out)
    summaries.open(resume=True)
    summaries.close()
    assert not [p.name for p in leftovers if p.exists()]
    assert all(p.exists() for p in kept)  # not a rewrite's temporary file: not ours
    assert (out / "all.kml").exists() and (out / "all.geojson").exists()


def test_a_rewrite_in_progress_is_left_alone(tmp_path: Path) -> None:
    """A temporary file newer than this process may be another run's rewrite."""
    out = tmp_path / "out"
    out.mkdir()
    fresh = out / ".all.kml.abcdefgh"
    fresh.write_text("being written")
    summaries = Summaries(out)
    summaries.open(resume=False)
    summaries.close()
    assert fresh.exists()
