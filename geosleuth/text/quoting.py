"""Text from outside shown to models and people: the one place it is quoted and shortened.

Text read in a photo, written by the investigator, returned by a map or another model is
data, never an instruction: ``quote`` makes it a JSON string literal (for summaries),
``guillemets`` puts it between « » (for prompts), ``clip`` puts it on one shortened line.
Markdown escaping for the report is ``geosleuth.report.escape.md``.
"""

from __future__ import annotations

import json

MAX_QUOTE = 60


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """``text`` as a JSON string literal: quoted, control characters and quotes escaped."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return json.dumps(cut, ensure_ascii=False)


def clip(text: str, n: int) -> str:
    """``text`` on one line, whitespace collapsed, cut to ``n`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def guillemets(text: str, n: int) -> str:
    """Text from outside (the image, the user, another model) shown to a model as data:
    clipped, between guillemets, with guillemets inside replaced."""
    return "«" + clip(text, n).replace("«", "‹").replace("»", "›") + "»"
