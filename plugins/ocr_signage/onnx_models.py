"""ONNX Runtime sessions for the OCR models, with their subnormal weights flushed to zero.

The PP-OCRv6 detector that the rapidocr 3.10 wheel ships (``PP-OCRv6_det_small.onnx``)
holds 255,958 subnormal float32 weights (magnitude under 1.2e-38), almost all of them in
two 1x1 convolutions of its neck (``conv2d_161.w_0``: 69,963 of 294,912 values;
``conv2d_165.w_0``: 185,260). x86 CPUs compute with subnormal operands through a slow
microcode path: those two convolutions took 530 of the 830 ms of one detection at
960x736 (onnxruntime's profiler, one thread), where a convolution of the same shape with
normal weights takes 3 ms. Flushing them to zero left the detector's output bit for bit
the same on the ten inputs compared (the two speed photos of benchmarks/bench_ocr.py and
eight rendered signs: the flushed values are under 1.2e-38, the sums they enter of order
1) and takes the detection to 250 ms of CPU time. The recognizer has 241 such weights,
flushed the same way.

onnxruntime's ``session.set_denormal_as_zero`` option is no substitute: it sets the CPU's
flush-to-zero mode only in its thread-pool threads, so with one intra-op thread it
changes nothing (measured), and with two it depends on how the work is split. The
weights are fixed where they are read instead, with the ``onnx`` package, when the model
is first needed (0.13 s for the detector, 0.10 s for the recognizer, after 0.9 CPU-s of
importing ``onnx``). The flushed model is written once to the cache folder
(``<cache_dir>/onnx/``), named after the SHA-256 of the source model and
``FLUSH_VERSION``, so later runs load it straight into onnxruntime without importing
``onnx`` at all; a new rapidocr model or a change to the flushing makes a new file. Without
a cache folder (``use_cache`` not called, or the folder not writable), the model is
flushed in memory as before.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from geosleuth.tempfiles import remove_stale, writing

# Threads for one inference. Two cores are the machine this is built for; a third thread
# would only queue. Spinning (threads busy-waiting for work between operators) is turned
# off: on a machine shared with other jobs it burns CPU that the other jobs need, and it
# measured slower, not faster, under load (see benchmarks/ocr.md).
MAX_THREADS = 2
# Part of the name of a flushed model in the cache folder: raise it whenever
# ``flush_subnormals`` changes what it writes, so no model flushed the old way is loaded.
FLUSH_VERSION = 1
CACHE_SUBDIR = "onnx"
_TMP_SUFFIX = ".tmp"

_cache_dir: Path | None = None
_derive_lock = threading.Lock()


def use_cache(folder: Path | None) -> None:
    """Keep flushed models in ``folder``/onnx from now on (None: flush in memory)."""
    global _cache_dir
    _cache_dir = Path(folder) if folder is not None else None


def inference_threads() -> int:
    """Intra-op threads for one inference: the usable cores, at most ``MAX_THREADS``."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, usable))


def flush_subnormals(path: Path) -> tuple[bytes, int]:
    """The ONNX model at ``path`` with its subnormal float32 weights set to zero, serialised;
    and how many were flushed."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    tiny = np.finfo(np.float32).tiny
    flushed = 0
    for init in model.graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        weights = numpy_helper.to_array(init)
        subnormal = (weights != 0) & (np.abs(weights) < tiny)
        count = int(np.count_nonzero(subnormal))
        if count:
            flushed += count
            fixed = np.where(subnormal, np.float32(0), weights).astype(np.float32)
            init.CopyFrom(numpy_helper.from_array(fixed, init.name))
    return model.SerializeToString(), flushed


def file_digest(path: Path) -> str:
    """SHA-256 of the file at ``path`` (hex)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def flushed_path(path: Path, cache_dir: Path) -> Path:
    """Where the flushed copy of the model at ``path`` is kept in ``cache_dir``."""
    name = f"{Path(path).stem}-{file_digest(path)[:16]}-flush{FLUSH_VERSION}.onnx"
    return Path(cache_dir) / CACHE_SUBDIR / name


def flushed_model(path: Path, cache_dir: Path | None = None) -> bytes | Path:
    """The model at ``path`` with its subnormal weights flushed: the file kept in
    ``cache_dir`` (made now if missing), or the serialised model when there is no
    cache folder or it cannot be written."""
    folder = cache_dir if cache_dir is not None else _cache_dir
    if folder is None:
        return flush_subnormals(path)[0]
    try:
        kept = flushed_path(path, folder)
    except OSError:
        return flush_subnormals(path)[0]
    if kept.is_file():
        return kept
    with _derive_lock:
        if kept.is_file():  # another thread made it meanwhile
            return kept
        model, _ = flush_subnormals(path)
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(kept.parent, prefix=kept.stem, suffix=_TMP_SUFFIX)
            with writing(kept.parent, prefix=kept.stem, suffix=_TMP_SUFFIX) as tmp:
                tmp.write_bytes(model)
                os.replace(tmp, kept)
        except OSError:
            return model  # a read-only cache folder: flushed again next time
        return kept


def cpu_session(path: Path, threads: int | None = None,
                cache_dir: Path | None = None) -> Any:
    """An onnxruntime CPU session of the model at ``path``, subnormal weights flushed
    (the flushed copy kept in ``cache_dir``, else in the folder set by ``use_cache``)."""
    import onnxruntime as ort

    # No telemetry from an offline tool: the device id onnxruntime writes on import is
    # prevented by ORT_DISABLE_TELEMETRY (set when geosleuth is imported), its events here.
    ort.disable_telemetry_events()
    flushed = flushed_model(path, cache_dir)
    model = str(flushed) if isinstance(flushed, Path) else flushed
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or inference_threads()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # No memory arena: with it, each new input size grew the process by up to 100 MB
    # that was never handed back (a batch worker reads many photos); without it the
    # memory of one detection is freed after it, and the time measured the same.
    options.enable_cpu_mem_arena = False
    return ort.InferenceSession(model, sess_options=options,
                                providers=["CPUExecutionProvider"])
