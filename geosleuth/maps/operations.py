"""Search, nearby, co-occurrence and reverse on the imported regions (offline).

The operations live in modules of their own: ``search`` (name search and nearby
queries), ``cooccur`` and ``reverse``; what they answer is in ``matches``, the bounds
on what they may be asked in ``limits``, name matching in ``names`` and distances in
``distances``. This module gathers their public names for the importers of
``geosleuth.maps.operations``.
"""

from __future__ import annotations

from geosleuth.maps.cooccur import best_groups, cooccur, group_candidates
from geosleuth.maps.distances import metres_to_box
from geosleuth.maps.limits import (
    MAX_LIMIT,
    MAX_PATTERNS,
    MAX_RADIUS_M,
    MAX_WITHIN_M,
    bound,
    bound_limit,
    check_point,
)
from geosleuth.maps.matches import Group, Match, Pattern, parse_patterns, with_host
from geosleuth.maps.names import (
    NAME_MATCH,
    STRONG,
    name_variants,
    pattern_score,
    similarity,
    text_ids,
)
from geosleuth.maps.regions import Regions
from geosleuth.maps.reverse import reverse
from geosleuth.maps.search import nearby, search

__all__ = [
    "MAX_LIMIT",
    "MAX_PATTERNS",
    "MAX_RADIUS_M",
    "MAX_WITHIN_M",
    "NAME_MATCH",
    "STRONG",
    "Group",
    "Match",
    "Pattern",
    "Regions",
    "best_groups",
    "bound",
    "bound_limit",
    "check_point",
    "cooccur",
    "group_candidates",
    "metres_to_box",
    "name_variants",
    "nearby",
    "parse_patterns",
    "pattern_score",
    "reverse",
    "search",
    "similarity",
    "text_ids",
    "with_host",
]
