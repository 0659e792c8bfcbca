"""The posterior over the globe: the prior times every likelihood, refined where it matters."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from geosleuth.fusion.grid import BASE_RES, Cells, base_cells, refine, resolution_for_radius
from geosleuth.fusion.groups import Group, group_loglik, groups, log_norm, supported
from geosleuth.fusion.likelihood import CountryLookup, memoised, point_density, point_loglik
from geosleuth.fusion.overrides import (
    Override,
    enforce,
    overrides,
    planning_loglik,
    planning_terms,
)
from geosleuth.fusion.prior import base_prior
from geosleuth.fusion.terms import Norm, _on_base_cells, base_term, cells_loglik
from geosleuth.fusion.witness import WitnessView
from geosleuth.geo.distance import haversine_km
from geosleuth.model import Evidence, GeoConstraint, PointConstraint

AREA_TARGET_RES = 5  # cells of ~9 km radius are fine enough for area clues
MAX_REFINE_PER_LEVEL = 1500
MIN_MASS_TO_REFINE = 1e-6
MAX_AREA_REFINE_CELLS = 3000  # refine for area clues only when the mass sits in fewer cells
TOP_SHARE = 0.99  # only cells among those holding 99 % of the mass are refined


@dataclass(frozen=True)
class Posterior:
    cells: Cells
    mass: np.ndarray  # normalised probability of each leaf cell
    constraints: tuple[tuple[str, GeoConstraint], ...]
    exclusions: tuple[Override, ...] = ()  # the investigator's, enforced on ``mass``

    def excluded(self, lat: float, lon: float, countries: CountryLookup | None) -> bool:
        """Whether a point lies in a region the investigator ruled out."""
        return bool(self.excluded_cells(np.array([lat]), np.array([lon]), countries)[0])

    def excluded_cells(self, lat: np.ndarray, lon: np.ndarray, countries: CountryLookup | None
                       ) -> np.ndarray:
        """Which points lie in a region the investigator ruled out."""
        out = np.zeros(len(lat), dtype=bool)
        for x in self.exclusions:
            out |= x.inside(lat, lon, countries)
        return out


def _point_res(
    lat: np.ndarray, lon: np.ndarray, radius: np.ndarray, points: Sequence[PointConstraint]
) -> np.ndarray:
    """The resolution point readings ask of each cell (0 far from all of them).

    A cell near a reading (within three of its radii and two cell radii) should be small
    against the reading's radius; elsewhere the area clues' resolution applies.
    """
    points = [p for p in points if not p.negate]
    if not points or not len(lat):
        return np.zeros(len(lat), dtype=np.int8)
    plat = np.array([p.lat for p in points])
    plon = np.array([p.lon for p in points])
    reach = 3.0 * np.array([p.radius_km for p in points])
    want = np.array([resolution_for_radius(p.radius_km) for p in points], dtype=np.int8)
    d = haversine_km(lat[:, None], lon[:, None], plat[None, :], plon[None, :])
    near = d <= reach[None, :] + 2.0 * radius[:, None]
    return np.where(near, want[None, :], 0).max(axis=1).astype(np.int8)


class _Leaves:
    """The leaf cells of a refinement in progress, with their unnormalised mass.

    Refined cells get zero mass instead of being removed, and their children are appended
    to buffers with spare room, so a round costs in proportion to the cells it refines,
    not to the whole grid; ``final`` keeps the live cells in the order a remove-and-append
    would have given. The H3 ids of the base grid and of the children are kept apart:
    copying 41,162 Python strings a round would cost more than the rest of the round.

    ``w`` is each cell's mass as exp(log mass − ref), and ``total`` its sum, updated as
    cells are replaced, so that a round does not pass over every cell several times.
    """

    FIELDS = ("lat", "lon", "area", "res", "log_prior", "logmass", "w", "alive", "point_res")
    REBASE = 600.0  # exp() overflows above ~709 and underflows below ~-708

    def __init__(self, cells: Cells, log_prior: np.ndarray, ll: np.ndarray) -> None:
        self.n = self.base = len(cells)
        self.base_ids = cells.ids
        self.new_ids = np.empty(0, dtype=object)
        logmass = log_prior + ll
        start = (cells.lat, cells.lon, cells.area, cells.res, log_prior, logmass, logmass,
                 np.ones(self.n, dtype=bool), np.full(self.n, -1, dtype=np.int8))
        self.buf: dict[str, np.ndarray] = {}
        for name, arr in zip(self.FIELDS, start, strict=True):
            self.buf[name] = np.concatenate([arr, np.zeros(self.n // 4, dtype=arr.dtype)])
        self.ref, self.total = 0.0, 0.0
        self._rebase()

    def _rebase(self) -> None:
        """Recompute ``w`` against the largest log mass (at the start, and when exp() would
        overflow or the mass would fall into floating point's subnormal range)."""
        logmass = self.logmass
        self.ref = float(logmass.max())
        self.w[:] = np.exp(logmass - self.ref)
        self.total = float(self.w.sum())

    def __getattr__(self, name: str) -> np.ndarray:
        if name in self.FIELDS:
            return self.buf[name][: self.n]
        raise AttributeError(name)

    def _ids(self, idx: np.ndarray) -> np.ndarray:
        out = np.empty(len(idx), dtype=object)
        old = idx < self.base
        out[old] = self.base_ids[idx[old]]
        out[~old] = self.new_ids[idx[~old] - self.base]
        return out

    def target(self, idx: np.ndarray, points: Sequence[PointConstraint], area_res: int
               ) -> np.ndarray:
        """The resolution cells ``idx`` should reach; each cell's distance test to the
        point readings runs once, the first time it is a candidate (-1: not yet)."""
        todo = idx[self.point_res[idx] < 0]
        if len(todo):
            radius = np.sqrt(self.area[todo] / math.pi)
            self.point_res[todo] = _point_res(self.lat[todo], self.lon[todo], radius, points)
        return np.maximum(self.point_res[idx], area_res)

    def take(self, idx: np.ndarray) -> Cells:
        return Cells(self._ids(idx), self.lat[idx], self.lon[idx], self.area[idx], self.res[idx])

    def replace(
        self, idx: np.ndarray, children: Cells, log_prior: np.ndarray, ll: np.ndarray
    ) -> None:
        k = len(children)
        logmass = log_prior + ll
        overflow = k > 0 and float(logmass.max()) - self.ref > self.REBASE
        w = np.zeros(k) if overflow else np.exp(logmass - self.ref)
        self.alive[idx] = False
        self.w[idx] = 0.0
        self.logmass[idx] = -np.inf
        end = self.n + k
        if end > len(self.buf["lat"]):
            for name, arr in self.buf.items():
                self.buf[name] = np.concatenate([arr, np.zeros(end + k, dtype=arr.dtype)])
        new = (children.lat, children.lon, children.area, children.res, log_prior, logmass, w,
               np.ones(k, dtype=bool), np.full(k, -1, dtype=np.int8))
        for name, arr in zip(self.FIELDS, new, strict=True):
            self.buf[name][self.n : end] = arr
        self.new_ids = np.concatenate([self.new_ids, children.ids])
        self.n = end
        # the sum is taken again, not updated: replacing the cells that held nearly all the
        # mass by children that hold far less would leave only rounding error in an update
        self.total = float(self.w.sum())
        if overflow or self.total < math.exp(-self.REBASE):
            self._rebase()

    def final(self) -> tuple[Cells, np.ndarray, np.ndarray]:
        """The live cells, their normalised mass and their log prior mass."""
        keep = np.flatnonzero(self.alive)
        w = self.w[keep]
        return self.take(keep), w / w.sum(), self.log_prior[keep]


def support_shares(g: Group, log_prior: np.ndarray, joint: np.ndarray, log_z: float,
                   countries: CountryLookup | None) -> list[float]:
    """For each member of a witness, the part of the witness's joint view (on the base
    cells) that lies where the member alone raises the probability above the prior's."""
    view = np.exp(log_prior + joint - log_z)
    total = float(view.sum()) or 1.0
    return [float(view[base_term(c, countries)[1] > 0.0].sum()) / total for c in g.members]


def containment(g: Group, log_prior: np.ndarray, countries: CountryLookup | None
                ) -> list[list[float]]:
    """``out[i][j]``: the part of member i's region (where it alone raises the probability
    above the prior's), by prior mass on the base cells, that lies in member j's region."""
    prior = np.exp(log_prior - log_prior.max())
    masks = [base_term(c, countries)[1] > 0.0 for c in g.members]
    out: list[list[float]] = []
    for a in masks:
        mass = float(prior[a].sum())
        out.append([float(prior[a & b].sum()) / mass if mass > 0 else 0.0 for b in masks])
    return out


def posterior(evidence: Sequence[Evidence], countries: CountryLookup | None) -> Posterior:
    """Fuse the constraints of the evidence into a normalised posterior on leaf cells.

    Evidence is fused by witness (``fusion.groups``): a witness of one piece is its
    likelihood; a witness of several is their joint view, trusted with the witness's
    strength. The investigator's exclusions are then enforced (``fusion.overrides``).
    """
    constrained = [e for e in evidence if e.constraint is not None]
    pairs = tuple((e.id, e.constraint) for e in constrained if e.constraint is not None)
    witnesses = groups(constrained)
    singles = [g.members[0] for g in witnesses if g.single]
    several = [g for g in witnesses if not g.single]
    points = [c for _, c in pairs if isinstance(c, PointConstraint)]
    cells = base_cells()
    log_prior = np.log(base_prior(countries) * cells.area)
    terms = [base_term(c, countries) for c in singles]
    norms = [norm for norm, _ in terms]
    ll = np.sum([t for _, t in terms], axis=0) if terms else np.zeros(len(cells))
    lookup = memoised(countries)
    joint_views: list[tuple[Group, WitnessView, float]] = []
    on_base = _on_base_cells(countries) if countries is not None else None
    for g in several:
        view = WitnessView.of(g.members)
        joint = view.fit(cells, log_prior, on_base)
        log_z = log_norm(log_prior, joint)
        g = replace(g, strength=supported(g, support_shares(g, log_prior, joint, log_z,
                                                            countries),
                                          containment(g, log_prior, countries)))
        ll = ll + group_loglik(joint, log_z, g.strength)
        joint_views.append((g, view, log_z))
    exclusions = overrides(constrained)
    planned = planning_terms(exclusions, cells.lat, cells.lon, log_prior + ll, lookup)
    ll = ll + planning_loglik(planned, cells.lat, cells.lon, lookup)
    leaves = _Leaves(cells, log_prior, ll)
    while pairs:
        # Only cells among those holding most of the mass, with mass worth refining, are
        # candidates; the distance tests below run on them alone.
        w = leaves.w
        cand = _top(w, leaves.total)
        # A diffuse posterior gains nothing from finer cells; a concentrated one gets sharper
        # borders.
        area_res = AREA_TARGET_RES if len(cand) <= MAX_AREA_REFINE_CELLS else BASE_RES
        idx = cand[leaves.res[cand] < leaves.target(cand, points, area_res)]
        if len(idx) == 0:
            break
        idx = np.sort(idx[np.argsort(-w[idx])][:MAX_REFINE_PER_LEVEL])
        parents = leaves.take(idx)
        children, child_parent = refine(parents)
        # density per km² of the prior is inherited; the mass follows the child's area
        parent_density = np.exp(leaves.log_prior[idx]) / parents.area
        child_log_prior = np.log(parent_density[child_parent] * children.area)
        child_ll = cells_loglik(children, singles, norms, countries)
        for g, view, log_z in joint_views:
            child_ll += group_loglik(view.joint(children, memoised(countries)), log_z,
                                     g.strength)
        child_ll += planning_loglik(planned, children.lat, children.lon, memoised(countries))
        leaves.replace(idx, children, child_log_prior, child_ll)
    cells, mass, final_log_prior = leaves.final()
    single_points = [(c, norm) for c, norm in zip(singles, norms, strict=True)
                     if isinstance(c, PointConstraint) and not c.negate]
    if joint_views or single_points:
        mass = _renormalised(cells, mass, final_log_prior, joint_views, single_points, countries)
    mass = enforce(exclusions, cells.lat, cells.lon, mass, memoised(countries))
    return Posterior(cells=cells, mass=mass, constraints=pairs, exclusions=tuple(exclusions))


def _renormalised(
    cells: Cells,
    mass: np.ndarray,
    log_prior: np.ndarray,
    views: Sequence[tuple[Group, WitnessView, float]],
    points: Sequence[tuple[PointConstraint, Norm]],
    countries: CountryLookup | None,
) -> np.ndarray:
    """The mass with each point reading and each witness's joint view normalised on the
    final cells.

    Their norms (Z = ∫ prior·N, Z_G = ∫ prior·Π L_i) are first estimated on the base cells,
    where a sharp reading is averaged over ~60 km and the prior over its neighbours; that
    estimate is off by tens of percent for one reading, and by orders of magnitude for the
    product of several sharp readings, which is far more peaked on the fine cells around
    them. The refinement only needs the estimate to know where to refine; the final mass
    uses the norms over the final cells, so that a strength is the probability it claims.
    """
    log_mass = np.log(np.maximum(mass, 1e-300))
    prior = np.exp(log_prior)
    radius = cells.radius_km
    for c, (_, z) in points:
        dens = point_density(cells.lat, cells.lon, radius, c.lat, c.lon, c.radius_km)
        exact = float((prior * dens).sum())
        where = (cells.lat, cells.lon, radius, c.lat, c.lon, c.radius_km, c.strength)
        log_mass += point_loglik(*where, exact) - point_loglik(*where, z)
    lookup = memoised(countries)  # one country lookup of the final cells for every member
    for g, view, log_z in views:
        provisional = view.joint(cells, lookup)
        joint = view.fit(cells, log_prior, lookup)  # the members' exact norms
        exact = log_norm(log_prior, joint)
        log_mass += group_loglik(joint, exact, g.strength) - group_loglik(
            provisional, log_z, g.strength)
    w = np.exp(log_mass - log_mass.max())
    return w / w.sum()


def _top(w: np.ndarray, total: float, share: float = TOP_SHARE) -> np.ndarray:
    """Indices, in order, of the cells worth refining: among those that together hold
    ``share`` of the mass (largest first), the ones with more than ``MIN_MASS_TO_REFINE``.
    ``w`` is the mass up to the factor ``total``."""
    big = np.flatnonzero(w > MIN_MASS_TO_REFINE * total)
    order = big[np.argsort(-w[big])]
    keep = np.cumsum(w[order]) <= share * total
    keep[: max(1, int(keep.sum()) + 1)] = True
    return np.sort(order[keep])


__all__ = ["BASE_RES", "Posterior", "posterior"]
