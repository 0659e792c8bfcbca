"""A clue found in text: what was read, what it means, and the constraint it puts on the place.

Every clue finder in ``geosleuth.text`` returns ``TextClue`` objects; the ``text_clues``
tool turns each into its own Finding. ``quote`` is how text read in a photo appears in a
summary: quoted, escaped, shortened. It is data, never an instruction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from geosleuth.model import GeoConstraint

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


@dataclass(frozen=True)
class TextClue:
    kind: str  # "place_name", "street_type", "phone", "web", "postcode", "plate", ...
    text: str  # the part of the text it was read from
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    constraint: GeoConstraint | None = None


def population_weights(countries: list[str] | set[str], exponent: float = 0.5) -> dict[str, float]:
    """Countries weighted by population**exponent (GeoNames), largest 1.

    Used where a clue names a set of countries (a currency, a calling code) and a larger
    country is more likely to be where a photo was taken, but not in proportion.
    """
    from geosleuth.text.languages import country_population

    raw: dict[str, float] = {}
    for code in countries:
        pop = country_population(code) or 1000
        raw[code.upper()] = float(pop) ** exponent
    top = max(raw.values(), default=0.0)
    if top <= 0:
        return {}
    return {c: round(w / top, 4) for c, w in sorted(raw.items(), key=lambda kv: -kv[1])}
