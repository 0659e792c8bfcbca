"""Which way round a line crop's letters are: decided by the tails around the ground's
level, not by how bright the ground is (a white sign on a dim photo is dark grey)."""

from __future__ import annotations

import numpy as np
from geosleuth_plugins.ocr_signage.tesseract_engine import light_text


def _crop(ground: int, letters: int, share: float = 0.25) -> np.ndarray:
    crop = np.full((40, 200), ground, dtype=np.uint8)
    crop[10:30, : int(200 * share / 0.5)] = letters  # letters fill `share` of the crop
    return crop


def test_dark_letters_on_a_dim_white_sign_are_dark() -> None:
    # the ground's median (80) is under half-scale; the letters are still the darker tail
    assert not light_text(_crop(ground=80, letters=25))


def test_dark_letters_on_white_are_dark() -> None:
    assert not light_text(_crop(ground=230, letters=30))


def test_white_letters_on_dark_blue_are_light() -> None:
    assert light_text(_crop(ground=45, letters=235))


def test_light_letters_on_a_bright_ground_are_light() -> None:
    # a yellow ground (grey 170) with white letters: the median's level would say "dark"
    assert light_text(_crop(ground=170, letters=250))
