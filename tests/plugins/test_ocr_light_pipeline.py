"""RapidOCR's models run without rapidocr's pipeline classes (OmegaConf, requests), and
read as rapidocr's own TextDetector and TextRecognizer do; the model files rapidocr
resolves are kept in the cache folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from geosleuth_plugins.ocr_signage import rapidocr_engine
from geosleuth_plugins.ocr_signage.engines import engine
from geosleuth_plugins.ocr_signage.lines import crop_quad
from geosleuth_plugins.ocr_signage.onnx_models import cache_folder, cpu_session, use_cache

from geosleuth.testing.signs import sign_photo


@pytest.fixture()
def kept_in(tmp_path: Path):  # type: ignore[no-untyped-def]
    before = cache_folder()
    use_cache(tmp_path)
    rapidocr_engine._paths = None
    yield tmp_path
    use_cache(before)
    rapidocr_engine._paths = None


def test_model_paths_are_rapidocr_s_and_kept_in_the_cache_folder(kept_in: Path) -> None:
    found = rapidocr_engine.model_paths()
    assert found == rapidocr_engine._resolve_model_paths()
    kept = list((kept_in / "onnx").glob("rapidocr-*-models.json"))
    assert len(kept) == 1
    assert json.loads(kept[0].read_text()) == {k: str(v) for k, v in found.items()}
    # the next process reads the kept file instead of asking rapidocr
    rapidocr_engine._paths = None
    kept[0].write_text(json.dumps({k: str(v) for k, v in found.items()}))
    assert rapidocr_engine.model_paths() == found


def test_a_kept_file_naming_missing_models_is_asked_again(kept_in: Path) -> None:
    found = rapidocr_engine.model_paths()
    kept = next((kept_in / "onnx").glob("rapidocr-*-models.json"))
    kept.write_text(json.dumps({"det": str(kept_in / "gone.onnx"), "rec": "x"}))
    rapidocr_engine._paths = None
    assert rapidocr_engine.model_paths() == found
    assert json.loads(kept.read_text()) == {k: str(v) for k, v in found.items()}


def test_boxes_and_readings_are_those_of_rapidocr_s_own_classes() -> None:
    from rapidocr.ch_ppocr_det import TextDetector
    from rapidocr.ch_ppocr_rec import TextRecInput, TextRecognizer

    cfg = rapidocr_engine._rapidocr_config()
    cfg.Rec.font_path = cfg.Global.font_path
    for section in (cfg.Det, cfg.Rec):
        section.engine_cfg = cfg.EngineConfig[section.engine_type.value]
        section.model_path = str(rapidocr_engine.model_paths()[section.task_type.value])
    ours = engine("rapidocr")
    assert isinstance(ours, rapidocr_engine.RapidOcrEngine)
    det, rec = TextDetector(cfg.Det), TextRecognizer(cfg.Rec)
    det.session.session = cpu_session(rapidocr_engine.model_paths()["det"])
    rec.session.session = cpu_session(rapidocr_engine.model_paths()["rec"])
    models = ours.model()
    for i, (text, script) in enumerate((("Rua Augusta Lisboa", "Latin"), ("北京路", "Han"),
                                        ("Calle de Alcalá 12", "Latin"))):
        image = sign_photo(text, script, seed=i).image.convert("RGB")
        tensor = ours._det_input(models, image)  # type: ignore[arg-type]
        theirs, _ = det.postprocess_op(det.session(tensor), (image.height, image.width))
        mine, _ = models.post(rapidocr_engine._runner(models.det)(tensor),  # type: ignore[attr-defined]
                              (image.height, image.width))
        assert np.array_equal(theirs, mine) and len(mine) > 0
        crops = [np.asarray(crop_quad(image, tuple(map(tuple, q)), out_height=48, pad=0.0))
                 for q in mine]
        out = rec(TextRecInput(img=crops))
        assert ours._recognizer()(crops) == list(zip(out.txts, out.scores, strict=True))


def test_an_ocr_read_imports_neither_omegaconf_nor_requests(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from geosleuth_plugins.ocr_signage import onnx_models\n"
        "from geosleuth_plugins.ocr_signage.engines import engine\n"
        "from geosleuth.testing.signs import sign_photo\n"
        "onnx_models.use_cache(Path(sys.argv[1]))\n"
        "lines = engine('rapidocr').read_page(sign_photo('Rua Augusta', 'Latin').image)\n"
        "assert any('Augusta' in line.text for line in lines), lines\n"
        "print(sorted(m for m in ('omegaconf', 'requests', 'rapidocr.inference_engine.base')"
        " if m in sys.modules))\n"
    )
    run = [sys.executable, "-c", code, str(tmp_path)]
    subprocess.run(run, capture_output=True, text=True, check=True)  # keeps the model paths
    out = subprocess.run(run, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
