"""The decode budget: a photo whose pixels would take more memory than ``decode_budget_mb``
is read reduced, no full-size copy is made besides the one decode, and the case and its
report say by how much it was reduced."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from geosleuth.agent.state import CaseState
from geosleuth.cases.record import case_record
from geosleuth.images import load_case, open_image, oriented, reduction
from geosleuth.report.markdown import reproducibility_section
from geosleuth.settings import load_settings
from geosleuth.testing import render_photo

BIG = (6000, 4000)  # 24 MP: 92 MB decoded as RGB (4 bytes a pixel in Pillow)

# In a fresh interpreter (a forked child's max RSS starts from its parent's): what
# 'locate' does with the photo's pixels, and how much the peak memory grew meanwhile.
CHILD = """
import json, resource, sys
from pathlib import Path
from geosleuth.backends.photo import load_preview
from geosleuth.cases.runner import open_case
from geosleuth.report.casemap import photo_thumbnail
from geosleuth.settings import load_settings
from geosleuth.tools.context import ToolContext
from geosleuth_plugins.exif_metadata.reading import read_raw

settings, _ = load_settings({"decode_budget_mb": 16, "cache": False})


def intake(path):
    case = open_case(path, settings)
    image = ToolContext(case=case, settings=settings).image
    read_raw(path, descriptive=True)
    preview = load_preview(path, 1024, settings.max_pixels, settings.decode_budget_mb)
    return case, image, preview, photo_thumbnail(path)


intake(Path(sys.argv[2]))  # a small photo first: what is imported on first use
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
case, image, preview, thumb = intake(Path(sys.argv[1]))
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"grown_mb": grown / 1024, "size": list(image.size),
                  "decoded": [case.image.decoded_width, case.image.decoded_height],
                  "thumb": thumb is not None, "preview": list(preview.size)}))
"""


def big_png(path: Path, size: tuple[int, int]) -> Path:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 400):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(x % 255, 90, 40), width=5)
    image.save(path, compress_level=1)
    return path


def test_peak_memory_of_a_large_png_is_one_decode(tmp_path: Path) -> None:
    path = big_png(tmp_path / "big.png", BIG)
    small = render_photo(tmp_path / "small.png", size=(64, 48))
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(small)],
                         capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    full_mb = BIG[0] * BIG[1] * 4 / (1 << 20)
    # Before: the check's decode, the tools' decode and its orientation copy, the EXIF
    # reader's decode (Pillow's getexif on a PNG) and the thumbnail's decode and copy
    # (4 decodes at the peak, 381 MB). Now the one full decode at a time, then its reduction.
    assert got["grown_mb"] < 1.5 * full_mb, got
    assert got["decoded"] == [2000, 1334] and got["size"] == [2000, 1334]
    assert got["thumb"] and max(got["preview"]) <= 2000


def test_a_reduced_photo_is_noted_in_the_case_and_report(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = big_png(tmp_path / "wide.png", (2400, 1800))  # 16.5 MB decoded
    settings, _ = load_settings({"decode_budget_mb": 16})
    with caplog.at_level(logging.WARNING, logger="geosleuth"):
        case = load_case(path, decode_budget_mb=16)
    assert "over the decode budget of 16 MB" in caplog.text
    assert "read at 1200x900 (1/2 of each side)" in caplog.text
    assert (case.image.width, case.image.height) == (2400, 1800)
    assert (case.image.decoded_width, case.image.decoded_height) == (1200, 900)
    record = case_record(CaseState(case=case), settings, backend="offline", model=None,
                         total_ms=0.0)
    assert record["image"]["decoded"] == {"width": 1200, "height": 900,
                                          "decode_budget_mb": 16}
    text = "\n".join(reproducibility_section(record))
    assert "read reduced to 1200×900 (1/2 of each side" in text
    # Read in full: nothing said, nothing recorded.
    full = load_case(path)
    assert full.image.decoded_width is None
    record = case_record(CaseState(case=full), settings, backend="offline", model=None,
                         total_ms=0.0)
    assert "decoded" not in record["image"]


@pytest.mark.parametrize(("name", "orientation"), [("turned.jpg", 6), ("turned.tif", 3),
                                                   ("turned.png", 8)])
def test_a_reduced_photo_keeps_its_orientation(tmp_path: Path, name: str,
                                               orientation: int) -> None:
    shown = (2400, 1800)
    path = render_photo(tmp_path / name, size=shown, orientation=orientation)
    image = oriented(open_image(path, budget_mb=16))
    assert image.mode == "RGB" and image.size == (1200, 900)


def test_a_heic_whose_header_disagrees_is_not_called_reduced(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Found by benchmarks/fuzz.py: a HEIC whose clean-aperture box says 192 px high
    decodes at 64; that is the photo's size, not a reduction."""
    pytest.importorskip("pillow_heif")
    path = render_photo(tmp_path / "clap.heic", size=(64, 48), orientation=6)
    data = bytearray(path.read_bytes())
    box = data.find(b"clap") - 4
    data[box + 19] = 0xC0  # the aperture's height 64 -> 192
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="geosleuth"):
        case = load_case(path)
    assert "decode budget" not in caplog.text
    assert case.image.decoded_width is None
    assert (case.image.width, case.image.height) == open_image(path).size


def test_an_upright_rgb_photo_is_not_copied(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "upright.png", size=(64, 48))
    image = open_image(path)
    assert oriented(image) is image


def test_results_of_a_reduced_photo_are_cached_per_size_read(tmp_path: Path) -> None:
    """OCR's boxes and the zoom tool's are in the pixels read: a result made at another
    decode budget is not served."""
    from geosleuth.cases import wiring
    from geosleuth.tools.context import ToolContext

    path = big_png(tmp_path / "wide.png", (2400, 1800))
    settings, _ = load_settings({})
    tool = wiring.registry().tools["exif_metadata"]
    keys = {budget: tool.cache_key(ToolContext(case=load_case(path, decode_budget_mb=budget),
                                               settings=settings), {})
            for budget in (16, 64, 256)}
    assert keys[16] != keys[64] == keys[256]


def test_reduction_is_the_smallest_factor_that_fits() -> None:
    assert reduction(6000, 4000, None) == 1
    assert reduction(6000, 4000, 256) == 1
    assert reduction(6000, 4000, 16) == 3  # 2000x1334x4 = 10.2 MB; 3000x2000x4 = 22.9 MB
    assert reduction(12000, 9666, 256) == 2


def test_the_thumbnail_of_a_damaged_tiff_prints_no_warning(tmp_path: Path) -> None:
    """Found by benchmarks/fuzz.py: a TIFF tag whose data lies past the end of the file made
    Pillow warn "Tag data larger than file" on stderr while the case's thumbnail was made."""
    import struct
    import warnings

    from geosleuth.report.casemap import photo_thumbnail

    path = render_photo(tmp_path / "damaged.tif", size=(64, 48), make="Canon")
    data = bytearray(path.read_bytes())
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack_from(f"{order}I", data, 4)[0]
    for i in range(struct.unpack_from(f"{order}H", data, ifd)[0]):
        at = ifd + 2 + 12 * i
        if struct.unpack_from(f"{order}H", data, at)[0] == 0x010F:  # Make
            struct.pack_into(f"{order}I", data, at + 4, 1_000_000)  # its count
    path.write_bytes(bytes(data))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        photo_thumbnail(path)
    assert [str(w.message) for w in caught] == []
