"""The flushed OCR models are derived once and kept in the cache folder.

A later load reads the kept file (no ``onnx`` import, no flushing); the file's name holds
the source model's hash and the flushing code's version; a folder that cannot be written
falls back to flushing in memory. The kept model gives the detector's output bit for bit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from geosleuth_plugins.ocr_signage import onnx_models
from geosleuth_plugins.ocr_signage.onnx_models import (
    FLUSH_VERSION,
    cpu_session,
    file_digest,
    flush_subnormals,
    flushed_model,
    flushed_path,
)


@pytest.fixture(scope="module")
def det_model() -> Path:
    from geosleuth_plugins.ocr_signage.rapidocr_engine import model_paths

    return model_paths()["det"]


def test_flushed_model_is_kept_under_the_source_hash_and_version(
    det_model: Path, tmp_path: Path
) -> None:
    kept = flushed_model(det_model, tmp_path)
    assert isinstance(kept, Path) and kept.is_file()
    assert kept == flushed_path(det_model, tmp_path)
    assert kept.parent == tmp_path / "onnx"
    assert file_digest(det_model)[:16] in kept.name
    assert kept.name.endswith(f"-flush{FLUSH_VERSION}.onnx")
    assert kept.read_bytes() == flush_subnormals(det_model)[0]
    assert flush_subnormals(kept)[1] == 0  # nothing left to flush
    assert [p.name for p in (tmp_path / "onnx").iterdir()] == [kept.name]  # no temp left


def test_a_kept_model_is_loaded_without_flushing_again(
    det_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = flushed_model(det_model, tmp_path)

    def no_flush(path: Path) -> tuple[bytes, int]:
        raise AssertionError("flushed again")

    monkeypatch.setattr(onnx_models, "flush_subnormals", no_flush)
    assert flushed_model(det_model, tmp_path) == kept


def test_another_source_model_gets_another_file(det_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "src" / det_model.name
    copy.parent.mkdir()
    data = bytearray(det_model.read_bytes())
    copy.write_bytes(bytes(data))
    assert flushed_path(copy, tmp_path) == flushed_path(det_model, tmp_path)
    data[-1] ^= 1  # one byte different: another hash, another file
    copy.write_bytes(bytes(data))
    assert flushed_path(copy, tmp_path) != flushed_path(det_model, tmp_path)


def test_an_unwritable_cache_folder_flushes_in_memory(det_model: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    got = flushed_model(det_model, blocker)
    assert isinstance(got, bytes)
    assert got == flush_subnormals(det_model)[0]


def test_the_kept_model_gives_the_shipped_detectors_output(
    det_model: Path, tmp_path: Path
) -> None:
    import onnxruntime as ort

    rng = np.random.default_rng(1)
    tensor = rng.normal(size=(1, 3, 256, 320)).astype(np.float32)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    shipped = ort.InferenceSession(str(det_model), options, providers=["CPUExecutionProvider"])
    name = shipped.get_inputs()[0].name
    expected = shipped.run(None, {name: tensor})[0]
    flushed_model(det_model, tmp_path)  # made now; the session below reads the file
    got = cpu_session(det_model, threads=1, cache_dir=tmp_path).run(None, {name: tensor})[0]
    assert np.array_equal(expected, got)


def test_a_run_with_kept_models_does_not_import_onnx(det_model: Path, tmp_path: Path) -> None:
    from geosleuth_plugins.ocr_signage.rapidocr_engine import model_paths

    for path in model_paths().values():
        flushed_model(path, tmp_path)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from geosleuth_plugins.ocr_signage import onnx_models\n"
        "from geosleuth_plugins.ocr_signage.engines import engine\n"
        "onnx_models.use_cache(Path(sys.argv[1]))\n"
        "engine('rapidocr').model()\n"
        "print('onnx' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True, env={**os.environ})
    assert out.stdout.strip() == "False"
