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
is loaded (0.13 s for the detector, 0.10 s for the recognizer, once per process);
nothing is written to disk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

# Threads for one inference. Two cores are the machine this is built for; a third thread
# would only queue. Spinning (threads busy-waiting for work between operators) is turned
# off: on a machine shared with other jobs it burns CPU that the other jobs need, and it
# measured slower, not faster, under load (see benchmarks/ocr.md).
MAX_THREADS = 2


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


def cpu_session(path: Path, threads: int | None = None) -> Any:
    """An onnxruntime CPU session of the model at ``path``, subnormal weights flushed."""
    import onnxruntime as ort

    # No telemetry from an offline tool: the device id onnxruntime writes on import is
    # prevented by ORT_DISABLE_TELEMETRY (set when geosleuth is imported), its events here.
    ort.disable_telemetry_events()
    model, _ = flush_subnormals(path)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or inference_threads()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model, sess_options=options,
                                providers=["CPUExecutionProvider"])
