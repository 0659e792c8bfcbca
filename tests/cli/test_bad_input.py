"""Bad input: one line on stderr naming the file and the problem, exit 2, nothing written."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from geosleuth.testing.cli import run_cli as geosleuth


def _bomb_png(path: Path, width: int, height: int) -> None:
    """A tiny PNG that claims a huge size (the header is all a decoder needs to refuse it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _make(kind: str, tmp: Path) -> tuple[Path, str]:
    if kind == "missing":
        return tmp / "nowhere.jpg", "no such file"
    if kind == "directory":
        d = tmp / "folder.jpg"
        d.mkdir()
        return d, "directory"
    if kind == "empty":
        p = tmp / "empty.jpg"
        p.write_bytes(b"")
        return p, "empty"
    if kind == "text":
        p = tmp / "notes.jpg"
        p.write_text("this is not a photo\n")
        return p, "not an image"
    if kind == "truncated":
        p = tmp / "cut.jpg"
        Image.effect_noise((800, 600), 60).convert("RGB").save(p, quality=90)
        p.write_bytes(p.read_bytes()[: p.stat().st_size // 3])
        return p, "truncated"
    if kind == "bomb":
        p = tmp / "bomb.png"
        _bomb_png(p, 40000, 40000)
        return p, "pixels"
    if kind == "unsupported":
        p = tmp / "picture.svg"
        p.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
        return p, "not an image"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["missing", "directory", "empty", "text", "truncated", "bomb", "unsupported"]
)
def test_bad_input_is_one_line_exit_2_and_no_case_folder(kind: str, tmp_path: Path) -> None:
    photo, words = _make(kind, tmp_path)
    out = tmp_path / "cases"
    result = geosleuth("locate", str(photo), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(photo) in lines[0] and words in lines[0].lower()
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists() or not any(out.iterdir())


def test_bad_setting_is_exit_2(tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    Image.new("RGB", (32, 32)).save(photo)
    result = geosleuth(
        "locate", str(photo), "--steps", "0", "--out", str(tmp_path / "c"), cwd=tmp_path
    )
    assert result.returncode == 2 and "steps" in result.stderr and "Traceback" not in result.stderr
