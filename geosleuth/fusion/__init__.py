"""Evidence to scored hypotheses and a verdict whose confidence is a probability.

How it is computed
------------------
1. **Prior.** A density over the globe: half uniform over land, half proportional to
   the population of GeoNames cities (``fusion/prior.py``).
2. **Likelihoods.** Each piece of evidence with a constraint has a likelihood
   (``fusion/likelihood.py``) whose strength *s* is the probability the tool gives that
   the clue is right, in both forms. A point reading (GPS, a named place, a map feature)
   is a Gaussian N around the point whose 95 % circle is the reading's radius,
   normalised by the prior's weight there: L(x) = (1 − s) + s·N(x)/Z, Z = ∫ prior·N. An
   area clue (countries, a latitude or longitude band, a box, a polygon, a raster such as
   a sun locus) is a profile f normalised by the prior probability Z of its region,
   (1 − s) + s·f(x)/Z. Either way the clue alone puts the probability s where it says
   (in its circle, in its region) and leaves 1 − s spread like the prior: a strength
   means the same in Paris as in the Libyan desert, and the population prior only
   shapes the mass inside the clue's region, and breaks ties between clues.
3. **How informative a clue is** is the tool's business, because only the tool knows
   what it read: a name found in the text is worth as much as the same text would be
   unlikely if the photo were elsewhere (``text/placenames.py``, ``text/wordfreqs.py``):
   a word common in any of 28 languages or a brand is no place name unless the place is
   big for how common the word is; a name shared by several places gives each a share;
   a fuzzy reading counts score⁴; a lone word naming a small town counts less; a name
   read next to a local script must name a place where that script is written (GeoNames'
   Chinese alternate name of an English town read on a Chinese sign is not evidence);
   a Latin name alone of a place whose country writes another script counts 0.3; names
   after "twinned with" are passed over. A map match counts as far as the name searched
   for is rare (``plugins/map_search``): where one looked is not evidence.
4. **Witnesses and caps** (``fusion/groups.py``). Every piece of evidence says how it was
   obtained (its *basis*: observed by the camera, read from the pixels, computed,
   inferred by a model, or the investigator's word), and each basis caps the strength a
   tool may claim (0.99, 0.9, 0.95, 0.7, 0.999). Evidence of one source is not
   independent: everything read from the photo's text (language, place names, phone
   numbers, map matches of its words) is **one witness**, and so is the camera's
   metadata. A witness's members are multiplied into a joint view, and the view is
   trusted with the strength of its most trusted member, s_G:
   L_G(x) = (1 − s_G) + s_G·Π L_i(x)/Z_G. However many weak readings agree, they
   cannot together claim more than the best of them; a camera GPS fix (observed, 0.97)
   is overturned only by evidence of another witness that is stronger still.
5. **The investigator's exclusions** (``fusion/overrides.py``) are limits, not
   likelihoods: "not in X" leaves at most 2 % of the probability in X, a rejected
   hypothesis at most 5 % inside its circle, whatever the other evidence says; no
   hypothesis is centred in an excluded region.
6. **Posterior.** Prior × likelihoods on an adaptive H3 grid (``fusion/grid.py``):
   resolution 3 everywhere, refined where the mass is, down to a few metres around
   precise readings; the result is normalised to a probability per leaf cell. The norms
   of point readings and of witnesses are estimated on the base grid to guide the
   refinement and computed again on the final cells. The fusion runs after every step
   of a case, so each constraint's term on the resolution-3 grid is computed once and
   cached (``fusion/terms.py``), and a refinement round only touches the cells it
   refines.
7. **Hypotheses.** The greedy peaks of the posterior: the densest cell, the
   mass-weighted centre around it, and the smallest radius from a fixed ladder
   (25 m … 2,500 km) that holds ``coverage`` of the probability, or 80 % of the mass
   within a radius three steps wider (the peak ends where the mass stops growing). Its
   **score is the posterior mass within that radius**; that mass is removed and the next
   peak is taken; a circle is no smaller than half the cell its peak lies in. A peak
   whose circle holds less than 1.5 times its prior probability (the prior speaking, or
   only an exclusion) is no hypothesis. Hypotheses are ranked by score; a circle wider
   than 25 km is named by its region, one wider than 200 km by its country, never by a
   village at its centre;
   a circle that holds a camera fix no wider than itself is centred on the fix.
8. **Verdict.** The first (most probable) hypothesis. Its **confidence is the posterior
   probability that the truth lies within its radius**. Its level follows the radius
   (exact ≤ 0.1 km, street ≤ 1, city ≤ 25, region ≤ 200, country ≤ 750, continent
   ≤ 2,500 km), except that a wider circle whose probability lies at least 80 % in one
   country is "country". A first hypothesis as wide as the widest radius (2,500 km) that
   holds less than half of the probability is too wide and too weak to answer; counted
   with the circles taken inside it before it, if it holds half, the answer is the most
   probable of those circles (a Brazilian plate: 0.42 around Brazil, 0.37 at the town its
   tarja names, the town answers), else there is none. With no constrained evidence, under
   2 % of the mass, or no such circle, there is no answer: level "unknown", confidence 0
   (the hypotheses are still listed).
9. **Support and contradiction.** A piece of evidence supports a hypothesis when its
   profile there is at least 0.5, and contradicts it when the profile is at most 0.05.
   Contradicting evidence lowers the posterior mass, so conflicts show as a lower
   confidence, and the report lists them.

The strengths are set by each tool from what it knows about its own reliability; the
evaluation harness measures how well the resulting confidences are calibrated.
"""

from geosleuth.fusion.fuse import FusionResult, fuse

__all__ = ["FusionResult", "fuse"]
