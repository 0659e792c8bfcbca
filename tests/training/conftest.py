"""An eval run of a scripted model server over rendered photos, shared by the training tests.

The server (``geosleuth.testing.model_server``) answers as a vision model would, with
the real clue tools: three paths per photo, their answers 0, about 5.6 and about 22 km
from the truth, the third with a failed tool call.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from geosleuth.testing.cli import run_cli
from geosleuth.testing.model_server import ExifModelServer
from geosleuth.testing.photos import render_photo

PHOTOS = {"paris.jpg": (48.8584, 2.2945), "sydney.jpg": (-33.8568, 151.2153)}


@pytest.fixture(scope="session")
def truths() -> set[tuple[float, float]]:
    return set(PHOTOS.values())


@pytest.fixture(scope="session")
def eval_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The --out folder of 'geosleuth eval' with --paths 3 against the scripted server."""
    tmp = tmp_path_factory.mktemp("training-eval")
    lines = ["image,lat,lon,country"]
    for i, (name, gps) in enumerate(PHOTOS.items()):
        render_photo(tmp / "imgs" / name, size=(96, 64), gps=gps, seed=i)
        lines.append(f"imgs/{name},{gps[0]},{gps[1]},")
    (tmp / "ds.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with ExifModelServer() as server:
        env = {**os.environ, "GEOSLEUTH_CONFIG": str(server.config(tmp))}
        proc = run_cli("eval", str(tmp / "ds.csv"), "--out", str(tmp / "run"), "--backend",
                       "scripted", "--paths", "3", "--steps", "4", "--no-plots", "--no-cache",
                       env=env)
        assert proc.returncode == 0, proc.stderr
        assert len(server.requests) >= 12  # two steps of three paths, two photos
    return tmp / "run"
