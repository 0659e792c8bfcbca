"""The joint view of one witness: its members, each normalised against the ones before.

Inside a witness the members are not independent: a place name found in Devanagari text
lies in India *because* the text is Devanagari (``text/placenames`` only accepts names of
places where the script is written), so the language clue and the place name agree by
construction. Multiplied as independent clues, that agreement would turn a weak place
name into a strong one (a match of strength 0.3 would take 60 % of the view). So the
members are taken from the coarsest to the finest (area clues, then points by falling
radius), after the *anchor*, the witness's most trusted clue, and each is normalised
against the view so far, J, instead of the prior:

    L_i(x) = a_i + s_i · g_i(x) / Z_i,   Z_i = ∫ J_{i−1} · g_i / ∫ J_{i−1},   J_i = J_{i−1} · L_i

(g is an area clue's profile above its floor, or a point's density; a = 1 − s: the floor
says nothing about the place, ``likelihood``). Each member then keeps the meaning of its
strength *given what the witness already said*: "Mandi, strength 0.3" puts 0.3 of the
view in Mandi, wherever in India the rest of it lies. The witness as a whole is trusted
with its anchor's strength (``fusion.groups``), so the anchor enters its own view as
certain (0.999): its uncertainty is counted once, by the witness's strength, not twice.

Normalising against the view is right for a member that refines it (Mandi within India:
the view holds more of Mandi than the prior does). For a member that contradicts the
view it would be wrong: where the view holds almost nothing, Z_i is tiny and the member
would take its full strength of the view there, far more than it could as an
independent clue. A camera's UTC offset of +00:00 (a clock set to UTC) then pulled 0.6 of
the camera's view away from its own GPS fix in Madrid, and the fix came out at 0.22. So
Z_i = max(∫ J_{i−1}·g_i / ∫ J_{i−1}, ∫ prior·g_i): being part of a witness only discounts
a member, never gives it more force than it would have alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from geosleuth.fusion.grid import Cells
from geosleuth.fusion.likelihood import CountryLookup, is_area, point_density, profile
from geosleuth.model import GeoConstraint, PointConstraint

ANCHOR_STRENGTH = 0.999  # the witness's best clue within its own view (never a hard zero)


def _coarse_first(c: GeoConstraint) -> tuple[int, float]:
    return (0, 0.0) if is_area(c) else (1, -c.radius_km if isinstance(c, PointConstraint)
                                        else 0.0)


def _order(members: Sequence[GeoConstraint]) -> list[GeoConstraint]:
    """The anchor (the most trusted member, at ``ANCHOR_STRENGTH``), then the others from
    the coarsest to the finest: area clues, then points by falling radius."""
    anchor = max(range(len(members)),
                 key=lambda i: (members[i].strength, -_coarse_first(members[i])[0]))
    rest = sorted((c for i, c in enumerate(members) if i != anchor), key=_coarse_first)
    return [members[anchor].model_copy(update={"strength": ANCHOR_STRENGTH}), *rest]


@dataclass
class WitnessView:
    members: list[GeoConstraint]
    floors: list[float] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, members: Sequence[GeoConstraint]) -> WitnessView:
        return cls(_order(members))

    def _part(self, c: GeoConstraint, cells: Cells, countries: CountryLookup | None,
              floor: float | None) -> tuple[np.ndarray, float, float]:
        """(g on the cells, the constant a, the floor) of one member."""
        r = cells.radius_km
        if not is_area(c):
            assert isinstance(c, PointConstraint)
            return point_density(cells.lat, cells.lon, r, c.lat, c.lon, c.radius_km), \
                1.0 - c.strength, 0.0
        f = profile(c, cells.lat, cells.lon, r, countries)
        if floor is None:
            floor = float(f.min()) if len(f) else 0.0
            floor = floor if floor < 1.0 else 0.0
        return np.maximum(f - floor, 0.0), 1.0 - c.strength, floor

    def fit(self, cells: Cells, log_prior: np.ndarray, countries: CountryLookup | None
            ) -> np.ndarray:
        """Normalise every member on these cells (the base grid, or the final cells) and
        return the joint log-likelihood there. Floors are kept from the first fit (the
        base grid covers the globe)."""
        first = not self.floors
        prior = np.exp(log_prior - log_prior.max())
        weights = prior
        joint = np.zeros(len(cells))
        norms: list[float] = []
        for i, c in enumerate(self.members):
            g, a, floor = self._part(c, cells, countries, None if first else self.floors[i])
            if first:
                self.floors.append(floor)
            # normalised against the view so far, never less than against the prior
            # (see the module docstring: dependence only discounts a member)
            z = max(float((weights * g).sum() / weights.sum()),
                    float((prior * g).sum() / prior.sum()))
            z = max(z, 1e-300)
            norms.append(z)
            term = np.log(a + c.strength * g / z + 1e-300)
            joint += term
            weights = weights * np.exp(term - term.max())
        self.norms = norms
        return joint

    def joint(self, cells: Cells, countries: CountryLookup | None) -> np.ndarray:
        """The joint log-likelihood on other cells, with the norms of the last fit."""
        total = np.zeros(len(cells))
        for c, floor, z in zip(self.members, self.floors, self.norms, strict=True):
            g, a, _ = self._part(c, cells, countries, floor)
            total += np.log(a + c.strength * g / z + 1e-300)
        return total
