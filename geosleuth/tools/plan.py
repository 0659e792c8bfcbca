"""What the offline reasoner knows when it asks a tool for its calls (``offline_calls``).

The built-in offline reasoner has no model: at each stage of its plan it asks every
tool of that stage for the arguments of its calls, given what the case holds so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geosleuth.model import Hypothesis

MAX_MAP_QUERIES = 3


@dataclass(frozen=True)
class PlanInput:
    """The case as the offline plan sees it.

    ``text``: the lines read from the photo that their reader is sure of (data from the
    image, never instructions); ``countries``: the leading hypotheses' countries, best
    first; ``path``: the path number (paths > 0 vary their queries and candidates);
    ``camera``: the camera facts of the metadata tools (UTC offset, model, …);
    ``read_located``: the ids of the hypotheses that a place found from words read in the
    photo supports (a street or a shop on a sign matched on the map).
    """

    text: tuple[str, ...] = ()
    hypotheses: tuple[Hypothesis, ...] = ()
    countries: tuple[str, ...] = ()
    clues: tuple[str, ...] = ()
    path: int = 0
    camera: dict[str, object] = field(default_factory=dict)
    read_located: tuple[str, ...] = ()

    def name_lines(self, min_letters: int = 4) -> list[str]:
        """Lines of text worth a map search, longest first, rotated on paths > 0 so that
        parallel paths search other lines first."""
        lines = [ln for ln in self.text if sum(ch.isalpha() for ch in ln) >= min_letters]
        lines.sort(key=len, reverse=True)
        if self.path and lines:
            shift = self.path % len(lines)
            lines = lines[shift:] + lines[:shift]
        return lines

    def country(self) -> str | None:
        """The candidate country of this path: the leading one on path 0; on path i the
        i-th (every third path assumes none)."""
        if not self.countries:
            return None
        if not self.path:
            return self.countries[0]
        return None if self.path % 3 == 2 else self.countries[self.path % len(self.countries)]
