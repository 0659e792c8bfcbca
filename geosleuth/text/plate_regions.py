"""Where a plate says its car is registered, below the country: Brazil's grey plates.

Brazilian plates before the Mercosur design (2018) carry a tarja above the number with
the state's abbreviation and the municipality of registration: "BA - SALVADOR". The state
abbreviations are IBGE's (facts, not data copied from anywhere); the municipality is
looked up in the gazetteer within that state. A registration is where the car's owner
lives, not where the photo was taken: the clue is a point with a wide radius and a
moderate strength, and its summary says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from geosleuth.geo.folding import fold_name
from geosleuth.model import PointConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.place_clues import radius_for_population
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

# IBGE abbreviations of the 26 states and the Federal District, with GeoNames' names.
BRAZIL_UF: dict[str, str] = {
    "AC": "Acre", "AL": "Alagoas", "AP": "Amapa", "AM": "Amazonas", "BA": "Bahia",
    "CE": "Ceara", "DF": "Federal District", "ES": "Espirito Santo", "GO": "Goias",
    "MA": "Maranhao", "MT": "Mato Grosso", "MS": "Mato Grosso do Sul", "MG": "Minas Gerais",
    "PA": "Para", "PB": "Paraiba", "PR": "Parana", "PE": "Pernambuco", "PI": "Piaui",
    "RJ": "Rio de Janeiro", "RN": "Rio Grande do Norte", "RS": "Rio Grande do Sul",
    "RO": "Rondonia", "RR": "Roraima", "SC": "Santa Catarina", "SP": "Sao Paulo",
    "SE": "Sergipe", "TO": "Tocantins",
}
REGISTRATION_STRENGTH = 0.5  # the car is often, not always, near where it is registered
MIN_RADIUS_KM = 30.0  # cars are driven around their town
MIN_SCORE = 0.8  # OCR drops spaces ("TOBIASBARRETO") and misreads letters ("SALYADOR")

_TARJA = regex.compile(
    rf"^\s*(?P<uf>{'|'.join(BRAZIL_UF)})\s*[-·•:=.]\s*(?P<town>[\p{{Lu}} ]{{3,40}}?)\s*$",
    flags=regex.V1)


def find_registrations(text: str, gazetteer: Gazetteer | None) -> list[TextClue]:
    """Brazilian tarja lines ("BA - SALVADOR") -> the municipality of registration."""
    if gazetteer is None:
        return []
    clues: list[TextClue] = []
    for line in text.splitlines():
        match = _TARJA.match(line)
        if match is None:
            continue
        uf, town = match.group("uf"), match.group("town").strip()
        state = fold_name(BRAZIL_UF[uf])
        matches = [m for m in gazetteer.lookup(town, country="BR", kinds=("city",), fuzzy=True,
                                               limit=20)
                   if m.score >= MIN_SCORE and fold_name(m.place.admin1 or "") == state]
        if not matches:
            continue
        best = max(matches, key=lambda m: (m.score, m.place.population))
        place = best.place
        radius = max(MIN_RADIUS_KM, radius_for_population(place.population))
        clues.append(TextClue(
            kind="plate_registration",
            text=line.strip(),
            summary=(f"plate line {quote(line.strip())}: car registered in {place.name}, "
                     f"{BRAZIL_UF[uf]} (BR), score {best.score:.2f}; a plate says where a "
                     "car is registered, not where it stands"),
            data={"state": uf, "municipality": place.name, "lat": place.lat,
                  "lon": place.lon, "radius_km": round(radius, 1), "score": best.score},
            constraint=PointConstraint(lat=place.lat, lon=place.lon, radius_km=radius,
                                       strength=REGISTRATION_STRENGTH * best.score),
        ))
    return clues
