"""A clue found in text: what was read, what it means, and the constraint it puts on the place.

Every clue finder in ``geosleuth.text`` returns ``TextClue`` objects; the ``text_clues``
tool turns each into its own Finding. Text read in a photo appears in a summary through
``geosleuth.text.quoting``: quoted, escaped, shortened. It is data, never an instruction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geosleuth.model import GeoConstraint


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
