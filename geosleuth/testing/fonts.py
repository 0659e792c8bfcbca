"""Fonts for rendered signs: ``find_font`` finds a TrueType font on this machine for a
writing system, so tests can render signs in Latin, Cyrillic, Greek, Han, Arabic and other
scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

__all__ = ["find_font"]

# Font files by writing system, best first; DejaVu covers Latin, Greek, Cyrillic, Hebrew,
# Georgian and Armenian, Noto the rest. Matched by file name anywhere under the font roots.
_FONT_FILES: dict[str, tuple[str, ...]] = {
    "latin": ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"),
    "greek": ("DejaVuSans.ttf", "NotoSans-Regular.ttf"),
    "cyrillic": ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"),
    "hebrew": ("DejaVuSans.ttf", "NotoSansHebrew-Regular.ttf"),
    "georgian": ("DejaVuSans.ttf", "NotoSansGeorgian-Regular.ttf"),
    "armenian": ("DejaVuSans.ttf", "NotoSansArmenian-Regular.ttf"),
    "arabic": ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "DejaVuSans.ttf"),
    "thai": ("NotoSansThai-Regular.ttf", "NotoSerifThai-Regular.ttf", "Garuda.ttf"),
    "devanagari": ("NotoSansDevanagari-Regular.ttf", "Lohit-Devanagari.ttf"),
    "han": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "wqy-microhei.ttc"),
    "hangul": ("NotoSansCJK-Regular.ttc", "NotoSansCJKkr-Regular.otf", "NanumGothic.ttf"),
    "japanese": ("NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf",
                 "fonts-japanese-gothic.ttf"),
}
_SCRIPT_ALIASES = {
    "cjk": "han", "chinese": "han", "hani": "han", "korean": "hangul", "hang": "hangul",
    "hiragana": "japanese", "katakana": "japanese", "jpan": "japanese", "latn": "latin",
    "cyrl": "cyrillic", "grek": "greek", "arab": "arabic", "hebr": "hebrew", "deva": "devanagari",
}
# fontconfig language codes used when no known file name is present.
_FC_LANG = {
    "latin": "en", "greek": "el", "cyrillic": "ru", "hebrew": "he", "georgian": "ka",
    "armenian": "hy", "arabic": "ar", "thai": "th", "devanagari": "hi", "han": "zh-cn",
    "hangul": "ko", "japanese": "ja",
}


def _font_roots() -> list[Path]:
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
             Path.home() / ".local/share/fonts", Path("/Library/Fonts"),
             Path("/System/Library/Fonts"), Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    try:  # matplotlib ships DejaVu Sans: a Latin/Greek/Cyrillic fallback without system fonts
        import matplotlib

        roots.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return [r for r in roots if r.is_dir()]


@cache
def _font_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for root in _font_roots():
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in {".ttf", ".otf", ".ttc"}:
                index.setdefault(path.name, path)
    return index


@cache
def find_font(script: str = "Latin") -> Path | None:
    """A TrueType/OpenType font on this machine that covers ``script``, or None if absent.

    ``script`` is a writing system ("Latin", "Cyrillic", "Greek", "Arabic", "Han",
    "Hangul", "Japanese", "Thai", "Devanagari", "Hebrew", ...) or its ISO 15924 code.
    """
    key = script.strip().lower()
    key = _SCRIPT_ALIASES.get(key, key)
    index = _font_index()
    for name in _FONT_FILES.get(key, ()):
        if name in index:
            return index[name]
    lang = _FC_LANG.get(key)
    fc_list = shutil.which("fc-list")
    if lang and fc_list:
        try:
            out = subprocess.run(
                [fc_list, f":lang={lang}", "file"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        files = sorted(
            line.strip().rstrip(":") for line in out.splitlines()
            if line.strip().rstrip(":").lower().endswith((".ttf", ".otf", ".ttc"))
        )
        if files:
            return Path(files[0])
    return None
