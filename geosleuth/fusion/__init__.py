"""Evidence to scored hypotheses and a verdict whose confidence is a probability.

How it is computed
------------------
1. **Prior.** A density over the globe: half uniform over land, half proportional to
   the population of GeoNames cities (``fusion/prior.py``).
2. **Likelihoods.** Each piece of evidence with a constraint multiplies in a likelihood
   (``fusion/likelihood.py``). In both forms the strength *s* is the probability the
   tool gives that the clue is right. A point reading (GPS, a named place, a map
   feature) is a robust density: with probability *s* the truth is in a Gaussian
   around the point whose 95 % circle is the reading's radius, otherwise anywhere on
   land. An area clue (countries, a latitude or longitude band, a box, a polygon, a
   raster such as a sun locus) is a robust profile normalised by the prior
   probability Z of its region, (1 − s) + s·f(x)/Z: with probability *s* the truth
   lies in the region, distributed there like the prior. Evidence is treated as
   independent given the place (clues that share a cause, such as a language and a
   street word read from one sign, are therefore counted more than once: the
   calibration measured by ``geosleuth eval`` shows the effect).
3. **Posterior.** Prior × likelihoods on an adaptive H3 grid (``fusion/grid.py``):
   resolution 3 everywhere, refined where the mass is, down to a few metres around
   precise readings; the result is normalised to a probability per leaf cell. The fusion
   runs after every step of a case, so each constraint's term on the resolution-3 grid is
   computed once and cached (``fusion/terms.py``), and a refinement round only touches
   the cells it refines: a step's fusion takes ~25 ms with 20 pieces of evidence.
4. **Hypotheses.** The greedy peaks of the posterior: the densest cell, the
   mass-weighted centre around it, and the smallest radius from a fixed ladder
   (25 m … 2,500 km) holding at least ``coverage`` of the probability (or, for a diffuse
   peak, 80 % of the mass within 2,500 km). Its **score is the posterior mass within
   that radius**; that mass is removed and the next peak is taken.
5. **Verdict.** The first hypothesis. Its **confidence is the posterior probability that
   the truth lies within its radius**. Its level follows the radius (exact ≤ 0.1 km,
   street ≤ 1, city ≤ 25, region ≤ 200, country ≤ 750, continent ≤ 2,500 km), except that
   a wider circle whose probability lies at least 80 % in one country is "country".
   With no constrained evidence, under 2 % of the mass, or a best circle as wide as the
   widest radius (2,500 km) holding less than half of the probability, there is no
   answer: level "unknown", confidence 0 (the hypotheses are still listed).
6. **Support and contradiction.** A piece of evidence supports a hypothesis when its
   profile there is at least 0.5, and contradicts it when the profile is at most 0.05.
   Contradicting evidence lowers the posterior mass, so conflicts show as a lower
   confidence, and the report lists them.

The strengths are set by each tool from what it knows about its own reliability; the
evaluation harness measures how well the resulting confidences are calibrated.
"""

from geosleuth.fusion.fuse import FusionResult, fuse

__all__ = ["FusionResult", "fuse"]
