"""The reading measures of benchmarks/real_ocr.py on strings written by hand."""

from __future__ import annotations

import pytest

from geosleuth.testing.benchmarks import load_benchmark

ro = load_benchmark("real_ocr")


@pytest.mark.parametrize(("part", "text", "distance"), [
    ("ABC", "ABC", 0),
    ("ABC", "XXABCYY", 0),  # extra text around the part costs nothing
    ("ABC", "XXABDCYY", 1),  # one letter too many inside it costs one
    ("ABC", "XXAYY", 2),
    ("ABC", "", 3),
    ("", "AB", 0),
])
def test_substring_distance(part: str, text: str, distance: int) -> None:
    assert ro.substring_distance(part, text) == distance


def test_aligned_ignores_unlabelled_text_and_counts_misreadings() -> None:
    parts = ro.label_parts("BA - SALVADOR / OVA-1319 (old grey plate)")
    assert parts == [{"Latin": "BASALVADOR"}, {"Latin": "OVA"}]
    # the car's make read as well, the plate right: no error
    assert ro.aligned({"Latin": "RENAULTBASALVADOROVA"}, parts) == {"Latin": 1.0}
    # one letter wrong in 13
    assert ro.aligned({"Latin": "BASALYADOROVA"}, parts)["Latin"] == pytest.approx(1 - 1 / 13)
    # a plate's quoted state name is a part of its own, in whatever order it is read
    parts = ro.label_parts('BGB-3282 "TEXAS"')
    assert parts == [{"Latin": "BGB"}, {"Latin": "TEXAS"}]
    assert ro.aligned({"Latin": "TEXASBGB"}, parts) == {"Latin": 1.0}
    # a script not read at all scores 0, and CER does the same
    parts = ro.label_parts("서울 Seoul")
    assert ro.aligned({"Latin": "SEOUL"}, parts) == {"Hangul": 0.0, "Latin": 1.0}


def test_cer_counts_unlabelled_text_as_errors() -> None:
    cer, found = ro.scores("RENAULTBASALVADOR", "BASALVADOR")
    assert cer == pytest.approx(0.3) and found == 1.0
