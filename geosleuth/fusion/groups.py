"""Dependent evidence and caps: clues of one source are one witness, trusted up to a cap.

Two facts about real photos shape this module:

* **Clues read from one text are not independent.** A language guess, a street word, a
  place name and a phone number read from the same sign share every error of the
  reading (a misread word, a sign that names another town). Multiplying them as if each
  were an independent witness turns four weak readings into certainty. So the evidence
  of one *source* is fused as **one witness**: its members' likelihoods are multiplied
  into a joint view (where they agree, the view is sharp), and the whole view is trusted
  with one strength, that of its most trusted member among those that support the view
  (``supported``: most of the view lies where the member alone points):

      L_G(x) = (1 − s_G) + s_G · Π_i L_i(x) / Z_G,   Z_G = ∫ prior · Π_i L_i,
      s_G = min(cap(basis), max_{i supports the view} s_i).

  With probability s_G the truth is distributed like the members' joint view, otherwise
  anywhere (like the prior), so however many members agree, the group puts at most
  s_G + (1 − s_G)·prior(R) of the probability into any region R.
* **How a clue was obtained caps how far it can be trusted** (``CAPS``): a camera's GPS
  is observed, a place name read from pixels is only as good as the reading and the
  sign, a model's judgement is inferred. No tool can claim more than its basis allows.

A source is what a tool names in ``Finding.source``; without one, all evidence of the
bases in ``ONE_WITNESS`` is one group per basis (everything read from a photo's text is
one witness; the camera's metadata is another), and each piece of computed evidence and
each of the investigator's statements stands alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geosleuth.model import Basis, Evidence, GeoConstraint

CAPS: dict[Basis, float] = {
    "observed": 0.99,  # overturned only by strong contrary evidence
    "read": 0.9,  # text read from pixels: misreadings, signs that name other places
    "computed": 0.95,
    "inferred": 0.7,
    "investigator": 0.999,
}
ONE_WITNESS: frozenset[Basis] = frozenset({"observed", "read", "inferred"})


def cap(basis: Basis) -> float:
    return CAPS.get(basis, CAPS["inferred"])


def capped(c: GeoConstraint | None, basis: Basis) -> GeoConstraint | None:
    """The constraint with its strength limited to its basis' cap."""
    if c is None or c.strength <= cap(basis):
        return c
    return c.model_copy(update={"strength": cap(basis)})


def group_key(e: Evidence) -> str:
    """The witness a piece of evidence belongs to."""
    if e.source:
        return f"{e.basis}:{e.source}"
    return e.basis if e.basis in ONE_WITNESS else f"own:{e.id}"


@dataclass(frozen=True)
class Group:
    """Evidence fused as one witness; a group of one is fused as it stands."""

    members: tuple[GeoConstraint, ...]
    strength: float

    @property
    def single(self) -> bool:
        return len(self.members) == 1


def groups(evidence: Sequence[Evidence]) -> list[Group]:
    """The witnesses among the constrained evidence, in order of first appearance."""
    by_key: dict[str, list[Evidence]] = {}
    for e in evidence:
        if e.constraint is not None:
            by_key.setdefault(group_key(e), []).append(e)
    out = []
    for items in by_key.values():
        constraints = tuple(capped(e.constraint, e.basis) for e in items)
        strength = min(cap(items[0].basis), max(c.strength for c in constraints if c))
        out.append(Group(tuple(c for c in constraints if c is not None), strength))
    return out


SUPPORTS = 0.5  # a member supports the joint view when this much of it lies where it points


def supported(g: Group, shares: Sequence[float],
              inside: Sequence[Sequence[float]] | None = None) -> float:
    """The witness's strength, from the members that support its joint view.

    ``shares[i]``: the part of the joint view that lies where member i alone points. A
    witness is trusted as far as the clues that point where its joint view lies: the
    strongest member holding at least ``SUPPORTS`` of it, or, when none does, the member
    holding the most (a plate's format saying Brazil does not vouch for a view that a
    misread town name pulled to Nigeria). Agreeing members do not add up: what they share
    (the same reading of the same sign) is what the witness is. Members pointing
    elsewhere take their share of the doubt (``_despite``): those holding little of the
    view whose own region lies mostly outside the leading member's (``inside[i][j]``: the
    part of member i's region, by prior mass, inside member j's). A member that narrows
    the leader down (a town within the country a script names) is no rival, however
    little of the view it holds.
    """
    pairs = list(zip(shares, (c.strength for c in g.members), strict=True))
    backing = [i for i, (share, _) in enumerate(pairs) if share >= SUPPORTS]
    if not backing:
        top = max(share for share, _ in pairs)
        backing = [i for i, (share, _) in enumerate(pairs) if share == top]
    lead = max(backing, key=lambda i: pairs[i][1])
    strength = min(g.strength, pairs[lead][1])
    against = [s for i, (share, s) in enumerate(pairs) if share < SUPPORTS and i != lead
               and (inside is None or inside[i][lead] < SUPPORTS)]
    return round(_despite(strength, against), 6)


def _despite(strength: float, against: Sequence[float]) -> float:
    """The probability that the leading clue is right, given members that point elsewhere.

    The members that hold little of the joint view point at other places: at most one of
    the leading clue and each of them is right. Of the cases "the leader is right (they
    are wrong)", "member i is right (the others are wrong)" and "none is right", weighed
    by the strengths, the first one's share: a camera's GPS fix (0.97) against its own
    UTC offset (0.6) keeps 0.93; three readings of one photo naming three countries at
    0.44, 0.41 and 0.44 leave the one the view settled on 0.24, not 0.44.
    """
    if not against:
        return strength
    wrong = math.prod(1.0 - a for a in against)
    lead = strength * wrong
    rivals = (1.0 - strength) * sum(a * wrong / (1.0 - a) for a in against if a < 1.0)
    none = (1.0 - strength) * wrong
    total = lead + rivals + none
    return strength if total <= 0 else lead / total


def log_norm(log_prior_mass: np.ndarray, joint: np.ndarray) -> float:
    """log Z_G = log Σ prior · Π L_i over the base cells (stable for large exponents)."""
    x = log_prior_mass + joint
    top = float(np.max(x))
    return top + math.log(float(np.exp(x - top).sum()))


def group_loglik(joint: np.ndarray, log_z: float, strength: float) -> np.ndarray:
    """log L_G from the members' summed log-likelihood ``joint`` (see module doc)."""
    rel = np.minimum(joint - log_z, 700.0)
    return np.log((1.0 - strength) + strength * np.exp(rel) + 1e-300)
