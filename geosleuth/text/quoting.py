"""Text from outside shown to models and people: the one place it is quoted and shortened.

Text read in a photo, written by the investigator, returned by a map or another model is
data, never an instruction: ``quote`` makes it a JSON string literal (for summaries),
``guillemets`` puts it between « » (for prompts), ``clip`` puts it on one shortened line,
``printable`` leaves no control character in it raw (for the terminal and the report).
Markdown escaping for the report is ``geosleuth.report.escape.md``, on top of ``printable``.
"""

from __future__ import annotations

import json
import re

MAX_QUOTE = 60

# C0 controls but the line break, DEL, and C1 controls: a terminal acts on them (ESC starts
# escape sequences that recolour, move the cursor, set the window title; C1 CSI is ESC [).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_SPACES = {"\t", "\v", "\f", "\r"}
_C1 = re.compile(r"[\x7f-\x9f]")


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` with no control character left raw, so that a terminal or a viewer acts on
    none: tabs and line breaks become spaces (``newlines=True`` keeps a line break as
    ``\\n``, where the context allows several lines), and every other C0 or C1 control
    character, ESC included, is shown as an escape like ``\\x1b``: visible, inert."""
    s = str(text).replace("\r\n", "\n")
    if not newlines:
        s = s.replace("\n", " ")

    def shown(m: re.Match[str]) -> str:
        c = m.group()
        return " " if c in _SPACES else f"\\x{ord(c):02x}"

    return _CONTROL.sub(shown, s)


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """``text`` as a JSON string literal: quoted, control characters (C0, DEL and C1) and
    quotes escaped."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(cut, ensure_ascii=False))


def clip(text: str, n: int) -> str:
    """``text`` on one line, whitespace collapsed, no control character raw (``printable``),
    cut to ``n`` characters with an ellipsis."""
    text = " ".join(printable(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def guillemets(text: str, n: int) -> str:
    """Text from outside (the image, the user, another model) shown to a model as data:
    clipped, between guillemets, with guillemets inside replaced."""
    return "«" + clip(text, n).replace("«", "‹").replace("»", "›") + "»"
