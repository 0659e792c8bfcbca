"""The fusion's disk cache: built once per folder, read back, rebuilt when damaged."""

from pathlib import Path

import numpy as np

from geosleuth.fusion import store


def test_cached_arrays_are_built_once_and_survive_damage(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"x": np.arange(5.0)}

    store.configure(tmp_path)
    try:
        assert store.cached("thing", ("numpy",), build)["x"].tolist() == [0, 1, 2, 3, 4]
        assert store.cached("thing", ("numpy",), build)["x"].sum() == 10
        assert len(calls) == 1
        [path] = (tmp_path / "fusion").glob("thing-numpy*.npz")
        path.write_bytes(b"not a zip")
        assert store.cached("thing", ("numpy",), build)["x"].sum() == 10
        assert len(calls) == 2
        store.configure(None)
        store.cached("thing", ("numpy",), build)
        assert len(calls) == 3
    finally:
        store.configure(None)
